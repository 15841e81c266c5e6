"""The one source of truth of a simulated device, and its configuration as the device prints it.

The CLI interpreters, the SNMP agent and the tests all read and change the same ``DeviceState``,
so a PVC removed over SSH is gone from the SNMP walk too. State is deliberately mutable (it is a
live device, not a record); every change goes through a method that takes the device lock and
bumps ``version`` so the SNMP agent knows when to rebuild its sorted OID table.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

PLATFORMS = ("cisco_ios", "juniper_junos", "atm_mib")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass
class Faults:
    """Misbehaviour switched on per device by tests (see the sim package docstring)."""

    drop_mid_config: bool = False
    truncate_config: bool = False
    reject_auth: bool = False
    delay_s: float = 0.0
    snmp_silent: bool = False
    snmp_silent_after: int | None = None   # answer this many more requests, then fall silent
    stray_prompts: int = 0                 # the next N command outputs begin with a prompt
    # Capture noise of real devices and terminals (sim.noise.NOISES), new at every poll.
    noise: frozenset[str] = frozenset()
    noise_rng: random.Random = field(default_factory=lambda: random.Random(0))


def as_faulted(config: str, faults: Faults) -> tuple[str, bool]:
    """The config as a faulty device would send it, and whether the session hangs up after it."""
    if faults.drop_mid_config:
        return config[: len(config) // 2], True
    if faults.truncate_config:
        lines = config.splitlines(keepends=True)
        return "".join(lines[: max(1, len(lines) * 3 // 4)]), False
    return config, False


@dataclass
class Pvc:
    vpi: int
    vci: int
    name: str | None = None
    encapsulation: str = "aal5snap"
    service_class: str = "UBR"
    peak_kbps: int | None = None
    avg_kbps: int | None = None          # sustained rate, VBR-nrt only
    burst_cells: int | None = None       # VBR-nrt only
    extra: list[str] = field(default_factory=list)   # other stanza lines, e.g. "protocol ip ..."


@dataclass
class Subinterface:
    number: int
    kind: str = "point-to-point"
    description: str = ""
    ip_address: str = ""                 # "10.1.1.1 255.255.255.252"
    ifindex: int = 0
    pvcs: list[Pvc] = field(default_factory=list)


@dataclass
class AtmInterface:
    ifindex: int
    name: str                            # ATM0/0/0 (IOS, atm_mib) or at-0/0/0 (Junos)
    description: str = ""
    subinterfaces: dict[int, Subinterface] = field(default_factory=dict)


@dataclass
class CrossConnect:
    """An ATM-switch cross-connect, kind "vc" or "vp"; low end has the lower ifIndex."""

    kind: str
    index: int
    low_if: int
    low_vpi: int
    high_if: int
    high_vpi: int
    low_vci: int | None = None
    high_vci: int | None = None


@dataclass
class Link:
    """A VPL (vci None) or VCL row made over SNMP and not (yet) joined by a cross-connect, with
    its RowStatus (RFC 2579: active 1, notInService 2) and writable columns."""

    kind: str                            # vpl | vcl
    ifindex: int
    vpi: int
    vci: int | None = None
    status: int = 2
    admin: int = 1
    rx_td: int = 1
    tx_td: int = 1
    encaps: int = 10                     # atmVccAal5EncapsType unknown(10), VCL only


@dataclass
class PendingCrossConnect:
    """A cross-connect row created over SNMP (createAndWait), not yet active."""

    xc: CrossConnect
    admin: int = 1
    status: int = 2


@dataclass
class KronOccurrence:
    name: str
    when: str                            # as written: "at 20:00 Sat" or "in 1:30"
    mode: str = "recurring"              # oneshot | recurring | system-startup
    user: str | None = None
    policy_lists: list[str] = field(default_factory=list)
    created: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class KronPolicy:
    name: str
    clis: list[str] = field(default_factory=list)
    conditional: bool = False


@dataclass
class EemApplet:
    name: str
    event: str = ""                      # as written after "event ", e.g. 'timer cron cron-entry "0 3 * * *"'
    actions: list[tuple[str, str]] = field(default_factory=list)   # (label, text after label)
    authorization_bypass: bool = False
    registered: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class PendingReload:
    at: datetime                         # UTC
    by: str = "lgops on vty0 (127.0.0.1)"
    reason: str = "Reload Command"


@dataclass
class JunosGenerateEvent:
    name: str
    kind: str                            # time-of-day | time-interval
    value: str                           # "03:00:00" or seconds as text


@dataclass
class JunosPolicy:
    name: str
    events: list[str] = field(default_factory=list)
    change_commands: list[str] = field(default_factory=list)
    execute_commands: list[str] = field(default_factory=list)


@dataclass
class DeviceState:
    hostname: str
    platform: str
    site: str = ""
    tz_name: str = "JST"
    tz_offset_min: int = 540
    interfaces: dict[int, AtmInterface] = field(default_factory=dict)
    cross_connects: dict[tuple[str, int], CrossConnect] = field(default_factory=dict)
    links: dict[tuple[str, int, int, int | None], Link] = field(default_factory=dict)
    pending_xcs: dict[tuple[str, int], PendingCrossConnect] = field(default_factory=dict)
    kron_occurrences: dict[str, KronOccurrence] = field(default_factory=dict)
    kron_policies: dict[str, KronPolicy] = field(default_factory=dict)
    applets: dict[str, EemApplet] = field(default_factory=dict)
    pending_reload: PendingReload | None = None
    junos_events: dict[str, JunosGenerateEvent] = field(default_factory=dict)
    junos_policies: dict[str, JunosPolicy] = field(default_factory=dict)
    booted: datetime = field(default_factory=lambda: datetime.now(UTC) - timedelta(days=23))
    changed: datetime = field(default_factory=lambda: datetime.now(UTC) - timedelta(days=9))
    faults: Faults = field(default_factory=Faults)
    version: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    # Told (user, peer) when a change is complete: IOS config mode left after a change, a Junos
    # commit, an SNMP SET that changed a table. The fleet sends syslog or a trap from here.
    on_change: Callable[[str, str], None] | None = field(default=None, repr=False,
                                                         compare=False)

    def announce(self, user: str, peer: str) -> None:
        if self.on_change is not None:
            self.on_change(user, peer)

    # --- lookups ------------------------------------------------------------------------

    @property
    def tz(self) -> timezone:
        return timezone(timedelta(minutes=self.tz_offset_min), self.tz_name)

    def local_now(self) -> datetime:
        return datetime.now(UTC).astimezone(self.tz)

    def interface_by_name(self, name: str) -> AtmInterface | None:
        for intf in self.interfaces.values():
            if intf.name.lower() == name.lower():
                return intf
        return None

    def ifname(self, ifindex: int) -> str:
        for intf in self.interfaces.values():
            if intf.ifindex == ifindex:
                return intf.name
            for sub in intf.subinterfaces.values():
                if sub.ifindex == ifindex:
                    return f"{intf.name}.{sub.number}"
        return f"if{ifindex}"

    def all_pvcs(self) -> list[tuple[AtmInterface, Subinterface, Pvc]]:
        return [(intf, sub, pvc) for intf in self.interfaces.values()
                for sub in intf.subinterfaces.values() for pvc in sub.pvcs]

    # --- changes (every one bumps version) ----------------------------------------------

    def touch(self) -> None:
        """Record a change: SNMP rebuilds its table, the config header shows the new time."""
        with self.lock:
            self.version += 1
            self.changed = datetime.now(UTC)

    def next_ifindex(self) -> int:
        used = {i.ifindex for i in self.interfaces.values()}
        used |= {s.ifindex for i in self.interfaces.values() for s in i.subinterfaces.values()}
        return max(used | {0}) + 1

    def ensure_subinterface(self, intf: AtmInterface, number: int,
                            kind: str = "point-to-point") -> Subinterface:
        with self.lock:
            sub = intf.subinterfaces.get(number)
            if sub is None:
                sub = Subinterface(number=number, kind=kind, ifindex=self.next_ifindex())
                intf.subinterfaces[number] = sub
                self.touch()
            return sub

    def remove_subinterface(self, intf: AtmInterface, number: int) -> bool:
        with self.lock:
            removed = intf.subinterfaces.pop(number, None) is not None
            self.touch()
            return removed

    def add_pvc(self, sub: Subinterface, pvc: Pvc) -> Pvc:
        with self.lock:
            for old in sub.pvcs:
                if (old.vpi, old.vci) == (pvc.vpi, pvc.vci):
                    return old
            sub.pvcs.append(pvc)
            self.touch()
            return pvc

    def remove_pvc(self, ifindex: int, vpi: int, vci: int) -> bool:
        """Remove the PVC vpi/vci on the main interface ifindex (any of its subinterfaces)."""
        with self.lock:
            intf = self.interfaces.get(ifindex)
            if intf is None:
                return False
            for sub in intf.subinterfaces.values():
                for pvc in list(sub.pvcs):
                    if (pvc.vpi, pvc.vci) == (vpi, vci):
                        sub.pvcs.remove(pvc)
                        self.touch()
                        return True
            return False

    def add_cross_connect(self, xc: CrossConnect) -> CrossConnect:
        with self.lock:
            if xc.low_if > xc.high_if:
                xc = CrossConnect(xc.kind, xc.index, xc.high_if, xc.high_vpi, xc.low_if,
                                  xc.low_vpi, xc.high_vci, xc.low_vci)
            if xc.index <= 0:
                xc.index = max([k[1] for k in self.cross_connects if k[0] == xc.kind] + [0]) + 1
            self.cross_connects[(xc.kind, xc.index)] = xc
            self.touch()
            return xc

    def remove_cross_connect(self, kind: str, index: int) -> bool:
        with self.lock:
            removed = self.cross_connects.pop((kind, index), None) is not None
            self.touch()
            return removed

    def find_cross_connect(self, kind: str, ifindex: int, vpi: int,
                           vci: int | None = None) -> CrossConnect | None:
        """The cross-connect with an end at (ifindex, vpi[, vci])."""
        for xc in self.cross_connects.values():
            if xc.kind != kind:
                continue
            if (xc.low_if, xc.low_vpi, xc.low_vci) == (ifindex, vpi, vci):
                return xc
            if (xc.high_if, xc.high_vpi, xc.high_vci) == (ifindex, vpi, vci):
                return xc
        return None


# --- rendering: IOS ------------------------------------------------------------------------

def _rate_line(pvc: Pvc) -> str | None:
    if pvc.service_class == "CBR" and pvc.peak_kbps:
        return f"  cbr {pvc.peak_kbps}"
    if pvc.service_class == "VBR-nrt" and pvc.peak_kbps:
        return f"  vbr-nrt {pvc.peak_kbps} {pvc.avg_kbps or pvc.peak_kbps} {pvc.burst_cells or 32}"
    if pvc.service_class == "UBR" and pvc.peak_kbps:
        return f"  ubr {pvc.peak_kbps}"
    return None


def render_ios(state: DeviceState) -> str:
    """running-config as IOS prints it: header lines, '!' separators, ends with 'end'."""
    with state.lock:
        changed = state.changed.astimezone(state.tz)
        out = ["Building configuration...", "",
               "Current configuration : ? bytes", "!",
               f"! Last configuration change at {changed:%H:%M:%S} {state.tz_name} "
               f"{changed:%a %b} {changed.day} {changed.year} by lgops", "!",
               "version 15.2", "service timestamps debug datetime msec",
               "service timestamps log datetime msec localtime show-timezone",
               "service password-encryption", "!", f"hostname {state.hostname}", "!",
               "boot-start-marker", "boot-end-marker", "!",
               "enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0", "!", "no aaa new-model",
               f"clock timezone {state.tz_name} {state.tz_offset_min // 60} "
               f"{state.tz_offset_min % 60}", "!", "ip cef", "!"]
        for intf in sorted(state.interfaces.values(), key=lambda i: i.ifindex):
            out.append(f"interface {intf.name}")
            if intf.description:
                out.append(f" description {intf.description}")
            out.append(" no ip address")
            for xc in sorted(state.cross_connects.values(), key=lambda x: (x.kind, x.index)):
                if xc.low_if != intf.ifindex:
                    continue
                peer = state.ifname(xc.high_if)
                if xc.kind == "vc":
                    out.append(f" atm pvc {xc.low_vpi} {xc.low_vci} interface {peer} "
                               f"{xc.high_vpi} {xc.high_vci}")
                else:
                    out.append(f" atm pvp {xc.low_vpi} interface {peer} {xc.high_vpi}")
            out.append(" no atm ilmi-keepalive")
            out.append("!")
            for sub in sorted(intf.subinterfaces.values(), key=lambda s: s.number):
                out.append(f"interface {intf.name}.{sub.number} {sub.kind}")
                if sub.description:
                    out.append(f" description {sub.description}")
                out.append(f" ip address {sub.ip_address}" if sub.ip_address
                           else " no ip address")
                for pvc in sub.pvcs:
                    name = f"{pvc.name} " if pvc.name else ""
                    out.append(f" pvc {name}{pvc.vpi}/{pvc.vci} ")
                    rate = _rate_line(pvc)
                    if rate:
                        out.append(rate)
                    out.extend(f"  {line}" for line in pvc.extra)
                    out.append(f"  encapsulation {pvc.encapsulation}")
                    out.append(" !")
                out.append("!")
        for occ in state.kron_occurrences.values():
            user = f" user {occ.user}" if occ.user else ""
            out.append(f"kron occurrence {occ.name}{user} {occ.when} {occ.mode}")
            out.extend(f" policy-list {p}" for p in occ.policy_lists)
            out.append("!")
        for pol in state.kron_policies.values():
            out.append(f"kron policy-list {pol.name}" + (" conditional" if pol.conditional
                                                          else ""))
            out.extend(f" cli {c}" for c in pol.clis)
            out.append("!")
        out += ["line con 0", " exec-timeout 0 0", "line vty 0 4", " login local",
                " transport input ssh", "!"]
        for app in state.applets.values():
            bypass = " authorization bypass" if app.authorization_bypass else ""
            out.append(f"event manager applet {app.name}{bypass}")
            if app.event:
                out.append(f" event {app.event}")
            out.extend(f" action {label} {text}" for label, text in app.actions)
            out.append("!")
        out.append("end")
        body = "\n".join(out[3:]) + "\n"
        # IOS counts the configuration itself, not the two lines before the size line
        return "\n".join(out[:2]) + f"\nCurrent configuration : {len(body)} bytes\n" + body


# --- rendering: Junos ----------------------------------------------------------------------

# A Junos statement tree: (words, children) where children None means a leaf "words;".
Stmt = tuple[str, "list[Stmt] | None"]


def _junos_shaping(pvc: Pvc) -> list[Stmt]:
    if pvc.service_class == "CBR" and pvc.peak_kbps:
        return [("shaping", [(f"cbr {pvc.peak_kbps}k", None)])]
    if pvc.service_class == "VBR-nrt" and pvc.peak_kbps:
        return [("shaping", [(f"vbr peak {pvc.peak_kbps}k sustained "
                              f"{pvc.avg_kbps or pvc.peak_kbps}k burst {pvc.burst_cells or 32}",
                              None)])]
    return []


def _cidr(ios_address: str) -> str:
    """"10.1.0.1 255.255.255.252" -> "10.1.0.1/30" (Junos writes prefixes)."""
    addr, _, mask = ios_address.partition(" ")
    if not mask:
        return addr
    bits = sum(bin(int(octet)).count("1") for octet in mask.split("."))
    return f"{addr}/{bits}"


def _q(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def junos_tree(state: DeviceState) -> list[Stmt]:
    with state.lock:
        interfaces: list[Stmt] = []
        for intf in sorted(state.interfaces.values(), key=lambda i: i.ifindex):
            body: list[Stmt] = []
            if intf.description:
                body.append((f"description {_q(intf.description)}", None))
            vpis = sorted({p.vpi for s in intf.subinterfaces.values() for p in s.pvcs})
            body.append(("atm-options", [(f"vpi {v}", None) for v in vpis] or None))
            for sub in sorted(intf.subinterfaces.values(), key=lambda s: s.number):
                unit: list[Stmt] = []
                if sub.description:
                    unit.append((f"description {_q(sub.description)}", None))
                for pvc in sub.pvcs[:1]:
                    enc = "atm-snap" if pvc.encapsulation == "aal5snap" else "atm-vcmux"
                    unit.append((f"encapsulation {enc}", None))
                    unit.append((f"vci {pvc.vpi}.{pvc.vci}", None))
                    unit.extend(_junos_shaping(pvc))
                if sub.ip_address:
                    unit.append(("family inet", [(f"address {_cidr(sub.ip_address)}", None)]))
                body.append((f"unit {sub.number}", unit or None))
            interfaces.append((intf.name, body))
        tree: list[Stmt] = [
            ("version 15.1R7.9", None),
            ("system", [(f"host-name {state.hostname}", None),
                        ("time-zone Asia/Tokyo" if state.tz_offset_min == 540
                         else f"time-zone {state.tz_name}", None),
                        ("login", [("user lgops", [("class super-user", None)])])]),
            ("interfaces", interfaces),
        ]
        if state.junos_events or state.junos_policies:
            ev: list[Stmt] = []
            if state.junos_events:
                ev.append(("generate-event", [(f"{g.name} {g.kind} {g.value}", None)
                                              for g in state.junos_events.values()]))
            for pol in state.junos_policies.values():
                then: list[Stmt] = []
                if pol.change_commands:
                    then.append(("change-configuration", [
                        ("commands", [(_q(c), None) for c in pol.change_commands]),
                        ("commit-options", [('log "by event policy"', None)])]))
                if pol.execute_commands:
                    then.append(("execute-commands", [
                        ("commands", [(_q(c), None) for c in pol.execute_commands])]))
                body = [("events " + (pol.events[0] if len(pol.events) == 1
                                      else "[ " + " ".join(pol.events) + " ]"), None)]
                body.append(("then", then or None))
                ev.append((f"policy {pol.name}", body))
            tree.append(("event-options", ev))
        return tree


def render_junos(state: DeviceState) -> str:
    """`show configuration`: curly braces, four-space indent, leaves end in ';'."""
    changed = state.changed.astimezone(state.tz)
    lines = [f"## Last commit: {changed:%Y-%m-%d %H:%M:%S} {state.tz_name} by lgops"]

    def walk(stmts: list[Stmt], depth: int) -> None:
        pad = "    " * depth
        for words, children in stmts:
            if children is None:
                lines.append(f"{pad}{words};")
            else:
                lines.append(f"{pad}{words} {{")
                walk(children, depth + 1)
                lines.append(f"{pad}}}")

    walk(junos_tree(state), 0)
    return "\n".join(lines) + "\n"


def render_junos_set(state: DeviceState) -> str:
    """`show configuration | display set`: one `set` line per leaf."""
    lines: list[str] = []

    def walk(stmts: list[Stmt], path: list[str]) -> None:
        for words, children in stmts:
            if children is None:
                lines.append("set " + " ".join(path + [words]))
            elif not children:
                lines.append("set " + " ".join(path + [words]))
            else:
                walk(children, path + [words])

    walk(junos_tree(state)[1:], [])   # the version line has no set form
    return "\n".join(lines) + "\n"


# --- time helpers shared by the CLIs -------------------------------------------------------

def kron_next_run(occ: KronOccurrence, now_local: datetime) -> datetime | None:
    """Next run of a kron occurrence in device-local time (None for system-startup)."""
    words = occ.when.split()
    if occ.mode == "system-startup" or not words:
        return None
    if words[0] == "in":
        parts = [int(p) for p in words[1].split(":")] if len(words) > 1 else [0]
        while len(parts) < 3:
            parts.insert(0, 0)
        step = timedelta(days=parts[0], hours=parts[1], minutes=parts[2])
        if step <= timedelta(0):
            return None
        first = occ.created.astimezone(now_local.tzinfo) + step
        if first >= now_local or occ.mode == "oneshot":
            return first
        periods = (now_local - first) // step + 1
        return first + periods * step
    hh, mm = (int(x) for x in words[1].split(":"))
    rest = [w.lower() for w in words[2:]]
    cand = now_local.replace(hour=hh, minute=mm, second=0, microsecond=0)
    for _ in range(400):
        if cand > now_local and _kron_day_matches(cand, rest):
            return cand
        cand += timedelta(days=1)
    return None


def _kron_day_matches(day: datetime, rest: list[str]) -> bool:
    days = [d.lower() for d in _DAYS]
    for word in rest:
        if word.isdigit() and int(word) != day.day:
            return False
        if word[:3] in _MONTHS and _MONTHS.index(word[:3]) + 1 != day.month:
            return False
        if word[:3] in days and days.index(word[:3]) != day.weekday():
            return False
    return True


def parse_reload_at(words: list[str], now_local: datetime) -> datetime | None:
    """`reload at hh:mm [day month | month day]` -> the next such local instant."""
    try:
        hh, mm = (int(x) for x in words[0].split(":"))
    except (ValueError, IndexError):
        return None
    day = month = None
    for word in words[1:3]:
        if word.isdigit():
            day = int(word)
        elif word[:3].lower() in _MONTHS:
            month = _MONTHS.index(word[:3].lower()) + 1
    cand = now_local.replace(hour=hh, minute=mm, second=0, microsecond=0)
    if day is not None and month is not None:
        cand = cand.replace(month=month, day=day)
        if cand <= now_local:
            cand = cand.replace(year=cand.year + 1)
    elif cand <= now_local:
        cand += timedelta(days=1)
    return cand


# --- the factory ---------------------------------------------------------------------------

_SERVICE_MIX = (("UBR", None, None), ("CBR", 1536, None), ("VBR-nrt", 4000, 2000),
                ("UBR", 155000, None), ("CBR", 2048, None))


def build_device(name: str, platform: str, site: str, index: int, seed: int = 0,
                 pvcs: int = 24, cross_connects: int = 24) -> DeviceState:
    """A realistic device: same inputs, same device. IOS and Junos devices terminate PVCs on
    subinterfaces (base-station links); IOS and atm_mib devices also switch VC and VP
    cross-connects between trunk ports. Schedules are benign: kron saves the config weekly, an
    EEM applet archives it nightly, Junos checks uptime daily."""
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}; expected one of {PLATFORMS}")
    rng = random.Random(f"{seed}:{name}")
    state = DeviceState(hostname=name, platform=platform, site=site)
    prefix = "at-0/0/" if platform == "juniper_junos" else "ATM0/0/"
    for port in range(4):
        state.interfaces[port + 1] = AtmInterface(
            ifindex=port + 1, name=f"{prefix}{port}",
            description=(f"to {site}-core-{port}" if port < 2 else f"trunk {site}-{port}"))
    if platform != "atm_mib":
        for n in range(pvcs):
            intf = state.interfaces[1 + n % 2]
            number = 100 + n
            sub = Subinterface(number=number, ifindex=100 + n,
                               description=f"BTS {site.upper()}-{index:02d}{n:02d}",
                               ip_address=f"10.{index % 250}.{n}.1 255.255.255.252")
            sc, peak, avg = _SERVICE_MIX[rng.randrange(len(_SERVICE_MIX))]
            sub.pvcs.append(Pvc(
                vpi=rng.choice((0, 1, 2)), vci=32 + n * 3 + rng.randrange(3),
                name=f"BTS{index:02d}{n:02d}" if platform == "cisco_ios" else None,
                encapsulation="aal5mux" if rng.random() < 0.2 else "aal5snap",
                service_class=sc, peak_kbps=peak, avg_kbps=avg,
                burst_cells=94 if sc == "VBR-nrt" else None))
            intf.subinterfaces[number] = sub
    if platform != "juniper_junos":
        vc_count = cross_connects - cross_connects // 8
        for n in range(vc_count):
            state.cross_connects[("vc", n + 1)] = CrossConnect(
                "vc", n + 1, low_if=3, low_vpi=n // 16, low_vci=100 + n,
                high_if=4, high_vpi=10 + n // 16, high_vci=200 + rng.randrange(50) * 64 + n)
        for n in range(cross_connects // 8):
            state.cross_connects[("vp", n + 1)] = CrossConnect(
                # VP-switched paths use VPIs no VC-switched link uses (NNI trunks allow 4095)
                "vp", n + 1, low_if=3, low_vpi=200 + n, high_if=4, high_vpi=300 + n)
    if platform == "cisco_ios":
        state.kron_occurrences["SAVECONFIG"] = KronOccurrence(
            "SAVECONFIG", "at 20:00 Sat", "recurring", policy_lists=["SAVECONFIG"])
        state.kron_policies["SAVECONFIG"] = KronPolicy("SAVECONFIG", ["write memory"])
        state.applets["NIGHTLY-ARCHIVE"] = EemApplet(
            "NIGHTLY-ARCHIVE", 'timer cron cron-entry "30 2 * * *"',
            [("1.0", 'cli command "enable"'),
             ("2.0", 'cli command "show running-config | redirect flash:nightly.cfg"')])
    if platform == "juniper_junos":
        state.junos_events["DAILY-CHECK"] = JunosGenerateEvent(
            "DAILY-CHECK", "time-of-day", '"04:00:00 +0900"')
        state.junos_policies["UPTIME-LOG"] = JunosPolicy(
            "UPTIME-LOG", ["DAILY-CHECK"], execute_commands=["show system uptime"])
    return state
