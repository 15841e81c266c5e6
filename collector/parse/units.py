"""systemd units started without a timer: what each enablement link (`*.wants/`, `*.requires/`,
`*.upholds/`) starts and on what trigger — boot for the targets a boot reaches, an event for a
socket (a connection), a path unit (a file changes) or another unit (it starts, fails or
succeeds: `Wants=`, `OnFailure=`, `OnSuccess=`), and a user's login for user units unless the
user lingers (then boot). `Also=` units that were never enabled are listed as disabled. A
socket's own Exec lines run when it is started; a service's ExecStop/ExecStopPost run
RuntimeMaxSec after it starts when it sets one (systemd stops it then): a job of their own,
delayed. Generators run at boot and at every daemon-reload."""

from __future__ import annotations

import posixpath
from collections import deque
from dataclasses import dataclass, replace

from lineguard.collector.model import (
    BootTrigger,
    DelayedTrigger,
    EventTrigger,
    Job,
    JobState,
    LoginTrigger,
    Trigger,
)
from lineguard.collector.parse.hostcontext import HostContext, file_mode
from lineguard.collector.parse.systemd import Units, shared_dropin
from lineguard.formats.systemd import (
    EXEC_KEYS,
    SOCKET_EXEC_KEYS,
    Setting,
    Written,
    dropin_names,
    exec_command,
    instantiate,
    parse_unit,
    triggered_unit,
)
from lineguard.formats.timespan import parse_timespan

# Targets a normal boot reaches (default.target is one of graphical/multi-user).
BOOT_TARGETS = frozenset({
    "default.target", "multi-user.target", "graphical.target", "basic.target",
    "sysinit.target", "local-fs.target", "local-fs-pre.target", "remote-fs.target",
    "remote-fs-pre.target", "network.target", "network-online.target", "network-pre.target",
    "sockets.target", "paths.target", "timers.target", "getty.target", "swap.target",
    "cryptsetup.target", "nss-lookup.target", "nss-user-lookup.target", "time-sync.target",
    "slices.target", "rpcbind.target",
})
_PATH_KEYS = ("PathExists", "PathExistsGlob", "PathChanged", "PathModified", "DirectoryNotEmpty")
_STOP_KEYS = ("ExecStop", "ExecStopPost")
_LISTEN_KEYS = ("ListenStream", "ListenDatagram", "ListenSequentialPacket", "ListenFIFO",
                "ListenSpecial", "ListenNetlink", "ListenMessageQueue", "ListenUSBFunction")
# settings whose value is one thing (a command, a path, a time span), not a list of names
_WHOLE = frozenset((*EXEC_KEYS, *SOCKET_EXEC_KEYS, *_PATH_KEYS, *_LISTEN_KEYS, "RuntimeMaxSec"))
_NOWHERE: Written = ("", 0)


@dataclass(frozen=True)
class _Start:
    scope: str
    unit: str
    trigger: Trigger
    why: str                  # what starts it, as written
    origin: str | None        # the link or unit file that says so
    listed: bool = True       # False: a timer's service, a job of the timer parser already;
                              # only what it starts (OnFailure=, Wants=) is listed here


def jobs(ctx: HostContext) -> list[Job]:
    units = Units(ctx, ("systemd-unit", "unit"), "unit-link")
    linger = {a.name.rsplit("/", 1)[-1] for a in ctx.of_kind("linger")}
    boot = _boot_targets(units)
    queue: deque[_Start] = deque()
    for where, link in sorted(units.links, key=lambda wl: wl[0].rank):
        if link.meta.get("link") == "/dev/null":
            continue
        parent = posixpath.basename(posixpath.dirname(link.name)).rsplit(".", 1)[0]
        unit = posixpath.basename(link.name)
        trigger = _link_trigger(where.scope, parent, boot, linger)
        queue.append(_Start(where.scope, unit, trigger, f"{parent} wants it", link.name))
    # boot links first: a unit both a boot target and a service want is a boot job
    ordered = sorted(queue, key=lambda s: not isinstance(s.trigger, BootTrigger))
    queue = deque(ordered + _timer_services(ctx))
    out: list[Job] = []
    done: set[tuple[str, str]] = set()
    started: list[_Start] = []
    while queue:
        start = queue.popleft()
        key = (start.scope, start.unit)
        if key in done:
            continue
        done.add(key)
        started.append(start)
        out += _unit_jobs(ctx, units, start, queue, done)
    return out + _shared_dropin_jobs(ctx, units, started) + _generators(ctx)


def _shared_dropin_jobs(ctx: HostContext, units: Units, started: list[_Start]) -> list[Job]:
    """The Exec lines of a drop-in that applies to many units (`service.d/`, `ems-.service.d/`):
    one job, run with every unit it reaches — at boot when any of them starts at boot."""
    out = []
    for name, found in units.dropins.items():
        for where, art in found:
            if not shared_dropin(art.name) or art.content is None:
                continue
            execs = [(exec_command(v), n) for sec, k, v, n in parse_unit(art.text() or "")
                     if v and (k in EXEC_KEYS or k in SOCKET_EXEC_KEYS)]
            if not execs:
                continue
            reached = [s for s in started if s.scope == where.scope
                       and name in dropin_names(s.unit)]
            boot = next((s for s in reached if isinstance(s.trigger, BootTrigger)), None)
            stem, dot, kind = name.rpartition(".")
            what = f"every {stem}*.{kind}" if dot else f"every {name}"
            trigger: Trigger
            if boot is not None:
                trigger = BootTrigger(f"at boot: with {what} that starts ({boot.unit} and "
                                      f"{len(reached) - 1} more)")
            elif reached:
                trigger = reached[0].trigger
            else:
                trigger = EventTrigger(f"when {what} starts (none is started now)")
            out.append(ctx.job(source="systemd", origin_path=art.name, origin_line=execs[0][1],
                               owner="root" if where.scope == "system" else None,
                               schedule=f"drop-in for {what}",
                               command="\n".join(c for c, _n in execs), trigger=trigger,
                               command_at=tuple((art.name, n) for _c, n in execs)))
    return out


def _generators(ctx: HostContext) -> list[Job]:
    """systemd runs each generator (the first of a name in the generator folders) early at
    boot and at every `systemctl daemon-reload`, as root, before it reads any unit."""
    out: list[Job] = []
    seen: set[tuple[str, str]] = set()
    for art in ctx.of_kind("unit-generator"):
        folder, name = posixpath.split(art.name)
        kind = posixpath.basename(folder).split("-", 1)[0]
        if (art.content is None and art.state != "binary") or (kind, name) in seen:
            continue
        seen.add((kind, name))
        mode = file_mode(art, "0755")
        why = None
        if art.meta.get("link") == "/dev/null":
            why = "masked (linked to /dev/null)"
        elif mode is not None and not mode & 0o111:
            why = f"not executable (mode {mode:04o}): not run"
        manager = "the system manager" if kind == "system" else "each user's manager"
        command = "/" + art.name
        out.append(ctx.job(source="systemd", origin_path=art.name, origin_line=None,
                           owner="root" if kind == "system" else None,
                           schedule=f"{kind} generator", command=command,
                           files=(art.name, *[f for f in ctx.files_for(command) if f != art.name]),
                           trigger=BootTrigger(f"at boot and at every daemon-reload ({manager} "
                                               "runs its generators)"),
                           state="inert" if why else "active", problem=why))
    return out


def _timer_services(ctx: HostContext) -> list[_Start]:
    """The services enabled timers start: not listed again, but followed for the units they
    start in turn (a timer's service with OnFailure=wipe.service)."""
    timers = Units(ctx)
    out = []
    for where, link in timers.links:
        name = posixpath.basename(link.name)
        found = timers.find(where.scope, name)
        if found is None:
            continue
        _w, main, instance = found
        settings = [Setting(*s[:4]) for s in timers.settings(where.scope, name, main)]
        service = instantiate(triggered_unit(name, settings), instance)
        out.append(_Start(where.scope, service, EventTrigger(f"when {name} starts it"),
                          f"{name} starts it", link.name, listed=False))
    return out


def _boot_targets(units: Units) -> set[str]:
    """Targets a boot reaches: the standard ones and any target they want, transitively."""
    boot = set(BOOT_TARGETS)
    changed = True
    while changed:
        changed = False
        for _where, link in units.links:
            parent = posixpath.basename(posixpath.dirname(link.name)).rsplit(".", 1)[0]
            unit = posixpath.basename(link.name)
            if parent in boot and unit.endswith(".target") and unit not in boot:
                boot.add(unit)
                changed = True
    return boot


def _link_trigger(scope: str, parent: str, boot: set[str], linger: set[str]) -> Trigger:
    if scope.startswith("user:"):
        user = scope.split(":", 1)[1]
        if user in linger:
            return BootTrigger(f"at boot: {user} lingers, so their manager starts with the system")
        who = "any user" if user == "*" else user
        return LoginTrigger(who, f"the user's systemd manager starts at first login ({parent})")
    if parent in boot:
        return BootTrigger(f"at boot ({parent} wants it)")
    if parent.endswith(".target"):
        return EventTrigger(f"when {parent} is reached", rare=True)
    return EventTrigger(f"when {parent} starts")


def _unit_jobs(ctx: HostContext, units: Units, start: _Start, queue: deque[_Start],
               done: set[tuple[str, str]]) -> list[Job]:
    found = units.find(start.scope, start.unit)
    account = start.scope.split(":", 1)[1] if start.scope.startswith("user:") else "root"
    owner = None if account == "*" else account
    if found is None:
        if start.unit.endswith(".target"):
            return []
        missing = f"{start.why}, but no unit file for {start.unit} was captured"
        return [ctx.job(source="systemd", origin_path=start.origin or start.unit,
                        origin_line=None, owner=owner, schedule=start.why, command="", files=(),
                        trigger=start.trigger, state="inert", problem=missing)]
    _where, main, instance = found
    settings = units.settings(start.scope, start.unit, main)
    run = units.commands(start.scope, start.unit, main, instance)

    def values(section: str, key: str) -> list[tuple[str, Written]]:
        """The values of a setting, each with the file and line that writes it."""
        vals: list[tuple[str, Written]] = []
        for sec, k, v, number, path in settings:
            if sec == section and k == key:
                if v and k in _WHOLE and shared_dropin(path):
                    continue    # a job of its own (_shared_dropin_jobs)
                if not v:
                    vals = []       # an empty assignment resets the list
                else:
                    vals += [(w, (path, number)) for w in v.split()] if key not in _WHOLE \
                        else [(v, (path, number))]
        return vals

    def follow(names: list[str], trigger: Trigger, why: str) -> None:
        for name in names:
            if (start.scope, name) not in done:
                queue.append(_Start(start.scope, name, trigger, why, main.name))

    masked = main.meta.get("link") == "/dev/null"
    kind = start.unit.rsplit(".", 1)[-1]
    stem = start.unit.rsplit(".", 1)[0]
    for key in ("Wants", "Requires", "Upholds"):
        follow([n for n, _at in values("Unit", key)], start.trigger, f"{start.unit} {key}= it")
    follow(list(run.on_failure),
           EventTrigger(f"when {start.unit} fails", rare=True), f"OnFailure= of {start.unit}")
    follow([n for n, _at in values("Unit", "OnSuccess")],
           EventTrigger(f"when {start.unit} finishes successfully"), f"OnSuccess= of {start.unit}")
    for also, _n in values("Install", "Also"):
        if (start.scope, also) not in done and not any(
                posixpath.basename(link.name) == also for _w, link in units.links):
            reason = f"named in Also= of {start.unit}, but not enabled itself"
            queue.append(_Start(start.scope, also, EventTrigger(reason), reason, main.name))
    if kind == "socket" and not masked:
        listens = [v for k in _LISTEN_KEYS for v, _n in values("Socket", k)]
        accept = any(v.lower() in ("yes", "true", "1", "on") for v, _n in values("Socket", "Accept"))
        service = (values("Socket", "Service") or [(f"{stem}@.service" if accept
                                                    else f"{stem}.service", _NOWHERE)])[0][0]
        follow([service], EventTrigger(f"a connection to {', '.join(listens) or stem} "
                                            f"(socket {start.unit})"), f"{start.unit} activates it")
        own = run.commands(SOCKET_EXEC_KEYS)
        if not own or not start.listed:
            return []
        runs = [*run.environment, *own]
        return [ctx.job(source="systemd", origin_path=own[0][1][0], origin_line=own[0][1][1],
                        owner=owner or "root", schedule=start.why,
                        command="\n".join(c for c, _n in runs), trigger=start.trigger,
                        command_at=tuple(at for _c, at in runs))]
    if kind == "path" and not masked:
        watched = [f"{k}={v}" for k in _PATH_KEYS for v, _n in values("Path", k)]
        service = (values("Path", "Unit") or [(f"{stem}.service", _NOWHERE)])[0][0]
        follow([service], EventTrigger(f"{' or '.join(watched) or 'a watched path'} "
                                            f"(path unit {start.unit})"),
               f"{start.unit} activates it")
        return []
    if kind != "service" or not start.listed:
        return []
    runtime = _runtime_max(values("Service", "RuntimeMaxSec"))
    keys = [k for k in EXEC_KEYS if not (runtime and k in _STOP_KEYS)]
    execs = run.commands(keys)
    stops = run.commands(_STOP_KEYS) if runtime else []
    # what the commands run in, so `rm -rf ${LINEDATA}` names what it deletes
    env = list(run.environment)
    if start.scope == "system":
        owner = run.user or "root"
    state: JobState
    state, why = "active", None
    if masked:
        state, why = "inert", "masked (linked to /dev/null)"
    elif start.why.startswith("named in Also="):
        state, why = "disabled", start.why
    elif not execs:
        why = f"{start.unit} has no Exec lines"
    runs = env + execs if execs else []
    command = "\n".join(c for c, _n in runs)
    # the job stands at its first command, in the unit or in the drop-in that adds it
    origin, line = (execs[0][1][0], execs[0][1][1]) if execs else (main.name, None)
    dropins = tuple(dict.fromkeys(p for *_rest, p in settings
                                  if p != origin and not shared_dropin(p)))
    out = [replace(ctx.job(source="systemd", origin_path=origin, origin_line=line, owner=owner,
                           schedule=start.why, command=command, trigger=start.trigger,
                           state=state, problem=why, command_at=tuple(at for _c, at in runs)),
                   defined_in=dropins)]
    if stops and runtime:
        value, seconds = runtime
        out.append(ctx.job(source="systemd", origin_path=stops[0][1][0],
                           origin_line=stops[0][1][1],
                           command_at=tuple(at for _c, at in env + stops),
                           owner=owner, schedule=f"{start.why}; RuntimeMaxSec={value}",
                           command="\n".join(c for c, _n in env + stops),
                           trigger=DelayedTrigger(start.trigger, seconds,
                                                  f"RuntimeMaxSec={value}: systemd stops the "
                                                  "service then and runs its stop commands"),
                           state=state, problem=why if state != "active" else None))
    return out


def _runtime_max(values: list[tuple[str, Written]]) -> tuple[str, float] | None:
    """RuntimeMaxSec= as (written, seconds), when it bounds the run (not infinity)."""
    if not values or values[-1][0] in ("infinity", ""):
        return None
    try:
        return values[-1][0], parse_timespan(values[-1][0])
    except ValueError:
        return None
