"""systemd timers, the services they start, drop-ins and enablement links, in every system and
user unit path (including /run/systemd/transient, where `systemd-run --on-calendar` writes)."""

from __future__ import annotations

import re

from lineguard.agent.follow import artifact_name, escape_text
from lineguard.agent.sources.host.rootfs import RootFS, RootPathError
from lineguard.agent.wire import Artifact

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
EXEC_KEYS = ("ExecCondition", "ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload",
             "ExecStop", "ExecStopPost")
# Every unit folder; user ones as patterns, expanded by the watch (see host.watched_paths).
WATCH = SYSTEM_UNIT_DIRS + USER_UNIT_DIRS
_EXEC = re.compile(
    r"^\s*Exec(?:Start|StartPre|StartPost|Stop|StopPost|Reload|Condition)\s*=\s*(.*)$")
_UNIT = re.compile(r"^\s*Unit\s*=\s*(.*?)\s*$")
_ON_FAILURE = re.compile(r"^\s*OnFailure\s*=\s*(.*?)\s*$")
_ENV_FILE = re.compile(r"^\s*EnvironmentFile\s*=\s*-?(\S+)\s*$")
_SPECIFIER = re.compile(r"%([a-zA-Z%])")


def unescape(text: str) -> str:
    """systemd-escape undone: `-` is `/`, `\\xNN` a byte (for %I, %P, %J, %f)."""
    text = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text.replace("-", "/"))
    return text


def expand_specifiers(text: str, unit: str, user: str | None = None, home: str | None = None,
                      uid: str | None = None, hostname: str = "%H") -> str:
    """A unit setting with its %-specifiers replaced as systemd does (systemd.unit(5),
    "Specifiers"), for the system manager (user None) or a user's manager. Specifiers that
    need the running machine (%m, %b, %v …) are left as written."""
    stem, _, suffix = unit.rpartition(".")
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


def _scope_of(path: str) -> tuple[str | None, str | None]:
    """(user, home) of a unit file's directory; (None, None) for the system manager."""
    m = re.match(r"^(home/([^/]+)|root)/", path)
    if m:
        return (m.group(2) or "root"), "/" + m.group(1)
    return None, None


def unit_dirs(fs: RootFS) -> list[str]:
    """Every unit directory of the root in search order: system paths, then each user's."""
    homes = ["root"] + [f"home/{h}" for h in _safe_list(fs, "home")]
    runtimes = [f"run/user/{u}" for u in _safe_list(fs, "run/user")]
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
                         for c in _safe_list(fs, path) if c.endswith(".conf")]
            elif entry.endswith((".wants", ".requires")):
                arts += [fs.link_artifact(f"{path}/{w}", "systemd-link")
                         for w in _safe_list(fs, path) if w.endswith(".timer")]
    dropins: dict[str, list[Artifact]] = {}
    for art in arts:
        parts = art.name.rsplit("/", 2)
        if len(parts) == 3 and parts[1].endswith(".d"):
            dropins.setdefault(parts[1][:-2], []).append(art)
    for art in arts:
        if art.name.endswith(".timer") and art.kind == "systemd-unit":
            timer = art.name.rsplit("/", 1)[-1]
            wanted.add(service_of(timer, [art] + dropins.get(timer, [])))
    wanted |= {a.name.rsplit("/", 1)[-1][: -len(".timer")] + ".service"
               for a in arts if a.kind == "systemd-link"}
    wanted |= {t for s in wanted if (t := _template(s))}
    for folder, names in scanned:
        for entry in names:
            path = f"{folder}/{entry}"
            label = escape_text(entry)
            if label in wanted:
                arts.append(_unit(fs, path))
            elif label.endswith(".service.d") and label[:-2] in wanted:
                arts += [fs.capture(f"{path}/{c}", "systemd-unit", schedule=True)
                         for c in _safe_list(fs, path) if c.endswith(".conf")]
    # OnFailure= units run too: capture them (and theirs) like the services timers start
    for _ in range(3):
        more = {m.group(1) for art in arts if ".service" in art.name
                for m in map(_ON_FAILURE.match, (art.text() or "").splitlines()) if m}
        more = {u for value in more for u in value.split() if u not in wanted}
        if not more:
            break
        wanted |= more | {t for u in more if (t := _template(u))}
        for folder, names in scanned:
            for entry in names:
                if escape_text(entry) in more or escape_text(entry) in {_template(u) for u in more}:
                    arts.append(_unit(fs, f"{folder}/{entry}"))
    instances = {w for w in wanted if "@" in w and _template(w)}
    commands = []
    for art in arts:
        if ".service" not in art.name:
            continue
        unit = art.name.rsplit("/", 1)[-1]
        if unit.endswith(".conf"):
            unit = art.name.rsplit("/", 2)[-2][:-2]
        user, home = _scope_of(art.name)
        names = [i for i in instances if _template(i) == unit] or [unit]
        lines = (art.text() or "").splitlines()
        for name in names:
            for m in map(_EXEC.match, lines):
                if m:
                    commands.append(expand_specifiers(m.group(1).lstrip("-@:+!|"), name, user, home))
            for m in map(_ENV_FILE.match, lines):
                if m:      # read by the service: captured like a file a script sources
                    commands.append(". " + expand_specifiers(m.group(1), name, user, home))
    return arts, commands


def service_of(timer_name: str, units: list[Artifact]) -> str:
    """The unit a timer starts: the last Unit= of the timer and its drop-ins, else NAME.service."""
    unit = timer_name[: -len(".timer")] + ".service"
    for art in units:
        for line in (art.text() or "").splitlines():
            m = _UNIT.match(line)
            if m and m.group(1):
                unit = m.group(1)
    return unit


def _template(unit: str) -> str | None:
    """`pg_dump@main.service` is defined by `pg_dump@.service`."""
    if "@" not in unit:
        return None
    prefix, _, rest = unit.partition("@")
    suffix = rest[rest.rfind("."):] if "." in rest else ""
    return f"{prefix}@{suffix}" if rest != suffix else None


def _unit(fs: RootFS, path: str) -> Artifact:
    # A unit linked to /dev/null is masked: keep the link, there is nothing to read.
    if fs.readlink(path) == "/dev/null":
        return fs.link_artifact(path, "systemd-unit")
    return fs.capture(path, "systemd-unit", schedule=True)


def _safe_list(fs: RootFS, path: str) -> list[str]:
    try:
        return fs.listdir(path)
    except RootPathError:
        return []
