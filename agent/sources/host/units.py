"""systemd units that run without a timer: services, sockets and path units in every system and
user unit path (generator output under /run/systemd included), their drop-ins, the enablement
links in `*.wants/`, `*.requires/` and `*.upholds/`, and the lingering users whose managers
start at boot (/var/lib/systemd/linger), and the generators systemd runs at boot and at every
daemon-reload (the programs in the system-generators and user-generators folders).

Every unit file of those types is captured (a few hundred small files on a server), so the
collector can follow `OnFailure=`, `Wants=` and `Also=` chains; only the units something
activates have their commands followed into the scripts they run."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, RootPathError, capture_folder
from lineguard.agent.sources.host.systemd import commands_of, unit_dirs
from lineguard.formats.follow import escape_text
from lineguard.formats.systemd import parse_unit, template_of
from lineguard.formats.wire import Artifact

UNIT_TYPES = (".service", ".socket", ".path")
LINK_DIRS = (".wants", ".requires", ".upholds")
LINGER = "var/lib/systemd/linger"
# systemd.generator(7): where the managers look for generators (earlier paths win a name)
GENERATOR_DIRS = tuple(f"{base}/{kind}-generators" for kind in ("system", "user")
                       for base in ("run/systemd", "etc/systemd", "usr/local/lib/systemd",
                                    "lib/systemd", "usr/lib/systemd"))
# Drop-in folders that apply to many units: a type's top-level one (`service.d/`: every
# service) and dash prefixes (`ems-.service.d/`: every ems-*.service).
TOP_DROPINS = tuple(u[1:] + ".d" for u in UNIT_TYPES)
# The unit folders are the timer source's WATCH already; lingering adds a user's boot.
WATCH = (LINGER, *GENERATOR_DIRS)
# Settings naming units this one starts (or that start with it).
STARTS = ("Wants", "Requires", "Upholds", "OnFailure", "OnSuccess", "Also", "Unit", "Service")


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts: list[Artifact] = []
    active: set[str] = set()
    seen_real: set[str] = set()
    for folder in unit_dirs(fs):
        try:
            real = fs.resolve(folder)
            names = fs.listdir(folder)
        except RootPathError:
            continue     # the timer source already reports unit folders it cannot list
        if real in seen_real:
            continue
        seen_real.add(real)
        for entry in names:
            path = f"{folder}/{entry}"
            if entry.endswith(UNIT_TYPES):
                arts.append(_unit(fs, path))
            elif entry.endswith(tuple(u + ".d" for u in UNIT_TYPES)) or entry in TOP_DROPINS:
                arts += capture_folder(fs, path, "unit", lambda n: n.endswith(".conf"))
            elif entry.endswith(LINK_DIRS) and fs.is_dir(path):
                for link in fs.entries(path):
                    if link.endswith(".timer"):
                        # the timer source owns timers and their links; what the timer's
                        # service starts in turn (OnFailure=, Wants=) is followed here
                        active.add(escape_text(link[: -len(".timer")] + ".service"))
                        continue
                    arts.append(fs.link_artifact(f"{path}/{link}", "unit-link"))
                    active.add(escape_text(link))
    if fs.exists(LINGER):
        arts += capture_folder(fs, LINGER, "linger")
    generators = [a for d in _distinct(fs, GENERATOR_DIRS)
                  for a in capture_folder(fs, d, "unit-generator")]
    arts += generators
    by_unit: dict[str, list[Artifact]] = {}
    for art in arts:
        if art.kind == "unit":
            base = art.name.rsplit("/", 1)[-1]
            unit = art.name.rsplit("/", 2)[-2][:-2] if base.endswith(".conf") else base
            by_unit.setdefault(unit, []).append(art)
    commands: list[str] = [t for a in generators if (t := a.text())]
    # drop-ins that apply to many units run with each of them: follow their commands always
    shared = [u for u in by_unit if u + ".d" in TOP_DROPINS or u.rpartition(".")[0].endswith("-")]
    queue = sorted(active | set(shared) | {u for u in by_unit if u.endswith((".socket", ".path"))})
    done: set[str] = set()
    while queue:
        unit = queue.pop()
        if unit in done:
            continue
        done.add(unit)
        files = by_unit.get(unit) or by_unit.get(template_of(unit)[0] or "", [])
        for art in files:
            commands += commands_of(art, unit)
            queue += [u for s in parse_unit(art.text() or "") if s.key in STARTS
                      for u in s.value.split() if u not in done]
        if unit.endswith((".socket", ".path")):
            # a socket with Accept=yes starts one instance of NAME@.service per connection
            queue += [unit.rsplit(".", 1)[0] + s for s in (".service", "@.service")]
    return arts, commands


def _distinct(fs: RootFS, folders: tuple[str, ...]) -> list[str]:
    """The folders that exist, each real folder once (/lib is /usr/lib on merged-/usr)."""
    out: dict[str, str] = {}
    for folder in folders:
        if fs.is_dir(folder):
            out.setdefault(fs.resolve(folder), folder)
    return list(out.values())


def _unit(fs: RootFS, path: str) -> Artifact:
    if fs.readlink(path) == "/dev/null":      # masked: the link is the whole story
        return fs.link_artifact(path, "unit")
    return fs.capture(path, "unit")
