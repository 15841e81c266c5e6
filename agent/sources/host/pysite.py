"""Python site hooks: `.pth` files and sitecustomize/usercustomize modules in every Python 3
site folder of the system and of each home (~/.local/lib/python3.X/site-packages)."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, RootPathError, capture_folder
from lineguard.formats.pysite import (
    SITE_PARENTS,
    as_command,
    is_site_hook,
    pth_statements,
    string_commands,
    venv_roots,
)
from lineguard.formats.wire import Artifact

WATCH = ("usr/lib/python3/dist-packages", "~/.local/lib")


def site_dirs(fs: RootFS, homes: list[str], parents: list[str] | None = None) -> list[str]:
    """Every python3* folder under the parents (the system's and each home's by default) and
    its site-packages/dist-packages."""
    out = []
    if parents is None:
        parents = [*SITE_PARENTS, *(f"{h}/.local/lib" for h in homes)]
    for parent in parents:
        for name in fs.entries(parent):
            if not name.startswith("python3"):
                continue
            base = f"{parent}/{name}"
            out.append(base)
            out += [f"{base}/{s}" for s in ("site-packages", "dist-packages")
                    if fs.is_dir(f"{base}/{s}")]
    real: dict[str, str] = {}
    for d in out:           # each real folder once (/lib is /usr/lib on merged-/usr)
        if fs.is_dir(d):
            real.setdefault(fs.resolve(d), d)
    return list(real.values())


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    homes = ["root"] + [f"home/{h}" for h in fs.entries("home")]
    arts: dict[str, Artifact] = {}
    # each real file once: Debian's /usr/lib/python3.X/sitecustomize.py links to /etc/python3.X
    for d in site_dirs(fs, homes):
        for a in capture_folder(fs, d, "python-site", is_site_hook):
            arts.setdefault(_real(fs, a.name), a)
    return _commands(list(arts.values()))


def gather_venvs(fs: RootFS, texts: list[str]) -> tuple[list[Artifact], list[str]]:
    """The site hooks of each virtualenv whose python the commands or scripts run
    (`VENV/bin/python3` where VENV/pyvenv.cfg exists): its site module runs them first."""
    venvs = {v for t in texts if "/bin/python" in t for v in venv_roots(t)}
    parents = [f"{v}/lib" for v in sorted(venvs) if fs.exists(f"{v}/pyvenv.cfg")]
    if not parents:
        return [], []
    arts: dict[str, Artifact] = {}
    for d in site_dirs(fs, [], parents):
        for a in capture_folder(fs, d, "python-site", is_site_hook):
            arts.setdefault(_real(fs, a.name), a)
    return _commands(list(arts.values()))


def _real(fs: RootFS, name: str) -> str:
    try:
        return fs.resolve(name)
    except RootPathError:
        return name


def _commands(arts: list[Artifact]) -> tuple[list[Artifact], list[str]]:
    commands = []
    for art in arts:
        text = art.text() or ""
        if art.name.endswith(".pth"):
            for _n, code in pth_statements(text):
                commands += [as_command(code), *string_commands(code)]
        elif text:
            commands.append("python3 /" + art.name)
    return arts, commands
