"""crontab lines as cron reads them (crontab(5); Vixie/Debian cron and cronie): environment
assignments, entries with five time fields or an @nickname, the user field of system crontabs
(/etc/crontab, /etc/cron.d), and the `%` rule that splits an entry's command from its input.
The agent cuts entries to their commands to follow the files they run; the collector turns the
same entries into jobs."""

from __future__ import annotations

import re
from dataclasses import dataclass

# @nicknames and the five fields each stands for (case-sensitive), and the one without a clock
# time.
NICKNAMES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
REBOOT = "@reboot"
# `test -x /usr/sbin/anacron || run-parts ...`: the rest of the line runs only when FILE is missing.
GUARD = re.compile(r"^\s*(?:test|\[)\s+-x\s+(/\S+?)\s*\]?\s*\|\|")
_ASSIGNMENT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


@dataclass(frozen=True)
class CronEntry:
    """One entry as written: its schedule, the user of a system crontab, the command text (the
    `%` rule not yet applied: see split_percent)."""

    schedule: str            # the five fields joined by a space, or the @nickname
    user: str | None         # system crontabs only; None when the line stops before it
    command: str             # "" when the line stops before it


def assignment(line: str) -> tuple[str, str] | None:
    """(name, value) of an environment line such as `MAILTO="ops"` (quotes dropped), or None."""
    m = _ASSIGNMENT.match(line)
    return (m.group(1), m.group(2).strip("'\"")) if m else None


def entry(line: str, system: bool) -> CronEntry | None:
    """The entry on a crontab line; None for a blank line, a comment or an assignment. Only the
    splitting is done here: whether cron accepts the schedule is the collector's judgement."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#") or assignment(stripped):
        return None
    n_time = 1 if stripped.startswith("@") else 5
    words = stripped.split(None, n_time + (1 if system else 0))   # the command keeps its spacing
    user = words[n_time] if system and len(words) > n_time else None
    rest = n_time + (1 if system else 0)
    return CronEntry(schedule=" ".join(words[:n_time]), user=user,
                     command=words[rest] if len(words) > rest else "")


def split_percent(command: str) -> tuple[str, str | None]:
    """(command the shell runs, its standard input or None) under cron's `%` rule, as Vixie
    cron's do_command() applies it: the first unescaped `%` ends the command and `\\%` there is
    a `%`; in the input each `%` is a newline and `\\%` a `%`; other backslashes stay."""
    if "%" not in command:
        return command, None
    head: list[str] = []
    escaped = False
    for i, ch in enumerate(command):
        if escaped:
            escaped = False
            if ch == "%":
                head[-1] = "%"
                continue
        elif ch == "\\":
            escaped = True
        elif ch == "%":
            return "".join(head), _input(command[i + 1:])
        head.append(ch)
    return "".join(head), None


def _input(text: str) -> str:
    out: list[str] = []
    escaped = False
    for ch in text:
        if escaped:
            if ch != "%":
                out.append("\\")
        elif ch == "%":
            ch = "\n"
        escaped = ch == "\\"
        if not escaped:
            out.append(ch)
    if escaped:
        out.append("\\")
    return "".join(out)
