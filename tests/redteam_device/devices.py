"""Device-side jobs: the same device work scheduled on the element itself — EEM applets (foreach
loops, string concatenation, aliases, the reload action, a Tcl script on flash), kron policies
running exec aliases, Junos event policies (change-configuration, event and op scripts) — under
timers the host corpora do not use (EEM absolute and syslog triggers, kron `in`, Junos
time-of-day)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tests.adversarial.schedulers import IOS_BASE, JUNOS_BASE
from tests.redteam_device.carriers import cfg_lines, is_config
from tests.redteam_device.work import Work


@dataclass(frozen=True)
class Device:
    name: str
    platform: str
    config: str


def _eem_event(rng: random.Random) -> str:
    return rng.choice([f'event timer cron cron-entry "{rng.randint(0, 59)} 3 {rng.randint(1, 28)} '
                       f'{rng.randint(1, 12)} *"',
                       f"event timer absolute time {rng.randint(3_000_000, 9_000_000)}",
                       f"event timer countdown time {rng.choice([604800, 2592000, 5184000])}",
                       'event syslog pattern "%LINEPROTO-5-UPDOWN.*ATM0/1/0" occurs 3 period 60'])


def _acts(items: list[str]) -> list[str]:
    return [f" action {n:03d} {x}" for n, x in enumerate(items, 1)]


def _notes(w: Work) -> list[str]:
    if not w.ticket:
        return []
    return [f"! {w.ticket}: retire one circuit (BTS decommissioned), approved change window"]


def eem_foreach(w: Work, name: str, rng: random.Random) -> Device:
    lines = cfg_lines(w) if is_config(w) else list(w.lines)
    acts = ['cli command "enable"']
    if is_config(w):
        acts.append('cli command "configure terminal"')
    acts += [f'foreach line "{"|".join(lines)}" "|"', 'cli command "$line"', "end"]
    if is_config(w):
        acts.append('cli command "end"')
    return _ios(name, w, [f"event manager applet SYNC-{name[-6:].upper()}",
                          f" {_eem_event(rng)} maxrun 600", *_acts(acts)])


def eem_concat(w: Work, name: str, rng: random.Random) -> Device:
    acts = ['cli command "enable"']
    for ln in w.lines:
        head, _, tail = ln.partition(" ")
        if not tail:
            acts.append(f'cli command "{ln}"')
            continue
        acts += [f'string concat "{head} " "{tail}"', 'cli command "$_string_result"']
    return _ios(name, w, [f"event manager applet TIDY-{name[-6:].upper()}",
                          f" {_eem_event(rng)}", *_acts(acts)])


def alias_kron(w: Work, name: str, rng: random.Random) -> Device:
    """Exec aliases hide each command; kron (exec only) or EEM runs the aliases."""
    aliases, calls = [], []
    for i, ln in enumerate(w.lines):
        mode = "configure" if is_config(w) and i and not ln.startswith(("interface ", "end")) \
            and not w.lines[i - 1].startswith("interface ") else "exec"
        if ln in ("configure terminal", "end") or ln.startswith("interface ") or \
                (i and w.lines[i - 1].startswith("interface ")):
            calls.append(ln)
            continue
        a = f"zz{i}{name[-3:]}"
        aliases.append(f"alias {mode} {a} {ln}")
        calls.append(a)
    if not is_config(w) and rng.random() < 0.6:
        when = rng.choice([f"in {rng.randint(100, 2000)}:00:00 oneshot",
                           f"at 3:{rng.randint(10, 59)} {rng.randint(1, 28)} Mar oneshot",
                           "at 2:30 Sun recurring"])
        return _ios(name, w, [*aliases, "!", f"kron occurrence NIGHTLY-{name[-4:]} {when}",
                              f" policy-list PL-{name[-4:]}", "!", f"kron policy-list PL-{name[-4:]}",
                              *(f" cli {c}" for c in calls)])
    acts = ['cli command "enable"', *(f'cli command "{c}"' for c in calls)]
    return _ios(name, w, [*aliases, "!", f"event manager applet ALIAS-{name[-6:].upper()}",
                          f" {_eem_event(rng)}", *_acts(acts)])


def eem_reload(w: Work, name: str, rng: random.Random) -> Device:
    acts = ['cli command "enable"', *(f'cli command "{ln}"' for ln in w.lines), "reload"]
    return _ios(name, w, [f"event manager applet REFRESH-{name[-6:].upper()}",
                          f" {_eem_event(rng)} maxrun 900", *_acts(acts)])


def eem_tclsh(w: Work, name: str, rng: random.Random) -> Device:
    """Unseen code: the applet runs a Tcl script stored on the device's flash."""
    return _ios(name, w, [f"event manager applet HOUSEKEEP-{name[-6:].upper()}",
                          f" {_eem_event(rng)}",
                          *_acts(['cli command "enable"',
                                  f'cli command "tclsh flash:/ems/{rng.choice(["tidy", "sync"])}.tcl"'])])


def _ios(name: str, w: Work, block: list[str]) -> Device:
    return Device(name, "cisco_ios", IOS_BASE.format(name=name)
                  + "\n".join([*_notes(w), *block, "!", "end", ""]))


def _junos(name: str, w: Work, then: list[str], rng: random.Random, extra: list[str] | None = None
           ) -> Device:
    when = rng.choice([f'time-of-day "0{rng.randint(1, 5)}:{rng.randint(10, 59)}:00 +0900"',
                       f"time-interval {rng.choice([86400, 604800, 2592000])}"])
    pol = f"SYNC-{name[-6:].upper()}"
    notes = [f"/* {w.ticket}: one unit, approved change window */"] if w.ticket else []
    text = "\n".join([JUNOS_BASE.format(name=name).rstrip("\n"), *notes, *(extra or []),
                      "event-options {", "    generate-event {", f"        {pol}-T {when};", "    }",
                      f"    policy {pol} {{", f"        events {pol}-T;", "        then {", *then,
                      "        }", "    }", "}", ""])
    return Device(name, "juniper_junos", text)


def junos_change(w: Work, name: str, rng: random.Random) -> Device:
    cmds = cfg_lines(w) if is_config(w) else list(w.lines)
    if is_config(w):
        then = ["            change-configuration {", "                commands {",
                *(f'                    "{c}";' for c in cmds), "                }",
                "            }"]
    else:
        then = ["            execute-commands {", "                commands {",
                *(f'                    "{c}";' for c in cmds), "                }",
                "                output-filename out;", "                destination local;",
                "            }"]
    return _junos(name, w, then, rng)


def junos_set_format(w: Work, name: str, rng: random.Random) -> Device:
    """The same event policy in a configuration saved with `show configuration | display set`."""
    pol = f"SYNC-{name[-6:].upper()}"
    when = rng.choice([f'time-of-day "0{rng.randint(1, 5)}:{rng.randint(10, 59)}:00 +0900"',
                       f"time-interval {rng.choice([86400, 604800, 2592000])}"])
    cmds = cfg_lines(w) if is_config(w) else list(w.lines)
    then = "change-configuration commands" if is_config(w) else "execute-commands commands"
    lines = ["# saved with: show configuration | display set",
             f"set system host-name {name}", "set system time-zone Asia/Tokyo",
             "set interfaces at-0/0/0 atm-options vpi 0",
             "set interfaces at-0/0/0 unit 100 vci 0.100",
             *([f"# {w.ticket}: one unit, approved change window"] if w.ticket else []),
             f"set event-options generate-event {pol}-T {when}",
             f"set event-options policy {pol} events {pol}-T",
             *(f'set event-options policy {pol} then {then} "{c}"' for c in cmds)]
    return Device(name, "juniper_junos", "\n".join(lines) + "\n")


def junos_script(w: Work, name: str, rng: random.Random) -> Device:
    """Unseen code: an event script or op script stored on the device runs."""
    script = rng.choice(["purge-ne.slax", "tidy.py", "sync-units.slax"])
    if rng.random() < 0.5:
        then = ["            event-script " + script + ";"]
        extra = ["system {", "    scripts {", "        language python3;", "    }", "}"]
        return _junos(name, w, then, rng, [*extra, "event-options {", "    event-script {",
                                          f"        file {script};", "    }", "}"])
    then = ["            execute-commands {", "                commands {",
            f'                    "op {script.split(".")[0]}";', "                }", "            }"]
    return _junos(name, w, then, rng, ["system {", "    scripts {", "        op {",
                                        f"            file {script};", "        }", "    }", "}"])


# technique: (builder, platforms, only malicious)
DEVICE_SIDE = {
    "eem-foreach": (eem_foreach, frozenset({"ios"}), False),
    "eem-string-concat": (eem_concat, frozenset({"ios"}), False),
    "ios-alias": (alias_kron, frozenset({"ios"}), False),
    "eem-reload-action": (eem_reload, frozenset({"ios"}), True),
    "eem-tclsh-flash": (eem_tclsh, frozenset({"ios"}), True),
    "junos-event-policy": (junos_change, frozenset({"junos"}), False),
    "junos-event-set-format": (junos_set_format, frozenset({"junos"}), False),
    "junos-event-op-script": (junos_script, frozenset({"junos"}), True),
}
UNSEEN = {"eem-tclsh-flash", "junos-event-op-script"}
