"""systemd-tmpfiles configuration (tmpfiles.d): lines that remove or empty a path at boot
(`R`, `r`, `D`) or clean what is older than an age under it every day (`d D e v q Q C` with an
Age), and each user's own (user-tmpfiles.d, run by their systemd manager). No program runs, so
nothing is followed: the line is the job."""

from __future__ import annotations

from lineguard.agent.sources.host.login import homes
from lineguard.agent.sources.host.rootfs import RootFS, capture_paths
from lineguard.formats.tmpfiles import TMPFILES_DIRS, USER_TMPFILES_DIRS
from lineguard.formats.wire import Artifact

WATCH = TMPFILES_DIRS + USER_TMPFILES_DIRS


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    folders = list(TMPFILES_DIRS) + [f"{home}/{d[2:]}" for _user, home in homes(fs)
                                     for d in USER_TMPFILES_DIRS]
    arts = capture_paths(fs, folders, "tmpfiles", _is_conf)
    return arts, []


def _is_conf(name: str) -> bool:
    return name.endswith(".conf")
