"""The Markdown report (`lineguard report`): a FleetReport for people and for the record,
reproducible with --now."""

from __future__ import annotations

from datetime import UTC, tzinfo

from lineguard.collector.report import DIFF_KINDS, FleetReport
from lineguard.collector.zones import label, local, restamp, stamp


def render(report: FleetReport, display: tzinfo = UTC) -> str:
    """Times in `display`, and each job's also in its target's own zone where that differs."""
    from lineguard.collector.analyse.timing import countdown
    now = report.now
    out = [f"# lineguard report, as of {stamp(now, display)}", "", "## Agents", "",
           "| agent | site | last seq | last seen |", "|---|---|---|---|"]
    out += [f"| {a.name} | {a.site or '-'} | {a.last_seq or '-'} | "
            f"{restamp(a.last_seen, display) or 'never'} |"
            for a in report.agents]
    out += ["", "## Targets in the newest snapshots", "", "| target | kind | status | artifacts | error |",
            "|---|---|---|---|---|"]
    out += [f"| {t.name} | {t.kind} | {t.status} | {t.artifacts} | {_cell(t.error or '')} |"
            for t in report.targets]
    judged = report.judged
    out += ["", f"## Findings ({len(judged)})", ""]
    for j in judged:
        f = j.finding
        site = f"[{f.site}] " if f.site else ""
        out += [f"### {'WAIVED' if j.waived else f.severity.upper()}: {site}{_heading(f.title)}",
                ""]
        if j.waiver is not None:
            out += [f"{'Waived' if j.waived else 'Not waived'}: {j.waiver.describe(now)}", ""]
        if f.detail:
            # fenced, so removed config lines stay diff lines instead of becoming list items
            fence = "```diff" if f.kind in DIFF_KINDS else "```text"
            out += [fence, *f.detail.replace("```", "`​``").splitlines(), "```", ""]
        if f.origin is not None and f.origin.stop:
            out += [f"How to stop it (on {f.target}):", "", "```sh", *f.origin.stop, "```", ""]
    views = report.views
    out += ["", f"## Scheduled jobs ({len(views)})", "",
            f"| next fire ({label(display)}) | target's time | in | verdict | severity | target "
            f"| origin | command |",
            "|---|---|---|---|---|---|---|---|"]
    for v in views:
        cmd = _cell(v.job.command[:80])
        when = stamp(v.fire.at, display) if v.fire.at else v.fire.note
        out.append(f"| {when} | {local(v.fire.at, display, v.job.timezone) or '='} | "
                   f"{countdown(now, v.fire)} | "
                   f"{v.judgement.verdict} | {v.judgement.severity} | {v.job.target} | "
                   f"{v.job.origin_path}:{v.job.origin_line or '-'} | `{cmd}` |")
    return "\n".join(out) + "\n"


def _heading(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    """Text inside one Markdown table cell: a `|` or a line break would end the row."""
    return " ".join(text.split()).replace("|", "\\|")
