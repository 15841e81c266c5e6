"""udev rules that run programs: RUN+= after a matching device event, PROGRAM= and
IMPORT{program}= while matching. A rules file in /etc or /run overrides the one of the same
name in /lib; an override linked to /dev/null disables it."""

from __future__ import annotations

from lineguard.collector.model import EventTrigger, Job
from lineguard.collector.parse.hostcontext import HostContext
from lineguard.formats.follow import artifact_name
from lineguard.formats.udev import RULE_DIRS, program_path, rule_programs
from lineguard.formats.wire import Artifact


def jobs(ctx: HostContext) -> list[Job]:
    chosen: dict[str, tuple[int, Artifact]] = {}
    for art in ctx.of_kind("udev-rules"):
        folder, _, name = art.name.rpartition("/")
        rank = RULE_DIRS.index(folder) if folder in RULE_DIRS else len(RULE_DIRS)
        if name not in chosen or rank < chosen[name][0]:
            chosen[name] = (rank, art)
    out: list[Job] = []
    for _rank, art in chosen.values():
        if art.content is None or art.meta.get("link") == "/dev/null":
            continue
        for number, key, command, match in rule_programs(art.text() or ""):
            if key == "RUN" and command.startswith(("socket:", "builtin")):
                continue
            command = program_path(_exists(ctx), command)
            event = f"udev event matching {match or 'every device'}"
            when = "after" if key.startswith("RUN") else "while matching"
            out.append(ctx.job(source="udev", origin_path=art.name, origin_line=number,
                               owner="root", schedule=f"{key} ({when})", command=command,
                               trigger=EventTrigger(event, rare="add" in match.lower())))
    return out


def _exists(ctx: HostContext):
    def exists(path: str) -> bool:
        art = ctx.artifacts.get(artifact_name(path))
        return art is not None and art.state != "missing"
    return exists
