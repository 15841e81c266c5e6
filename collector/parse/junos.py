"""Junos `show configuration` → line data rows of at- interfaces (unit N vci VPI.VCI) and the
event-options jobs (generate-event time-of-day / time-interval and the policies they trigger)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from collector.model import (
    AbsoluteTrigger,
    CronTrigger,
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


@dataclass
class _Frame:
    node: Node
    pending: list[str] = field(default_factory=list)


def parse_tree(text: str) -> Node:
    """The curly-brace hierarchy; `[ a b ]` lists become words, comments are dropped."""
    root = Node(words=[], line=0, children=[])
    stack = [root]
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
                node = Node(words=_clean(words), line=start, children=[], raw=stripped)
                stack[-1].children.append(node)
                stack.append(node)
                words = []
            elif tok == "}":
                if len(stack) > 1:
                    stack.pop()
                words = []
            elif tok == ";" and not in_list:
                if words:
                    stack[-1].children.append(Node(words=_clean(words), line=start,
                                                   raw=stripped))
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
    events: dict[str, tuple[Trigger, str, int, str]] = {}
    out: list[Job] = []
    for options in root.find("event-options"):
        for gen in options.find("generate-event"):
            for g in gen.children or []:
                if not g.words:
                    continue   # a bare `{ }`: names no event
                trigger, zone = _generated_trigger(g.words, zone_name)
                events[g.words[0]] = (trigger, " ".join(g.words[1:]), g.line, zone)
        for policy in options.find("policy"):
            name = policy.words[1] if len(policy.words) > 1 else "?"
            triggering = [w for c in policy.find("events") for w in c.words[1:]]
            actions = _policy_actions(policy)
            timed = [e for e in triggering if e in events]
            for event in timed:
                trigger, schedule, line, zone = events[event]
                out.append(Job(target=device, source="junos-event", origin_path=CONFIG,
                               origin_line=line, owner=None,
                               schedule=f"generate-event {event} {schedule} -> policy {name}",
                               command="; ".join(a for a, _ in actions), trigger=trigger,
                               actions=actions, timezone=zone,
                               state="unparsable" if isinstance(trigger, UnparsableTrigger)
                               else "active"))
            others = [e for e in triggering if e not in events]
            if others and actions:
                reason = f"runs when system event(s) {', '.join(others)} occur, not on a clock"
                out.append(Job(target=device, source="junos-event", origin_path=CONFIG,
                               origin_line=policy.line, owner=None,
                               schedule=f"events {' '.join(others)} -> policy {name}",
                               command="; ".join(a for a, _ in actions),
                               trigger=UnparsableTrigger(reason), actions=actions,
                               timezone=zone_name, problem=reason))
    return out


def _generated_trigger(words: list[str], zone_name: str) -> tuple[Trigger, str]:
    opts = dict(zip(words[1::2], words[2::2], strict=False))
    if "time-of-day" in opts:
        m = re.fullmatch(r"(\d\d?):(\d\d)(?::(\d\d))?(?: ([+-])(\d\d)(\d\d))?",
                         opts["time-of-day"].strip())
        if not m:
            return UnparsableTrigger(f"cannot read time-of-day {opts['time-of-day']!r}"), zone_name
        hh, mm, _ss, sign, oh, om = m.groups()
        zone = zone_name
        if sign:
            zone = _offset_zone(sign, int(oh), int(om)) or zone_name
        return CronTrigger(f"{int(mm)} {int(hh)} * * *", "debian"), zone
    if "time-interval" in opts and opts["time-interval"].isdigit():
        return IntervalTrigger(seconds=int(opts["time-interval"])), zone_name
    return UnparsableTrigger(f"cannot read generate-event {' '.join(words)}"), zone_name


def _offset_zone(sign: str, hours: int, minutes: int) -> str | None:
    """A stated UTC offset as an IANA Etc/ zone (whole hours only; Etc/ signs are inverted)."""
    if minutes:
        return None
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"


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
