"""anacron: /etc/anacrontab and the last-run stamps in /var/spool/anacron."""

from __future__ import annotations

import re

from lineguard.agent.sources.host.rootfs import RootFS, RootPathError
from lineguard.agent.wire import Artifact

ANACRONTAB = "etc/anacrontab"
STAMPS = "var/spool/anacron"
# The stamps change every day by anacron itself: not watched, read on schedule.
WATCH = (ANACRONTAB,)
_ENV_LINE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\s*=")


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts: list[Artifact] = []
    if fs.exists(ANACRONTAB):
        arts.append(fs.capture(ANACRONTAB, "anacrontab", schedule=True))
    try:
        arts += [fs.capture(f"{STAMPS}/{n}", "anacron-stamp") for n in fs.listdir(STAMPS)]
    except RootPathError as e:
        arts.append(Artifact(name=STAMPS, kind="anacron-stamp", meta={"path": "/" + STAMPS},
                             state="unreadable", error=f"cannot list: {e.strerror}"))
    commands = [c for c in (entry_command(line) for line in logical_lines(arts[0].text() or ""))
                if c] if arts and arts[0].kind == "anacrontab" else []
    return arts, commands


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) with trailing-backslash continuations joined."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, line in enumerate(text.splitlines(), 1):
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        out.append((start, pending + line))
        pending = ""
    if pending:
        out.append((start, pending))
    return out


def entry_command(numbered: tuple[int, str]) -> str | None:
    line = numbered[1].strip()
    if not line or line.startswith("#") or _ENV_LINE.match(line):
        return None
    words = line.split(None, 3)
    return words[3] if len(words) == 4 else None
