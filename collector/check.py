"""`lineguard check` and `lineguard findings`: every finding as of an instant — dangerous jobs
with their countdown, line data loss and drift, failed polls, silent agents, chain attacks,
fleet-wide patterns — each with its site and, where approvers sanctioned it, its waiver; and the
alert emails that are due."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from lineguard.collector.home import Home, Settings
from lineguard.collector.jobs import JobView, collect, iso_z, parse_now
from lineguard.collector.model import (
    UNWAIVABLE,
    Finding,
    Job,
    Judgement,
    Severity,
    Verdict,
    trigger_kind,
    unreadable,
)
from lineguard.collector.parse.hostcontext import NOT_REACHED, TOO_LARGE
from lineguard.collector.store import FindingRow, Store
from lineguard.collector.waivers import WaiverBook, WaiverStatus
from lineguard.formats.wire import WireError, check_host, parse_utc

SECURITY_LOOKBACK = timedelta(days=7)


def job_findings(views: list[JobView], now: datetime) -> list[Finding]:
    from lineguard.collector.analyse.timing import countdown
    out = []
    for v in views:
        j, verdict = v.job, v.judgement
        unseen = bool(j.unread) and (j.state == "active" or j.origin_path in j.unread)
        if verdict.verdict is Verdict.BENIGN and j.state != "unparsable" \
                and not (unseen and j.state == "active"):
            continue
        cmd_id = hashlib.sha256(j.command.encode()).hexdigest()[:12]
        if verdict.verdict is Verdict.BENIGN and unseen:
            out.append(_unseen_finding(j, cmd_id))
            continue
        if verdict.verdict is Verdict.BENIGN:
            out.append(Finding(key=f"job-unparsable:{j.target}:{j.origin_path}:{j.origin_line}:{cmd_id}",
                               kind="job", severity=Severity.LOW, target=j.target,
                               title=f"unparsable {j.source} job on {j.target} "
                                     f"({j.origin_path}:{j.origin_line or '-'}): {j.problem}"))
            continue
        when = countdown(now, v.fire)
        kind = trigger_kind(j.trigger)
        planted = j.provenance.planted_by() if j.provenance is not None else ""
        lines = [f"{j.source} job {j.origin_path}:{j.origin_line or '-'} owner {j.owner or '?'}",
                 f"trigger: {kind}   schedule: {j.schedule}   "
                 f"next fire: {iso_z(v.fire.at) or v.fire.note} ({when})",
                 f"command: {j.command}"]
        if j.provenance is not None and planted:
            lines.append(planted)
            lines += [f"  {s.user} from {s.host or s.line} {iso_z(s.start)}..{iso_z(s.end) or 'open'}"
                      f" ({s.source})" for s in j.provenance.sessions]
            lines += [f"  {h.path}:{h.line}: {h.text}" for h in j.provenance.history]
        for r in verdict.reasons:
            lines.append(f"- [{r.rule}] {r.title}: {r.path or j.origin_path}:{r.line or '-'}: {r.evidence}")
            if r.explanation:
                lines.append(f"  {r.explanation.strip()}")
        out.append(Finding(key=f"job:{j.target}:{j.origin_path}:{j.origin_line}:{cmd_id}",
                           kind="job", severity=verdict.severity, target=j.target,
                           title=f"{_what(verdict)} {j.source} job"
                                 + ("" if kind == "clock" else f" ({kind})")
                                 + f" on {j.target} fires {when}",
                           detail="\n".join(lines), fire_at=v.fire.at, evidence=verdict.reasons,
                           fingerprint=f"job:{v.content}" if v.content else None,
                           origin=v.origin, verdict=verdict.verdict))
    return out


def lowered_as_one_change(judgement: Judgement) -> list[str]:
    """The reasons of a job's destructive effects that change control lowered as a change of
    one thing (their titles)."""
    from lineguard.collector.analyse.effects.control import ONE_TARGET
    return [r.title for r in judgement.reasons
            if "[change-controlled:" in r.title and ONE_TARGET in r.title]


def split_change_findings(views: list[JobView], now: datetime) -> list[Finding]:
    """Change control lowers a change of one thing, not one of many (a job changing several is
    not lowered): the same holds across jobs. Where more than one pending job on a host is
    lowered that way, together they are a mass change split into one-circuit jobs (one per
    PVC, each naming a ticket anyone can type): one high finding names them all."""
    from lineguard.collector.analyse.timing import countdown
    by_target: dict[str, list[tuple[JobView, list[str]]]] = {}
    for v in views:
        if v.job.state == "active" and (titles := lowered_as_one_change(v.judgement)):
            by_target.setdefault(v.job.target, []).append((v, titles))
    out = []
    for target, group in sorted(by_target.items()):
        if len(group) < 2:
            continue
        timed = [(v.fire.at, v.fire) for v, _ in group if v.fire is not None and v.fire.at]
        first = min(timed, key=lambda t: t[0])[1] if timed else None
        ids = sorted(f"{v.job.origin_path}:{v.job.origin_line}:{v.job.command}" for v, _ in group)
        digest = hashlib.sha256("\n".join(ids).encode()).hexdigest()[:12]
        lines = [f"{v.job.source} job {v.job.origin_path}:{v.job.origin_line or '-'}: "
                 f"{v.job.command}\n  " + "\n  ".join(titles) for v, titles in group]
        out.append(Finding(
            key=f"job-split:{target}:{digest}", kind="job", severity=Severity.HIGH,
            target=target,
            title=f"{len(group)} destructive jobs on {target}, each lowered by change control "
                  f"as one target: together they change {len(group)} things"
                  + (f"; the first fires {countdown(now, first)}" if first else ""),
            detail="\n".join(lines), fire_at=first.at if first else None))
    return out


def _what(judgement: Judgement) -> str:
    """How a job finding's title begins: the verdict, or, for a job suspicious because it runs
    code nobody can read, that code named (`runs unseen code /var/tmp/ne-sync.sh at job …`)."""
    if judgement.verdict is not Verdict.SUSPICIOUS:
        return str(judgement.verdict)
    unseen = list(dict.fromkeys(" ".join(r.subject.split()) for r in judgement.reasons
                                if r.effect == "unseen-code" and r.subject.strip()))
    if not unseen:
        return str(judgement.verdict)
    named = ", ".join(s if len(s) <= 80 else s[:79] + "…" for s in unseen[:2])
    return f"runs unseen code {named}" + (f" (+{len(unseen) - 2} more)" if len(unseen) > 2 else "")


def _unseen_finding(j: Job, cmd_id: str) -> Finding:
    """What the agent could not read is louder, not quieter: a schedule file it could not
    capture (a FIFO, unreadable, cut short) hides every job in it (high); a job whose script
    could not be read runs code nobody has seen (medium), and one whose script is past the
    size the agent reads was padded there or is no routine script, or that the agent did not
    reach within its follow limit, is high (mailed)."""
    where = f"{j.origin_path}:{j.origin_line or '-'}"
    if j.state == "unparsable":
        return Finding(key=f"job-unseen:{j.target}:{j.origin_path}", kind="job", severity=Severity.HIGH,
                       target=j.target,
                       title=f"{j.source} schedule file {j.origin_path} on {j.target} could not "
                             f"be read: what it runs is unknown ({j.problem})",
                       detail=f"{where}: {j.problem}")
    return Finding(key=f"job-unseen:{j.target}:{j.origin_path}:{j.origin_line}:{cmd_id}",
                   kind="job", target=j.target,
                   severity=Severity.HIGH if TOO_LARGE in (j.problem or "") or
                   NOT_REACHED in (j.problem or "") else Severity.MEDIUM,
                   title=f"{j.source} job on {j.target} ({where}) runs files lineguard could not "
                         f"read ({j.problem})",
                   detail=f"command: {j.command}")


def silence_findings(store: Store, settings: Settings, now: datetime) -> list[Finding]:
    out = []
    for a in store.agents():
        limit = timedelta(hours=settings.site(a.site).silence_hours)
        if a.last_seen is None:
            out.append(Finding(key=f"silence:{a.name}:never", kind="silence", severity=Severity.MEDIUM,
                               target=a.name, title=f"agent {a.name} enrolled but never reported"))
            continue
        try:
            seen = parse_now(a.last_seen)
        except ValueError as e:
            out.append(unreadable(f"agent {a.name}", a.name, "when it last reported", e))
            continue
        if now - seen > limit:
            hours = (now - seen).total_seconds() / 3600
            out.append(Finding(key=f"silence:{a.name}", kind="silence", severity=Severity.HIGH,
                               target=a.name,
                               title=f"agent {a.name} silent for {hours:.1f} h (last #{a.last_seq} "
                                     f"at {a.last_seen})"))
    return out + unreported_findings(store, now)


def unreported_findings(store: Store, now: datetime) -> list[Finding]:
    """A target that its agent stopped carrying is as silent as a stopped agent, and quieter:
    the agent keeps reporting, so its silence is never noticed, and the target's last poll
    stays its newest for every comparison. Taking a device out of the inventory on the
    management server (or renaming the host) would otherwise freeze its evidence before its
    line data is deleted. Open until the target is reported again; a planned retirement is
    waived by two approvers."""
    out = []
    for u in store.unreported_targets(iso_z(now)):
        what = "line data and configuration" if u.kind == "device" else "jobs and files"
        out.append(Finding(
            key=f"silence:target:{u.name}", kind="silence", severity=Severity.HIGH,
            target=u.name,
            title=f"{u.name} is no longer reported by agent {u.owner}: its newest snapshot "
                  f"#{u.owner_seq} ({u.owner_taken_at}) leaves it out; last reported in "
                  f"{u.last_agent} #{u.last_seq} ({u.last_taken_at})",
            detail=f"Its {what} are unknown since {u.last_taken_at}: every comparison still "
                   f"uses that poll. Dropped from the agent's inventory or renamed on the "
                   f"management server? If it was retired on purpose, two approvers waive "
                   f"this finding (lineguard waive)."))
    return out


# Rejected snapshots by audit event: an enrolled agent speaking for another's targets (critical:
# it would replace that device's evidence), chain and signature attacks (high), malformed or
# oversized files (medium) — any of them can be someone tampering with the evidence.
_REJECT_SEVERITY = {"impersonation": Severity.CRITICAL, "security": Severity.HIGH,
                    "reject": Severity.MEDIUM}
CHAIN_FINDINGS_PER_SOURCE = 20


def chain_findings(store: Store, now: datetime) -> list[Finding]:
    """Rejected snapshots of the last week. Snapshots from a name that is not enrolled are one
    finding per name, however many files it keeps sending; of the others, the newest 20 per
    kind of rejection and agent are findings one by one and the rest one summary, so that a
    flood of junk dropped into the inbox neither buries the rest nor makes the alert email
    too big to send."""
    rows = store.audit_since(iso_z(now - SECURITY_LOOKBACK), tuple(_REJECT_SEVERITY))
    out: list[Finding] = []
    enrolled: dict[str, bool] = {}
    unenrolled: dict[str, list[dict]] = {}
    groups: dict[tuple[str, str | None], list[dict]] = {}
    for r in rows:
        name = r["agent"]
        if name and r["event"] == "security":
            if name not in enrolled:
                enrolled[name] = store.agent(name) is not None
            if not enrolled[name]:
                unenrolled.setdefault(name, []).append(r)
                continue
        groups.setdefault((r["event"], name), []).append(r)
    for (event, agent), group in groups.items():
        who = agent or "unknown agent"
        older, newest = group[:-CHAIN_FINDINGS_PER_SOURCE], group[-CHAIN_FINDINGS_PER_SOURCE:]
        out += [Finding(key=f"chain:{r['id']}", kind="chain", severity=_REJECT_SEVERITY[event],
                        target=agent or "-", title=f"rejected snapshot from {who}: {r['detail']}",
                        detail=f"{r['at']} {r['subject']} (kept in quarantine)")
                for r in newest]
        if older:
            out.append(Finding(
                key=f"chain-flood:{event}:{agent or '-'}", kind="chain",
                severity=_REJECT_SEVERITY[event], target=agent or "-",
                title=f"and {len(older)} more rejected files from {who} ({event}) since "
                      f"{older[0]['at'][:19]}Z: see the audit log and quarantine/",
                detail="\n".join(f"{r['at']} {r['subject']}: {r['detail']}"
                                 for r in older[-50:])))
    for name, seen in sorted(unenrolled.items()):
        state = "was removed" if store.agent(name, include_removed=True) else "is not enrolled"
        out.append(Finding(
            key=f"chain:unenrolled:{name}", kind="chain", severity=Severity.HIGH, target=name,
            title=f"{len(seen)} snapshot(s) from {name}, which {state}, rejected "
                  f"since {seen[0]['at'][:19]}Z (last {seen[-1]['at'][:19]}Z)",
            detail="\n".join([f"{seen[-1]['detail']}",
                              *(f"{r['at']} {r['subject']} (kept in quarantine)"
                                for r in seen[-10:])])))
    return out


def integrity_findings(store: Store) -> list[Finding]:
    """The collector's own state disagreeing with its signed records: someone edited the
    database (`lineguard audit --verify` re-proves everything, at more cost)."""
    from lineguard.collector.evidence import quick_problems
    from lineguard.collector.store import utc_now
    # "In the future" is against the real clock: a what-if --now before the agent's last report
    # is not tampering.
    return [Finding(key=f"integrity:{hashlib.sha256(p.encode()).hexdigest()[:12]}",
                    kind="integrity", severity=Severity.HIGH, target="collector",
                    title=f"collector database disagrees with its signed records: {p}",
                    detail="Run `lineguard audit --verify` for the full picture.")
            for p in quick_problems(store, utc_now())]


# Changes of whom the collector trusts, each one operator's command: removing an agent takes its
# targets (and a job planted on them) out of every view, a new key or a moved target lets other
# hands sign that evidence. Each is a finding for a week, so that it is mailed and seen; two
# approvers may waive it like any other.
_TRUST_EVENTS = ("agent-remove", "agent-rotate-key", "assign")


def trust_findings(store: Store, now: datetime) -> list[Finding]:
    out = []
    for r in store.audit_since(iso_z(now - SECURITY_LOOKBACK), _TRUST_EVENTS):
        reason, _, was_open = r["detail"].partition("\n")
        reason = reason.split(" key=")[0]   # the new key's text is on the record, not the title
        if r["event"] == "agent-remove":
            title = (f"agent {r['agent']} removed by an operator ({reason}): its targets are "
                     f"no longer judged")
        elif r["event"] == "agent-rotate-key":
            title = (f"key of agent {r['agent']} replaced by an operator ({reason}): what the "
                     f"new key {r['subject']} signs is trusted as {r['agent']}'s")
        else:
            title = (f"{r['subject']} moved {reason} by an operator: only {r['agent']}'s "
                     f"reports of it are trusted now")
        out.append(Finding(key=f"trust:{r['id']}", kind="trust", severity=Severity.HIGH,
                           target=r["agent"] or "-", title=title,
                           detail=f"{r['at']} {r['event']}" + (
                               f"\nopen when it happened:\n{was_open}" if was_open else "")))
    return out


# Facts that say where a device's evidence comes from: read another way, from another address
# or from a saved file, a poll can be a frozen copy or another device answering in its name.
_SOURCE_FACTS = ("method", "host", "port", "path")


def site_findings(home: Home, store: Store, settings: Settings) -> list[Finding]:
    """A device now reporting another site than its approved baseline (else its first complete
    poll) says: the inventory on the management server was relabelled. Its mail, threshold and
    number of approvers follow the site it claims, so a move to a quiet site (a lab that alerts
    only on critical, needs one approver) would hush its findings; the move is a HIGH finding
    at the site it came from, until a baseline with the new site is approved or it is waived.
    Likewise a device now read another way or from elsewhere (cli to a saved `file`, another
    host or port): a healthy copy of its configuration would then stand in for the device."""
    from lineguard.collector.baseline import BaselineError, load_approved
    out = []
    for row in store.target_rows():
        if row.kind != "device":
            continue
        now_site = row.facts.get("site")
        first = store.first_ok(row.name)
        if first is None:
            continue
        first_site = first[1].facts.get("site")
        # a baseline signed by fewer approvers than the site it came from needs is no reference
        required = max(settings.site(now_site).approvals, settings.site(first_site).approvals)
        try:
            approved = load_approved(home.baselines, row.name, required)
        except BaselineError:
            approved = None               # drift reports an untrusted baseline itself
        if approved is not None:
            reference, where = approved.facts, "its approved baseline"
        else:
            reference, where = first[1].facts, f"its first complete poll ({first[0].taken_at})"
        was = reference.get("site")
        if was != now_site:
            out.append(Finding(
                key=f"site-move:{row.name}:{was or '-'}:{now_site or '-'}", kind="site",
                severity=Severity.HIGH, target=row.name, site=was,
                title=f"{row.name} now reports site {now_site or 'none'}, not {was or 'none'} "
                      f"as in {where}: its mail, alert threshold and approvals follow the new "
                      f"site",
                detail=f"reported by {row.agent} at {row.taken_at}; approve a baseline with "
                       f"the new site if the move is planned"))
        if "method" in reference and any(reference.get(k) != row.facts.get(k)
                                         for k in _SOURCE_FACTS):
            then, now = _source(reference), _source(row.facts)
            out.append(Finding(
                key=f"source-move:{row.name}:{hashlib.sha256(now.encode()).hexdigest()[:12]}",
                kind="source", severity=Severity.HIGH, target=row.name, site=was,
                title=f"{row.name} is now read {now}, not {then} as in {where}: a saved copy "
                      f"or another device could answer in its name",
                detail=f"reported by {row.agent} at {row.taken_at}; approve a baseline read "
                       f"the new way if the change is planned"))
    return out


def _source(facts: dict) -> str:
    """How a device was read, as a person says it: `by cli from 10.40.0.10:22`."""
    where = facts.get("path") or ":".join(str(facts[k]) for k in ("host", "port") if k in facts)
    return f"by {facts.get('method') or '?'}" + (f" from {where}" if where else "")


def device_clock_findings(store: Store) -> list[Finding]:
    """A device whose own clock is off from the agent's: its schedules (EEM timer cron, kron
    `at`, a reload at a time) run by that clock. Set ahead by months, a job the configuration
    dates in February fires tomorrow; the jobs view times it by the device's clock, and this
    says why."""
    from lineguard.collector.parse.device import clock_offset
    from lineguard.formats.timespan import format_timespan
    out = []
    for row in store.target_rows():
        if row.kind != "device":
            continue
        newest = next(store.target_history(row.name, limit=1), None)
        offset = clock_offset(newest[1]) if newest is not None else None
        if offset is None:
            continue
        ahead = offset > timedelta(0)
        span = format_timespan(abs(offset.total_seconds()))
        out.append(Finding(
            key=f"clock:{row.name}:{'ahead' if ahead else 'behind'}", kind="clock",
            severity=Severity.HIGH if abs(offset) > timedelta(hours=1) else Severity.MEDIUM,
            target=row.name,
            title=f"{row.name}'s own clock runs {span} {'ahead' if ahead else 'behind'}: its "
                  f"schedules fire that much {'earlier' if ahead else 'later'} than they read",
            detail=f"read by {row.agent} at {row.taken_at}; the jobs view times its jobs by "
                   f"the device's clock. Set it right (NTP) and ask who moved it."))
    return out


def baseline_rollback_findings(home: Home, store: Store, settings: Settings,
                               site_of: dict[str, str | None]) -> list[Finding]:
    """An approved baseline older than one this collector saw come into force, or gone: the
    baselines folder was rolled back or emptied (an older baseline signed before the line
    data grew would hide its deletion; without one, a target is compared with its first poll)."""
    from lineguard.collector.baseline import IN_FORCE, BaselineError, load_approved
    newest: dict[str, dict] = {}
    for r in store.audit_since("", (IN_FORCE,)):
        newest[r["subject"]] = r
    out = []
    for target, r in sorted(newest.items()):
        taken_at, seq, digest = r["detail"].split(" ")
        try:
            approved = load_approved(home.baselines, target,
                                     settings.site(site_of.get(target)).approvals)
        except BaselineError:
            continue                      # drift reports an untrusted baseline itself
        if approved is None:
            what = "is gone from the baselines folder"
        elif approved.source.taken_at < taken_at:
            what = (f"is older than the one in force since {r['at'][:19]}Z: its poll "
                    f"{approved.source.agent}#{approved.source.seq} "
                    f"({approved.source.taken_at}), not {r['agent']}{seq} ({taken_at})")
        else:
            continue
        out.append(Finding(
            key=f"baseline-rollback:{target}:{digest}", kind="baseline", severity=Severity.HIGH,
            target=target, title=f"approved baseline of {target} {what}",
            detail="the baselines folder was rolled back, restored from an old copy or "
                   "emptied; approve the current baseline again if that was intended"))
    return out


# Alert emails whose delivery is in doubt: a mailbox the server refused (those people were not
# told), or a send the collector did not live to record (it may have gone out twice).
_MAIL_EVENTS = {"alert-refused": (Severity.MEDIUM, "alert email refused for some recipients"),
                "alert-uncertain": (Severity.LOW, "alert email interrupted, outcome unknown")}


def alert_mail_findings(store: Store, now: datetime) -> list[Finding]:
    rows = store.audit_since(iso_z(now - SECURITY_LOOKBACK), tuple(_MAIL_EVENTS))
    return [Finding(key=f"alert-mail:{r['id']}", kind="alert-mail",
                    severity=_MAIL_EVENTS[r["event"]][0], target="-",
                    title=f"{_MAIL_EVENTS[r['event']][1]}: {r['detail']}",
                    detail=f"{r['at']} Message-ID {r['subject']}")
            for r in rows]


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
    """Every finding as of `now`, each with its site; `views` (with the `problems` met
    collecting them) saves judging the jobs again when the caller has them."""
    from lineguard.collector import config_audit, watch
    from lineguard.collector.analyse import drift, fleet
    from lineguard.collector.targets import sites
    settings = home.settings()
    site_of = sites(store)
    if views is None:
        problems = []
        views = collect(store, now, problems=problems)
    findings = job_findings(views, now) + split_change_findings(views, now) + list(problems or [])
    findings += stored_evidence_findings(store)
    findings += drift.findings(store, home.baselines, now,
                               lambda name: settings.site(site_of.get(name)).approvals)
    findings += silence_findings(store, settings, now)
    findings += chain_findings(store, now)
    findings += integrity_findings(store)
    findings += trust_findings(store, now)
    findings += site_findings(home, store, settings)
    findings += device_clock_findings(store)
    findings += baseline_rollback_findings(home, store, settings, site_of)
    findings += alert_mail_findings(store, now)
    findings += config_audit.findings(home, store, now)
    findings += watch.findings(store, now)
    findings += fleet.correlate(findings)
    findings = [f if f.site else replace(f, site=site_of.get(f.target)) for f in findings]
    return sorted(findings, key=lambda f: (-f.severity.rank,
                                           f.fire_at.isoformat() if f.fire_at else "~", f.key))


@dataclass(frozen=True)
class Judged:
    """A finding, and the waiver bound to its evidence if any (in force, pending or expired)."""

    finding: Finding
    waiver: WaiverStatus | None
    waived: bool                      # a waiver in force: shown, not alerted, not counted


def evaluate(home: Home, store: Store, now: datetime, views: list[JobView] | None = None,
             problems: list[Finding] | None = None) -> list[Judged]:
    settings = home.settings()
    book = WaiverBook.load(home.waivers, home.baselines)
    out = [Judged(Finding(key=f"waiver:unreadable:{problem.split(':')[0]}", kind="waiver",
                          severity=Severity.MEDIUM, target="-", title=f"waiver file not used: {problem}"),
                  None, False) for problem in book.problems]
    for f in all_findings(home, store, now, views, problems):
        w = None if f.kind in UNWAIVABLE else book.for_finding(f, settings.site(f.site).approvals,
                                                                now)
        out.append(Judged(f, w, w is not None and w.in_force(now)))
    return out


def resolved(store: Store, judged: list[Judged]) -> list[FindingRow]:
    """Findings an earlier `check` saw open that are gone now."""
    current = {j.finding.key for j in judged}
    return [r for r in store.finding_rows() if r.key not in current]


def check(home: Home, store: Store, now: datetime, *, record: bool) -> list[Judged]:
    """`lineguard check`: every finding as of `now` with its waiver. With `record` (a run as of
    the real now, not a what-if), the open findings are kept so that resolved ones can be
    listed, and the alert state of waived findings is dropped (when a waiver ends, the finding
    is mailed again as new)."""
    judged = evaluate(home, store, now)
    if record:
        store.record_findings([(f.key, f.kind, f.severity, f.site, f.target, f.title)
                               for f in (j.finding for j in judged)], iso_z(now))
        store.forget_alerts([j.finding.key for j in judged if j.waived])
    return judged


def alerting(settings: Settings, judged: list[Judged]) -> bool:
    """An open finding at or above its own site's alert threshold."""
    return any(at_or_above(j.finding.severity, settings.site(j.finding.site).alert_threshold)
               for j in judged if not j.waived)


def at_or_above(severity: Severity, threshold: Severity) -> bool:
    """Whether a finding of `severity` reaches an alert threshold."""
    return severity >= threshold


def send_alerts(home: Home, store: Store, judged: list[Judged], now: datetime,
                display: tzinfo) -> list[str]:
    """Email the open findings that are due (alerts.send_due), the fleet report attached;
    returns the keys sent. Raises AlertError when a mail could not be sent (they stay due).
    Only for runs as of the real now: alert state records real sends.

    A change of the mail relay (smtp_host, smtp_port, mail_from) is also mailed through the
    relay in force before it: sent only through the new one, the alert saying that mail now
    goes elsewhere would go there too, and a relay that drops everything would hush it."""
    from lineguard.collector import config_audit
    from lineguard.collector.alerts import PREVIOUS_RELAY, AlertError, send_due
    from lineguard.collector.html_report import render_html
    from lineguard.collector.report import fleet_report
    due = [j.finding for j in judged if not j.waived]
    sent: list[str] = []
    failed: list[str] = []
    try:
        sent = send_due(store, home.settings(), due, now,
                        report=lambda: render_html(fleet_report(home, store, now), display),
                        display=display)
    except AlertError as e:
        failed.append(str(e))
    before = config_audit.previous_relay(store, now)
    if before is not None:
        settings, key = before
        try:
            sent += send_due(store, settings, [f for f in due if f.key == key], now,
                             display=display, via=PREVIOUS_RELAY)
        except AlertError as e:
            failed.append(str(e))
    if failed:
        raise AlertError("; ".join(failed))
    return sent
