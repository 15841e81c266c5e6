"""incron: commands run when a file event happens on a watched path, from the system tables
and every user's table, in the folders incron.conf names."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, capture_folder
from lineguard.formats.incron import CONF, SYSTEM_DIR, USER_DIR, entries, table_dirs
from lineguard.formats.wire import Artifact

WATCH = (CONF, SYSTEM_DIR, USER_DIR)


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts: list[Artifact] = []
    conf = None
    if fs.exists(CONF):
        conf = fs.capture(CONF, "incron-conf")
        arts.append(conf)
    for folder in dict.fromkeys(table_dirs(conf.text() if conf else None)):
        if fs.exists(folder):
            arts += capture_folder(fs, folder, "incron-table")
    commands = [command for a in arts if a.kind == "incron-table"
                for _, _, _, command in entries(a.text() or "")]
    return arts, commands
