"""Where things stand in an exercises file: the line of each entry and key, and where a syntax error comes from.

TOML readers say where they gave up, which for a bracket or a string left open is some lines further on (a
``[`` never closed on line 7 is reported at line 9, where the next table starts). :func:`syntax_problem` reads
the file up to that point and, when a bracket or a string is still open there, points at the line that opened it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """A mistake in an exercises file, at a line (0 when the line is not known), with that line's text."""

    line: int
    text: str
    shown: str = ""  # the line itself, for a syntax error


def syntax_problem(exc: Exception, source: str) -> Problem:
    """The mistake behind a TOML reader's error, at the line that opened what is never closed, if anything is."""
    said = str(exc)
    message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", getattr(exc, "msg", said)).strip()
    where = re.search(r"\(at line (\d+), column (\d+)\)", said)
    rows = source.splitlines()
    if where:
        line, column = int(where.group(1)), int(where.group(2))
        stop = sum(len(row) + 1 for row in source.split("\n")[: line - 1]) + column - 1
    else:
        line, column, stop = max(1, len(rows)), 0, len(source)
    opened = _open_at(source, stop)

    def shown(number: int) -> str:
        return rows[number - 1].strip() if 0 < number <= len(rows) else ""

    if opened is not None and opened.mark in ('"', "'"):
        text = "the line ends inside a text: is a closing quote missing?"
        return Problem(opened.line, f"TOML syntax: {text}", shown(opened.line))
    if opened is not None and opened.mark in ('"""', "'''"):
        text = f"this text is not closed: a closing {opened.mark} is missing"
        return Problem(opened.line, f"TOML syntax: {text}", shown(opened.line))
    anew = 0 < line <= len(rows) and Lines.starts_statement(rows[line - 1])
    if opened is not None and (message.startswith("Unclosed") or anew or not where):
        stops = f"line {line}, column {column}" if where else "the end of the file"
        if opened.mark == "{":
            text = f"this '{{' is not closed on its line (a table in braces stays on one line; read up to {stops})"
        else:
            text = f"this '[' is not closed, or a comma is missing between its values (read up to {stops})"
        return Problem(opened.line, f"TOML syntax: {text}", shown(opened.line))
    if "Illegal character '\\n'" in message:
        message = "the line ends inside a text: is a closing quote missing?"
    if where:
        message += f" (column {column})"
    return Problem(line, f"TOML syntax: {message}", shown(line))


@dataclass(frozen=True)
class _Open:
    mark: str  # [ { " ' """ or '''
    line: int


def _open_at(source: str, stop: int) -> _Open | None:
    """What is still open at offset ``stop``: a string (the innermost thing, if any), else the last open bracket."""
    brackets: list[_Open] = []
    line, i = 1, 0
    while i < stop:
        char = source[i]
        if char == "\n":
            line += 1
        elif char == "#":
            end = source.find("\n", i)
            i = len(source) if end < 0 else end
            continue
        elif char in "[{":
            brackets.append(_Open(char, line))
        elif char in "]}" and brackets:
            brackets.pop()
        elif char in "\"'":
            mark = char * 3 if source.startswith(char * 3, i) else char
            end = _string_end(source, i + len(mark), mark)
            if end < 0 or end > stop:
                return _Open(mark, line)
            line += source.count("\n", i, end)
            i = end
            continue
        i += 1
    return brackets[-1] if brackets else None


def _string_end(source: str, i: int, mark: str) -> int:
    """The offset just after the string whose text starts at ``i``, or -1 when it is never closed."""
    while i < len(source):
        if source[i] == "\\" and mark[0] == '"':
            i += 2
            continue
        if len(mark) == 1 and source[i] == "\n":
            return -1
        if source.startswith(mark, i):
            end = i + len(mark)
            while len(mark) == 3 and end < len(source) and source[end] == mark[0] and end - i < 5:
                end += 1
            return end
        i += 1
    return -1


class Lines:
    """Where each entry of [[goal]] and [[question]], and each of its keys, stands in the file."""

    _HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]")
    _TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)(?:\s*\.\s*([A-Za-z0-9_-]+))?\s*=")

    def __init__(self, text: str) -> None:
        self.entries: dict[str, list[dict[str, int]]] = {}
        self.tops: dict[str, int] = {}
        current: dict[str, int] | None = None
        prefix = ""
        depth = 0  # inside a multi-line array or inline table
        quote = ""  # inside a multi-line string
        for number, line in enumerate(text.splitlines(), start=1):
            if quote:
                if line.count(quote) % 2 == 1:
                    quote = ""
                continue
            if depth == 0:
                header = self._HEADER.match(line)
                table = self._TABLE.match(line) if header is None else None
                key = self._KEY.match(line) if header is None and table is None else None
                if header:
                    current = {"": number}
                    prefix = ""
                    self.entries.setdefault(header.group(1), []).append(current)
                    self.tops.setdefault(header.group(1), number)
                elif table:
                    parts = table.group(1).split(".")
                    if current is not None and len(parts) == 2:
                        prefix = parts[1] + "."
                        current.setdefault(parts[1], number)
                    else:
                        current, prefix = None, ""
                        self.tops.setdefault(parts[0], number)
                elif key:
                    name = prefix + key.group(1) + ("." + key.group(2) if key.group(2) else "")
                    if current is not None:
                        current.setdefault(name, number)
                        current.setdefault(prefix + key.group(1), number)
                    else:
                        self.tops.setdefault(key.group(1), number)
            body = _strip_strings(line)
            for mark in ('"""', "'''"):
                if body.count(mark) % 2 == 1:
                    quote = mark
            depth = max(0, depth + body.count("[") + body.count("{") - body.count("]") - body.count("}"))
            if self._HEADER.match(line) or (depth and self._TABLE.match(line) and not self._KEY.match(line)):
                depth = 0

    @classmethod
    def starts_statement(cls, line: str) -> bool:
        """Whether a line starts a table or a key (so a bracket still open before it was never closed)."""
        return bool(cls._HEADER.match(line) or cls._TABLE.match(line) or cls._KEY.match(line))

    def top(self, key: str) -> int:
        return self.tops.get(key, 0)

    def at(self, section: str, index: int, key: str = "") -> int:
        entries = self.entries.get(section, [])
        if index >= len(entries):
            return 0
        entry = entries[index]
        while key and key not in entry and "." in key:
            key = key.rsplit(".", 1)[0]
        return entry.get(key, entry.get("", 0))


def _strip_strings(line: str) -> str:
    """A line without its one-line strings and its comment (to count brackets and quotes)."""
    line = re.sub(r'"(?:[^"\\]|\\.)*"(?!")', '""', line)
    line = re.sub(r"'[^']*'(?!')", "''", line)
    return line.split("#", 1)[0]
