"""The jobs view: every scheduled job in the newest snapshot of each agent, when it fires next
and what it would do. Parsers and rules run here, over stored evidence, so an improved parser or
rule re-judges all history."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, overload

from lineguard.collector.home import Settings
from lineguard.collector.model import (
    Finding,
    Fire,
    Job,
    JobOrigin,
    Judgement,
    Severity,
    Trigger,
    Verdict,
    trigger_kind,
    unreadable,
)
from lineguard.collector.readings import StoredReadings, open_readings
from lineguard.collector.store import Store, StoredSnapshot
from lineguard.formats.wire import Artifact, Target, canonical, sha256_hex

# Fire kinds without a clock time: their next_fire is null and the note says why.
NO_TIME = ("relative", "boot", "event", "login", "hook", "never", "unknown")


@dataclass(frozen=True)
class JobView:
    job: Job
    fire: Fire
    judgement: Judgement
    content: str = ""                 # hash of what the job runs: a waiver binds to it
    origin: JobOrigin | None = None   # its defining file's facts and how to stop it


def content_hash(job: Job, files: dict[str, Artifact], looked: tuple = ()) -> str:
    """What the job will do, by content: its command, schedule and owner and the bytes of every
    file it executes, and of every file reading it looked at (`looked`, Judgement.looked: a
    BASH_ENV script, a library sourced through a variable, a list it reads), not where it is
    defined (a renamed job file is the same job; an edited script is not). The file the job is
    defined in counts only through the job's own fields."""
    parts: list[Any] = [job.target, job.source, job.owner, job.schedule, job.command,
             sorted((name, files[name].sha256 if name in files else None) for name in job.files)]
    read = [[name, fp] for name, fp in looked if name != job.origin_path and name not in job.files]
    if read:
        parts.append(read)
    return sha256_hex(canonical(parts))[:16]


@overload
def iso_z(dt: datetime) -> str: ...
@overload
def iso_z(dt: None) -> None: ...
@overload
def iso_z(dt: datetime | None) -> str | None: ...
@lru_cache(maxsize=4096)       # many jobs share a next fire
def iso_z(dt: datetime | None) -> str | None:
    return None if dt is None else dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def clock_time(fire: Fire) -> datetime | None:
    """The instant a job next fires, where a clock decides it (not after boot, not never)."""
    return None if fire.kind in NO_TIME else fire.at


def parse_now(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC).replace(microsecond=0)
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


def target_jobs(target: Target, host: dict[str, Any]) -> list[Job]:
    if target.kind == "host":
        from lineguard.collector.parse.host import jobs
        return jobs(target, host)
    from lineguard.collector.parse.device import jobs as device_jobs
    return device_jobs(target)


def judge_jobs(jobs: list[Job], files: dict[str, Artifact], now: datetime,
               memo: StoredReadings | None = None) -> list[JobView]:
    """Each job with its next fire and judgement; `memo` holds the readings kept in the store
    (fetched here for all the jobs at once)."""
    from lineguard.collector.analyse.destructive import judge
    from lineguard.collector.analyse.effects.judge import cache_key
    from lineguard.collector.analyse.timing import next_fire
    from lineguard.collector.analyse.trigger_context import adjust
    from lineguard.collector.remedy import origin

    if memo is not None:
        memo.fetch(cache_key(job, files) for job in jobs)
    views = []
    fires: dict[tuple[Trigger, str], Fire] = {}   # many jobs share a schedule and a zone
    for job in jobs:
        fire = fires.get((job.trigger, job.timezone))
        if fire is None:
            fire = fires[job.trigger, job.timezone] = next_fire(job.trigger, now, job.timezone)
        verdict = adjust(job, judge(job, files, fire, now, memo=memo))
        # only what someone must act on: reading the defining line of every benign job would
        # split a large config once per job
        where = None if verdict.verdict is Verdict.BENIGN else origin(job, files.get(job.origin_path))
        views.append(JobView(job, fire, verdict, content_hash(job, files, verdict.looked), where))
    return views


@contextmanager
def batch() -> Iterator[None]:
    """Automatic garbage collection paused while a batch of jobs is loaded, judged and
    rendered: the cyclic collector would walk every loaded artifact, job and effect again each
    time the batch grew by a quarter (a fifth of `lineguard jobs` over 10,000 jobs), and the
    batch leaves next to no cyclic garbage. What the batch leaves alive is then frozen (not
    walked by the collector: a command that ends after one batch would otherwise spend a
    quarter of a second walking it once more); a later batch in the same process first makes
    it collectable again and collects it."""
    if not gc.isenabled():
        yield
        return
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


@dataclass(frozen=True)
class JobList:
    """`lineguard jobs`: the jobs asked for, the targets whose jobs could not be read (findings),
    and whether any of them is at or above its site's alert threshold."""

    now: datetime
    views: list[JobView]
    problems: list[Finding]
    alerting: bool


def job_list(store: Store, settings: Settings, now: datetime, *, target: str | None = None,
             trigger: str | None = None, min_severity: str = "info") -> JobList:
    """Every job of the newest snapshots as of `now` at or above `min_severity`, of one target
    (LookupError when nothing reports it) or one trigger kind when given."""
    from lineguard.collector.check import at_or_above
    from lineguard.collector.targets import select, sites
    if target is not None:
        select(store, [target], None, False)
    problems: list[Finding] = []
    floor = Severity(min_severity)
    views = [v for v in collect(store, now, target, problems, trigger)
             if v.judgement.severity >= floor]
    site_of = sites(store)
    worst: dict[str, Severity] = {}
    for sev, name in [(v.judgement.severity, v.job.target) for v in views] + \
            [(f.severity, f.target) for f in problems]:
        if name not in worst or sev > worst[name]:
            worst[name] = sev
    alerting = any(at_or_above(sev, settings.site(site_of.get(name)).alert_threshold)
                   for name, sev in worst.items())
    return JobList(now, views, problems, alerting)


def latest_targets(store: Store, problems: list[Finding] | None = None
                   ) -> Iterator[tuple[StoredSnapshot, Target]]:
    """The targets of each agent's newest snapshot. One that cannot be loaded is left out and,
    when `problems` is given, reported there as a finding."""
    for snap in store.latest_snapshots():
        try:
            targets = store.targets_of(snap.id)
        except Exception as e:   # noqa: BLE001 — a damaged row is a finding, not an exit 2
            if problems is not None:
                problems.append(unreadable(f"{snap.agent}#{snap.seq}", snap.agent, "loading", e))
            continue
        for target in targets:
            yield snap, target


def collect(store: Store, now: datetime, target: str | None = None,
            problems: list[Finding] | None = None, trigger: str | None = None) -> list[JobView]:
    """Every job of the newest snapshots, judged as of `now`; only those of one target or one
    trigger kind (clock | boot | event | login | hook) when given. A target whose stored
    evidence cannot be parsed or judged is reported in `problems` (when given) and the others
    go on."""
    memo = open_readings(store)
    with batch():
        views = _collect(store, now, target, problems, memo)
    if memo is not None:
        memo.save()
    if trigger is not None:
        views = [v for v in views if trigger_kind(v.job.trigger) == trigger]
    return views


def follow_new(store: Store) -> None:
    """Follow the jobs of the newest snapshots now, so the views after an ingest start from
    stored readings (a target that cannot be read is reported by those views, not here)."""
    collect(store, datetime.now(UTC))


def _collect(store: Store, now: datetime, target: str | None,
             problems: list[Finding] | None, memo: StoredReadings | None) -> list[JobView]:
    views: list[JobView] = []
    for snap, tgt in latest_targets(store, problems):
        if target is not None and tgt.name != target:
            continue
        try:
            views.extend(_target_views(store, snap, tgt, now, memo))
        except Exception as e:   # noqa: BLE001 — see latest_targets
            if problems is not None:
                problems.append(unreadable(f"{snap.agent}#{snap.seq}", tgt.name, "its jobs", e))
    return sorted(views, key=sort_key)


def _target_views(store: Store, snap: StoredSnapshot, tgt: Target, now: datetime,
                  memo: StoredReadings | None = None) -> list[JobView]:
    jobs = target_jobs(tgt, snap.host)
    views = judge_jobs(jobs, {a.name: a for a in tgt.artifacts}, now, memo)
    if tgt.status != "ok":
        old, old_jobs = _last_complete(store, snap, tgt)
        seen = {_identity(j) for j in jobs}
        views += judge_jobs([j for j in old_jobs if _identity(j) not in seen],
                            {a.name: a for a in old.artifacts} if old else {}, now, memo)
    return views


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
    return (v.fire.at or far, -v.judgement.severity.rank, v.job.target,
            v.job.origin_path, v.job.origin_line or 0)
