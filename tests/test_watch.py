"""`lineguard watch` runs for weeks: it notices config.toml the moment it is written (an edit
undone before the next round is still on record and still a finding, mailed to whoever the
settings routed to before the edit as well as after), and a step that fails — a junk file, an
SMTP server that is down, a database error — is logged, audited and retried, never the end of
the loop; failing round after round is a finding of its own.

Every wait is a bounded loop that ends as soon as its condition holds."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from lineguard.collector.cli import main as lineguard
from lineguard.collector.config_audit import EVENT
from lineguard.collector.home import Home
from lineguard.collector.homewatch import HomeWatch
from lineguard.collector.watch import ERROR, FAILING, RECOVERED
from tests.smtpsink import free_port, start_smtp, text_of
from tests.test_check import ingest_planted

DEADLINE_S = 120.0

BEFORE = """\
mail_to = ["noc@example.net"]
security_to = ["csirt@example.net"]
smtp_port = {port}
silence_hours = 1000000

[site.kobe]
mail_to = ["kobe-noc@example.net"]
"""
# the insider's edit: the security team off the list, the fleet-wide mail to a mailbox of theirs
INSIDER = BEFORE.replace('security_to = ["csirt@example.net"]\n', "").replace(
    '"noc@example.net"', '"me@insider.example"')


def wait_for(cond: Callable[[], object], what: str) -> None:
    end = time.monotonic() + DEADLINE_S
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what} after {DEADLINE_S:.0f} s")
        time.sleep(0.05)


def config_versions(home: Home) -> list[str]:
    with sqlite3.connect(home.db_path) as db:
        return [r[0] for r in db.execute("SELECT detail FROM audit WHERE event = ? ORDER BY id",
                                          (EVENT,))]


def quarantined(home: Home, name: str) -> bool:
    return not (home.inbox / name).exists() and any(
        p.name.endswith(name) for p in home.quarantine.iterdir())


def test_each_write_of_config_toml_is_taken_before_the_next_one_replaces_it(tmp_path) -> None:
    home = Home(tmp_path / "home")
    home.init().close()
    home.config_path.write_text("alert_threshold = \"high\"\n")
    watch = HomeWatch(home.inbox, home.config_path)
    try:
        for text in ('alert_threshold = "critical"\n', 'alert_threshold = "high"\n'):
            home.config_path.write_text(text)
            wait_for(lambda: watch.wait(0.5), "the watch to wake on the write")
        (home.inbox / ".s1.lgsnap.part").write_text("x")       # an agent's scratch: no wake
        assert not watch.wait(0.5)
        # nothing ran in between (no round, no check): both versions were still taken, in order
        assert watch.config_versions() == ['alert_threshold = "critical"\n',
                                           'alert_threshold = "high"\n']
        home.config_path.unlink()
        wait_for(lambda: watch.wait(0.5), "the watch to wake on the removal")
        assert watch.config_versions() == ["(no config.toml: every setting at its default)"]
    finally:
        watch.close()


@pytest.fixture
def watching(tmp_path: Path):
    """`lineguard watch` as its own process (woken only by events: the interval is an hour),
    with a real SMTP server; stopped with Ctrl-C."""
    port = free_port()
    controller, inbox = start_smtp(port)
    home = Home(tmp_path / "home")
    home.init().close()
    home.config_path.write_text(BEFORE.format(port=port))
    log = tmp_path / "watch.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "lineguard.collector.cli", "--home",
                                 str(home.root), "watch", "--interval", "3600"],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: config_versions(home), "the first round to record config.toml")
        yield home, port, inbox
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
        controller.stop()
        assert proc.returncode in (0, 1), log.read_text()


def test_an_edit_undone_is_two_findings_mailed_to_the_recipients_before_and_after(
        watching) -> None:
    home, port, inbox = watching
    before, insider = BEFORE.format(port=port), INSIDER.format(port=port)

    def edit(text: str) -> None:      # as an editor saves: a new file renamed over the old one
        (home.root / ".config.toml.swp").write_text(text)
        os.replace(home.root / ".config.toml.swp", home.config_path)
    edit(insider)
    wait_for(lambda: config_versions(home)[-1:] == [insider], "the edit on record")
    edit(before)                                                  # and undone
    wait_for(lambda: config_versions(home) == [before, insider, before], "the undo on record")

    def mailed(to: str) -> str:
        return " ".join(" ".join(text_of(m).split()) for _, rcpts, m in inbox.messages
                        if to in rcpts)
    # the security team hears that it was taken off the list, although the new settings
    # route nothing to it; so do the old and the new fleet-wide recipients (the edit and the
    # undo in one digest or in two, as the rounds fell)
    for to in ("csirt@example.net", "noc@example.net", "me@insider.example"):
        wait_for(lambda: "security_to now csirt@example.net" in mailed(to),    # noqa: B023
                 f"the undo mailed to {to}")
        assert "security_to no longer mails csirt@example.net" in mailed(to), to
    # a site whose routing the edit did not touch is not told about other tenants' mail
    assert not any("kobe-noc@example.net" in rcpts for _, rcpts, _m in inbox.messages)


def test_a_failing_step_is_logged_audited_retried_and_then_a_finding(
        tmp_path: Path, home: Home, capsys) -> None:
    ingested = ingest_planted(tmp_path, home)            # a critical at job: mail is due
    port = free_port()                                   # nothing listens there yet
    home.config_path.write_text(f'smtp_port = {port}\nsilence_hours = 1000000\n')
    (home.inbox / "junk.lgsnap").write_bytes(b"\x00not a snapshot")
    capsys.readouterr()
    assert lineguard(["--home", str(ingested.root), "watch", "--iterations", "3",
                      "--interval", "0"]) == 1
    err = capsys.readouterr().err
    failed = [line for line in err.splitlines() if " alerts failed " in line]
    assert len(failed) == 3, err
    assert failed[2].startswith("lineguard watch: round 3: alerts failed (3 round(s) in a row), "
                                "retrying next round: AlertError: ")
    assert f"could not send the alert email via 127.0.0.1:{port}" in failed[2]
    assert quarantined(home, "junk.lgsnap")                     # the junk did not stop a round
    store = home.open()
    assert [r["subject"] for r in store.audit_events(ERROR)] == ["alerts"] * 3
    assert [r["subject"] for r in store.audit_events(FAILING)] == ["alerts"]

    def watch_findings() -> list[dict]:
        capsys.readouterr()
        lineguard(["--home", str(home.root), "check", "--no-email", "--json"])
        return [f for f in json.loads(capsys.readouterr().out)["findings"]
                if f["kind"] == "watch"]
    [finding] = watch_findings()
    assert finding["severity"] == "high"
    assert finding["title"].startswith("lineguard watch: alerts has failed every round since")

    controller, inbox = start_smtp(port)                 # the mail server is back
    try:
        assert lineguard(["--home", str(home.root), "watch", "--iterations", "1",
                          "--interval", "0"]) == 1       # the at job is still critical
    finally:
        controller.stop()
    assert inbox.messages, "the alert that was due went out once the server was back"
    assert [r["subject"] for r in store.audit_events(RECOVERED)] == ["alerts"]
    assert watch_findings() == []


def test_a_database_error_in_one_step_does_not_stop_the_others(home: Home, capsys) -> None:
    with sqlite3.connect(home.db_path) as db:          # a store that fails every check's write
        db.execute("ALTER TABLE findings RENAME TO findings_elsewhere")
    (home.inbox / "junk.lgsnap").write_bytes(b"junk")
    assert lineguard(["--home", str(home.root), "watch", "--iterations", "3", "--interval", "0",
                      "--no-email"]) == 1
    err = capsys.readouterr().err
    assert err.count("check failed") == 3 and "no such table: findings" in err, err
    assert quarantined(home, "junk.lgsnap")                    # ingest went on every round
    with sqlite3.connect(home.db_path) as db:
        db.execute("ALTER TABLE findings_elsewhere RENAME TO findings")
    store = home.open()
    assert [r["subject"] for r in store.audit_events(FAILING)] == ["check"]
    capsys.readouterr()
    lineguard(["--home", str(home.root), "findings", "--json"])
    assert "check has failed every round" in capsys.readouterr().out
    # the round that works again still judged the finding open; once on record, it is gone
    assert lineguard(["--home", str(home.root), "watch", "--iterations", "1", "--interval", "0",
                      "--no-email"]) == 1
    assert [r["subject"] for r in store.audit_events(RECOVERED)] == ["check"]
    assert lineguard(["--home", str(home.root), "check", "--no-email"]) == 0
