"""Stress h2o-lab in a real terminal: bursts of random keys at random moments, with every core busy.

    .venv/bin/python bench/stress.py --seeds 20            # seeds 1..20, about a minute or two each
    .venv/bin/python bench/stress.py --seeds 5 --keys 3000 --first-seed 100

For each seed the app runs in a pseudo-terminal of 80x24 (``--nthreads 1 --max-mem 1g --offline``) while
CPU burners keep every core busy. Bursts of keys, taken from the app's own bindings (never q, Ctrl+C or
Ctrl+Z) and free text (letters, digits, punctuation), arrive at full speed: during start-up, the moment the
cluster is ready, while a step is being built, while a model trains, while a dialog is open, on every step.
Then: no internal error in the app's log, the app still running, q (and y when it asks) ends it, within a
generous bound, and no JVM of it is left. The pytest version is tests/test_stress.py (two seeds).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import random
import re
import signal
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import helpers  # noqa: E402
from tests.burner import burning  # noqa: E402
from tests.helpers import Terminal, jvms_with  # noqa: E402

# How the keys of the app's bindings reach a terminal program (xterm sequences).
KEY_BYTES = {
    "escape": "\x1b",
    "tab": "\t",
    "shift+tab": "\x1b[Z",
    "enter": "\r",
    "space": " ",
    "backspace": "\x7f",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "home": "\x1b[H",
    "end": "\x1b[F",
    "pageup": "\x1b[5~",
    "pagedown": "\x1b[6~",
    "shift+right": "\x1b[1;2C",
    "shift+left": "\x1b[1;2D",
    "question_mark": "?",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}
# Never inside a burst: quitting and suspending are tested on their own, and at the end of a seed.
FORBIDDEN_KEYS = {"q", "Q", "ctrl+c", "ctrl+z", "ctrl+backslash", "ctrl+d"}
FORBIDDEN_BYTES = {"q", "Q", "\x03", "\x1a", "\x1c", "\x04"}
# The keys a learner moves with, bound by Textual's own widgets (sidebar, tabs, tables, fields).
MOVING_KEYS = (
    "up",
    "down",
    "left",
    "right",
    "enter",
    "space",
    "tab",
    "shift+tab",
    "escape",
    "pageup",
    "pagedown",
    "home",
    "end",
    "backspace",
)
FREE_TEXT = (
    "".join(c for c in string.ascii_letters + string.digits if c not in "qQ") + ",.,-+_ e0123456789/:;=()!@#%&*<>'\""
)

# The log's own records: "2026-01-01 12:00:00,123 LEVEL name: message" and their continuation lines.
RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (?P<level>[A-Z]+) (?P<name>[^:]+): ")
# Failures the learner caused and is told about (an H2O job refused or failed because of what was typed):
# a worker ending with one of the lab's own errors, shown in a dialog.
EXPECTED_ERROR = re.compile(r"worker \S+ failed: (LabError|JavaError|ClusterError|DataError|TrainingError)\(")


def binding_keys() -> dict[str, str]:
    """Every key of the app's bindings (app, screens, widgets) that a burst may send, with its bytes."""
    from screens.dialogs import ConfirmDialog, Dialog, ErrorDialog, SaveDialog
    from screens.help import HelpScreen
    from screens.mnist import DigitBrowser
    from tui.app import LabApp
    from widgets.code import CodePanel
    from widgets.threshold import ThresholdExplorer

    names: set[str] = set(MOVING_KEYS)
    for owner in (
        LabApp,
        Dialog,
        ConfirmDialog,
        ErrorDialog,
        SaveDialog,
        HelpScreen,
        DigitBrowser,
        ThresholdExplorer,
        CodePanel,
    ):
        for binding in owner.BINDINGS:
            key = binding.key if hasattr(binding, "key") else binding[0]
            names.update(k.strip() for k in key.split(","))
    keys = {}
    for name in sorted(names - FORBIDDEN_KEYS):
        data = KEY_BYTES.get(name, name if len(name) == 1 else None)
        if data is not None and data not in FORBIDDEN_BYTES:
            keys[name] = data
    return keys


def log_problems(text: str) -> list[str]:
    """Records of the app's log that speak of an internal error: tracebacks, NoMatches, unexpected ERRORs."""
    records: list[list[str]] = []
    for line in text.splitlines():
        if RECORD.match(line) or not records:
            records.append([line])
        else:
            records[-1].append(line)
    problems = []
    for record in records:
        whole = "\n".join(record)
        match = RECORD.match(record[0])
        level = match.group("level") if match else ""
        if EXPECTED_ERROR.search(record[0]) and "Traceback" not in whole:
            continue
        if level in ("ERROR", "CRITICAL") or "internal error" in whole or "Traceback" in whole or "NoMatches" in whole:
            problems.append(whole)
    return problems


def overlapping_runs(text: str) -> list[str]:
    """Runs that started on a step while another run of the same step was still going (two jobs for one step)."""
    running: dict[str, str] = {}  # run id -> step
    found = []
    for match in re.finditer(
        r"(started (?P<run>run-\d+) \(.*?\) for step (?P<step>\d+))|((?P<done>run-\d+) finished)", text
    ):
        if match.group("run"):
            step = match.group("step")
            others = [r for r, s in running.items() if s == step]
            if others:
                found.append(f"{match.group('run')} started on step {step} while {', '.join(others)} still ran")
            running[match.group("run")] = step
        else:
            running.pop(match.group("done"), None)
    return found


def signature(problem: str) -> str:
    """What tells one crash from another: the exception's type and where it was raised (the innermost frame),
    with the frame of the app's own code nearest to it."""
    lines = problem.splitlines()
    frames = re.findall(r'File "([^"]+)", line (\d+), in (\S+)', problem)
    last = next((line.strip() for line in reversed(lines) if line.strip() and not line.startswith(" ")), lines[0])
    kind = last.split(":", 1)[0] if "Traceback" in problem else last[:160]
    if not frames:
        return kind
    path, line, function = frames[-1]
    where = f"{Path(path).name}:{line} {function}"
    own = [f for f in frames if re.search(r"/(tui|screens|widgets)/", f[0]) and not f[0].endswith("safety.py")]
    if own and own[-1] != frames[-1]:
        where += f" (from {Path(own[-1][0]).parent.name}/{Path(own[-1][0]).name}:{own[-1][1]} {own[-1][2]})"
    return f"{kind} @ {where}"


ANSI = re.compile(
    r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[@-Z\\-_]"
)


def plain(data: str) -> str:
    """Terminal output without its escape sequences: roughly the words that were drawn."""
    return re.sub(r"[ \t]{3,}", "  ", ANSI.sub(" ", data)).replace("\r", "")


class StressTerminal(Terminal):
    """The app in a pseudo-terminal, started in a directory of its own: a random Enter in the save dialog
    writes its file there, never into the checkout. The tree under test is on PYTHONPATH."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        workdir = tmp_path / "cwd"
        workdir.mkdir(parents=True, exist_ok=True)
        # SIGUSR2 makes the app write every thread's stack to a file (as often as asked), for a hang's report.
        self.stacks = tmp_path / "stacks.txt"
        diagnose = tmp_path / "diagnose"
        diagnose.mkdir(parents=True, exist_ok=True)
        (diagnose / "sitecustomize.py").write_text(
            "import faulthandler, os, signal\n"
            "_stacks = open(os.environ['H2O_LAB_STRESS_STACKS'], 'a')\n"
            "faulthandler.register(signal.SIGUSR2, file=_stacks, all_threads=True)\n"
        )
        real = subprocess.Popen

        def popen(command, **kwargs):
            env = dict(kwargs.get("env") or os.environ)
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(diagnose), str(ROOT), env.get("PYTHONPATH")]))
            env["H2O_LAB_STRESS_STACKS"] = str(self.stacks)
            env["PYTHONFAULTHANDLER"] = "1"  # SIGABRT on a hung app writes every thread's stack to the terminal
            return real(command, **{**kwargs, "cwd": workdir, "env": env})

        helpers.subprocess.Popen = popen  # only for this constructor's one Popen
        try:
            super().__init__(tmp_path, *args)
        finally:
            helpers.subprocess.Popen = real


@dataclasses.dataclass
class Result:
    seed: int
    keys: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)
    alive_before_quit: bool = False
    exit_code: int | None = None
    exit_seconds: float | None = None
    jvms_left: list[int] = dataclasses.field(default_factory=list)
    failure: str = ""  # what went wrong besides the log (no start, no exit...)
    trail: list[str] = dataclasses.field(default_factory=list)  # what was sent, phase by phase
    log_path: Path | None = None
    overlaps: list[str] = dataclasses.field(default_factory=list)  # two jobs at once for one step

    @property
    def ok(self) -> bool:
        return (
            not self.problems
            and not self.failure
            and self.alive_before_quit
            and self.exit_code == 0
            and not self.jvms_left
        )

    def summary(self) -> str:
        errors = len({signature(p) for p in self.problems})
        exit_time = f"{self.exit_seconds:.1f} s" if self.exit_seconds is not None else "-"
        text = (
            f"seed {self.seed}: {self.keys} keys, {len(self.problems)} error records ({errors} distinct), "
            f"alive before quit: {'yes' if self.alive_before_quit else 'NO'}, exit code {self.exit_code}, "
            f"exit in {exit_time}, JVMs left: {len(self.jvms_left)}"
        )
        if self.failure:
            text += f"\n  failure: {self.failure}"
        if self.overlaps:
            text += "\n  note (not counted as a failure): two jobs for one step: " + "; ".join(self.overlaps[:5])
        return text

    def report(self) -> str:
        """The summary, then each distinct problem with the keys sent just before it appeared."""
        parts = [self.summary()]
        seen = set()
        for problem in self.problems:
            sig = signature(problem)
            if sig in seen:
                continue
            seen.add(sig)
            parts.append(f"--- {sig}\n{problem[-3000:]}")
        if self.problems or self.failure:
            parts.append("--- the last phases sent:\n" + "\n".join(self.trail[-16:]))
            if self.log_path is not None:
                parts.append(f"--- the app's log: {self.log_path}")
        return "\n".join(parts)


class Stress:
    """One seed: the app, the random keys, and the checks."""

    def __init__(self, seed: int, keys: int, workdir: Path, say=print) -> None:
        self.seed = seed
        self.budget = keys
        self.rng = random.Random(seed)
        self.workdir = workdir
        self.say = say
        self.keys = binding_keys()
        self.result = Result(seed)
        self.term: StressTerminal | None = None

    # -- sending -------------------------------------------------------------------------------
    def _write(self, data: str) -> None:
        assert not (set(data) & FORBIDDEN_BYTES), repr(data)
        self.term.send(data)  # type: ignore[union-attr]

    def key(self, name: str) -> None:
        self._write(self.keys[name])
        self.result.keys += 1

    def burst(self, phase: str, low: int = 5, high: int = 30) -> None:
        """Random keys at full speed: bindings mostly, free text now and then (typed into a field, or not)."""
        rng = self.rng
        count = rng.randint(low, high)
        names = list(self.keys)
        sent: list[str] = []
        chunk = ""
        for _ in range(count):
            if rng.random() < 0.3:
                text = "".join(rng.choice(FREE_TEXT) for _ in range(rng.randint(1, 6)))
                chunk += text
                sent.append(repr(text))
                self.result.keys += len(text)
            else:
                name = rng.choice(names)
                chunk += self.keys[name]
                sent.append(name)
                self.result.keys += 1
            if rng.random() < 0.5:  # sometimes key by key, sometimes several keys in one write
                self._write(chunk)
                chunk = ""
        if chunk:
            self._write(chunk)
        self.result.trail.append(f"[{phase}] " + " ".join(sent))

    def pause(self, low: float, high: float) -> None:
        time.sleep(self.rng.uniform(low, high))

    # -- checks --------------------------------------------------------------------------------
    def log_text(self) -> str:
        try:
            return self.term.log.read_text(errors="replace")  # type: ignore[union-attr]
        except OSError:
            return ""

    def check(self) -> bool:
        """Whether to go on: the app runs and its log holds no internal error."""
        self.result.problems = log_problems(self.log_text())
        if self.term.proc.poll() is not None:  # type: ignore[union-attr]
            self.result.failure = f"the app ended by itself (exit code {self.term.proc.returncode}) during the keys"
            return False
        return not self.result.problems

    def ready(self) -> bool:
        if "cluster ready after" in self.log_text():
            return True
        return "H2O ready" in self.term.screen_since(0)  # type: ignore[union-attr]

    # -- the seed ------------------------------------------------------------------------------
    def run(self) -> Result:
        started = time.monotonic()
        self.term = StressTerminal(self.workdir)
        self.result.log_path = self.term.log
        try:
            self._keys()
            self.result.problems = log_problems(self.log_text())
            self.result.alive_before_quit = self.term.proc.poll() is None
            if self.result.alive_before_quit:
                self._quit()
        finally:
            if self.term.proc.poll() is None:
                self.term.close()
            deadline = time.monotonic() + 30
            while jvms_with(self.term.marker) and time.monotonic() < deadline:
                time.sleep(0.5)
            self.result.jvms_left = jvms_with(self.term.marker)
            self.result.problems = log_problems(self.log_text())
            self.result.overlaps = overlapping_runs(self.log_text())
            self.term.close()
        self.say(f"  seed {self.seed} took {time.monotonic() - started:.0f} s")
        return self.result

    def _keys(self) -> None:
        rng = self.rng
        # During start-up: the screen is not even painted yet, or the cluster is starting.
        self.pause(0.0, 1.5)
        self.burst("start-up", 3, 15)
        deadline = time.monotonic() + 240
        while not self.ready():
            if self.term.proc.poll() is not None:
                self.result.failure = "the app ended during start-up"
                return
            if time.monotonic() > deadline:
                self.result.failure = "the cluster was not ready within 240 s"
                return
            if rng.random() < 0.02:
                self.burst("start-up, cluster starting", 2, 10)
            time.sleep(0.02)
        self.burst("the moment the cluster is ready", 10, 30)  # right away: forms and steps are being built
        if not self.check():
            return
        # Every step at least once (whatever the budget), then back while keys remain: keys while each step
        # is built, while it trains, while a dialog is open.
        for index, move in enumerate(["n"] * 13 + ["p"] * 13):
            if index >= 13 and self.result.keys >= self.budget:
                break
            self._action(move)
            if not self.check():
                return
        while self.result.keys < self.budget:
            self._action(rng.choice(["n", "p", "t", "dialog", "burst", "wait", "n", "p"]))
            if not self.check():
                return
        time.sleep(1.0)  # what the last keys started has time to fail
        self.check()

    def _action(self, what: str) -> None:
        rng = self.rng
        if what in ("n", "p"):
            self._write("\x1b")  # leave a field, close a dialog (alone: an Escape, not an Alt+key)
            time.sleep(0.12)
            self.key(what)
            self.burst("while the step is being built", 2, 20)  # at once
            roll = rng.random()
            if roll < 0.4:
                self._action("t")
            elif roll < 0.45:
                self._action("dialog")
            else:
                self.pause(0.0, 0.6)
        elif what == "t":
            self._write("\x1b")
            time.sleep(0.12)
            self.key("t")
            self.pause(0.0, 2.5)
            self.burst("while a model trains (or right after t)", 5, 30)
            self.pause(0.0, 1.0)
        elif what == "dialog":
            self._write("\x1b")
            time.sleep(0.12)
            self.key("question_mark")
            self.pause(0.0, 0.4)
            self.burst("while a dialog is open", 3, 15)
        elif what == "burst":
            self.burst("anywhere", 5, 40)
        else:
            self.pause(0.3, 2.0)

    def _quit(self) -> None:
        """q, and y when the app asks (a model trains); Escapes first close dialogs and leave fields."""
        term = self.term
        start = None
        for attempt in range(1, 4):
            for _ in range(3):
                term.send("\x1b")
                time.sleep(0.3)
            offset = len(term.output)
            term.send("q")
            start = start or time.monotonic()
            self.result.trail.append(f"[quit] q (attempt {attempt}) at {time.monotonic() - start:.1f} s")
            asked = time.monotonic() + 4
            answered = False
            while time.monotonic() < asked and term.proc.poll() is None:
                shown = re.sub(r"\s+", "", plain(term.screen_since(offset)))
                if "Quitnow?" in shown or "Amodelistraining" in shown:
                    time.sleep(0.2)
                    term.send("y")
                    answered = True
                    self.result.trail.append(f"[quit] y to the quit dialog at {time.monotonic() - start:.1f} s")
                    break
                time.sleep(0.1)
            if not answered and term.proc.poll() is None:
                term.send("y")  # the dialog may be drawn in pieces the search above cannot read; y is harmless
                self.result.trail.append(f"[quit] y (no dialog read on screen) at {time.monotonic() - start:.1f} s")
            try:
                term.wait_exit(timeout=45)
                break
            except subprocess.TimeoutExpired:
                continue
        if term.proc.poll() is None:
            self.result.failure = "q (then y) did not end the app within about 150 s\n" + self._hang_report()
            return
        self.result.exit_code = term.proc.returncode
        self.result.exit_seconds = time.monotonic() - start
        self.result.trail.append(f"[quit] exit code {self.result.exit_code} at {self.result.exit_seconds:.1f} s")
        if self.result.exit_code != 0:
            self.result.failure = f"the app ended with exit code {self.result.exit_code} after q"

    def _hang_report(self) -> str:
        """The words last drawn, how busy the app is, its main thread three times a second apart (SIGUSR2), then
        every thread's stack (faulthandler, on SIGABRT); the app is gone after it."""
        term = self.term
        pid = term.proc.pid
        drawn = plain(term.screen_since(max(0, len(term.output) - 6000)))

        def cpu_seconds() -> float:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        samples = []
        try:
            before, started = cpu_seconds(), time.monotonic()
            for _ in range(3):
                size = term.stacks.stat().st_size if term.stacks.exists() else 0
                os.kill(pid, signal.SIGUSR2)
                time.sleep(1.0)
                text = term.stacks.read_text(errors="replace")[size:] if term.stacks.exists() else ""
                current = text.find("Current thread")
                samples.append(text[current : current + 2500] if current >= 0 else text[-2500:])
            busy = (cpu_seconds() - before) / (time.monotonic() - started)
        except OSError:
            busy = float("nan")
        offset = len(term.output)
        try:
            os.kill(pid, signal.SIGABRT)
            term.wait_exit(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        time.sleep(0.5)
        dump = term.screen_since(offset)
        start = dump.find("Fatal Python error")
        dump = dump[start:] if start >= 0 else dump
        (self.workdir / "hang-stacks.txt").write_text(dump)
        shown = "\n".join(f"-- main thread, sample {i + 1}:\n{sample}" for i, sample in enumerate(samples))
        return (
            f"the last words drawn: {drawn[-1200:]}\nthe app used {busy:.0%} of a core while hung; "
            f"its main thread (every thread in {self.workdir / 'hang-stacks.txt'} and {term.stacks}):\n{shown}"
        )


def run_seeds(seeds: list[int], keys: int, burn: bool = True, say=print) -> list[Result]:
    results = []
    with burning() if burn else contextlib.nullcontext():
        for seed in seeds:
            workdir = Path(tempfile.mkdtemp(prefix=f"h2o-lab-stress-{seed}-"))
            result = Stress(seed, keys, workdir, say=say).run()
            results.append(result)
            say(result.report())
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20, help="how many seeds (default 20)")
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--keys", type=int, default=1500, help="keys per seed, about (default 1500)")
    parser.add_argument("--no-burn", action="store_true", help="leave the cores alone")
    args = parser.parse_args(argv)
    if not os.environ.get("H2O_LAB_DATA"):
        data = ROOT / "tests" / "data"
        os.environ["H2O_LAB_DATA"] = str(data if (data / "cars_20mpg.csv").exists() else helpers.SHARED_DATA)
    started = time.monotonic()
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    results = run_seeds(seeds, args.keys, burn=not args.no_burn, say=lambda text: print(text, flush=True))
    distinct: dict[str, list[int]] = {}
    for result in results:
        for problem in result.problems:
            distinct.setdefault(signature(problem), [])
            if result.seed not in distinct[signature(problem)]:
                distinct[signature(problem)].append(result.seed)
    failed = [r.seed for r in results if not r.ok]
    exits = [r.exit_seconds for r in results if r.exit_seconds is not None]
    print(
        f"total: {len(results)} seeds, {sum(r.keys for r in results)} keys, {len(failed)} failed {failed}, "
        f"{len(distinct)} distinct errors, slowest exit {max(exits):.1f} s, {time.monotonic() - started:.0f} s"
        if exits
        else f"total: {len(results)} seeds, {len(failed)} failed {failed}, {len(distinct)} distinct errors"
    )
    for sig, where in distinct.items():
        print(f"  {sig}  (seeds {', '.join(map(str, where))})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
