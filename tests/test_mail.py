"""Alert mail as people read it, through a real SMTP server (aiosmtpd) on loopback: a text part
and an HTML part with what, where, who, when, why and how to stop each job — per job source —
text lines within 100 characters, and the full report attached or linked."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lineguard.agent.cli import main as agent
from lineguard.collector.alerts import send_due
from lineguard.collector.check import evaluate
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import ConfigError, Home
from lineguard.collector.html_report import render_html
from lineguard.collector.mailbody import WIDTH, fold
from lineguard.collector.model import AbsoluteTrigger, Job
from lineguard.collector.remedy import origin
from lineguard.collector.report import fleet_report
from lineguard.formats.wire import Artifact
from tests.hostroot import link, write
from tests.smtpsink import html_of, text_of
from tests.test_check import AT_FILE, ingest_planted

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

DOCS = Path(__file__).resolve().parent.parent / "docs"
WIPE = ("#!/bin/sh\nfor ne in 10.40.0.10 10.40.0.11; do\n"
        "  snmpset -v2c -c private $ne 1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32 i 6\ndone\n")
IOS = """\
hostname atm-kobe-03
clock timezone JST 9 0
kron occurrence WIPE user lgops at 3:15 Feb 14 oneshot
 policy-list WIPE-LIST
!
kron policy-list WIPE-LIST
 cli configure terminal
 cli no interface ATM0/0/0.100
!
event manager applet NIGHTLY authorization bypass
 event timer cron cron-entry "0 3 * * *"
 action 1.0 cli command "enable"
 action 2.0 cli command "configure terminal"
 action 3.0 cli command "no interface ATM0/0/0.100"
!
end
"""
JUNOS = """\
system {
    time-zone Asia/Tokyo;
}
event-options {
    generate-event {
        NIGHTLY time-of-day "03:00:00 +0900";
    }
    policy WIPE-XC {
        events NIGHTLY;
        then {
            change-configuration {
                commands {
                    "delete interfaces at-0/0/0 unit 100";
                }
            }
        }
    }
}
"""


def every_source_root(root: Path) -> Path:
    """One destructive script, scheduled by every host mechanism that names a file and line."""
    write(root, "etc/timezone", "Asia/Tokyo\n")
    write(root, "etc/debian_version", "12.8\n")
    write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
                              "ctr02:x:1002:1002::/home/ctr02:/bin/bash\n"
                              "ops:x:1003:1003::/home/ops:/bin/bash\n")
    write(root, "opt/maint/wipe.sh", WIPE, 0o755)
    write(root, "var/spool/cron/crontabs/ctr02", "30 18 8 2 * /opt/maint/wipe.sh\n", 0o600)
    write(root, "etc/cron.d/maint", "SHELL=/bin/sh\n15 4 9 2 * root /opt/maint/wipe.sh\n")
    write(root, "etc/systemd/system/wipe.timer", "[Timer]\nOnCalendar=2027-02-10 01:00\n")
    write(root, "etc/systemd/system/wipe.service", "[Service]\nExecStart=/opt/maint/wipe.sh\n")
    link(root, "etc/systemd/system/timers.target.wants/wipe.timer",
         "/etc/systemd/system/wipe.timer")
    user = "home/ops/.config/systemd/user"
    write(root, f"{user}/sync.timer", "[Timer]\nOnCalendar=2027-02-11 01:00\n")
    write(root, f"{user}/sync.service", "[Service]\nExecStart=/opt/maint/wipe.sh\n")
    link(root, f"{user}/timers.target.wants/sync.timer", f"/{user}/sync.timer")
    write(root, "etc/anacrontab", "SHELL=/bin/sh\n30 10 wipe /opt/maint/wipe.sh\n")
    write(root, "var/spool/cron/atjobs/a0001201ca5494",
          "#!/bin/sh\n# atrun uid=1002 gid=1002\n# mail ctr02 0\numask 22\n"
          "cd /home/ctr02 || {\n\t echo 'Execution directory inaccessible' >&2\n\t exit 1\n}\n"
          "/opt/maint/wipe.sh\n", 0o700)
    return root


def snapshot(tmp_path: Path, home: Home) -> None:
    root = every_source_root(tmp_path / "root")
    (tmp_path / "ios.cfg").write_text(IOS)
    (tmp_path / "junos.cfg").write_text(JUNOS)
    inv = tmp_path / "inventory.toml"
    inv.write_text('[[device]]\nname = "atm-kobe-03"\nplatform = "cisco_ios"\nmethod = "file"\n'
                   'path = "ios.cfg"\nsite = "kobe"\n\n'
                   '[[device]]\nname = "atm-kobe-04"\nplatform = "juniper_junos"\n'
                   'method = "file"\npath = "junos.cfg"\nsite = "kobe"\n')
    key = tmp_path / "agent.key"
    agent(["keygen", "--out", str(key)])
    assert lineguard(["--home", str(home.root), "agents", "add", "ems-01", "--key",
                      f"{key}.pub", "--site", "kobe"]) == 0
    assert agent(["snapshot", "--root", str(root), "--hostname", "ems-01", "--agent", "ems-01",
                  "--key", str(key), "--inventory", str(inv),
                  "--out", str(home.inbox / "s.lgsnap")]) == 0
    assert lineguard(["--home", str(home.root), "ingest"]) == 0


STOPS = {
    "crontab -u ctr02 -e": "30 18 8 2 * /opt/maint/wipe.sh",
    "delete line 2 from /etc/cron.d/maint: 15 4 9 2 * root /opt/maint/wipe.sh": None,
    "systemctl disable --now wipe.timer": "rm /etc/systemd/system/wipe.timer",
    "systemctl --user -M ops@ disable --now sync.timer":
        "rm /home/ops/.config/systemd/user/sync.timer",
    "delete line 2 from /etc/anacrontab: 30 10 wipe /opt/maint/wipe.sh": None,
    "atrm 18": "/var/spool/cron/atjobs/a0001201ca5494",
    "no kron occurrence WIPE": "no kron policy-list WIPE-LIST",
    "no event manager applet NIGHTLY": "write memory",
    "delete event-options policy WIPE-XC": "commit",
}


def test_every_source_says_how_to_stop_it_in_both_parts(tmp_path: Path, home: Home,
                                                         smtp) -> None:
    port, inbox = smtp
    snapshot(tmp_path, home)
    (home.root / "config.toml").write_text(
        f'smtp_port = {port}\nsilence_hours = 1000000\nrealert_hours = 1000\n'
        f'report_url = "https://noc.example.net/lineguard/report.html"\n')
    store = home.open()
    findings = [j.finding for j in evaluate(home, store, NOW)]
    assert send_due(store, home.settings(), findings, NOW) != []
    messages = [m for _, _, m in inbox.messages]
    text = "\n".join(text_of(m) for m in messages)
    html = "\n".join(html_of(m) for m in messages)
    for command, detail in STOPS.items():
        assert command in text, command
        assert command.replace("<", "&lt;") in html, command
        if detail:
            assert detail in text, detail
    assert "https://noc.example.net/lineguard/report.html" in text
    assert all(not any(p.get_filename() for p in m.iter_attachments()) for m in messages)
    too_long = [ln for ln in text.splitlines() if len(ln) > WIDTH]
    assert too_long == []
    kobe = next(m for m in messages if "site kobe" in m["Subject"])
    assert re.match(r"\[lineguard\] CRITICAL: \d+ destructive jobs? fire.* in "
                    r"(\d+d \d\dh|\d\dh \d\dm|\d+m) on \S+ \(site kobe\)", kobe["Subject"]), \
        kobe["Subject"]


def test_the_report_is_attached_without_a_report_url(tmp_path: Path, home: Home, smtp) -> None:
    port, inbox = smtp
    ingest_planted(tmp_path, home)
    (home.root / "config.toml").write_text(f"smtp_port = {port}\nsilence_hours = 1000000\n")
    store = home.open()
    findings = [j.finding for j in evaluate(home, store, NOW)]
    send_due(store, home.settings(), findings, NOW,
             report=lambda: render_html(fleet_report(home, store, NOW)))
    [(_, _, msg)] = inbox.messages
    [report] = list(msg.iter_attachments())
    assert report.get_filename() == "lineguard-report.html"
    assert report.get_content().startswith("<!DOCTYPE html>")
    assert "Full report: attached (lineguard-report.html)." in text_of(msg)


def test_the_alert_example_in_docs_is_a_real_finding_rendered(tmp_path: Path, home: Home,
                                                               smtp) -> None:
    """docs/alert-example.txt, embedded in the README, is this test's output: the planted at job
    of tests/test_check.py. So that the example is the same on
    every run, its file times (those of the test's own files) are written as YYYY-MM-DDThh:mm:ssZ."""
    port, inbox = smtp
    ingest_planted(tmp_path, home)
    (home.root / "config.toml").write_text(
        f'smtp_port = {port}\nsilence_hours = 1000000\ndisplay_tz = "UTC"\n'
        f'report_url = "https://noc.example.net/lineguard/report.html"\n')
    store = home.open()
    findings = [j.finding for j in evaluate(home, store, NOW) if j.finding.kind == "job"]
    send_due(store, home.settings(), findings, NOW)
    [(_, _, msg)] = inbox.messages
    text = text_of(msg).replace("\r\n", "\n")
    # the same width as a real time, so the lines wrap as they did
    text = re.sub(r"((?:modified|changed)\s+)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
                  r"\1YYYY-MM-DDThh:mm:ssZ", text)
    # secrets are masked at the agent under its own (here: a fresh) key
    text = re.sub(r"lg-masked:hmac-sha256:[0-9a-f]{16}", "lg-masked:hmac-sha256:0123456789abcdef",
                  text)
    assert f"atrm 3   (spool file /var/spool/cron/atjobs/{AT_FILE})" in text
    assert "runs as opsuser" in text and "(target 2027-02-10 12:00:00 JST, Asia/Tokyo)" in text
    example = f"Subject: {msg['Subject']}\n\n{text}"
    path = DOCS / "alert-example.txt"
    if os.environ.get("LINEGUARD_WRITE_DOCS") or not path.exists():
        path.write_text(example)
    assert path.read_text() == example, "regenerate with LINEGUARD_WRITE_DOCS=1"


def test_the_readme_shows_the_alert_example() -> None:
    readme = (DOCS.parent / "README.md").read_text()
    block = re.search(r"<!-- alert-example -->\n```text\n(.*?)```\n", readme, re.S)
    assert block is not None
    assert block.group(1) == (DOCS / "alert-example.txt").read_text()


@pytest.mark.parametrize(("job", "art", "expected"), [
    (Job("r1", "reload", "show-reload", 1, "lgops", "Reload scheduled for 03:00:00 JST",
         "reload", AbsoluteTrigger(NOW)), None, ("reload cancel",)),
    (Job("j1", "reload", "show-system-reboot", 1, "lgops", "reboot requested",
         "request system reboot", AbsoluteTrigger(NOW)), None, ("clear system reboot",)),
    (Job("h1", "process", "proc/4242", None, "ctr02", "sleep 6480000; /opt/x",
         "/opt/x", AbsoluteTrigger(NOW)),
     Artifact("proc/4242", "process", {"pid": 4242, "user": "ctr02"}, "sleep 6480000"),
     ("kill 4242   (the sleeping process; check it first: ps -o pid,user,args -p 4242)",)),
    (Job("h1", "systemd", "run/user/1000/systemd/transient/run-u7.timer", None, "oper",
         "OnActiveSec=2h", "/opt/x", AbsoluteTrigger(NOW)), None,
     ("systemctl --user -M oper@ stop run-u7.timer   (a transient timer made by systemd-run)",)),
    (Job("h1", "systemd", "lib/systemd/system/ems-backup.timer", 5, "root", "OnCalendar=daily",
         "/opt/x", AbsoluteTrigger(NOW)), None,
     ("systemctl disable --now ems-backup.timer", "systemctl mask ems-backup.timer   "
      "(/lib/systemd/system/ems-backup.timer belongs to a package; masking outlives upgrades)")),
])
def test_stop_commands_of_runtime_and_packaged_jobs(job: Job, art: Artifact | None,
                                                              expected: tuple[str, ...]) -> None:
    assert origin(job, art).stop == expected


def test_a_long_token_is_cut_with_a_continuation_mark() -> None:
    token = "1.3.6.1.2.1.37.1.11.1.13." * 10
    lines = fold(f"evidence: {token}", "       ", "     ")
    assert all(len(ln) <= WIDTH for ln in lines) and len(lines) > 1
    assert lines[0] == "     evidence:" and lines[1].endswith("\\")
    assert "".join(ln.strip().rstrip("\\") for ln in lines[1:]) == token


@pytest.mark.parametrize(("value", "problem"), [
    ('"ftp://x/r.html"', "report_url must be an http"), ('"not a url"', "report_url must be"),
    ("3", "report_url must be"), ('"Mars/Olympus"', "display_tz must be a time zone")])
def test_report_url_and_display_tz_are_validated(home: Home, value: str, problem: str) -> None:
    key = "display_tz" if "display_tz" in problem else "report_url"
    (home.root / "config.toml").write_text(f"{key} = {value}\n")
    with pytest.raises(ConfigError, match=problem):
        home.settings()
