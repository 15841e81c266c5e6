"""A Junos CLI over one device's state, line in, text out (networking is sim.ssh).

Operational mode (``lgops@HOST> ``): ``set cli screen-width N|screen-length 0|complete-on-space
off``, ``show configuration [| display set]``, ``show system reboot``, ``show system uptime``,
``show version``, ``request system reboot at hh:mm|yymmddhhmm | in MINUTES`` (asks yes/no),
``clear system reboot``, ``configure``, ``exit``.

Configuration mode (``[edit]`` + ``lgops@HOST# ``) keeps a candidate: ``set``/``delete`` lines are
checked when typed and applied on ``commit`` ("commit complete"); ``rollback`` drops them;
``exit``/``exit configuration-mode`` with changes asks "Exit with uncommitted changes?". Paths:
    set|delete interfaces at-X/Y/Z unit N [vci VPI.VCI | encapsulation atm-snap|atm-vcmux |
        description "TEXT" | shaping cbr RATE | shaping vbr peak RATE sustained RATE burst N |
        family inet address A.B.C.D/P]
    set interfaces at-X/Y/Z atm-options vpi N     (accepted; shown from the units' VPIs)
    delete interfaces at-X/Y/Z                      (all its units)
    set|delete event-options generate-event NAME [time-of-day HH:MM:SS | time-interval SECONDS]
    set|delete event-options policy NAME [events EV | then change-configuration commands "CMD" |
        then execute-commands commands "CMD"]
Anything else: ``syntax error.``

``show system reboot``: "No shutdown/reboot scheduled." or
"reboot requested by lgops at Wed Nov 25 03:00:00 2026" + "    [process id 4242]".
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from lineguard.sim import noise
from lineguard.sim.ios import Reply
from lineguard.sim.state import (
    DeviceState,
    JunosGenerateEvent,
    JunosPolicy,
    PendingReload,
    Pvc,
    Subinterface,
    as_faulted,
    render_junos,
    render_junos_set,
)

Change = Callable[[DeviceState], None]


class JunosCli:
    """One Junos session: operational or configuration mode, and the uncommitted candidate."""

    def __init__(self, state: DeviceState, user: str = "lgops", peer: str = "127.0.0.1") -> None:
        self.state = state
        self.user = user
        self.peer = peer
        self.configuring = False
        self.candidate: list[Change] = []
        self.awaiting: str | None = None        # "exit-confirm" | "reboot-confirm"
        self._reboot: PendingReload | None = None

    @property
    def prompt(self) -> str:
        return f"{self.user}@{self.state.hostname}{'#' if self.configuring else '>'} "

    def handle(self, line: str) -> Reply:
        line = line.strip()
        if self.awaiting == "exit-confirm":
            self.awaiting = None
            if line.lower() in ("", "y", "yes"):
                self.candidate.clear()
                self.configuring = False
                return Reply("Exiting configuration mode\n\n")
            return self._edit("")
        if self.awaiting == "reboot-confirm":
            self.awaiting = None
            if line.lower() in ("y", "yes") and self._reboot is not None:
                with self.state.lock:
                    self.state.pending_reload = self._reboot
                    self.state.touch()
                local = self._reboot.at.astimezone(self.state.tz)
                return Reply(f"Shutdown at {local:%a %b %d %H:%M:%S %Y}.\n[pid 4242]\n\n")
            return Reply("\n")
        if not line:
            return self._edit("") if self.configuring else Reply()
        if self.configuring:
            return self._config(line)
        return self._operational(line)

    def _edit(self, text: str) -> Reply:
        return Reply(text + "\n[edit]\n")

    # --- operational -----------------------------------------------------------------------

    def _operational(self, line: str) -> Reply:
        command, _, pipe = line.partition("|")
        words = command.split()
        pipe = pipe.strip()
        if words[:2] == ["set", "cli"] and len(words) >= 3:
            what = words[2]
            if what == "screen-width" and len(words) == 4:
                return Reply(f"Screen width set to {words[3]}\n\n")
            if what == "screen-length" and len(words) == 4:
                return Reply(f"Screen length set to {words[3]}\n\n")
            if what == "complete-on-space":
                return Reply("Disabling complete-on-space\n\n")
        if words in (["exit"], ["quit"]):
            return Reply(hangup=True)
        if words == ["configure"] or words == ["configure", "private"]:
            self.configuring = True
            return self._edit("Entering configuration mode\n")
        if words[:2] == ["show", "configuration"]:
            return self._show_configuration(pipe)
        if words == ["show", "system", "reboot"]:
            return Reply(self._show_reboot() + "\n")
        if words == ["show", "system", "uptime"]:
            now = self.state.local_now()
            booted = self.state.booted.astimezone(self.state.tz)
            return Reply(f"Current time: {now:%Y-%m-%d %H:%M:%S} {self.state.tz_name}\n"
                         f"System booted: {booted:%Y-%m-%d %H:%M:%S} {self.state.tz_name}\n\n")
        if words == ["show", "version"]:
            return Reply(f"Hostname: {self.state.hostname}\nModel: m7i\nJunos: 15.1R7.9\n"
                         "JUNOS OS Kernel 64-bit  [20190517.f0321c3_builder_stable_10]\n\n")
        if words[:3] == ["request", "system", "reboot"]:
            return self._request_reboot(words[3:], line)
        if words == ["clear", "system", "reboot"]:
            with self.state.lock:
                self.state.pending_reload = None
                self.state.touch()
            return Reply("No shutdown/reboot scheduled.\n\n")
        return Reply(_syntax_error(self.prompt, line, words))

    def _show_configuration(self, pipe: str) -> Reply:
        text = render_junos_set(self.state) if "display set" in pipe else render_junos(self.state)
        faults = self.state.faults
        text = noise.junos_config(text, faults.noise, faults.noise_rng,
                                  self.state.changed.astimezone(self.state.tz))
        text, hangup = as_faulted(text, self.state.faults)
        return Reply(text, hangup=True) if hangup else Reply(text + "\n")

    def _show_reboot(self) -> str:
        pending = self.state.pending_reload
        if pending is None:
            return "No shutdown/reboot scheduled.\n"
        local = pending.at.astimezone(self.state.tz)
        return (f"reboot requested by {pending.by.split()[0]} at "
                f"{local:%a %b %d %H:%M:%S %Y}\n    [process id 4242]\n")

    def _request_reboot(self, args: list[str], line: str) -> Reply:
        now = self.state.local_now()
        when = None
        if len(args) == 2 and args[0] == "in" and args[1].isdigit():
            when = now + timedelta(minutes=int(args[1]))
        elif len(args) == 2 and args[0] == "at":
            if re.fullmatch(r"\d{1,2}:\d{2}", args[1]):
                hh, mm = (int(x) for x in args[1].split(":"))
                when = now.replace(hour=hh, minute=mm, second=0, microsecond=0)
                if when <= now:
                    when += timedelta(days=1)
            elif re.fullmatch(r"\d{10}", args[1]):
                when = datetime.strptime(args[1], "%y%m%d%H%M").replace(tzinfo=self.state.tz)
        if when is None:
            return Reply(_syntax_error(self.prompt, line, line.split()))
        self._reboot = PendingReload(at=when.astimezone(UTC), by=f"{self.user} ({self.peer})",
                                     reason="request system reboot")
        self.awaiting = "reboot-confirm"
        return Reply("Reboot the system ? [yes,no] (no) ")

    # --- configuration ---------------------------------------------------------------------

    def _config(self, line: str) -> Reply:
        words = line.split()
        if words[0] == "run":
            saved, self.configuring = self.configuring, False
            try:
                reply = self._operational(line.split(None, 1)[1] if len(words) > 1 else "")
            finally:
                self.configuring = saved
            return self._edit(reply.text)
        if words[0] == "commit":
            for step in self.candidate:
                with self.state.lock:
                    step(self.state)
                    self.state.touch()
            if self.candidate:
                self.state.announce(self.user, self.peer)
            self.candidate.clear()
            if "and-quit" in words:
                self.configuring = False
                return Reply("commit complete\nExiting configuration mode\n\n")
            return self._edit("commit complete\n")
        if words[0] == "rollback":
            self.candidate.clear()
            return self._edit("load complete\n")
        if words in (["exit"], ["quit"], ["exit", "configuration-mode"]):
            if self.candidate:
                self.awaiting = "exit-confirm"
                return Reply("The configuration has been changed but not committed\n"
                             "Exit with uncommitted changes? [yes,no] (yes) ")
            self.configuring = False
            return Reply("Exiting configuration mode\n\n")
        if words[0] == "show":
            return self._edit(render_junos(self.state))
        change = _parse_change(line)
        if change is None:
            return self._edit(_syntax_error(self.prompt, line, words).rstrip("\n") + "\n")
        self.candidate.append(change)
        return self._edit("")


def _syntax_error(prompt: str, line: str, words: list[str]) -> str:
    col = len(prompt) + (line.find(words[1]) if len(words) > 1 else 0)
    return " " * col + "^\nsyntax error.\n\n"


def _parse_change(line: str) -> Change | None:
    try:
        words = shlex.split(line)
    except ValueError:
        return None
    if len(words) < 3 or words[0] not in ("set", "delete"):
        return None
    verb, area, rest = words[0], words[1], words[2:]
    if area == "interfaces":
        return _interface_change(verb, rest)
    if area == "event-options":
        return _event_change(verb, rest)
    return None


def _interface_change(verb: str, rest: list[str]) -> Change | None:
    name = rest[0]
    if not re.fullmatch(r"at-\d+/\d+/\d+", name):
        return None
    if len(rest) == 1:
        if verb != "delete":
            return None

        def delete_all(st: DeviceState) -> None:
            intf = st.interface_by_name(name)
            if intf is not None:
                intf.subinterfaces.clear()
        return delete_all
    if rest[1:3] == ["atm-options", "vpi"] and len(rest) == 4 and rest[3].isdigit():
        # The VPIs shown under atm-options follow from the units' vci statements here.
        return lambda st: None
    if rest[1] != "unit" or len(rest) < 3 or not rest[2].isdigit():
        return None
    number, attr = int(rest[2]), rest[3:]
    if verb == "delete" and not attr:
        def delete_unit(st: DeviceState) -> None:
            intf = st.interface_by_name(name)
            if intf is not None:
                intf.subinterfaces.pop(number, None)
        return delete_unit
    apply = _unit_attribute(attr)
    if apply is None:
        return None

    def set_attr(st: DeviceState) -> None:
        intf = st.interface_by_name(name)
        if intf is None:
            return
        if verb == "delete":
            sub = intf.subinterfaces.get(number)
            if sub is not None and attr[0] == "vci":
                sub.pvcs.clear()
            return
        apply(st.ensure_subinterface(intf, number))
    return set_attr


def _rate(text: str) -> int | None:
    """A Junos rate (`1536k`, `2m`) in kbps."""
    m = re.fullmatch(r"(\d+)([km])", text)
    return None if m is None else int(m.group(1)) * (1000 if m.group(2) == "m" else 1)


def _pvc(sub: Subinterface) -> Pvc:
    if not sub.pvcs:
        sub.pvcs.append(Pvc(vpi=0, vci=0))
    return sub.pvcs[0]


def _unit_attribute(attr: list[str]) -> Callable[[Subinterface], None] | None:
    """What one `set interfaces at-X unit N ...` statement does to the unit, or None when the
    statement is not valid: vci, encapsulation, description, shaping, family inet address."""
    key, args = (attr[0], attr[1:]) if attr else ("", [])
    if key == "vci" and len(args) == 1 and re.fullmatch(r"\d+\.\d+", args[0]):
        vpi, vci = (int(x) for x in args[0].split("."))

        def set_vci(sub: Subinterface) -> None:
            _pvc(sub).vpi, _pvc(sub).vci = vpi, vci
        return set_vci
    if key == "encapsulation" and args in (["atm-snap"], ["atm-vcmux"]):
        def set_encapsulation(sub: Subinterface) -> None:
            _pvc(sub).encapsulation = "aal5snap" if args[0] == "atm-snap" else "aal5mux"
        return set_encapsulation
    if key == "description" and len(args) == 1:
        def set_description(sub: Subinterface) -> None:
            sub.description = args[0]
        return set_description
    if key == "shaping" and args[:1] == ["cbr"] and len(args) == 2 and _rate(args[1]):
        def set_cbr(sub: Subinterface) -> None:
            pvc = _pvc(sub)
            pvc.service_class, pvc.peak_kbps = "CBR", _rate(args[1])
            pvc.avg_kbps = pvc.burst_cells = None
        return set_cbr
    opts = dict(zip(args[1::2], args[2::2], strict=False))
    if key == "shaping" and args[:1] == ["vbr"] and len(args) == 7 \
            and set(opts) == {"peak", "sustained", "burst"} and _rate(opts["peak"]) \
            and _rate(opts["sustained"]) and opts["burst"].isdigit():
        def set_vbr(sub: Subinterface) -> None:
            pvc = _pvc(sub)
            pvc.service_class = "VBR-nrt"
            pvc.peak_kbps, pvc.avg_kbps = _rate(opts["peak"]), _rate(opts["sustained"])
            pvc.burst_cells = int(opts["burst"])
        return set_vbr
    if attr[:3] == ["family", "inet", "address"] and len(attr) == 4 \
            and re.fullmatch(r"\d+\.\d+\.\d+\.\d+/\d+", attr[3]):
        address, _, bits = attr[3].partition("/")
        mask = ".".join(str((0xFFFFFFFF << (32 - int(bits)) >> (24 - 8 * i)) & 255)
                        for i in range(4))

        def set_address(sub: Subinterface) -> None:
            sub.ip_address = f"{address} {mask}"
        return set_address
    return None


def _event_change(verb: str, rest: list[str]) -> Change | None:
    if rest[0] == "generate-event" and len(rest) >= 2:
        name = rest[1]
        if verb == "delete":
            def delete_event(st: DeviceState) -> None:
                st.junos_events.pop(name, None)
            return delete_event
        if len(rest) != 4 or rest[2] not in ("time-of-day", "time-interval"):
            return None
        kind, value = rest[2], rest[3]
        shown = f'"{value}"' if kind == "time-of-day" else value

        def add_event(st: DeviceState) -> None:
            st.junos_events[name] = JunosGenerateEvent(name, kind, shown)
        return add_event
    if rest[0] == "policy" and len(rest) >= 2:
        name, attr = rest[1], rest[2:]
        if verb == "delete" and not attr:
            def delete_policy(st: DeviceState) -> None:
                st.junos_policies.pop(name, None)
            return delete_policy
        if verb != "set" or not attr:
            return None
        if attr[0] == "events" and len(attr) == 2:
            def add_events(st: DeviceState) -> None:
                pol = st.junos_policies.setdefault(name, JunosPolicy(name))
                if attr[1] not in pol.events:
                    pol.events.append(attr[1])
            return add_events
        if attr[:1] == ["then"] and len(attr) == 4 and attr[2] == "commands" \
                and attr[1] in ("change-configuration", "execute-commands"):
            def add_command(st: DeviceState) -> None:
                pol = st.junos_policies.setdefault(name, JunosPolicy(name))
                target = (pol.change_commands if attr[1] == "change-configuration"
                          else pol.execute_commands)
                target.append(attr[3])
            return add_command
    return None
