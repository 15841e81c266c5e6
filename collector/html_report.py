"""`lineguard report --html`: a FleetReport as one self-contained HTML page (no network fetches:
inline CSS, inline SVG, a few lines of inline script) for the people who run the fleet — per-site overview, a
timeline of every pending job's next fire, findings worst first with their evidence and diffs,
line-data loss per device, agents and their silence, baselines and who approved them.

It renders the same records `check` and `jobs` compute; nothing here judges or reads the
store."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from html import escape

from lineguard.collector.jobs import JobView, clock_time, iso_z, parse_now
from lineguard.collector.model import Finding, Severity, Verdict, trigger_kind
from lineguard.collector.report import DIFF_KINDS, FleetReport
from lineguard.collector.store import AgentRecord
from lineguard.collector.zones import both, label, local, restamp, stamp

TIMELINE_WIDTH = 1000           # SVG user units; the SVG scales to the screen
_MIN_SPAN = timedelta(hours=1)
_TICKS = [(timedelta(hours=1), "1 h"), (timedelta(hours=6), "6 h"), (timedelta(days=1), "1 d"),
          (timedelta(days=7), "1 wk"), (timedelta(days=30), "1 mo"), (timedelta(days=91), "3 mo"),
          (timedelta(days=182), "6 mo"), (timedelta(days=365), "1 y")]


@dataclass(frozen=True)
class TargetRow:
    name: str
    kind: str
    site: str
    agent: str
    status: str
    error: str | None
    baseline: str


def render_html(report: FleetReport, display: tzinfo = UTC) -> str:
    """The page of `report`: its open findings (waived ones are sanctioned, so the page shows
    what still needs attention). Times are shown in `display`, job times also in their
    target's own zone."""
    now, views, sites = report.now, report.views, report.sites
    findings = report.open_findings
    targets = [TargetRow(t.name, t.kind, t.site or "unknown", t.agent, t.status, t.error,
                         f"NOT TRUSTED: {t.baseline_detail}" if t.baseline == "untrusted"
                         else t.baseline_detail)
               for t in report.targets]
    body = [
        f"<header><h1>lineguard fleet report</h1><p>as of <time>{stamp(now, display)}</time> · "
        f"{len(targets)} targets · {len(findings)} findings · {len(views)} scheduled jobs</p>"
        "</header>",
        _overview(targets, findings, sites),
        _timeline(views, now, display),
        _findings(findings),
        _losses(findings, sites),
        _jobs(views, now, display),
        _agents(report.agents, findings, now, display),
        _baselines(targets),
    ]
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>lineguard report {iso_z(now)}</title><style>{_CSS}</style></head>"
            f"<body>{''.join(body)}<script>{_JS}</script></body></html>\n")


def _overview(targets: list[TargetRow], findings: list[Finding], sites: dict[str, str]) -> str:
    by_site: dict[str, Counter[str]] = defaultdict(Counter)
    for f in findings:
        by_site[sites.get(f.target, "unknown")][f.severity] += 1
    counts = Counter(t.site for t in targets)
    not_ok = Counter(t.site for t in targets if t.status != "ok")
    rows = []
    for site in sorted(set(counts) | set(by_site)):
        sev = by_site[site]
        cells = "".join(f"<td class=\"n {s}\">{sev[s] or ''}</td>" for s in reversed(Severity))
        rows.append(f"<tr><th>{escape(site)}</th><td class=\"n\">{counts[site]}</td>"
                    f"<td class=\"n\">{not_ok[site] or ''}</td>{cells}</tr>")
    head = "".join(f"<th class=\"n\">{s}</th>" for s in reversed(Severity))
    return (f"<section id=\"overview\"><h2>Sites</h2><div class=\"scroll\"><table><thead><tr>"
            f"<th>site</th><th class=\"n\">targets</th><th class=\"n\">not ok</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div></section>")


def _x(fire: datetime, now: datetime, span: timedelta) -> float:
    """Position on a logarithmic axis, so an hour ahead and three months ahead both show."""
    seconds = max(0.0, (fire - now).total_seconds())
    return 20 + (TIMELINE_WIDTH - 40) * math.log1p(seconds / 60) / math.log1p(
        span.total_seconds() / 60)


def _timeline(views: list[JobView], now: datetime, display: tzinfo) -> str:
    pending = [(v, at) for v in views if (at := clock_time(v.fire)) is not None and at >= now]
    if not pending:
        return ("<section id=\"timeline\"><h2>Timeline</h2><p>No pending job with a clock time."
                f"</p>{_waiting(views)}</section>")
    span = max(max(at for _, at in pending) - now, _MIN_SPAN)
    marks = []
    for i, (v, at) in enumerate(pending):
        x = _x(at, now, span)
        y = 40 + (i % 6) * 14        # a few lanes so jobs at the same instant stay visible
        label = (f"{v.judgement.verdict} {v.job.source} job ({trigger_kind(v.job.trigger)}) "
                 f"on {v.job.target}: "
                 f"{both(at, display, v.job.timezone)} ({_until(now, at)}) {v.job.command}")
        marks.append(
            f"<a href=\"#{_job_id(v)}\"><circle class=\"mark {v.judgement.verdict}\" "
            f"cx=\"{x:.1f}\" cy=\"{y}\" r=\"{7 if v.judgement.verdict == 'destructive' else 5}\" "
            f"data-job=\"{_job_id(v)}\" data-fire=\"{iso_z(at)}\">"
            f"<title>{escape(label)}</title></circle></a>")
    ticks = []
    for delta, text in _TICKS:
        if delta <= span:
            x = _x(now + delta, now, span)
            ticks.append(f"<line class=\"tick\" x1=\"{x:.1f}\" x2=\"{x:.1f}\" y1=\"25\" y2=\"125\"/>"
                         f"<text x=\"{x:.1f}\" y=\"18\">{text}</text>")
    svg = (f"<svg viewBox=\"0 0 {TIMELINE_WIDTH} 140\" role=\"img\" "
           f"aria-label=\"next fire of every pending job\"><text x=\"20\" y=\"18\">now</text>"
           f"<line class=\"axis\" x1=\"20\" x2=\"{TIMELINE_WIDTH - 20}\" y1=\"130\" y2=\"130\"/>"
           f"{''.join(ticks)}{''.join(marks)}</svg>")
    destructive = sum(v.judgement.verdict is Verdict.DESTRUCTIVE for v, _ in pending)
    return (f"<section id=\"timeline\"><h2>Timeline</h2><p>{len(pending)} pending jobs until "
            f"{stamp(now + span, display)}; <span class=\"destructive\">{destructive} destructive</span>. "
            f"Hover or tap a mark for the job; it links to its evidence.</p>"
            f"<div class=\"scroll\">{svg}</div>{_waiting(views)}</section>")


def _waiting(views: list[JobView]) -> str:
    """Jobs no clock decides (boot, events, logins, hooks without a scheduled host job): not on
    the time axis, but counted by trigger beside it."""
    waiting = [v for v in views if clock_time(v.fire) is None and v.job.state == "active"
               and v.fire.kind in ("boot", "event", "login", "hook")]
    if not waiting:
        return ""
    kinds = Counter(trigger_kind(v.job.trigger) for v in waiting)
    bad = Counter(trigger_kind(v.job.trigger) for v in waiting
                  if v.judgement.verdict is Verdict.DESTRUCTIVE)
    items = "".join(f"<li>{escape(k)}: {kinds[k]}"
                    + (f" (<span class=\"destructive\">{bad[k]} destructive</span>)"
                       if bad[k] else "") + "</li>" for k in sorted(kinds))
    return f"<p>Waiting for a trigger rather than a time:</p><ul class=\"waiting\">{items}</ul>"


def _findings(findings: list[Finding]) -> str:
    items = []
    for f in findings:
        evidence = "".join(
            f"<li><code>{escape(r.rule)}</code> {escape(r.title)} — "
            f"<span class=\"where\">{escape(r.path or '-')}:{r.line or '-'}</span>"
            f"<pre>{escape(r.evidence)}</pre></li>" for r in f.evidence)
        items.append(
            f"<details class=\"finding {f.severity}\"{' open' if f.severity == 'critical' else ''}>"
            f"<summary><span class=\"sev\">{f.severity.upper()}</span> "
            f"<span class=\"kind\">{escape(f.kind)}</span> {escape(f.title)}</summary>"
            f"{_detail(f.detail, f.kind in DIFF_KINDS)}"
            f"{f'<ul>{evidence}</ul>' if evidence else ''}{_stop(f)}</details>")
    return (f"<section id=\"findings\"><h2>Findings ({len(findings)})</h2>"
            f"{''.join(items) or '<p>No findings.</p>'}</section>")


def _stop(f: Finding) -> str:
    if f.origin is None or not f.origin.stop:
        return ""
    return (f"<p class=\"stop\"><b>How to stop it</b> (on {escape(f.target)}):</p>"
            f"<pre class=\"stop\">{escape(chr(10).join(f.origin.stop))}</pre>")


def _detail(text: str, is_diff: bool) -> str:
    """Detail text as a block; in a diff, added and removed lines are marked as such."""
    if not text:
        return ""
    if not is_diff:
        return f"<pre class=\"detail\">{escape(text)}</pre>"
    lines = []
    for line in text.splitlines():
        cls = ("add" if line.startswith("+") and not line.startswith("+++") else
               "del" if line.startswith("-") and not line.startswith("---") else "")
        lines.append(f"<span class=\"{cls}\">{escape(line)}</span>" if cls else escape(line))
    return f"<pre class=\"detail\">{chr(10).join(lines)}</pre>"


def _losses(findings: list[Finding], sites: dict[str, str]) -> str:
    lost = [f for f in findings if f.kind == "line-data-loss"]
    if not lost:
        return ("<section id=\"line-data\"><h2>Line data loss</h2>"
                "<p>No device has lost line data.</p></section>")
    items = "".join(
        f"<details class=\"finding {f.severity}\" open><summary>{escape(f.target)} "
        f"({escape(sites.get(f.target, 'unknown'))}): {escape(f.title)}</summary>"
        f"{_detail(f.detail, True)}</details>" for f in lost)
    return f"<section id=\"line-data\"><h2>Line data loss ({len(lost)} devices)</h2>{items}</section>"


def _jobs(views: list[JobView], now: datetime, display: tzinfo) -> str:
    rows = []
    for v in views:
        j = v.job
        reasons = "".join(f"<li><code>{escape(r.rule)}</code> {escape(r.path or j.origin_path)}:"
                          f"{r.line or '-'}: {escape(r.evidence)}</li>"
                          for r in v.judgement.reasons)
        own = local(v.fire.at, display, j.timezone) if v.fire.at else ""
        when = (f"{stamp(v.fire.at, display)}<br>" + (f"<small>{own}</small><br>" if own else "")
                + f"<small>{_until(now, v.fire.at)}</small>" if v.fire.at
                else escape(v.fire.note or v.fire.kind))
        rows.append(
            f"<tr id=\"{_job_id(v)}\" class=\"{v.judgement.verdict}\"><td>{when}</td>"
            f"<td>{escape(v.judgement.verdict)}<br><small>{escape(v.judgement.severity)}</small></td>"
            f"<td>{escape(j.target)}</td><td>{escape(trigger_kind(j.trigger))}</td>"
            f"<td>{escape(j.source)}</td>"
            f"<td>{escape(j.owner or '-')}</td>"
            f"<td class=\"where\">{escape(j.origin_path)}:{j.origin_line or '-'}</td>"
            f"<td><code>{escape(j.command)}</code>"
            f"{f'<ul>{reasons}</ul>' if reasons else ''}</td></tr>")
    return (f"<section id=\"jobs\"><h2>Scheduled jobs ({len(views)})</h2><div class=\"scroll\">"
            f"<table><thead><tr><th>next fire ({escape(label(display))})</th><th>verdict</th>"
            f"<th>target</th><th>trigger</th><th>source</th><th>owner</th><th>origin</th>"
            f"<th>command</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div></section>")


def _agents(agents: Iterable[AgentRecord], findings: list[Finding], now: datetime,
            display: tzinfo) -> str:
    silent = {f.target for f in findings if f.kind == "silence"}
    rows = []
    for a in agents:
        age = "never" if a.last_seen is None else _until(parse_now(a.last_seen), now) + " ago"
        rows.append(f"<tr class=\"{'silent' if a.name in silent else ''}\"><td>{escape(a.name)}</td>"
                    f"<td>{escape(a.site or '-')}</td><td class=\"n\">{a.last_seq or '-'}</td>"
                    f"<td>{escape(restamp(a.last_seen, display) or 'never')}<br><small>{age}</small></td>"
                    f"<td>{'SILENT' if a.name in silent else 'reporting'}</td>"
                    f"<td><code>{escape(a.key_id)}</code></td></tr>")
    return (f"<section id=\"agents\"><h2>Agents</h2><div class=\"scroll\"><table><thead><tr>"
            f"<th>agent</th><th>site</th><th>last seq</th><th>last seen</th><th>state</th>"
            f"<th>key</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>")


def _baselines(targets: list[TargetRow]) -> str:
    rows = "".join(
        f"<tr class=\"{'untrusted' if t.baseline.startswith('NOT') else ''}\">"
        f"<td>{escape(t.name)}</td><td>{escape(t.kind)}</td><td>{escape(t.site)}</td>"
        f"<td>{escape(t.agent)}</td><td>{escape(t.status)}"
        f"{f'<br><small>{escape(t.error)}</small>' if t.error else ''}</td>"
        f"<td>{escape(t.baseline)}</td></tr>" for t in targets)
    return (f"<section id=\"baselines\"><h2>Targets and baselines</h2><div class=\"scroll\">"
            f"<table><thead><tr><th>target</th><th>kind</th><th>site</th><th>agent</th>"
            f"<th>newest poll</th><th>baseline</th></tr></thead><tbody>{rows}</tbody></table>"
            f"</div></section>")


def _job_id(v: JobView) -> str:
    import hashlib
    ident = f"{v.job.target}\0{v.job.origin_path}\0{v.job.origin_line}\0{v.job.command}"
    return "job-" + hashlib.sha256(ident.encode()).hexdigest()[:12]


def _until(start: datetime, end: datetime) -> str:
    s = int((end - start).total_seconds())
    if s < 0:
        return "overdue"
    d, rem = divmod(s, 86400)
    return f"in {d}d {rem // 3600:02d}h" if d else f"in {rem // 3600}h {rem % 3600 // 60:02d}m"


_CSS = """
:root{--crit:#b00020;--high:#d9480f;--med:#b58900;--low:#1c7ed6;--info:#868e96;--fg:#1b1b1b;
--bg:#fff;--muted:#5c5f66;--line:#dee2e6}
*{box-sizing:border-box}body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;
color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;padding:12px}
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;border-bottom:1px solid var(--line);
padding-bottom:.2em;margin-top:1.6em}header p{color:var(--muted);margin:0}
table{border-collapse:collapse;width:100%;font-size:.92em}th,td{text-align:left;
vertical-align:top;padding:4px 6px;border-bottom:1px solid var(--line)}.n{text-align:right}
.scroll{overflow-x:auto}code,pre{font:12.5px/1.35 ui-monospace,Menlo,Consolas,monospace}
pre{white-space:pre-wrap;word-break:break-word;background:#f8f9fa;padding:6px;margin:4px 0}
.add{background:#e6ffec;color:#1a7f37;display:block}.del{background:#ffebe9;color:#cf222e;
display:block}details.finding{border-left:5px solid var(--info);margin:6px 0;padding:4px 8px;
background:#fcfcfd}details.critical{border-color:var(--crit)}details.high{border-color:var(--high)}
details.medium{border-color:var(--med)}details.low{border-color:var(--low)}summary{cursor:pointer}
.sev{font-weight:700}.kind{color:var(--muted)}.where{color:var(--muted);word-break:break-all}
li,summary{overflow-wrap:anywhere}
td.critical{color:var(--crit);font-weight:700}td.high{color:var(--high);font-weight:700}
td.medium{color:var(--med)}tr.destructive td:first-child{border-left:4px solid var(--crit)}
tr.suspicious td:first-child{border-left:4px solid var(--med)}tr.silent,tr.untrusted{
background:#fff4e6}span.destructive{color:var(--crit);font-weight:700}
svg{width:100%;min-width:640px;height:auto;background:#f8f9fa;border:1px solid var(--line)}
svg text{font-size:12px;fill:var(--muted);text-anchor:middle}.axis{stroke:#adb5bd}
.tick{stroke:#dee2e6;stroke-dasharray:3 3}.mark{fill:var(--info);opacity:.8}
.mark.destructive{fill:var(--crit);opacity:1}.mark.suspicious{fill:var(--med)}
tr:target{outline:3px solid var(--low)}
@media (max-width:640px){body{padding:6px;font-size:14px}th,td{padding:3px}}
"""

# Clicking a timeline mark opens the job row; nothing is fetched.
_JS = """
document.querySelectorAll('svg a').forEach(function(a){a.addEventListener('click',function(){
var row=document.getElementById(a.getAttribute('href').slice(1));if(row){row.scrollIntoView();}});});
"""
