"""Bring an existing config archive under lineguard: a RANCID base directory or an Oxidized
output (file or git) becomes an inventory of `method = "file"` devices, so the archived configs
are judged like polled ones (line data, device jobs, drift).

RANCID: BASE/<group>/router.db lists `name;type;state` (`name:type:state` before RANCID 3) and
BASE/<group>/configs/<name> holds each config. Oxidized: the file output writes one file per
node (in a folder per group when groups are used); the git output is a repository (bare, as
Oxidized writes it, or with a work tree) with one file per node, optionally `<group>/<node>`.
Oxidized's own node list (router.db, `name:model[:group]`) gives each node's model; without
it the platform is recognised from the config itself."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lineguard.agent.devices import profiles
from lineguard.formats.wire import is_name

_MAX_NODE_BYTES = 64 * 1024 * 1024


class ArchiveError(ValueError):
    """The folder is not an archive of the kind named; the message says what was expected."""


@dataclass(frozen=True)
class ArchivedDevice:
    name: str
    platform: str | None           # None: not a platform lineguard reads (reported, not guessed)
    site: str | None               # RANCID group, Oxidized group
    config: Path                   # the saved config (absolute)
    archive_type: str              # what the archive called it: RANCID type, Oxidized model
    note: str = ""
    refused: str = ""              # why it is not imported at all (listed as a comment)


def rancid(base: Path) -> list[ArchivedDevice]:
    if not base.is_dir():
        raise ArchiveError(f"{base}: not a folder (expected a RANCID base directory)")
    groups = sorted(p.parent for p in base.glob("*/router.db"))
    if not groups:
        raise ArchiveError(f"{base}: no <group>/router.db below it: not a RANCID base directory")
    out = []
    for group in groups:
        for lineno, line in enumerate((group / "router.db").read_text(errors="replace")
                                      .splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = line.split(";") if ";" in line else line.split(":")
            if len(fields) < 3:
                raise ArchiveError(f"{group / 'router.db'}:{lineno}: expected name;type;state, "
                                   f"got {line[:60]!r}")
            name, kind, state = (f.strip() for f in fields[:3])
            config = _node_file(group / "configs", name)
            profile = profiles.by_archive_name(kind)
            note = "" if state.lower() == "up" else f"marked {state} in router.db"
            if config is None:
                note = "; ".join(filter(None, [note, "no saved config in configs/"]))
                config = group / "configs" / name
            out.append(ArchivedDevice(name, profile.name if profile else None, group.name,
                                      config.absolute(), kind, note, _refused(name)))
    return out


def oxidized(path: Path, router_db: Path | None = None, export_to: Path | None = None
             ) -> list[ArchivedDevice]:
    if not path.exists():
        raise ArchiveError(f"{path}: no such folder")
    models = _oxidized_models(router_db) if router_db else {}
    if _is_git(path):
        if export_to is None:
            raise ArchiveError(f"{path}: an Oxidized git repository; name a folder to check the "
                               f"configs out into (--configs DIR)")
        files = _export_git(path, export_to)
    elif path.is_dir():
        files = [p for p in sorted(path.rglob("*")) if p.is_file() and not _hidden(p, path)]
    else:
        raise ArchiveError(f"{path}: not a folder or git repository of Oxidized output")
    out = []
    for f in files:
        rel = f.relative_to(export_to if _is_git(path) and export_to else path)
        name, group = rel.name, (rel.parts[0] if len(rel.parts) > 1 else None)
        model, model_group = models.get(name, (None, None))
        profile = profiles.by_archive_name(model) if model else _recognise(f)
        out.append(ArchivedDevice(
            name, profile.name if profile else None, model_group or group, f.absolute(),
            model or "unknown",
            "" if profile else (f"Oxidized model {model!r} is not a platform lineguard reads"
                                if model else "platform not recognised from the config"),
            _refused(name)))
    return out


def inventory_toml(devices: list[ArchivedDevice], inventory_dir: Path) -> str:
    """The inventory text for the devices lineguard can read; the others as comments."""
    lines = ["# written by lineguard-agent import; devices lineguard cannot read are listed as",
             "# comments with the reason", ""]
    for d in devices:
        if d.refused:
            lines.append(f"# {_q(d.name)}: not imported: {d.refused}")
            continue
        if d.platform is None:
            lines.append(f"# {d.name}: {d.archive_type!r} from the archive is not a platform "
                         f"lineguard reads ({', '.join(profiles.names())})"
                         + (f"; {d.note}" if d.note else ""))
            continue
        lines += ["[[device]]", f"name = {_q(d.name)}", f"platform = {_q(d.platform)}"]
        if d.site:
            lines.append(f"site = {_q(d.site)}")
        lines += ['method = "file"', f"path = {_q(_relative(d.config, inventory_dir))}"]
        if d.note:
            lines.append(f"# {d.note}")
        lines.append("")
    return "\n".join(lines) + "\n"


def _refused(name: str) -> str:
    """Why an archive's node name cannot be a device: it would name a path outside the
    archive (`../..`), or break the inventory's lines."""
    if is_name(name):
        return ""
    return "not a device name (letters, digits and . _ @ : - only, no path or line break)"


def _node_file(folder: Path, name: str) -> Path | None:
    for candidate in (name, name.lower()):
        p = folder / candidate
        if p.is_file():
            return p
    return None


def _oxidized_models(router_db: Path) -> dict[str, tuple[str, str | None]]:
    """Oxidized's CSV source, `name:model[:group]` (its default map), comments allowed."""
    out: dict[str, tuple[str, str | None]] = {}
    for lineno, line in enumerate(router_db.read_text(errors="replace").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split(":")
        if len(fields) < 2:
            raise ArchiveError(f"{router_db}:{lineno}: expected name:model[:group], "
                               f"got {line[:60]!r}")
        out[fields[0]] = (fields[1], fields[2] if len(fields) > 2 and fields[2] else None)
    return out


def _recognise(path: Path) -> profiles.Profile | None:
    with path.open("rb") as fh:
        head = fh.read(_MAX_NODE_BYTES).decode("utf-8", errors="replace")
    return profiles.recognise(head)


def _is_git(path: Path) -> bool:
    return path.is_dir() and ((path / ".git").exists() or
                              ((path / "HEAD").is_file() and (path / "objects").is_dir()))


def _export_git(repo: Path, dest: Path) -> list[Path]:
    """The newest commit's files, written under `dest` (Oxidized's git output has no work tree)."""
    git = shutil.which("git")
    if git is None:
        raise ArchiveError("reading an Oxidized git repository needs git (apt-get install git)")
    gitdir = repo / ".git" if (repo / ".git").exists() else repo
    listing = subprocess.run([git, f"--git-dir={gitdir}", "ls-tree", "-r", "-z", "--name-only",
                              "HEAD"], capture_output=True, timeout=300)
    if listing.returncode != 0:
        raise ArchiveError(f"{repo}: git cannot list HEAD: "
                           f"{listing.stderr.decode(errors='replace').strip()[:200]}")
    files = []
    for name in filter(None, listing.stdout.decode(errors="replace").split("\0")):
        target = (dest / name).resolve()
        if not target.is_relative_to(dest.resolve()):
            raise ArchiveError(f"{repo}: path {name!r} leaves the export folder")
        blob = subprocess.run([git, f"--git-dir={gitdir}", "show", f"HEAD:{name}"],
                              capture_output=True, timeout=300)
        if blob.returncode != 0:
            raise ArchiveError(f"{repo}: git cannot read {name!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob.stdout)
        files.append(target)
    return files


def _hidden(path: Path, top: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(top).parts)


def _relative(path: Path, start: Path) -> str:
    import os
    return os.path.relpath(path, start.resolve())


def _q(text: str) -> str:
    import json
    return json.dumps(text, ensure_ascii=False)     # a TOML basic string is JSON-compatible
