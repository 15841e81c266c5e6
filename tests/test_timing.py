"""next_fire for every trigger kind of collector.model, read in the target's zone, returned in
UTC; and the countdown people read."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from lineguard.collector.analyse.timing import countdown, next_fire
from lineguard.collector.model import (
    AbsoluteTrigger,
    AnacronTrigger,
    BootTrigger,
    CalendarTrigger,
    CronTrigger,
    Fire,
    IntervalTrigger,
    UnparsableTrigger,
)

NOW = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)          # 02:00 on 11-26 in Tokyo


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- cron ----------------------------------------------------------------------------------------


def test_cron_is_read_in_the_targets_zone_and_returned_in_utc() -> None:
    fire = next_fire(CronTrigger("30 2 10 2 *"), NOW, "Asia/Tokyo")
    assert fire == Fire("exact", utc(2027, 2, 9, 17, 30))
    assert fire.at.tzinfo is UTC


def test_the_insiders_job_two_and_a_half_months_out_counts_down() -> None:
    fire = next_fire(CronTrigger("0 3 10 2 *"), NOW, "UTC")
    assert fire.at == utc(2027, 2, 10, 3, 0)
    assert countdown(NOW, fire) == "in 76d 10h"


def test_cron_reversed_range_never_fires_on_debian() -> None:
    fire = next_fire(CronTrigger("0 16 * * Sat-Sun", "debian"), NOW, "UTC")
    assert fire.kind == "never" and "empty" in fire.note
    assert countdown(NOW, fire) == "never"
    assert next_fire(CronTrigger("0 16 * * Sat-Sun", "cronie"), NOW, "UTC").kind == "exact"


def test_cron_impossible_date_never_fires() -> None:
    fire = next_fire(CronTrigger("0 0 31 2 *"), NOW, "UTC")
    assert fire.kind == "never" and fire.at is None


def test_cron_reboot_is_boot_not_a_time() -> None:
    fire = next_fire(CronTrigger("@reboot"), NOW, "UTC")
    assert fire.kind == "boot" and fire.at is None
    assert countdown(NOW, fire) == "at boot"


def test_unparsable_cron_is_unknown_and_names_the_field() -> None:
    fire = next_fire(CronTrigger("61 * * * *"), NOW, "UTC")
    assert fire.kind == "unknown" and "minute" in fire.note


def test_cronie_random_minute_is_a_window() -> None:
    fire = next_fire(CronTrigger("~ 3 * * *", "cronie"), NOW, "UTC")
    assert fire.kind == "window"
    assert (fire.at, fire.latest) == (utc(2026, 11, 26, 3, 0), utc(2026, 11, 26, 3, 59))


# --- systemd timers ------------------------------------------------------------------------------


def test_calendar_timer_takes_the_earliest_calendar() -> None:
    trigger = CalendarTrigger(("Mon *-*-* 00:00:00", "*-*-* 06:00"))
    fire = next_fire(trigger, NOW, "Europe/Berlin")
    assert fire == Fire("exact", utc(2026, 11, 26, 5, 0))


def test_randomized_delay_makes_a_window() -> None:
    trigger = CalendarTrigger(("*-*-* 07..23:30",), randomized_delay_s=300, persistent=True)
    fire = next_fire(trigger, NOW, "UTC")
    assert fire.kind == "window"
    assert fire.at == utc(2026, 11, 25, 17, 30)
    assert fire.latest == utc(2026, 11, 25, 17, 35)


def test_monotonic_only_timer_is_relative() -> None:
    trigger = CalendarTrigger((), (("OnBootSec", "15min"), ("OnUnitActiveSec", "1d")))
    fire = next_fire(trigger, NOW, "UTC")
    assert fire.kind == "relative" and fire.at is None
    assert fire.note == "15min after boot; 1d after last activation"


def test_calendar_and_monotonic_gives_the_time_with_the_relative_note() -> None:
    trigger = CalendarTrigger(("daily",), (("OnBootSec", "15min"),))
    fire = next_fire(trigger, NOW, "UTC")
    assert fire.kind == "exact" and fire.at == utc(2026, 11, 26)
    assert "15min after boot" in fire.note


def test_one_bad_calendar_does_not_hide_the_good_one() -> None:
    fire = next_fire(CalendarTrigger(("bogus", "hourly")), NOW, "UTC")
    assert fire.at == utc(2026, 11, 25, 18, 0)
    assert "bogus" in fire.note


def test_only_bad_calendars_is_unknown_and_past_only_is_never() -> None:
    assert next_fire(CalendarTrigger(("bogus",)), NOW, "UTC").kind == "unknown"
    assert next_fire(CalendarTrigger(("2001-01-01",)), NOW, "UTC").kind == "never"


def test_calendar_with_its_own_zone_ignores_the_hosts() -> None:
    fire = next_fire(CalendarTrigger(("*-*-* 09:00 Asia/Tokyo",)), NOW, "America/New_York")
    assert fire.at == utc(2026, 11, 26, 0, 0)


# --- one-shots, intervals, anacron, boot, unparsable ---------------------------------------------


def test_absolute_in_the_future_is_exact_and_in_the_past_overdue() -> None:
    future = next_fire(AbsoluteTrigger(utc(2027, 2, 10, 3, 0), "at queue a"), NOW, "UTC")
    assert future == Fire("exact", utc(2027, 2, 10, 3, 0), note="at queue a")
    past = next_fire(AbsoluteTrigger(utc(2026, 11, 25, 15, 0), "at"), NOW, "UTC")
    assert past.kind == "exact" and "overdue" in past.note
    assert countdown(NOW, past) == "overdue 2h"


def test_naive_absolute_time_is_read_in_the_targets_zone() -> None:
    fire = next_fire(AbsoluteTrigger(datetime(2026, 12, 1, 9, 0)), NOW, "Asia/Tokyo")
    assert fire.at == utc(2026, 12, 1, 0, 0)


def test_interval_with_anchor_is_exact_without_is_within_one_period() -> None:
    anchored = next_fire(IntervalTrigger(3600, anchor=utc(2026, 11, 25, 0, 10)), NOW, "UTC")
    assert anchored.at == utc(2026, 11, 25, 17, 10)
    loose = next_fire(IntervalTrigger(5400), NOW, "UTC")
    assert (loose.kind, loose.at, loose.latest) == ("window", NOW, NOW + timedelta(minutes=90))
    assert loose.note == "every 1h 30min from an instant not shown: next within 1h 30min"


def test_one_shot_interval_that_has_passed_never_fires_again() -> None:
    gone = next_fire(IntervalTrigger(600, anchor=utc(2026, 11, 25, 0, 10), once=True), NOW, "UTC")
    assert gone.kind == "never"
    ahead = next_fire(IntervalTrigger(600, anchor=utc(2026, 11, 25, 16, 55), once=True), NOW,
                      "UTC")
    assert ahead.at == utc(2026, 11, 25, 17, 5)


def test_anacron_daily_is_a_window_after_0730_local() -> None:
    trigger = AnacronTrigger("1", 5, last_run=date(2026, 11, 24))
    fire = next_fire(trigger, NOW, "Asia/Tokyo")          # local 02:00 on 11-26
    assert fire.kind == "window"
    assert fire.at == utc(2026, 11, 25, 22, 35)           # 07:30 JST + 5 min
    assert fire.latest == fire.at + timedelta(minutes=5)


def test_anacron_weekly_waits_for_its_due_day() -> None:
    fire = next_fire(AnacronTrigger("7", 10, last_run=date(2026, 11, 24)), NOW, "UTC")
    assert fire.at == utc(2026, 12, 1, 7, 40)


def test_anacron_without_stamp_is_due_now_and_monthly_waits_for_the_month() -> None:
    now = utc(2026, 11, 25, 12, 10)
    fresh = next_fire(AnacronTrigger("1", 5), now, "UTC")
    assert fresh.at == utc(2026, 11, 25, 12, 35)
    monthly = next_fire(AnacronTrigger("@monthly", 15, last_run=date(2026, 11, 1)), now, "UTC")
    assert monthly.at == utc(2026, 12, 1, 7, 45)


def test_cronie_anacron_respects_start_hours() -> None:
    now = utc(2026, 11, 25, 23, 0)
    fire = next_fire(AnacronTrigger("1", 5, last_run=date(2026, 11, 20), start_hours=(3, 22)),
                     now, "UTC")
    assert fire.at == utc(2026, 11, 26, 3, 6)
    assert fire.latest == utc(2026, 11, 26, 3, 51)


def test_boot_and_unparsable() -> None:
    assert next_fire(BootTrigger("kron system-startup"), NOW, "UTC") == \
        Fire("boot", note="kron system-startup")
    fire = next_fire(UnparsableTrigger("corrupt line"), NOW, "UTC")
    assert fire == Fire("unknown", note="corrupt line")
    assert countdown(NOW, fire) == "unknown"


def test_unknown_zone_falls_back_to_utc_and_says_so() -> None:
    fire = next_fire(CronTrigger("0 0 * * *"), NOW, "Mars/Olympus_Mons")
    assert fire.at == utc(2026, 11, 26)
    assert "Mars/Olympus_Mons" in fire.note


# --- countdown -----------------------------------------------------------------------------------


@pytest.mark.parametrize("delta,text", [
    (timedelta(days=74, hours=9, minutes=5), "in 74d 09h"),
    (timedelta(hours=3, minutes=12), "in 3h 12m"),
    (timedelta(seconds=45), "in 45s"),
    (timedelta(minutes=7), "in 7m"),
    (timedelta(hours=-2), "overdue 2h"),
])
def test_countdown(delta: timedelta, text: str) -> None:
    assert countdown(NOW, Fire("exact", NOW + delta)) == text


def test_countdown_of_a_window_shows_both_ends() -> None:
    fire = Fire("window", NOW + timedelta(hours=1), NOW + timedelta(hours=1, minutes=45))
    assert countdown(NOW, fire) == "in 1h..1h 45m"


# --- a large mix ----------------------------------------------------------------------------------------


def test_ten_thousand_mixed_triggers_all_resolve_to_a_clock_time_or_never() -> None:
    rng = random.Random(7)
    zones = ("UTC", "Asia/Tokyo", "Europe/Berlin", "America/New_York")
    pool = [CronTrigger(f"{rng.randrange(60)} {rng.randrange(24)} * * *") for _ in range(300)]
    pool += [CronTrigger("*/5 * * * *"), CronTrigger("0 16 * * 6-0"), CronTrigger("@weekly"),
             CalendarTrigger(("Mon..Fri 08..18:00",)), CalendarTrigger(("*-*-* 07..23:30",), (),
                                                                      300.0),
             AnacronTrigger("7", 10, date(2026, 11, 20)), IntervalTrigger(3600, NOW),
             AbsoluteTrigger(NOW + timedelta(days=80))]
    triggers = [(rng.choice(pool), zones[i % len(zones)]) for i in range(10_000)]
    fires = [next_fire(t, NOW, z) for t, z in triggers]
    assert all(f.kind in ("exact", "window", "never") for f in fires)
