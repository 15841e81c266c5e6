"""`lineguard check`: every finding as of an instant — dangerous jobs with their countdown, line
data loss and drift, failed polls, silent agents, chain attacks, fleet-wide patterns — and the
alert emails that are due."""

from __future__ import annotations

import hashlib
import sys
from datetime import datetime, timedelta

from collector.home import Home, Settings
from collector.jobs import JobView, collect, iso_z, json_document, parse_now
from collector.model import SEVERITIES, Finding, Job
from collector.store import Store

SECURITY_LOOKBACK = timedelta(days=7)


def job_findings(views: list[JobView], now: datetime) -> list[Finding]:
    from collector.analyse.timing import countdown
    out = []
    for v in views:
        j, verdict = v.job, v.judgement
        unseen = (j.problem or "").startswith("not captured")
        if verdict.verdict == "benign" and j.state != "unparsable" \
                and not (unseen and j.state == "active"):
            continue
        cmd_id = hashlib.sha256(j.command.encode()).hexdigest()[:12]
        if verdict.verdict == "benign" and unseen:
            out.append(_unseen_finding(j, cmd_id))
            continue
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


def _unseen_finding(j: Job, cmd_id: str) -> Finding:
    """What the agent could not read is louder, not quieter: a schedule file it could not
    capture (a FIFO, unreadable, cut short) hides every job in it (high); a job whose script
    could not be read runs code nobody has seen (medium)."""
    where = f"{j.origin_path}:{j.origin_line or '-'}"
    if j.state == "unparsable":
        return Finding(key=f"job-unseen:{j.target}:{j.origin_path}", kind="job", severity="high",
                       target=j.target,
                       title=f"{j.source} schedule file {j.origin_path} on {j.target} could not "
                             f"be read: what it runs is unknown ({j.problem})",
                       detail=f"{where}: {j.problem}")
    return Finding(key=f"job-unseen:{j.target}:{j.origin_path}:{j.origin_line}:{cmd_id}",
                   kind="job", severity="medium", target=j.target,
                   title=f"{j.source} job on {j.target} ({where}) runs files lineguard could not "
                         f"read ({j.problem})",
                   detail=f"command: {j.command}")


def silence_findings(store: Store, settings: Settings, now: datetime) -> list[Finding]:
    out = []
    limit = timedelta(hours=settings.silence_hours)
    for a in store.agents():
        if a.last_seen is None:
            out.append(Finding(key=f"silence:{a.name}:never", kind="silence", severity="medium",
                               target=a.name, title=f"agent {a.name} enrolled but never reported"))
            continue
        seen = parse_now(a.last_seen)
        if now - seen > limit:
            hours = (now - seen).total_seconds() / 3600
            out.append(Finding(key=f"silence:{a.name}", kind="silence", severity="high",
                               target=a.name,
                               title=f"agent {a.name} silent for {hours:.1f} h (last #{a.last_seq} "
                                     f"at {a.last_seen})"))
    return out


def chain_findings(store: Store, now: datetime) -> list[Finding]:
    """Rejected snapshots of the last week: chain and signature attacks (high), malformed or
    oversized files (medium) — either can be someone tampering with the evidence in transit."""
    since = iso_z(now - SECURITY_LOOKBACK)
    rows = store.db.execute("SELECT id, at, event, agent, subject, detail FROM audit "
                            "WHERE event IN ('security', 'reject') AND at >= ? ORDER BY id",
                            [since]).fetchall()
    return [Finding(key=f"chain:{rid}", kind="chain",
                    severity="high" if event == "security" else "medium", target=agent or "-",
                    title=f"rejected snapshot from {agent or 'unknown agent'}: {detail}",
                    detail=f"{at} {subject} (kept in quarantine)")
            for rid, at, event, agent, subject, detail in rows]


def integrity_findings(store: Store, now: datetime) -> list[Finding]:
    """The collector's own state disagreeing with its signed records: someone edited the
    database (`lineguard audit --verify` re-proves everything, at more cost)."""
    from collector.evidence import quick_problems
    return [Finding(key=f"integrity:{hashlib.sha256(p.encode()).hexdigest()[:12]}",
                    kind="integrity", severity="high", target="collector",
                    title=f"collector database disagrees with its signed records: {p}",
                    detail="Run `lineguard audit --verify` for the full picture.")
            for p in quick_problems(store, iso_z(now) or "")]


def all_findings(home: Home, store: Store, now: datetime,
                 views: list[JobView] | None = None) -> list[Finding]:
    """Every finding as of `now`; `views` saves judging the jobs again when the caller has them."""
    from collector.analyse import drift, fleet
    settings = home.settings()
    findings = job_findings(collect(store, now) if views is None else views, now)
    findings += drift.findings(store, home.root / "baselines", now)
    findings += silence_findings(store, settings, now)
    findings += chain_findings(store, now)
    findings += integrity_findings(store, now)
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
