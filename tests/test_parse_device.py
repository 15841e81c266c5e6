"""Dispatch of device targets to their parsers, device clock zones, and the rule that an
incomplete poll has no line data (rather than none)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lineguard.collector.model import CronTrigger
from lineguard.collector.parse.device import IncompleteTarget, device_zone, jobs, line_data
from lineguard.formats.wire import Artifact, Target
from tests.test_parse_atm_mib import WALK
from tests.test_parse_ios import JOBS, ROUTER


def _target(status: str, facts: dict, *artifacts: tuple[str, str]) -> Target:
    arts = tuple(Artifact.from_bytes(name, name, text.encode()) for name, text in artifacts)
    return Target(kind="device", name="atm-kobe-01", status=status, artifacts=arts, facts=facts)


IOS_FACTS = {"platform": "cisco_ios", "method": "cli", "timezone": "JST 9 0",
             "polled_at": "2026-11-25T17:00:00Z"}


@pytest.mark.parametrize("stated, name", [
    ("JST 9 0", "Etc/GMT-9"), ("JST 9", "Etc/GMT-9"), ("EST -5 0", "Etc/GMT+5"),
    ("UTC 0 0", "UTC"), ("Asia/Tokyo", "Asia/Tokyo"), ("JST", "Asia/Tokyo")])
def test_device_clock_zones_map_to_iana_names(stated, name):
    zone = device_zone(stated)
    assert (zone.name, zone.note) == (name, None)


def test_a_half_hour_zone_keeps_its_offset_and_says_so():
    zone = device_zone("IST 5 30")
    assert zone.name == "UTC" and "05:30" in zone.note
    assert zone.tz.utcoffset(None) == timedelta(hours=5, minutes=30)


def test_an_unknown_zone_is_utc_with_a_note():
    zone = device_zone("XYZ")
    assert zone.name == "UTC" and "not known" in zone.note


def test_dispatch_by_platform_and_method():
    cli = _target("ok", IOS_FACTS, ("running-config", ROUTER))
    snmp = _target("ok", {"platform": "cisco_ios", "method": "snmp"}, ("snmp-walk", WALK))
    assert {r.interface for r in line_data(cli)} == {"ATM0/0/0", "ATM0/0/1", "ATM1/0"}
    assert {r.kind for r in line_data(snmp)} == {"vcl", "vpl", "vc-xc", "vp-xc"}


@pytest.mark.parametrize("status", ["partial", "timeout", "unreachable", "auth-failed"])
def test_an_incomplete_poll_has_unknown_line_data_never_empty(status):
    target = _target(status, IOS_FACTS, ("running-config", ROUTER[:100]))
    with pytest.raises(IncompleteTarget, match=status):
        line_data(target)


def test_jobs_are_still_read_from_a_partial_config():
    # A cut-short read can still show the wiper: it is reported, not thrown away.
    target = _target("partial", IOS_FACTS, ("running-config", JOBS[: JOBS.index("!\nevent manager applet ONCE")]))
    found = jobs(target)
    nightly = next(j for j in found if j.source == "eem")
    assert nightly.trigger == CronTrigger("0 3 * * *", "ios")
    assert nightly.timezone == "Etc/GMT-9"


def test_jobs_of_a_device_with_an_unknown_zone_say_so():
    facts = dict(IOS_FACTS, timezone=None)
    found = jobs(_target("ok", facts, ("running-config", JOBS)))
    assert found and all(j.timezone == "UTC" for j in found)
    assert all("zone" in (j.problem or "") for j in found if j.source == "eem")


def test_an_unknown_platform_is_a_clear_error():
    with pytest.raises(ValueError, match="no collector platform .nokia_sros."):
        line_data(_target("ok", {"platform": "nokia_sros", "method": "cli"}))


@pytest.mark.parametrize("stated", ["XYZ 99999999999 0", "XYZ 24", "XYZ 9 75"])
def test_a_garbled_clock_offset_is_utc_with_a_note_not_a_crash(stated):
    zone = device_zone(stated)
    assert zone.name == "UTC" and zone.tz.utcoffset(None) == timedelta(0)
    assert "no UTC offset" in zone.note


def test_an_offset_beyond_the_etc_zones_keeps_its_offset():
    zone = device_zone("XYZ -13")
    assert zone.name == "UTC" and zone.tz.utcoffset(None) == timedelta(hours=-13)
