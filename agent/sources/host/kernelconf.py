"""What the kernel runs by itself: a core_pattern pipe, kernel.modprobe and kernel.hotplug in
sysctl.d files and sysctl.conf, and
modprobe.d `install`/`remove` commands, with the module lists that load modules at boot."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, capture_folder
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
    arts: list[Artifact] = []
    for path in (*SYSCTL_FILES, *SYSCTL_DIRS, *MODPROBE_DIRS, *MODULES_LOAD):
        if fs.is_dir(path):
            arts += capture_folder(fs, path, "kernel-conf", _is_conf)
        elif fs.exists(path):
            arts.append(fs.capture(path, "kernel-conf"))
    commands = [r.command for a in arts if (t := a.text())
                for r in (*sysctl_programs(t), *modprobe_runs(t)) if r.command]
    return arts, commands


def _is_conf(name: str) -> bool:
    return name.endswith(".conf")
