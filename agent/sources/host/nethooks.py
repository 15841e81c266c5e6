"""Network hooks: ifupdown's /etc/network/if-*.d folders and the up/down commands of
/etc/network/interfaces, NetworkManager's dispatcher.d, networkd-dispatcher's state folders,
dhclient's enter and exit hooks, and RHEL's ifup-local/ifdown-local."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, capture_folder
from lineguard.formats.ifupdown import interface_commands
from lineguard.formats.placements import (
    INTERFACES,
    LOCAL_NET_HOOKS,
    NET_HOOK_DIRS,
)
from lineguard.formats.wire import Artifact

HOOK_DIRS = NET_HOOK_DIRS
LOCAL_HOOKS = LOCAL_NET_HOOKS
WATCH = (*HOOK_DIRS, INTERFACES, INTERFACES + ".d", *LOCAL_HOOKS)


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts: list[Artifact] = []
    for folder in HOOK_DIRS:
        if fs.is_dir(folder):
            arts += capture_folder(fs, folder, "net-hook")
    configs = [INTERFACES] if fs.exists(INTERFACES) else []
    if fs.is_dir(INTERFACES + ".d"):
        configs += [f"{INTERFACES}.d/{n}" for n in _list(fs, INTERFACES + ".d")]
    arts += [fs.capture(p, "interfaces") for p in configs if not fs.is_dir(p)]
    arts += [fs.capture(p, "net-hook") for p in LOCAL_HOOKS if fs.exists(p)]
    commands = [t for a in arts if a.kind == "net-hook" and (t := a.text())]
    commands += [cmd for a in arts if a.kind == "interfaces"
                 for _, _, cmd in interface_commands(a.text() or "")]
    return arts, commands


def _list(fs: RootFS, folder: str) -> list[str]:
    try:
        return fs.listdir(folder)
    except OSError:
        return []
