"""anacron's files (anacrontab(5)): /etc/anacrontab with its assignments and entries (period,
delay in minutes, job id, command; lines continued with a backslash), and the last-run stamp
each job id keeps in /var/spool/anacron. The agent captures both and follows the commands;
the collector turns the entries into jobs dated from their stamps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lineguard.formats.lines import logical_lines

ANACRONTAB = "etc/anacrontab"
STAMPS = "var/spool/anacron"
# The @period names each anacron accepts besides a number of days.
PERIODS = {"debian": ("@monthly", "@yearly"),
           "cronie": ("@daily", "@weekly", "@monthly", "@yearly")}
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


@dataclass(frozen=True)
class AnacronLine:
    """One logical line of an anacrontab that is neither blank, a comment nor an assignment:
    its words as written (an entry has four: period, delay, job id, command)."""

    line: int
    words: tuple[str, ...]

    @property
    def command(self) -> str | None:
        return self.words[3] if len(self.words) == 4 else None


def read(text: str) -> list[tuple[int, tuple[str, str] | AnacronLine]]:
    """The anacrontab's assignments ((name, value), quotes dropped) and entry lines in order,
    each with the line it starts on."""
    out: list[tuple[int, tuple[str, str] | AnacronLine]] = []
    for number, line in logical_lines(text):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        m = _ASSIGNMENT.match(stripped)
        if m:
            out.append((number, (m.group(1), m.group(2).strip("'\""))))
        else:
            out.append((number, AnacronLine(number, tuple(stripped.split(None, 3)))))
    return out


def stamp_path(job_id: str) -> str:
    """Where anacron keeps the day a job last ran (root-relative)."""
    return f"{STAMPS}/{job_id}"


def stamp_date(text: str) -> date | None:
    """The day in a stamp file (YYYYMMDD), or None when it holds no such day."""
    text = text.strip()
    if not re.fullmatch(r"\d{8}", text):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


_TABLE_OPTION = re.compile(r"(?:^|[\s;&|(])(?:\S*/)?anacron\b[^;&|\n]*?\s-t\s*(\S+)")


def run_tables(command: str) -> list[str]:
    """The anacrontab files an `anacron -t FILE` command line runs instead of /etc/anacrontab
    (a user's own table, run from their crontab), as written (`$HOME`, `~` unexpanded)."""
    return [m.group(1).strip("'\"") for m in _TABLE_OPTION.finditer(command)]
