"""incron: each entry of a system table (run as root) or a user's table (run as that user) is
a job that runs when one of its events happens on the path it watches."""

from __future__ import annotations

from lineguard.collector.model import EventTrigger, Job
from lineguard.collector.parse.hostcontext import HostContext
from lineguard.formats.follow import artifact_name
from lineguard.formats.incron import CONF, entries, table_dirs


def jobs(ctx: HostContext) -> list[Job]:
    conf = ctx.artifacts.get(CONF)
    system, _ = table_dirs(conf.text() if conf is not None else None)
    out: list[Job] = []
    for art in ctx.of_kind("incron-table"):
        if art.content is None:
            continue   # listed as not captured by the host parser
        folder, _, name = art.name.rpartition("/")
        owner = "root" if folder == artifact_name(system) else name
        for number, path, mask, command in entries(art.text() or ""):
            # an event on one path can be made to happen on the day chosen: as dormant as a date
            out.append(ctx.job(source="incron", origin_path=art.name, origin_line=number,
                               owner=owner, schedule=f"{path} {mask}", command=command,
                               trigger=EventTrigger(f"incron: {mask} on {path}", rare=True)))
    return out
