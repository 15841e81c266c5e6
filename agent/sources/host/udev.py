"""udev rules that run programs when a device event matches: RUN+= (after the event), PROGRAM=
and IMPORT{program}= (while matching), in every rules folder; a file in /etc overrides one of
the same name in /lib or /usr/lib."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, capture_folder
from lineguard.formats.udev import RULE_DIRS, program_path, rule_programs
from lineguard.formats.wire import Artifact

WATCH = RULE_DIRS


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts: list[Artifact] = []
    seen: set[str] = set()
    for folder in RULE_DIRS:
        try:
            real = fs.resolve(folder)
        except OSError:
            continue
        if real in seen or not fs.is_dir(folder):
            continue
        seen.add(real)
        arts += capture_folder(fs, folder, "udev-rules", lambda n: n.endswith(".rules"))
    commands = [program_path(fs.exists, cmd) for a in arts
                for _, _, cmd, _ in rule_programs(a.text() or "")]
    return arts, commands
