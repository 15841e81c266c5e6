"""supervisord and monit configuration: the commands they start at boot, on a tick or schedule,
or when a check fails, and the programs those commands run."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, capture_paths
from lineguard.formats.supervisors import (
    MONIT_DIRS,
    MONIT_FILES,
    SUPERVISOR_DIRS,
    SUPERVISOR_FILES,
    monit,
    supervisord,
)
from lineguard.formats.wire import Artifact

WATCH = (*SUPERVISOR_FILES, *SUPERVISOR_DIRS, *MONIT_FILES, *MONIT_DIRS)


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts = capture_paths(fs, WATCH, "supervisor-conf")
    commands = [s.command for a in arts if (t := a.text())
                for s in (monit(t) if "monit" in a.name else supervisord(t))]
    return arts, commands
