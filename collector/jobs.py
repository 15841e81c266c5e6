"""The jobs view: every scheduled job in the newest snapshot of each agent, when it fires next
and what it would do. Parsers and rules run here, over stored evidence, so an improved parser or
rule re-judges all history."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from agent.wire import Artifact, Target, canonical, sha256_hex
from collector.model import SEVERITIES, Fire, Job, Judgement
from collector.store import Store, StoredSnapshot


@dataclass(frozen=True)
class JobView:
    job: Job
    fire: Fire
    judgement: Judgement
    content: str = ""                 # hash of what the job runs: a waiver binds to it


def content_hash(job: Job, files: dict[str, Artifact]) -> str:
    """What the job will do, by content: its command, schedule and owner and the bytes of every
    file it executes, not where it is defined (a renamed job file is the same job; an edited
    script is not)."""
    parts = [job.target, job.source, job.owner, job.schedule, job.command,
             sorted((name, files[name].sha256 if name in files else None) for name in job.files)]
    return sha256_hex(canonical(parts))[:16]


def iso_z(dt: datetime | None) -> str | None:
    return None if dt is None else dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def clock_time(fire: Fire) -> datetime | None:
    """The instant a job next fires, where a clock decides it (not after boot, not never)."""
    return None if fire.kind in ("relative", "boot", "never", "unknown") else fire.at


def parse_now(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC).replace(microsecond=0)
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


def latest_targets(store: Store) -> Iterator[tuple[StoredSnapshot, Target]]:
    for snap in store.latest_snapshots():
        for target in store.targets_of(snap.id):
            yield snap, target


def target_jobs(target: Target, host: dict[str, Any]) -> list[Job]:
    if target.kind == "host":
        from collector.parse.host import jobs
        return jobs(target, host)
    from collector.parse.device import jobs as device_jobs
    return device_jobs(target)


def judge_jobs(jobs: Iterable[Job], files: dict[str, Artifact], now: datetime) -> list[JobView]:
    from collector.analyse.destructive import judge
    from collector.analyse.timing import next_fire

    views = []
    for job in jobs:
        fire = next_fire(job.trigger, now, job.timezone)
        views.append(JobView(job, fire, judge(job, files, fire, now), content_hash(job, files)))
    return views


def collect(store: Store, now: datetime, target: str | None = None) -> list[JobView]:
    views: list[JobView] = []
    for snap, tgt in latest_targets(store):
        if target is not None and tgt.name != target:
            continue
        jobs = target_jobs(tgt, snap.host)
        views.extend(judge_jobs(jobs, {a.name: a for a in tgt.artifacts}, now))
        if tgt.status != "ok":
            old, old_jobs = _last_complete(store, snap, tgt)
            seen = {_identity(j) for j in jobs}
            views.extend(judge_jobs([j for j in old_jobs if _identity(j) not in seen],
                                    {a.name: a for a in old.artifacts} if old else {}, now))
    return sorted(views, key=sort_key)


def _identity(job: Job) -> tuple:
    return job.source, job.origin_path, job.origin_line, job.schedule, job.command


def _last_complete(store: Store, snap: StoredSnapshot, failed: Target
                   ) -> tuple[Target | None, list[Job]]:
    """A failed or partial poll says nothing about the jobs it did not read: they are still
    scheduled. Those of the newest complete poll, saying so; none when there was none."""
    for old_snap, old in store.target_history(failed.name, limit=1, only_ok=True):
        note = (f"as of {old_snap.taken_at}: the newest poll ({snap.taken_at}) is "
                f"{failed.status}" + (f" ({failed.error})" if failed.error else ""))
        jobs = [replace(j, problem=f"{j.problem}; {note}" if j.problem else note)
                for j in target_jobs(old, old_snap.host)]
        return old, jobs
    return None, []


def sort_key(v: JobView) -> tuple:
    far = datetime.max.replace(tzinfo=UTC)
    return (v.fire.at or far, -SEVERITIES.index(v.judgement.severity), v.job.target,
            v.job.origin_path, v.job.origin_line or 0)


def to_json(v: JobView) -> dict[str, Any]:
    j = v.job
    return {
        "target": j.target, "source": j.source,
        "origin": {"path": j.origin_path, "line": j.origin_line},
        "owner": j.owner, "schedule": j.schedule,
        "next_fire": iso_z(clock_time(v.fire)),
        "fire": {"kind": v.fire.kind, "earliest": iso_z(v.fire.at), "latest": iso_z(v.fire.latest),
                 "note": v.fire.note},
        "command": j.command, "state": j.state, "problem": j.problem, "timezone": j.timezone,
        "files": list(j.files),
        "verdict": v.judgement.verdict, "severity": v.judgement.severity,
        "reasons": [{"rule": r.rule, "evidence": r.evidence, "path": r.path, "line": r.line,
                     "title": r.title, "severity": r.severity} for r in v.judgement.reasons],
    }


def json_document(head: dict, key: str, items: list[dict]) -> str:
    """One JSON object whose list `key` has one item per line: readable, diffable, and written
    by the C encoder (indent= would fall back to the pure-Python one, slow on 10,000 jobs)."""
    if not items:
        return json.dumps({**head, key: []})
    opening = json.dumps(head)[:-1] + f', "{key}": [\n'
    return opening + ",\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n]}"
