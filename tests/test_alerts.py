"""Alert emails through a real SMTP server on loopback: one digest per run, deduplicated by
finding key, re-sent on escalation, on the final 24 hours before a job fires, and after the
re-alert interval; an unreachable server leaves the alerts due."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from lineguard.collector.alerts import AlertError, countdown, message_id, routes, send_due
from lineguard.collector.home import Settings
from lineguard.collector.model import Finding, Reason, Severity, Verdict
from lineguard.collector.store import Store
from tests.smtpsink import Inbox, free_port, html_of, start_smtp, text_of

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
FIRES = NOW + timedelta(days=74, hours=9, minutes=30)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "lineguard.db")
    try:
        yield s
    finally:
        s.close()


def settings(port: int, **kw) -> Settings:
    return Settings(smtp_port=port, mail_from="lineguard@soc.example.net",
                    mail_to=("soc@example.net", "noc@example.net"), **kw)


WIPE = Finding(
    key="job:mgmt-01:etc/cron.d/maint:3", kind="job", severity=Severity.CRITICAL, target="mgmt-01",
    title="destructive job on mgmt-01: /opt/maint/clean.sh", fire_at=FIRES,
    detail="cron job of root, schedule 30 18 8 2 * (Asia/Tokyo)",
    evidence=(Reason("lg.host.snmpset-destroy",
                     "snmpset -v2c -c private $ne 1.3.6.1.2.1.37.1.11.1.13 i 6",
                     "opt/maint/clean.sh", 14, title="ATM-MIB row destroyed over SNMP",
                     explanation="Sets RowStatus to destroy(6) on the VC cross-connect table: "
                                 "deletes line data on the device.", severity=Severity.CRITICAL),),
    verdict=Verdict.DESTRUCTIVE)
DRIFT = Finding(key="drift:atm-kobe-03:baseline:abc", kind="drift", severity=Severity.HIGH,
                target="atm-kobe-03", title="atm-kobe-03 drifted from its approved baseline",
                evidence=(Reason("lg.drift.line-added", "+ event manager applet NIGHTLY",
                                 "running-config", 181),))
NOISE = Finding(key="drift:mgmt-01:baseline:def", kind="drift", severity=Severity.MEDIUM,
                target="mgmt-01", title="mgmt-01 drifted: 1 changed (etc/passwd)")


def test_due_findings_go_out_as_one_digest(store: Store, smtp) -> None:
    port, inbox = smtp
    sent = send_due(store, settings(port), [NOISE, DRIFT, WIPE], NOW)
    assert sent == [WIPE.key, DRIFT.key]             # most severe first; medium is below "high"
    [(sender, rcpts, msg)] = inbox.messages
    assert sender == "lineguard@soc.example.net"
    assert rcpts == ["soc@example.net", "noc@example.net"]
    assert msg["Subject"] == ("[lineguard] CRITICAL: 1 destructive job fires in 74d 09h on "
                              "mgmt-01 (+1 more)")
    text = text_of(msg)
    assert "opt/maint/clean.sh:14: snmpset -v2c -c private $ne 1.3.6.1.2.1.37.1.11.1.13 i 6" in text
    assert "why: Sets RowStatus to destroy(6)" in text
    assert "fires: 2027-02-07T18:30:00Z (in 74d 09h)" in text
    assert "running-config:181: + event manager applet NIGHTLY" in text
    assert "mgmt-01 drifted" not in text
    row = next(store.db["alerts"].rows_where("key = ?", [WIPE.key]))
    assert (row["severity"], row["sent_count"], row["last_sent"]) == ("critical", 1,
                                                                      "2026-11-25T09:00:00Z")


def test_sent_alert_waits_for_the_realert_interval(store: Store, smtp) -> None:
    port, inbox = smtp
    cfg = settings(port, realert_hours=24)
    assert send_due(store, cfg, [DRIFT], NOW) == [DRIFT.key]
    assert send_due(store, cfg, [DRIFT], NOW + timedelta(hours=23)) == []
    assert len(inbox.messages) == 1
    assert send_due(store, cfg, [DRIFT], NOW + timedelta(hours=24)) == [DRIFT.key]
    assert "alert: reminder" in text_of(inbox.messages[-1][2])
    assert next(store.db["alerts"].rows_where("key = ?", [DRIFT.key]))["sent_count"] == 2


def test_escalation_is_sent_at_once(store: Store, smtp) -> None:
    port, inbox = smtp
    cfg = settings(port, realert_hours=24)
    assert send_due(store, cfg, [DRIFT], NOW) == [DRIFT.key]
    worse = replace(DRIFT, severity=Severity.CRITICAL)
    assert send_due(store, cfg, [worse], NOW + timedelta(minutes=5)) == [DRIFT.key]
    assert inbox.messages[-1][2]["Subject"].startswith("[lineguard] CRITICAL: atm-kobe-03")
    assert "alert: escalated from high" in text_of(inbox.messages[-1][2])
    assert send_due(store, cfg, [worse], NOW + timedelta(minutes=10)) == []


def test_final_warning_within_24_hours_of_firing_is_sent_once(store: Store, smtp) -> None:
    port, inbox = smtp
    cfg = settings(port, realert_hours=24 * 365)
    assert send_due(store, cfg, [WIPE], NOW) == [WIPE.key]
    assert send_due(store, cfg, [WIPE], FIRES - timedelta(hours=25)) == []
    day_before = FIRES - timedelta(hours=23)
    assert send_due(store, cfg, [WIPE], day_before) == [WIPE.key]
    msg = inbox.messages[-1][2]
    assert "fires in 23h 00m on mgmt-01" in msg["Subject"]
    assert "FINAL WARNING" in text_of(msg) and "alert: final warning" in text_of(msg)
    assert send_due(store, cfg, [WIPE], day_before + timedelta(hours=1)) == []
    assert len(inbox.messages) == 2


def test_smtp_down_is_a_clear_error_and_the_alert_stays_due(store: Store) -> None:
    port = free_port()
    cfg = settings(port)
    with pytest.raises(AlertError, match=f"127.0.0.1:{port}.*2 alert\\(s\\) stay due"):
        send_due(store, cfg, [WIPE, DRIFT], NOW)
    assert store.db["alerts"].count == 0
    controller, inbox = start_smtp(port)
    try:
        assert send_due(store, cfg, [WIPE, DRIFT], NOW + timedelta(minutes=5)) == [WIPE.key,
                                                                                   DRIFT.key]
    finally:
        controller.stop()
    assert len(inbox.messages) == 1


def test_nothing_due_sends_nothing(store: Store, smtp) -> None:
    port, inbox = smtp
    assert send_due(store, settings(port), [NOISE], NOW) == []
    assert send_due(store, settings(port, alert_threshold=Severity.CRITICAL), [DRIFT], NOW) == []
    assert inbox.messages == []


def test_countdown_reads_like_a_clock() -> None:
    assert countdown(FIRES, NOW) == "74d 09h"
    assert countdown(NOW + timedelta(hours=5, minutes=7), NOW) == "05h 07m"
    assert countdown(NOW + timedelta(minutes=42), NOW) == "42m"
    assert countdown(NOW - timedelta(hours=3), NOW) == "overdue 3h"


def test_line_data_loss_found_in_stored_polls_reaches_the_soc(home, chain, tmp_path: Path,
                                                                smtp) -> None:
    from lineguard.collector.analyse.drift import findings
    from tests.baselinekit import Fleet, device
    port, inbox = smtp
    fleet = Fleet(home, chain)
    fleet.poll(device("atm-kobe-03", pvcs=4), device("atm-osaka-01", pvcs=4, site="osaka"))
    key = fleet.approver(tmp_path)
    fleet.approve("atm-kobe-03", key)
    fleet.approve("atm-osaka-01", key)
    fleet.poll(device("atm-kobe-03", pvcs=0), device("atm-osaka-01", pvcs=0, site="osaka"))
    found = findings(fleet.store, fleet.baselines, NOW)
    assert len(send_due(fleet.store, settings(port), found, NOW)) == len(found) == 5
    [(_, _, msg)] = inbox.messages
    assert msg["Subject"] == ("[lineguard] CRITICAL: line data lost on 2 devices at 2 site(s) "
                              "(kobe, osaka) in the same poll (+4 more)")
    assert "running-config:9: vcl ATM0/0/0 1/100 BTS100" in text_of(msg)
    assert send_due(fleet.store, settings(port), findings(fleet.store, fleet.baselines, NOW),
                    NOW + timedelta(hours=1)) == []


def test_a_send_the_collector_did_not_live_to_record_repeats_with_the_same_message_id(
        store: Store, smtp, monkeypatch) -> None:
    import lineguard.collector.alerts as alerts
    port, inbox = smtp
    cfg = settings(port)

    def killed(*_args) -> None:
        raise SystemExit("collector killed after the SMTP server accepted the message")

    with monkeypatch.context() as m:
        m.setattr(alerts, "_record", killed)
        with pytest.raises(SystemExit):
            send_due(store, cfg, [WIPE, DRIFT], NOW)
    assert send_due(store, cfg, [WIPE, DRIFT], NOW + timedelta(minutes=1)) == [WIPE.key, DRIFT.key]
    assert send_due(store, cfg, [WIPE, DRIFT], NOW + timedelta(minutes=2)) == []
    first, repeat = (msg for _, _, msg in inbox.messages)
    assert first["Message-ID"] == repeat["Message-ID"]
    assert first["Message-ID"].endswith("@soc.example.net>")
    reminder = NOW + timedelta(hours=25)
    assert send_due(store, cfg, [WIPE, DRIFT], reminder) == [WIPE.key, DRIFT.key]
    assert inbox.messages[-1][2]["Message-ID"] != first["Message-ID"]
    named = replace(cfg, mail_from="lineguard SOC <lineguard@soc.example.net>")
    [route] = routes(named, [DRIFT])
    assert message_id(store, route, [(DRIFT, "new")], named).endswith("@soc.example.net>")
    events = [r["event"] for r in store.audit_rows(10)]
    assert "alert-uncertain" in events


@dataclass
class Witness(Inbox):
    """An SMTP server that looks at the collector's database while it accepts the message."""

    db: Path | None = None
    seen: list[list[tuple[str, str]]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd hook)
        import sqlite3
        conn = sqlite3.connect(self.db)
        try:
            self.seen.append(conn.execute("SELECT message_id, state FROM alert_mail").fetchall())
        finally:
            conn.close()
        return await super().handle_DATA(server, session, envelope)


def test_the_send_is_on_record_before_the_smtp_server_has_it(store: Store, tmp_path: Path) -> None:
    port = free_port()
    witness = Witness(db=tmp_path / "lineguard.db")
    controller = Controller(witness, hostname="127.0.0.1", port=port, ready_timeout=5)
    controller.start()
    try:
        assert send_due(store, settings(port), [WIPE], NOW) == [WIPE.key]
    finally:
        controller.stop()
    msg_id = witness.messages[0][2]["Message-ID"]
    assert witness.seen == [[(msg_id, "sending")]]
    assert store.db.execute("SELECT state FROM alert_mail").fetchall() == [("sent",)]


@dataclass
class Picky(Inbox):
    """An SMTP server that refuses one mailbox and accepts the others."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        if address.startswith("noc@"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_recipient_the_server_refused_is_on_record_not_lost(store: Store) -> None:
    port = free_port()
    picky = Picky()
    controller = Controller(picky, hostname="127.0.0.1", port=port, ready_timeout=5)
    controller.start()
    try:
        assert send_due(store, settings(port), [WIPE], NOW) == [WIPE.key]
    finally:
        controller.stop()
    assert picky.messages[0][1] == ["soc@example.net"]
    [row] = [r for r in store.audit_rows(10) if r["event"] == "alert-refused"]
    assert "noc@example.net" in row["detail"] and "550" in row["detail"]
    from lineguard.collector.check import alert_mail_findings
    [finding] = alert_mail_findings(store, datetime.now(UTC))
    assert finding.severity == "medium" and "noc@example.net" in finding.title


def test_a_flood_of_findings_cannot_make_the_digest_too_big_to_send(store: Store, smtp) -> None:
    port, inbox = smtp
    flood = [replace(DRIFT, key=f"chain:{n}", kind="chain", title=f"rejected snapshot {n}: junk",
                     detail="x" * 500) for n in range(2000)]
    assert len(send_due(store, settings(port), [WIPE, *flood], NOW)) == 2001
    [(_, _, msg)] = inbox.messages
    text = text_of(msg)
    assert len(text) < 100_000 and "opt/maint/clean.sh:14" in text
    assert len(html_of(msg)) < 150_000 and "and 1,551 more finding(s)" in html_of(msg)
    assert "and 1,551 more finding(s)" in text
