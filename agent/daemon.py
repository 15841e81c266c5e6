"""`lineguard-agent run`: snapshots on schedule and delivery with retry (APScheduler)."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobEvent
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from lineguard.agent.config import AgentConfig
from lineguard.agent.keys import load_private
from lineguard.agent.listen import DeviceListener, Endpoint, ListenError
from lineguard.agent.outbox import outbox_name, push
from lineguard.agent.snapshot import mask_key_for, settle_if_idle, snapshot_to
from lineguard.agent.sources.host import ACCOUNT_DIRS, watched_paths
from lineguard.agent.sources.host.secrets import masked_sha256
from lineguard.agent.watch import HostWatch
from lineguard.formats.wire import Snapshot

log = logging.getLogger("lineguard.agent")
# Libraries that log every connection, login and job run at INFO: below the agent's own lines
# unless the agent logs at DEBUG.
CHATTY = ("paramiko", "netmiko", "apscheduler", "asyncssh", "pysnmp")
_FORMAT = "%(asctime)s lineguard-agent %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str, stream=None) -> logging.Handler:
    """One handler on stderr at `level` for the agent; library chatter only at DEBUG."""
    number = logging.getLevelName(level.upper())
    if not isinstance(number, int):
        raise ValueError(f"unknown log level {level!r}")
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "lineguard", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.lineguard = True        # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(number)
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.DEBUG if number <= logging.DEBUG
                                         else logging.WARNING)
    # The scheduler's warning about a run still going is said in the agent's words (run()).
    logging.getLogger("apscheduler.scheduler").setLevel(
        logging.DEBUG if number <= logging.DEBUG else logging.ERROR)
    return handler


def snapshot_once(cfg: AgentConfig, reason: str = "") -> Path:
    return take_snapshot(cfg, reason)[0]


def take_snapshot(cfg: AgentConfig, reason: str = "") -> tuple[Path, Snapshot]:
    key = load_private(cfg.key)
    snap = snapshot_to(lambda s: cfg.outbox / outbox_name(cfg.name, s.seq), cfg.chain_path,
                       agent=cfg.name, key=key, root=cfg.root, inventory=cfg.inventory,
                       credentials=cfg.credentials,
                       live=cfg.live and cfg.root.resolve() == Path("/"),
                       scheduled_files=cfg.scheduled_file, deliver=cfg.deliver,
                       own_files=cfg.own_files)
    out = cfg.outbox / outbox_name(cfg.name, snap.seq)
    bad = [t for t in snap.targets if t.status != "ok"]
    # the file it went to names the agent too (several agents may share one log)
    log.info("snapshot #%d%s: %d target(s), %d not ok: %s", snap.seq,
             f" ({reason})" if reason else "", len(snap.targets), len(bad), out)
    for t in bad:
        log.warning("%s %s: %s", t.name, t.status, t.error or "no detail")
    return out, snap


def take_in_plans(cfg: AgentConfig) -> list[Path]:
    """Apply (or, without restore_apply, dry-run) every plan delivered to restore_plans, oldest
    first; each moves to done/ afterwards, so it is taken in once. Its report goes into the
    snapshot that follows."""
    if cfg.restore_plans is None or not cfg.restore_plans.is_dir():
        return []
    if cfg.collector_key is None or cfg.approvers is None or cfg.inventory is None:
        log.error("restore plans delivered to %s are not taken in: collector_key, approvers "
                  "and inventory must be configured", cfg.restore_plans)
        return []
    from lineguard.agent.restore.intake import Setup, take_in
    setup = Setup(agent=cfg.name, key=load_private(cfg.key), chain=cfg.chain_path,
                  inventory=cfg.inventory, credentials=cfg.credentials,
                  collector_key=cfg.collector_key, approvers=cfg.approvers,
                  minimum_approvals=cfg.restore_approvals)
    done = []
    plans = sorted((p for p in cfg.restore_plans.glob("*.lgplan") if p.is_file()),
                   key=lambda p: p.stat().st_mtime)
    for plan in plans:
        try:
            report, _ = take_in(plan, setup, cfg.restore_apply)
            log.info("restore: %s", report.summary())
        except Exception as e:  # one bad plan must not stop snapshots or the other plans
            log.error("restore plan %s: %s", plan.name, e)
        (cfg.restore_plans / "done").mkdir(exist_ok=True)
        os.replace(plan, cfg.restore_plans / "done" / plan.name)
        done.append(plan)
    return done


def deliver(cfg: AgentConfig) -> bool:
    """Push the outbox; False when a snapshot could not be delivered (it stays for a retry)."""
    if not cfg.deliver:
        return True
    settle_if_idle(cfg.chain_path)
    result = push(cfg.outbox, cfg.deliver, identity=cfg.sftp_identity,
                  known_hosts=cfg.sftp_known_hosts)
    for name, err in result.failed.items():
        log.warning("delivery of %s failed (will retry): %s", name, err)
    if result.delivered:
        log.info("delivered %d snapshot(s), %d pending", len(result.delivered), result.pending)
    return not result.failed


def run(cfg: AgentConfig, max_runs: int | None = None,
        stop: threading.Event | None = None, log_level: str | None = None) -> int:
    """Snapshot every interval and retry delivery every retry interval; stops on SIGINT/SIGTERM,
    or after `max_runs` snapshots (used by tests and one-shot cron use). Returns how many
    snapshots or deliveries failed, so a one-shot run can say so in its exit code. Logs at
    `log_level`, else the config's."""
    configure_logging(log_level or cfg.log_level)
    sched = BlockingScheduler(timezone=UTC)
    runs = {"n": 0, "failed": 0}
    # Snapshot and retry take turns; the chain's journal keeps a delivery of a snapshot not yet
    # committed safe anyway (agent/snapshot.py).
    outbox_lock = threading.Lock()
    events = EventSnapshots(sched, lambda reason: snap_and_deliver(reason),
                            cfg.event_min_interval_s)
    watch = None if max_runs is not None or not cfg.watch else start_watch(cfg, events)

    def snap_and_deliver(reason: str) -> None:
        with outbox_lock:
            take_in_plans(cfg)
            try:
                _, snap = take_snapshot(cfg, reason)
                if watch is not None:
                    host = next((t for t in snap.targets if t.kind == "host"), None)
                    watch.set_paths(watched_paths(cfg.root, host, cfg.scheduled_file))
                    if host is not None:
                        mask_key = mask_key_for(load_private(cfg.key))
                        watch.verify({a.name: a.sha256 for a in host.artifacts
                                      if a.kind == "script" and a.sha256},
                                     lambda p: masked_sha256(p, mask_key))
            except Exception as e:  # a failed run is logged and retried next interval, never fatal
                log.error("snapshot failed: %s", e)
                runs["failed"] += 1
            if not deliver(cfg):
                runs["failed"] += 1

    def tick() -> None:
        snap_and_deliver("")
        runs["n"] += 1
        if max_runs is not None and runs["n"] >= max_runs:
            sched.shutdown(wait=False)

    listener = None if max_runs is not None else start_listener(cfg, events)
    if stop is not None:        # an embedding program (a test, a bench) ends the daemon
        threading.Thread(target=lambda: (stop.wait(), sched.shutdown(wait=False)),
                         name="lineguard-stop", daemon=True).start()
    sched.add_job(tick, "interval", minutes=cfg.interval_minutes, next_run_time=datetime.now(UTC),
                  id="snapshot", max_instances=1, coalesce=True)
    if cfg.deliver:
        def retry() -> None:
            with outbox_lock:
                deliver(cfg)
        sched.add_job(retry, "interval", minutes=cfg.retry_minutes, id="retry",
                      max_instances=1, coalesce=True)
    def overran(event: JobEvent) -> None:
        if event.job_id == "snapshot":
            log.warning("the previous snapshot is still being taken when the next is due: "
                        "interval_minutes (%g) is shorter than one snapshot takes; the next "
                        "starts when it ends", cfg.interval_minutes)

    sched.add_listener(overran, EVENT_JOB_MAX_INSTANCES)
    try:
        sched.start()
    finally:
        if watch is not None:
            watch.stop()
        if listener is not None:
            listener.stop()
    return runs["failed"]


class EventSnapshots:
    """Snapshots asked for by events (a watched path changed, a device said it changed): run at
    once, but at most one per `min_interval_s`; requests in between are coalesced into one
    snapshot at the end of the interval, so a flood of events costs a bounded number of polls
    and the regular schedule keeps its turn."""

    def __init__(self, sched: BaseScheduler, run: Callable[[str], None],
                 min_interval_s: float) -> None:
        self.sched, self.run, self.min_interval = sched, run, min_interval_s
        self._lock = threading.Lock()
        self._last_start: float | None = None
        self._reasons: list[str] = []
        # A run is due from the moment it is scheduled until it takes the reasons: the scheduler
        # drops a date job from its store before calling it, so asking the store would let a
        # request in that moment schedule a second run at once.
        self._due = False

    def request(self, reason: str) -> None:
        with self._lock:
            self._reasons.append(reason)
            if self._due:
                return                              # one is already due: it will cover this
            self._due = True
            now = time.monotonic()
            wait = 0.0 if self._last_start is None else max(
                0.0, self._last_start + self.min_interval - now)
            self.sched.add_job(self._fire, "date",
                               run_date=datetime.now(UTC) + timedelta(seconds=wait), id="event",
                               max_instances=1, misfire_grace_time=None)

    def _fire(self) -> None:
        with self._lock:
            self._last_start = time.monotonic()
            reasons, self._reasons, self._due = self._reasons, [], False
        shown = "; ".join(sorted(set(reasons))[:3]) + (f" (+{len(set(reasons)) - 3} more)"
                                                       if len(set(reasons)) > 3 else "")
        self.run(shown)


def start_watch(cfg: AgentConfig, events: EventSnapshots) -> HostWatch | None:
    def changed(paths: set[Path]) -> None:
        names = sorted("/" + str(p.relative_to(cfg.root.resolve())) for p in paths
                       if p.is_relative_to(cfg.root.resolve()))
        events.request("changed: " + ", ".join(names[:3]) + (" …" if len(names) > 3 else ""))

    try:
        watch = HostWatch(cfg.root, watched_paths(cfg.root, None, cfg.scheduled_file), changed,
                          debounce_s=cfg.watch_debounce_s, account_dirs=ACCOUNT_DIRS)
        watch.start()
    except OSError as e:
        log.error("host watch not started (%s); changes are seen at the next scheduled "
                  "snapshot", e)
        return None
    log.info("watching %d path(s) for planted jobs (%s)", len(watch.paths), watch.kind)
    return watch


def start_listener(cfg: AgentConfig, events: EventSnapshots) -> DeviceListener | None:
    if not (cfg.syslog_listen or cfg.trap_listen) or cfg.inventory is None:
        return None
    from lineguard.agent.devices import credentials, inventory
    try:
        devices = inventory.load(cfg.inventory)
        creds = credentials.load(cfg.credentials)
        trap_auth = [creds.get(name) for name in cfg.trap_credentials]
    except (inventory.InventoryError, credentials.CredentialError) as e:
        log.error("device events not started: %s", e)
        return None
    for cred in trap_auth:
        if cred.user and not cred.engine_id:
            log.error("trap credentials %r: an SNMPv3 user needs engine_id (the sending "
                      "device's snmpEngineID) to authenticate its notifications; not used",
                      cred.name)
    trap_auth = [c for c in trap_auth if c.community or (c.user and c.engine_id)]
    listener = DeviceListener(
        devices, lambda ev: events.request(f"{ev.device}: {ev.via} {ev.text[:80]}"),
        syslog=Endpoint.parse(cfg.syslog_listen, "syslog_listen") if cfg.syslog_listen else None,
        traps=Endpoint.parse(cfg.trap_listen, "trap_listen") if cfg.trap_listen else None,
        trap_auth=trap_auth)
    try:
        listener.start()
    except ListenError as e:
        log.error("device events not received: %s; devices are polled on schedule", e)
        return None
    log.info("listening for device events: %s",
             ", ".join(f"{k} {h}:{p}" for k, (h, p) in listener.bound.items()))
    return listener
