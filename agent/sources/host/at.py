"""at's spools: Debian /var/spool/cron/atjobs and RHEL /var/spool/at, pending and running jobs."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, RootPathError
from lineguard.formats.placements import AT_SPOOLS
from lineguard.formats.wire import Artifact

SPOOLS = AT_SPOOLS
WATCH = SPOOLS
# Bookkeeping atd keeps next to the jobs; every other file is captured, even with a bad name.
_NOT_JOBS = frozenset({".SEQ", ".lockfile"})


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    """Every job file (the whole script is the command text to follow)."""
    arts: list[Artifact] = []
    for spool in SPOOLS:
        try:
            names = fs.listdir(spool)
        except RootPathError as e:
            arts.append(Artifact(name=spool, kind="at-job", meta={"path": "/" + spool},
                                 state="unreadable", error=f"cannot list: {e.strerror}"))
            continue
        for entry in names:
            path = f"{spool}/{entry}"
            if entry in _NOT_JOBS or fs.is_dir(path):
                continue
            arts.append(fs.capture(path, "at-job", schedule=True))
    return arts, [t for t in (a.text() for a in arts) if t]
