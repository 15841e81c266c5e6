"""How long a sleep waits: a `sleep` command line (GNU sleep: suffixes s, m, h, d, several
arguments summed, `infinity`) and the sleeps inside program text (shell `sleep 75d`, Python
`time.sleep(N)`, Perl `sleep N;`). The agent keeps the processes that sleep long; the collector
dates what runs when they wake."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

_SPAN = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
# A sleep inside program text: shell `sleep 75d`, Python `time.sleep(6480000)` or `sleep(N)`,
# Perl `sleep 6480000;` / `sleep(N)`.
_SLEEP_IN_TEXT = re.compile(r"(?:(?<=[\s;&|({])|^)(?:time\.)?sleep(?:\s*\(\s*(\d+(?:\.\d+)?)\s*\)"
                            r"|\s+(\d+(?:\.\d+)?[smhd]?)(?![\w.]))")


def sleep_seconds(argv: list[str] | tuple[str, ...]) -> float | None:
    """Seconds a `sleep` command line waits (GNU sleep sums its arguments), else None."""
    if not argv or os.path.basename(argv[0]) != "sleep" or len(argv) < 2:
        return None
    total = 0.0
    for arg in argv[1:]:
        if arg == "infinity":
            return float("inf")
        m = _SPAN.match(arg)
        if not m:
            return None
        total += float(m.group(1)) * _UNIT_S[m.group(2)]
    return total


@dataclass(frozen=True)
class InlineSleep:
    """One sleep in program text: where it stands and how long it waits."""

    start: int
    end: int
    seconds: float


def inline_sleeps(text: str) -> list[InlineSleep]:
    """The sleeps in program text, in order (shared with the collector, which times them)."""
    out = []
    for m in _SLEEP_IN_TEXT.finditer(text):
        arg = m.group(1) or m.group(2)
        seconds = sleep_seconds(["sleep", arg]) if m.group(2) else float(arg)
        if seconds is not None:
            out.append(InlineSleep(m.start(), m.end(), seconds))
    return out
