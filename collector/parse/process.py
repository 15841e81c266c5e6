"""Sleeping processes: a long `sleep` (seen only on a live host) fires once, at its start time
plus the sleep, running whatever its parent shell chained after it."""

from __future__ import annotations

import re
import shlex
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from agent.sources.host.processes import sleep_seconds
from agent.wire import Artifact
from collector.model import AbsoluteTrigger, Job, UnparsableTrigger

if TYPE_CHECKING:
    from collector.parse.host import HostContext

_SHELLS = frozenset({"sh", "bash", "dash", "ksh", "zsh", "ash", "busybox"})


def jobs(ctx: HostContext) -> list[Job]:
    procs = {a.meta.get("pid"): a for a in ctx.target.artifacts if a.kind == "process"}
    out: list[Job] = []
    for art in procs.values():
        argv = _argv(art)
        seconds = sleep_seconds(argv)
        if seconds is None or seconds == float("inf"):
            continue   # not a sleep, or `sleep infinity`, which never wakes to run anything
        base = {"source": "process", "origin_path": art.name, "origin_line": None,
                "owner": art.meta.get("user"), "timezone": "UTC",
                "command": chained_command(procs.get(art.meta.get("ppid")), argv)}
        try:
            start = datetime.fromisoformat(str(art.meta["start"]).replace("Z", "+00:00"))
        except (KeyError, ValueError):
            out.append(_unparsable(ctx, base, argv,
                                   f"no usable start time for pid {art.meta.get('pid')}"))
            continue
        try:
            wakes = start + timedelta(seconds=seconds)
        except OverflowError:
            out.append(_unparsable(ctx, base, argv, f"pid {art.meta.get('pid')} sleeps "
                                                    f"{seconds:g} s, past the year 9999"))
            continue
        schedule = f"{' '.join(argv)} (started {start:%Y-%m-%dT%H:%M:%SZ})"
        out.append(ctx.job(**base, schedule=schedule,
                           trigger=AbsoluteTrigger(when=wakes,
                                                   note=f"pid {art.meta.get('pid')} wakes")))
    return out


def _unparsable(ctx: HostContext, base: dict, argv: list[str], why: str) -> Job:
    return ctx.job(**base, schedule=" ".join(argv), trigger=UnparsableTrigger(why),
                   state="unparsable", problem=why)


def _argv(art: Artifact) -> list[str]:
    if isinstance(art.meta.get("argv"), list):
        return [str(a) for a in art.meta["argv"]]
    try:
        return shlex.split(art.text() or "")
    except ValueError:
        return []


def chained_command(parent: Artifact | None, sleep_argv: list[str]) -> str:
    """What runs when the sleep ends: the rest of the parent shell's -c text after the sleep."""
    if parent is not None:
        argv = [str(a) for a in parent.meta.get("argv") or []]
        if argv and argv[0].rsplit("/", 1)[-1] in _SHELLS and "-c" in argv[:-1]:
            text = argv[argv.index("-c") + 1]
            pattern = (r"sleep\s+" + r"\s+".join(map(re.escape, sleep_argv[1:]))
                       + r"\s*(?:;|&&|\n)\s*")
            m = re.search(pattern, text)
            if m and text[m.end():].strip():
                return text[m.end():].strip()
            return text
        if argv and argv[0].rsplit("/", 1)[-1] in _SHELLS and len(argv) > 1 \
                and not argv[1].startswith("-"):
            return shlex.join(argv)   # a script sleeping in the middle: the rest of it runs
    return shlex.join(sleep_argv)
