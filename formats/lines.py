"""Logical lines of line-oriented files that continue a line with a trailing backslash
(anacrontab, udev rules): each with the number of the line it starts on."""

from __future__ import annotations


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) with trailing-backslash continuations joined (the backslash
    dropped, nothing put in its place); a continuation still open at the end of the text is
    kept as a line of its own."""
    out: list[tuple[int, str]] = []
    pending: str | None = None
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        if pending is None:
            start, pending = number, ""
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        out.append((start, pending + line))
        pending = None
    if pending is not None:
        out.append((start, pending))
    return out
