"""Benchmark: next_fire over 10,000 mixed triggers (the `jobs` command's timing share).

Prints computations per second, cold (first pass, parsing every distinct spec) and warm (specs
cached, as when `jobs` re-judges a fleet). The issue asks for `jobs` over 10,000 jobs in < 2 s.

    .venv/bin/python bench/jobs_timing.py [N]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lineguard.collector.analyse.timing import next_fire  # noqa: E402
from lineguard.collector.model import (  # noqa: E402
    AbsoluteTrigger,
    AnacronTrigger,
    BootTrigger,
    CalendarTrigger,
    CronTrigger,
    IntervalTrigger,
    Trigger,
    UnparsableTrigger,
)

ZONES = ("UTC", "Asia/Tokyo", "Europe/Berlin", "America/New_York", "Australia/Sydney")
CRON = ("*/5 * * * *", "17 * * * *", "25 6 * * *", "47 6 * * 7", "52 6 1 * *", "0 16 * * 6-0",
        "30 2 * * 1-5", "0 0 31 2 *", "0 3 1-7 * sat", "@daily", "@hourly", "@weekly",
        "0 */4 * * *", "15 14 1 * *", "0 22 * * 1-5", "5 4 * * sun", "0 0,12 1 */2 *")
CALENDAR = ("daily", "weekly", "*-*-* 07..23:30", "Mon..Fri 08..18:00", "Sun *-*-1..7 1:00:00",
            "*-*-* 06,18:00", "*:0/15", "monthly", "Sat *-*-1..7 18:00:00", "*-02~01 03:00")


def mixed_triggers(n: int, seed: int = 3) -> list[tuple[Trigger, str]]:
    """n (trigger, zone) pairs in roughly a management server's mix: mostly cron, then timers."""
    rng = random.Random(seed)
    now = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    out: list[tuple[Trigger, str]] = []
    for i in range(n):
        zone = ZONES[i % len(ZONES)]
        pick = rng.random()
        if pick < 0.55:
            minute = rng.randrange(60)
            expr = rng.choice(CRON) if rng.random() < 0.5 else f"{minute} {rng.randrange(24)} * * *"
            trigger: Trigger = CronTrigger(expr, rng.choice(("debian", "cronie")))
        elif pick < 0.75:
            trigger = CalendarTrigger((rng.choice(CALENDAR),),
                                      randomized_delay_s=rng.choice((0.0, 0.0, 300.0)))
        elif pick < 0.82:
            trigger = CalendarTrigger((), (("OnBootSec", "15min"), ("OnUnitActiveSec", "1d")))
        elif pick < 0.9:
            trigger = AbsoluteTrigger(now + timedelta(minutes=rng.randrange(-1000, 200000)))
        elif pick < 0.94:
            trigger = AnacronTrigger(rng.choice(("1", "7", "@monthly")), rng.randrange(1, 20),
                                     date(2026, 11, rng.randrange(1, 25)))
        elif pick < 0.97:
            trigger = IntervalTrigger(rng.choice((300, 3600, 86400)),
                                      anchor=now - timedelta(seconds=rng.randrange(10**6)))
        elif pick < 0.99:
            trigger = BootTrigger()
        else:
            trigger = UnparsableTrigger("corrupt crontab line")
        out.append((trigger, zone))
    return out


def run(n: int) -> None:
    triggers = mixed_triggers(n)
    now = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    for label in ("cold", "warm"):
        start = time.perf_counter()
        for trigger, zone in triggers:
            next_fire(trigger, now, zone)
        elapsed = time.perf_counter() - start
        print(f"{label}: {n} next_fire in {elapsed:.3f} s = {n / elapsed:,.0f} per second")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
