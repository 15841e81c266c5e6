"""systemd-tmpfiles configuration (tmpfiles.d): lines that remove or empty a path at boot
(`R`, `r`, `D`) or clean what is older than an age under it every day (`d D e v q Q C` with an
Age). No program runs, so nothing is followed: the line is the job."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, capture_folder
from lineguard.formats.tmpfiles import TMPFILES_DIRS
from lineguard.formats.wire import Artifact

WATCH = TMPFILES_DIRS


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts = [a for d in TMPFILES_DIRS if fs.is_dir(d)
            for a in capture_folder(fs, d, "tmpfiles", lambda n: n.endswith(".conf"))]
    return arts, []
