"""A job that plants another job: text it writes, appends, copies or downloads into a place that
runs later (a crontab, a run-parts folder, rc.local, a login file, a unit, a udev rule, a
logrotate or apt hook … formats.placements knows them all) is read the way the collector reads
that file, and what it will run is judged as the job's own nested code, noted with where it was
planted and when it runs. A planted file whose content cannot be known runs unseen code."""

from __future__ import annotations

import posixpath

from lineguard.collector.analyse.effects.model import markers, render
from lineguard.collector.analyse.effects.resolve import Job, Place, language_of, read
from lineguard.formats.placements import placement, planted


def into(dest: str, source: str) -> str:
    """Where `cp SOURCE DEST` (mv, install, ln) puts the file: DEST, or SOURCE's name inside
    DEST when DEST is a folder jobs are placed in."""
    d = render(dest)
    if placement(d) is None and placement(d.rstrip("/") + "/x") is not None:
        return d.rstrip("/") + "/" + posixpath.basename(render(source).rstrip("/"))
    return dest


def plant(job: Job, place: Place, line: int, ev: str, path: str, content: str | None,
          source: str) -> None:
    """`content` (None when it cannot be known) is put into `path` by this job (written,
    appended or copied from `source`, said for people): nothing when the path runs nothing."""
    p = render(path)
    where = placement(p)
    if where is None:
        return
    note = f"planted into {p}: runs {where.when}"
    if content is None or (markers(content) and not _plain_text(content)):
        # only values known when the job runs: what the planted job will do is unseen
        what = source if content is None else f"{source}: {render(content).strip()[:120]}"
        job.sink.append(place.effect(
            "unseen-code", line, ev,
            target=f"{p}: installs a job whose content is not captured ({what}); "
                   f"it runs {where.when}"))
        return
    for item in planted(where.kind, p, content):
        language = language_of(p, item.text) if item.script else "shell"
        read(language, item.text, job, place.nested(line, ev, note), {})


def _plain_text(text: str) -> str:
    """The text with its markers left out: what of it is written as it stands."""
    out, rest = [], text
    while "\x01" in rest:
        head, _, tail = rest.partition("\x01")
        out.append(head)
        rest = tail.partition("\x02")[2]
    out.append(rest)
    return "".join(out).strip()
