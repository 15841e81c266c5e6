"""Cron timing against external oracles: croniter's test-suite vectors re-checked against Debian
semantics, and Debian cron's own behaviour observed under libfaketime (the reference table)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lineguard.collector.schedule.cron import CronSchedule

VECTORS = json.loads((Path(__file__).parent / "data" / "cron_vectors.json").read_text())
NEXT_VECTORS = [v for v in VECTORS["vectors"] if not v.get("reject")]
REJECT_VECTORS = [v for v in VECTORS["vectors"] if v.get("reject")]


def _local(text: str, tz: str) -> datetime:
    dt = datetime.fromisoformat(text)
    zone = ZoneInfo(tz)
    return dt.astimezone(zone) if dt.tzinfo else dt.replace(tzinfo=zone)


def _vector_id(v: dict) -> str:
    return f"{v['from']}|{v['expr']}|{v.get('dialect', 'debian')}|{v.get('base', '')}"


def test_the_vector_file_holds_at_least_30_external_vectors() -> None:
    assert len(VECTORS["vectors"]) >= 30
    assert "croniter" in VECTORS["about"]


@pytest.mark.parametrize("vector", NEXT_VECTORS, ids=_vector_id)
def test_croniter_vectors_under_debian_semantics(vector: dict) -> None:
    schedule = CronSchedule.parse(vector["expr"], vector.get("dialect", "debian"))
    at = _local(vector["base"], vector["tz"])
    if vector.get("never"):
        assert schedule.next_after(at) is None
        assert schedule.never_reason
        return
    got = []
    for _ in vector["expect"]:
        at = schedule.next_after(at)
        assert at is not None
        got.append(at)
    expected = [_local(e, vector["tz"]) for e in vector["expect"]]
    # Compare instants and offsets: a repeated hour must be told apart by its UTC offset.
    assert [(g.astimezone(UTC), g.utcoffset()) for g in got] == \
           [(e.astimezone(UTC), e.utcoffset()) for e in expected]


@pytest.mark.parametrize("vector", REJECT_VECTORS, ids=_vector_id)
def test_invalid_expressions_are_rejected(vector: dict) -> None:
    with pytest.raises(ValueError):
        CronSchedule.parse(vector["expr"], vector.get("dialect", "debian"))


@pytest.mark.parametrize("row", VECTORS["faketime"]["rows"], ids=lambda r: r["expr"])
def test_debian_faketime_table(row: dict) -> None:
    schedule = CronSchedule.parse(row["expr"], "debian")
    for day, ran in zip(VECTORS["faketime"]["dates"], row["ran"], strict=True):
        before = datetime.fromisoformat(f"{day}T15:59:00").replace(tzinfo=UTC)
        fires = schedule.next_after(before) == before + timedelta(minutes=1)
        assert fires is ran, day


def test_star_prefix_switches_dom_dow_to_and() -> None:
    both = CronSchedule.parse("0 16 */2 * sat", "debian")
    either = CronSchedule.parse("0 16 1-31/2 * sat", "debian")
    assert both.dom_star and not either.dom_star
    assert not both.matches_day(2023, 5, 6)      # Saturday but an even day
    assert either.matches_day(2023, 5, 6)


def test_reversed_range_never_fires_on_debian_but_fires_on_cronie() -> None:
    debian = CronSchedule.parse("0 16 * * 6-0", "debian")
    cronie = CronSchedule.parse("0 16 * * 6-0", "cronie")
    base = datetime(2023, 5, 1, tzinfo=UTC)
    assert debian.next_after(base) is None
    assert "6-0" in debian.never_reason
    assert cronie.next_after(base) == datetime(2023, 5, 6, 16, 0, tzinfo=UTC)


def test_reversed_dow_range_with_a_dom_still_fires_by_the_or_rule() -> None:
    schedule = CronSchedule.parse("0 16 13 * 6-0", "debian")
    assert schedule.next_after(datetime(2023, 5, 1, tzinfo=UTC)) == \
        datetime(2023, 5, 13, 16, tzinfo=UTC)


def test_impossible_date_never_fires_and_says_why() -> None:
    schedule = CronSchedule.parse("0 0 31 2 *", "debian")
    assert schedule.next_after(datetime(2026, 1, 1, tzinfo=UTC)) is None
    assert "31" in schedule.never_reason and "never" in schedule.never_reason


def test_leap_day_on_a_sunday_is_found_decades_ahead() -> None:
    schedule = CronSchedule.parse("0 0 29 2 */7", "debian")   # AND: Feb 29 that is a Sunday
    assert schedule.next_after(datetime(2023, 5, 1, tzinfo=UTC)) == \
        datetime(2032, 2, 29, tzinfo=UTC)


def test_fixed_time_job_in_a_skipped_hour_runs_right_after_the_jump() -> None:
    paris = ZoneInfo("Europe/Paris")
    schedule = CronSchedule.parse("1 2 * * *", "debian")
    got = schedule.next_after(datetime(2020, 3, 29, 1, 59, 55, tzinfo=paris))
    assert got == datetime(2020, 3, 29, 3, 0, tzinfo=paris)
    assert got.utcoffset() == timedelta(hours=2)


def test_fixed_time_job_is_not_run_twice_in_a_repeated_hour() -> None:
    paris = ZoneInfo("Europe/Paris")
    schedule = CronSchedule.parse("30 2 * * *", "debian")
    first = schedule.next_after(datetime(2020, 10, 25, 2, 0, tzinfo=paris))
    assert first.utcoffset() == timedelta(hours=2)
    assert schedule.next_after(first) == datetime(2020, 10, 26, 2, 30, tzinfo=paris)


@pytest.mark.parametrize("expr,expected", [
    ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
    ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"),
    ("@hourly", "0 * * * *"),
])
def test_shorthands_map_like_debian(expr: str, expected: str) -> None:
    short, long = CronSchedule.parse(expr), CronSchedule.parse(expected)
    assert (short.minutes, short.hours, short.doms, short.months, short.dows,
            short.dom_star, short.dow_star) == (long.minutes, long.hours, long.doms,
                                                long.months, long.dows, long.dom_star,
                                                long.dow_star)


def test_shorthand_flags_follow_the_source() -> None:
    assert CronSchedule.parse("@weekly").dom_star
    assert not CronSchedule.parse("@weekly").dow_star
    assert CronSchedule.parse("@monthly").dow_star
    assert not CronSchedule.parse("@monthly").dom_star


@pytest.mark.parametrize("expr", ["@Daily", "@DAILY", "@fortnightly"])
def test_shorthands_are_case_sensitive(expr: str) -> None:
    with pytest.raises(ValueError, match="shorthand"):
        CronSchedule.parse(expr)


def test_reboot_is_not_a_clock_schedule() -> None:
    schedule = CronSchedule.parse("@reboot")
    assert schedule.reboot
    assert schedule.next_after(datetime(2026, 1, 1, tzinfo=UTC)) is None


@pytest.mark.parametrize("expr,field", [
    ("61 * * * *", "minute"), ("* 24 * * *", "hour"), ("* * 0 * *", "day-of-month"),
    ("* * * 13 *", "month"), ("* * * * 8", "day-of-week"), ("* * * foo *", "month"),
    ("5/2 * * * *", "minute"), ("* * * * mon-fro", "day-of-week"),
])
def test_parse_errors_name_the_field(expr: str, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        CronSchedule.parse(expr, "debian")


def test_names_work_in_any_case_and_in_ranges() -> None:
    schedule = CronSchedule.parse("0 0 * JAN-Mar mon-WED", "debian")
    assert schedule.months == (1, 2, 3)
    assert schedule.dows == (1, 2, 3)


def test_cronie_random_value_gives_a_window() -> None:
    schedule = CronSchedule.parse("~ 3 * * *", "cronie")
    window = schedule.window_after(datetime(2023, 5, 1, 3, 30, tzinfo=UTC))
    assert window == (datetime(2023, 5, 1, 3, 31, tzinfo=UTC),
                      datetime(2023, 5, 2, 3, 30, tzinfo=UTC))
    with pytest.raises(ValueError, match="cronie"):
        CronSchedule.parse("~ 3 * * *", "debian")


def test_ios_dialect_reads_like_debian() -> None:
    ios = CronSchedule.parse("0 16 * * 6-0", "ios")
    assert ios.next_after(datetime(2023, 5, 1, tzinfo=UTC)) is None


def _brute_force_next(schedule: CronSchedule, base: datetime, days: int) -> datetime | None:
    """Day-by-day scan with cron.c's rule written out again, for cross-checking the jumps."""
    dom_star, dow_star = schedule.dom_star, schedule.dow_star
    for offset in range(days):
        day = (base + timedelta(days=offset)).date()
        if day.month not in schedule.months:
            continue
        dom_ok = day.day in schedule.doms
        dow_ok = day.isoweekday() % 7 in schedule.dows
        if not ((dom_ok and dow_ok) if (dom_star or dow_star) else (dom_ok or dow_ok)):
            continue
        for hour in schedule.hours:
            for minute in schedule.minutes:
                at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                if at > base:
                    return at
    return None


def _random_field(rng: random.Random, low: int, high: int, names: tuple[str, ...] = ()) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return "*"
    if kind == 1:
        return f"*/{rng.randrange(1, 8)}"
    a = rng.randrange(low, high + 1)
    b = rng.randrange(a, high + 1)
    if kind == 2:
        return f"{a}-{b}/{rng.randrange(1, 4)}"
    if kind == 3 and names:
        return ",".join(rng.sample(names, rng.randrange(1, 3)))
    return ",".join(str(rng.randrange(low, high + 1)) for _ in range(rng.randrange(1, 4)))


def test_field_jumps_agree_with_a_day_by_day_scan() -> None:
    rng = random.Random(1)
    months = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    days = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
    checked = 0
    for _ in range(300):
        expr = " ".join((_random_field(rng, 0, 59), _random_field(rng, 0, 23),
                         _random_field(rng, 1, 31), _random_field(rng, 1, 12, months),
                         _random_field(rng, 0, 7, days)))
        schedule = CronSchedule.parse(expr, "debian")
        base = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(10**6))
        expected = _brute_force_next(schedule, base, 3 * 366)
        if expected is None:
            continue
        assert schedule.next_after(base) == expected, expr
        checked += 1
    assert checked > 200
