"""The jobs view judges a whole fleet as one batch: garbage collection is paused while the batch
is built and resumed afterwards (also when it fails), and a schedule's next fire is computed
once per schedule and zone, never shared across zones."""

from __future__ import annotations

import gc
from datetime import UTC, datetime

import pytest

from lineguard.collector import jobs as jobs_view
from lineguard.collector.jobs import batch, judge_jobs
from lineguard.collector.model import CronTrigger, Job

NOW = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)


def _job(zone: str, line: int) -> Job:
    return Job(target="ems1", source="cron", origin_path="etc/cron.d/ems", origin_line=line,
               owner="root", schedule="30 2 * * *", command="/usr/bin/true",
               trigger=CronTrigger("30 2 * * *"), timezone=zone)


def test_same_schedule_in_two_zones_fires_at_two_instants():
    views = judge_jobs([_job("Asia/Tokyo", 1), _job("UTC", 2), _job("Asia/Tokyo", 3)], {}, NOW)
    assert [v.fire.at for v in views] == [datetime(2026, 11, 25, 17, 30, tzinfo=UTC),
                                          datetime(2026, 11, 25, 2, 30, tzinfo=UTC),
                                          datetime(2026, 11, 25, 17, 30, tzinfo=UTC)]


def test_collection_is_paused_for_the_batch_and_resumed_after_it_even_on_error(monkeypatch):
    assert gc.isenabled()
    seen = []
    monkeypatch.setattr(jobs_view, "open_readings", lambda store: None)
    monkeypatch.setattr(jobs_view, "_collect",
                        lambda *a: seen.append((gc.isenabled(), gc.get_freeze_count())) or [])
    assert jobs_view.collect(None, NOW) == []
    assert gc.isenabled() and gc.get_freeze_count() > 0, "what the batch left is frozen"
    assert jobs_view.collect(None, NOW) == []
    # the next batch first makes what the last one left collectable again
    assert [enabled for enabled, _ in seen] == [False, False] and seen[1][1] == 0
    with pytest.raises(RuntimeError), batch():
        with batch():
            pass
        assert not gc.isenabled(), "an inner batch does not resume collection for the outer one"
        raise RuntimeError("judging failed")
    assert gc.isenabled()
    gc.unfreeze()
