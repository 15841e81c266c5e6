"""at: one job per spool file. The due time and queue come from the file name (`a0000301ca5494`:
queue a, job 3, minutes since the epoch in hex), the owner from `# atrun uid=`, and the command is
the body after the `cd ... || { ... }` block (Debian) or inside the marcinDELIMITER here-document
(RHEL). A name starting with `=` is a job atd has already started."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from lineguard.collector.model import AbsoluteTrigger, Job, JobState, UnparsableTrigger
from lineguard.collector.parse.hostcontext import HostContext, file_mode
from lineguard.collector.parse.process import leading_sleeps
from lineguard.formats.timespan import format_timespan
from lineguard.formats.wire import Artifact

SPOOL_NAME = re.compile(r"^([A-Za-z=])([0-9a-f]{5})([0-9a-f]{8})$")
# The account an at job runs as, in the header atd writes (`# atrun uid=1000 gid=1000`).
OWNER_UID = re.compile(r"^#\s*atrun uid=(\d+)", re.M)
_CD_BLOCK = re.compile(r"^cd .* \|\| \{\s*$")
_HEREDOC = re.compile(r"<<\s*'?(marcinDELIMITER[0-9a-fA-F]*)'?\s*$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def jobs(ctx: HostContext) -> list[Job]:
    return [spool_job(ctx, a) for a in ctx.target.artifacts
            if a.kind == "at-job" and a.content is not None]


def due_time(file_name: str) -> tuple[str, int, datetime] | None:
    """(queue, job number, due instant in UTC) from a spool file name, or None when malformed."""
    m = SPOOL_NAME.match(file_name)
    if not m:
        return None
    try:
        due = _EPOCH + timedelta(minutes=int(m.group(3), 16))
    except OverflowError:
        return None   # past the year 9999: no at ever wrote that
    return m.group(1), int(m.group(2), 16), due


def body(text: str) -> tuple[int, str]:
    """(1-based first line of the user's commands, the commands)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = _HEREDOC.search(line)
        if m:
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == m.group(1)),
                       len(lines))
            return i + 2, "\n".join(lines[i + 1:end])
    for i, line in enumerate(lines):
        if _CD_BLOCK.match(line):
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "}"), i)
            return end + 2, "\n".join(lines[end + 1:])
    # No header we know: everything after the leading comments is the job.
    start = next((i for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")),
                 len(lines))
    return start + 1, "\n".join(lines[start:])


def spool_job(ctx: HostContext, art: Artifact) -> Job:
    text = art.text() or ""
    file_name = art.name.rsplit("/", 1)[-1]
    uid_match = OWNER_UID.search(text)
    owner = ctx.uid_names.get(int(uid_match.group(1))) if uid_match else None
    owner = owner or ctx.owner_of(art)
    line, command = body(text)
    command = command.rstrip("\n")   # at writes one more newline after the user's input
    parsed = due_time(file_name)
    if parsed is None:
        bad = (f"bad at spool file name {file_name!r} (expected queue letter + 5 + 8 hex digits "
               f"of a time before the year 10000)")
        return ctx.job(source="at", origin_path=art.name, origin_line=line, owner=owner,
                       schedule=file_name, command=command, files=ctx.files_for(text),
                       trigger=UnparsableTrigger(bad),
                       state="unparsable", problem=bad)
    queue, number, when = parsed
    state: JobState
    state, why = "active", None
    if queue == "=":
        state, why = "running", "atd has started this job"
    elif (mode := file_mode(art, "0700")) is not None and not mode & 0o100:
        state, why = "inert", "not executable: at is still writing it, atd skips it"
    schedule = f"{when:%Y-%m-%d %H:%M} UTC (queue {queue}, job {number})"
    note = f"at queue {queue}, job {number}"
    # A job that sleeps first does its work that much later (a running one: still ahead).
    slept, _rest = leading_sleeps(command)
    if slept:
        try:
            when = when + timedelta(seconds=slept)
            note = f"{note}; sleeps {format_timespan(slept)} first"
        except OverflowError:
            why = f"sleeps {format_timespan(slept)} first, past the year 9999"
            return ctx.job(source="at", origin_path=art.name, origin_line=line, owner=owner,
                           schedule=schedule, command=command, files=ctx.files_for(text),
                           trigger=UnparsableTrigger(why), state="unparsable", problem=why)
    # The whole file goes to the follower: the `cd` block sets where relative paths point.
    return ctx.job(source="at", origin_path=art.name, origin_line=line, owner=owner,
                   schedule=schedule, command=command, files=ctx.files_for(text),
                   trigger=AbsoluteTrigger(when=when, note=note), state=state, problem=why)
