"""SysV boot scripts: /etc/rc.local, /etc/init.d scripts and the runlevel links in /etc/rc?.d
that start or stop them (Debian), and the same under /etc/rc.d (RHEL)."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, capture_paths
from lineguard.formats.placements import INIT_DIRS, RC_LOCAL
from lineguard.formats.wire import Artifact

RUNLEVELS = "0123456S"
WATCH = (*RC_LOCAL, *INIT_DIRS,
         *(f"{base}/rc{r}.d" for base in ("etc", "etc/rc.d") for r in RUNLEVELS))


def link_dirs(fs: RootFS) -> list[str]:
    return [d for base in ("etc", "etc/rc.d") for d in (f"{base}/rc{r}.d" for r in RUNLEVELS)
            if fs.is_dir(d)]


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts = capture_paths(fs, RC_LOCAL, "rc-local")
    arts += capture_paths(fs, INIT_DIRS, "init-script",
                          lambda n: not n.startswith(".") and n != "README")
    for folder in link_dirs(fs):
        names = [n for n in fs.entries(folder) if n[:1] in ("S", "K")]
        arts += [fs.link_artifact(f"{folder}/{n}", "rc-link") for n in names]
    return arts, [t for a in arts if a.kind != "rc-link" and (t := a.text())]
