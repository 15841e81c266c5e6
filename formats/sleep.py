"""How long a sleep waits: a `sleep` command line (GNU sleep: suffixes s, m, h, d, several
arguments summed, `infinity`) and the sleeps inside program text (shell `sleep 75d`, Python
`time.sleep(N)`, Perl `sleep N;`), and whether a program sleeps in a loop (a resident process
polling the clock for its day). The agent keeps the processes that sleep long or in a loop; the
collector dates what runs when they wake."""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass

from lineguard.formats.shells import command_argv, is_shell

_SPAN = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
# A sleep inside program text: shell `sleep 75d`, Python `time.sleep(6480000)` or `sleep(N)`,
# Perl `sleep 6480000;` / `sleep(N)`.
_SLEEP_IN_TEXT = re.compile(r"(?:(?<=[\s;&|({])|^)(?:time\.)?sleep(?:\s*\(\s*(\d+(?:\.\d+)?)\s*\)"
                            r"|\s+(\d+(?:\.\d+)?[smhd]?)(?![\w.]))")
# The start of a loop in shell (`while`, `until`, `for … do`), Python or Perl program text.
_LOOP = re.compile(r"(?:^|(?<=[\s;&|({]))(?:while|until|for)\b")


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


def loop_sleeps(text: str) -> float | None:
    """Seconds a loop in program text sleeps each time round (`while :; do …; sleep 600;
    done`, Python `while True: … time.sleep(600)`), or None when no loop in it sleeps. Read as
    a careful reader would, not as an interpreter: every sleep after the first loop keyword
    counts."""
    loop = _LOOP.search(text)
    if loop is None:
        return None
    sleeps = [s.seconds for s in inline_sleeps(text) if s.start >= loop.start()]
    return sum(sleeps) if sleeps else None


# Interpreters and the option that gives them their program as text.
INLINE_FLAGS = {"python": "-c", "python2": "-c", "python3": "-c", "perl": "-e", "ruby": "-e",
                "php": "-r", "node": "-e"}


def program_of(argv: list[str] | tuple[str, ...]) -> tuple[str | None, str | None]:
    """(program text, script path) of a shell's or an interpreter's command line: the text of
    `bash -c TEXT`, `python3 -c TEXT`, `perl -e TEXT`; the path of `sh /opt/x.sh`, `python3 -u
    /opt/x.py`. (None, None) for any other program."""
    real = command_argv(argv)
    if not real:
        return None, None
    name = posixpath.basename(real[0])
    flag = "-c" if is_shell(real[0]) else (INLINE_FLAGS.get(re.sub(r"\d+(\.\d+)*$", "", name))
                                           or INLINE_FLAGS.get(name))
    if flag is None:
        return None, None
    for i, arg in enumerate(real[1:], 1):
        if arg == flag or (flag == "-e" and arg == "-E"):
            return (real[i + 1], None) if i + 1 < len(real) else (None, None)
        if not arg.startswith("-"):
            return None, arg if arg.startswith("/") else None
    return None, None
