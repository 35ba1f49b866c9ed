"""The ``h2o-lab`` command."""

from __future__ import annotations

import argparse
import getpass
import logging
import logging.handlers
import os
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from tui import __version__
from tui.lab import paths
from tui.lab.cluster import ClusterOptions, parse_memory

DESCRIPTION = """\
A terminal lab for deep learning with H2O-3. It starts a private H2O cluster on this machine
(127.0.0.1 only, with a password made for this launch), then walks you through the deep
learning walkthrough step by step: import data, train networks, watch them learn, and read the
h2o-py code that does the same.
"""

EPILOG = """\
environment:
  H2O_LAB_DATA      same as --data-dir
  H2O_LAB_MIRROR    same as --mirror
  H2O_LAB_PASSWORD  password for --user (otherwise you are asked for it)
  H2O_JAVA_HOME     the Java to run H2O with (8-17); by default java on the PATH, else the bundled Java 17

examples:
  h2o-lab                                    start a private cluster and begin
  h2o-lab --data-dir /srv/class-data         use data a teacher staged offline
  h2o-lab --max-mem 2g --nthreads 2          a smaller private cluster
  h2o-lab --exercises class-goals.toml       goals, hints and a quiz of your own
  h2o-lab --url https://h2o.example.org:54321 --user alice
                                             use an existing cluster (never stopped by h2o-lab)
  h2o-lab class --count 20                   prepare one cluster for a class (see h2o-lab class --help)
  h2o-lab export --format ipynb              your latest session as a notebook (see h2o-lab export --help)
"""


class UsageError(Exception):
    pass


def machine_cores() -> int:
    """The cores this process may run on: what Java reports to H2O as its available processors."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _positive_threads(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value == -1 or value >= 1:
        return value
    raise argparse.ArgumentTypeError("use a number of threads of 1 or more, or -1 for all cores")


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 1024 <= value <= 65534:
        raise argparse.ArgumentTypeError("use a port from 1024 to 65534 (H2O also takes the port after it)")
    return value


def _memory(text: str) -> str:
    try:
        return parse_memory(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _url(text: str) -> str:
    wrong = f"'{text}' is not a cluster address; use http://HOST:PORT or https://HOST:PORT"
    try:
        parts = urllib.parse.urlsplit(text.strip())
    except ValueError:  # an unclosed [ of an IPv6 address
        raise argparse.ArgumentTypeError(wrong) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(wrong)
    try:
        port = parts.port  # urllib checks the port only when asked
    except ValueError:
        port = 0
    if port == 0:
        raise argparse.ArgumentTypeError(f"'{text}' has an invalid port")
    return text.strip().rstrip("/")


def _user(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("give a user name (or leave --user out when the cluster has no login)")
    return text


def _directory(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("give a directory")
    return Path(text)


def _mirror(text: str) -> str:
    parts = urllib.parse.urlsplit(text.strip())
    if parts.scheme not in ("http", "https", "file") or (parts.scheme != "file" and not parts.hostname):
        raise argparse.ArgumentTypeError(f"'{text}' is not a mirror address; use http(s)://HOST/PATH/")
    return text.strip()


def given(flag: str, value: object) -> str:
    """How the learner gave a value, for a message: ``--flag VALUE``, or ``VARIABLE=VALUE`` (``flag`` ends in =)."""
    return f"{flag}{value}" if flag.endswith("=") else f"{flag} {value}"


def expanded(parser: argparse.ArgumentParser, flag: str, path: Path) -> Path:
    """``path`` with ``~`` expanded; a ``~user`` with no home folder is a usage mistake (exit status 2)."""
    try:
        return path.expanduser()
    except RuntimeError:
        parser.error(f"{given(flag, path)}: there is no home folder for {path.parts[0]}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="h2o-lab",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    own = parser.add_argument_group("the private cluster (default)")
    own.add_argument(
        "--nthreads",
        type=_positive_threads,
        default=-1,
        metavar="N",
        help="CPU threads H2O may use (default: -1, all cores)",
    )
    own.add_argument(
        "--max-mem",
        type=_memory,
        metavar="SIZE",
        help="Java heap for H2O, such as 2g or 512m (default: 1g, enough for every step; 512m also runs them)",
    )
    own.add_argument(
        "--port",
        type=_port,
        metavar="PORT",
        help="fixed port on 127.0.0.1 (default: the first free one from 54321)",
    )
    remote = parser.add_argument_group("an existing cluster instead")
    remote.add_argument(
        "--url", type=_url, metavar="URL", help="address of a running H2O-3 cluster; it is never stopped"
    )
    remote.add_argument(
        "--user",
        type=_user,
        metavar="USER",
        help="user name for the cluster; the password comes from H2O_LAB_PASSWORD or a prompt",
    )
    remote.add_argument(
        "--insecure",
        action="store_true",
        help="accept an https certificate that cannot be verified (self-signed)",
    )
    remote.add_argument(
        "--keep-on-cluster",
        action="store_true",
        help="at quit, leave this session's frames and models on the cluster (by default they are removed)",
    )
    data = parser.add_argument_group("data")
    data.add_argument(
        "--data-dir",
        type=_directory,
        metavar="DIR",
        help="directory with staged data files: cars_20mpg.csv, mnist/train.csv.gz, mnist/test.csv.gz "
        "(default: H2O_LAB_DATA)",
    )
    data.add_argument(
        "--mirror",
        type=_mirror,
        metavar="URL",
        help="download data from this address instead of H2O's public bucket, such as a classroom "
        "server holding the same files (default: H2O_LAB_MIRROR)",
    )
    data.add_argument("--offline", action="store_true", help="never download; use staged or cached files only")
    data.add_argument(
        "--exercises",
        type=Path,
        metavar="FILE",
        help="goals, hints and quiz questions of your own (TOML; default: exercises.toml in the data directory, "
        "else the lab's own)",
    )
    parser.add_argument("--version", action="version", version=f"h2o-lab {__version__}")
    return parser


def parse_args(argv: list[str] | None = None, environ: dict[str, str] | None = None):
    """Parse and check the flags; returns (args, LabConfig). Mistakes exit with status 2 and a message."""
    from tui.lab.service import LabConfig  # noqa: PLC0415

    environ = dict(os.environ) if environ is None else environ
    parser = build_parser()
    args = parser.parse_args(argv)

    # A value from the environment is named by its variable when it is wrong: the learner typed no flag.
    source = "--data-dir"
    if args.data_dir is None and environ.get("H2O_LAB_DATA"):
        source, args.data_dir = "H2O_LAB_DATA=", Path(environ["H2O_LAB_DATA"])
    if args.data_dir is not None:
        data_dir = Path(os.path.expanduser(str(args.data_dir)))
        if not data_dir.exists():
            parser.error(f"{given(source, args.data_dir)}: no such directory")
        if not data_dir.is_dir():
            parser.error(f"{given(source, args.data_dir)}: not a directory")
        args.data_dir = data_dir.resolve()
    if args.mirror is None and environ.get("H2O_LAB_MIRROR"):
        try:
            args.mirror = _mirror(environ["H2O_LAB_MIRROR"])
        except argparse.ArgumentTypeError as exc:
            parser.error(f"H2O_LAB_MIRROR={environ['H2O_LAB_MIRROR']}: {exc}")
    args.exercises = _exercises(parser, args.exercises, args.data_dir)
    if args.url is None:
        for flag, value in (("--user", args.user), ("--insecure", args.insecure)):
            if value:
                parser.error(f"{flag} goes with --url (an existing cluster); the private cluster needs no credentials")
        if args.keep_on_cluster:
            parser.error("--keep-on-cluster goes with --url: the private cluster is stopped at quit, with all it holds")
        cores = machine_cores()
        if args.nthreads > cores:
            # H2O takes any number (it logs "Java availableProcessors" and goes on): a warning, not a mistake.
            print(
                f"h2o-lab: warning: --nthreads {args.nthreads} is more than this machine's {cores} cores: "
                f"H2O accepts it, but no more than {cores} threads run at once",
                file=sys.stderr,
            )
    else:
        for flag, value in (("--nthreads", args.nthreads != -1), ("--max-mem", args.max_mem), ("--port", args.port)):
            if value:
                parser.error(f"{flag} sets up the private cluster; it cannot change an existing cluster at --url")
        if args.insecure and not args.url.startswith("https://"):
            parser.error("--insecure only applies to https:// addresses")

    password = None
    if args.user:
        password = environ.get("H2O_LAB_PASSWORD")
        if password is None:
            if not sys.stdin.isatty():
                parser.error("--user needs a password: set H2O_LAB_PASSWORD, or run in a terminal to be asked")
            try:
                password = getpass.getpass(f"Password for {args.user} at {args.url}: ")
            except (EOFError, KeyboardInterrupt):
                print(file=sys.stderr)
                raise SystemExit(130) from None

    options = ClusterOptions(
        url=args.url,
        user=args.user,
        password=password,
        insecure=args.insecure,
        nthreads=args.nthreads,
        max_mem=args.max_mem,
        port=args.port,
    )
    config = LabConfig(
        cluster=options,
        data_dir=args.data_dir,
        mirror=args.mirror,
        download=not args.offline,
        keep_on_cluster=args.keep_on_cluster,
    )
    return args, config


def _exercises(parser: argparse.ArgumentParser, given: Path | None, data_dir: Path | None) -> Path | None:
    """The teacher's exercises file (--exercises, or exercises.toml in the data directory), checked before anything
    starts: each mistake with its line, and exit status 2; what it lacks (goals, questions) is said, and it is used."""
    if given is not None:
        given = Path(os.path.expanduser(str(given)))
    elif data_dir is None or not (data_dir / "exercises.toml").is_file():
        return None  # the lab's own, read by the app (no import here: the start stays quick)
    from tui.lab import exercises  # noqa: PLC0415

    path = exercises.exercises_path(given, data_dir)
    if path is None:
        return None
    try:
        found = exercises.load(path)
    except exercises.ExercisesError as error:
        flag = "--exercises " if given is not None else ""
        parser.error(f"{flag}{error.message()}")
    for warning in found.warnings:
        _say(f"{parser.prog}: warning: {path}: {warning}")
    return path.resolve()


def setup_logging() -> Path | None:
    """The app's log goes to the state directory; nothing is ever printed on the screen."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    try:
        directory = paths.log_dir()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "h2o-lab.log"
        handler: logging.Handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3)
    except OSError as exc:
        print(
            f"h2o-lab: cannot write logs to {paths.log_dir()} ({exc.strerror}); going on without a log", file=sys.stderr
        )
        root.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    for noisy in ("urllib3", "requests"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path


def _log_unraisable(unraisable) -> None:
    """An error Python cannot raise (h2o-py's frames tidy themselves up in ``__del__`` as the process ends, after
    their cluster is gone) goes to the log, never over the learner's terminal."""
    logging.getLogger("h2o-lab").info(
        "ignored while tidying up (%s): %r", getattr(unraisable, "object", None), unraisable.exc_value
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["class"]:
        from tui.class_cli import main as class_main  # noqa: PLC0415

        return class_main(argv[1:])
    if argv[:1] == ["export"]:
        from tui.export_cli import main as export_main  # noqa: PLC0415

        return export_main(argv[1:])
    args, config = parse_args(argv)
    setup_logging()
    logging.getLogger("h2o-lab").info("h2o-lab %s starting", __version__)
    sys.unraisablehook = _log_unraisable
    logging.raiseExceptions = False  # a log that cannot be written (closed at exit) never prints on the screen

    from tui.app import make_app  # noqa: PLC0415 - keeps --help fast
    from tui.safety import ExitWatchdog  # noqa: PLC0415

    app = make_app(config=config, exercises=args.exercises)
    app.watchdog = ExitWatchdog(lambda: app.lab.close(leaving=True), hurry=lambda: app.lab.hurry())
    code = 0
    try:
        app.run()
        code = app.return_code or 0
    finally:
        lab = app.lab
        if lab.cluster is not None and lab.cluster.own:
            _say("Stopping the private H2O cluster…")
        elif lab.cluster is not None and not config.keep_on_cluster:
            _say("Removing this session's frames and models from the cluster (--keep-on-cluster keeps them)…")
        try:
            lab.close(leaving=True)
        except Exception:
            logging.getLogger("h2o-lab").exception("while stopping the cluster")
    if app.first_paint is not None:
        logging.getLogger("h2o-lab").info(
            "timings: first paint %.3f s, cluster ready %s",
            app.first_paint,
            f"{app.ready_at:.3f} s" if app.ready_at is not None else "never",
        )
    _leave(code)
    return code


def _say(text: str) -> None:
    try:
        print(text, file=sys.stderr, flush=True)
    except OSError:  # the terminal is gone (a dropped SSH session)
        pass


def _leave(code: int) -> None:
    """Exit now if a worker thread is still stuck in a network call: the cluster is already stopped."""
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        others = [
            t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon and t.is_alive()
        ]
        if not others:
            return
        time.sleep(0.05)
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(code)


def run() -> None:
    """The ``h2o-lab`` command: :func:`main`, then the process ends at once.

    By then the journal is written, the logs are flushed and the cluster is stopped (or handed to the reaper
    helper). Python's own tear-down of the app's thousands of objects would keep the learner's shell
    waiting most of a second for nothing.
    """
    code = main()
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # the terminal is gone
        pass
    os._exit(code)


if __name__ == "__main__":
    run()
