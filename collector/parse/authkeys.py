"""Forced SSH commands: a key's `command="..."` in authorized_keys runs instead of the shell every
time someone logs in with that key (`from=` says from where), and sshd_config's ForceCommand
for every login it applies to (all, or those its Match block selects)."""

from __future__ import annotations

import posixpath

from lineguard.collector.model import Job, LoginTrigger
from lineguard.collector.parse.hostcontext import HostContext
from lineguard.collector.parse.login import home_users
from lineguard.formats.ssh import key_options, sshd_settings


def jobs(ctx: HostContext) -> list[Job]:
    homes = home_users(ctx)
    out: list[Job] = []
    for art in ctx.of_kind("sshd-config"):
        for number, key, value, match in sshd_settings(art.text() or ""):
            if key != "forcecommand" or value.lower() == "none":
                continue
            who = f"logins matching {match!r}" if match else "any user"
            out.append(ctx.job(source="ssh-key", origin_path=art.name, origin_line=number,
                               owner=None, schedule=f"ForceCommand ({who})", command=value,
                               trigger=LoginTrigger(who, "ssh login (sshd ForceCommand)")))
    for art in ctx.of_kind("authorized-keys"):
        if art.content is None:
            continue
        home = posixpath.dirname(posixpath.dirname(art.name))
        user = str(art.meta.get("user") or homes.get(home) or home.rsplit("/", 1)[-1])
        for number, line in enumerate((art.text() or "").splitlines(), 1):
            opts, rest = key_options(line)
            if "command" not in opts:
                continue
            comment = rest.split(None, 2)[2] if len(rest.split(None, 2)) > 2 else "no comment"
            how = f"ssh login with the key {comment!r}"
            if opts.get("from"):
                how += f" from {opts['from']}"
            out.append(ctx.job(source="ssh-key", origin_path=art.name, origin_line=number,
                               owner=user, schedule=f"command= ({comment})",
                               command=opts["command"], trigger=LoginTrigger(user, how)))
    return out
