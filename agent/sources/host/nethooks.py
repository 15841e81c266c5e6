"""Network hooks: ifupdown's /etc/network/if-*.d folders and the up/down commands of
/etc/network/interfaces, NetworkManager's dispatcher.d, networkd-dispatcher's state folders,
dhclient's enter and exit hooks, and RHEL's ifup-local/ifdown-local."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, capture_paths
from lineguard.formats.ifupdown import interface_commands
from lineguard.formats.wire import Artifact

IFUPDOWN_DIRS = tuple(f"etc/network/{d}.d" for d in ("if-pre-up", "if-up", "if-down",
                                                      "if-post-down"))
DISPATCHER_DIRS = ("etc/NetworkManager/dispatcher.d", "etc/NetworkManager/dispatcher.d/pre-up.d",
                   "etc/NetworkManager/dispatcher.d/pre-down.d",
                   "etc/NetworkManager/dispatcher.d/no-wait.d",
                   "usr/lib/NetworkManager/dispatcher.d")
NETWORKD_STATES = ("off", "no-carrier", "dormant", "degraded", "carrier", "routable",
                   "configuring", "configured")
NETWORKD_DIRS = tuple(f"{base}/{s}.d" for base in ("etc/networkd-dispatcher",
                                                   "usr/lib/networkd-dispatcher")
                      for s in NETWORKD_STATES)
DHCLIENT_DIRS = ("etc/dhcp/dhclient-enter-hooks.d", "etc/dhcp/dhclient-exit-hooks.d",
                 "etc/dhcp3/dhclient-enter-hooks.d", "etc/dhcp3/dhclient-exit-hooks.d")
INTERFACES = "etc/network/interfaces"
LOCAL_HOOKS = ("sbin/ifup-local", "sbin/ifdown-local", "usr/sbin/ifup-local",
               "usr/sbin/ifdown-local")
HOOK_DIRS = IFUPDOWN_DIRS + DISPATCHER_DIRS + NETWORKD_DIRS + DHCLIENT_DIRS
WATCH = (*HOOK_DIRS, INTERFACES, INTERFACES + ".d", *LOCAL_HOOKS)


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts = capture_paths(fs, HOOK_DIRS, "net-hook")
    arts += capture_paths(fs, (INTERFACES, INTERFACES + ".d"), "interfaces")
    arts += capture_paths(fs, LOCAL_HOOKS, "net-hook")
    commands = [t for a in arts if a.kind == "net-hook" and (t := a.text())]
    commands += [cmd for a in arts if a.kind == "interfaces"
                 for _, _, cmd in interface_commands(a.text() or "")]
    return arts, commands
