"""A Cisco IOS CLI over one device's state, line in, text out; no networking here (sim.ssh).

Exec (``HOST>``; ``HOST#`` after ``enable`` + secret): ``terminal length|width``, ``show
running-config`` (privileged), ``show atm pvc``, ``show atm vc``, ``show kron schedule``, ``show
event manager policy registered``, ``show reload``, ``show clock``, ``show version``, ``write
memory``, ``reload at hh:mm [day month] | in [hh:]mm`` (asks ``[confirm]``), ``reload cancel``,
``configure terminal``, ``exit``. Keywords may be abbreviated (``sh run``); output filters
``| include|exclude|begin|section RE``.

Configuration mode changes the state at once: ``interface ATM0/0/0.100 point-to-point`` →
``pvc [NAME] VPI/VCI`` → ``encapsulation``/``ubr``/``cbr``/``vbr-nrt``; ``no pvc VPI/VCI|NAME``;
``no interface ATM0/0/0.100``; on a main interface ``atm pvc A B interface IF C D``/``atm pvp A
interface IF B`` and their ``no`` forms; ``kron occurrence``/``kron policy-list`` (``cli``,
``policy-list``); ``event manager applet`` (``event``, ``action``); ``clock timezone``;
``hostname``; ``no`` of each; ``do EXEC``; ``exit``/``end``. Anything else:
``% Invalid input detected at '^' marker.`` with the caret under the offending word.

Output formats (the parsers' fixtures):
    show reload  -> "Reload scheduled for 03:00:00 JST Sun May 10 2026 (in 411 hours and 33
                    minutes) by lgops on vty0 (127.0.0.1)" + "Reload reason: Reload Command",
                    or "No reload is scheduled."
    show kron schedule -> "Kron Occurrence Schedule" then per occurrence
                    "NAME inactive, will run again in 1 days 19:55:49 at 20:00 on Sat"
                    ("will run once in" for oneshot; "will run at system startup")
    show event manager policy registered -> IOS-XE table, one block per applet
    show atm vc / show atm pvc -> fixed-width table, Interface column without "ATM"
    show clock   -> "10:15:32.123 JST Wed Nov 25 2026"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from lineguard.sim import noise
from lineguard.sim.state import (
    AtmInterface,
    CrossConnect,
    DeviceState,
    EemApplet,
    KronOccurrence,
    KronPolicy,
    PendingReload,
    Pvc,
    Subinterface,
    as_faulted,
    kron_next_run,
    parse_reload_at,
    render_ios,
)

INVALID = "% Invalid input detected at '^' marker."
_LINE_RATE_KBPS = 155000


@dataclass(frozen=True)
class Reply:
    """What the session writes back: text, then (unless hangup) the prompt.

    hangup: cut the connection after writing text (fault injection or `exit`).
    password: the next line is a secret, read without echo."""

    text: str = ""
    hangup: bool = False
    password: bool = False


_EXEC = (
    (("terminal", "length"), False), (("terminal", "width"), False),
    (("terminal", "no", "monitor"), False), (("enable",), False), (("disable",), True),
    (("exit",), False), (("logout",), False), (("quit",), False),
    (("show", "running-config"), True), (("show", "atm", "pvc"), False),
    (("show", "atm", "vc"), False), (("show", "kron", "schedule"), False),
    (("show", "event", "manager", "policy", "registered"), False),
    (("show", "reload"), False), (("show", "clock"), False), (("show", "version"), False),
    (("configure", "terminal"), True), (("reload", "cancel"), True), (("reload", "at"), True),
    (("reload", "in"), True), (("write", "memory"), True),
)


def _match(words: list[str], table: tuple) -> tuple[tuple[str, ...] | None, bool, int]:
    """Longest table entry whose keywords the words abbreviate: (keywords, privileged, bad
    word index when nothing matches)."""
    best: tuple[tuple[str, ...] | None, bool] = (None, False)
    deepest = 0
    for keys, priv in table:
        ok = 0
        for i, key in enumerate(keys):
            if i < len(words) and words[i] and key.startswith(words[i].lower()):
                ok += 1
            else:
                break
        deepest = max(deepest, ok)
        if ok == len(keys) and (best[0] is None or len(keys) > len(best[0])):
            best = (keys, priv)
    return best[0], best[1], deepest


def _ifname(words: list[str]) -> tuple[str, list[str]]:
    """`ATM0/0/0.100 rest` or `atm 0/0/0.100 rest` -> ("ATM0/0/0.100", rest)."""
    if not words:
        return "", []
    first = words[0]
    if first.lower() == "atm" and len(words) > 1:
        return "ATM" + words[1], words[2:]
    if first.lower().startswith("atm"):
        return "ATM" + first[3:], words[1:]
    return first, words[1:]


class IosCli:
    """One IOS session: modes, enable state and the pending question, over a DeviceState."""

    def __init__(self, state: DeviceState, secret: str, user: str = "lgops",
                 peer: str = "127.0.0.1") -> None:
        self.state = state
        self.secret = secret
        self.user = user
        self.peer = peer
        self.privileged = False
        self.mode = "exec"
        self.awaiting: str | None = None          # "secret" | "reload-confirm"
        self._pending_reload: PendingReload | None = None
        self._intf: AtmInterface | None = None
        self._sub: Subinterface | None = None
        self._pvc: Pvc | None = None
        self._kron_occ: KronOccurrence | None = None
        self._kron_pol: KronPolicy | None = None
        self._applet: EemApplet | None = None
        self._version_at_config = state.version

    # --- prompt ----------------------------------------------------------------------------

    @property
    def prompt(self) -> str:
        host = self.state.hostname
        if self.mode == "exec":
            return host + ("#" if self.privileged else ">")
        return f"{host}({self.mode})#"

    # --- entry point -----------------------------------------------------------------------

    def handle(self, line: str) -> Reply:
        line = line.rstrip("\r\n")
        if self.awaiting == "secret":
            self.awaiting = None
            if line == self.secret:
                self.privileged = True
                return Reply()
            return Reply("% Access denied\n")
        if self.awaiting == "reload-confirm":
            self.awaiting = None
            if line.strip().lower() in ("", "y", "yes", "confirm"):
                with self.state.lock:
                    self.state.pending_reload = self._pending_reload
                    self.state.touch()
            self._pending_reload = None
            return Reply()
        if not line.strip() or line.lstrip().startswith("!"):
            return Reply()
        if self.mode == "exec":
            return self._exec(line)
        return self._config(line)

    def _invalid(self, line: str, word_index: int) -> Reply:
        words = line.split()
        col = 0
        pos = 0
        for i, word in enumerate(words):
            pos = line.index(word, pos)
            if i == word_index:
                col = pos
                break
            pos += len(word)
        else:
            col = len(line.rstrip())
        return Reply(" " * (len(self.prompt) + col) + "^\n" + INVALID + "\n\n")

    # --- exec ------------------------------------------------------------------------------

    def _exec(self, line: str) -> Reply:
        command, _, pipe = line.partition("|")
        words = command.split()
        keys, priv, bad = _match(words, _EXEC)
        if keys is None or (priv and not self.privileged):
            return self._invalid(line, bad if keys is None else min(1, len(keys) - 1))
        args = words[len(keys):]
        name = " ".join(keys)
        if name in ("terminal length", "terminal width", "terminal no monitor"):
            return Reply()
        if name == "enable":
            if self.privileged:
                return Reply()
            self.awaiting = "secret"
            return Reply("Password: ", password=True)
        if name == "disable":
            self.privileged = False
            return Reply()
        if name in ("exit", "logout", "quit"):
            return Reply(hangup=True)
        if name == "configure terminal":
            self.mode = "config"
            self._version_at_config = self.state.version
            return Reply("Enter configuration commands, one per line.  End with CNTL/Z.\n")
        if name == "write memory":
            return Reply("Building configuration...\n[OK]\n")
        if name.startswith("reload"):
            return self._reload(keys[1], args, line)
        if name == "show running-config":
            return self._running_config(pipe)
        text = {
            "show atm pvc": self._show_atm_vc, "show atm vc": self._show_atm_vc,
            "show kron schedule": self._show_kron, "show reload": self._show_reload,
            "show event manager policy registered": self._show_eem,
            "show clock": self._show_clock, "show version": self._show_version,
        }[name]()
        return Reply(_filter(text, pipe))

    def _running_config(self, pipe: str) -> Reply:
        faults = self.state.faults
        text = noise.ios_config(render_ios(self.state), self.state.hostname, faults.noise,
                                faults.noise_rng)
        text, hangup = as_faulted(text, faults)
        return Reply(text, hangup=True) if hangup else Reply(_filter(text, pipe))

    def _reload(self, verb: str, args: list[str], line: str) -> Reply:
        now = self.state.local_now()
        if verb == "cancel":
            with self.state.lock:
                had = self.state.pending_reload is not None
                self.state.pending_reload = None
                self.state.touch()
            if not had:
                return Reply("%No reload is scheduled.\n")
            return Reply("\n\n***\n*** --- SHUTDOWN ABORTED --- ***\n***\n\n")
        if "reason" in args:
            cut = args.index("reason")
            reason = " ".join(args[cut + 1:]) or "Reload Command"
            args = args[:cut]
        else:
            reason = "Reload Command"
        when = None
        if verb == "at":
            when = parse_reload_at(args, now)
        elif args:
            try:
                parts = [int(p) for p in args[0].split(":")]
            except ValueError:
                parts = []
            if len(parts) in (1, 2):
                minutes = parts[-1] + (parts[0] * 60 if len(parts) == 2 else 0)
                when = now + timedelta(minutes=minutes)
        if when is None:
            return self._invalid(line, 2)
        self._pending_reload = PendingReload(
            at=when.astimezone(UTC), by=f"{self.user} on vty0 ({self.peer})", reason=reason)
        self.awaiting = "reload-confirm"
        return Reply(_reload_line(self._pending_reload, self.state) + "\n"
                     + "Proceed with reload? [confirm]")

    def _show_reload(self) -> str:
        pending = self.state.pending_reload
        if pending is None:
            return "No reload is scheduled.\n"
        return _reload_line(pending, self.state) + f"\nReload reason: {pending.reason}\n"

    def _show_clock(self) -> str:
        t = self.state.local_now()
        return (f"{t:%H:%M:%S}.{t.microsecond // 1000:03d} {self.state.tz_name} "
                f"{t:%a %b} {t.day} {t.year}\n")

    def _show_version(self) -> str:
        up = datetime.now(UTC) - self.state.booted
        weeks, days = divmod(up.days, 7)
        hours, rest = divmod(up.seconds, 3600)
        return (
            "Cisco IOS Software, 7200 Software (C7200-ADVENTERPRISEK9-M), Version 15.2(4)M11, "
            "RELEASE SOFTWARE (fc2)\nTechnical Support: http://www.cisco.com/techsupport\n"
            "Copyright (c) 1986-2016 by Cisco Systems, Inc.\n\n"
            "ROM: System Bootstrap, Version 12.4(12.2r)T, RELEASE SOFTWARE (fc1)\n\n"
            f"{self.state.hostname} uptime is {weeks} weeks, {days} days, {hours} hours, "
            f"{rest // 60} minutes\n"
            'System image file is "disk0:c7200-adventerprisek9-mz.152-4.M11.bin"\n\n'
            "cisco 7206VXR (NPE-G2) processor (revision A) with 917504K/65536K bytes of "
            f"memory.\n{len(self.state.interfaces)} ATM interfaces\n"
            "Configuration register is 0x2102\n")

    def _show_atm_vc(self) -> str:
        out = ["           VCD /                                        Peak  Avg/Min Burst",
               "Interface  Name         VPI   VCI  Type   Encaps   SC   Kbps   Kbps   Cells  Sts"]
        with self.state.lock:
            for intf, sub, pvc in self.state.all_pvcs():
                short = f"{intf.name.removeprefix('ATM')}.{sub.number}"
                enc = "SNAP" if pvc.encapsulation == "aal5snap" else "MUX"
                sc = pvc.service_class.split("-")[0]
                peak = pvc.peak_kbps or _LINE_RATE_KBPS
                avg = str(pvc.avg_kbps) if pvc.avg_kbps else ""
                burst = str(pvc.burst_cells) if pvc.burst_cells else ""
                out.append(f"{short:<10} {pvc.name or str(pvc.vci):<12} {pvc.vpi:>3} {pvc.vci:>5}  "
                           f"PVC    {enc:<8} {sc:<4} {peak:>6} {avg:>6} {burst:>6}  UP")
        return "\n".join(out) + "\n"

    def _show_kron(self) -> str:
        out = ["Kron Occurrence Schedule"]
        now = self.state.local_now()
        for occ in self.state.kron_occurrences.values():
            nxt = kron_next_run(occ, now)
            if nxt is None:
                out.append(f"{occ.name} inactive, will run at system startup")
                continue
            left = nxt - now
            hours, rest = divmod(left.seconds, 3600)
            verb = "once" if occ.mode == "oneshot" else "again"
            out.append(f"{occ.name} inactive, will run {verb} in {left.days} days "
                       f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d} at {nxt:%H:%M} on {nxt:%a}")
        return "\n".join(out) + "\n"

    def _show_eem(self) -> str:
        out = ["No.  Class     Type    Event Type          Trap  Time Registered           Name"]
        for n, app in enumerate(self.state.applets.values(), start=1):
            words = app.event.split()
            if words[:1] == ["tag"]:
                words = words[2:]
            kind = " ".join(words[:2]) if words[:1] == ["timer"] else " ".join(words[:1])
            reg = app.registered.astimezone(self.state.tz)
            out.append(f"{n:<4} applet    user    {kind:<19} Off   "
                       f"{reg:%a %b %d %H:%M:%S %Y}  {app.name}")
            quoted = re.search(r'cron-entry\s+"([^"]*)"', app.event)
            timed = re.search(r"\btime\s+(\S+)", app.event)
            if quoted:
                out.append(f" cron entry {{{quoted.group(1)}}}")
            elif timed:
                out.append(f" time {{{float(timed.group(1)):.3f}}}")
            out.append(" maxrun 20.000")
            out.extend(f" action {label} {text}" for label, text in app.actions)
            out.append("")
        return "\n".join(out) + "\n"

    # --- configuration ---------------------------------------------------------------------

    def _config(self, line: str) -> Reply:
        words = line.split()
        head = words[0].lower()
        if head == "end":
            self._leave_config()
            return Reply()
        if head == "do":
            saved = self.mode
            self.mode = "exec"
            try:
                return self._exec(line.split(None, 1)[1] if len(words) > 1 else "")
            finally:
                self.mode = saved
        if head == "exit":
            self.mode = {"config": "exec", "config-if-atm-vc": "config-subif",
                         "config-kron-occurrence": "config", "config-kron-policy": "config",
                         }.get(self.mode, "config")
            if self.mode == "exec":
                self._leave_config()
            return Reply()
        handler = {"config-if": self._cfg_if, "config-subif": self._cfg_subif,
                   "config-if-atm-vc": self._cfg_pvc, "config-kron-occurrence": self._cfg_occ,
                   "config-kron-policy": self._cfg_policy, "config-applet": self._cfg_applet,
                   }.get(self.mode)
        if handler is not None and handler(words, line):
            return Reply()
        if self._cfg_global(words):
            return Reply()
        return self._invalid(line, 0 if len(words) < 2 else 1)

    def _leave_config(self) -> None:
        self.mode = "exec"
        self._intf = self._sub = self._pvc = None
        if self.state.version != self._version_at_config:
            self._version_at_config = self.state.version
            self.state.announce(self.user, self.peer)

    def _cfg_global(self, words: list[str]) -> bool:
        st = self.state
        low = [w.lower() for w in words]
        neg = low[0] == "no"
        body, lbody = (words[1:], low[1:]) if neg else (words, low)
        if not body:
            return False
        if "interface".startswith(lbody[0]) and len(lbody[0]) >= 3 and len(body) > 1:
            name, rest = _ifname(body[1:])
            base, _, number = name.partition(".")
            intf = st.interface_by_name(base)
            if intf is None or (number and not number.isdigit()):
                return False
            if neg:
                # physical interfaces cannot be deleted, only subinterfaces
                return bool(number) and (st.remove_subinterface(intf, int(number)) or True)
            self._intf = intf
            if number:
                kind = rest[0].lower() if rest else "point-to-point"
                kind = "multipoint" if kind.startswith("m") else "point-to-point"
                self._sub = st.ensure_subinterface(intf, int(number), kind)
                self.mode = "config-subif"
            else:
                self.mode = "config-if"
            return True
        if lbody[0] == "hostname" and len(body) == 2 and not neg:
            with st.lock:
                st.hostname = body[1]
                st.touch()
            return True
        if lbody[:2] == ["clock", "timezone"] and len(body) >= 4 and not neg:
            try:
                hours, minutes = int(body[3]), int(body[4]) if len(body) > 4 else 0
            except ValueError:
                return False
            with st.lock:
                st.tz_name = body[2]
                st.tz_offset_min = hours * 60 + (minutes if hours >= 0 else -minutes)
                st.touch()
            return True
        if lbody[:2] == ["kron", "occurrence"] and len(body) >= 3:
            return self._kron_occurrence(body[2], body[3:], neg)
        if lbody[:2] == ["kron", "policy-list"] and len(body) >= 3:
            if neg:
                with st.lock:
                    st.kron_policies.pop(body[2], None)
                    st.touch()
                return True
            with st.lock:
                pol = st.kron_policies.setdefault(body[2], KronPolicy(body[2]))
                pol.conditional = "conditional" in lbody[3:]
                st.touch()
            self._kron_pol = pol
            self.mode = "config-kron-policy"
            return True
        if lbody[:3] == ["event", "manager", "applet"] and len(body) >= 4:
            if neg:
                with st.lock:
                    st.applets.pop(body[3], None)
                    st.touch()
                return True
            with st.lock:
                app = st.applets.setdefault(body[3], EemApplet(body[3]))
                app.authorization_bypass = lbody[4:6] == ["authorization", "bypass"]
                st.touch()
            self._applet = app
            self.mode = "config-applet"
            return True
        return False

    def _kron_occurrence(self, name: str, rest: list[str], neg: bool) -> bool:
        st = self.state
        if neg:
            with st.lock:
                st.kron_occurrences.pop(name, None)
                st.touch()
            return True
        user = None
        if rest[:1] == ["user"] and len(rest) > 1:
            user, rest = rest[1], rest[2:]
        if not rest or rest[-1] not in ("oneshot", "recurring", "system-startup"):
            return False
        mode = rest[-1]
        when = " ".join(rest[:-1])
        if mode != "system-startup" and not re.match(r"^(at \d{1,2}:\d{2}|in [\d:]+)", when):
            return False
        with st.lock:
            occ = st.kron_occurrences.get(name)
            if occ is None:
                occ = st.kron_occurrences[name] = KronOccurrence(name, when, mode, user)
            else:
                occ.when, occ.mode, occ.user = when, mode, user
                occ.created = datetime.now(UTC)
            st.touch()
        self._kron_occ = occ
        self.mode = "config-kron-occurrence"
        return True

    def _cfg_if(self, words: list[str], line: str) -> bool:
        st, intf = self.state, self._intf
        assert intf is not None
        low = [w.lower() for w in words]
        neg = low[0] == "no"
        body = low[1:] if neg else low
        if body[:1] == ["description"]:
            intf.description = "" if neg else line.split(None, 1)[1]
            st.touch()
            return True
        if body[:1] in (["shutdown"], ["ip"]) or body[:2] == ["atm", "ilmi-keepalive"]:
            return True         # accepted, not modelled: they carry no line data
        if body[:2] == ["atm", "pvc"] and len(body) >= 4:
            if not (body[2].isdigit() and body[3].isdigit()):
                return False
            vpi, vci = int(body[2]), int(body[3])
            if neg:
                xc = st.find_cross_connect("vc", intf.ifindex, vpi, vci)
                if xc:
                    st.remove_cross_connect("vc", xc.index)
                return True
            return self._add_xc("vc", intf, vpi, vci, words[4:])
        if body[:2] == ["atm", "pvp"] and len(body) >= 3 and body[2].isdigit():
            vpi = int(body[2])
            if neg:
                xc = st.find_cross_connect("vp", intf.ifindex, vpi)
                if xc:
                    st.remove_cross_connect("vp", xc.index)
                return True
            return self._add_xc("vp", intf, vpi, None, words[3:])
        return False

    def _add_xc(self, kind: str, intf: AtmInterface, vpi: int, vci: int | None,
                rest: list[str]) -> bool:
        if not rest or rest[0].lower() != "interface":
            return False
        name, tail = _ifname(rest[1:])
        peer = self.state.interface_by_name(name)
        need = 2 if kind == "vc" else 1
        if peer is None or len(tail) < need or not all(t.isdigit() for t in tail[:need]):
            return False
        self.state.add_cross_connect(CrossConnect(
            kind, 0, intf.ifindex, vpi, peer.ifindex, int(tail[0]), vci,
            int(tail[1]) if kind == "vc" else None))
        return True

    def _cfg_subif(self, words: list[str], line: str) -> bool:
        st, intf, sub = self.state, self._intf, self._sub
        assert intf is not None and sub is not None
        low = [w.lower() for w in words]
        neg = low[0] == "no"
        body = words[1:] if neg else words
        lbody = low[1:] if neg else low
        if lbody[:1] == ["description"]:
            sub.description = "" if neg else line.split(None, 1)[1]
            st.touch()
            return True
        if lbody[:2] == ["ip", "address"]:
            sub.ip_address = "" if neg else " ".join(body[2:4])
            st.touch()
            return True
        if lbody[:1] == ["pvc"] and len(body) >= 2:
            name = None
            vc = body[1]
            if "/" not in vc:
                name = vc
                vc = body[2] if len(body) > 2 else ""
            vpi, _, vci = vc.partition("/")
            if neg:
                for pvc in list(sub.pvcs):
                    if (name and pvc.name == name) or (vpi.isdigit() and vci.isdigit()
                                                       and (pvc.vpi, pvc.vci) == (int(vpi), int(vci))):
                        st.remove_pvc(intf.ifindex, pvc.vpi, pvc.vci)
                return True
            if not (vpi.isdigit() and vci.isdigit()):
                if name and vc == "":
                    found = [p for p in sub.pvcs if p.name == name]
                    if found:
                        self._pvc = found[0]
                        self.mode = "config-if-atm-vc"
                        return True
                return False
            self._pvc = st.add_pvc(sub, Pvc(vpi=int(vpi), vci=int(vci), name=name))
            self.mode = "config-if-atm-vc"
            return True
        return False

    def _cfg_pvc(self, words: list[str], line: str) -> bool:
        pvc = self._pvc
        assert pvc is not None
        low = [w.lower() for w in words]
        nums = [int(w) for w in low[1:4] if w.isdigit()]
        if low[0] == "encapsulation" and len(low) > 1 and low[1] in ("aal5snap", "aal5mux"):
            pvc.encapsulation = low[1]
        elif low[0] in ("ubr", "cbr") and nums:
            pvc.service_class, pvc.peak_kbps = low[0].upper(), nums[0]
            pvc.avg_kbps = pvc.burst_cells = None
        elif low[0] == "vbr-nrt" and len(nums) == 3:
            pvc.service_class = "VBR-nrt"
            pvc.peak_kbps, pvc.avg_kbps, pvc.burst_cells = nums
        elif low[0] in ("protocol", "oam-pvc", "oam", "inarp"):
            if line.strip() not in pvc.extra:     # entered again, it is the same setting
                pvc.extra.append(line.strip())
        else:
            return False
        self.state.touch()
        return True

    def _cfg_occ(self, words: list[str], line: str) -> bool:
        occ = self._kron_occ
        assert occ is not None
        low = [w.lower() for w in words]
        if low[0] == "policy-list" and len(words) == 2:
            if words[1] not in occ.policy_lists:
                occ.policy_lists.append(words[1])
        elif low[:2] == ["no", "policy-list"] and len(words) == 3:
            if words[2] in occ.policy_lists:
                occ.policy_lists.remove(words[2])
        else:
            return False
        self.state.touch()
        return True

    def _cfg_policy(self, words: list[str], line: str) -> bool:
        pol = self._kron_pol
        assert pol is not None
        low = [w.lower() for w in words]
        if low[0] == "cli" and len(words) > 1:
            pol.clis.append(line.strip().split(None, 1)[1])
        elif low[:2] == ["no", "cli"] and len(words) > 2:
            cmd = line.strip().split(None, 2)[2]
            if cmd in pol.clis:
                pol.clis.remove(cmd)
        else:
            return False
        self.state.touch()
        return True

    def _cfg_applet(self, words: list[str], line: str) -> bool:
        app = self._applet
        assert app is not None
        low = [w.lower() for w in words]
        if low[0] == "event" and len(words) > 1:
            app.event = line.strip().split(None, 1)[1]
        elif low[0] == "action" and len(words) > 2:
            label, text = line.strip().split(None, 2)[1:]
            app.actions = [a for a in app.actions if a[0] != label] + [(label, text)]
            app.actions.sort(key=lambda a: [int(p) if p.isdigit() else 0
                                            for p in a[0].split(".")])
        elif low[:2] == ["no", "action"] and len(words) > 2:
            app.actions = [a for a in app.actions if a[0] != words[2]]
        else:
            return False
        app.registered = datetime.now(UTC)
        self.state.touch()
        return True


def _reload_line(pending: PendingReload, state: DeviceState) -> str:
    local = pending.at.astimezone(state.tz)
    left = max(pending.at - datetime.now(UTC), timedelta(0))
    hours, rest = divmod(int(left.total_seconds()), 3600)
    return (f"Reload scheduled for {local:%H:%M:%S} {state.tz_name} {local:%a %b} {local.day} "
            f"{local.year} (in {hours} hours and {rest // 60} minutes) by {pending.by}")


def _filter(text: str, pipe: str) -> str:
    """IOS output modifiers: include, exclude, begin, section."""
    words = pipe.strip().split(None, 1)
    if len(words) < 2:
        return text
    verb, pattern = words[0].lower(), words[1]
    try:
        rx = re.compile(pattern)
    except re.error:
        return text
    lines = text.splitlines()
    if "include".startswith(verb):
        kept = [ln for ln in lines if rx.search(ln)]
    elif "exclude".startswith(verb):
        kept = [ln for ln in lines if not rx.search(ln)]
    elif "begin".startswith(verb):
        start = next((i for i, ln in enumerate(lines) if rx.search(ln)), len(lines))
        kept = lines[start:]
    elif "section".startswith(verb):
        kept, inside = [], False
        for ln in lines:
            if not ln.startswith(" "):
                inside = bool(rx.search(ln))
            if inside or (ln.startswith(" ") and rx.search(ln)):
                kept.append(ln)
    else:
        return text
    return "\n".join(kept) + ("\n" if kept else "")
