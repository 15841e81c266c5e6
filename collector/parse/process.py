"""Sleeping processes: a long `sleep` (seen only on a live host) fires once, at its start time
plus the sleep, running whatever its parent shell chained after it; a program that sleeps in a
loop runs its body every turn while it lives."""

from __future__ import annotations

import posixpath
import re
import shlex
from datetime import datetime, timedelta

from lineguard.collector.model import AbsoluteTrigger, IntervalTrigger, Job, UnparsableTrigger
from lineguard.collector.parse.hostcontext import HostContext
from lineguard.formats.follow import artifact_name
from lineguard.formats.shells import shell_argv
from lineguard.formats.sleep import (
    INLINE_FLAGS,
    InlineSleep,
    inline_sleeps,
    loop_sleeps,
    program_of,
    sleep_seconds,
)
from lineguard.formats.timespan import format_timespan
from lineguard.formats.wire import Artifact


def jobs(ctx: HostContext) -> list[Job]:
    procs = {a.meta.get("pid"): a for a in ctx.target.artifacts if a.kind == "process"}
    loops = {pid: every for pid, art in procs.items()
             if (every := _loop_seconds(ctx, _argv(art))) is not None}
    out: list[Job] = []
    for art in procs.values():
        argv = _argv(art)
        seconds = sleep_seconds(argv)
        parent = procs.get(art.meta.get("ppid"))
        if art.meta.get("pid") in loops:
            out.append(_polling(ctx, art, argv, loops[art.meta.get("pid")]))
            continue
        if seconds is not None and art.meta.get("ppid") in loops:
            continue   # one turn of its parent's loop: the parent's job
        if seconds is None:
            program = _inline_program(argv)
            if program is None:
                continue
            waits, command = leading_sleeps(program)
            if not waits:
                continue
            seconds, note = waits, f"{posixpath.basename(argv[0])} sleeps in its program"
        elif seconds == float("inf"):
            continue   # `sleep infinity` never wakes to run anything
        else:
            command, later, note = _after_sleep(parent, argv, art)
            seconds += later
            if command == shlex.join(argv) and art.meta.get("unit"):
                # a unit's Exec line that sleeps: the unit's later commands run when it ends
                rest = _unit_rest(ctx, str(art.meta["unit"]), argv)
                if rest:
                    command, note = rest, f"in {art.meta['unit']}, whose next commands follow"
        base = {"source": "process", "origin_path": art.name, "origin_line": None,
                "owner": art.meta.get("user"), "timezone": "UTC", "command": command}
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
        what = f"pid {art.meta.get('pid')} wakes"
        out.append(ctx.job(**base, schedule=schedule,
                           trigger=AbsoluteTrigger(when=wakes,
                                                   note=f"{what}; {note}" if note else what)))
    return out


def _loop_seconds(ctx: HostContext, argv: list[str]) -> float | None:
    """How long the process's program (its -c text, or the captured script it runs) sleeps
    each time round a loop; None when it does not loop."""
    text, script = program_of(argv)
    if script is not None:
        art = ctx.artifacts.get(artifact_name(script))
        text = art.text() if art is not None else None
    return None if text is None else loop_sleeps(text)


def _polling(ctx: HostContext, art: Artifact, argv: list[str], every: float) -> Job:
    """A resident program that sleeps in a loop: it runs its body again every turn, for as
    long as it lives (what the body does, and on which day, is for the judge to read)."""
    start = _start(art)
    return ctx.job(source="process", origin_path=art.name, origin_line=None,
                   owner=art.meta.get("user"), timezone="UTC", command=shlex.join(argv),
                   schedule=f"{' '.join(argv)} (loops every {format_timespan(every)}"
                            + (f", started {start:%Y-%m-%dT%H:%M:%SZ})" if start else ")"),
                   trigger=IntervalTrigger(seconds=max(1, round(every)), anchor=start))


def _unit_rest(ctx: HostContext, unit: str, argv: list[str]) -> str | None:
    """The commands a service runs after its Exec line that is this process (None when the
    process is not one of the unit's Exec lines)."""
    from lineguard.collector.parse.systemd import service_commands
    user, _, name = unit.rpartition("/")
    scope = "system"
    if user:
        uid = user[len("user@"):-len(".service")]
        who = ctx.uid_names.get(int(uid), uid) if uid.isdecimal() else uid
        scope = f"user:{who}"
    lines = service_commands(ctx, scope, name)
    for i, line in enumerate(lines):
        try:
            words = shlex.split(line)
        except ValueError:
            continue
        if words and words[1:] == argv[1:] and posixpath.basename(words[0]) == \
                posixpath.basename(argv[0]):
            return "\n".join(lines[i + 1:]) or None
    return None


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


def _start(art: Artifact | None) -> datetime | None:
    try:
        return datetime.fromisoformat(str(art.meta["start"]).replace("Z", "+00:00")) \
            if art is not None else None
    except (KeyError, ValueError):
        return None


def _shell_text(parent: Artifact | None) -> str | None:
    if parent is None:
        return None
    argv = shell_argv([str(a) for a in parent.meta.get("argv") or []])
    if argv and "-c" in argv[:-1]:
        return argv[argv.index("-c") + 1]
    return None


def _after_sleep(parent: Artifact | None, sleep_argv: list[str],
                 sleeper: Artifact) -> tuple[str, float, str]:
    """What runs when this sleep ends, the further sleeps before it, and a note.

    In a shell's -c text the sleep that is running is told apart from identical ones by the
    time the shell had already spent (sleep start - shell start) against the sleeps before each;
    without start times the last identical one is taken (the earliest effect: louder)."""
    text = _shell_text(parent)
    if text is None:
        argv = [str(a) for a in parent.meta.get("argv") or []] if parent is not None else []
        shell = shell_argv(argv)
        if shell and len(shell) > 1 and not shell[1].startswith("-"):
            return shlex.join(argv), 0.0, ""   # a script sleeping in the middle: the rest runs
        return shlex.join(sleep_argv), 0.0, ""
    mine = sleep_seconds(sleep_argv)
    sleeps = [s for s in inline_sleeps(text) if s.seconds == mine]
    if not sleeps:
        return text, 0.0, ""
    chosen = sleeps[-1]
    parent_start, own_start = _start(parent), _start(sleeper)
    if parent_start is not None and own_start is not None and len(sleeps) > 1:
        elapsed = (own_start - parent_start).total_seconds()
        every = inline_sleeps(text)

        def spent_before(s: InlineSleep) -> float:
            return sum(x.seconds for x in every if x.end <= s.start)

        chosen = min(sleeps, key=lambda s: abs(spent_before(s) - elapsed))
    later, rest = leading_sleeps(text[chosen.end:])
    note = f"then {format_timespan(later)} more asleep" if later else ""
    return rest or text, later, note


_SEPARATORS = re.compile(r"^[\s;&|]*")


def leading_sleeps(text: str) -> tuple[float, str]:
    """The sleeps at the head of `text` (only separators or imports before them) and what
    follows: a job that starts this way does its work that long after it starts."""
    total = 0.0
    rest = text
    for s in inline_sleeps(text):
        head = rest[: s.start - (len(text) - len(rest))]
        if head.strip(" \t\n;&|") and not _IMPORTS.fullmatch(head.strip(" \t\n;")):
            break
        total += s.seconds
        rest = text[s.end:]
    return total, _SEPARATORS.sub("", rest).strip()


# What may come before a program's first sleep without being an effect (Python/Perl imports).
_IMPORTS = re.compile(r"(?:(?:import [\w., ]+|from \w+ import [\w, *]+|use [\w:]+[^;]*)"
                      r"\s*;?\s*)+")


def _inline_program(argv: list[str]) -> str | None:
    """The program text of `python3 -c TEXT`, `perl -e TEXT` and the like."""
    if not argv:
        return None
    name = posixpath.basename(argv[0])
    flag = INLINE_FLAGS.get(re.sub(r"\d+(\.\d+)*$", "", name)) or INLINE_FLAGS.get(name)
    if flag is None:
        return None
    for i, arg in enumerate(argv[1:-1], 1):
        if arg == flag or (flag == "-e" and arg == "-E"):
            return argv[i + 1]
    return None
