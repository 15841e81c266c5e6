"""Host jobs: turns a host Target's artifacts into Job records, one parser module per way a
host runs something later (cron, anacron, at, systemd, processes, units, init scripts, hooks,
logins, scheduled files). This module lists them and the files that define jobs; what they
share about the host is `hostcontext`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from lineguard.collector import provenance
from lineguard.collector.model import Job, TriggerKind, UnparsableTrigger
from lineguard.collector.parse import (
    anacron,
    apthooks,
    at,
    authkeys,
    cron,
    daemons,
    githooks,
    incron,
    kernelconf,
    login,
    logrotate,
    nethooks,
    pam,
    process,
    pysite,
    schedfile,
    supervisors,
    systemd,
    sysv,
    tmpfiles,
    udev,
    units,
)
from lineguard.collector.parse.hostcontext import HostContext, context
from lineguard.formats.wire import Artifact, Target

# Files that define jobs, with the source and trigger kind of a job they would define: one the
# agent could not read is still listed (as an unparsable job), never silently dropped.
JOB_FILE_KINDS: dict[str, tuple[str, TriggerKind]] = {
    "crontab": ("cron", "clock"), "cron.d": ("cron", "clock"),
    "cron-spool": ("cron", "clock"), "anacrontab": ("anacron", "clock"),
    "at-job": ("at", "clock"), "systemd-unit": ("systemd", "clock"),
    "unit": ("systemd", "event"), "rc-local": ("sysv", "boot"),
    "init-script": ("sysv", "boot"), "net-hook": ("net-hook", "event"),
    "interfaces": ("net-hook", "event"), "udev-rules": ("udev", "event"),
    "incron-table": ("incron", "event"), "incron-conf": ("incron", "event"),
    "logrotate": ("logrotate", "hook"), "apt-conf": ("apt", "hook"),
    "login-file": ("login", "login"), "authorized-keys": ("ssh-key", "login"),
    "sshd-config": ("ssh-key", "login"),
    "pam": ("pam", "login"), "scheduled-file": ("scheduled-file", "clock"),
    "kernel-hook": ("apt", "hook"), "unit-generator": ("systemd", "boot"),
    "tmpfiles": ("tmpfiles", "clock"), "kernel-conf": ("kernel", "event"),
    "supervisor-conf": ("supervisor", "boot"), "python-site": ("python-site", "hook"),
    "git-hook": ("git-hook", "hook"), "daemon-conf": ("daemon", "event")}



def jobs(target: Target, host: dict[str, Any]) -> list[Job]:
    """Every job the host's artifacts define, bad ones included with state and problem set."""
    ctx = context(target, host)
    out: list[Job] = []
    for art in target.artifacts:
        # unread, or read only in part (cut short): what is missing may hold any job
        if art.kind in JOB_FILE_KINDS and art.state not in ("ok", "unread") and "link" not in art.meta \
                and (art.content is None or art.failed) and not _program(art):
            out.append(not_captured(ctx, art))
    for parser in (cron, anacron, at, systemd, process, units, sysv, nethooks, udev, incron,
                   login, authkeys, schedfile, kernelconf, supervisors, pysite, daemons):
        out += parser.jobs(ctx)
    # hooks run by other jobs: they fire with the job that runs them
    for hook_parser in (logrotate, apthooks, tmpfiles, pam, githooks):
        out += hook_parser.jobs(ctx, out)
    return provenance.attach(ctx, out)


def _program(art: Artifact) -> bool:
    """A compiled program its parser makes a job of like any other (a generator): the job runs
    it, and the engine judges a compiled program by where it lies."""
    return art.kind in ("unit-generator", "kernel-hook") and art.state == "binary"


def not_captured(ctx: HostContext, art: Artifact) -> Job:
    """A file defining jobs that the agent could not read still shows up, as an unparsable job."""
    source, kind = JOB_FILE_KINDS[art.kind]
    if art.kind == "scheduled-file":
        source = str((art.meta.get("format") or {}).get("name") or source)
    return replace(ctx.job(source=source, origin_path=art.name, origin_line=None,
                           owner=ctx.owner_of(art), schedule="", command="", files=(),
                           trigger=UnparsableTrigger(f"not captured: {art.error}", kind),
                           state="unparsable", problem=f"not captured: {art.error}"),
                   unread=(art.name,))
