"""Network hooks: ifupdown's /etc/network/if-*.d folders and the up/down commands of
/etc/network/interfaces, NetworkManager's dispatcher.d, networkd-dispatcher's state folders,
dhclient's enter and exit hooks, RHEL's ifup-local/ifdown-local, pppd's ip-up.d/ip-down.d and
the suspend/resume hooks of systemd-sleep and pm-utils."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, capture_paths
from lineguard.formats.ifupdown import interface_commands
from lineguard.formats.placements import (
    INTERFACES,
    LOCAL_NET_HOOKS,
    NET_HOOK_DIRS,
    PPP_HOOK_DIRS,
    SLEEP_HOOK_DIRS,
)
from lineguard.formats.wire import Artifact

HOOK_DIRS = (*NET_HOOK_DIRS, *PPP_HOOK_DIRS, *SLEEP_HOOK_DIRS)
LOCAL_HOOKS = LOCAL_NET_HOOKS
WATCH = (*HOOK_DIRS, INTERFACES, INTERFACES + ".d", *LOCAL_HOOKS)


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts = capture_paths(fs, HOOK_DIRS, "net-hook")
    arts += capture_paths(fs, (INTERFACES, INTERFACES + ".d"), "interfaces")
    arts += capture_paths(fs, LOCAL_HOOKS, "net-hook")
    commands = [t for a in arts if a.kind == "net-hook" and (t := a.text())]
    commands += [cmd for a in arts if a.kind == "interfaces"
                 for _, _, cmd in interface_commands(a.text() or "")]
    return arts, commands
