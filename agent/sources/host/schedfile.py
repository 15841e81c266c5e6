"""Scheduled command files of a site's own application, as declared in the agent config
(formats.schedfile): each declared file or folder is captured with its declaration in the
artifact meta "format", and the commands of its entries are followed."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, capture_folder
from lineguard.formats.schedfile import ScheduledFile
from lineguard.formats.wire import Artifact


def gather(fs: RootFS, declared: tuple[ScheduledFile, ...]) -> tuple[list[Artifact], list[str]]:
    arts: list[Artifact] = []
    commands: list[str] = []
    for spec in declared:
        path = fs.name(spec.path)
        found = (capture_folder(fs, path, "scheduled-file") if fs.is_dir(path)
                 else [fs.capture(path, "scheduled-file")])
        for art in found:
            art.meta["format"] = spec.to_doc()
            arts.append(art)
            commands += [e[3] for e in spec.entries(art.text() or "") if len(e) == 4]
    return arts, commands
