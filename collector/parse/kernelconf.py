"""Programs the kernel runs by itself. A `kernel.core_pattern` pipe runs as root for every core
dump on the host (any crash, which anyone can provoke), `kernel.modprobe` whenever the kernel
asks for a module, `kernel.hotplug` for every device event; of each key only the value applied
last counts (sysctl.d files in name order, /etc/sysctl.conf last), the others are listed as
overridden.
A modprobe.d `install`/`remove` line runs through /bin/sh instead of loading or unloading its
module: at boot when a modules list loads it, else when the module is loaded (a device is
plugged in, an interface configured)."""

from __future__ import annotations

import posixpath

from lineguard.collector.model import BootTrigger, EventTrigger, Job
from lineguard.collector.parse.hostcontext import HostContext
from lineguard.formats.kernelconf import (
    SYSCTL_DIRS,
    KernelRun,
    listed_modules,
    modprobe_runs,
    sysctl_programs,
)
from lineguard.formats.wire import Artifact

_EVENTS = {"core_pattern": "when any process dumps core (kernel core_pattern pipe, run as root)",
           "modprobe": "whenever the kernel asks for a module (kernel.modprobe, run as root)",
           "hotplug": "at every device event (kernel.hotplug, run as root)"}


def jobs(ctx: HostContext) -> list[Job]:
    arts = [a for a in ctx.of_kind("kernel-conf") if a.content is not None]
    boot = set().union(*(listed_modules(a.text() or "") for a in arts if "modules" in a.name))
    return _sysctl_jobs(ctx, [a for a in arts if "sysctl" in a.name]) + [
        _modprobe_job(ctx, a, r, boot) for a in arts if "modprobe" in a.name
        for r in modprobe_runs(a.text() or "")]


def _sysctl_jobs(ctx: HostContext, arts: list[Artifact]) -> list[Job]:
    """Every program setting in the order sysctl applies them; of each key the last is in
    force, the earlier ones are overridden."""
    chosen: dict[str, Artifact] = {}
    for art in sorted(arts, key=lambda a: _rank(a.name)):
        if art.name != "etc/sysctl.conf":
            chosen.setdefault(posixpath.basename(art.name), art)
    ordered = [chosen[k] for k in sorted(chosen)] + [a for a in arts if a.name == "etc/sysctl.conf"]
    settings = [(a, r) for a in ordered for r in sysctl_programs(a.text() or "")]
    last = {r.what: a.name for a, r in settings}
    latest = {r.what: (a.name, r.line) for a, r in settings}
    out = []
    for art, run in settings:
        if not run.command:
            continue
        why = None if latest[run.what] == (art.name, run.line) else \
            f"overridden by the {run.what} of {last[run.what]}"
        out.append(ctx.job(source="kernel", origin_path=art.name, origin_line=run.line,
                           owner="root", schedule=f"kernel.{run.what}", command=run.command,
                           trigger=EventTrigger(_EVENTS[run.what], rare=run.what != "modprobe"),
                           state="inert" if why else "active", problem=why))
    return out


def _modprobe_job(ctx: HostContext, art: Artifact, run: KernelRun, boot: set[str]) -> Job:
    module = run.module.replace("_", "-")
    verb = "loaded" if run.what == "install" else "unloaded"
    if run.what == "install" and module in boot:
        trigger: BootTrigger | EventTrigger = BootTrigger(
            f"at boot: a modules list loads {run.module} (modprobe.d install)")
    else:
        trigger = EventTrigger(f"when the kernel module {run.module} is {verb} "
                               f"(modprobe.d {run.what})", rare=True)
    return ctx.job(source="kernel", origin_path=art.name, origin_line=run.line, owner="root",
                   schedule=f"{run.what} {run.module}", command=run.command, trigger=trigger)


def _rank(name: str) -> int:
    folder = posixpath.dirname(name)
    return SYSCTL_DIRS.index(folder) if folder in SYSCTL_DIRS else len(SYSCTL_DIRS)
