"""anacron: /etc/anacrontab and the last-run stamps in /var/spool/anacron."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, RootPathError
from lineguard.formats.anacron import ANACRONTAB, STAMPS, AnacronLine, read, stamp_path
from lineguard.formats.wire import Artifact

# The stamps change every day by anacron itself: not watched, read on schedule.
WATCH = (ANACRONTAB,)


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts: list[Artifact] = []
    if fs.exists(ANACRONTAB):
        arts.append(fs.capture(ANACRONTAB, "anacrontab", schedule=True))
    try:
        arts += [fs.capture(stamp_path(n), "anacron-stamp") for n in fs.listdir(STAMPS)]
    except RootPathError as e:
        arts.append(Artifact(name=STAMPS, kind="anacron-stamp", meta={"path": "/" + STAMPS},
                             state="unreadable", error=f"cannot list: {e.strerror}"))
    commands = [item.command for _, item in read(arts[0].text() or "")
                if isinstance(item, AnacronLine) and item.command] \
        if arts and arts[0].kind == "anacrontab" else []
    return arts, commands
