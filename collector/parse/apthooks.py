"""apt and dpkg hooks: commands apt runs through `sh -c` around every package operation
(DPkg::Pre-Invoke, DPkg::Post-Invoke, DPkg::Pre-Install-Pkgs) or every `apt-get update`
(APT::Update::*). Update hooks fire with apt-daily.timer when the host runs it; package
hooks wait for an install or upgrade, which is rare on a change-controlled server, as do the
programs in /etc/kernel/*.d that a kernel package runs with run-parts."""

from __future__ import annotations

import posixpath

from lineguard.collector.model import CalendarTrigger, HookTrigger, Job
from lineguard.collector.parse import runparts
from lineguard.collector.parse.hostcontext import HostContext, file_mode
from lineguard.formats.aptconf import hooks
from lineguard.formats.wire import Artifact


def _update_runner(earlier: list[Job]) -> Job | None:
    return next((j for j in earlier if j.state == "active" and j.source == "systemd"
                 and isinstance(j.trigger, CalendarTrigger) and "apt.systemd.daily" in j.command
                 and "install" not in j.command), None)


def jobs(ctx: HostContext, earlier: list[Job]) -> list[Job]:
    update = _update_runner(earlier)
    out: list[Job] = []
    for art in ctx.of_kind("apt-conf"):
        if art.content is None:
            continue
        for option, line, command in hooks(art.text() or ""):
            if option.lower().startswith("apt::update"):
                trigger = HookTrigger(
                    host_job=f"apt-get update ({update.origin_path})" if update
                    else "apt-get update", operation=f"{option}: each package-list update",
                    via=update.trigger if update else None)
            else:
                trigger = HookTrigger(host_job="apt/dpkg",
                                      operation=f"{option}: each package install, upgrade or "
                                                f"removal", rare=True)
            out.append(ctx.job(source="apt", origin_path=art.name, origin_line=line,
                               owner="root", schedule=option, command=command, trigger=trigger,
                               timezone=update.timezone if update else ctx.timezone))
    return out + [_kernel_hook(ctx, art) for art in ctx.of_kind("kernel-hook")
                  if art.content is not None or art.state == "binary"]


def _kernel_hook(ctx: HostContext, art: Artifact) -> Job:
    folder, name = posixpath.split(art.name)
    step = posixpath.basename(folder)[:-2]
    mode = file_mode(art, "0755")
    why = None
    if mode is not None and not mode & 0o111:
        why = f"not executable (mode {mode:04o}): run-parts skips it"
    elif not runparts.NAME.match(name):
        why = f"run-parts skips the name {name!r}"
    command = "/" + art.name
    trigger = HookTrigger(host_job="a kernel package's maintainer scripts (dpkg)",
                          operation=f"{step} of each kernel install or removal", rare=True)
    return ctx.job(source="apt", origin_path=art.name, origin_line=None, owner="root",
                   schedule=f"kernel {step}", command=command,
                   files=(art.name, *[f for f in ctx.files_for(command) if f != art.name]),
                   trigger=trigger, state="inert" if why else "active", problem=why)
