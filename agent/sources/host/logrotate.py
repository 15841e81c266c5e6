"""logrotate: /etc/logrotate.conf, the files it includes (/etc/logrotate.d), and the state file
that says when each log was last rotated. The scripts in prerotate/postrotate/firstaction/
lastaction blocks run as root whenever logrotate rotates the log (read with
formats.logrotate)."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, capture_folder
from lineguard.formats.logrotate import CONF, included, parse, run_configs
from lineguard.formats.placements import LOGROTATE_DIR
from lineguard.formats.wire import Artifact

CONF_DIR = LOGROTATE_DIR
STATE_FILES = ("var/lib/logrotate/status", "var/lib/logrotate/logrotate.status",
               "var/lib/logrotate.status")
WATCH = (CONF, CONF_DIR)


def gather(fs: RootFS, commands: list[str] | None = None) -> tuple[list[Artifact], list[str]]:
    """/etc/logrotate.conf and its includes, and any other config a job runs logrotate with
    (`commands`: the command texts the other sources found)."""
    arts: list[Artifact] = []
    confs = [CONF] + [fs.name(p) for c in commands or () for p in run_configs(c)]
    arts += [fs.capture(c, "logrotate") for c in dict.fromkeys(confs) if fs.exists(c)]
    folders = [CONF_DIR]
    for art in list(arts):
        folders += [inc.lstrip("/") for inc in parse(art.text() or "").includes]
    have = {a.name for a in arts}
    for folder in dict.fromkeys(folders):
        if fs.is_dir(folder):
            arts += capture_folder(fs, folder, "logrotate", included)
        elif fs.exists(folder) and folder not in have:
            arts.append(fs.capture(folder, "logrotate"))
    arts += [fs.capture(p, "logrotate-state") for p in STATE_FILES if fs.exists(p)]
    commands = [s.text for a in arts if a.kind == "logrotate"
                for b in parse(a.text() or "").blocks for s in b.scripts]
    return arts, commands
