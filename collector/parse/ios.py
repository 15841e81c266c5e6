"""Cisco IOS running-config (and `show reload`, `show kron schedule`) → line data rows and the jobs
the device will run by itself (EEM timer applets, kron occurrences, a pending reload)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Literal

from lineguard.collector.model import (
    AbsoluteTrigger,
    BootTrigger,
    ConditionalTrigger,
    CronTrigger,
    DelayedTrigger,
    IntervalTrigger,
    Job,
    LineDataKind,
    LineDataRow,
    Trigger,
    UnparsableTrigger,
)
from lineguard.formats import banners

CONFIG = "running-config"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CRON_DOW = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}

_INTERFACE = re.compile(r"^interface (\S+)(?: (?:point-to-point|multipoint))?\s*$", re.I)
_PVC = re.compile(r"^ pvc (?:(\S+) )?(\d+)/(\d+)\b", re.I)
_LEGACY_PVC = re.compile(r"^ atm pvc (\d+) (\d+) (\d+) (aal5\w+|aal34\w*|aal2|ilmi|qsaal)"
                         r"(?: (\d+) (\d+)(?: (\d+))?)?", re.I)
_XC_PVC = re.compile(r"^ atm pvc (\d+) (\d+)((?: [rt]x-cttr \d+)*) interface (.+?) (\d+) (\d+)\s*$",
                     re.I)
_XC_PVP = re.compile(r"^ atm pvp (\d+)((?: [rt]x-cttr \d+)*) interface (.+?) (\d+)\s*$", re.I)
_RATE = re.compile(r"^\s+(cbr|ubr\+?|vbr-nrt|vbr-rt|abr)(?: (\d+))?(?: (\d+))?(?: (\d+))?\s*$",
                   re.I)
_ENCAP = re.compile(r"^\s+encapsulation (\S+)", re.I)


def interface_name(text: str) -> str:
    """`atm 1/0/0`, `ATM1/0/0`, `Atm1/0/0` → `ATM1/0/0`."""
    m = re.fullmatch(r"\s*atm\s*(\d[\d/.:]*)\s*", text, re.I)
    return f"ATM{m.group(1)}" if m else text.strip()


def natural_key(name: str) -> tuple:
    """ifIndex order of interfaces as a device numbers them: by slot/port numbers."""
    return tuple(int(p) if p.isdecimal() else p for p in re.split(r"(\d+)", name))


def _main(interface: str) -> str:
    return interface.split(".", 1)[0]


@dataclass
class _PvcBuilder:
    device: str
    interface: str
    vpi: int
    vci: int
    line: int
    name: str | None = None
    encapsulation: str | None = None
    service_class: str = "ubr"
    peak: int | None = None
    avg: int | None = None

    def row(self) -> LineDataRow:
        extra = {"line": str(self.line)}
        if self.interface != _main(self.interface):
            extra["subinterface"] = self.interface
        if self.name:
            extra["name"] = self.name
        peak = self.peak
        if self.service_class == "ubr":
            # A UBR peak is no contract and defaults to the line rate, which SNMP reports and
            # the config does not: keep it out of the compared fields.
            peak = None
            if self.peak is not None:
                extra["ubr_peak_kbps"] = str(self.peak)
        # The PVC name lives in extra: ATM-MIB cannot carry it, and the SNMP view of the same
        # device must compare equal to this one.
        return LineDataRow(device=self.device, kind="vcl", interface=_main(self.interface),
                           vpi=self.vpi, vci=self.vci, encapsulation=self.encapsulation or "aal5snap",
                           service_class=self.service_class, peak_kbps=peak,
                           avg_kbps=self.avg, extra=extra)


def line_data(device: str, config: str) -> list[LineDataRow]:
    rows: list[LineDataRow] = []
    interface: str | None = None
    pvc: _PvcBuilder | None = None

    def close() -> None:
        nonlocal pvc
        if pvc is not None:
            rows.append(pvc.row())
            pvc = None

    banner = banners.verbatim(config).lines
    for lineno, line in enumerate(config.splitlines(), 1):
        if lineno in banner:
            close()
            interface = None
            continue
        if pvc is not None and (line.startswith("  ") and not line.strip().startswith("!")):
            if m := _RATE.match(line):
                sc, a, b, _ = m.groups()
                pvc.service_class = sc.lower()
                pvc.peak = int(a) if a else None
                pvc.avg = int(b) if b and sc.lower().startswith("vbr") else None
            elif m := _ENCAP.match(line):
                pvc.encapsulation = m.group(1).lower()
            continue
        close()
        if m := _INTERFACE.match(line):
            interface = interface_name(m.group(1))
            continue
        if not line.startswith(" "):
            interface = None
            continue
        if interface is None:
            continue
        if m := _PVC.match(line):
            pvc = _PvcBuilder(device, interface, int(m.group(2)), int(m.group(3)), lineno,
                              name=m.group(1))
        elif m := _XC_PVC.match(line):
            rows.extend(_cross_connect(device, "vc", lineno, interface, int(m.group(1)),
                                       int(m.group(2)), interface_name(m.group(4)),
                                       int(m.group(5)), int(m.group(6)),
                                       m.group(3).strip() or None))
        elif m := _XC_PVP.match(line):
            rows.extend(_cross_connect(device, "vp", lineno, interface, int(m.group(1)), None,
                                       interface_name(m.group(3)), int(m.group(4)), None,
                                       m.group(2).strip() or None))
        elif m := _LEGACY_PVC.match(line):
            _vcd, vpi, vci, encap, peak, avg, _burst = m.groups()
            legacy = _PvcBuilder(device, interface, int(vpi), int(vci), lineno,
                                 encapsulation=encap.lower())
            if peak:
                legacy.service_class = "vbr-nrt" if avg and avg != peak else "ubr"
                legacy.peak, legacy.avg = int(peak), (int(avg) if avg and avg != peak else None)
            rows.append(legacy.row())
    close()
    return rows


def _cross_connect(device: str, kind: Literal["vc", "vp"], line: int, a_if: str, a_vpi: int,
                   a_vci: int | None, b_if: str, b_vpi: int, b_vci: int | None,
                   cttr: str | None = None) -> list[LineDataRow]:
    """An ATM-switch cross-connect and the two links it joins, as ATM-MIB models them: the low
    end is the interface a device numbers first."""
    if natural_key(b_if) < natural_key(a_if):
        a_if, a_vpi, a_vci, b_if, b_vpi, b_vci = b_if, b_vpi, b_vci, a_if, a_vpi, a_vci
    extra = {"line": str(line)}
    link: LineDataKind = "vcl" if kind == "vc" else "vpl"
    xc: LineDataKind = "vc-xc" if kind == "vc" else "vp-xc"
    # Without rx-cttr/tx-cttr a switch uses connection-traffic-table row 1: UBR at line rate.
    sc = "ubr" if cttr is None else None
    if cttr is not None:
        extra["cttr"] = cttr
    return [
        LineDataRow(device=device, kind=xc, interface=a_if, vpi=a_vpi, vci=a_vci,
                    peer_interface=b_if, peer_vpi=b_vpi, peer_vci=b_vci, extra=extra),
        LineDataRow(device=device, kind=link, interface=a_if, vpi=a_vpi, vci=a_vci,
                    service_class=sc, extra=dict(extra)),
        LineDataRow(device=device, kind=link, interface=b_if, vpi=b_vpi, vci=b_vci,
                    service_class=sc, extra=dict(extra)),
    ]


# --- jobs ------------------------------------------------------------------------------------

_APPLET = re.compile(r"^event manager applet (\S+)(.*)$")
_EVENT = re.compile(r"^ event (?:tag (\S+) )?(.*\S)\s*$")
_ACTION = re.compile(r"^ action (\S+) (.*\S)\s*$")
_CLI_ACTION = re.compile(r'^cli command "(.*)"(?: pattern .*)?$')
_TIMER = re.compile(r"^timer (cron|absolute|countdown|watchdog)\b(.*)$")
_SYSLOG = re.compile(r'^syslog .*?\bpattern ("[^"]*"|\S+)')
_WAIT = re.compile(r"^wait (\d+(?:\.\d+)?)\s*$")
_RUN_APPLET = re.compile(r"^event manager run (\S+)", re.I)
_POLICY = re.compile(r"^event manager policy (\S+)(?:.*\btype (user|system))?", re.I)
_POLICY_DIR = re.compile(r"^event manager directory user policy (\S+)", re.I)
_DEFAULT_MAXRUN = 20.0     # seconds an applet may run unless its event sets maxrun
# Actions that prepare or decide rather than act: a wait after them still delays the effect.
_PREAMBLE = ("enable", "configure terminal", "conf t", "terminal ", "show ", "info ", "regexp ",
             "if ", "set ", "end", "else", "syslog ", "puts ")
_OCCURRENCE = re.compile(r"^kron occurrence (\S+)(?: user (\S+))? (at|in) (.*?) "
                         r"(oneshot|recurring|system-startup)\s*$")
_OCCURRENCE_STARTUP = re.compile(r"^kron occurrence (\S+)(?: user (\S+))? system-startup\s*$")
_POLICY_LIST = re.compile(r"^kron policy-list (\S+)")
# Longer than any device keeps a timer: a bigger number is a garbled config, not a schedule.
_MAX_SECONDS = 100 * 366 * 86400


@dataclass(frozen=True)
class Context:
    """What a job parser needs besides the text: who, where, and the device's clock."""

    device: str
    zone: tzinfo
    zone_name: str
    polled_at: datetime | None = None     # UTC, when the agent read the device


@dataclass(frozen=True)
class Registration:
    """A policy as `show event manager policy registered` lists it: applet or script, its
    event type, when it was registered (the device's wall clock) and the lines under it."""

    kind: str
    event: str
    at: datetime | None
    details: tuple[str, ...]


_REGISTERED = re.compile(r"^\s*\d+\s+(applet|script)\s+(?:user|system)\s+(.+?)\s+(?:On|Off)\s+"
                         r"(\w{3} \w{3}\s+\d{1,2}\s+\d{1,2}:\d\d:\d\d \d{4})\s+(\S+)\s*$")


def registrations(text: str) -> dict[str, Registration]:
    """Policies by name from `show event manager policy registered`."""
    out: dict[str, Registration] = {}
    name, kind, event, at, details = "", "", "", None, []
    for line in [*text.splitlines(), "0 applet user end Off Thu Jan  1 00:00:00 1970 _"]:
        m = _REGISTERED.match(line)
        if m is None:
            if name and line.startswith(" "):
                details.append(line.strip())
            continue
        if name:
            out[name] = Registration(kind, event, at, tuple(details))
        kind, event, name, details = m.group(1), m.group(2).strip(), m.group(4), []
        try:
            at = datetime.strptime(" ".join(m.group(3).split()), "%a %b %d %H:%M:%S %Y")
        except ValueError:
            at = None
    return out


def jobs(ctx: Context, config: str, show_reload: str | None = None,
         show_kron: str | None = None, show_registered: str | None = None) -> list[Job]:
    # banner text is the operator's prose, never an applet or a kron policy: blanked, numbered
    banner = banners.verbatim(config).lines
    lines = [("" if n in banner else ln) for n, ln in enumerate(config.splitlines(), 1)]
    registered = registrations(show_registered or "")
    found = _eem_jobs(ctx, lines, registered) + _kron_jobs(ctx, lines, show_kron or "") + \
        _tcl_policies(ctx, lines, registered)
    if show_reload:
        found += reload_jobs(ctx, show_reload)
    return found


def _blocks(lines: list[str], header: re.Pattern[str]):
    """(header match, header line number, [(line number, line) of its indented body])."""
    i = 0
    while i < len(lines):
        m = header.match(lines[i])
        if not m:
            i += 1
            continue
        start, body = i + 1, []
        i += 1
        while i < len(lines) and lines[i].startswith(" "):
            body.append((i + 1, lines[i]))
            i += 1
        yield m, start, body


@dataclass(frozen=True)
class _Applet:
    """An EEM applet as configured: its event lines (tag, text), its `trigger` block, its
    actions (command, line) and the waits before them."""

    name: str
    line: int
    events: tuple[tuple[str | None, str], ...]
    trigger_block: tuple[str, ...]
    actions: tuple[tuple[str, int], ...]
    waits: tuple[tuple[str, float, int], ...]     # (label, seconds, actions before it)


def _applets(lines: list[str]) -> dict[str, _Applet]:
    out = {}
    for m, lineno, body in _blocks(lines, _APPLET):
        events: list[tuple[str | None, str]] = []
        block: list[str] = []
        actions: list[tuple[str, int]] = []
        waits: list[tuple[str, float, int]] = []
        for n, text in body:
            if e := _EVENT.match(text):
                events.append((e.group(1), e.group(2)))
            elif text.startswith((" trigger", "  correlate", "  attribute")):
                block.append(text.strip())
            elif a := _ACTION.match(text):
                if w := _WAIT.match(a.group(2)):
                    waits.append((a.group(1), float(w.group(1)), len(actions)))
                    continue
                cmd = _CLI_ACTION.match(a.group(2))
                actions.append((cmd.group(1) if cmd else a.group(2), n))
        out[m.group(1)] = _Applet(m.group(1), lineno, tuple(events), tuple(block),
                                  tuple(actions), tuple(waits))
    return out


def _eem_jobs(ctx: Context, lines: list[str],
              registered: dict[str, Registration] | None = None) -> list[Job]:
    out = []
    applets = _applets(lines)
    for applet in applets.values():
        if not applet.events or applet.events[0][1].startswith("none"):
            continue      # `event none` runs only when an operator (or kron) invokes it
        trigger = _anchored(ctx, _applet_trigger(applet), (registered or {}).get(applet.name))
        actions = _with_invoked(applet.actions, applets, {applet.name})
        schedule = "; ".join(text for _, text in applet.events)
        out.append(Job(target=ctx.device, source="eem", origin_path=CONFIG,
                       origin_line=applet.line, owner=None, schedule=schedule,
                       command="; ".join(a for a, _ in actions), trigger=trigger,
                       actions=actions, timezone=ctx.zone_name,
                       state="unparsable" if isinstance(trigger, UnparsableTrigger) and
                       trigger.reason.startswith("cannot") else "active",
                       problem=trigger.reason if isinstance(trigger, UnparsableTrigger) else None))
    return out


def _anchored(ctx: Context, trigger: Trigger, reg: Registration | None) -> Trigger:
    """An EEM countdown or watchdog counts from when the applet was registered, which `show
    event manager policy registered` gives: a countdown then fires once at that time plus its
    span, a watchdog every span from it."""
    if reg is None or reg.at is None:
        return trigger
    if isinstance(trigger, DelayedTrigger | ConditionalTrigger):
        return replace(trigger, base=_anchored(ctx, trigger.base, reg))
    if not isinstance(trigger, IntervalTrigger) or trigger.anchor is not None:
        return trigger
    at = reg.at.replace(tzinfo=ctx.zone)
    if trigger.once:
        return _readable("countdown", lambda: AbsoluteTrigger(
            at + timedelta(seconds=trigger.seconds),
            note=f"EEM countdown of {trigger.seconds}s from its registration at "
                 f"{reg.at:%Y-%m-%d %H:%M:%S} (show event manager policy registered)"))
    return replace(trigger, anchor=at)


def _tcl_policies(ctx: Context, lines: list[str],
                  registered: dict[str, Registration] | None = None) -> list[Job]:
    """`event manager policy NAME [type user]`: a Tcl policy from the user policy folder
    (`event manager directory user policy DIR`) registers its own event and actions inside
    the file, on the device's storage: it runs unseen. `show event manager policy registered`
    names its event (a timer is then dated); without it the event is unknown. Cisco's own
    `type system` policies ship with the image and are not listed."""
    folder = next((m.group(1).strip('"') for ln in lines
                   if (m := _POLICY_DIR.match(ln))), "")
    out = []
    for n, line in enumerate(lines, 1):
        m = _POLICY.match(line)
        if not m or (m.group(2) or "user").lower() == "system":
            continue
        path = f"{folder.rstrip('/')}/{m.group(1)}" if folder else m.group(1)
        action = (f"tclsh {path}", n)
        why = (f"the Tcl policy {m.group(1)} registers its own event inside the file, on the "
               "device's storage, which the configuration does not hold")
        trigger: Trigger = UnparsableTrigger(why, "event")
        reg = (registered or {}).get(m.group(1))
        if reg is not None:
            trigger = _anchored(ctx, _registered_trigger(reg), reg)
            why = f"registered on {reg.event} (show event manager policy registered)"
        out.append(Job(target=ctx.device, source="eem", origin_path=CONFIG, origin_line=n,
                       owner=None, schedule=line.strip(), command=action[0], actions=(action,),
                       trigger=trigger, timezone=ctx.zone_name, problem=why))
    return out


def _registered_trigger(reg: Registration) -> Trigger:
    """The trigger of a policy from its registration: a timer's cron entry or time in the
    lines under it, any other event by name."""
    details = " ".join(reg.details)
    if reg.event.startswith("timer "):
        kind = reg.event.split()[1]
        cron = re.search(r"cron entry \{([^}]*)\}", details)
        if kind == "cron" and cron:
            return _eem_trigger(f'timer cron cron-entry "{cron.group(1).strip()}"')
        time = re.search(r"\btime (\d+(?:\.\d+)?)", details)
        if time:
            return _eem_trigger(f"timer {kind} time {time.group(1)}")
    return UnparsableTrigger(f"runs on its registered event {reg.event}, not on a clock", "event")


def _with_invoked(actions: tuple[tuple[str, int], ...], applets: dict[str, _Applet],
                  seen: set[str]) -> tuple[tuple[str, int], ...]:
    """Actions, with those of each applet they start (`event manager run NAME`) after them."""
    out: list[tuple[str, int]] = []
    for text, line in actions:
        out.append((text, line))
        m = _RUN_APPLET.match(text.strip())
        if m and m.group(1) in applets and m.group(1) not in seen:
            called = applets[m.group(1)]
            out += _with_invoked(called.actions, applets, seen | {called.name})
    return tuple(out)


def _applet_trigger(applet: _Applet) -> Trigger:
    """The applet's timer (the first timer among its events), narrowed by its `trigger` block
    (correlation with other events, occurrence counts, delay) and delayed by the waits before
    its first command. `maxrun` (default 20 s) ends an applet whose waits outlast it."""
    timers = [(tag, text) for tag, text in applet.events if _TIMER.match(text)]
    if not timers:
        return _event_trigger(applet.events[0][1])
    tag, text = timers[0]
    trigger = _eem_trigger(text)
    if isinstance(trigger, UnparsableTrigger):
        return trigger
    conditions = _correlation(applet, tag) if len(applet.events) > 1 or applet.trigger_block \
        else []
    if conditions:
        trigger = ConditionalTrigger(trigger, "; ".join(conditions))
    delay = _block_number(applet.trigger_block, "delay")
    if delay:
        trigger = DelayedTrigger(trigger, delay, f"trigger delay {delay:g}")
    first = next((i for i, (text, _) in enumerate(applet.actions)
                  if not text.startswith(_PREAMBLE)), len(applet.actions))
    waits = [(label, s) for label, s, before in applet.waits if before <= first]
    waited = sum(s for _, s in waits)
    if waited:
        labels = ", ".join(f"action {label} wait {s:g}" for label, s in waits)
        maxrun = _maxrun(applet)
        note = labels if waited < maxrun else (
            f"{labels}; longer than maxrun {maxrun:g}s, which ends the applet before it acts")
        trigger = DelayedTrigger(trigger, waited, note)
    return trigger


def _correlation(applet: _Applet, tag: str | None) -> list[str]:
    block = " ".join(applet.trigger_block)
    others = [(t, text) for t, text in applet.events if t != tag]
    named = {t: text for t, text in others if t}
    out = []
    correlate = re.search(r"correlate (.+)$", block)
    expr = correlate.group(1) if correlate else ""
    for t, text in others:
        what = f"event {t or '?'} ({text})"
        if re.search(rf"\bandnot event {re.escape(t or '')}\b", expr):
            out.append(f"unless {what} also occurs")
        elif re.search(rf"\bor event {re.escape(t or '')}\b", expr) or \
                re.search(rf"\bevent {re.escape(t or '')} or\b", expr):
            continue      # either event runs it: the timer alone suffices
        else:
            out.append(f"only if {what} also occurs")
    occurs = _block_number(applet.trigger_block, "occurs")
    period = _block_number(applet.trigger_block, "period")
    if occurs and occurs > 1:
        out.append(f"only on every {occurs:g}th occurrence"
                   + (f" within {period:g}s" if period else ""))
    elif period and named:
        out.append(f"the events must fall within {period:g}s")
    return out


def _block_number(block: tuple[str, ...], key: str) -> float | None:
    for line in block:
        if line.startswith("trigger") and (m := re.search(rf"\b{key} (\d+(?:\.\d+)?)", line)):
            return float(m.group(1))
    return None


def _maxrun(applet: _Applet) -> float:
    for _, text in applet.events:
        if m := re.search(r"\bmaxrun (\d+(?:\.\d+)?)", text):
            return float(m.group(1))
    return _DEFAULT_MAXRUN


def _event_trigger(event: str) -> Trigger:
    """A non-timer event: listed with what it waits for, counts and periods included."""
    if m := _SYSLOG.match(event):
        occurs, period = re.search(r"\boccurs (\d+)", event), re.search(r"\bperiod (\d+)", event)
        how = (f" {occurs.group(1)} times" if occurs else "") + (
            f" within {period.group(1)}s" if period else "")
        return UnparsableTrigger(f"runs when syslog pattern {m.group(1)} is logged{how}, not on "
                                 "a clock", "event")
    return UnparsableTrigger(f"runs when its event occurs, not on a clock: {event}", "event")


def _eem_trigger(event: str) -> Trigger:
    m = _TIMER.match(event)
    if not m:
        return UnparsableTrigger(f"runs when its event occurs, not on a clock: {event}", "event")
    kind, rest = m.groups()
    if kind == "cron":
        c = re.search(r'cron-entry "([^"]+)"', rest) or re.search(r"cron-entry (\S+)", rest)
        return CronTrigger(c.group(1), "ios") if c else UnparsableTrigger(
            f"cannot read cron-entry in: {event}")
    t = re.search(r"(?:^|\s)time (\d+(?:\.\d+)?)", rest)
    if not t:
        return UnparsableTrigger(f"cannot read time in: {event}")
    seconds = float(t.group(1))
    if kind == "absolute":
        return _readable(f"time in: {event}", lambda: AbsoluteTrigger(
            datetime.fromtimestamp(seconds, tz=UTC), note="EEM absolute"))
    return _readable(f"time in: {event}", lambda: _interval(int(seconds), None,
                                                            kind == "countdown", "EEM timer"))


def _interval(seconds: int, anchor: datetime | None, once: bool, what: str) -> Trigger:
    if seconds > _MAX_SECONDS:
        return UnparsableTrigger(f"cannot read {what}: {seconds}s is more than 100 years")
    return IntervalTrigger(seconds=seconds, anchor=anchor, once=once)


def _readable(what: str, build: Callable[..., Trigger], *args: object) -> Trigger:
    """The trigger `build` makes, or an unparsable one when the config's numbers are no time at
    all (hour 25, day 40, a year past 9999): a garbled line is listed, never a crash."""
    try:
        return build(*args)
    except (ValueError, OverflowError, OSError, IndexError):
        return UnparsableTrigger(f"cannot read {what}")


def _kron_jobs(ctx: Context, lines: list[str], show_kron: str) -> list[Job]:
    policies: dict[str, list[tuple[str, int]]] = {}
    for m, _lineno, body in _blocks(lines, _POLICY_LIST):
        policies[m.group(1)] = [(t.strip()[4:].strip(), n) for n, t in body
                                if t.strip().startswith("cli ")]
    remaining = _kron_remaining(show_kron)
    applets = _applets(lines)
    out = []
    for i, line in enumerate(lines, 1):
        if not line.startswith("kron occurrence "):
            continue
        m = _OCCURRENCE.match(line) or _OCCURRENCE_STARTUP.match(line)
        lists = [t.split()[1] for t in _body(lines, i) if t.strip().startswith("policy-list ")
                 and len(t.split()) > 1]
        actions = _with_invoked(tuple(a for name in lists for a in policies.get(name, [])),
                                applets, set())
        missing = [name for name in lists if name not in policies]
        if m is None:
            trigger: Trigger = UnparsableTrigger(f"cannot read kron occurrence: {line}")
            name, user, schedule = line.split()[2] if len(line.split()) > 2 else "?", None, line
        else:
            name, user = m.group(1), m.group(2)
            schedule = line.split(" ", 2)[2]
            trigger = _readable(f"kron occurrence: {line}", _kron_trigger, ctx, m,
                                remaining.get(name))
        out.append(Job(target=ctx.device, source="kron", origin_path=CONFIG, origin_line=i,
                       owner=user, schedule=schedule,
                       command="; ".join(a for a, _ in actions), trigger=trigger,
                       actions=actions, timezone=ctx.zone_name,
                       state="unparsable" if isinstance(trigger, UnparsableTrigger) else "active",
                       problem=(f"policy-list {', '.join(missing)} not defined" if missing
                                else None)))
    return out


def _body(lines: list[str], header_lineno: int) -> list[str]:
    body = []
    for text in lines[header_lineno:]:
        if not text.startswith(" "):
            break
        body.append(text)
    return body


def _kron_trigger(ctx: Context, m: re.Match[str], remaining: timedelta | None) -> Trigger:
    if m.re is _OCCURRENCE_STARTUP or m.group(5) == "system-startup":
        return BootTrigger("kron system-startup")
    how, when, mode = m.group(3), m.group(4).split(), m.group(5)
    if how == "in":
        parts = [int(p) for p in when[0].split(":")]
        while len(parts) < 3:
            parts.insert(0, 0)
        seconds = parts[0] * 86400 + parts[1] * 3600 + parts[2] * 60
        anchor = ctx.polled_at + remaining if ctx.polled_at and remaining is not None else None
        if mode == "oneshot" and anchor is not None:
            return AbsoluteTrigger(anchor, note="kron oneshot (show kron schedule)")
        trigger = _interval(seconds, anchor, mode == "oneshot", f"kron occurrence in {when[0]}")
        if mode == "oneshot" and isinstance(trigger, IntervalTrigger):
            # a oneshot occurrence leaves the config once it ran: still here, it is pending
            return replace(trigger, unrun_at=ctx.polled_at)
        return trigger
    hh, mm = (int(x) for x in when[0].split(":"))
    month = day = dow = None
    for word in (w.lower() for w in when[1:]):
        if word.isdecimal():
            day = int(word)
        elif word[:3] in _MONTHS:
            month = _MONTHS.index(word[:3]) + 1
        elif word[:3] in _DAYS:
            dow = word[:3]
    if mode == "oneshot":
        if ctx.polled_at is None:
            return UnparsableTrigger("kron oneshot: the poll time is unknown")
        nxt = _next_local(ctx.polled_at.astimezone(ctx.zone), hh, mm, month, day, dow)
        return AbsoluteTrigger(nxt, note="kron oneshot") if nxt else UnparsableTrigger(
            f"kron oneshot never matches a date: {' '.join(when)}")
    expr = (f"{mm} {hh} {day if day is not None else '*'} {month if month is not None else '*'} "
            f"{_CRON_DOW[dow] if dow else '*'}")
    return CronTrigger(expr, "ios")


def _next_local(now: datetime, hh: int, mm: int, month: int | None, day: int | None,
                dow: str | None) -> datetime | None:
    cand = now.replace(hour=hh, minute=mm, second=0, microsecond=0)
    for _ in range(800):
        if cand > now and (month is None or cand.month == month) and (
                day is None or cand.day == day) and (dow is None or _DAYS[cand.weekday()] == dow):
            return cand
        cand += timedelta(days=1)
    return None


_KRON_REMAINING = re.compile(r"^(\S+) \w+, will run (?:again|once) in (?:(\d+) days? )?"
                             r"(\d+):(\d\d):(\d\d)", re.M)


def _kron_remaining(show_kron: str) -> dict[str, timedelta]:
    out = {}
    for m in _KRON_REMAINING.finditer(show_kron):
        try:
            out[m.group(1)] = timedelta(days=int(m.group(2) or 0), hours=int(m.group(3)),
                                        minutes=int(m.group(4)), seconds=int(m.group(5)))
        except OverflowError:
            continue   # no real countdown is that long: leave the occurrence unanchored
    return out


_RELOAD_AT = re.compile(r"Reload scheduled for (\d\d):(\d\d):(\d\d) (\S+) \w+ (\w+) (\d+) (\d{4})")
_RELOAD_IN = re.compile(r"Reload scheduled in (?:(\d+) hours? (?:and )?)?(?:(\d+) minutes?)?")


def reload_jobs(ctx: Context, show_reload: str) -> list[Job]:
    lines = show_reload.splitlines()
    for n, line in enumerate(lines, 1):
        trigger: Trigger | None = None
        if m := _RELOAD_AT.search(line):
            trigger = _readable(f"reload time: {line.strip()}", _reload_at, ctx, m)
        elif (m := _RELOAD_IN.search(line)) and (m.group(1) or m.group(2)):
            trigger = _readable(f"reload time: {line.strip()}", _reload_in, ctx, m)
        if trigger is None:
            continue
        by = re.search(r"\bby (\S+)", line)
        return [Job(target=ctx.device, source="reload", origin_path="show-reload", origin_line=n,
                    owner=by.group(1) if by else None, schedule=line.strip(), command="reload",
                    trigger=trigger, actions=(("reload", n),), timezone=ctx.zone_name)]
    return []


def _reload_at(ctx: Context, m: re.Match[str]) -> Trigger:
    hh, mi, ss, _zone, mon, day, year = m.groups()
    local = datetime(int(year), _MONTHS.index(mon[:3].lower()) + 1, int(day), int(hh),
                     int(mi), int(ss), tzinfo=ctx.zone)
    return AbsoluteTrigger(local, note="pending reload")


def _reload_in(ctx: Context, m: re.Match[str]) -> Trigger:
    if ctx.polled_at is None:
        return UnparsableTrigger("reload in: poll time unknown")
    delta = timedelta(hours=int(m.group(1) or 0), minutes=int(m.group(2) or 0))
    return AbsoluteTrigger(ctx.polled_at + delta, note="pending reload")
