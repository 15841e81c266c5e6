"""supervisord programs (at boot when supervisord starts them, on a TICK_N event every N
seconds, or by hand with `autostart=false`) and monit checks (a `check program` runs its path
every cycle or on its `every "CRON"` schedule, in the host's zone; `exec`, `start program` and
`stop program` run when monit acts on a failed check)."""

from __future__ import annotations

from lineguard.collector.model import (
    BootTrigger,
    CronTrigger,
    EventTrigger,
    IntervalTrigger,
    Job,
    Trigger,
)
from lineguard.collector.parse.hostcontext import HostContext
from lineguard.formats.supervisors import Supervised, monit, monit_cycle, supervisord

MONIT_DEFAULT_CYCLE = 30      # seconds, monit's default `set daemon`


def jobs(ctx: HostContext) -> list[Job]:
    arts = [a for a in ctx.of_kind("supervisor-conf") if a.content is not None]
    cycle = next((c for a in arts if "monit" in a.name
                  if (c := monit_cycle(a.text() or ""))), MONIT_DEFAULT_CYCLE)
    out = []
    for art in arts:
        is_monit = "monit" in art.name
        for item in (monit(art.text() or "") if is_monit else supervisord(art.text() or "")):
            who = "monit" if is_monit else "supervisord"
            out.append(ctx.job(source=who, origin_path=art.name, origin_line=item.line,
                               owner="root", schedule=f"{who} {item.name}: {item.when}",
                               command=item.command, trigger=_trigger(who, item, cycle)))
    return out


def _trigger(who: str, item: Supervised, cycle: int) -> Trigger:
    kind, _, arg = item.when.partition(":")
    if kind == "boot":
        return BootTrigger(f"at boot: {who} starts {item.name} (autostart)")
    if kind == "every":
        return IntervalTrigger(int(arg))
    if kind == "cron":
        return CronTrigger(arg)
    if kind == "cycle":
        return IntervalTrigger(cycle)
    if kind == "cycles":
        return IntervalTrigger(cycle * int(arg))
    if kind == "manual":
        return EventTrigger(f"when someone runs `supervisorctl start {item.name}`")
    if kind == "not-cron":
        return EventTrigger(f"every monit cycle outside the schedule {arg!r}")
    return EventTrigger(f"when {who} acts on {item.name} ({arg})", rare=True)
