"""Network hooks: scripts ifupdown runs (with run-parts) from /etc/network/if-*.d when an
interface goes up or down, `up`/`down` commands in /etc/network/interfaces, NetworkManager's
dispatcher scripts, RHEL's ifup-local, pppd's ip-up.d/ip-down.d, and the suspend/resume hooks
of systemd-sleep and pm-utils. An interface changes state at boot and when a link flaps: rare
on a server, and easy to provoke."""

from __future__ import annotations

import posixpath

from lineguard.collector.model import EventTrigger, Job
from lineguard.collector.parse import runparts
from lineguard.collector.parse.hostcontext import HostContext, file_mode
from lineguard.formats.ifupdown import interface_commands

_EVENTS = {"if-pre-up.d": "before a network interface comes up (ifupdown)",
           "if-up.d": "when a network interface comes up (ifupdown)",
           "if-down.d": "when a network interface goes down (ifupdown)",
           "if-post-down.d": "after a network interface went down (ifupdown)",
           "dispatcher.d": "on a NetworkManager event (interface up/down, connectivity)",
           "pre-up.d": "before NetworkManager brings a connection up",
           "pre-down.d": "before NetworkManager takes a connection down",
           "no-wait.d": "on a NetworkManager event (not waited for)",
           "ifup-local": "when an interface comes up (RHEL ifup-local)",
           "ifdown-local": "when an interface goes down (RHEL ifdown-local)",
           "dhclient-enter-hooks.d": "before dhclient applies a DHCP lease (sourced at every "
                                     "bind, renewal and expiry)",
           "dhclient-exit-hooks.d": "after dhclient applied a DHCP lease (sourced at every bind, "
                                    "renewal and expiry)",
           "ip-up.d": "when a PPP link comes up (pppd)",
           "ip-pre-up.d": "before a PPP link comes up (pppd)",
           "ip-down.d": "when a PPP link goes down (pppd)",
           "ipv6-up.d": "when a PPP link's IPv6 comes up (pppd)",
           "ipv6-down.d": "when a PPP link's IPv6 goes down (pppd)",
           "system-sleep": "when the system suspends, hibernates or resumes (systemd-sleep)",
           "sleep.d": "when the system suspends or resumes (pm-utils)"}
_NETWORKD = "networkd-dispatcher"
_SOURCED = ("dhclient-enter-hooks.d", "dhclient-exit-hooks.d")
_OPTION_EVENTS = {"pre-up": "before", "up": "when", "post-up": "after", "pre-down": "before",
                  "down": "when", "post-down": "after"}


def jobs(ctx: HostContext) -> list[Job]:
    out: list[Job] = []
    for art in ctx.of_kind("net-hook", "interfaces"):
        if art.kind == "net-hook" and art.content is not None:
            out.append(_script_job(ctx, art))
        elif art.kind == "interfaces" and art.content is not None:
            for number, option, command in interface_commands(art.text() or ""):
                going = "comes up" if "up" in option else "goes down"
                event = f"{_OPTION_EVENTS[option]} the interface {going} ({option} in {art.name})"
                out.append(ctx.job(source="net-hook", origin_path=art.name, origin_line=number,
                                   owner="root", schedule=option, command=command,
                                   trigger=EventTrigger(event, rare=True)))
    return out


def _script_job(ctx: HostContext, art) -> Job:
    folder, name = posixpath.split(art.name)
    where = posixpath.basename(folder) if name not in _EVENTS else name
    mode = file_mode(art, "0755")
    why = None
    event = _EVENTS.get(where, f"network event ({where})")
    if _NETWORKD in folder:
        event = f"when systemd-networkd reports a link {where[:-2]} (networkd-dispatcher)"
    if where in _SOURCED:
        # dhclient-script sources the hooks run-parts --list names: no x bit needed
        if not runparts.NAME.match(name):
            why = f"run-parts skips the name {name!r}"
    elif mode is not None and not mode & 0o111:
        why = f"not executable (mode {mode:04o}): not run"
    elif where.startswith(("if-", "ip")) and not runparts.NAME.match(name):
        why = f"run-parts skips the name {name!r}"
    elif "NetworkManager" in folder and (art.meta.get("uid", 0) != 0 or
                                         (mode is not None and mode & 0o6022)):
        why = "NetworkManager runs only root-owned scripts not writable by group or others"
    command = "/" + art.name
    return ctx.job(source="net-hook", origin_path=art.name, origin_line=None,
                   owner="root", schedule=where, command=command,
                   files=(art.name, *[f for f in ctx.files_for(command) if f != art.name]),
                   trigger=EventTrigger(event, rare=True),
                   state="inert" if why else "active", problem=why)
