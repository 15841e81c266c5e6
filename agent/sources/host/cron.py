"""cron's files: /etc/crontab, /etc/cron.d, both user spool layouts and the run-parts folders.

Everything is captured; which entries cron would ignore is the collector's call. The agent only
cuts each entry down to its command so the files it runs can be followed."""

from __future__ import annotations

import re
import shlex

from lineguard.agent.sources.host.rootfs import RootFS, RootPathError
from lineguard.formats.cron import GUARD, entry, split_percent
from lineguard.formats.placements import CRONIE_SPOOL, DEBIAN_SPOOL, RUN_PARTS_DIRS
from lineguard.formats.shells import SHELLS
from lineguard.formats.wire import Artifact

# Where a cron job can be planted (for the host watch).
WATCH = ("etc/crontab", "etc/cron.d", DEBIAN_SPOOL, CRONIE_SPOOL, *RUN_PARTS_DIRS)
_STARTUP_FILE = re.compile(r"^\s*(?:BASH_ENV|ENV)\s*=\s*['\"]?(/[^\s'\"]+)", re.M)
_SHELL_SET = re.compile(r"^\s*SHELL\s*=\s*['\"]?([^\s'\"]+)")


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    """Cron artifacts and the command texts of their entries."""
    arts: list[Artifact] = []
    if fs.exists("etc/crontab"):
        arts.append(fs.capture("etc/crontab", "crontab", schedule=True))
    arts += _folder(fs, "etc/cron.d", "cron.d")
    arts += _folder(fs, DEBIAN_SPOOL, "cron-spool")
    # RHEL keeps USER files directly in /var/spool/cron; skip Debian's subfolders there.
    arts += _folder(fs, CRONIE_SPOOL, "cron-spool", files_only=True)
    for folder in RUN_PARTS_DIRS:
        arts += _folder(fs, folder, "run-parts")
    commands: list[str] = []
    for art in arts:
        text = art.text()
        if text is None or art.kind == "run-parts":
            continue
        system = art.kind in ("crontab", "cron.d")
        shell = ""
        for line in text.splitlines():
            if (m := _SHELL_SET.match(line)) is not None:
                shell = m.group(1) if m.group(1).rsplit("/", 1)[-1] not in SHELLS else ""
                continue
            found = entry(line, system)
            command, stdin = split_percent(found.command) if found else ("", None)
            if command and shell:
                # cron runs `$SHELL -c COMMAND`: with SHELL an interpreter, the command is its
                # code (SHELL=/usr/bin/python3)
                command = f"{shell} -c {shlex.quote(command)}"
            # `sh %cmd1%cmd2`: the text after the first % is the command's input, run by a shell
            commands += [c for c in (command, stdin) if c]
        # BASH_ENV=FILE: bash reads FILE before every job of the file; capture it like a script
        commands += [f". {m.group(1)}" for m in _STARTUP_FILE.finditer(text)]
    # cron's PAM session (pam_env) reads /etc/environment into every job's environment
    if fs.exists("etc/environment"):
        commands.append(". /etc/environment")
    # `test -x /usr/sbin/anacron || run-parts ...`: the guard decides whether the line runs
    # anything, so the collector needs to know if that file exists.
    commands += [m.group(1) for c in commands for m in [GUARD.match(c)] if m]
    return arts, commands


def _folder(fs: RootFS, folder: str, kind: str, files_only: bool = False) -> list[Artifact]:
    try:
        names = fs.listdir(folder)
    except RootPathError as e:
        return [Artifact(name=folder, kind=kind, meta={"path": "/" + folder},
                         state="unreadable", error=f"cannot list: {e.strerror}")]
    out = []
    for name in names:
        path = f"{folder}/{name}"
        if files_only and fs.is_dir(path):
            continue
        out.append(fs.capture(path, kind, schedule=kind != "run-parts"))
    return out
