"""systemd unit files as the service manager reads them (systemd.syntax(7), systemd.unit(5)):
the unit search paths, settings by section with continuation lines and comment blocks inside
them, template naming (`name@instance.type` is defined by `name@.type`), %-specifiers, the
unit a timer starts, and the command an Exec*= setting runs. The agent reads units to know
which services and scripts to capture; the collector reads them to build timer and unit jobs."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

# Search order from `systemd-analyze unit-paths` (systemd 252); earlier paths win.
SYSTEM_UNIT_DIRS = (
    "etc/systemd/system.control", "run/systemd/system.control", "run/systemd/transient",
    "run/systemd/generator.early", "etc/systemd/system", "etc/systemd/system.attached",
    "run/systemd/system", "run/systemd/system.attached", "run/systemd/generator",
    "usr/local/lib/systemd/system", "lib/systemd/system", "usr/lib/systemd/system",
    "run/systemd/generator.late",
)
# "~" is each home (home/* and root), "$RUNTIME" each run/user/UID.
USER_UNIT_DIRS = (
    "~/.config/systemd/user.control", "$RUNTIME/systemd/user.control", "$RUNTIME/systemd/transient",
    "$RUNTIME/systemd/generator.early", "~/.config/systemd/user", "etc/xdg/systemd/user",
    "etc/systemd/user", "$RUNTIME/systemd/user", "run/systemd/user", "$RUNTIME/systemd/generator",
    "~/.local/share/systemd/user", "usr/local/share/systemd/user", "usr/share/systemd/user",
    "usr/local/lib/systemd/user", "usr/lib/systemd/user", "$RUNTIME/systemd/generator.late",
)
# The order in which a service runs its commands.
EXEC_KEYS = ("ExecCondition", "ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload",
             "ExecStop", "ExecStopPost")
# What a socket runs of its own around listening (systemd.socket(5)), in that order.
SOCKET_EXEC_KEYS = ("ExecStartPre", "ExecStartPost", "ExecStopPre", "ExecStopPost")
UNIT_TYPES = frozenset({"service", "socket", "target", "device", "mount", "automount", "swap",
                        "timer", "path", "slice", "scope"})
_SPECIFIER = re.compile(r"%([a-zA-Z%])")
# Exec*= prefixes: ignore failure, argv[0] apart, privileges, no env expansion.
_EXEC_PREFIXES = "-@:+!|"


class Setting(NamedTuple):
    """One assignment of a unit file, with the line it starts on."""

    section: str
    key: str
    value: str
    line: int


class UnitSetting(NamedTuple):
    """One assignment of a unit read with its drop-ins, with the file and line that write it."""

    section: str
    key: str
    value: str
    line: int
    path: str


def parse_unit(text: str) -> list[Setting]:
    """The assignments of a unit file or drop-in in file order, as systemd's config parser
    reads them: a line ending in a single backslash goes on with the next line (the backslash
    becomes a space), comment lines (`#`, `;`) inside a continued line are skipped, keys and
    values are stripped, a line without `=` or before any section is ignored."""
    out: list[Setting] = []
    section = ""
    pending: str | None = None
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        lead = raw.lstrip()
        if lead[:1] in ("#", ";"):
            continue
        if pending is None:
            start, line = number, raw
        else:
            line = pending + raw
        if _continues(line):
            pending = line[:-1] + " "
            continue
        pending = None
        section = _assign(line.strip(), section, start, out)
    if pending is not None:
        _assign(pending.strip(), section, start, out)
    return out


def _continues(line: str) -> bool:
    """Whether the line ends in a backslash that is not itself escaped."""
    trailing = len(line) - len(line.rstrip("\\"))
    return trailing % 2 == 1


def _assign(line: str, section: str, number: int, out: list[Setting]) -> str:
    if not line:
        return section
    if line.startswith("[") and line.endswith("]"):
        return line[1:-1]
    key, eq, value = line.partition("=")
    if eq and section:
        out.append(Setting(section, key.strip(), value.strip(), number))
    return section


def template_of(unit: str) -> tuple[str | None, str | None]:
    """(template, instance) of an instance name: `pg_dump@main.service` is defined by
    `pg_dump@.service` with instance `main`; (None, None) for a plain unit or a template."""
    stem, dot, suffix = unit.rpartition(".")
    if not dot or "@" not in stem or stem.endswith("@"):
        return None, None
    prefix, _, instance = stem.partition("@")
    return f"{prefix}@.{suffix}", instance


def dropin_names(unit: str) -> list[str]:
    """The names whose `NAME.d/` drop-ins apply to a unit, most specific first (systemd.unit(5),
    systemd 246+): the unit, its template, each dash-truncated prefix (`foo-bar-baz.service`:
    `foo-bar-.service`, `foo-.service`), then the top-level `service` (every service)."""
    stem, dot, kind = unit.rpartition(".")
    if not dot:
        return [unit]
    template = template_of(unit)[0]
    base = (template or unit).rpartition(".")[0].rstrip("@")
    parts = base.split("-")
    prefixes = [f"{'-'.join(parts[:i])}-.{kind}" for i in range(len(parts) - 1, 0, -1)]
    return [n for n in (unit, template, *prefixes, kind) if n]


def instantiate(unit: str, instance: str | None) -> str:
    """`name@.type` with an instance is `name@instance.type`; any other name stays as it is."""
    template, dot, suffix = unit.rpartition(".")
    if instance and dot and template.endswith("@"):
        return f"{template}{instance}.{suffix}"
    return unit


def unit_type(unit: str) -> str | None:
    """The unit's type from its suffix (`service`, `timer` …), or None when it has no valid one."""
    stem, dot, suffix = unit.rpartition(".")
    return suffix if dot and stem and suffix in UNIT_TYPES else None


def exec_command(value: str) -> str:
    """The command line of an Exec*= value, without its special prefixes (`-`, `@`, `+` …)."""
    return value.lstrip(_EXEC_PREFIXES)


def triggered_unit(timer: str, settings: Iterable[Setting]) -> str:
    """The unit a timer starts: the first valid `Unit=` of its [Timer] sections (the timer file,
    then its drop-ins), specifiers expanded for the timer's name; systemd ignores every later
    one ("Multiple units to trigger specified"), an empty one and the timer itself. Without
    one, the service of the same name."""
    for setting in settings:
        if setting.section != "Timer" or setting.key != "Unit":
            continue
        unit = expand_specifiers(setting.value, timer)
        if unit_type(unit) and unit != timer:
            return unit
    return timer.rpartition(".")[0] + ".service"


def unescape(text: str) -> str:
    """systemd-escape undone: `-` is `/`, `\\xNN` a byte (for %I, %P, %J, %f)."""
    return re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text.replace("-", "/"))


def expand_specifiers(text: str, unit: str, user: str | None = None, home: str | None = None,
                      uid: str | None = None, hostname: str = "%H") -> str:
    """A unit setting with its %-specifiers replaced as systemd does (systemd.unit(5),
    "Specifiers"), for the system manager (user None) or a user's manager. Specifiers that
    need the running machine (%m, %b, %v …) are left as written."""
    stem, _, _suffix = unit.rpartition(".")
    prefix, at, instance = stem.partition("@")
    if user is None:
        dirs = {"h": "/root", "u": "root", "U": "0", "t": "/run", "S": "/var/lib",
                "C": "/var/cache", "L": "/var/log", "E": "/etc"}
    else:
        h = home or f"/home/{user}"
        dirs = {"h": h, "u": user, "U": uid or "%U", "t": f"/run/user/{uid}" if uid else "%t",
                "S": f"{h}/.local/state", "C": f"{h}/.cache", "L": f"{h}/.local/state/log",
                "E": f"{h}/.config"}
    values = {"n": unit, "N": stem, "p": prefix, "P": unescape(prefix), "i": instance,
              "I": unescape(instance), "j": prefix.rsplit("-", 1)[-1],
              "J": unescape(prefix.rsplit("-", 1)[-1]),
              "f": "/" + unescape(instance if at else prefix).lstrip("/"),
              "T": "/tmp", "V": "/var/tmp", "H": hostname, "l": hostname.split(".")[0],
              "%": "%", **dirs}
    if at and not instance:      # the template itself: its instance is not known
        for k in "iIf":
            values.pop(k)
    return _SPECIFIER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


# The environment a manager gives every service before the unit's own Environment= (systemd-
# system.conf(5) DefaultEnvironment=, environment.d(5) for the user managers): files that set
# a variable for every job at once.
SYSTEM_MANAGER_CONF = ("etc/systemd/system.conf", "etc/systemd/system.conf.d")
USER_MANAGER_CONF = ("etc/systemd/user.conf", "etc/systemd/user.conf.d", "usr/lib/environment.d",
                     "etc/environment.d", "~/.config/environment.d")


def manager_environment(text: str, environment_d: bool) -> list[tuple[str, int]]:
    """(NAME=VALUE, line) of a manager configuration's `DefaultEnvironment=` (a list of
    assignments, quoted as in Environment=) or, for an environment.d file, of its KEY=VALUE
    lines."""
    out: list[tuple[str, int]] = []
    if environment_d:
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if line and not line.startswith("#") and "=" in line:
                out.append((line, number))
        return out
    for st in parse_unit(text):
        if st.section == "Manager" and st.key == "DefaultEnvironment" and st.value:
            try:
                words = shlex.split(st.value)
            except ValueError:
                words = st.value.split()
            out += [(w, st.line) for w in words if "=" in w]
    return out


class Manager(NamedTuple):
    """The service manager a unit runs under, as its specifiers see it: the system's (no user)
    or one user's (name, home and uid where known)."""

    user: str | None = None
    home: str | None = None
    uid: str | None = None


SYSTEM = Manager()
# (file, line) a setting is written at: the unit or one of its drop-ins
Written = tuple[str, int]
# a line the unit runs, with where it is written
Line = tuple[str, Written]
# The section that holds a unit type's commands and their keys in the order it runs them.
_RUNS = {"service": ("Service", EXEC_KEYS), "socket": ("Socket", SOCKET_EXEC_KEYS)}


@dataclass(frozen=True)
class UnitCommands:
    """What a unit runs, read as its manager reads the unit and its drop-ins, specifiers
    expanded: the environment its commands run in (`. FILE` for EnvironmentFile=, so a reader
    sees its variables and the agent captures it; `export NAME=VALUE` for Environment=), its
    Exec* command lines by key, the OnFailure= units it starts when it fails, and User=."""

    environment: tuple[Line, ...]
    execs: Mapping[str, tuple[Line, ...]]
    on_failure: tuple[str, ...]
    user: str | None

    def commands(self, keys: Iterable[str] = EXEC_KEYS) -> list[Line]:
        """The command lines of these Exec* keys, in the order given (the run order)."""
        return [line for key in keys for line in self.execs.get(key, ())]


def unit_commands(settings: Iterable[UnitSetting], unit: str,
                  manager: Manager = SYSTEM) -> UnitCommands:
    """What `unit` (an instance name for an instance of a template) runs under `manager`, from
    its settings in the order systemd applies them: an empty value resets what its key set
    before; a service's commands are in [Service], a socket's own in [Socket]."""
    section, keys = _RUNS.get(unit_type(unit) or "", _RUNS["service"])
    execs: dict[str, list[Line]] = {k: [] for k in keys}
    env: list[Line] = []
    failure: list[str] = []
    user = None
    for sec, key, value, number, path in settings:
        if sec == "Unit" and key == "OnFailure":
            failure = failure + value.split() if value else []
        if sec != section:
            continue
        at = (path, number)
        if key in execs:
            execs[key] = execs[key] + [(exec_command(value), at)] if value else []
        elif key in ("EnvironmentFile", "Environment"):
            env = _environment(env, key, value, at)
        elif key == "User":
            user = value or None

    def expand(text: str) -> str:
        return expand_specifiers(text, unit, *manager)

    return UnitCommands(environment=tuple((expand(c), at) for c, at in env),
                        execs={k: tuple((expand(c), at) for c, at in v) for k, v in execs.items()},
                        on_failure=tuple(expand(u) for u in failure), user=user)


def _environment(env: list[Line], key: str, value: str, at: Written) -> list[Line]:
    """`env` with one Environment= or EnvironmentFile= setting added: a file as `. FILE`, each
    assignment as `export NAME=VALUE`; an empty value resets what that key set before, as
    systemd does."""
    if not value:
        word = "export " if key == "Environment" else ". "
        return [(line, where) for line, where in env if not line.startswith(word)]
    if key == "EnvironmentFile":
        return [*env, (". " + value.lstrip("-"), at)]
    try:
        assignments = shlex.split(value)
    except ValueError:
        assignments = value.split()
    return [*env, *((f"export {v}", at) for v in assignments)]
