"""What the kernel runs by itself: a core_pattern pipe, kernel.modprobe and kernel.hotplug in
sysctl.d files and sysctl.conf, and
modprobe.d `install`/`remove` commands, with the module lists that load modules at boot."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, capture_paths
from lineguard.formats.kernelconf import (
    MODPROBE_DIRS,
    MODULES_LOAD,
    SYSCTL_DIRS,
    SYSCTL_FILES,
    modprobe_runs,
    sysctl_programs,
)
from lineguard.formats.wire import Artifact

WATCH = (*SYSCTL_FILES, *SYSCTL_DIRS, *MODPROBE_DIRS, *MODULES_LOAD)


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts = capture_paths(fs, WATCH, "kernel-conf", _is_conf)
    commands = [r.command for a in arts if (t := a.text())
                for r in (*sysctl_programs(t), *modprobe_runs(t)) if r.command]
    return arts, commands


def _is_conf(name: str) -> bool:
    return name.endswith(".conf")
