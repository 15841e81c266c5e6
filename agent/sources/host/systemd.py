"""systemd timers, the services they start, drop-ins and enablement links, in every system and
user unit path (including /run/systemd/transient, where `systemd-run --on-calendar` writes)."""

from __future__ import annotations

import re

from lineguard.agent.sources.host.rootfs import RootFS, RootPathError
from lineguard.formats.follow import artifact_name, escape_text
from lineguard.formats.systemd import (
    SYSTEM_MANAGER_CONF,
    SYSTEM_UNIT_DIRS,
    USER_MANAGER_CONF,
    USER_UNIT_DIRS,
    Manager,
    Setting,
    UnitSetting,
    expand_specifiers,
    parse_unit,
    template_of,
    triggered_unit,
    unit_commands,
    unit_type,
)
from lineguard.formats.wire import Artifact

# Every unit folder; user ones as patterns, expanded by the watch (see host.watched_paths);
# the managers' configurations that set every service's environment.
WATCH = SYSTEM_UNIT_DIRS + USER_UNIT_DIRS + SYSTEM_MANAGER_CONF + USER_MANAGER_CONF


def _scope_of(path: str) -> tuple[str | None, str | None]:
    """(user, home) of a unit file's directory; (None, None) for the system manager."""
    m = re.match(r"^(home/([^/]+)|root)/", path)
    if m:
        return (m.group(2) or "root"), "/" + m.group(1)
    return None, None


def unit_dirs(fs: RootFS) -> list[str]:
    """Every unit directory of the root in search order: system paths, then each user's."""
    homes = ["root"] + [f"home/{h}" for h in fs.entries("home")]
    runtimes = [f"run/user/{u}" for u in fs.entries("run/user")]
    dirs = list(SYSTEM_UNIT_DIRS)
    for pattern in USER_UNIT_DIRS:
        if pattern.startswith("~"):
            dirs += [home + pattern[1:] for home in homes]
        elif pattern.startswith("$RUNTIME"):
            dirs += [rt + pattern[len("$RUNTIME"):] for rt in runtimes]
        else:
            dirs.append(pattern)
    return dirs


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts: list[Artifact] = []
    seen_real: set[str] = set()
    wanted: set[str] = set()
    scanned: list[tuple[str, list[str]]] = []
    for folder in unit_dirs(fs):
        try:
            real = fs.resolve(folder)
            names = fs.listdir(folder)
        except RootPathError as e:
            if e.strerror != "not found":
                label = artifact_name(folder)
                arts.append(Artifact(name=label, kind="systemd-unit", meta={"path": "/" + label},
                                     state="unreadable", error=f"cannot list: {e.strerror}"))
            continue
        if real in seen_real:   # /lib -> /usr/lib on merged-/usr systems
            continue
        seen_real.add(real)
        scanned.append((folder, names))
        for entry in names:
            path = f"{folder}/{entry}"
            if entry.endswith(".timer"):
                arts.append(_unit(fs, path))
            elif entry.endswith(".timer.d"):
                arts += [fs.capture(f"{path}/{c}", "systemd-unit", schedule=True)
                         for c in fs.entries(path) if c.endswith(".conf")]
            elif entry.endswith((".wants", ".requires")):
                arts += [fs.link_artifact(f"{path}/{w}", "systemd-link")
                         for w in fs.entries(path) if w.endswith(".timer")]
    dropins: dict[str, list[Artifact]] = {}
    for art in arts:
        parts = art.name.rsplit("/", 2)
        if len(parts) == 3 and parts[1].endswith(".d"):
            dropins.setdefault(parts[1][:-2], []).append(art)
    for art in arts:
        if art.name.endswith(".timer") and art.kind == "systemd-unit":
            timer = art.name.rsplit("/", 1)[-1]
            wanted |= _started_by(timer, [art] + dropins.get(timer, []))
    wanted |= {a.name.rsplit("/", 1)[-1][: -len(".timer")] + ".service"
               for a in arts if a.kind == "systemd-link"}
    wanted |= _templates(wanted)
    for folder, names in scanned:
        for entry in names:
            path = f"{folder}/{entry}"
            label = escape_text(entry)
            if label in wanted:
                arts.append(_unit(fs, path))
            elif label.endswith(".service.d") and label[:-2] in wanted:
                arts += [fs.capture(f"{path}/{c}", "systemd-unit", schedule=True)
                         for c in fs.entries(path) if c.endswith(".conf")]
    # OnFailure= units run too: capture them (and theirs) like the services timers start
    for _ in range(3):
        more = {u for art in arts if ".service" in art.name
                for s in _settings(art) if s.section == "Unit" and s.key == "OnFailure"
                for u in s.value.split() if u not in wanted}
        if not more:
            break
        more |= _templates(more)
        wanted |= more
        for folder, names in scanned:
            for entry in names:
                if escape_text(entry) in more:
                    arts.append(_unit(fs, f"{folder}/{entry}"))
    instances = {w for w in wanted if template_of(w)[0]}
    commands = []
    for art in arts:
        if ".service" not in art.name:
            continue
        unit = art.name.rsplit("/", 1)[-1]
        if unit.endswith(".conf"):
            unit = art.name.rsplit("/", 2)[-2][:-2]
        for name in [i for i in instances if template_of(i)[0] == unit] or [unit]:
            commands += commands_of(art, name)
    return arts + manager_conf(fs), commands


def manager_conf(fs: RootFS) -> list[Artifact]:
    """The system and user managers' configurations and environment.d files: a variable they
    set reaches every service (DefaultEnvironment=, environment.d)."""
    homes = ["root"] + [f"home/{h}" for h in fs.entries("home")]
    paths = [p for p in SYSTEM_MANAGER_CONF + USER_MANAGER_CONF if not p.startswith("~")]
    paths += [h + p[1:] for p in USER_MANAGER_CONF if p.startswith("~") for h in homes]
    out = []
    for path in paths:
        if path.endswith(".conf") and fs.exists(path) and not fs.is_dir(path):
            out.append(fs.capture(path, "systemd-conf"))
        elif fs.is_dir(path):
            out += [fs.capture(f"{path}/{c}", "systemd-conf") for c in sorted(fs.entries(path))
                    if c.endswith(".conf") and not fs.is_dir(f"{path}/{c}")]
    return out


def commands_of(art: Artifact, unit: str) -> list[str]:
    """What a unit file or drop-in has `unit` run (an instance name for an instance of a
    template), read as the collector reads it (formats.systemd.unit_commands): its Exec* lines
    and its EnvironmentFile=s as `. FILE`, so each is captured like a file a script sources
    (and each Exec line is read after them)."""
    user, home = _scope_of(art.name)
    settings = [UnitSetting(*s, art.name) for s in _settings(art)]
    run = unit_commands(settings, unit, Manager(user, home))
    sourced = [c for c, _at in run.environment if c.startswith(". ")]
    # each Exec line after its environment files: a `${VAR}` an EnvironmentFile= sets names
    # what runs (`ExecStart=/bin/sh -c "${STEP}"`), so the files it names are captured too
    return sourced + ["\n".join([*sourced, c]) for c, _at in run.commands()]


def _settings(art: Artifact) -> list[Setting]:
    return parse_unit(art.text() or "")


def _started_by(timer: str, units: list[Artifact]) -> set[str]:
    """What a timer may start: the unit systemd picks and every other Unit= it names, so the
    collector has each file whichever of them its reading of the drop-ins settles on."""
    settings = [s for art in units for s in _settings(art)]
    named = {expand_specifiers(s.value, timer) for s in settings
             if s.section == "Timer" and s.key == "Unit"}
    return {triggered_unit(timer, settings)} | {u for u in named if u != timer and unit_type(u)}


def _templates(units: set[str]) -> set[str]:
    """`pg_dump@main.service` is defined by `pg_dump@.service`."""
    return {t for t in (template_of(u)[0] for u in units) if t}


def _unit(fs: RootFS, path: str) -> Artifact:
    # A unit linked to /dev/null is masked: keep the link, there is nothing to read.
    if fs.readlink(path) == "/dev/null":
        return fs.link_artifact(path, "systemd-unit")
    return fs.capture(path, "systemd-unit", schedule=True)
