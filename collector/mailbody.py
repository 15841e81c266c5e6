"""What an alert email says: a text part and an HTML part with the same facts for each finding —
what, where (file:line), who (runs as, file owner and times), when (the display zone and the
target's own), why (the rule's explanation and the evidence lines) and how to stop it — and the
full HTML report, attached or linked. Text lines stay within 100 characters.

Composition only: alerts.py decides what is due, sets the envelope headers and sends."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from email import policy
from email.message import EmailMessage
from html import escape

from lineguard.collector.model import Finding
from lineguard.collector.zones import both

WIDTH = 100
CONTINUED = "\\"                  # ends a piece of a token too long for one line
FINAL_WARNING = timedelta(hours=24)
REPORT_NAME = "lineguard-report.html"
# A digest stays small enough for any mail server to take: the most urgent findings in full,
# the next ones by title, then a count (a flood of findings must not make the email, and with
# it every alert, bounce for its size).
DIGEST_IN_FULL = 50
DIGEST_BY_TITLE = 400
DETAIL_LINES = 60


@dataclass(frozen=True)
class Context:
    """Everything about one digest beyond its findings."""

    threshold: str
    realert_hours: float
    now: datetime
    label: str = ""
    display: tzinfo = UTC
    report_url: str | None = None     # link the published report instead of attaching it
    report_html: str | None = None    # the report to attach (None: nothing to attach)
    # The newest signed checkpoint of the collector's audit log, sent as a header: a copy that
    # leaves the host, so the owner of the collector's database cannot rewrite it unseen.
    anchor: str = ""


def countdown(fire_at: datetime, now: datetime) -> str:
    """`74d 09h`, `05h 12m`, `12m`; `overdue 3h` once the time has passed."""
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


def final_window(finding: Finding, now: datetime) -> bool:
    return finding.fire_at is not None and now <= finding.fire_at <= now + FINAL_WARNING


@dataclass(frozen=True)
class Fact:
    """One labelled line of a finding (`what`, `where`, ...); `lines` for blocks."""

    label: str
    text: str = ""
    lines: tuple[str, ...] = ()


def facts(f: Finding, reason: str, ctx: Context) -> list[Fact]:
    """The same facts for both parts, in reading order."""
    o = f.origin
    out = [Fact("what", f"{o.source} job runs: {o.command}" if o is not None
                else f"{f.kind} finding")]
    if o is not None:
        out.append(Fact("where", f"{f.target}  {o.path}:{o.line or '-'}"
                                 + (f"  ({o.source})" if o.source else "")))
        if o.text:
            out.append(Fact("line", o.text))
        who = [f"runs as {o.runs_as or 'unknown'}"]
        if o.file_owner:
            who.append(f"file owner {o.file_owner}")
        if o.mtime:
            who.append(f"modified {o.mtime}")
        if o.ctime:
            who.append(f"changed {o.ctime}")
        out.append(Fact("who", ", ".join(who)))
    else:
        out.append(Fact("where", f"{f.target}" + (
            f"  {f.evidence[0].path}:{f.evidence[0].line or '-'}"
            if f.evidence and f.evidence[0].path else "")))
    out.append(Fact("site", f.site or "- (fleet-wide)"))
    if f.fire_at is not None:
        warn = "  FINAL WARNING: fires within 24 h" if final_window(f, ctx.now) else ""
        out.append(Fact("fires", f"{both(f.fire_at, ctx.display, o.timezone if o else None)} "
                                f"(in {countdown(f.fire_at, ctx.now)}){warn}"))
    for text in dict.fromkeys(r.explanation.strip() for r in f.evidence if r.explanation):
        out.append(Fact("why", text))
    if f.evidence:
        out.append(Fact("evidence", lines=tuple(
            (f"{r.path}:{r.line}: " if r.path and r.line is not None
             else f"{r.path}: " if r.path else "") + r.evidence + (f"   [{r.rule}]" if r.rule else "")
            for r in f.evidence)))
    if f.detail and o is None:
        detail = [ln[:500] for ln in f.detail.splitlines()]
        if len(detail) > DETAIL_LINES:
            detail = [*detail[:DETAIL_LINES],
                      f"... {len(detail) - DETAIL_LINES} more line(s): lineguard check --json"]
        out.append(Fact("detail", lines=tuple(detail)))
    if o is not None and o.stop:
        out.append(Fact(f"HOW TO STOP IT (on {f.target})", lines=o.stop))
    out.append(Fact("alert", f"{reason}   key: {f.key}"))
    return out


def fold(text: str, indent: str, first: str | None = None, width: int = WIDTH) -> list[str]:
    """`text` as lines of at most `width` characters: words wrapped, a token longer than a line
    cut into pieces that end in a continuation mark."""
    head = indent if first is None else first
    room = width - len(indent) - len(CONTINUED)
    words = []
    for word in text.split(" "):
        while len(word) > room:
            words.append(word[:room] + CONTINUED)
            word = word[room:]
        words.append(word)
    return textwrap.wrap(" ".join(words), width, initial_indent=head, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False,
                         replace_whitespace=False, drop_whitespace=True) or [head.rstrip()]


def text_part(items: list[tuple[Finding, str]], ctx: Context) -> str:
    lines = fold(f"lineguard: {len(items)} finding(s) at or above {ctx.threshold} due as of "
                 f"{both(ctx.now, ctx.display)}" + (f" for the {ctx.label}" if ctx.label else "")
                 + ".", "")
    lines.append("")
    for n, (f, reason) in enumerate(items[:DIGEST_IN_FULL], 1):
        lines += fold(f"{n}. [{f.severity.upper()}] {f.title}", "   ", "")
        for fact in facts(f, reason, ctx):
            if fact.lines:
                lines.append(f"   {fact.label}:")
                for ln in fact.lines:
                    lines += fold(ln, "       ", "     ")
            else:
                lines += fold(fact.text, "       ", f"   {fact.label}: ")
        lines.append("")
    for n, (f, reason) in _by_title(items):
        lines += fold(f"{n}. [{f.severity.upper()}] {f.title[:300]}   ({reason})", "   ", "")
    if _left(items):
        lines += ["", f"... and {_left(items):,} more finding(s): lineguard check lists them all."]
    if len(items) > DIGEST_IN_FULL:
        lines.append("")
    lines += _report_note(ctx)
    lines += fold("Re-sent when severity rises, when a job is within 24 h of firing, and every "
                  f"{ctx.realert_hours:g} h while open.", "")
    return "\n".join(lines) + "\n"


def _by_title(items: list[tuple[Finding, str]]) -> list[tuple[int, tuple[Finding, str]]]:
    return list(enumerate(items[DIGEST_IN_FULL:DIGEST_IN_FULL + DIGEST_BY_TITLE],
                          DIGEST_IN_FULL + 1))


def _left(items: list[tuple[Finding, str]]) -> int:
    return max(0, len(items) - DIGEST_IN_FULL - DIGEST_BY_TITLE)


def _report_note(ctx: Context) -> list[str]:
    if ctx.report_url:
        return [*fold(f"Full report: {ctx.report_url}", "  ", ""), ""]
    if ctx.report_html is not None:
        return [f"Full report: attached ({REPORT_NAME}).", ""]
    return []


def html_part(items: list[tuple[Finding, str]], ctx: Context) -> str:
    out = ["<!doctype html><html><head><meta charset=\"utf-8\"><title>lineguard alert</title>"
           "</head><body style=\"font-family:sans-serif;max-width:60em\">",
           f"<p>lineguard: {len(items)} finding(s) at or above <b>{escape(ctx.threshold)}</b> "
           f"due as of {escape(both(ctx.now, ctx.display))}"
           + (f" for the {escape(ctx.label)}" if ctx.label else "") + ".</p>"]
    for n, (f, reason) in enumerate(items[:DIGEST_IN_FULL], 1):
        out.append(f"<h2>{n}. [{f.severity.upper()}] {escape(f.title)}</h2><table>")
        for fact in facts(f, reason, ctx):
            if fact.lines:
                body = "<pre style=\"white-space:pre-wrap\">" + escape(
                    "\n".join(fact.lines)) + "</pre>"
            else:
                body = escape(fact.text)
            label = escape(fact.label)
            if fact.label.startswith("HOW TO STOP"):
                label = f"<b>{label}</b>"
            out.append(f"<tr><th style=\"text-align:left;vertical-align:top\">{label}</th>"
                       f"<td>{body}</td></tr>")
        out.append("</table>")
    if _by_title(items):
        out.append(f"<ol start=\"{DIGEST_IN_FULL + 1}\">" + "".join(
            f"<li>[{f.severity.upper()}] {escape(f.title[:300])} ({escape(reason)})</li>"
            for _, (f, reason) in _by_title(items)) + "</ol>")
    if _left(items):
        out.append(f"<p>... and {_left(items):,} more finding(s): lineguard check lists them "
                   f"all.</p>")
    if ctx.report_url:
        out.append(f"<p>Full report: <a href=\"{escape(ctx.report_url)}\">"
                   f"{escape(ctx.report_url)}</a></p>")
    elif ctx.report_html is not None:
        out.append(f"<p>Full report: attached ({REPORT_NAME}).</p>")
    out.append(f"<p>Re-sent when severity rises, when a job is within 24 h of firing, and every "
               f"{ctx.realert_hours:g} h while open.</p></body></html>")
    return "\n".join(out) + "\n"


def compose(items: list[tuple[Finding, str]], ctx: Context) -> EmailMessage:
    """The message without envelope headers: text, HTML alternative, the report attached when
    it is not linked."""
    # Long subjects stay on one line: Python's folder would otherwise move the whole value to a
    # continuation line, and readers then show it with a leading space.
    msg = EmailMessage(policy=policy.SMTP.clone(max_line_length=998))
    if ctx.anchor:
        msg["X-Lineguard-Checkpoint"] = ctx.anchor
    msg.set_content(text_part(items, ctx))
    msg.add_alternative(html_part(items, ctx), subtype="html")
    if ctx.report_html is not None and not ctx.report_url:
        msg.add_attachment(ctx.report_html, subtype="html", filename=REPORT_NAME)
    return msg
