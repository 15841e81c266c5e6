"""systemd timers: each timer (and each enabled instance of a template) merged with its drop-ins
in unit-path order, the service it starts, and whether it is enabled, masked or transient."""

from __future__ import annotations

import contextlib
import posixpath
import re
import shlex
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from lineguard.collector.model import (
    AbsoluteTrigger,
    CalendarTrigger,
    Job,
    JobState,
    UnparsableTrigger,
)
from lineguard.collector.parse.hostcontext import HostContext
from lineguard.collector.schedule.calendar import CalendarSpec
from lineguard.formats.systemd import (
    EXEC_KEYS,
    SOCKET_EXEC_KEYS,
    SYSTEM,
    SYSTEM_MANAGER_CONF,
    SYSTEM_UNIT_DIRS,
    USER_MANAGER_CONF,
    USER_UNIT_DIRS,
    Line,
    Manager,
    Setting,
    UnitCommands,
    UnitSetting,
    dropin_names,
    instantiate,
    manager_environment,
    parse_unit,
    template_of,
    triggered_unit,
    unit_commands,
)
from lineguard.formats.timespan import parse_timespan
from lineguard.formats.wire import Artifact

# The keys whose commands a drop-in shared by many units adds as a job of its own.
_RUN_KEYS = frozenset((*EXEC_KEYS, *SOCKET_EXEC_KEYS))
MONOTONIC = ("OnActiveSec", "OnBootSec", "OnStartupSec", "OnUnitActiveSec", "OnUnitInactiveSec")
_TRUE = frozenset({"1", "yes", "true", "on"})


def _user_patterns() -> list[tuple[re.Pattern[str], int]]:
    out = []
    for rank, pattern in enumerate(USER_UNIT_DIRS):
        if pattern.startswith("~"):
            rx = r"^(root|home/[^/]+)" + re.escape(pattern[1:]) + "$"
        elif pattern.startswith("$RUNTIME"):
            rx = r"^run/user/(\d+)" + re.escape(pattern[len("$RUNTIME"):]) + "$"
        else:
            rx = "^()" + re.escape(pattern) + "$"
        out.append((re.compile(rx), rank))
    return out


_USER_DIRS = _user_patterns()


@dataclass(frozen=True)
class _Place:
    scope: str        # "system", "user:NAME" or "user:*" (every user)
    rank: int         # position in the search order; lower wins
    directory: str


def place(ctx: HostContext, directory: str) -> _Place | None:
    """Where a unit directory stands in systemd's search order, or None if systemd ignores it."""
    if directory in SYSTEM_UNIT_DIRS:
        return _Place("system", SYSTEM_UNIT_DIRS.index(directory), directory)
    for rx, rank in _USER_DIRS:
        m = rx.match(directory)
        if m:
            who = m.group(1)
            if not who:
                user = "*"
            elif who.isdecimal():
                user = ctx.uid_names.get(int(who), who)
            else:
                user = "root" if who == "root" else who.split("/", 1)[1]
            return _Place(f"user:{user}", rank, directory)
    return None


def _sees(scope: str, other: str) -> bool:
    return scope == other or (scope.startswith("user:") and other == "user:*")


def calendar_problem(expr: str) -> str | None:
    """Why systemd would reject an OnCalendar expression, or None."""
    try:
        CalendarSpec.parse(expr)
    except ValueError as e:
        return f"bad OnCalendar={expr!r}: {e}"
    return None


def shared_dropin(path: str) -> bool:
    """Whether a drop-in file applies to many units: a type's top-level folder (`service.d/`)
    or a dash prefix (`ems-.service.d/`). Its commands are one job of their own, not copied
    into the job of every unit it reaches."""
    folder = posixpath.basename(posixpath.dirname(path))
    if not folder.endswith(".d"):
        return False
    unit = folder[:-2]
    return "." not in unit or unit.rpartition(".")[0].endswith("-")


class Units:
    """All systemd unit artifacts of the host, indexed by unit file name."""

    def __init__(self, ctx: HostContext, unit_kinds: tuple[str, ...] = ("systemd-unit",),
                 link_kind: str = "systemd-link") -> None:
        self.ctx = ctx
        self._manager: dict[str, list[tuple[str, tuple[str, int]]]] = {}
        self.files: dict[str, list[tuple[_Place, Artifact]]] = {}
        self.dropins: dict[str, list[tuple[_Place, Artifact]]] = {}
        self.links: list[tuple[_Place, Artifact]] = []
        for art in ctx.of_kind(*unit_kinds, link_kind):
            parent = posixpath.dirname(art.name)
            base = posixpath.basename(art.name)
            if art.kind == link_kind:
                where = place(ctx, posixpath.dirname(parent))
                if where:
                    self.links.append((where, art))
            elif parent.endswith(".d") and base.endswith(".conf"):
                where = place(ctx, posixpath.dirname(parent))
                if where:
                    unit = posixpath.basename(parent)[:-2]
                    self.dropins.setdefault(unit, []).append((where, art))
            else:
                where = place(ctx, parent)
                if where:
                    self.files.setdefault(base, []).append((where, art))

    def manager_env(self, scope: str) -> list[tuple[str, tuple[str, int]]]:
        """`declare -x NAME=VALUE` lines, each with the file and line that writes it, of the
        environment the scope's manager gives every service before the unit's own settings:
        DefaultEnvironment= of system.conf and its drop-ins for the system manager; of
        user.conf, then environment.d (the system's, then the user's own) for a user's."""
        hit = self._manager.get(scope)
        if hit is not None:
            return hit
        user = scope.split(":", 1)[1] if scope.startswith("user:") else None
        home = None if user in (None, "*") else "root" if user == "root" else f"home/{user}"
        places = SYSTEM_MANAGER_CONF if user is None else tuple(
            p if not p.startswith("~") else f"{home}{p[1:]}" for p in USER_MANAGER_CONF
            if home or not p.startswith("~"))
        confs = self.ctx.of_kind("systemd-conf")
        out: list[tuple[str, tuple[str, int]]] = []
        for where in places:
            for art in sorted((a for a in confs if a.name == where or
                               a.name.startswith(where + "/")), key=lambda a: a.name):
                for assign, number in manager_environment(art.text() or "",
                                                          "environment.d" in art.name):
                    name, _eq, value = assign.partition("=")
                    # not `export`: a unit's empty Environment= resets only its own
                    out.append((f"declare -x {name}={shlex.quote(value)}", (art.name, number)))
        self._manager[scope] = out
        return out

    def find(self, scope: str, unit: str) -> tuple[_Place, Artifact, str | None] | None:
        """The unit file that defines `unit` for scope (instance falls back to its template),
        with the instance name."""
        template, instance = template_of(unit)
        for name in (unit, template):
            if not name:
                continue
            hits = sorted(((p, a) for p, a in self.files.get(name, []) if _sees(scope, p.scope)),
                          key=lambda pa: pa[0].rank)
            if hits:
                return hits[0][0], hits[0][1], instance
        return None

    def settings(self, scope: str, unit: str, main: Artifact) -> list[UnitSetting]:
        """Settings of the unit file, then its drop-ins by file name: those of the unit, its
        template, its dash prefixes and its type (`service.d/`); a name in a more specific
        folder, then an earlier path, wins."""
        chosen: dict[str, tuple[_Place, Artifact]] = {}
        for name in dropin_names(unit):
            for where, art in sorted(self.dropins.get(name, []), key=lambda pa: pa[0].rank):
                if _sees(scope, where.scope):
                    chosen.setdefault(posixpath.basename(art.name), (where, art))
        ordered = [main] + [chosen[k][1] for k in sorted(chosen)]
        return [UnitSetting(*s, art.name) for art in ordered for s in parse_unit(art.text() or "")]

    def manager(self, scope: str) -> Manager:
        """The manager a unit of this scope runs under: the system's, or the user's."""
        if not scope.startswith("user:"):
            return SYSTEM
        who = scope.split(":", 1)[1]
        uid = next((str(u) for u, n in self.ctx.uid_names.items() if n == who), None)
        return Manager(who, "/root" if who == "root" else f"/home/{who}", uid)

    def commands(self, scope: str, unit: str, main: Artifact,
                 instance: str | None) -> UnitCommands:
        """What the unit runs (formats.systemd.unit_commands) under its scope's manager. The
        commands of a drop-in shared by many units are a job of their own
        (units.shared_dropin_jobs), not part of each unit's."""
        own = [s for s in self.settings(scope, unit, main)
               if not (s.value and s.key in _RUN_KEYS and shared_dropin(s.path))]
        run = unit_commands(own, instantiate(unit, instance), self.manager(scope))
        # the environment the manager gives every service comes before the unit's own
        # (DefaultEnvironment=, environment.d)
        return replace(run, environment=(*self.manager_env(scope), *run.environment))


def jobs(ctx: HostContext) -> list[Job]:
    units = Units(ctx)
    keys: dict[tuple[str, str], JobState] = {}
    link_of: dict[tuple[str, str], str] = {}
    for where, link in units.links:
        name = posixpath.basename(link.name)
        keys[(where.scope, name)] = "active"
        link_of.setdefault((where.scope, name), link.name)
    for name, hits in units.files.items():
        if not name.endswith(".timer"):
            continue
        for where, _art in hits:
            key = (where.scope, name)
            if "/transient" in where.directory:
                keys[key] = "active"
            elif key not in keys and not (where.scope == "user:*" and any(
                    k[1] == name and k[0].startswith("user:") for k in keys)):
                keys[key] = "disabled"
    return [_timer_job(ctx, units, scope, name, state, link_of.get((scope, name), name))
            for (scope, name), state in sorted(keys.items())]


def _timer_job(ctx: HostContext, units: Units, scope: str, name: str, state: JobState,
               origin: str) -> Job:
    found = units.find(scope, name)
    account = scope.split(":", 1)[1] if scope.startswith("user:") else "root"
    owner = None if account == "*" else account
    if found is None:
        missing = f"enabled, but no unit file for {name} was captured"
        return ctx.job(source="systemd", origin_path=origin, origin_line=None, owner=owner,
                       schedule="", command="", files=(), trigger=UnparsableTrigger(missing),
                       state="inert", problem=missing)
    where, main, instance = found
    settings = units.settings(scope, name, main)
    calendars: list[str] = []
    monotonic: list[tuple[str, str]] = []
    written: list[str] = []
    delay, persistent, first_line = 0.0, False, None
    for section, key, value, number, _path in settings:
        if section != "Timer":
            continue
        if key == "OnCalendar" or key in MONOTONIC:
            if not value:   # an empty assignment resets every trigger (systemd's timer_free_values)
                calendars, monotonic, written = [], [], []
                continue
            first_line = first_line or number
            written.append(f"{key}={value}")
            if key == "OnCalendar":
                calendars.append(value)
            else:
                monotonic.append((key, value))
        elif key == "RandomizedDelaySec":
            # systemd ignores a value it cannot parse ("Failed to parse sec value"), so the
            # one before it stays
            with contextlib.suppress(ValueError):
                delay = parse_timespan(value)
        elif key == "Persistent":
            persistent = value.lower() in _TRUE
    service = triggered_unit(name, [Setting(*s[:4]) for s in settings])
    lines, user = _service(units, scope, service, instance)
    command = "\n".join(c for c, _at in lines)
    if scope == "system":
        owner = user or "root"
    base = partial(ctx.job, source="systemd", origin_path=main.name, origin_line=first_line,
                   owner=owner, schedule="; ".join(written), command=command,
                   command_at=tuple(at for _c, at in lines))
    bad = next((p for p in map(calendar_problem, calendars) if p), None)
    if bad:
        return base(trigger=UnparsableTrigger(bad), state="unparsable", problem=bad)
    trigger: CalendarTrigger | AbsoluteTrigger = CalendarTrigger(
        calendars=tuple(calendars), monotonic=tuple(monotonic), randomized_delay_s=delay,
        persistent=persistent)
    started = _transient_start(where.directory, main, calendars, monotonic)
    if started is not None:
        trigger = started
    why: str | None = None
    if main.meta.get("link") == "/dev/null":
        state, why = "inert", "masked (linked to /dev/null)"
    elif name.endswith("@.timer"):
        state, why = "disabled", "template: runs only as an enabled instance"
    elif not calendars and not monotonic:
        state, why = "inert", "no trigger left after drop-ins"
    elif state == "disabled":
        why = "not enabled (no timers.target.wants link) and not transient"
    if command == "":
        why = why or f"service {service} not captured"
    dropins = tuple(dict.fromkeys(
        p for u in (name, service) if (f := units.find(scope, u))
        for *_rest, p in units.settings(scope, u, f[1])
        if p != f[1].name and not shared_dropin(p)))
    return replace(base(trigger=trigger, state=state, problem=why), defined_in=dropins)


def _transient_start(directory: str, main: Artifact, calendars: list[str],
                     monotonic: list[tuple[str, str]]) -> AbsoluteTrigger | None:
    """`systemd-run --on-active=SPAN` writes a transient timer with only OnActiveSec= and starts
    it at once: it elapses SPAN after the unit file was written (its mtime, kept by the agent).
    None for any other timer, or when the span or the time cannot be read."""
    if "/transient" not in directory or calendars or len(monotonic) != 1 \
            or monotonic[0][0] != "OnActiveSec":
        return None
    try:
        span = parse_timespan(monotonic[0][1])
        written = datetime.fromisoformat(str(main.meta["mtime"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None
    return AbsoluteTrigger(written + timedelta(seconds=span),
                           note=f"systemd-run --on-active: OnActiveSec={monotonic[0][1]} after "
                                f"the transient timer was written ({main.meta['mtime']})")


def _service(units: Units, scope: str, service: str, instance: str | None,
             depth: int = 0) -> tuple[list[Line], str | None]:
    """(what the service runs, each line with the file and line that writes it; User=): its
    environment, every Exec* command in the order systemd runs them (ExecCondition,
    ExecStartPre, ExecStart, ExecStartPost, ExecReload, ExecStop, ExecStopPost), then what its
    OnFailure= units run."""
    found = units.find(scope, service)
    if found is None:
        return [], None
    run = units.commands(scope, service, found[1], instance)
    lines = [*run.environment, *run.commands()]
    if depth < 2:
        for unit in run.on_failure:
            more, _ = _service(units, scope, unit, instance, depth + 1)
            lines += more
    return lines, run.user


def service_commands(ctx: HostContext, scope: str, unit: str) -> list[str]:
    """Every command a service runs, in systemd's order (see `_service`), for one unit of the
    host: what a process running inside that unit has still ahead of it."""
    units = Units(ctx, ("systemd-unit", "unit"), "unit-link")
    found = units.find(scope, unit)
    if found is None:
        return []
    lines, _user = _service(units, scope, unit, found[2])
    return [c for c, _at in lines]
