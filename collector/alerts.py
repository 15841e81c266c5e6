"""Alert emails: one digest per run of the findings that are due, sent over SMTP.

A finding at or above the alert threshold is due when it was never sent, when its severity rose
since it was last sent (escalation), when its job now fires within 24 hours and the last email
went out before that (final warning), or when `realert_hours` have passed. What was sent is kept
in the store's `alerts` table by Finding.key; it is written only after the SMTP server accepted
the message, so an alert that could not be sent stays due and goes out on the next run.
"""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

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
    if _parse(row["last_sent"]) > now:
        # A send recorded after now is a wrong clock or a tampered row; either way the
        # alert must still go out, not wait until that moment.
        return "new (recorded as sent in the future)"
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


def body(items: list[tuple[Finding, str]], settings: Settings, now: datetime) -> str:
    lines = [f"lineguard: {len(items)} finding(s) at or above {settings.alert_threshold} "
             f"due as of {_iso(now)}.", ""]
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
            lines += [f"     {ln}" for ln in f.detail.splitlines()]
        lines.append("")
    lines.append("Re-sent when severity rises, when a job is within 24 h of firing, and every "
                 f"{settings.realert_hours:g} h while open.")
    return "\n".join(lines) + "\n"


def send_due(store: Store, settings: Settings, findings: list[Finding],
             now: datetime) -> list[str]:
    """Email the due findings as one digest; returns the keys sent ([] when none were due).
    Raises AlertError when the SMTP server cannot be reached or refuses; nothing is then
    recorded as sent."""
    items = due(store, settings, findings, now)
    if not items:
        return []
    # Long subjects stay on one line: Python's folder would otherwise move the whole value to a
    # continuation line, and readers then show it with a leading space.
    msg = EmailMessage(policy=policy.SMTP.clone(max_line_length=998))
    msg["Subject"] = subject(items, now)[:250]
    msg["From"] = settings.mail_from
    msg["To"] = ", ".join(settings.mail_to)
    msg["Date"] = format_datetime(now.astimezone(UTC))
    msg["Message-ID"] = make_msgid(domain="lineguard")
    anchor = store.anchor.last_line()
    # The signed head of the audit log leaves the host with every alert: a copy that the owner
    # of the collector's database cannot rewrite (`lineguard audit --verify` reads the local one).
    msg.set_content(body(items, settings, now)
                    + (f"\nAudit checkpoint (keep this mail):\n{anchor}\n" if anchor else ""))
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                          timeout=_SMTP_TIMEOUT_S) as smtp:
            smtp.send_message(msg, settings.mail_from, list(settings.mail_to))
    except (OSError, smtplib.SMTPException) as e:
        raise AlertError(f"could not send the alert email via {settings.smtp_host}:"
                         f"{settings.smtp_port} ({e.__class__.__name__}: {e}); "
                         f"{len(items)} alert(s) stay due and are retried on the next run"
                         ) from None
    _record(store, items, msg["Subject"], now)
    return [f.key for f, _ in items]


def _record(store: Store, items: list[tuple[Finding, str]], subj: str, now: datetime) -> None:
    at = _iso(now)
    with store.transaction():
        for f, _ in items:
            store.db.execute(
                "INSERT INTO alerts (key, severity, first_seen, last_sent, sent_count, subject) "
                "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT(key) DO UPDATE SET "
                "severity = excluded.severity, last_sent = excluded.last_sent, "
                "sent_count = COALESCE(alerts.sent_count, 0) + 1, subject = excluded.subject",
                [f.key, f.severity, at, at, subj])
        store.audit("alert", None, f"{len(items)} finding(s)",
                    "; ".join(f"{f.key} ({reason})" for f, reason in items)[:2000], at=at)
