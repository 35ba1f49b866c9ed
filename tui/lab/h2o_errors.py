"""H2O's errors and failed jobs, turned into words the learner can act on."""

from __future__ import annotations

import re

from tui.lab.errors import ClusterError, DataError, LabError, TrainingError


def explain_failure(exception: str, stacktrace: str = "") -> str:
    """H2O's reason for a failed job, in plain words first."""
    text = exception.strip() or first_line(stacktrace)
    low = (exception + " " + stacktrace).lower()
    if "unstable" in low:
        return (
            "The network became numerically unstable: its weights grew until they were no longer numbers. "
            "Lower the learning rate (rate), or turn adaptive_rate back on. H2O said: " + first_line(text)
        )
    if "outofmemory" in low or "out of memory" in low:
        return "The cluster ran out of memory. Train on fewer rows or start h2o-lab with a larger --max-mem."
    if not text:
        return "H2O stopped the job without a reason."
    # Drop Java's exception class names: the sentence after them is the reason.
    plain = re.sub(r"^([\w$]+\.)+[\w$]*(Exception|Error):\s*", "", first_line(text))
    plain = re.sub(r"^Illegal argument\(s\) for DeepLearning model: \S+\s+Details:\s*", "", plain)
    plain = re.sub(r"ERRR on field: _?(\w+):", r"\1:", plain)
    return "H2O stopped the job: " + plain


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
    """The first line of ``text`` that is not blank, at most 400 characters long."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:400]
    return ""


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
    return TrainingError(f"{what}: {first_line(message) or name}.", detail=message)
