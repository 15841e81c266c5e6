"""`--tz` and the `display_tz` setting: human output in the chosen zone, each job time also in
its target's own zone where that differs, JSON always UTC, an unknown zone a one-line error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from tests.test_check import NOW, ingest_planted


@pytest.fixture
def tokyo(tmp_path: Path, home: Home) -> Home:
    """The planted at job on a host whose clock lives in Asia/Tokyo (fires 03:00 UTC)."""
    return ingest_planted(tmp_path, home)


def run(home: Home, capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = lineguard(["--home", str(home.root), *args])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_jobs_in_the_display_zone_and_the_targets_own(tokyo: Home, capsys) -> None:
    _, utc, _ = run(tokyo, capsys, "jobs", "--now", NOW, "--wide")
    assert "NEXT FIRE (UTC)" in utc and "2027-02-10T03:00:00Z (02-10 12:00 JST)" in utc
    _, paris, _ = run(tokyo, capsys, "jobs", "--now", NOW, "--wide", "--tz", "Europe/Paris")
    assert "NEXT FIRE (Europe/Paris)" in paris
    assert "2027-02-10 04:00:00 CET (02-10 12:00 JST)" in paris
    _, local, _ = run(tokyo, capsys, "jobs", "--now", NOW, "--wide", "--tz", "Asia/Tokyo")
    assert "2027-02-10 12:00:00 JST" in local and "(02-10 12:00 JST)" not in local


def test_json_stays_utc_whatever_the_zone(tokyo: Home, capsys) -> None:
    (tokyo.root / "config.toml").write_text('display_tz = "Asia/Tokyo"\n')
    _, out, _ = run(tokyo, capsys, "jobs", "--now", NOW, "--json", "--tz", "Europe/Paris")
    bomb = next(j for j in json.loads(out)["jobs"] if j["source"] == "at")
    assert bomb["next_fire"] == "2027-02-10T03:00:00Z"
    _, out, _ = run(tokyo, capsys, "check", "--now", NOW, "--json", "--no-email")
    assert json.loads(out)["as_of"] == NOW


def test_the_display_tz_setting_and_tz_over_it(tokyo: Home, capsys) -> None:
    (tokyo.root / "config.toml").write_text('display_tz = "Asia/Tokyo"\nsilence_hours = 1e9\n')
    _, out, _ = run(tokyo, capsys, "check", "--now", NOW, "--no-email")
    assert "fires 2027-02-10 12:00:00 JST" in out and "(target" not in out
    _, out, _ = run(tokyo, capsys, "check", "--now", NOW, "--no-email", "--tz", "UTC")
    assert "fires 2027-02-10T03:00:00Z (target 2027-02-10 12:00:00 JST, Asia/Tokyo)" in out
    _, out, _ = run(tokyo, capsys, "findings", "--now", NOW)
    assert "fires 2027-02-10 12:00:00 JST" in out
    _, out, _ = run(tokyo, capsys, "audit")
    assert " JST " in out and "Z " not in out.splitlines()[1]
    _, out, _ = run(tokyo, capsys, "targets", "--tz", "America/New_York")
    assert " EST" in out


def test_the_report_and_diff_in_a_zone(tokyo: Home, capsys) -> None:
    _, out, _ = run(tokyo, capsys, "report", "--now", NOW, "--tz", "Asia/Tokyo")
    assert out.startswith("# lineguard report, as of 2026-11-25 18:00:00 JST")
    assert "| 2027-02-10 12:00:00 JST | = |" in out
    _, out, _ = run(tokyo, capsys, "report", "--now", NOW)
    assert "| 2027-02-10T03:00:00Z | 2027-02-10 12:00:00 JST |" in out
    _, out, _ = run(tokyo, capsys, "diff", "ems-01", "--tz", "Asia/Tokyo")
    assert " JST" in out.splitlines()[0] and "Z:" not in out.splitlines()[0]


@pytest.mark.parametrize("command", [["jobs"], ["check", "--no-email"], ["findings"], ["targets"],
                                     ["report"], ["diff", "ems-01"], ["audit"], ["agents"]])
def test_an_unknown_zone_is_a_one_line_error_naming_it(tokyo: Home, capsys,
                                                        command: list[str]) -> None:
    rc, out, err = run(tokyo, capsys, *command, "--tz", "Mars/Olympus_Mons")
    assert rc == 2 and out == ""
    assert err.count("\n") == 1 and "unknown time zone 'Mars/Olympus_Mons'" in err


def test_the_html_report_in_a_zone(tokyo: Home, capsys, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert lineguard(["--home", str(tokyo.root), "report", "--html", "--now", NOW, "--tz",
                      "Europe/Paris", "--out", str(out)]) == 0
    page = out.read_text()
    assert "as of <time>2026-11-25 10:00:00 CET</time>" in page
    assert "<th>next fire (Europe/Paris)</th>" in page
    assert "2027-02-10 04:00:00 CET<br><small>2027-02-10 12:00:00 JST</small>" in page
    assert 'data-fire="2027-02-10T03:00:00Z"' in page     # machine-readable stays UTC
