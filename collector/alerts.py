"""Alert emails: one digest per run of the findings that are due, sent over SMTP.

A finding at or above the alert threshold is due when it was never sent, when its severity rose
since it was last sent (escalation), when its job now fires within 24 hours and the last email
went out before that (final warning), or when `realert_hours` have passed. What was sent is kept
in the store's `alerts` table by Finding.key; it is written only after the SMTP server accepted
the message, so an alert that could not be sent stays due and goes out on the next run.

Each email is on record (`alert_mail`) as `sending` before the SMTP server is contacted and as
`sent` in the one small write right after it accepted. Its Message-ID is derived from what it
says (each finding's key, severity, why it is due, and its alert generation: how many times that
finding was mailed before), so when the collector dies inside that window the repeat sent by the
next run carries the same Message-ID and mail clients show it once. The edge that remains is in
the README ("Alert emails").
"""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from agent.wire import canonical, sha256_hex
from collector.home import Settings
from collector.model import SEVERITIES, Finding
from collector.store import Store

FINAL_WARNING = timedelta(hours=24)
_SMTP_TIMEOUT_S = 15


class AlertError(RuntimeError):
    """The alert email could not be sent; the alerts stay due."""


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str | None) -> datetime | None:
    return None if not text else datetime.fromisoformat(text.replace("Z", "+00:00"))


def countdown(fire_at: datetime, now: datetime) -> str:
    """`74d 09h`, `05h 12m`, `12m`; `now` or `overdue 3h` once the time has passed."""
    seconds = int((fire_at - now).total_seconds())
    if seconds < 0:
        ago = -seconds
        return "overdue " + (f"{ago // 86400}d" if ago >= 86400 else
                             f"{ago // 3600}h" if ago >= 3600 else f"{ago // 60}m")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours:02d}h {minutes:02d}m"
    return f"{minutes}m"


def _final_window(finding: Finding, now: datetime) -> bool:
    return finding.fire_at is not None and now <= finding.fire_at <= now + FINAL_WARNING


def why_due(finding: Finding, row: dict | None, settings: Settings, now: datetime) -> str | None:
    """Why `finding` should be emailed now ("new", "escalated", "final warning", "reminder"),
    or None when it is not due."""
    if row is None or not row.get("last_sent"):
        return "new"
    if _rank(finding.severity) > _rank(row["severity"]):
        return f"escalated from {row['severity']}"
    last = _parse(row["last_sent"])
    if _final_window(finding, now) and last < finding.fire_at - FINAL_WARNING:
        return "final warning"
    if now - last >= timedelta(hours=settings.realert_hours):
        return "reminder"
    return None


def due(store: Store, settings: Settings, findings: list[Finding],
        now: datetime) -> list[tuple[Finding, str]]:
    """The findings at or above the threshold that are due, most urgent first, with why."""
    threshold = _rank(settings.alert_threshold)
    out: list[tuple[Finding, str]] = []
    seen: set[str] = set()
    for f in findings:
        if _rank(f.severity) < threshold or f.key in seen:
            continue
        seen.add(f.key)
        rows = list(store.db["alerts"].rows_where("key = ?", [f.key]))
        reason = why_due(f, rows[0] if rows else None, settings, now)
        if reason:
            out.append((f, reason))
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(out, key=lambda it: (-_rank(it[0].severity), it[0].fire_at or far, it[0].key))


def subject(items: list[tuple[Finding, str]], now: datetime) -> str:
    """`[lineguard] CRITICAL: 1 destructive job fires in 74d 09h on mgmt-01` for the most urgent
    finding (jobs at that severity on that target are counted together), `(+N more)` after."""
    top = items[0][0]
    sev = top.severity.upper()
    if top.kind == "job" and top.fire_at is not None:
        same = [f for f, _ in items if f.kind == "job" and f.target == top.target
                and f.severity == top.severity]
        word = ("destructive" if "destructive" in top.title.lower()
                else "suspicious" if "suspicious" in top.title.lower() else top.severity)
        jobs = "job fires" if len(same) == 1 else "jobs fire, the first"
        head = f"{len(same)} {word} {jobs} in {countdown(top.fire_at, now)} on {top.target}"
        rest = len(items) - len(same)
    else:
        head, rest = top.title, len(items) - 1
    return f"[lineguard] {sev}: {head}" + (f" (+{rest} more)" if rest else "")


# A digest stays small enough for any mail server to take: the most urgent findings in full,
# the next ones by title, then a count (a flood of findings must not make the email, and with
# it every alert, bounce for its size).
DIGEST_IN_FULL = 50
DIGEST_BY_TITLE = 400
DETAIL_LINES = 60


def body(items: list[tuple[Finding, str]], settings: Settings, now: datetime) -> str:
    lines = [f"lineguard: {len(items)} finding(s) at or above {settings.alert_threshold} "
             f"due as of {_iso(now)}.", ""]
    lines += _in_full(items[:DIGEST_IN_FULL], now)
    by_title = items[DIGEST_IN_FULL:DIGEST_IN_FULL + DIGEST_BY_TITLE]
    for n, (f, reason) in enumerate(by_title, DIGEST_IN_FULL + 1):
        lines.append(f"{n}. [{f.severity.upper()}] {f.title[:300]}   ({reason})")
    left = len(items) - DIGEST_IN_FULL - len(by_title)
    if left > 0:
        lines += ["", f"... and {left:,} more finding(s): lineguard check lists them all."]
    if by_title:
        lines.append("")
    lines.append("Re-sent when severity rises, when a job is within 24 h of firing, and every "
                 f"{settings.realert_hours:g} h while open.")
    return "\n".join(lines) + "\n"


def _in_full(items: list[tuple[Finding, str]], now: datetime) -> list[str]:
    lines: list[str] = []
    for n, (f, reason) in enumerate(items, 1):
        lines.append(f"{n}. [{f.severity.upper()}] {f.title}")
        lines.append(f"   target: {f.target}   kind: {f.kind}   alert: {reason}   key: {f.key}")
        if f.fire_at is not None:
            warn = ("  FINAL WARNING: fires within 24 h" if _final_window(f, now) else "")
            lines.append(f"   fires: {_iso(f.fire_at)} (in {countdown(f.fire_at, now)}){warn}")
        explanations = list(dict.fromkeys(r.explanation for r in f.evidence if r.explanation))
        for text in explanations:
            lines.append(f"   why: {text}")
        if f.evidence:
            lines.append("   evidence:")
            for r in f.evidence:
                where = (f"{r.path}:{r.line}: " if r.path and r.line is not None
                         else f"{r.path}: " if r.path else "")
                lines.append(f"     {where}{r.evidence}" + (f"   [{r.rule}]" if r.rule else ""))
        if f.detail:
            lines.append("   detail:")
            detail = f.detail.splitlines()
            lines += [f"     {ln[:500]}" for ln in detail[:DETAIL_LINES]]
            if len(detail) > DETAIL_LINES:
                lines.append(f"     ... {len(detail) - DETAIL_LINES} more line(s): lineguard "
                             f"check --json")
        lines.append("")
    return lines


def send_due(store: Store, settings: Settings, findings: list[Finding],
             now: datetime) -> list[str]:
    """Email the due findings as one digest; returns the keys sent ([] when none were due).
    Raises AlertError when the SMTP server cannot be reached or refuses; nothing is then
    recorded as sent."""
    items = due(store, settings, findings, now)
    if not items:
        return []
    msg_id = message_id(store, items, settings)
    _begin(store, msg_id, items, now)
    # Long subjects stay on one line: Python's folder would otherwise move the whole value to a
    # continuation line, and readers then show it with a leading space.
    msg = EmailMessage(policy=policy.SMTP.clone(max_line_length=998))
    msg["Subject"] = subject(items, now)[:250]
    msg["From"] = settings.mail_from
    msg["To"] = ", ".join(settings.mail_to)
    msg["Date"] = format_datetime(now.astimezone(UTC))
    msg["Message-ID"] = msg_id
    msg.set_content(body(items, settings, now))
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                          timeout=_SMTP_TIMEOUT_S) as smtp:
            refused = smtp.send_message(msg, settings.mail_from, list(settings.mail_to))
    except (OSError, smtplib.SMTPException) as e:
        _failed(store, msg_id)
        raise AlertError(f"could not send the alert email via {settings.smtp_host}:"
                         f"{settings.smtp_port} ({e.__class__.__name__}: {e}); "
                         f"{len(items)} alert(s) stay due and are retried on the next run"
                         ) from None
    _record(store, msg_id, items, msg["Subject"], now, refused)
    return [f.key for f, _ in items]


def message_id(store: Store, items: list[tuple[Finding, str]], settings: Settings) -> str:
    """The same email gets the same Message-ID: derived from each finding's key, severity, why
    it is due and its generation (times mailed before), at the sender's domain."""
    parts = []
    for f, reason in items:
        row = store.db.execute("SELECT sent_count FROM alerts WHERE key = ?", [f.key]).fetchone()
        parts.append([f.key, f.severity, reason, (row[0] or 0) if row else 0])
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "lineguard"
    return f"<lineguard.{sha256_hex(canonical(sorted(parts)))[:32]}@{domain}>"


def _begin(store: Store, msg_id: str, items: list[tuple[Finding, str]], now: datetime) -> None:
    """On record before the SMTP server has it. An earlier email still `sending` is one the
    collector did not live to record: it may have gone out. If it is this one again, the
    repeat carries its Message-ID; if not, the log says it may have been sent."""
    keys = " ".join(f.key for f, _ in items)[:4000]
    with store.transaction():
        stale = store.db.execute("SELECT message_id, started_at FROM alert_mail "
                                 "WHERE state = 'sending' AND message_id != ?", [msg_id]).fetchall()
        for other, started in stale:
            store.db.execute("UPDATE alert_mail SET state = 'uncertain' WHERE message_id = ?",
                             [other])
            store.audit("alert-uncertain", None, other,
                        f"started {started}; the collector stopped before recording the outcome")
        if store.db.execute("SELECT 1 FROM alert_mail WHERE message_id = ? AND state = 'sending'",
                            [msg_id]).fetchone():
            store.audit("alert-uncertain", None, msg_id,
                        "interrupted before its outcome was recorded; sent again, same Message-ID")
        store.db.execute("INSERT INTO alert_mail (message_id, state, started_at, keys) "
                         "VALUES (?, 'sending', ?, ?) ON CONFLICT(message_id) DO UPDATE SET "
                         "state = 'sending', started_at = excluded.started_at",
                         [msg_id, _iso(now), keys])


def _failed(store: Store, msg_id: str) -> None:
    with store.transaction():
        store.db.execute("UPDATE alert_mail SET state = 'failed' WHERE message_id = ?", [msg_id])


def _record(store: Store, msg_id: str, items: list[tuple[Finding, str]], subj: str,
            now: datetime, refused: dict[str, tuple[int, bytes]] | None = None) -> None:
    """The one write after the SMTP server accepted: the shorter, the smaller the window in
    which a dying collector sends an alert twice. Mailboxes the server refused while taking the
    message for the others are put on the audit record (the alert reached fewer people)."""
    at = _iso(now)
    with store.transaction():
        if refused:
            store.audit("alert-refused", None, msg_id, "; ".join(
                f"{rcpt}: {code} {text.decode('utf-8', 'replace')}"
                for rcpt, (code, text) in sorted(refused.items()))[:2000])
        store.db.execute("UPDATE alert_mail SET state = 'sent', finished_at = ? "
                         "WHERE message_id = ?", [at, msg_id])
        for f, _ in items:
            store.db.execute(
                "INSERT INTO alerts (key, severity, first_seen, last_sent, sent_count, subject) "
                "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT(key) DO UPDATE SET "
                "severity = excluded.severity, last_sent = excluded.last_sent, "
                "sent_count = COALESCE(alerts.sent_count, 0) + 1, subject = excluded.subject",
                [f.key, f.severity, at, at, subj])
        store.audit("alert", None, f"{len(items)} finding(s)",
                    "; ".join(f"{f.key} ({reason})" for f, reason in items)[:2000])
