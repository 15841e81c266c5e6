"""How to stop a scheduled job before it fires, per job source: the exact command an operator
types on the target (`atrm 3`, `crontab -u ops -e` and the line to delete, `systemctl disable
--now X.timer`, `no event manager applet X`, Junos `delete event-options policy X` ...), and the
facts about the file that defines the job (its line as written, owner and file times).

The one place that knows this; mail, the HTML report and the Markdown report render what it
returns."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from lineguard.collector.model import Job, JobOrigin
from lineguard.formats.daemonconf import daemon_for
from lineguard.formats.wire import Artifact

_AT_SPOOL = re.compile(r"^[a-zA-Z=]([0-9a-f]{5})[0-9a-f]{8}$")
_APPLET = re.compile(r"^\s*event manager applet\s+(\S+)")
_TCL_POLICY = re.compile(r"^\s*event manager policy\s+(\S+)")
_KRON_OCCURRENCE = re.compile(r"^\s*kron occurrence\s+(\S+)")
_POLICY_LIST = re.compile(r"^\s+policy-list\s+(\S+)")
_JUNOS_POLICY = re.compile(r"-> policy (\S+)")
_JUNOS_EVENT = re.compile(r"^generate-event (\S+)")


def origin(job: Job, art: Artifact | None) -> JobOrigin:
    """Where `job` is defined, who owns that file and since when, and how to stop the job."""
    meta = art.meta if art is not None else {}
    text = _line_text(art, job.origin_line)
    stop = _STOPPERS.get(job.source, _generic)(job, art, text)
    return JobOrigin(source=job.source, path=job.origin_path, line=job.origin_line, text=text,
                     command=job.command, runs_as=job.owner, timezone=job.timezone,
                     file_owner=_str(meta.get("owner") or meta.get("user")),
                     mtime=_str(meta.get("mtime")), ctime=_str(meta.get("ctime")),
                     stop=tuple(stop))


def _str(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _line_text(art: Artifact | None, line: int | None) -> str:
    content = art.text() if art is not None else None
    if content is None or line is None:
        return ""
    lines = content.splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def _host_path(job: Job) -> str:
    return "/" + job.origin_path.lstrip("/")


def _delete_line(job: Job, text: str) -> str:
    where = f"line {job.origin_line} " if job.origin_line else ""
    return f"delete {where}from {_host_path(job)}" + (f": {text}" if text else "")


def _cron(job: Job, art: Artifact | None, text: str) -> list[str]:
    path = job.origin_path
    if path.startswith("var/spool/cron/"):      # a user's crontab: crontab(1) owns the file
        user = posixpath.basename(path)
        return [f"crontab -u {user} -e", _delete_line(job, text).replace("delete", "and delete", 1)]
    return [_delete_line(job, text)]


def _incron(job: Job, art: Artifact | None, text: str) -> list[str]:
    if job.origin_path.startswith("etc/"):      # a system table: a file of its own
        return [_delete_line(job, text)]
    return [f"incrontab -u {job.owner or posixpath.basename(job.origin_path)} -e",
            _delete_line(job, text).replace("delete", "and delete", 1)]


def _run_parts(job: Job, art: Artifact | None, text: str) -> list[str]:
    if job.files:
        script = "/" + job.files[0]
        return [f"rm {script}   (run-parts runs every executable in {posixpath.dirname(script)})"]
    return _cron(job, art, text)


def _at(job: Job, art: Artifact | None, text: str) -> list[str]:
    spool = posixpath.basename(job.origin_path)
    m = _AT_SPOOL.match(spool)
    if m is None:
        return [f"atq, then atrm the job spooled as {_host_path(job)}"]
    return [f"atrm {int(m.group(1), 16)}   (spool file {_host_path(job)})"]


def _systemd(job: Job, art: Artifact | None, text: str) -> list[str]:
    path = _host_path(job)
    timer = posixpath.basename(path)
    if "-generators/" in path:      # a generator: it runs again at every daemon-reload
        return [f"rm {path}   (a generator: systemd runs it at boot and at every "
                "daemon-reload)", "systemctl daemon-reload"]
    if path.endswith(".conf") and posixpath.dirname(path).endswith(".d"):     # a drop-in
        return [f"rm {path}   (a drop-in for {posixpath.basename(posixpath.dirname(path))[:-2]})",
                "systemctl daemon-reload"]
    user_unit = "/systemd/user/" in path or path.startswith("/run/user/")
    ctl = f"systemctl --user -M {job.owner}@" if user_unit and job.owner else "systemctl"
    if "/transient/" in path:       # systemd-run: no file to remove, gone once stopped
        return [f"{ctl} stop {timer}   (a transient timer made by systemd-run)"]
    if path.startswith(("/lib/", "/usr/lib/")):    # a package's unit: mask it, never rm
        return [f"{ctl} disable --now {timer}", f"{ctl} mask {timer}   "
                f"({path} belongs to a package; masking outlives upgrades)"]
    if user_unit:
        if job.owner:
            return [f"systemctl --user -M {job.owner}@ disable --now {timer}",
                    f"rm {path}", f"systemctl --user -M {job.owner}@ daemon-reload"]
        return [f"systemctl --global disable {timer}", f"rm {path}",
                "and for each logged-in user: "
                f"systemctl --user -M USER@ disable --now {timer}"]
    return [f"systemctl disable --now {timer}", f"rm {path}", "systemctl daemon-reload"]


def _anacron(job: Job, art: Artifact | None, text: str) -> list[str]:
    return [_delete_line(job, text)]


def _process(job: Job, art: Artifact | None, text: str) -> list[str]:
    pid = (art.meta.get("pid") if art is not None else None) or posixpath.basename(job.origin_path)
    return [f"kill {pid}   (the sleeping process; check it first: ps -o pid,user,args -p {pid})"]


def _eem(job: Job, art: Artifact | None, text: str) -> list[str]:
    if p := _TCL_POLICY.match(text):
        return ["configure terminal", f"no event manager policy {p.group(1)}", "end",
                "write memory", f"and delete the policy file {job.command.split()[-1]}"]
    m = _APPLET.match(text)
    name = m.group(1) if m else "NAME"
    return ["configure terminal", f"no event manager applet {name}", "end", "write memory"]


def _kron(job: Job, art: Artifact | None, text: str) -> list[str]:
    m = _KRON_OCCURRENCE.match(text)
    name = m.group(1) if m else "NAME"
    lists = []
    content = art.text() if art is not None else None
    if content is not None and job.origin_line:
        for body in content.splitlines()[job.origin_line:]:
            if not body.startswith((" ", "\t")):
                break
            if p := _POLICY_LIST.match(body):
                lists.append(p.group(1))
    return ["configure terminal", f"no kron occurrence {name}",
            *(f"no kron policy-list {p}" for p in lists), "end", "write memory"]


def _reload(job: Job, art: Artifact | None, text: str) -> list[str]:
    if job.origin_path == "show-system-reboot":     # Junos
        return ["clear system reboot"]
    return ["reload cancel"]


def _junos_event(job: Job, art: Artifact | None, text: str) -> list[str]:
    if job.schedule.startswith("system scripts commit file "):
        return ["configure", f"delete {job.schedule}", "commit",
                f"and remove /var/db/scripts/commit/{job.schedule.rsplit(' ', 1)[-1]}"]
    m = _JUNOS_POLICY.search(job.schedule)
    name = m.group(1) if m else "NAME"
    out = ["configure", f"delete event-options policy {name}"]
    if e := _JUNOS_EVENT.match(job.schedule):
        out.append(f"delete event-options generate-event {e.group(1)}")
    return [*out, "commit"]


def _sysv(job: Job, art: Artifact | None, text: str) -> list[str]:
    """A statement of rc.local is removed by its lines (a `( … ) &` group spans several)."""
    if not job.origin_line or not job.origin_path.endswith("rc.local"):
        return _generic(job, art, text)
    last = job.origin_line + job.command.count("\n")
    lines = f"line {last}" if last == job.origin_line else f"lines {job.origin_line}-{last}"
    head = next((ln.strip(" \t(") for ln in job.command.splitlines() if ln.strip(" \t(")), "")
    return [f"delete {lines} from {_host_path(job)}: {head}" + (" …" if last > job.origin_line
                                                                 else "")]


def _line_then(*after: str) -> Callable[[Job, Artifact | None, str], list[str]]:
    """Delete the job's line (or its file, when it has no line), then what makes the running
    program let go of it."""
    def stop(job: Job, art: Artifact | None, text: str) -> list[str]:
        first = _delete_line(job, text) if job.origin_line else f"rm {_host_path(job)}"
        return [first, *(a.format(path=_host_path(job)) for a in after)]
    return stop


def _kernel(job: Job, art: Artifact | None, text: str) -> list[str]:
    if job.schedule.startswith("kernel."):       # a sysctl: the running kernel keeps it
        now = {"kernel.core_pattern": "core", "kernel.modprobe": "/sbin/modprobe",
               "kernel.hotplug": ""}.get(job.schedule, "")
        return [_delete_line(job, text),
                f"sysctl -w {job.schedule}={now!r}   (the running kernel keeps the value "
                "until it is set again)"]
    return [_delete_line(job, text)]


def _daemon(job: Job, art: Artifact | None, text: str) -> list[str]:
    path = job.origin_path
    d = daemon_for(path)
    if d is None:
        return [_delete_line(job, text), "systemctl reload postgresql"]
    if "snmp" in path:
        return [_delete_line(job, text),
                f"systemctl restart {'snmptrapd' if 'snmptrapd' in path else 'snmpd'}"]
    return [_delete_line(job, text), *([d.reload] if d.reload else [])]


def _generic(job: Job, art: Artifact | None, text: str) -> list[str]:
    where = f"{job.origin_path}:{job.origin_line}" if job.origin_line else job.origin_path
    return [f"remove the {job.source} job defined at {where}" + (f": {text}" if text else "")]


_STOPPERS: dict[str, Callable[[Job, Artifact | None, str], list[str]]] = {
    "cron": _cron, "run-parts": _run_parts, "at": _at, "systemd": _systemd,
    "anacron": _anacron, "process": _process, "eem": _eem, "kron": _kron, "reload": _reload,
    "junos-event": _junos_event, "sysv": _sysv, "incron": _incron,
    "tmpfiles": _line_then(), "kernel": _kernel, "daemon": _daemon,
    "supervisor": _line_then("and the rest of its [program] section, then: supervisorctl "
                             "reread && supervisorctl update"),
    "monit": _line_then("and the rest of its check, then: monit reload"),
    "python-site": _line_then(), "git-hook": _line_then(),
}
