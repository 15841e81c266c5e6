"""Text rendering of the collector's records, for the terminal: job and finding listings, the
agents, targets, audit and history tables. Tables fit the terminal, cells are one line.

A table printed to a terminal (or with COLUMNS set) is fitted to its width: the widest columns
give way first and cut cells end in an ellipsis. Printed to a pipe or a file, or with `wide`,
every cell is whole — `--json` and `--wide` always carry the full text."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lineguard.agent.restore.document import SignedPlan
    from lineguard.collector.analyse.drift import TargetDiff
    from lineguard.collector.baseline import Baseline, BaselineStatus
    from lineguard.collector.check import Judged
    from lineguard.collector.history import Change
    from lineguard.collector.ingest import IngestResult
    from lineguard.collector.jobs import JobList
    from lineguard.collector.restore.approval import PlanReview
    from lineguard.collector.store import AgentRecord, FindingRow
    from lineguard.collector.targets import TargetView

_MIN_COL = 4
_MAX_FLOOR = 6
_GAP = 2


def clip(text: object, width: int) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= width else s[: max(width - 1, 0)] + "…"


def terminal_width() -> int | None:
    """The width to fit tables to, or None when output is not for a terminal."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def table(headers: list[str], rows: Sequence[Sequence[object]], *, wide: bool = False,
          width: int | None = None, elastic: tuple[str, ...] = ()) -> str:
    """`elastic` names the free-text columns (commands, paths) that give way first, so times,
    verdicts and names stay readable on a narrow terminal."""
    cells = [[" ".join(str(c).split()) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    limit = None if wide else (width if width is not None else terminal_width())
    if limit is not None:
        first = [i for i, h in enumerate(headers) if h in elastic]
        widths = _fit(widths, [len(h) for h in headers], limit, first)
        cells = [[clip(c, w) for c, w in zip(r, widths, strict=True)] for r in cells]
    fmt = (" " * _GAP).join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*[clip(h, w) for h, w in zip(headers, widths, strict=True)])
                      .rstrip()] + [fmt.format(*r).rstrip() for r in cells])


def _fit(widths: list[int], header_widths: list[int], limit: int, first: list[int]) -> list[int]:
    """Shrink the widest column (of `first`, while any of them can) one character at a time
    until the row fits, never below a
    column's floor: its header's width between _MIN_COL and _MAX_FLOOR, or its natural width
    where that is smaller. A table with too many columns stays wider."""
    widths = list(widths)
    floors = [min(w, max(_MIN_COL, min(h, _MAX_FLOOR))) for w, h in zip(widths, header_widths,
                                                                  strict=True)]
    excess = sum(widths) + _GAP * (len(widths) - 1) - limit
    while excess > 0:
        candidates = ([i for i in first if widths[i] > floors[i]] or
                      [i for i, w in enumerate(widths) if w > floors[i]])
        if not candidates:
            break
        i = max(candidates, key=lambda k: widths[k])
        widths[i] -= 1
        excess -= 1
    return widths


def line(text: str, *, wide: bool = False) -> str:
    """One free-text line under a table, cut to the terminal like the table is."""
    limit = None if wide else terminal_width()
    return text if limit is None else clip(text, limit)


def diff(d: TargetDiff, display: tzinfo = UTC) -> str:
    """`lineguard diff`: what changed on a target against its reference, artifact by artifact
    (unified diffs), then its line data rows."""
    from lineguard.collector.analyse.drift import row_text
    from lineguard.collector.zones import restamp_text
    head = restamp_text(f"{d.target} ({d.kind}): newest poll {d.current}: {d.status}", display)
    if not d.complete:
        return "\n".join([head + (f" ({d.error})" if d.error else ""),
                          "not compared: only a complete (ok) poll is diffed"])
    out = [head, restamp_text(f"compared with {d.reference}", display)]
    if not d.changed:
        return "\n".join(out + ["no drift"])
    for a in d.artifacts:
        out.append(f"{a.change:<8} {a.name} ({a.kind})")
        if a.diff:
            out.append(a.diff.rstrip("\n"))
    if d.rows:
        out.append(f"line data: {d.rows_before} row(s) before, {d.rows_after} now")
        out += [f"  {r.change:<8} {row_text(r.before or r.after)}" for r in d.rows]
    return "\n".join(out)


def change_summary(c: Change) -> str:
    """One line: `first poll: 12 artifacts, 40 line-data rows`, `2 changed, 1 row lost`."""
    from lineguard.collector.baseline import line_data
    p = c.poll
    if p.status != "ok":
        return f"poll {p.status}" + (f": {p.error}" if p.error else "") + " (nothing compared)"
    if c.first:
        rows = line_data(p.target)
        return (f"first poll: {len(p.target.artifacts)} artifact(s)"
                + (f", {len(rows)} line-data row(s)" if rows else ""))
    parts = [f"{n} {what}" for what in ("added", "removed", "changed")
             if (n := sum(a.change == what for a in c.artifacts))]
    parts += [f"{n} row(s) {what}" for what in ("lost", "added", "changed")
              if (n := sum(r.change == what for r in c.rows))]
    return ", ".join(parts)


def history(changes: list[Change], display: tzinfo = UTC, *, wide: bool = False) -> str:
    """`lineguard history`: one row per change, then what changed, artifact by artifact."""
    from lineguard.collector.analyse.drift import row_text
    from lineguard.collector.zones import label, restamp
    rows = [[restamp(c.poll.taken_at, display), c.poll.label, c.poll.status, change_summary(c)]
            for c in changes]
    out = [table([f"WHEN ({label(display)})", "POLL", "STATUS", "WHAT CHANGED"], rows,
                 wide=wide, elastic=("WHAT CHANGED",))]
    for c in changes:
        if not (c.artifacts or c.rows):
            continue
        out.append("")
        out.append(line(f"{restamp(c.poll.taken_at, display)} {c.poll.label} against "
                        f"{c.previous.label if c.previous else '-'}:", wide=wide))
        out += [line(f"  {a.change:<8} {a.name} ({a.kind})", wide=wide) for a in c.artifacts]
        out += [line(f"  row {r.change:<8} {row_text(r.before or r.after)}", wide=wide)
                for r in c.rows]
    return "\n".join(out)


def finding(j: Judged, now: datetime, display: tzinfo = UTC) -> str:
    """One finding: severity (or WAIVED), kind, site and title; when it fires; its waiver."""
    from lineguard.collector.zones import both
    f = j.finding
    head = "WAIVED" if j.waived else f.severity.upper()
    text = f"{head:8} {f.kind:15} {f.site or '-':10} {f.title}"
    if f.fire_at is not None:
        text += f"\n{'':8} {'':15} {'':10} fires {both(f.fire_at, display, f.origin.timezone if f.origin else None)}"
    if j.waiver is not None:
        text += f"\n{'':8} {'':15} {'':10} {'waived' if j.waived else 'not waived'}: " \
                f"{j.waiver.describe(now)}"
    return text


def check(judged: list[Judged], now: datetime, display: tzinfo = UTC) -> str:
    """`lineguard check`: open findings first, then the waived ones."""
    from lineguard.collector.jobs import iso_z
    if not judged:
        return f"no findings as of {iso_z(now)}"
    return "\n".join(finding(j, now, display) for j in sorted(judged, key=lambda j: j.waived))


def findings(judged: list[Judged], gone: list[FindingRow], now: datetime,
             display: tzinfo = UTC) -> str:
    """`lineguard findings`: open, waived and resolved, each under its heading with its id."""
    from lineguard.collector.waivers import finding_id
    from lineguard.collector.zones import restamp
    out = []
    for status, group in (("open", [j for j in judged if not j.waived]),
                          ("waived", [j for j in judged if j.waived])):
        out.append(f"{status.upper()} ({len(group)})")
        out += [f"  {finding_id(j.finding.key)}  "
                + finding(j, now, display).replace("\n", "\n  ") for j in group]
    out.append(f"RESOLVED ({len(gone)})")
    out += [f"  {finding_id(r.key)}  {r.severity.upper():8} {r.kind:15} {r.site or '-':10} "
            f"{r.title} (last seen {restamp(r.last_seen, display)})" for r in gone]
    return "\n".join(out)


def jobs(listing: JobList, display: tzinfo = UTC, *, wide: bool = False) -> str:
    """`lineguard jobs`: one row per job (its next fire in `display`, and in the target's own
    zone where that differs), then the reasons and provenance of each job that is not benign."""
    from lineguard.collector.analyse.timing import countdown
    from lineguard.collector.model import Verdict, trigger_kind
    from lineguard.collector.zones import brief, label, local, stamp, zone
    views, now = listing.views, listing.now
    own = [brief(v.fire.at, zone(v.job.timezone))
           if v.fire.at and local(v.fire.at, display, v.job.timezone) else "" for v in views]
    rows = [
        [(stamp(v.fire.at, display) + (f" ({o})" if o else "")) if v.fire.at else "-",
         countdown(now, v.fire),
         v.judgement.verdict, v.judgement.severity, v.job.target,
         trigger_kind(v.job.trigger), v.job.source,
         v.job.owner or "-", v.job.schedule, v.job.command,
         f"{v.job.origin_path}:{v.job.origin_line or '-'}"]
        for v, o in zip(views, own, strict=True)]
    out = [table([f"NEXT FIRE ({label(display)})", "IN", "VERDICT", "SEV", "TARGET", "TRIG",
                  "SOURCE", "OWNER", "SCHEDULE", "COMMAND", "ORIGIN"], rows, wide=wide,
                 elastic=("SCHEDULE", "COMMAND", "ORIGIN"))]
    for v in views:
        where = f"  ! {v.job.target} {v.job.origin_path}:{v.job.origin_line or '-'}"
        for r in v.judgement.reasons if v.judgement.verdict is not Verdict.BENIGN else ():
            out.append(line(f"{where} [{r.rule}] {r.path or v.job.origin_path}:{r.line or '-'}: "
                            f"{r.evidence}", wide=wide))
        if v.judgement.verdict is not Verdict.BENIGN and v.job.provenance is not None:
            out.append(line(f"{where} {v.job.provenance.planted_by()}", wide=wide))
    return "\n".join(out)


def agents(rows: list[AgentRecord], owned: Mapping[str, list[str]], display: tzinfo = UTC, *,
           removed: bool = False) -> str:
    """`lineguard agents`: `owned` maps each agent to the targets only it may report."""
    from lineguard.collector.zones import restamp
    return table(["AGENT", "SITE", "LAST SEQ", "LAST SEEN", "KEY", "TARGETS"]
                 + (["REMOVED"] if removed else []),
                 [[r.name, r.site or "-", r.last_seq or "-",
                   restamp(r.last_seen, display) or "never", r.key_id,
                   ",".join(owned.get(r.name, [])) or "-"]
                  + ([restamp(r.removed_at, display) or "-"] if removed else []) for r in rows],
                 elastic=("TARGETS",))


def targets(views: list[TargetView], display: tzinfo = UTC) -> str:
    """`lineguard targets`."""
    from lineguard.collector.zones import restamp
    return table(["TARGET", "KIND", "AGENT", "SITE", "STATUS", "LAST OK POLL", "BASELINE",
                  "DETAIL"],
                 [[v.name, v.kind, v.agent, v.site or "-", v.status,
                   restamp(v.last_ok, display) or "never", v.baseline, v.baseline_detail]
                  for v in views], elastic=("DETAIL",))


def audit(rows: list[dict[str, Any]], display: tzinfo = UTC) -> str:
    """`lineguard audit`: the newest rows of the audit log."""
    from lineguard.collector.zones import restamp
    return table(["ID", "AT", "EVENT", "AGENT", "SUBJECT", "DETAIL"],
                 [[r["id"], restamp(r["at"], display), r["event"], r["agent"] or "-",
                   r["subject"], r["detail"]] for r in rows], elastic=("SUBJECT", "DETAIL"))


def baseline_status(st: BaselineStatus) -> str:
    """`baseline show`: the approved baseline and any pending proposal of a target, who signed
    and what is still missing."""
    out: list[str] = []
    if st.approved is not None and st.approved.approval is not None:
        out.append(f"{st.target}: in force, {st.approved.approval.describe()}; signatures "
                   f"verified")
        out += [f"  signed by {s.approver} ({s.key_id}) at {s.signed_at}"
                for s in st.approved.approval.signed]
        out += _baseline_summary(st.approved)
    elif st.untrusted is not None:
        out.append(f"{st.target}: NOT TRUSTED: {st.untrusted}")
    else:
        out.append(f"{st.target}: no approved baseline in {st.folder}")
    if st.proposal is not None and st.proposal_state is not None:
        state = st.proposal_state
        out.append(f"pending proposal {st.proposal_name}, proposed at {st.proposal.proposed_at}: "
                   f"{state.describe()}")
        out += [f"  signed by {s.approver} ({s.key_id}) at {s.signed_at}" for s in state.signed]
        out += [f"  does not count: {p}" for p in state.problems]
        out += _baseline_summary(st.proposal)
    return "\n".join(out)


def _baseline_summary(b: Baseline) -> list[str]:
    rows = "not parsed" if b.line_data is None else f"{len(b.line_data)} row(s)"
    lines = [f"  from {b.source.agent} #{b.source.seq} taken {b.source.taken_at} "
             f"({b.source.hash[:12]}…)", f"  line data: {rows}",
             f"  {len(b.artifacts)} artifact(s):"]
    lines += [f"    {a.name:<44} {a.kind:<20} {(a.sha256 or '-')[:16]}" for a in b.artifacts]
    return lines


def restore_plan(plan: SignedPlan, commands: bool = True) -> str:
    """The plan as a reviewer reads it: per device where it came from, each row to create, and
    the commands."""
    b = plan.body
    out = [f"restore plan {b.id}: {len(b.devices)} device(s), {b.row_count()} row(s); made "
           f"{b.created_at}, expires {b.expires_at}; needs {b.required_approvals} approval(s), "
           f"has {len(plan.approvals)}"
           + (f" ({', '.join(a.approver for a in plan.approvals)})" if plan.approvals else "")]
    for d in b.devices:
        out.append(f"{d.device} ({d.platform} by {d.method}, agent {d.agent}, site "
                   f"{d.site or '-'}): {len(d.rows)} row(s) from the baseline approved by "
                   f"{d.baseline['approved_by']} at {d.baseline['approved_at']}, against poll "
                   f"{d.poll['agent']} #{d.poll['seq']} taken {d.poll['taken_at']}")
        out += [f"  {'create' if r.change == 'missing' else 'rewrite'} {r.what}" for r in d.rows]
        if commands:
            out.append("  commands:")
            out += [f"    {c}" for a in d.actions for c in a.commands]
            if d.commit:
                out.append("    commit")
    if b.refused:
        out.append("refused:")
        out += [f"  {r.device}{' ' + r.row if r.row else ''}: {r.reason}" for r in b.refused]
    return "\n".join(out)


def plan_review(r: PlanReview) -> str:
    """`restore show`: the plan, then whose approvals verify and why others do not count."""
    need = r.plan.body.required_approvals
    return (restore_plan(r.plan) + "\n"
            + f"approvals verified: {len(r.approved_by)} of {need} "
              f"({', '.join(r.approved_by) or 'none'})"
            + "".join(f"\n  not counted: {p}" for p in r.problems))


def ingest_result(r: IngestResult) -> str:
    """One line per snapshot file `ingest` looked at: what became of it."""
    from lineguard.collector.ingest import one_line, quoted
    name = quoted(str(r.path))
    if r.outcome == "accepted":
        return f"{name}: accepted {r.agent} #{r.seq}"
    if r.outcome == "duplicate":
        return f"{name}: already stored ({r.agent} #{r.seq}), nothing to do"
    if r.outcome == "skipped":
        return f"{name}: skipped: {one_line(r.reason)}"
    if r.outcome == "deferred":
        return f"{name}: not ingested, left in place to retry: {one_line(r.reason)}"
    return f"{name}: rejected: {one_line(r.reason)}"
