"""apt and dpkg hooks: commands in /etc/apt/apt.conf and /etc/apt/apt.conf.d that apt runs
around package operations (DPkg::Pre-Invoke, DPkg::Post-Invoke, DPkg::Pre-Install-Pkgs) and
around `apt-get update` (APT::Update::Pre-Invoke, APT::Update::Post-Invoke[-Success]), read with
formats.aptconf; and the kernel hook folders (/etc/kernel/*.d) whose programs a kernel
package's maintainer scripts run with run-parts at every kernel install or removal."""

from __future__ import annotations

import re

from lineguard.agent.sources.host.rootfs import RootFS, capture_paths
from lineguard.formats.aptconf import hooks
from lineguard.formats.placements import APT_CONF, APT_CONF_DIR, KERNEL_DIRS
from lineguard.formats.wire import Artifact

CONF = APT_CONF
CONF_DIR = APT_CONF_DIR
WATCH = (CONF, CONF_DIR, *KERNEL_DIRS)
# apt reads only files whose names are letters, digits, _ - . (and no extension or .conf).
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts = capture_paths(fs, (CONF, CONF_DIR), "apt-conf", lambda n: bool(_NAME.match(n)))
    commands = [cmd for a in arts for _, _, cmd in hooks(a.text() or "")]
    kernel = capture_paths(fs, KERNEL_DIRS, "kernel-hook")
    return arts + kernel, commands + [t for a in kernel if (t := a.text())]
