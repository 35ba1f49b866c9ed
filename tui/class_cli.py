"""``h2o-lab class``: what a teacher needs to run one H2O cluster for a whole class."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from tui.lab.classroom import ClassError, learner_names, parse_nodes, plan_class, write_class

DESCRIPTION = """\
Prepare one H2O cluster for a whole class instead of a private cluster per learner: a login per
learner (H2O's hash login; a random password each), the script that starts H2O on one machine or
on every node of a multi-node cloud, and the command each learner types to join it.
"""

EPILOG = """\
examples:
  h2o-lab class --count 20                       20 learners on this machine
  h2o-lab class --learners alice,bob,carol --output ~/class-monday
  h2o-lab class --learners-file roster.txt --nodes node1,node2,node3 --max-mem 16g

Then start the cluster with OUTPUT/start-h2o.sh (on each node with its line of flatfile.txt), hand
each learner their line of passwords.txt, and they join with: h2o-lab --url URL --user NAME
"""


def _port(text: str) -> int:
    if not text.isdigit() or not 1024 <= int(text) <= 65534:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port from 1024 to 65534")
    return int(text)


def _host(text: str) -> str:
    if not re.match(r"^[A-Za-z0-9_.-]+$", text):
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a host name or address; give one such as lab1.example.org or 10.0.0.5"
        )
    return text


def _memory(text: str) -> str:
    from tui.lab.cluster import parse_memory  # noqa: PLC0415

    try:
        value = parse_memory(text, this_machine=False)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="h2o-lab class",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    who = parser.add_argument_group("the learners (one of)")
    who.add_argument("--learners", metavar="NAMES", help="user names separated by commas, such as alice,bob")
    who.add_argument("--learners-file", type=Path, metavar="FILE", help="a file with one user name per line")
    who.add_argument("--count", type=int, metavar="N", help="N learners named learner01, learner02, ...")
    where = parser.add_argument_group("the cluster")
    where.add_argument("--name", default="h2o-lab-class", help="the cluster's name (default: h2o-lab-class)")
    where.add_argument("--port", type=_port, default=54321, help="port of every node (default: 54321)")
    where.add_argument(
        "--max-mem", type=_memory, metavar="SIZE", help="Java heap per node (default: 256m per learner, at least 2g)"
    )
    where.add_argument(
        "--nodes",
        metavar="HOSTS",
        help="a multi-node cloud: every node's address, separated by commas (HOST or HOST:PORT)",
    )
    where.add_argument(
        "--host",
        type=_host,
        help="the address learners use to reach the cluster (default: this machine's name, or the first node)",
    )
    parser.add_argument(
        "--output", type=Path, default=Path("h2o-class"), metavar="DIR", help="where to write (default: ./h2o-class)"
    )
    return parser


def _names(args: argparse.Namespace, parser: argparse.ArgumentParser) -> list[str]:
    given = [v is not None for v in (args.learners, args.learners_file, args.count)]
    if sum(given) != 1:
        parser.error("give the learners one way: --learners, --learners-file or --count")
    if args.learners_file is not None:
        try:
            text = args.learners_file.read_text(encoding="utf-8")
        except OSError as exc:
            parser.error(f"--learners-file {args.learners_file}: {exc.strerror or exc}")
        except UnicodeDecodeError:
            parser.error(f"--learners-file {args.learners_file}: not a text file")
        names = []
        for number, line in enumerate(text.splitlines(), 1):
            name = line.split("#", 1)[0].strip()
            if not name:
                continue
            try:
                learner_names([name])
            except ClassError as exc:
                parser.error(f"--learners-file {args.learners_file}, line {number}: {exc}")
            names.append(name)
        if not names:
            parser.error(f"--learners-file {args.learners_file}: no user names in it")
        return learner_names(names)
    if args.learners is not None:
        return learner_names([n.strip() for n in args.learners.split(",") if n.strip()] or [""])
    return learner_names(count=args.count)


def main(argv: list[str]) -> int:
    from tui.cli import expanded  # noqa: PLC0415
    from tui.lab.cluster import h2o_jar  # noqa: PLC0415
    from tui.lab.errors import ClusterError  # noqa: PLC0415
    from tui.lab.java import find_java  # noqa: PLC0415

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        names = _names(args, parser)
        nodes = parse_nodes(args.nodes, args.port) if args.nodes else []
        plan = plan_class(names, name=args.name, port=args.port, heap=args.max_mem, nodes=nodes, host=args.host)
    except ClassError as exc:
        parser.error(str(exc))
    try:
        jar: Path | str = h2o_jar()
    except ClusterError:
        jar = "h2o.jar"
    try:
        java = find_java().path
    except ClusterError:
        java = "java"
    output = expanded(parser, "--output", args.output)
    try:
        write_class(plan, output, jar, java)
    except ClassError as exc:
        parser.error(str(exc))
    except OSError as exc:
        parser.error(f"--output {output}: {exc.strerror or exc}")

    per = plan.heap_bytes / len(names) / 2**20
    where = "on each node, with its line of flatfile.txt" if nodes else "on this machine"
    start = f"{output}/start-h2o.sh" + (" HOST:PORT" if nodes else "")
    print(
        f"Wrote the class '{plan.name}' to {output}: {len(names)} learners, a {plan.heap} heap per node "
        f"(about {per:.0f} MiB per learner).\n"
        "  users.properties  the cluster's logins, hashed (no password in it)\n"
        "  passwords.txt     each learner's password: hand them out, then keep the file private\n"
        f"  start-h2o.sh      starts H2O {where}\n"
        + ("  flatfile.txt      every node's address: how the nodes find each other\n" if nodes else "")
        + "  learners.txt      what each learner types\n"
        "\n"
        f"Start the cluster ({where}; JAVA and H2O_JAR choose Java and H2O's engine):\n"
        f"  {start}\n"
        "Each learner joins with their user (asked for the password, or H2O_LAB_PASSWORD):\n"
        f"  h2o-lab --url {plan.url} --user {names[0]}\n"
        "Logins travel unencrypted over http: outside a trusted network, serve H2O over https (see the README)."
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
