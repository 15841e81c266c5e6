"""tmpfiles.d lines that remove data: `R`/`r`/`D` at boot (systemd-tmpfiles-setup.service runs
--remove), and an Age cleaned by `systemd-tmpfiles --clean`, which fires with
systemd-tmpfiles-clean.timer when the host has it (daily, 15 min after boot). A file in an
earlier folder hides the same name in a later one, as systemd-tmpfiles reads them. What the
packages' own folders (/usr/lib, /lib) clear under the volatile trees (/tmp, /var/tmp, /run)
on every host is not listed; the same line in /etc or /run/tmpfiles.d is. A user's own
user-tmpfiles.d runs when their systemd manager starts: at their first login, or at boot when
they linger."""

from __future__ import annotations

import posixpath

from lineguard.collector.model import BootTrigger, HookTrigger, Job, LoginTrigger, Trigger
from lineguard.collector.parse.hostcontext import HostContext
from lineguard.formats.tmpfiles import TMPFILES_DIRS, removals
from lineguard.formats.wire import Artifact

_PACKAGED = ("usr/lib/tmpfiles.d", "lib/tmpfiles.d")
_VOLATILE = ("/tmp/", "/var/tmp/", "/run/", "/var/run/")


def _cleaner(earlier: list[Job]) -> Job | None:
    return next((j for j in earlier if j.state == "active" and j.source == "systemd"
                 and "systemd-tmpfiles" in j.command and "--clean" in j.command), None)


def jobs(ctx: HostContext, earlier: list[Job]) -> list[Job]:
    cleaner = _cleaner(earlier)
    seen: dict[str, str] = {}
    out: list[Job] = []
    linger = {a.name.rsplit("/", 1)[-1] for a in ctx.of_kind("linger")}
    arts = sorted(ctx.of_kind("tmpfiles"), key=lambda a: _rank(a.name))
    for art in arts:
        if "/user-tmpfiles.d/" in art.name:
            out += _user_jobs(ctx, art, linger)
            continue
        name = posixpath.basename(art.name)
        hidden = seen.get(name)
        seen.setdefault(name, art.name)
        if art.content is None:
            continue
        masked = art.meta.get("link") == "/dev/null"
        packaged = posixpath.dirname(art.name) in _PACKAGED
        for r in removals(art.text() or ""):
            if packaged and r.path.startswith(_VOLATILE):
                continue
            if r.when == "boot":
                trigger: BootTrigger | HookTrigger = BootTrigger(
                    "at boot (systemd-tmpfiles --remove, systemd-tmpfiles-setup.service)")
            else:
                trigger = HookTrigger(
                    host_job="systemd-tmpfiles --clean" + (f" ({cleaner.origin_path})"
                                                           if cleaner else ""),
                    operation="deletes what under the path is older than its Age",
                    via=cleaner.trigger if cleaner else None)
            why = ("masked (linked to /dev/null)" if masked else
                   f"hidden by {hidden}, which has the same name" if hidden else None)
            out.append(ctx.job(source="tmpfiles", origin_path=art.name, origin_line=r.line,
                               owner="root", schedule=r.text, command=r.command, files=(),
                               trigger=trigger, state="inert" if why else "active",
                               problem=why))
    return out


def _user_jobs(ctx: HostContext, art: Artifact, linger: set[str]) -> list[Job]:
    home = art.name.split("/.config/")[0].split("/.local/")[0]
    user = home.rsplit("/", 1)[-1] if home.startswith("home/") else "root"
    start: Trigger = (BootTrigger(f"at boot: {user} lingers, so their manager runs "
                                  "systemd-tmpfiles --user --remove") if user in linger else
                      LoginTrigger(user, "the user's systemd manager runs systemd-tmpfiles "
                                         "--user --remove at first login"))
    out = []
    for r in removals(art.text() or "", "/" + home):
        trigger: Trigger = start if r.when == "boot" else HookTrigger(
            host_job=f"systemd-tmpfiles --user --clean ({user}'s systemd-tmpfiles-clean.timer)",
            operation="deletes what under the path is older than its Age")
        out.append(ctx.job(source="tmpfiles", origin_path=art.name, origin_line=r.line,
                           owner=user, schedule=r.text, command=r.command, files=(),
                           trigger=trigger))
    return out


def _rank(name: str) -> int:
    folder = posixpath.dirname(name)
    return TMPFILES_DIRS.index(folder) if folder in TMPFILES_DIRS else len(TMPFILES_DIRS)
