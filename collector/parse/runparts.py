"""run-parts as cron, anacron and ifupdown call it: which files of a directory it runs (Debian's
name rules, with or without --lsbsysinit, or cronie's shell script), one job per file."""

from __future__ import annotations

import re
from typing import Any

from lineguard.collector.model import Job
from lineguard.collector.parse.hostcontext import HostContext, file_mode

NAME = re.compile(r"^[A-Za-z0-9_-]+$")
# run-parts --lsbsysinit: LSB hierarchical and reserved names, Debian cron-script names.
_LSB_NAME = re.compile(r"^(?:[a-z0-9]+|_?(?:[a-z0-9_.]+-)+[a-z0-9]+|[a-z0-9][a-z0-9-]*)$")
# cronie's run-parts is a shell script: it runs any executable name except these suffixes.
_CRONIE_SKIP = ("~", ",", ".rpmsave", ".rpmorig", ".rpmnew", ".swp", ".cfsaved")
# `run-parts [--opts] /DIR` inside a command: the options, then the directory.
RUN_PARTS_CALL = re.compile(r"\brun-parts\b((?:\s+-{1,2}[A-Za-z-]+(?:=\S+)?)*)\s+(/[^\s;&|)]+)")


def run_parts_jobs(ctx: HostContext, directory: str, lsb: bool, base: dict[str, Any]) -> list[Job]:
    """One job per file in the directory: active when run-parts would run it, else inert."""
    out: list[Job] = []
    pattern = _LSB_NAME if lsb else NAME
    for script in ctx.children(directory):
        name = script.name.rsplit("/", 1)[-1]
        mode = file_mode(script, "0")
        why = None
        if ctx.dialect == "cronie":
            if name.endswith(_CRONIE_SKIP):
                why = f"cronie run-parts skips the name {name!r}"
        elif not pattern.match(name):
            why = f"run-parts skips the name {name!r}"
        elif mode is not None and not mode & 0o111:
            why = f"not executable (mode {mode:04o}): run-parts skips it"
        elif script.state == "special":
            why = "not a regular file: run-parts skips it"
        command = "/" + script.name
        files = (script.name, *[f for f in ctx.files_for(command) if f != script.name])
        out.append(ctx.job(**base, command=command, files=files,
                           state="inert" if why else "active", problem=why))
    if not out:
        out.append(ctx.job(**base, command=f"run-parts /{directory.strip('/')}", files=(),
                           state="inert", problem="run-parts directory is empty or not captured"))
    return out
