"""anacron: /etc/anacrontab and the last-run stamps in /var/spool/anacron, and any table of its
own a job runs anacron with (`anacron -t FILE`, a user's private anacrontab)."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, RootPathError
from lineguard.formats.anacron import (
    ANACRONTAB,
    STAMPS,
    AnacronLine,
    read,
    run_tables,
    stamp_path,
)
from lineguard.formats.wire import Artifact

# The stamps change every day by anacron itself: not watched, read on schedule.
WATCH = (ANACRONTAB,)


def gather(fs: RootFS, commands: list[str] | None = None) -> tuple[list[Artifact], list[str]]:
    """/etc/anacrontab, its stamps, and the tables `commands` (what the other sources found
    jobs run) name with `anacron -t`; `$HOME` and `~` there are tried in every home."""
    arts: list[Artifact] = []
    tables = [ANACRONTAB] + [t for c in commands or () for p in run_tables(c)
                             for t in _expand_home(fs, p)]
    tables = [t for t in dict.fromkeys(tables) if fs.exists(t)]
    tabs = [fs.capture(t, "anacrontab", schedule=True) for t in tables]
    try:
        arts += [fs.capture(stamp_path(n), "anacron-stamp") for n in fs.listdir(STAMPS)]
    except RootPathError as e:
        arts.append(Artifact(name=STAMPS, kind="anacron-stamp", meta={"path": "/" + STAMPS},
                             state="unreadable", error=f"cannot list: {e.strerror}"))
    found = [item.command for tab in tabs for _, item in read(tab.text() or "")
             if isinstance(item, AnacronLine) and item.command]
    return tabs + arts, found


def _expand_home(fs: RootFS, path: str) -> list[str]:
    for lead in ("$HOME/", "${HOME}/", "~/"):
        if path.startswith(lead):
            homes = ["root"] + [f"home/{h}" for h in fs.entries("home")]
            return [f"{h}/{path[len(lead):]}" for h in homes]
    return [fs.name(path)] if path.startswith("/") else []
