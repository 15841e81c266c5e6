"""The collector's own settings are evidence too: every version of config.toml it sees is kept in
the signed audit log, and a change is a finding — louder when it silences alerting, loudest
when it takes recipients away."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from lineguard.collector.cli import main as lineguard
from lineguard.collector.config_audit import EVENT, compare
from lineguard.collector.home import Home

BEFORE = """\
mail_to = ["noc@example.net"]
security_to = ["csirt@example.net"]
alert_threshold = "high"

[site.kobe]
mail_to = ["kobe-noc@example.net"]
alert_threshold = "medium"
"""


def check(home: Home, capsys, *now: str) -> list[dict]:
    capsys.readouterr()
    lineguard(["--home", str(home.root), "check", "--no-email", "--json", *now])
    out = capsys.readouterr()
    assert out.out, out.err
    return [f for f in json.loads(out.out)["findings"]
            if f["kind"] == "config"]


@pytest.fixture
def configured(home: Home, capsys) -> Home:
    home.init()
    home.config_path.write_text(BEFORE)
    assert check(home, capsys) == []          # the first version seen is recorded, not a change
    return home


def test_a_threshold_raised_on_one_site_is_a_high_finding_naming_it(configured: Home,
                                                                   capsys) -> None:
    configured.config_path.write_text(BEFORE.replace('"medium"', '"critical"'))
    [finding] = check(configured, capsys)
    assert finding["severity"] == "high" and finding["target"] == "collector"
    assert "site kobe alert_threshold: medium -> critical" in finding["title"]
    assert check(configured, capsys) == [finding]     # one version, one finding, stable key
    store = configured.open()
    versions = [r for r in store.audit_rows(50) if r["event"] == EVENT]
    assert [v["detail"] for v in versions] == [
        BEFORE.replace('"medium"', '"critical"'), BEFORE]     # newest first, in full
    assert lineguard(["--home", str(configured.root), "audit", "--verify"]) == 0


def test_taking_recipients_away_is_critical_so_the_security_list_hears_of_it(
        configured: Home, capsys) -> None:
    configured.config_path.write_text(BEFORE.replace('"kobe-noc@example.net"', '"me@x.net"'))
    [finding] = check(configured, capsys)
    assert finding["severity"] == "critical"
    assert "site kobe mail_to no longer mails kobe-noc@example.net" in finding["title"]
    assert "site kobe mail_to adds me@x.net" in finding["title"]


def test_a_default_change_is_named_once_not_once_per_site(configured: Home, capsys) -> None:
    configured.config_path.write_text(BEFORE.replace('alert_threshold = "high"\n',
                                                     'alert_threshold = "high"\n'
                                                     'approvals = 1\n'))
    [finding] = check(configured, capsys)
    assert finding["severity"] == "high"
    assert finding["title"].count("approvals: 2 -> 1") == 1
    assert "default approvals: 2 -> 1" in finding["title"]


def test_a_neutral_change_is_medium_and_a_change_closes_after_a_week(configured: Home,
                                                                     capsys) -> None:
    configured.config_path.write_text('display_tz = "Asia/Tokyo"\n' + BEFORE)
    [finding] = check(configured, capsys)
    assert finding["severity"] == "medium" and "display_tz: UTC -> Asia/Tokyo" in finding["title"]
    store = configured.open()
    [row] = [r for r in store.audit_rows(50) if r["event"] == EVENT][:1]
    later = (store_time(row["at"]) + timedelta(days=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert check(configured, capsys, "--now", later) == []


def test_removing_the_file_or_breaking_it_is_weakening(configured: Home, capsys) -> None:
    configured.config_path.unlink()             # every site back to soc@localhost
    [finding] = check(configured, capsys)
    assert finding["severity"] == "critical"
    assert "no longer mails kobe-noc@example.net" in finding["title"]
    assert compare(BEFORE, "mail_to = [")[0].weakens
    assert "cannot be read" in compare(BEFORE, "alert_threshold = 'loud'")[0].what


def store_time(text: str):
    from lineguard.formats.wire import parse_utc
    return parse_utc(text)


def test_an_unchanged_file_adds_no_audit_rows(configured: Home, capsys, tmp_path: Path) -> None:
    before = len(configured.open().audit_rows(1000))
    check(configured, capsys)
    check(configured, capsys)
    assert len(configured.open().audit_rows(1000)) == before
