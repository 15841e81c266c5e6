"""systemd time spans, read once for agent and collector (formats.timespan): the units as
systemd.time(7) defines them, case-sensitive (`1M` a month, `1m` a minute), `infinity`,
combined terms and bare seconds, checked against the real `systemd-analyze timespan`; and what
a timer's RandomizedDelaySec and a scheduled file's interval then mean for the next fire."""

from __future__ import annotations

import math
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lineguard.agent.sources.host import collect
from lineguard.collector.analyse.timing import countdown, next_fire
from lineguard.collector.model import CalendarTrigger, IntervalTrigger, Job, UnparsableTrigger
from lineguard.collector.parse.host import jobs
from lineguard.formats.schedfile import ScheduledFile
from lineguard.formats.timespan import format_timespan, parse_timespan
from tests.hostroot import GROUP, PASSWD, link, write

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
MONTH = 2_629_800.0
# (span, seconds) systemd accepts, and spans it refuses.
ACCEPTED = [
    ("1M", MONTH), ("1m", 60), ("1 M", MONTH), ("2 months", 2 * MONTH), ("1month", MONTH),
    ("5h 30min", 19_800), ("5h30min", 19_800), ("1h30", 3_630), ("1min30s", 90), ("15min", 900),
    ("1d", 86_400), ("2weeks", 1_209_600), ("1w", 604_800), ("1y", 31_557_600),
    ("500ms", 0.5), ("500msec", 0.5), ("10us", 1e-5), ("10usec", 1e-5), ("7µs", 7e-6),
    ("90", 90), ("0", 0), ("1.5h", 5_400), (".5s", 0.5), ("+5s", 5), ("5 h", 18_000),
    ("30 1h", 3_630), ("3 minutes 2", 182), ("5sec3", 8), ("12.34 .56", 12.9),
    ("12.34s.56", 12.9), ("2 days 3 hours", 183_600), ("1hr", 3_600), ("  45min  ", 2_700),
]
REFUSED = ["", "  ", "1MONTH", "1Min", "5mins", "5 parsecs", "abc", "1m x", "-5min", "12.34.56",
           "5.", "1e3", "infinity 5s", "1h infinity", "Infinity", "1H"]


def _analyze(text: str) -> float | None:
    """Seconds systemd-analyze reads in `text` (inf for infinity), or None when it refuses."""
    got = subprocess.run([SYSTEMD_ANALYZE, "timespan", "--", text], capture_output=True,
                         text=True, timeout=60, env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    if got.returncode != 0:
        return None
    usec = next(int(line.split(":", 1)[1]) for line in got.stdout.splitlines()
                if line.strip().startswith("μs:"))
    return math.inf if usec == 2**64 - 1 else usec / 1e6


@pytest.mark.parametrize("text,seconds", ACCEPTED)
def test_a_span_systemd_accepts_reads_as_systemd_reads_it(text: str, seconds: float) -> None:
    assert parse_timespan(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", REFUSED)
def test_a_span_systemd_refuses_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(ValueError, match="time span"):
        parse_timespan(text)


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_live_systemd_analyze_agrees_on_every_span() -> None:
    compared = 0
    for text, _ in ACCEPTED + [("infinity", math.inf), (" infinity ", math.inf)]:
        assert _analyze(text) == pytest.approx(parse_timespan(text)), text
        compared += 1
    for text in REFUSED:
        if text.strip():       # systemd-analyze reads an empty argument list differently
            assert _analyze(text) is None, text
            compared += 1
    assert compared > 40


def test_month_and_minute_differ_only_in_case() -> None:
    assert parse_timespan("1M") == MONTH
    assert parse_timespan("1m") == 60
    assert parse_timespan("1M") / parse_timespan("1m") == pytest.approx(43_830)


def test_infinity_is_infinite_and_formats_back() -> None:
    assert math.isinf(parse_timespan("infinity"))
    assert format_timespan(math.inf) == "infinity"
    assert format_timespan(5400) == "1h 30min"
    assert format_timespan(86400) == "1d"
    assert format_timespan(0.25) == "250ms"


# --- RandomizedDelaySec= through agent and collector ---------------------------------------

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _timer_job(tmp_path: Path, *delays: str) -> Job:
    """The job of an enabled daily timer whose [Timer] section sets these RandomizedDelaySec=s."""
    write(tmp_path, "etc/passwd", PASSWD)
    write(tmp_path, "etc/group", GROUP)
    lines = "".join(f"RandomizedDelaySec={d}\n" for d in delays)
    write(tmp_path, "etc/systemd/system/wipe.timer",
          f"[Unit]\nDescription=nightly\n\n[Timer]\nOnCalendar=*-*-* 03:00:00\n{lines}"
          "\n[Install]\nWantedBy=timers.target\n")
    write(tmp_path, "etc/systemd/system/wipe.service",
          "[Service]\nType=oneshot\nExecStart=/opt/ems/wipe.sh\n")
    write(tmp_path, "opt/ems/wipe.sh", "#!/bin/sh\nrm -rf /srv/ems/linedata\n", 0o755)
    link(tmp_path, "etc/systemd/system/timers.target.wants/wipe.timer",
         "/etc/systemd/system/wipe.timer")
    target, facts = collect(tmp_path)
    found = [j for j in jobs(target, facts) if j.source == "systemd"]
    assert len(found) == 1, found
    return found[0]


def test_randomized_delay_of_1M_spreads_the_fire_over_a_month(tmp_path: Path) -> None:
    job = _timer_job(tmp_path, "1M")
    assert isinstance(job.trigger, CalendarTrigger)
    assert job.trigger.randomized_delay_s == MONTH
    fire = next_fire(job.trigger, NOW, "UTC")
    assert fire.kind == "window"
    assert fire.latest - fire.at == timedelta(seconds=MONTH)


def test_randomized_delay_of_1m_is_one_minute(tmp_path: Path) -> None:
    job = _timer_job(tmp_path, "1m")
    fire = next_fire(job.trigger, NOW, "UTC")
    assert (fire.kind, fire.latest - fire.at) == ("window", timedelta(minutes=1))


def test_randomized_delay_of_infinity_leaves_the_window_open_from_the_calendar_time(
        tmp_path: Path) -> None:
    job = _timer_job(tmp_path, "infinity")
    assert math.isinf(job.trigger.randomized_delay_s)
    fire = next_fire(job.trigger, NOW, "Asia/Tokyo")
    # it may fire from 03:00 Tokyo on and at any time after: the earliest moment is what counts
    assert (fire.kind, fire.at, fire.latest) == ("window", datetime(2026, 12, 1, 18, 0, tzinfo=UTC),
                                                 None)
    assert "without bound" in fire.note
    assert countdown(NOW, fire) == "in 6h"


def test_a_delay_past_the_calendar_range_also_leaves_the_window_open(tmp_path: Path) -> None:
    job = _timer_job(tmp_path, "10000y")
    fire = next_fire(job.trigger, NOW, "UTC")
    assert (fire.kind, fire.latest) == ("window", None)


def test_an_unparsable_delay_is_ignored_as_systemd_ignores_it(tmp_path: Path) -> None:
    # systemd: "Failed to parse sec value, ignoring" — the value before it stays
    job = _timer_job(tmp_path, "2h", "5 parsecs", "1MONTH", "")
    assert job.trigger.randomized_delay_s == 7200


# --- a scheduled file's interval ----------------------------------------------------------------


@pytest.mark.parametrize("interval,seconds", [("1M", int(MONTH)), ("1m", 60), ("90", 90),
                                              ("1h 30min", 5400)])
def test_a_scheduled_file_interval_is_a_systemd_time_span(tmp_path: Path, interval: str,
                                                          seconds: int) -> None:
    trigger = _scheduled_trigger(tmp_path, interval)
    assert trigger == IntervalTrigger(seconds=seconds)


@pytest.mark.parametrize("interval", ["infinity", "1MONTH", "0"])
def test_a_scheduled_file_interval_that_never_repeats_is_unparsable(tmp_path: Path,
                                                                   interval: str) -> None:
    trigger = _scheduled_trigger(tmp_path, interval)
    assert isinstance(trigger, UnparsableTrigger)
    assert repr(interval) in trigger.reason


def _scheduled_trigger(root: Path, interval: str):
    write(root, "etc/passwd", PASSWD)
    write(root, "opt/ems/etc/poll.tab", f"{interval}|ems|/opt/ems/bin/poll\n")
    spec = ScheduledFile(name="ems-poller", path="/opt/ems/etc/poll.tab", schedule=(1, 1),
                         command=3, syntax="interval", separator="|", owner=2)
    target, facts = collect(root, scheduled_files=(spec,))
    found = [j for j in jobs(target, facts) if j.source == "ems-poller"]
    assert len(found) == 1, found
    return found[0].trigger
