"""Sites are tenants: per-site recipients, thresholds and re-alert intervals, a fleet-wide
security list for every critical finding, and findings that carry their site — checked with
several sites against a real SMTP server on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import ConfigError, Home
from tests.baselinekit import Fleet, device
from tests.smtpsink import Inbox, text_of
from tests.snapfactory import AgentChain, ios_config

CONFIG = """\
smtp_host = "127.0.0.1"
smtp_port = {port}
mail_from = "lineguard@soc.example.net"
security_to = ["csirt@example.net"]

mail_to = ["noc@example.net"]          # the default for every site without its own
alert_threshold = "high"
realert_hours = 24

[site.kobe]
mail_to = ["kobe-noc@example.net"]
alert_threshold = "medium"
realert_hours = 0

[site.osaka]
mail_to = ["osaka-noc@example.net"]
alert_threshold = "critical"
"""

DEVICES = (("atm-kobe-01", "kobe"), ("atm-osaka-01", "osaka"), ("atm-nara-01", "nara"))



@pytest.fixture
def fleet(home: Home, chain: AgentChain, tmp_path: Path) -> Fleet:
    fleet = Fleet(home, chain)
    fleet.poll(*(device(name, pvcs=12, site=site) for name, site in DEVICES))
    key = fleet.approver(tmp_path)
    for name, _ in DEVICES:
        fleet.approve(name, key)
    # kobe and osaka: a configuration change (high); nara: every PVC deleted (critical)
    fleet.poll(device("atm-kobe-01", site="kobe", config=ios_config("atm-kobe-01", 12, 99)),
               device("atm-osaka-01", site="osaka", config=ios_config("atm-osaka-01", 12, 99)),
               device("atm-nara-01", pvcs=0, site="nara"))
    return fleet


def mails(sink: Inbox) -> dict[str, list]:
    """Recipient list -> messages; the envelope's recipients are the header's."""
    out: dict[str, list] = {}
    for _, rcpt_tos, msg in sink.messages:
        assert rcpt_tos == msg["To"].split(", ")
        out.setdefault(msg["To"], []).append(msg)
    return out


def test_each_site_gets_only_its_own_targets_at_its_own_threshold(fleet: Fleet, smtp,
                                                                  capsys) -> None:
    port, sink = smtp
    (fleet.home.root / "config.toml").write_text(CONFIG.format(port=port))
    root = str(fleet.home.root)
    assert lineguard(["--home", root, "check"]) == 1
    got = mails(sink)
    assert sorted(got) == ["csirt@example.net", "kobe-noc@example.net", "noc@example.net"]
    [kobe] = got["kobe-noc@example.net"]
    kobe_body = text_of(kobe)
    assert "atm-kobe-01 drifted" in kobe_body and "for the site kobe" in kobe_body
    assert "atm-nara-01" not in kobe_body and "atm-osaka-01" not in kobe_body
    [nara] = got["noc@example.net"]                      # nara has no table: the defaults
    assert "line data lost on atm-nara-01" in text_of(nara)
    assert "atm-kobe-01" not in text_of(nara) and "atm-osaka-01" not in text_of(nara)
    [security] = got["csirt@example.net"]                # every critical, whatever the site
    body = text_of(security)
    assert "[CRITICAL] line data lost on atm-nara-01" in body and "[HIGH]" not in body
    # osaka's threshold is critical: its high drift is listed, not mailed
    out = capsys.readouterr().out
    assert any(ln.split()[:3] == ["HIGH", "drift", "osaka"] for ln in out.splitlines())

    # a second run: kobe re-alerts every run (realert_hours = 0), the others wait 24 h
    sink.messages.clear()
    assert lineguard(["--home", root, "check"]) == 1
    assert sorted(mails(sink)) == ["kobe-noc@example.net"]


def test_findings_carry_their_site_in_json(fleet: Fleet, capsys) -> None:
    capsys.readouterr()
    lineguard(["--home", str(fleet.home.root), "check", "--json", "--no-email"])
    found = json.loads(capsys.readouterr().out)["findings"]
    assert {(f["target"], f["site"]) for f in found} == {
        ("atm-kobe-01", "kobe"), ("atm-osaka-01", "osaka"), ("atm-nara-01", "nara")}


def test_exit_code_follows_each_sites_threshold(fleet: Fleet, smtp) -> None:
    config = CONFIG.format(port=smtp[0])
    (fleet.home.root / "config.toml").write_text(
        config.replace('alert_threshold = "high"\n', 'alert_threshold = "critical"\n', 1)
              .replace('alert_threshold = "medium"', 'alert_threshold = "critical"'))
    fleet.poll(device("atm-kobe-01", site="kobe", config=ios_config("atm-kobe-01", 12, 99)),
               device("atm-osaka-01", site="osaka", config=ios_config("atm-osaka-01", 12, 99)),
               device("atm-nara-01", pvcs=12, site="nara"))
    # only high drift is left, and every site now alerts from critical
    assert lineguard(["--home", str(fleet.home.root), "check", "--no-email"]) == 0


def test_a_site_policy_inherits_the_defaults(home: Home) -> None:
    (home.root / "config.toml").write_text(
        'mail_to = ["noc@example.net"]\nrealert_hours = 6\napprovals = 3\n'
        '[site.kobe]\nalert_threshold = "low"\n[site.lab]\napprovals = 1\n')
    settings = home.settings()
    kobe = settings.site("kobe")
    assert (kobe.mail_to, kobe.alert_threshold, kobe.realert_hours, kobe.approvals) == (
        ("noc@example.net",), "low", 6, 3)
    assert settings.site("lab").approvals == 1 and settings.site(None).approvals == 3
    assert settings.site("nowhere") == settings.default


@pytest.mark.parametrize("text, message", [
    ('alert_treshold = "high"\n', "unknown key 'alert_treshold'; did you mean 'alert_threshold'?"),
    ('[site.kobe]\nmail_too = ["a@b"]\n', "[site.kobe]: unknown key 'mail_too'; did you mean "
                                          "'mail_to'?"),
    ('[sites.kobe]\nmail_to = ["a@b"]\n', "unknown key 'sites'; did you mean 'site'?"),
    ('[site.kobe]\napprovals = 0\n', "[site.kobe]: approvals must be a positive whole number"),
])
def test_a_misspelt_or_wrong_setting_names_the_closest_valid_one(home: Home, text: str,
                                                                  message: str, capsys) -> None:
    (home.root / "config.toml").write_text(text)
    with pytest.raises(ConfigError) as e:
        home.settings()
    assert str(e.value).endswith(message)
    capsys.readouterr()
    assert lineguard(["--home", str(home.root), "check", "--no-email"]) == 2
    [err] = capsys.readouterr().err.strip().splitlines()
    assert message in err and str(home.root / "config.toml") in err


def test_silence_is_judged_by_each_agents_site(home: Home, tmp_path: Path, capsys) -> None:
    from datetime import timedelta

    from lineguard.collector.jobs import iso_z, parse_now
    for name, site in (("ems-kobe-01", "kobe"), ("ems-osaka-01", "osaka")):
        chain = AgentChain.create(tmp_path / name, name)
        assert lineguard(["--home", str(home.root), "agents", "add", name, "--key",
                          str(chain.pub_path), "--site", site]) == 0
        Fleet(home, chain).poll(device(f"atm-{site}-01", site=site))
    (home.root / "config.toml").write_text("silence_hours = 2\n[site.osaka]\nsilence_hours = 0.5\n")
    later = iso_z(parse_now(None) + timedelta(hours=1))
    capsys.readouterr()
    lineguard(["--home", str(home.root), "check", "--json", "--no-email", "--now", later])
    silent = [(f["target"], f["site"]) for f in json.loads(capsys.readouterr().out)["findings"]
              if f["kind"] == "silence"]
    assert silent == [("ems-osaka-01", "osaka")]
