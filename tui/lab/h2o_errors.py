"""H2O's errors and failed jobs, turned into words the learner can act on."""

from __future__ import annotations

import re

from tui.lab.errors import ClusterError, DataError, LabError, TrainingError

# How long H2O's own words may be where the lab quotes them (whole sentences up to this, or cut at a word).
REASON_LENGTH = 240

# H2O wraps an error raised on a node: "DistributedException from /127.0.0.1:54325: '<reason>', caused by ...".
_DISTRIBUTED = re.compile(r"^\s*DistributedException from \S+?:\s*'(?P<reason>.*?)'(?:, caused by .*)?$", re.S)
# Java's exception class names ("java.lang.IllegalArgumentException: "), and the heading of H2O's list of bad
# parameters ("Illegal argument(s) for DeepLearning model: <key>.  Details: "): the reason comes after them.
_JAVA_CLASS = re.compile(r"^(?:[\w$]+\.)+[\w$]*(?:Exception|Error):\s*")
_ILLEGAL = re.compile(r"^Illegal argument\(s\) for DeepLearning model: \S+\s+Details:\s*")


def h2o_reason(text: str, limit: int = REASON_LENGTH) -> str:
    """H2O's own reason in an error text: out of the wrappers of a node's error and Java's class names, without
    the stack and the links, its lines joined, and shortened to whole sentences (or at a word) within ``limit``."""
    text = (text or "").strip()
    match = _DISTRIBUTED.match(text)
    if match and match.group("reason").strip():
        text = match.group("reason")
    lines: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(("at ", "... ")) or line.lower().startswith("for more information"):
            break  # the stack, or H2O's link for more: the reason is above
        if line:
            lines.append(line)
    return shorten(_ILLEGAL.sub("", _JAVA_CLASS.sub("", " ".join(lines))), limit)


def shorten(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit``; else its first sentences that fit, or its first words and an ellipsis."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s)", text) if m.end() <= limit]
    if ends:
        return text[: ends[-1]]
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:('\"") + "…"


def explain_failure(exception: str, stacktrace: str = "", cause: str = "") -> str:
    """H2O's reason for a failed job, in plain words first; ``cause``: what most likely made a network unstable
    and what to change (tui.lab.failure_fix.likely_cause)."""
    text = h2o_reason(exception) or h2o_reason(stacktrace)
    low = (exception + " " + stacktrace).lower()
    if "unstable" in low:
        cause = cause or "Lower the learning rate (rate), or turn adaptive_rate back on."
        return (
            f"The network became numerically unstable: its weights grew until they were no longer numbers. {cause} "
            "H2O said: " + text
        )
    if "outofmemory" in low or "out of memory" in low:
        return "The cluster ran out of memory. Train on fewer rows or start h2o-lab with a larger --max-mem."
    if not text:
        return "H2O stopped the job without a reason."
    return "H2O stopped the job: " + re.sub(r"ERRR on field: _?(\w+):", r"\1:", text)


def h2o_message(detail: str) -> str:
    """The sentence inside H2O's error text (after 'ERROR MESSAGE:')."""
    text = detail or ""
    if "ERROR MESSAGE:" in text:
        text = text.split("ERROR MESSAGE:", 1)[1]
    return first_line(text)


def field_in(text: str, names: list[str]) -> str:
    """Which field an H2O error sentence is about."""
    low = text.lower()
    match = re.search(r"field:\s*_?(\w+)", text)
    if match:
        return match.group(1)
    if "activation" in low:
        return "activation"
    for name in sorted(names, key=len, reverse=True):
        if name.lower() in low:
            return name
    return ""


def first_line(text: str) -> str:
    """The first line of ``text`` that is not blank, at most 400 characters long (cut at a sentence or a word)."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return shorten(line, 400)
    return ""


def first_reason(text: str) -> str:
    """The first line of an H2O error text; when it wraps a node's error, H2O's own reason inside it."""
    return h2o_reason(text) if _DISTRIBUTED.match((text or "").strip()) else first_line(text)


def memory_or(exc: BaseException, what: str) -> LabError:
    """A data error that says the cluster ran out of memory, when it did; else :func:`as_lab_error`."""
    text = str(exc)
    if "OutOfMemory" in text or "Java heap space" in text or "not enough memory" in text.lower():
        return DataError(
            f"{what}: the cluster ran out of memory.",
            hint="Start h2o-lab with a larger heap, for example --max-mem 2g.",
            detail=text,
        )
    return as_lab_error(exc, what)


def as_lab_error(exc: BaseException, what: str) -> LabError:
    """Turn an h2o-py exception into words for the learner."""
    if isinstance(exc, LabError):
        return exc
    name = type(exc).__name__
    message = str(exc)
    try:
        from h2o.exceptions import H2OResponseError  # noqa: PLC0415

        if isinstance(exc, H2OResponseError):
            err = exc.args[0]
            message = getattr(err, "msg", None) or getattr(err, "exception_msg", None) or message
    except Exception:
        pass
    if name == "H2OConnectionError":
        return ClusterError(f"{what}: the cluster did not answer.", detail=message)
    return TrainingError(f"{what}: {first_reason(message) or name}.", detail=message)
