"""systemd OnCalendar: systemd's own test vectors, and the real `systemd-analyze calendar` as a
live oracle over many expressions, zones and base times (time spans: test_formats_timespan)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lineguard.collector.schedule.calendar import CalendarSpec

VECTORS = json.loads((Path(__file__).parent / "data" / "calendar_vectors.json").read_text())
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
needs_systemd_analyze = pytest.mark.skipif(
    SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed: live oracle unavailable")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ZONES = ("UTC", "Europe/Berlin", "Asia/Tokyo", "America/New_York", "Pacific/Auckland")
# 2023-11-14 22:13, one second before Berlin's 2024 spring jump, 01:30 EDT in New York's repeated
# hour (2024-11-03), and 2017-03-20.
BASES = (1_700_000_000, 1_711_846_799, 1_730_611_800, 1_490_000_000)
ITERATIONS = 4


def _usec(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name or "UTC")


def test_vector_file_holds_at_least_20_systemd_vectors() -> None:
    assert len(VECTORS["normalize"]) + len(VECTORS["next"]) >= 20
    assert "test-calendarspec.c" in VECTORS["about"]


@pytest.mark.parametrize("text,normal", VECTORS["normalize"])
def test_normalized_form_matches_systemd_test_file(text: str, normal: str) -> None:
    spec = CalendarSpec.parse(text)
    assert spec.normalized() == normal
    # systemd's test also requires the normal form to be a fixed point.
    assert CalendarSpec.parse(normal).normalized() == normal


@pytest.mark.parametrize("text,tz,after,expect", VECTORS["next"])
def test_next_elapse_matches_systemd_test_file(text: str, tz: str, after: int,
                                               expect: int | None) -> None:
    got = CalendarSpec.parse(text).next_after(_usec(after), _zone(tz))
    assert got == (None if expect is None else _usec(expect))


@pytest.mark.parametrize("text", VECTORS["invalid"])
def test_invalid_specs_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        CalendarSpec.parse(text)


def test_weekday_and_date_are_anded() -> None:
    spec = CalendarSpec.parse("Sun *-*-1..7 1:00:00")        # mdadm's first-Sunday check
    got = spec.next_after(datetime(2026, 11, 25, tzinfo=UTC), UTC)
    assert got == datetime(2026, 12, 6, 1, 0, tzinfo=UTC)    # the first Sunday of December


def test_spec_time_zone_wins_over_the_hosts() -> None:
    spec = CalendarSpec.parse("*-12-25 00:00 Asia/Tokyo")
    got = spec.next_after(datetime(2026, 11, 25, tzinfo=UTC), ZoneInfo("America/New_York"))
    assert got == datetime(2026, 12, 24, 15, 0, tzinfo=UTC)


# --- live oracle: the real systemd-analyze -----------------------------------------------------


def _valid_expressions() -> list[str]:
    texts = [t for t, _ in VECTORS["normalize"]] + [row[0] for row in VECTORS["next"]]
    texts += VECTORS["extra"]
    return list(dict.fromkeys(texts))


def _run_analyze(texts: list[str], tz: str, base: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SYSTEMD_ANALYZE, "calendar", f"--iterations={ITERATIONS}", f"--base-time=@{base}",
         "--", *texts],
        capture_output=True, text=True, timeout=60,
        env={"TZ": f":{tz}", "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"})


def _parse_blocks(stdout: str) -> list[tuple[str, list[str]]]:
    """(normalized form, elapses as 'YYYY-MM-DD HH:MM:SS' UTC) per expression, in order."""
    blocks = []
    for block in re.split(r"\n\s*\n", stdout.strip()):
        lines = block.splitlines()
        normal = next(ln.split(": ", 1)[1] for ln in lines if "Normalized form:" in ln)
        elapses = []
        for i, line in enumerate(lines):
            m = re.match(r"\s*(?:Next elapse|Iter\. #\d+): (.*)$", line)
            if not m or m.group(1) == "never":
                continue
            utc_line = lines[i + 1] if i + 1 < len(lines) else ""
            m_utc = re.match(r"\s*\(in UTC\): \w+ (.*) UTC$", utc_line)
            # "Wed 2023-11-15 08:00:00 UTC": drop the weekday and the zone name.
            local = m.group(1).split(" ", 1)[1].rsplit(" ", 1)[0]
            elapses.append(m_utc.group(1) if m_utc else local)
        blocks.append((normal, elapses))
    return blocks


def _mine(spec: CalendarSpec, tz: str, base: int) -> list[str]:
    out = []
    at = datetime.fromtimestamp(base, UTC)
    for _ in range(ITERATIONS):
        at = spec.next_after(at, ZoneInfo(tz))
        if at is None:
            break
        out.append(at.strftime("%Y-%m-%d %H:%M:%S"))
    return out


@needs_systemd_analyze
@pytest.mark.parametrize("tz", ZONES)
def test_live_systemd_analyze_agrees_on_every_expression(tz: str) -> None:
    texts = _valid_expressions()
    specs = [CalendarSpec.parse(t) for t in texts]
    compared = 0
    for base in BASES:
        result = _run_analyze(texts, tz, base)
        assert result.returncode == 0, result.stderr
        blocks = _parse_blocks(result.stdout)
        assert len(blocks) == len(texts)
        for text, spec, (normal, elapses) in zip(texts, specs, blocks, strict=True):
            assert spec.normalized() == normal, text
            assert _mine(spec, tz, base) == elapses, (text, tz, base)
            compared += len(elapses)
    assert compared > 500      # the oracle really produced elapses to compare


@needs_systemd_analyze
@pytest.mark.parametrize("text", VECTORS["invalid"])
def test_live_systemd_analyze_rejects_what_we_reject(text: str) -> None:
    result = _run_analyze([text], "UTC", BASES[0])
    assert result.returncode != 0
    with pytest.raises(ValueError):
        CalendarSpec.parse(text)
