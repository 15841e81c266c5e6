"""Alert emails: one digest per route and run of the findings that are due, sent over SMTP.

Routes: each site (tenant) gets a digest of its own targets' findings, at its own threshold and
re-alert interval, sent to its own recipients (findings without a site, such as fleet-wide ones,
go to the default recipients); the fleet-wide `security_to` list gets every critical finding.
One site's noise never holds back or silences another's mail: alert state is kept per route.

A finding at or above the route's alert threshold is due when it was never sent, when its severity rose
since it was last sent (escalation), when its job now fires within 24 hours and the last email
went out before that (final warning), or when `realert_hours` have passed. What was sent is kept
in the store's `alerts` table by route and Finding.key; it is written only after the SMTP server accepted
the message, so an alert that could not be sent stays due and goes out on the next run.

Each email is on record (`alert_mail`) as `sending` before the SMTP server is contacted and as
`sent` in the one small write right after it accepted. Its Message-ID is derived from what it
says (its route, each finding's key, severity, why it is due, and its alert generation: how many
times that finding was mailed on that route before), so when the collector dies inside that
window the repeat sent by the next run carries the same Message-ID and mail clients show it
once. The edge that remains is in the README ("Alert emails").
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from email.utils import format_datetime, parseaddr

from lineguard.collector.home import Settings, SitePolicy
from lineguard.collector.mailbody import FINAL_WARNING, Context, compose, countdown, final_window
from lineguard.collector.model import Finding, Severity
from lineguard.collector.store import Store
from lineguard.formats.wire import canonical, sha256_hex

_SMTP_TIMEOUT_S = 15


# Route-name prefix of mail sent through the relay in force before config.toml changed it.
PREVIOUS_RELAY = "previous-relay:"


class AlertError(RuntimeError):
    """The alert email could not be sent; the alerts stay due."""


@dataclass(frozen=True)
class Route:
    """Where one digest goes: a site's recipients at its policy, or the security list."""

    name: str                         # site:NAME | site:- (no site) | security
    recipients: tuple[str, ...]
    policy: SitePolicy
    findings: tuple[Finding, ...]

    @property
    def label(self) -> str:
        name = self.name.rpartition(PREVIOUS_RELAY)[2]
        relay = " through the mail relay in force before the change" if name != self.name \
            else ""
        if name == "security":
            return f"security list (every critical finding, all sites){relay}"
        site = name.removeprefix("site:")
        return ("fleet-wide findings" if site == "-" else f"site {site}") + relay


def routes(settings: Settings, findings: list[Finding], via: str = "") -> list[Route]:
    """One route per site with findings, then the security list when one is configured.
    `via` names another mail relay than the configured one (its routes keep their own state)."""
    by_site: dict[str | None, list[Finding]] = {}
    for f in findings:
        by_site.setdefault(f.site, []).append(f)
    out = []
    for site in sorted(by_site, key=lambda s: (s is None, s or "")):
        policy = settings.site(site)
        out.append(Route(f"{via}site:{site or '-'}", policy.mail_to, policy,
                         tuple(by_site[site])))
    if settings.security_to:
        out.append(Route(f"{via}security", settings.security_to,
                         replace(settings.default, alert_threshold=Severity.CRITICAL),
                         tuple(f for f in findings if f.severity is Severity.CRITICAL)))
    return out


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str | None) -> datetime | None:
    return None if not text else datetime.fromisoformat(text.replace("Z", "+00:00"))


def why_due(finding: Finding, row: dict | None, settings: SitePolicy | Settings,
            now: datetime) -> str | None:
    """Why `finding` should be emailed now ("new", "escalated", "final warning", "reminder"),
    or None when it is not due."""
    last = _parse(row["last_sent"]) if row is not None else None
    if row is None or last is None:
        return "new"
    if last > now:
        # A send recorded after now is a wrong clock or a tampered row; either way the
        # alert must still go out, not wait until that moment.
        return "new (recorded as sent in the future)"
    if finding.severity > Severity.stored(row["severity"], Severity.INFO):
        return f"escalated from {row['severity']}"
    if finding.fire_at is not None and final_window(finding, now) \
            and last < finding.fire_at - FINAL_WARNING:
        return "final warning"
    if now - last >= timedelta(hours=settings.realert_hours):
        return "reminder"
    return None


def due(store: Store, route: Route, now: datetime) -> list[tuple[Finding, str]]:
    """The route's findings at or above its threshold that are due, most urgent first, with
    why."""
    settings = route.policy
    threshold = settings.alert_threshold
    out: list[tuple[Finding, str]] = []
    seen: set[str] = set()
    for f in route.findings:
        if f.severity < threshold or f.key in seen:
            continue
        seen.add(f.key)
        reason = why_due(f, store.alert_state(route.name, f.key), settings, now)
        if reason:
            out.append((f, reason))
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(out, key=lambda it: (-it[0].severity.rank, it[0].fire_at or far, it[0].key))


def subject(items: list[tuple[Finding, str]], now: datetime) -> str:
    """`[lineguard] CRITICAL: 1 destructive job fires in 74d 09h on mgmt-01` for the most urgent
    finding (jobs at that severity on that target are counted together), `(+N more)` after."""
    top = items[0][0]
    sev = top.severity.upper()
    if top.kind == "job" and top.fire_at is not None:
        same = [f for f, _ in items if f.kind == "job" and f.target == top.target
                and f.severity == top.severity]
        word = top.verdict or top.severity
        jobs = "job fires" if len(same) == 1 else "jobs fire, the first"
        head = f"{len(same)} {word} {jobs} in {countdown(top.fire_at, now)} on {top.target}" \
            + (f" (site {top.site})" if top.site else "")
        rest = len(items) - len(same)
    else:
        head, rest = top.title + (f" (site {top.site})" if top.site else ""), len(items) - 1
    return f"[lineguard] {sev}: {head}" + (f" (+{rest} more)" if rest else "")


def send_due(store: Store, settings: Settings, findings: list[Finding],
             now: datetime, report: Callable[[], str] | None = None,
             display: tzinfo = UTC, via: str = "") -> list[str]:
    """Email the due findings, one digest per route; returns the keys sent ([] when none were
    due). Raises AlertError when a route's mail could not be sent (the SMTP server cannot be
    reached or refuses), after trying every route; what failed is not recorded as sent.
    `report` makes the full HTML report, attached unless settings.report_url links it. `via`
    (PREVIOUS_RELAY): `settings` are those in force before the mail relay was changed."""
    html = report() if report is not None and not settings.report_url else None
    sent: list[str] = []
    failed: list[str] = []
    for route in routes(settings, findings, via):
        items = due(store, route, now)
        if not items:
            continue
        msg_id = message_id(store, route, items, settings)
        _begin(store, msg_id, items, now)
        try:
            subj, refused = _send(route, settings, items, now, msg_id, Context(
                route.policy.alert_threshold, route.policy.realert_hours, now, route.label,
                display, settings.report_url, html, anchor=store.anchor.last_line()))
        except AlertError as e:
            _failed(store, msg_id)
            failed.append(f"{route.label}: {e}")
            continue
        _record(store, route, msg_id, items, subj, now, refused)
        sent += [f.key for f, _ in items if f.key not in sent]
    if failed:
        raise AlertError("; ".join(failed))
    return sent


def _send(route: Route, settings: Settings, items: list[tuple[Finding, str]], now: datetime,
          msg_id: str, ctx: Context) -> tuple[str, dict[str, tuple[int, bytes]]]:
    """Send one digest; its subject and the mailboxes the server refused while taking it."""
    msg = compose(items, ctx)
    msg["Subject"] = subject(items, now)[:250]
    msg["From"] = settings.mail_from
    msg["To"] = ", ".join(route.recipients)
    msg["Date"] = format_datetime(now.astimezone(UTC))
    msg["Message-ID"] = msg_id
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                          timeout=_SMTP_TIMEOUT_S) as smtp:
            refused = smtp.send_message(msg, settings.mail_from, list(route.recipients))
    except (OSError, smtplib.SMTPException) as e:
        raise AlertError(f"could not send the alert email via {settings.smtp_host}:"
                         f"{settings.smtp_port} ({e.__class__.__name__}: {e}); "
                         f"{len(items)} alert(s) stay due and are retried on the next run"
                         ) from None
    return msg["Subject"], refused


def message_id(store: Store, route: Route, items: list[tuple[Finding, str]],
               settings: Settings) -> str:
    """The same email gets the same Message-ID: derived from its route and each finding's key,
    severity, why it is due and its generation (times mailed on the route before), at the
    sender's domain."""
    parts = []
    for f, reason in items:
        row = store.alert_state(route.name, f.key)
        parts.append([f.key, f.severity, reason, (row.get("sent_count") or 0) if row else 0])
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "lineguard"
    digest = sha256_hex(canonical([route.name, sorted(parts)]))[:32]
    return f"<lineguard.{digest}@{domain}>"


def _begin(store: Store, msg_id: str, items: list[tuple[Finding, str]], now: datetime) -> None:
    """On record before the SMTP server has it. An earlier email still `sending` is one the
    collector did not live to record: it may have gone out. If it is this one again, the
    repeat carries its Message-ID; if not, the log says it may have been sent."""
    keys = " ".join(f.key for f, _ in items)[:4000]
    with store.transaction():
        stale, again = store.begin_alert_mail(msg_id, _iso(now), keys)
        for other, started in stale:
            store.audit("alert-uncertain", None, other,
                        f"started {started}; the collector stopped before recording the outcome")
        if again:
            store.audit("alert-uncertain", None, msg_id,
                        "interrupted before its outcome was recorded; sent again, same Message-ID")


def _failed(store: Store, msg_id: str) -> None:
    store.end_alert_mail(msg_id, "failed")


def _record(store: Store, route: Route, msg_id: str, items: list[tuple[Finding, str]],
            subj: str, now: datetime, refused: dict[str, tuple[int, bytes]]) -> None:
    """The one write after the SMTP server accepted: the shorter, the smaller the window in
    which a dying collector sends an alert twice. Mailboxes the server refused while taking the
    message for the others are put on the audit record (the alert reached fewer people)."""
    at = _iso(now)
    with store.transaction():
        if refused:
            store.audit("alert-refused", None, msg_id, "; ".join(
                f"{rcpt}: {code} {text.decode('utf-8', 'replace')}"
                for rcpt, (code, text) in sorted(refused.items()))[:2000])
        store.end_alert_mail(msg_id, "sent", at)
        store.record_alerts(route.name, [(f.key, f.severity) for f, _ in items], subj, at)
        store.audit("alert", None, f"{len(items)} finding(s) to {route.label}",
                    "; ".join(f"{f.key} ({reason})" for f, reason in items)[:2000], at=at)
