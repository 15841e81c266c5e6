"""udev rules files (udev(7)): where they live (a file in /etc or /run overrides the one of
the same name further down), rules continued with a backslash, the keys that run a program
(RUN+= after the event, PROGRAM= and IMPORT{program}= while matching) and where udev finds a
program named without a path. The agent follows those programs; the collector lists them as
event jobs."""

from __future__ import annotations

import re
from collections.abc import Callable

from lineguard.formats.lines import logical_lines

RULE_DIRS = ("etc/udev/rules.d", "run/udev/rules.d", "usr/local/lib/udev/rules.d",
             "lib/udev/rules.d", "usr/lib/udev/rules.d")
# Where udev looks for a program named without a path.
PROGRAM_DIRS = ("lib/udev", "usr/lib/udev")
_RUNS = re.compile(r'\b(RUN(?:\{program\})?|PROGRAM|IMPORT\{program\})\s*\+?=\s*"((?:[^"\\]|\\.)*)"')


def logical_rules(text: str) -> list[tuple[int, str]]:
    """(first line, rule) with backslash continuations joined; comments and blanks left out."""
    return [(number, rule) for number, line in logical_lines(text)
            if (rule := line.strip()) and not rule.startswith("#")]


def rule_programs(text: str) -> list[tuple[int, str, str, str]]:
    """(line, key, program command, the rule's match keys) for every rule that runs a program."""
    out = []
    for number, rule in logical_rules(text):
        for m in _RUNS.finditer(rule):
            command = m.group(2).replace('\\"', '"')
            if command:
                out.append((number, m.group(1), command, match_keys(rule)))
    return out


def match_keys(rule: str) -> str:
    """The rule's match part, e.g. `SUBSYSTEM=="net", ACTION=="add"`."""
    return ", ".join(p.strip() for p in rule.split(",") if "==" in p or "!=" in p)[:200]


def program_path(exists: Callable[[str], bool], command: str) -> str:
    """udev runs a program named without a path from /lib/udev (or /usr/lib/udev)."""
    word = command.split(None, 1)
    if not word or word[0].startswith("/"):
        return command
    for folder in PROGRAM_DIRS:
        if exists(f"{folder}/{word[0]}"):
            return f"/{folder}/{command}"
    return f"/{PROGRAM_DIRS[0]}/{command}"
