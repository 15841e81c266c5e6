"""`lineguard-agent run`: snapshots on schedule and delivery with retry (APScheduler)."""

from __future__ import annotations

import logging
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobEvent
from apscheduler.schedulers.blocking import BlockingScheduler

from agent.config import AgentConfig
from agent.keys import load_private
from agent.outbox import outbox_name, push
from agent.snapshot import chain_lock, publish, take

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


def snapshot_once(cfg: AgentConfig) -> Path:
    key = load_private(cfg.key)
    with chain_lock(cfg.chain_path):
        snap, data = take(agent=cfg.name, key=key, chain=cfg.chain_path, root=cfg.root,
                          inventory=cfg.inventory, credentials=cfg.credentials,
                          live=cfg.live and cfg.root.resolve() == Path("/"))
        out = cfg.outbox / outbox_name(cfg.name, snap.seq)
        publish(out, data, cfg.chain_path, snap)
    bad = [t for t in snap.targets if t.status != "ok"]
    log.info("snapshot #%d: %d target(s), %d not ok", snap.seq, len(snap.targets), len(bad))
    for t in bad:
        log.warning("%s %s: %s", t.name, t.status, t.error or "no detail")
    return out


def deliver(cfg: AgentConfig) -> bool:
    """Push the outbox; False when a snapshot could not be delivered (it stays for a retry)."""
    if not cfg.deliver:
        return True
    result = push(cfg.outbox, cfg.deliver, identity=cfg.sftp_identity,
                  known_hosts=cfg.sftp_known_hosts)
    for name, err in result.failed.items():
        log.warning("delivery of %s failed (will retry): %s", name, err)
    if result.delivered:
        log.info("delivered %d snapshot(s), %d pending", len(result.delivered), result.pending)
    return not result.failed


def run(cfg: AgentConfig, max_runs: int | None = None, log_level: str | None = None) -> int:
    """Snapshot every interval and retry delivery every retry interval; stops on SIGINT/SIGTERM,
    or after `max_runs` snapshots (used by tests and one-shot cron use). Returns how many
    snapshots or deliveries failed, so a one-shot run can say so in its exit code. Logs at
    `log_level`, else the config's."""
    configure_logging(log_level or cfg.log_level)
    sched = BlockingScheduler(timezone=UTC)
    runs = {"n": 0, "failed": 0}
    # The retry job must not deliver a snapshot written but not yet committed: if the agent died
    # then, the next run would not find it in the outbox and would sign another with its number.
    outbox_lock = threading.Lock()

    def tick() -> None:
        with outbox_lock:
            try:
                snapshot_once(cfg)
            except Exception as e:  # a failed run is logged and retried next interval, never fatal
                log.error("snapshot failed: %s", e)
                runs["failed"] += 1
            if not deliver(cfg):
                runs["failed"] += 1
        runs["n"] += 1
        if max_runs is not None and runs["n"] >= max_runs:
            sched.shutdown(wait=False)

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
    sched.start()
    return runs["failed"]
