"""Junos `show configuration` → line data rows of at- interfaces (unit N vci VPI.VCI) and the
event-options jobs (generate-event time-of-day / time-interval and the policies they trigger)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from lineguard.collector.model import (
    AbsoluteTrigger,
    ConditionalTrigger,
    CountedTrigger,
    CronTrigger,
    EventTrigger,
    IntervalTrigger,
    Job,
    LineDataRow,
    Trigger,
    UnparsableTrigger,
)

CONFIG = "show-configuration"
_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|[{};\[\]]|[^\s{};\[\]"]+')


@dataclass
class Node:
    """One statement: its words (quotes removed), its children (None for a leaf) and its line."""

    words: list[str]
    line: int
    children: list[Node] | None = None
    raw: str = ""

    def find(self, *first: str) -> list[Node]:
        return [c for c in self.children or [] if c.words[: len(first)] == list(first)]

    def value(self, key: str) -> str | None:
        hits = [c for c in self.children or [] if c.words and c.words[0] == key]
        return " ".join(hits[0].words[1:]) if hits else None


# Set-format configurations (`show configuration | display set`): the statements that open a
# container (with the words that name it), so that `set A B C` lines build the same tree as
# the curly-brace form. Anything else ends the path as a leaf statement.
_CONTAINER = frozenset({"system", "interfaces", "event-options", "generate-event", "then",
                        "change-configuration", "execute-commands", "commands", "commit-options",
                        "attributes-match", "scripts", "op", "atm-options", "family",
                        "destinations", "archive-sites", "protocols", "connections",
                        "class-of-service", "routing-options"})
_NAMED = frozenset({"policy", "unit", "within", "file", "destination", "interface-switch",
                    "virtual-circuit", "vpi"})
_SET = re.compile(r"^\s*set\s+")


def _set_statements(text: str) -> bool:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return bool(lines) and sum(bool(_SET.match(ln)) for ln in lines) * 2 > len(lines)


def _set_tree(text: str) -> Node:
    """The tree of a set-format configuration (each statement keeps its own line number)."""
    root = Node(words=[], line=0, children=[])
    for lineno, line in enumerate(text.splitlines(), 1):
        if not _SET.match(line):
            continue
        words = _clean(_TOKEN.findall(line)[1:])
        node, i = root, 0
        while i < len(words):
            w = words[i]
            parent = node.words[0] if node.words else ""
            if parent == "commands" or (w == "event-script" and parent == "then"):
                key, i, leaf = words[i:], len(words), True
            elif w in _NAMED and i + 1 < len(words):
                key, i, leaf = words[i:i + 2], i + 2, False
            elif w in _CONTAINER or parent == "interfaces":
                key, i, leaf = [w], i + 1, False
            else:
                key, i, leaf = words[i:], len(words), True
            found = next((c for c in node.children or [] if c.words == key), None)
            if found is None:
                found = Node(words=key, line=lineno, children=None if leaf else [],
                             raw=line.strip())
                if node.children is None:
                    node.children = []
                node.children.append(found)
            if leaf:
                break
            if found.children is None:
                found.children = []
            node = found
    return root


def parse_tree(text: str) -> Node:
    """The curly-brace hierarchy; `[ a b ]` lists become words, comments are dropped. A
    set-format configuration (`display set`) builds the same tree."""
    if _set_statements(text):
        return _set_tree(text)
    top: list[Node] = []
    root = Node(words=[], line=0, children=top)
    branches = [top]       # the children of each open statement, innermost last
    words: list[str] = []
    start = 0
    in_list = False
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#") or stripped.startswith("/*"):
            continue
        for tok in _TOKEN.findall(line):
            if not words and not in_list:
                start = lineno
            if tok == "[":
                in_list = True
            elif tok == "]":
                in_list = False
            elif tok == "{":
                children: list[Node] = []
                node = Node(words=_clean(words), line=start, children=children, raw=stripped)
                branches[-1].append(node)
                branches.append(children)
                words = []
            elif tok == "}":
                if len(branches) > 1:
                    branches.pop()
                words = []
            elif tok == ";" and not in_list:
                if words:
                    branches[-1].append(Node(words=_clean(words), line=start, raw=stripped))
                words = []
            else:
                words.append(tok)
    return root


def _clean(words: list[str]) -> list[str]:
    return [w[1:-1].replace('\\"', '"') if len(w) >= 2 and w[0] == w[-1] == '"' else w
            for w in words]


def line_data(device: str, config: str) -> list[LineDataRow]:
    root = parse_tree(config)
    rows: list[LineDataRow] = []
    for interfaces in root.find("interfaces"):
        for intf in interfaces.children or []:
            if not intf.words or not intf.words[0].startswith("at-"):
                continue
            name = intf.words[0]
            for unit in intf.find("unit"):
                vci = unit.value("vci")
                if not vci or not re.fullmatch(r"\d+\.\d+", vci):
                    continue
                vpi, vc = (int(x) for x in vci.split("."))
                sc, peak, avg = _shaping(unit)
                rows.append(LineDataRow(
                    device=device, kind="vcl", interface=name, vpi=vpi, vci=vc,
                    encapsulation=_ENCAPS.get(unit.value("encapsulation") or "", None),
                    service_class=sc, peak_kbps=peak, avg_kbps=avg,
                    extra={"line": str(unit.line),
                           "subinterface": ".".join([name, *unit.words[1:2]])}))
    return rows


_ENCAPS = {"atm-snap": "aal5snap", "atm-vcmux": "aal5mux", "atm-nlpid": "aal5nlpid",
           "atm-ccc-cell-relay": "aal0", "atm-ccc-vc-mux": "aal5mux"}


def _kbps(text: str) -> int | None:
    """Junos rates: `1536k`, `2m`, or plain bits per second."""
    m = re.fullmatch(r"(\d+)([kmg]?)", text.lower())
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2)
    return n // 1000 if not unit else n * {"k": 1, "m": 1000, "g": 1000000}[unit]


def _shaping(unit: Node) -> tuple[str, int | None, int | None]:
    for shaping in unit.find("shaping"):
        for c in shaping.children or []:
            w = c.words or [""]
            if w[0] == "cbr" and len(w) > 1:
                return "cbr", _kbps(w[1]), None
            if w[0] in ("vbr", "rtvbr"):
                opts = dict(zip(w[1::2], w[2::2], strict=False))
                return ("vbr-nrt" if w[0] == "vbr" else "vbr-rt", _kbps(opts.get("peak", "")),
                        _kbps(opts.get("sustained", "")))
    return "ubr", None, None


# --- jobs ------------------------------------------------------------------------------------

def jobs(device: str, config: str, zone_name: str) -> list[Job]:
    root = parse_tree(config)
    events: dict[str, _Generated] = {}
    out: list[Job] = []
    for options in root.find("event-options"):
        for gen in options.find("generate-event"):
            for g in gen.children or []:
                if not g.words:
                    continue   # a bare `{ }`: names no event
                events[g.words[0]] = _generated(g.words, g.line, zone_name)
        for policy in options.find("policy"):
            name = policy.words[1] if len(policy.words) > 1 else "?"
            triggering = [w for c in policy.find("events") for w in c.words[1:]]
            actions = _policy_actions(policy)
            timed = [e for e in triggering if e in events]
            for event in timed:
                generated = events[event]
                trigger = _policy_trigger(policy, generated,
                                          [e for e in triggering if e != event])
                out.append(Job(target=device, source="junos-event", origin_path=CONFIG,
                               origin_line=generated.line, owner=None,
                               schedule=f"generate-event {event} {generated.schedule} -> policy "
                                        f"{name}{_within_text(policy)}",
                               command="; ".join(a for a, _ in actions), trigger=trigger,
                               actions=actions, timezone=generated.zone,
                               state="unparsable" if isinstance(trigger, UnparsableTrigger)
                               else "active"))
            others = [e for e in triggering if e not in events]
            if others and actions:
                reason = (f"runs when system event(s) {', '.join(others)} occur"
                          f"{_within_text(policy)}, not on a clock")
                out.append(Job(target=device, source="junos-event", origin_path=CONFIG,
                               origin_line=policy.line, owner=None,
                               schedule=f"events {' '.join(others)} -> policy {name}"
                                        f"{_within_text(policy)}",
                               command="; ".join(a for a, _ in actions),
                               trigger=UnparsableTrigger(reason, "event"), actions=actions,
                               timezone=zone_name, problem=reason))
    return out + _commit_scripts(device, root, zone_name)


def _commit_scripts(device: str, root: Node, zone_name: str) -> list[Job]:
    """`system scripts commit file X`: Junos runs X (from /var/db/scripts/commit on the device,
    not in the configuration) at every commit, and what it emits is committed with it."""
    out = []
    for system in root.find("system"):
        for scripts in system.find("scripts"):
            for commit in scripts.find("commit"):
                for f in commit.find("file"):
                    if len(f.words) < 2:
                        continue
                    action = (f"commit-script {f.words[1]}", f.line)
                    out.append(Job(target=device, source="junos-event", origin_path=CONFIG,
                                   origin_line=f.line, owner=None,
                                   schedule=f"system scripts commit file {f.words[1]}",
                                   command=action[0], actions=(action,), timezone=zone_name,
                                   trigger=EventTrigger("at every commit of the configuration "
                                                        "(Junos commit script)")))
    return out


@dataclass(frozen=True)
class _Generated:
    """A generate-event entry: when it occurs, how often (seconds, when known), in which zone."""

    trigger: Trigger
    period_s: int | None
    zone: str
    schedule: str
    line: int


_TIME_OF_DAY = re.compile(r"(\d\d?):(\d\d)(?::(\d\d))?\s*(?:([+-])(\d\d)(\d\d))?")
_START_TIME = re.compile(r"(\d{4})-(\d\d?)-(\d\d?)[.T ](\d\d?):(\d\d)(?::(\d\d))?"
                         r"\s*(?:([+-])(\d\d)(\d\d))?")


def _generated(words: list[str], line: int, zone_name: str) -> _Generated:
    """`NAME (time-of-day T | time-interval S [start-time T]) [no-drift]`, options in any order."""
    opts: dict[str, str] = {}
    rest = words[1:]
    i = 0
    while i < len(rest):
        if rest[i] == "no-drift":
            i += 1
            continue
        if i + 1 < len(rest):
            opts[rest[i]] = rest[i + 1]
        i += 2
    schedule = " ".join(words[1:])
    if "time-of-day" in opts:
        m = _TIME_OF_DAY.fullmatch(opts["time-of-day"].strip())
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            why = f"cannot read time-of-day {opts['time-of-day']!r}"
            return _Generated(UnparsableTrigger(why), None, zone_name, schedule, line)
        hh, mm, _ss, sign, oh, om = m.groups()
        if not sign:
            return _Generated(CronTrigger(f"{int(mm)} {int(hh)} * * *", "debian"), 86400,
                              zone_name, schedule, line)
        if int(om) == 0:     # whole hours: the Etc/ zone of that offset (its sign inverted)
            zone = "UTC" if int(oh) == 0 else f"Etc/GMT{'-' if sign == '+' else '+'}{int(oh)}"
            return _Generated(CronTrigger(f"{int(mm)} {int(hh)} * * *", "debian"), 86400, zone,
                              schedule, line)
        # Other offsets have no Etc/ zone: the same instant every day, as a UTC time of day.
        offset = (int(oh) * 60 + int(om)) * (1 if sign == "+" else -1)
        utc = (int(hh) * 60 + int(mm) - offset) % 1440
        return _Generated(CronTrigger(f"{utc % 60} {utc // 60} * * *", "debian"), 86400, "UTC",
                          schedule, line)
    interval = opts.get("time-interval", "")
    if interval.isdecimal() and int(interval) > 0:
        seconds = int(interval)
        if "start-time" not in opts:
            return _Generated(IntervalTrigger(seconds=seconds), seconds, zone_name, schedule, line)
        anchor = _start_time(opts["start-time"])
        if anchor is None:
            why = f"cannot read start-time {opts['start-time']!r}"
            return _Generated(UnparsableTrigger(why), seconds, zone_name, schedule, line)
        return _Generated(IntervalTrigger(seconds=seconds, anchor=anchor), seconds, zone_name,
                          schedule, line)
    why = f"cannot read generate-event {' '.join(words)}"
    return _Generated(UnparsableTrigger(why), None, zone_name, schedule, line)


def _start_time(text: str) -> datetime | None:
    """`2027-2-10.03:00[:00] [+0900]`: aware with an offset, else naive (the device's zone)."""
    m = _START_TIME.fullmatch(text.strip())
    if not m:
        return None
    y, mo, d, hh, mi, ss, sign, oh, om = m.groups()
    try:
        naive = datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss or 0))
    except ValueError:
        return None
    if not sign:
        return naive
    offset = timedelta(hours=int(oh), minutes=int(om)) * (1 if sign == "+" else -1)
    return naive.replace(tzinfo=timezone(offset))


def _policy_trigger(policy: Node, gen: _Generated, others: list[str]) -> Trigger:
    """The generated event's trigger, narrowed by the policy's `within` blocks: a count
    (`trigger on|after|until N`) and correlations with other events."""
    if isinstance(gen.trigger, UnparsableTrigger):
        return gen.trigger
    conditions: list[str] = []
    counted: tuple[int, str, int] | None = None
    for within in policy.find("within"):
        seconds = within.words[1] if len(within.words) > 1 else ""
        if not seconds.isdecimal():
            conditions.append(f"cannot read within {seconds!r}")
            continue
        for c in within.children or []:
            if c.words[:1] == ["trigger"] and len(c.words) >= 3 and c.words[2].isdecimal():
                counted = (int(seconds), c.words[1], int(c.words[2]))
            elif c.words[:1] == ["events"] and len(c.words) > 1:
                conditions.append(f"only if {' or '.join(c.words[1:])} occurred within "
                                  f"{seconds}s before")
            elif c.words[:2] == ["not", "events"] and len(c.words) > 2:
                conditions.append(f"not if {' or '.join(c.words[2:])} occurred within "
                                  f"{seconds}s before")
    for match in policy.find("attributes-match"):
        conditions += [f"only when {' '.join(c.words)}" for c in match.children or []]
    if counted is not None and others:
        conditions.append(f"the count also includes {', '.join(others)}")
    note = "; ".join(conditions)
    if counted is not None:
        window, mode, count = counted
        if gen.period_s is None:
            return UnparsableTrigger(f"trigger {mode} {count} within {window}s of an event "
                                     "with no known period")
        return CountedTrigger(gen.trigger, gen.period_s, window, mode, count, note)
    return ConditionalTrigger(gen.trigger, note) if note else gen.trigger


def _within_text(policy: Node) -> str:
    parts = []
    for within in policy.find("within"):
        inner = "; ".join(" ".join(c.words) for c in within.children or [])
        parts.append(f" within {' '.join(within.words[1:])} {{ {inner} }}")
    return "".join(parts)


def _policy_actions(policy: Node) -> tuple[tuple[str, int | None], ...]:
    actions: list[tuple[str, int | None]] = []
    for then in policy.find("then"):
        for change in then.find("change-configuration"):
            for commands in change.find("commands"):
                actions += [(" ".join(c.words), c.line) for c in commands.children or []]
        for execute in then.find("execute-commands"):
            for commands in execute.find("commands"):
                actions += [(" ".join(c.words), c.line) for c in commands.children or []]
        for c in then.children or []:
            if c.words and c.words[0] in ("request-shell-execute", "raise-trap", "event-script"):
                actions.append((" ".join(c.words), c.line))
    return tuple(actions)


_REBOOT = re.compile(r"(reboot|halt|power-off) requested by (\S+) at (.+?)\s*$", re.I)
_REBOOT_FORMATS = ("%a %b %d %H:%M:%S %Y", "%Y-%m-%d %H:%M:%S")


def reboot_jobs(device: str, show_reboot: str, zone: tzinfo, zone_name: str) -> list[Job]:
    """A pending `request system reboot at ...` from `show system reboot`."""
    for n, line in enumerate(show_reboot.splitlines(), 1):
        m = _REBOOT.search(line)
        if not m:
            continue
        what, when = m.group(1).lower(), re.sub(r" [A-Z]{2,5}$", "", m.group(3))
        trigger: Trigger = UnparsableTrigger(f"cannot read the {what} time {m.group(3)!r}")
        for fmt in _REBOOT_FORMATS:
            try:
                local = datetime.strptime(when, fmt)
            except ValueError:
                continue
            trigger = AbsoluteTrigger(local.replace(tzinfo=zone), note=f"pending {what}")
            break
        return [Job(target=device, source="reload", origin_path="show-system-reboot",
                    origin_line=n, owner=m.group(2), schedule=line.strip(),
                    command=f"request system {what}", trigger=trigger,
                    actions=((f"request system {what}", n),), timezone=zone_name,
                    state="unparsable" if isinstance(trigger, UnparsableTrigger) else "active")]
    return []
