"""Change control: what makes a destructive effect a controlled change rather than an
unbounded one. Three forms count (collector/rules/README.md says exactly when):

- a change ticket named in what the job runs (CHANGE_REF);
- a maintenance window: a date condition bounded at both ends, or a one-shot job (at, a
  one-shot timer) whose fire time falls in a window the job declares; short, and near;
- a copy kept before the change (a `backup` effect covering what is destroyed, to a place that
  survives the job).

Each form lowers only an effect on one target; a copy also keeps a mass deletion from being
raised for its reach, never below high. What does not qualify is said in the reason.

Public: `date_window(condition)`, `declared_windows(text)`, `control_of(...)`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from lineguard.collector.analyse.effects.model import Effect, Gate, is_known, render
from lineguard.collector.model import AbsoluteTrigger, CalendarTrigger, Fire, Job
from lineguard.formats.sleep import inline_sleeps, sleep_seconds

MAX_WINDOW = timedelta(hours=24)       # a maintenance window is a night, not a season
# how a reason says its effect was lowered as a controlled change of one thing (see
# Control.note; check.split_change_findings counts such jobs across a host)
ONE_TARGET = ", one target"
MASS = frozenset({"delete-tree", "wipe", "volume removal", "db-drop", "db-truncate",
                  "db-delete-all", "db-flush"})
# where a copy does not survive the job (discarded, or gone at the next reboot)
# a whole database (or table) in one file or folder: every row it holds goes with it
_DATABASE_FILE = re.compile(r"\.(?:db|sqlite3?|dbf|mdb|ibd|myd|tbl)$|/var/lib/(?:postgresql|pgsql|mysql|"
                            r"mariadb|mongodb|redis|influxdb|cassandra|clickhouse)(?:/|$)|oradata",
                            re.I)
# a path naming every file that matches a pattern: many targets, however it is written
_GLOB = re.compile(r"[*?]|\[[^\]/]+\]")
_VOLATILE = re.compile(r"^/(?:dev|proc|sys|run|tmp|var/tmp)(?:/|$)")
# a sleep whose length is a variable: the job may wait any time after checking its window
_UNKNOWN_SLEEP = re.compile(r"(?:^|[\s;&|({])(?:time\.)?sleep(?:\s*\(\s*[A-Za-z_$]|\s+[\"']?\$)")
# waits no sleep states: forever, until a file, a pipe or an event says so
_OPEN_WAIT = re.compile(r"(?:^|[\s;&|({])(?:sleep\s+[\"']?inf(?:inity)?\b|inotifywait\b|"
                        r"tail\s+(?:-\w*[fF]\w*|--follow)\b|systemd-run\b[^\n]*--on-|"
                        r"(?:timeout|read\s+(?:-\w+\s+)*-t)\s+[\"']?\$)")
# waits bounded by a written time: `timeout 30 ssh …`, `read -t 600`
_TIMED_WAIT = re.compile(r"(?:^|[\s;&|({])(?:timeout(?:\s+-\S+)*|read\s+(?:-\w+\s+)*-t)\s+"
                         r"(\d+(?:\.\d+)?[smhd]?)(?![\w.])")
# loops: a wait inside one is repeated as often as the loop runs
_DO = re.compile(r"[^\n#]*(?:;|\n)\s*do\b")
_LOOP = re.compile(r"(?<![\w$.-])(while|until|for|done)(?![\w-])")

# --- date conditions ------------------------------------------------------------------------

_LITERAL = (r"(?P<iso>20\d\d-[01]\d-[0-3]\d(?:[T ][0-2]\d:[0-5]\d(?::[0-5]\d)?)?)"
            r"|(?P<compact>20\d\d[01]\d[0-3]\d(?:[0-2]\d(?:[0-5]\d(?:[0-5]\d)?)?)?)(?!\d)"
            r"|(?P<epoch>(?<!\d)1[5-9]\d{8}|(?<!\d)2\d{9})(?!\d)"
            r"|(?P<call>(?:\b[\w.]*\.)?\bdate(?:time)?\(\s*(20\d\d)(?:\s*,\s*\d{1,2}){2,5}\s*\))")
_OP = r"(?P<op>-ge|-gt|-le|-lt|-eq|-ne|>=|<=|==|!=|=|>|<|(?<![\w-])(?:eq|ne|ge|gt|le|lt)\b)"
_TOKEN = re.compile(rf"{_LITERAL}|{_OP}")
_OR = re.compile(r"\|\||(?<![\w-])-o\b|\bor\b")
# a clock other than now: an offset date (`date -d '300 days ago'`), another zone, a file's
# time, arithmetic on the clock — such a condition may name a near day and arm a far one
_SHIFTED = re.compile(r"\bdate\b[^|;)`]*?\s(?:-d|--date|-r|--reference|-f|--file)\b|\bTZ=|"
                      r"timedelta|relativedelta|\bclock\s+add\b|\$\(\(|\bexpr\b|\bfaketime\b|"
                      r"\bstat\b|getmtime|st_mtime")
_NOT = re.compile(r"(?:^|[\s(\[])!(?!=)|\bnot\b")
_FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "-ge": "-le", "-le": "-ge", "-gt": "-lt",
         "-lt": "-gt"}
_WORD_OPS = {"eq": "=", "ne": "!=", "ge": ">=", "gt": ">", "le": "<=", "lt": "<"}   # Perl, Tcl
_BETWEEN = re.compile(r"^[\s\"'(\[\]]*$")


def _instant(m: re.Match[str]) -> tuple[datetime, timedelta] | None:
    """The literal's instant and the span one value of it covers (a day, a minute, …)."""
    try:
        if m.group("iso"):
            t = m.group("iso").replace("T", " ")
            fmt = {10: "%Y-%m-%d", 16: "%Y-%m-%d %H:%M", 19: "%Y-%m-%d %H:%M:%S"}[len(t)]
            iso_unit = {10: timedelta(days=1), 16: timedelta(minutes=1), 19: timedelta(seconds=1)}
            return datetime.strptime(t, fmt), iso_unit[len(t)]
        if m.group("compact"):
            t = m.group("compact")
            fmt = {8: "%Y%m%d", 10: "%Y%m%d%H", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}[len(t)]
            compact_unit = {8: timedelta(days=1), 10: timedelta(hours=1),
                            12: timedelta(minutes=1), 14: timedelta(seconds=1)}
            return datetime.strptime(t, fmt), compact_unit[len(t)]
        if m.group("epoch"):
            # seconds since the epoch are UTC whatever the job's zone
            return (datetime.fromtimestamp(int(m.group("epoch")), UTC).replace(tzinfo=None),
                    timedelta(seconds=1))
        nums = [int(x) for x in re.findall(r"\d+", m.group("call"))]
        unit = [timedelta(days=1), timedelta(hours=1), timedelta(minutes=1),
                timedelta(seconds=1)][len(nums) - 3]
        return datetime(*nums), unit   # type: ignore[arg-type]
    except (ValueError, KeyError, IndexError, OverflowError):
        return None


def date_window(condition: str) -> tuple[datetime | None, datetime | None]:
    """[from, until) the date condition holds for, from its comparisons of the clock against
    fixed dates (`[ "$(date +%F)" = 2026-12-05 ]`, `-ge 202612050100 ] && [ … -lt …`,
    `date(2026, 12, 5) <= today < …`). Open (None) where a side is not bounded, and fully open
    when the condition negates, alternates (||, or) or tests inequality: the complement of a
    window is not a window."""
    if _OR.search(condition) or _NOT.search(condition) or _SHIFTED.search(condition):
        return None, None
    tokens = list(_TOKEN.finditer(condition))
    lo: datetime | None = None
    hi: datetime | None = None
    for k, t in enumerate(tokens):
        op = t.group("op")
        if not op:
            continue
        op = _WORD_OPS.get(op, op)
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        prev = tokens[k - 1] if k else None
        if nxt is not None and not nxt.group("op") and _BETWEEN.match(
                condition[t.end():nxt.start()]):
            lit = nxt
        elif prev is not None and not prev.group("op") and _BETWEEN.match(
                condition[prev.end():t.start()]):
            lit, op = prev, _FLIP.get(op, op)       # `2026-12-05 <= today`: the clock is right
        else:
            continue
        at = _instant(lit)
        if at is None:
            continue
        when, unit = at
        if op in ("-ne", "!="):
            return None, None
        start = {"-ge": when, ">=": when, "-gt": when + unit, ">": when + unit,
                 "-eq": when, "=": when, "==": when}.get(op)
        end = {"-le": when + unit, "<=": when + unit, "-lt": when, "<": when,
               "-eq": when + unit, "=": when + unit, "==": when + unit}.get(op)
        if start is not None:
            lo = start if lo is None else max(lo, start)
        if end is not None:
            hi = end if hi is None else min(hi, end)
    return lo, hi


# --- declared windows -----------------------------------------------------------------------

_DECLARED = re.compile(
    r"\bwindow\b[^\n\d]{0,24}(20\d\d-[01]\d-[0-3]\d)[T ]+([0-2]\d:[0-5]\d)\s*(?:-|–|to|until)\s*"
    r"(?:(20\d\d-[01]\d-[0-3]\d)[T ]+)?([0-2]\d:[0-5]\d)", re.I)


def declared_windows(text: str) -> list[tuple[datetime, datetime]]:
    """Maintenance windows a job states in its text or ticket file ("window 2026-12-05
    01:00-03:00", "change window: 2026-12-05 23:00 to 2026-12-06 01:00"), in its zone."""
    out = []
    for m in _DECLARED.finditer(text):
        try:
            start = datetime.strptime(f"{m.group(1)} {m.group(2)}", "%Y-%m-%d %H:%M")
            end = datetime.strptime(f"{m.group(3) or m.group(1)} {m.group(4)}", "%Y-%m-%d %H:%M")
        except ValueError:
            continue
        if end <= start and not m.group(3):
            end += timedelta(days=1)              # 23:00-01:00 runs past midnight
        out.append((start, end))
    return out


# --- the judgement --------------------------------------------------------------------------

@dataclass(frozen=True)
class Control:
    """The change control an effect is under: the forms that qualify (shown in the reason) and
    the ones that were offered but do not (said, so the reader sees why nothing was lowered)."""

    forms: tuple[str, ...]
    refused: tuple[str, ...]
    single: bool                      # the effect acts on one target
    copied: bool                      # a copy was kept before it
    changes: int = 1                  # how many things the job changes in all
    whole: bool = False               # it removes a whole set at once (see control_of)

    @property
    def lowers(self) -> bool:
        return bool(self.forms) and self.single

    def note(self) -> str:
        parts = []
        if self.forms:
            parts.append("change-controlled: " + "; ".join(self.forms) +
                         (ONE_TARGET if self.single else
                          " — a mass change, still at least high" if self.copied else
                          f" — but the job changes {self.changes} things, so none is lowered"
                          if self.changes > 1 else
                          " — but it removes a whole interface, configuration, table or range"
                          " at once, so it is not lowered" if self.whole else
                          " — but it acts on every member of a set, so it is not lowered"))
        parts += [f"not change control: {r}" for r in self.refused]
        return " [" + "; ".join(parts) + "]" if parts else ""


@dataclass
class Setting:
    """What the judge knows about the job as a whole. `texts` gives the job's own texts (its
    command, the files it runs): read only when a window is weighed (declared, or slept past)."""

    job: Job
    fire: Fire | None
    now: datetime
    change_ref: str
    texts: Callable[[], list[str]]
    near: timedelta                   # how soon a window must begin (the dormancy threshold)
    # how many things the job's destructive effects change in all (read only when one of them
    # is offered change control): control lowers a change of one thing, not one of many
    counted: Callable[[], int] = lambda: 1

    @cached_property
    def changes(self) -> int:
        return self.counted()

    @cached_property
    def declared(self) -> tuple[tuple[datetime, datetime], ...]:
        return tuple(w for t in self.texts() if "indow" in t for w in declared_windows(t))

    @cached_property
    def sleeps(self) -> float:
        """How long the job's texts sleep in all (inf when a sleep's length is not written):
        a job that checks the window and then sleeps can act after it closes."""
        texts = self.texts()
        if any(_UNKNOWN_SLEEP.search(t) or _OPEN_WAIT.search(t) for t in texts):
            return float("inf")
        total = 0.0
        for t in texts:
            waits = [(sl.start, sl.seconds) for sl in inline_sleeps(t)]
            waits += [(m.start(), sleep_seconds(["sleep", m.group(1)]) or 0.0)
                      for m in _TIMED_WAIT.finditer(t)]
            total += sum(sec * _repeats(t, at) for at, sec in waits if sec)
        return total


def _repeats(text: str, at: int) -> float:
    """How often the text at `at` runs: the product of the counts of the loops around it — a
    `for` over written words or `$(seq A B)`/`{A..B}`/`range(N)` that many times, any other
    loop (`while`, `until`, a list read at run time) an unknown number, counted as infinite."""
    factor = 1.0
    open_shell: list[float] = []
    for m in _LOOP.finditer(text, 0, at):
        if m.group(1) == "done":
            if open_shell:
                open_shell.pop()
            continue
        bol = text.rfind("\n", 0, m.start()) + 1
        if "#" in text[bol:m.start()]:
            continue                               # a word in a comment
        eol = text.find("\n", m.end())
        header = text[m.end():eol if eol >= 0 else len(text)]
        count = _loop_count(m.group(1), header)
        python = header.rstrip().endswith(":")
        if not python and not _DO.match(text, m.end()):
            continue                               # the word, not a shell loop
        if python:          # Python: the body is the indented block
            indent = m.start() - bol
            body = re.compile(rf"\n(?![ \t]{{{indent + 1}}}|[ \t]*\n)")
            if eol >= 0 and not body.search(text, eol, at):
                factor *= count
        else:
            open_shell.append(count)
    for c in open_shell:
        factor *= c
    return factor


def _loop_count(word: str, header: str) -> float:
    if word != "for":
        return float("inf")
    m = re.search(r"\$\(\s*seq\s+(?:(\d+)\s+)?(\d+)\s*\)|\{(\d+)\.\.(\d+)\}|"
                  r"range\(\s*(?:(\d+)\s*,\s*)?(\d+)\s*\)", header)
    if m:
        lo, hi = (m.group(1) or m.group(3) or m.group(5) or "1",
                  m.group(2) or m.group(4) or m.group(6))
        return max(1.0, float(int(hi) - int(lo) + 1))
    words = re.split(r"\s*;?\s*\bdo\b", header.split(" in ", 1)[1] if " in " in header else "",
                     maxsplit=1)[0].split()
    if not words or any(re.search(r"[$`*?(\[]", w) for w in words):
        return float("inf")
    return float(len(words))


def control_of(e: Effect, index: int, effects: list[Effect], s: Setting, whole: bool = False
               ) -> Control:
    """The change control effect `effects[index]` is under. `whole`: the effect removes a
    whole set at once (an interface with all its circuits, a whole configuration, a file
    system: the rule's params.whole), which is never one target."""
    forms: list[str] = []
    refused: list[str] = []
    whole = whole or (e.kind == "device-command" and any(
        _RANGE_LINE.search(x) for ln in e.lines if _CHANGE_LINE.match(x := render(ln).strip())))
    single = e.reach == "one" and not whole and not (e.kind == "data-destruction" and (
        e.how in MASS or _GLOB.search(render(e.target))))
    others = s.changes if single else 1
    single = single and others <= 1      # one of many changes, each offered as one target
    if s.change_ref:
        forms.append(f"ticket {s.change_ref}")
    window = _gate_window(e.gates, s)
    if window:
        (forms if window[0] else refused).append(window[1])
    elif _once(s.job) and s.declared:
        ok, text = _fire_window(s)
        (forms if ok else refused).append(text)
    elif s.declared and not _once(s.job):
        refused.append("a declared window does not bound a job that fires again")
    copy, why = _copy_before(e, index, effects)
    if copy:
        forms.append(copy)
    elif why:
        refused.append(why)
    if single and not copy and e.kind == "data-destruction" and \
            _DATABASE_FILE.search(render(e.target).rstrip("/")):
        # every row of a database at once: only a copy kept first makes that one change
        single = False
        refused.append("a database file holds every row: only a copy kept first lowers it")
    return Control(tuple(forms), tuple(refused), single, bool(copy), others, whole)


def changes_in(e: Effect) -> int:
    """How many things one effect changes: each change line of a device session (`no pvc 0/32`
    and `no pvc 0/33` sent together are two circuits), otherwise one."""
    if e.kind != "device-command":
        return 1
    return max(1, sum(1 for ln in e.lines if _CHANGE_LINE.match(render(ln).strip())))


def _local(s: Setting, at: datetime) -> datetime:
    """An instant in the job's zone, naive (how windows are written)."""
    try:
        return at.astimezone(ZoneInfo(s.job.timezone or "UTC")).replace(tzinfo=None)
    except (KeyError, ValueError):
        return at.replace(tzinfo=None)


def _bounded(start: datetime, end: datetime, s: Setting) -> str | None:
    """Why [start, end) is not a maintenance window (None: it is one)."""
    now = _local(s, s.now)
    if end - start > MAX_WINDOW:
        return f"{end - start} long (a window is at most {MAX_WINDOW.days * 24} hours)"
    if s.sleeps >= (end - start).total_seconds():
        slept = "for a time not written in it" if s.sleeps == float("inf") else \
            f"{timedelta(seconds=s.sleeps)}"
        return f"the job sleeps {slept}, so it can act after the window closes"
    if end <= now:
        return "already over"
    if start - now > s.near:
        return (f"it begins {(start - now).days} days from now: a date that far ahead arms a "
                f"time bomb")
    return None


def _span(start: datetime, end: datetime) -> str:
    return f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"


def _gate_window(gates: tuple[Gate, ...], s: Setting) -> tuple[bool, str] | None:
    dated = [g for g in gates if g.kind == "date"]
    if not dated:
        return None
    lo = max((g.window[0] for g in dated if g.window[0] is not None), default=None)
    hi = min((g.window[1] for g in dated if g.window[1] is not None), default=None)
    if lo is None or hi is None:
        return None          # a date gate, not offered as a window (the gate rule reports it)
    if hi <= lo:
        return False, "the date condition can never hold"
    why = _bounded(lo, hi, s)
    zone = s.job.timezone or "UTC"
    if why:
        return False, f"date window {_span(lo, hi)} {zone}: {why}"
    return True, f"acts only in the window {_span(lo, hi)} {zone}"


_ONE_INSTANT = re.compile(r"^(?:\w{3}\s+)?\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
                          r"(?:\s+\S+)?$")


def _once(job: Job) -> bool:
    """Fires once: an at job, a one-instant trigger, or a timer whose every OnCalendar= names
    one date (and time) and that has no monotonic setting."""
    t = job.trigger
    if isinstance(t, AbsoluteTrigger) or job.source == "at":
        return True
    return isinstance(t, CalendarTrigger) and bool(t.calendars) and not t.monotonic and all(
        _ONE_INSTANT.match(c.strip()) for c in t.calendars)


def _fire_window(s: Setting) -> tuple[bool, str]:
    """A one-shot job that fires inside a window it declares."""
    zone = s.job.timezone or "UTC"
    at = s.fire.at if s.fire is not None else None
    if at is None:
        return False, "when the one-shot job fires is not known"
    when = _local(s, at)
    for start, end in s.declared:
        if start <= when < end:
            why = _bounded(start, end, s)
            if why is None and when + timedelta(seconds=s.sleeps) >= end:
                why = (f"it sleeps {timedelta(seconds=s.sleeps)} after firing, so it acts "
                       f"after the window closes")
            if why:
                return False, f"declared window {_span(start, end)} {zone}: {why}"
            return True, f"fires once at {when:%Y-%m-%d %H:%M}, inside its window {_span(start, end)} {zone}"
    return False, f"fires at {when:%Y-%m-%d %H:%M} {zone}, outside the window it declares"


def _under(path: str, folder: str) -> bool:
    p, f = path.rstrip("/*").rstrip("/"), folder.rstrip("/*").rstrip("/")
    return bool(f) and (p == f or p.startswith(f + "/"))


def _covers(b: Effect, e: Effect) -> bool:
    what = render(b.target)
    if e.kind == "data-destruction" and e.how.startswith("db-"):
        return b.how == "database" and (
            what == render(e.target) or what == "every database" or
            re.search(rf"(?<![\w/.-]){re.escape(what)}(?![\w/.-])", e.evidence) is not None)
    if e.kind == "data-destruction":
        return b.how == "files" and _under(render(e.target), what)
    if e.kind == "snmp-set":
        if b.how != "mib" or what != render(e.target):
            return False
        from lineguard.collector.analyse.effects.mib import mib
        obj, _ = mib().resolve(render(e.obj))
        oid = ".".join(map(str, obj.oid)) if obj else render(e.obj)
        return oid == b.index or oid.startswith(b.index + ".")
    if e.kind == "device-command":
        return b.how == "device-config" and what == render(e.target)
    return False


_SAVE_LINE = re.compile(r"^(?:copy\s+(?:running-config|system:running-config)\s+(?!startup-config)"
                        r"\S+|show\s+(?:running-config|configuration)\s*\|\s*(?:redirect|save)\s+"
                        r"\S+|save\s+\S+|request\s+system\s+configuration\s+rescue\s+save)", re.I)
# a change line naming a range or a pattern of members acts on every member it covers: IOS
# `no range pvc 0/32 0/1000`, Junos `wildcard range delete … unit <100-900>` or `at-0/0/[0-3]`,
# a wildcard's regex, TL1's `&&` ranges and ALL
_RANGE_LINE = re.compile(r"^no\s+(?:\S+\s+)?range\b|\[[^\]\s]*\d-\d[^\]\s]*\]|<[^>\s]*\d-\d[^>\s]*>|"
                         r"\*|\.\+|&&|[:,]ALL\b", re.I)
_CHANGE_LINE = re.compile(r"^(?:no|default|delete|deactivate|erase|load|rollback|DLT|ED|RMV)\b",
                          re.I)


def _where(value: str) -> str:
    """Where a copy goes, as far as it is known: the path, or the folder a name computed at
    run time sits in (`/srv/backup/ld.$(date +%F)` is kept in /srv/backup); '' when unknown."""
    if is_known(value):
        return render(value)
    known = value.split("\x01", 1)[0]
    host, _, path = known.rpartition(":") if re.match(r"^[\w.-]+:/", known) else ("", "", known)
    folder = path.rsplit("/", 1)[0]
    return (f"{host}:" if host else "") + folder if folder.startswith("/") and len(folder) > 1 else ""


def _copy_before(e: Effect, index: int, effects: list[Effect]) -> tuple[str, str]:
    """(the copy that covers the effect, '') or ('', why an offered copy does not count)."""
    if e.kind == "device-command":
        for ln in e.lines:
            if _CHANGE_LINE.match(ln):
                break
            if _SAVE_LINE.match(ln):
                return f"saves the configuration first ({ln})", ""
    why = ""
    for b in effects[:index]:
        if b.kind != "backup" or not _covers(b, e):
            continue
        dest = _where(b.value)
        if not dest:
            why = f"the copy of {render(b.target)} goes to an unknown place"
        elif _VOLATILE.match(dest):
            why = f"the copy of {render(b.target)} goes to {dest}, which does not keep it"
        elif e.kind == "data-destruction" and not e.how.startswith("db-") and \
                _under(dest, render(e.target)):
            why = f"the copy {dest} is inside what is deleted"
        elif any(d.kind == "data-destruction" and not d.how.startswith("db-") and
                 _under(dest, render(d.target)) for d in effects if d is not e):
            why = f"the job deletes its copy {dest} too"
        else:
            after = next((a for a in effects[index + 1:] if a.kind == "backup" and
                          _covers(a, e)), None)
            again = f", and again after (line {after.line})" if after is not None else ""
            return f"copies {render(b.target)} to {dest} first (line {b.line}){again}", ""
    return "", why
