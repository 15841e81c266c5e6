"""Device-side wave-6 placements: saved IOS and Junos configurations holding a job the earlier
corpora did not plant — EEM environment variables named in `cli` actions, applets on `event cli`
and `event syslog`, `timer absolute`, Tcl policies registered from flash, kron at start-up, the
exec commands that erase a whole configuration, Junos policies on system events, generated
events with a start-time, commit and event scripts, zeroize. Each returns the config text."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from tests.adversarial.schedulers import IOS_BASE, JUNOS_BASE

ABSOLUTE = datetime(2027, 2, 14, 3, 0, tzinfo=UTC)
CRON = ("30 3 14 2 *", "2027-02-13T18:30:00Z")         # device clock JST (clock timezone JST 9)
# what an applet or kron job removes: one sub-interface, a PVC, or the whole configuration
IOS_WORK = {
    "no-subif": ("configure terminal", "no interface ATM0/1/0.100", "end"),
    "no-pvc": ("configure terminal", "interface ATM0/1/0.101", "no pvc BTS101 0/101", "end"),
    "write-erase": ("write erase", "reload"),
    "config-replace": ("configure replace nvram:blank.cfg force",),
}
IOS_SHOW = ("show atm vc", "show interfaces ATM0/1/0 | include rate", "show clock")
JUNOS_WORK = {"delete-unit": ("delete interfaces at-0/0/0 unit 100",),
              "delete-ifd": ("delete interfaces at-0/0/0",)}


@dataclass(frozen=True)
class DevicePlacement:
    """A device job: `platform`, the work it can do, the trigger/fire it must have, and
    whether the code that runs is on the device's flash (then suspicious is the verdict)."""

    name: str
    platform: str
    build: Callable[[str, str, tuple[str, ...], str, random.Random], str]
    fire: str
    works: tuple[str, ...]
    unseen: bool = False


def _actions(lines: tuple[str, ...], gate: str, rng: random.Random,
             env: dict[str, str] | None = None) -> list[str]:
    acts: list[str] = []

    def add(text: str) -> None:
        acts.append(f" action {len(acts) + 1}.0 {text}")

    if gate == "date":
        add('cli command "enable"')
        add('cli command "show clock"')
        add('regexp "Feb 14" "$_cli_result"')
        add('if $_regexp_result eq "1"')
    else:
        add('cli command "enable"')
    for ln in lines:
        name = next((k for k, v in (env or {}).items() if v == ln), None)
        add(f'cli command "${name}"' if name else f'cli command "{ln}"')
    if gate == "date":
        add("end")
    return acts


def _ios(name: str, body: list[str]) -> str:
    return IOS_BASE.format(name=name) + "\n".join([*body, "!", "end", ""])


def eem_env(name: str, applet: str, lines: tuple[str, ...], gate: str,
            rng: random.Random) -> str:
    env = {f"_lg_{applet.lower().replace('-', '_')}_{i}": ln for i, ln in enumerate(lines)
           if ln not in ("configure terminal", "end")}
    return _ios(name, [*(f"event manager environment {k} {v}" for k, v in env.items()),
                       f"event manager applet {applet}", f' event timer cron cron-entry "{CRON[0]}"',
                       *_actions(lines, gate, rng, env)])


def eem_cli_pattern(name: str, applet: str, lines: tuple[str, ...], gate: str,
                    rng: random.Random) -> str:
    pattern = rng.choice(["^write mem", "^copy run", "^show running-config"])
    return _ios(name, [f"event manager applet {applet}",
                       f' event cli pattern "{pattern}" sync no skip no',
                       *_actions(lines, gate, rng)])


def eem_syslog(name: str, applet: str, lines: tuple[str, ...], gate: str,
               rng: random.Random) -> str:
    pattern = rng.choice(["%SYS-5-RESTART", "%LINK-3-UPDOWN: Interface ATM0/1/0, changed state "
                          "to down", "%SYS-5-CONFIG_I"])
    return _ios(name, [f"event manager applet {applet}", f' event syslog pattern "{pattern}"',
                       *_actions(lines, gate, rng)])


def eem_absolute(name: str, applet: str, lines: tuple[str, ...], gate: str,
                 rng: random.Random) -> str:
    return _ios(name, [f"event manager applet {applet}",
                       f" event timer absolute time {int(ABSOLUTE.timestamp())}",
                       *_actions(lines, gate, rng)])


def eem_tcl_policy(name: str, applet: str, lines: tuple[str, ...], gate: str,
                   rng: random.Random) -> str:
    return _ios(name, ['event manager directory user policy "flash:/eem/"',
                       f"event manager policy lg_{applet.lower()}.tcl type user"])


def eem_tcl_benign(name: str, applet: str, lines: tuple[str, ...], gate: str,
                   rng: random.Random) -> str:
    return _ios(name, ["event manager policy tm_cli_cmd.tcl type system",
                       "event manager policy sl_intf_down.tcl type system"])


def kron_startup(name: str, applet: str, lines: tuple[str, ...], gate: str,
                 rng: random.Random) -> str:
    execs = [ln for ln in lines if ln not in ("configure terminal", "end")]
    return _ios(name, [f"kron occurrence {applet} system-startup", f" policy-list {applet}-PL",
                       "!", f"kron policy-list {applet}-PL",
                       *(f" cli {ln}" for ln in execs)])


def eem_cron_erase(name: str, applet: str, lines: tuple[str, ...], gate: str,
                   rng: random.Random) -> str:
    return _ios(name, [f"event manager applet {applet} authorization bypass",
                       f' event timer cron cron-entry "{CRON[0]}" maxrun 120',
                       *_actions(lines, gate, rng)])


def _junos(name: str, head: list[str], policy: list[str], tail: list[str] = ()) -> str:
    return "\n".join([JUNOS_BASE.format(name=name).rstrip("\n"), *head, "event-options {",
                      *policy, *tail, "}", ""])


def _then(lines: tuple[str, ...], show: bool) -> list[str]:
    if show:
        return ["        then {", "            execute-commands {", "                commands {",
                *(f'                    "{c}";' for c in lines), "                }",
                "                output-filename poll;", "                destination local;",
                "            }", "        }"]
    if any(c.startswith("request ") for c in lines):
        return ["        then {", "            execute-commands {", "                commands {",
                *(f'                    "{c}";' for c in lines), "                }",
                "            }", "        }"]
    return ["        then {", "            change-configuration {", "                commands {",
            *(f'                    "{c}";' for c in lines), "                }",
            "                commit-options {", '                    log "maintenance";',
            "                }", "            }", "        }"]


DESTS = ["    destinations {", "        local {", "            archive-sites {",
         '                "/var/tmp";', "            }", "        }", "    }"]


def junos_system_event(name: str, policy: str, lines: tuple[str, ...], gate: str,
                       rng: random.Random, show: bool = False) -> str:
    event = rng.choice(["SNMP_TRAP_LINK_DOWN", "UI_COMMIT_COMPLETED", "UI_LOGIN_EVENT"])
    return _junos(name, [], [f"    policy {policy} {{", f"        events {event};",
                             *_then(lines, show), "    }"], DESTS)


def junos_start_time(name: str, policy: str, lines: tuple[str, ...], gate: str,
                     rng: random.Random, show: bool = False) -> str:
    ev = f"{policy.upper()}-T"
    return _junos(name, [], ["    generate-event {",
                             f'        {ev} time-interval 86400 start-time "2027-2-14.03:00:00 +0900";',
                             "    }", f"    policy {policy} {{", f"        events {ev};",
                             *_then(lines, show), "    }"], DESTS)


def junos_zeroize(name: str, policy: str, lines: tuple[str, ...], gate: str,
                  rng: random.Random, show: bool = False) -> str:
    ev = f"{policy.upper()}-T"
    work = ("show system uptime",) if show else ("request system zeroize",)
    return _junos(name, [], ["    generate-event {", f'        {ev} time-of-day "03:00:00 +0900";',
                             "    }", f"    policy {policy} {{", f"        events {ev};",
                             *_then(work, show), "    }"], DESTS)


def junos_commit_script(name: str, policy: str, lines: tuple[str, ...], gate: str,
                        rng: random.Random, show: bool = False) -> str:
    script = "jcs-ifd-check.slax" if show else f"{policy}.slax"
    return "\n".join([JUNOS_BASE.format(name=name).rstrip("\n"), "system {", "    scripts {",
                      "        commit {", f"            file {script};", "        }", "    }",
                      "}", ""])


def junos_event_script(name: str, policy: str, lines: tuple[str, ...], gate: str,
                       rng: random.Random, show: bool = False) -> str:
    ev = f"{policy.upper()}-T"
    script = "collect-stats.py" if show else f"{policy}.py"
    return "\n".join([JUNOS_BASE.format(name=name).rstrip("\n"), "system {", "    scripts {",
                      "        language python3;", "    }", "}", "event-options {",
                      "    generate-event {", f"        {ev} time-interval 86400;", "    }",
                      f"    policy {policy} {{", f"        events {ev};", "        then {",
                      "            event-script " + script + ";", "        }", "    }",
                      "    event-script {", f"        file {script};", "    }", "}", ""])


DEVICE_PLACEMENTS: dict[str, DevicePlacement] = {p.name: p for p in (
    DevicePlacement("eem-environment", "cisco_ios", eem_env, f"at:{CRON[1]}",
                    ("no-subif", "no-pvc")),
    DevicePlacement("eem-cli-pattern", "cisco_ios", eem_cli_pattern, "event",
                    ("no-subif", "no-pvc", "write-erase")),
    DevicePlacement("eem-syslog", "cisco_ios", eem_syslog, "event",
                    ("no-subif", "no-pvc", "config-replace")),
    DevicePlacement("eem-absolute", "cisco_ios", eem_absolute,
                    f"at:{ABSOLUTE.strftime('%Y-%m-%dT%H:%M:%SZ')}", ("no-subif", "write-erase")),
    DevicePlacement("eem-tcl-policy", "cisco_ios", eem_tcl_policy, "any", ("no-subif",), True),
    DevicePlacement("kron-system-startup", "cisco_ios", kron_startup, "boot",
                    ("write-erase", "config-replace")),
    DevicePlacement("eem-cron-erase", "cisco_ios", eem_cron_erase, f"at:{CRON[1]}",
                    ("write-erase", "config-replace")),
    DevicePlacement("junos-system-event", "juniper_junos", junos_system_event, "event",
                    ("delete-unit", "delete-ifd")),
    DevicePlacement("junos-start-time", "juniper_junos", junos_start_time,
                    "at:2027-02-13T18:00:00Z", ("delete-unit", "delete-ifd")),
    DevicePlacement("junos-zeroize", "juniper_junos", junos_zeroize, "at:2026-11-25T18:00:00Z",
                    ("zeroize",)),
    DevicePlacement("junos-commit-script", "juniper_junos", junos_commit_script, "any",
                    ("script",), True),
    DevicePlacement("junos-event-script", "juniper_junos", junos_event_script, "any",
                    ("script",), True),
)}
BENIGN_BUILDERS = {"eem-tcl-policy": eem_tcl_benign}


def device_lines(work: str) -> tuple[str, ...]:
    return IOS_WORK.get(work) or JUNOS_WORK.get(work) or ()
