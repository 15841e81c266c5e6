"""`lineguard check`: every finding as of an instant — dangerous jobs with their countdown, line
data loss and drift, failed polls, silent agents, chain attacks, fleet-wide patterns — and the
alert emails that are due."""

from __future__ import annotations

import hashlib
import sys
from datetime import datetime, timedelta

from agent.wire import WireError, check_host, parse_utc
from collector.home import Home, Settings
from collector.jobs import JobView, collect, iso_z, json_document, parse_now
from collector.model import SEVERITIES, Finding, unreadable
from collector.store import Store

SECURITY_LOOKBACK = timedelta(days=7)


def job_findings(views: list[JobView], now: datetime) -> list[Finding]:
    from collector.analyse.timing import countdown
    out = []
    for v in views:
        j, verdict = v.job, v.judgement
        if verdict.verdict == "benign" and j.state != "unparsable":
            continue
        cmd_id = hashlib.sha256(j.command.encode()).hexdigest()[:12]
        if verdict.verdict == "benign":
            out.append(Finding(key=f"job-unparsable:{j.target}:{j.origin_path}:{j.origin_line}:{cmd_id}",
                               kind="job", severity="low", target=j.target,
                               title=f"unparsable {j.source} job on {j.target} "
                                     f"({j.origin_path}:{j.origin_line or '-'}): {j.problem}"))
            continue
        when = countdown(now, v.fire)
        lines = [f"{j.source} job {j.origin_path}:{j.origin_line or '-'} owner {j.owner or '?'}",
                 f"schedule: {j.schedule}   next fire: {iso_z(v.fire.at) or v.fire.note} ({when})",
                 f"command: {j.command}"]
        for r in verdict.reasons:
            lines.append(f"- [{r.rule}] {r.title}: {r.path or j.origin_path}:{r.line or '-'}: {r.evidence}")
            if r.explanation:
                lines.append(f"  {r.explanation.strip()}")
        out.append(Finding(key=f"job:{j.target}:{j.origin_path}:{j.origin_line}:{cmd_id}",
                           kind="job", severity=verdict.severity, target=j.target,
                           title=f"{verdict.verdict} {j.source} job on {j.target} fires {when}",
                           detail="\n".join(lines), fire_at=v.fire.at, evidence=verdict.reasons))
    return out


def silence_findings(store: Store, settings: Settings, now: datetime) -> list[Finding]:
    out = []
    limit = timedelta(hours=settings.silence_hours)
    for a in store.agents():
        if a.last_seen is None:
            out.append(Finding(key=f"silence:{a.name}:never", kind="silence", severity="medium",
                               target=a.name, title=f"agent {a.name} enrolled but never reported"))
            continue
        try:
            seen = parse_now(a.last_seen)
        except ValueError as e:
            out.append(unreadable(f"agent {a.name}", a.name, "when it last reported", e))
            continue
        if now - seen > limit:
            hours = (now - seen).total_seconds() / 3600
            out.append(Finding(key=f"silence:{a.name}", kind="silence", severity="high",
                               target=a.name,
                               title=f"agent {a.name} silent for {hours:.1f} h (last #{a.last_seq} "
                                     f"at {a.last_seen})"))
    return out


# Rejected snapshots by audit event: an enrolled agent speaking for another's targets (critical:
# it would replace that device's evidence), chain and signature attacks (high), malformed or
# oversized files (medium) — any of them can be someone tampering with the evidence.
_REJECT_SEVERITY = {"impersonation": "critical", "security": "high", "reject": "medium"}


CHAIN_FINDINGS_PER_SOURCE = 20


def chain_findings(store: Store, now: datetime) -> list[Finding]:
    """Rejected snapshots of the last week, as findings: each of the newest 20 per kind of
    rejection and agent, the rest in one summary, so that a flood of junk dropped into the
    inbox neither buries the rest nor makes the alert email too big to send."""
    since = iso_z(now - SECURITY_LOOKBACK)
    marks = ",".join("?" * len(_REJECT_SEVERITY))
    rows = store.db.execute(f"SELECT id, at, event, agent, subject, detail FROM audit "
                            f"WHERE event IN ({marks}) AND at >= ? ORDER BY id DESC",
                            [*_REJECT_SEVERITY, since]).fetchall()
    out: list[Finding] = []
    groups: dict[tuple[str, str | None], list[tuple]] = {}
    for row in rows:
        groups.setdefault((row[2], row[3]), []).append(row)
    for (event, agent), group in groups.items():
        who = agent or "unknown agent"
        for rid, at, _, _, subject, detail in group[:CHAIN_FINDINGS_PER_SOURCE]:
            out.append(Finding(key=f"chain:{rid}", kind="chain",
                               severity=_REJECT_SEVERITY[event], target=agent or "-",
                               title=f"rejected snapshot from {who}: {detail}",
                               detail=f"{at} {subject} (kept in quarantine)"))
        rest = group[CHAIN_FINDINGS_PER_SOURCE:]
        if rest:
            out.append(Finding(
                key=f"chain-flood:{event}:{agent or '-'}", kind="chain",
                severity=_REJECT_SEVERITY[event], target=agent or "-",
                title=f"and {len(rest)} more rejected files from {who} ({event}) since "
                      f"{rest[-1][1]}: see the audit log and quarantine/",
                detail="\n".join(f"{at} {subject}: {detail}" for _, at, _, _, subject, detail
                                 in rest[:50])))
    return out


# Alert emails whose delivery is in doubt: a mailbox the server refused (those people were not
# told), or a send the collector did not live to record (it may have gone out twice).
_MAIL_EVENTS = {"alert-refused": ("medium", "alert email refused for some recipients"),
                "alert-uncertain": ("low", "alert email interrupted, outcome unknown")}


def alert_mail_findings(store: Store, now: datetime) -> list[Finding]:
    since = iso_z(now - SECURITY_LOOKBACK)
    rows = store.db.execute("SELECT id, at, event, subject, detail FROM audit WHERE event IN "
                            "(?, ?) AND at >= ? ORDER BY id", [*_MAIL_EVENTS, since]).fetchall()
    return [Finding(key=f"alert-mail:{rid}", kind="alert-mail", severity=_MAIL_EVENTS[event][0],
                    target="-", title=f"{_MAIL_EVENTS[event][1]}: {detail}",
                    detail=f"{at} Message-ID {subject}")
            for rid, at, event, subject, detail in rows]


def stored_evidence_findings(store: Store) -> list[Finding]:
    """The newest snapshot of each agent, as the readers take it, checked against the wire
    format's rules: a row an older collector let in (an impossible time, a mistyped host fact)
    is reported here, once, by what is wrong with it."""
    out = []
    for snap in store.latest_snapshots():
        where = f"{snap.agent}#{snap.seq}"
        try:
            parse_utc(snap.taken_at)
        except ValueError as e:
            out.append(unreadable(where, snap.agent, "its time (taken_at)", e))
        try:
            check_host(snap.host)
        except WireError as e:
            out.append(unreadable(where, snap.agent, "its host facts", e))
    return out


def all_findings(home: Home, store: Store, now: datetime, views: list[JobView] | None = None,
                 problems: list[Finding] | None = None) -> list[Finding]:
    """Every finding as of `now`; `views` (with the `problems` met collecting them) saves
    judging the jobs again when the caller has them."""
    from collector.analyse import drift, fleet
    settings = home.settings()
    if views is None:
        problems = []
        views = collect(store, now, problems=problems)
    findings = job_findings(views, now) + list(problems or [])
    findings += stored_evidence_findings(store)
    findings += alert_mail_findings(store, now)
    findings += drift.findings(store, home.root / "baselines", now)
    findings += silence_findings(store, settings, now)
    findings += chain_findings(store, now)
    findings += fleet.correlate(findings)
    return sorted(findings, key=lambda f: (-SEVERITIES.index(f.severity),
                                           f.fire_at.isoformat() if f.fire_at else "~", f.key))


def to_json(f: Finding) -> dict:
    return {"key": f.key, "kind": f.kind, "severity": f.severity, "target": f.target,
            "title": f.title, "detail": f.detail, "fire_at": iso_z(f.fire_at),
            "evidence": [{"rule": r.rule, "evidence": r.evidence, "path": r.path, "line": r.line}
                         for r in f.evidence]}


def run_check(home: Home, now_text: str | None, *, as_json: bool, email: bool,
              store: Store | None = None) -> int:
    now = parse_now(now_text)
    store = store or home.open()
    settings = home.settings()
    findings = all_findings(home, store, now)
    if as_json:
        print(json_document({"as_of": iso_z(now)}, "findings", [to_json(f) for f in findings]))
    elif not findings:
        print(f"no findings as of {iso_z(now)}")
    else:
        for f in findings:
            print(f"{f.severity.upper():8} {f.kind:15} {f.title}")
    if email and now_text:
        # Alert state records real sends: a what-if or a replay of another instant must not mark
        # alerts as sent (a future --now would otherwise hold back the real ones until then).
        print("lineguard check: --now given, so no alert email is sent", file=sys.stderr)
    elif email:
        from collector.alerts import AlertError, send_due
        try:
            sent = send_due(store, settings, findings, now)
            if sent:
                print(f"alert email sent for {len(sent)} finding(s)", file=sys.stderr)
        except AlertError as e:
            print(f"lineguard check: alert not sent, will retry next run: {e}", file=sys.stderr)
    threshold = SEVERITIES.index(settings.alert_threshold)
    return 1 if any(SEVERITIES.index(f.severity) >= threshold for f in findings) else 0
