"""`lineguard-agent run`: snapshots on schedule and delivery with retry (APScheduler)."""

from __future__ import annotations

import logging
import os
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.schedulers.blocking import BlockingScheduler

from agent.config import AgentConfig
from agent.keys import load_private
from agent.outbox import outbox_name, push
from agent.snapshot import chain_lock, publish, take

log = logging.getLogger("lineguard.agent")


def snapshot_once(cfg: AgentConfig) -> Path:
    key = load_private(cfg.key)
    with chain_lock(cfg.chain_path):
        snap, data = take(agent=cfg.name, key=key, chain=cfg.chain_path, root=cfg.root,
                          inventory=cfg.inventory, credentials=cfg.credentials,
                          live=cfg.live and cfg.root.resolve() == Path("/"))
        out = cfg.outbox / outbox_name(cfg.name, snap.seq)
        publish(out, data, cfg.chain_path, snap)
    bad = [t.name for t in snap.targets if t.status != "ok"]
    log.info("snapshot #%d: %d target(s)%s", snap.seq, len(snap.targets),
             f", not ok: {', '.join(bad)}" if bad else "")
    return out


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
    from agent.restore.intake import Setup, take_in
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


def deliver(cfg: AgentConfig) -> None:
    if not cfg.deliver:
        return
    result = push(cfg.outbox, cfg.deliver)
    for name, err in result.failed.items():
        log.warning("delivery of %s failed (will retry): %s", name, err)
    if result.delivered:
        log.info("delivered %d snapshot(s), %d pending", len(result.delivered), result.pending)


def run(cfg: AgentConfig, max_runs: int | None = None) -> int:
    """Snapshot every interval and retry delivery every retry interval; stops on SIGINT/SIGTERM,
    or after `max_runs` snapshots (used by tests and one-shot cron use). Returns how many
    snapshots failed, so a one-shot run can say so in its exit code."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s lineguard-agent %(levelname)s %(message)s")
    sched = BlockingScheduler(timezone=UTC)
    runs = {"n": 0, "failed": 0}
    # The retry job must not deliver a snapshot written but not yet committed: if the agent died
    # then, the next run would not find it in the outbox and would sign another with its number.
    outbox_lock = threading.Lock()

    def tick() -> None:
        with outbox_lock:
            take_in_plans(cfg)
            try:
                snapshot_once(cfg)
            except Exception as e:  # a failed run is logged and retried next interval, never fatal
                log.error("snapshot failed: %s", e)
                runs["failed"] += 1
            deliver(cfg)
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
    sched.start()
    return runs["failed"]
