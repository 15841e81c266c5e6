"""Where a corpus job is planted: every host scheduler the agent reads (real file formats, shared
files such as /etc/crontab appended case by case) and the device-side jobs of saved IOS and Junos
configurations read through an inventory with method = "file"."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tests.adversarial.actions import Action, T
from tests.hostroot import PASSWD, SPOOL_HEADER

HOST_SCHEDULERS = ("cron.d", "user-crontab", "etc-crontab", "run-parts", "at",
                   "systemd-system", "systemd-user", "systemd-execstartpre",
                   "systemd-execstoppost", "systemd-onfailure", "systemd-specifier", "anacron")
DEVICE_SCHEDULERS = ("ios-eem", "ios-kron", "junos-event")
SCHEDULERS = HOST_SCHEDULERS + DEVICE_SCHEDULERS
CRON_USERS = ("oper", "ems")
PASSWD_EXTRA = "ems:x:1001:1001:EMS service,,,:/home/ems:/bin/bash\n"


def _cron_time(rng: random.Random) -> str:
    return rng.choice([f"{rng.randint(0, 59)} {rng.randint(0, 5)} {rng.randint(1, 28)} "
                       f"{rng.randint(1, 12)} *",
                       f"{rng.randint(0, 59)} {rng.randint(0, 23)} * * *",
                       f"*/{rng.choice([5, 10, 15, 30])} * * * *",
                       f"{rng.randint(0, 59)} {rng.randint(1, 4)} * * {rng.randint(0, 6)}",
                       "@daily", "@weekly", f"0 {rng.randint(0, 23)} 1 * *"])


def _calendar(rng: random.Random) -> str:
    return rng.choice(["*-*-* 03:00:00", f"2027-0{rng.randint(1, 9)}-{rng.randint(10, 28)} "
                       f"0{rng.randint(1, 5)}:30:00", "daily", "Mon *-*-* 02:15",
                       f"*-*-{rng.randint(1, 28)} 04:00:00", "hourly"])


@dataclass
class HostRoot:
    """One management server's files, accumulated case by case and written out at the end."""

    files: dict[str, tuple[str, int]] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    crontab: list[str] = field(default_factory=list)
    spools: dict[str, list[str]] = field(default_factory=dict)
    anacrontab: list[str] = field(default_factory=list)
    at_seq: int = 0

    def add(self, path: str, text: str, mode: int = 0o644) -> None:
        key = path.lstrip("/")
        if key in self.files:
            raise ValueError(f"corpus path collision: {path}")
        self.files[key] = (text, mode)

    def contents(self) -> dict[str, tuple[str, int]]:
        out = dict(self.files)
        out["etc/passwd"] = (PASSWD + PASSWD_EXTRA, 0o644)
        out["etc/group"] = ("root:x:0:\ncrontab:x:107:\noper:x:1000:\nems:x:1001:\n", 0o644)
        out["etc/hostname"] = ("ems-kobe-01\n", 0o644)
        out["etc/timezone"] = ("Asia/Tokyo\n", 0o644)
        out["etc/debian_version"] = ("12.8\n", 0o644)
        out["etc/crontab"] = (
            "SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin\n\n"
            "17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly\n"
            "25 6\t* * *\troot\tcd / && run-parts --report /etc/cron.daily\n"
            "47 6\t* * 7\troot\tcd / && run-parts --report /etc/cron.weekly\n"
            "52 6\t1 * *\troot\tcd / && run-parts --report /etc/cron.monthly\n"
            + "".join(ln + "\n" for ln in self.crontab), 0o644)
        for user, lines in self.spools.items():
            out[f"var/spool/cron/crontabs/{user}"] = (
                SPOOL_HEADER + 'MAILTO=""\n' + "".join(ln + "\n" for ln in lines), 0o600)
        if self.anacrontab:
            out["etc/anacrontab"] = (
                "SHELL=/bin/sh\nPATH=/sbin:/bin:/usr/sbin:/usr/bin\nHOME=/root\n"
                "LOGNAME=root\n\n" + "".join(ln + "\n" for ln in self.anacrontab), 0o644)
        return out


def entry_command(rng: random.Random, path: str, interpreter: str) -> str:
    """How a scheduler line runs the entry script: by path, or through its interpreter."""
    if rng.random() < 0.55:
        return path
    wrap = rng.choice(["", "", "nice -n 19 ", "/usr/bin/flock -n /run/lock/job.lock "])
    return f"{wrap}{'/usr/bin/' if rng.random() < 0.3 else ''}{interpreter} {path}"


def _redirect(rng: random.Random) -> str:
    return rng.choice(["", " >/dev/null 2>&1", " >> /var/log/ems/cron.log 2>&1", " 2>&1 | logger"])


def plant_host(root: HostRoot, scheduler: str, name: str, command: str, rng: random.Random,
               owner: str) -> None:
    """Add one job running `command` to the root under `scheduler`; `name` carries the marker."""
    if scheduler == "cron.d":
        root.add(f"etc/cron.d/{name}", rng.choice(["", "# managed by ems-deploy\n",
                                                   "MAILTO=root\n"])
                 + f"{_cron_time(rng)} {owner} {command}{_redirect(rng)}\n")
    elif scheduler == "user-crontab":
        user = owner if owner in CRON_USERS else rng.choice(CRON_USERS)
        root.spools.setdefault(user, []).append(f"{_cron_time(rng)} {command}{_redirect(rng)}")
    elif scheduler == "etc-crontab":
        root.crontab.append(f"{_cron_time(rng)}\t{owner}\t{command}{_redirect(rng)}")
    elif scheduler == "anacron":
        root.anacrontab.append(f"{rng.choice(['1', '7', '30', '@monthly'])}\t"
                               f"{rng.randint(5, 45)}\t{name}\t{command}")
    elif scheduler == "at":
        root.at_seq += 1
        due = datetime(2027, 2, 10, 3, 0, tzinfo=UTC) + timedelta(hours=7 * root.at_seq)
        minutes = int(due.timestamp() // 60)
        uid = {"root": 0, "oper": 1000, "ems": 1001, "postgres": 106}[owner]
        body = ("#!/bin/sh\n" f"# atrun uid={uid} gid={uid}\n" f"# mail {owner} 0\n" "umask 22\n"
                "PATH=/usr/bin:/bin; export PATH\n" f"LOGNAME={owner}; export LOGNAME\n"
                "cd /home/oper || {\n\t echo 'Execution directory inaccessible' >&2\n\t exit 1\n}\n"
                f"{command}\n")
        root.add(f"var/spool/cron/atjobs/{rng.choice('abz')}{root.at_seq:05x}{minutes:08x}",
                 body, 0o700)
    else:
        _plant_systemd(root, scheduler, name, command, rng, owner)


def _plant_systemd(root: HostRoot, scheduler: str, name: str, command: str,
                   rng: random.Random, owner: str) -> None:
    user_unit = scheduler == "systemd-user"
    folder = "home/oper/.config/systemd/user" if user_unit else rng.choice(
        ["etc/systemd/system", "etc/systemd/system", "usr/local/lib/systemd/system"])
    wants = ("home/oper/.config/systemd/user/timers.target.wants" if user_unit
             else "etc/systemd/system/timers.target.wants")
    unit = name
    timer_name = f"{unit}.timer"
    service = ["[Unit]", f"Description={rng.choice(['EMS maintenance', 'NE sync', name])}", "",
               "[Service]", "Type=oneshot"]
    if not user_unit and owner != "root":
        service.append(f"User={owner}")
    benign = rng.choice(["/usr/bin/true", "/bin/sleep 1", "/usr/bin/logger -t ems start"])
    if scheduler in ("systemd-system", "systemd-user"):
        service.append(f"ExecStart={command}")
    elif scheduler == "systemd-execstartpre":
        service += [f"ExecStartPre={rng.choice(['', '-'])}{command}", f"ExecStart={benign}"]
    elif scheduler == "systemd-execstoppost":
        service += [f"ExecStart={benign}", f"ExecStopPost={command}"]
    elif scheduler == "systemd-onfailure":
        service[1:1] = [f"OnFailure={unit}-recover.service"]
        service.append(f"ExecStart={rng.choice(['/usr/bin/false', '/usr/bin/test -e /run/ems/ok'])}")
        root.add(f"{folder}/{unit}-recover.service",
                 f"[Unit]\nDescription=recover\n\n[Service]\nType=oneshot\nExecStart={command}\n")
    timer = ["[Unit]", f"Description={name} timer", "", "[Timer]",
             f"OnCalendar={_calendar(rng)}",
             *(["Persistent=true"] if rng.random() < 0.5 else []),
             *([f"RandomizedDelaySec={rng.choice(['5m', '30min', '1h'])}"]
               if rng.random() < 0.3 else []), "", "[Install]", "WantedBy=timers.target"]
    if scheduler == "systemd-specifier":
        # A template: the instance name names the script; ExecStart reaches it through %i.
        head, _, tail = command.rpartition("/")
        instance, dot, ext = tail.partition(".")
        if rng.random() < 0.4:
            # %N: the unit's own name (without its suffix) names the script
            service.append(f"ExecStart={head}/%N{dot}{ext}")
            root.add(f"{folder}/{instance}.service", "\n".join(service) + "\n")
            root.add(f"{folder}/{instance}.timer", "\n".join(timer) + "\n")
            root.links[f"{wants}/{instance}.timer"] = f"/{folder}/{instance}.timer"
            return
        spec_cmd = f"{head}/%i{dot}{ext}"
        template = f"{rng.choice(['ne-job', 'ems-task', 'run'])}-{name.split('-')[-1]}"
        root.add(f"{folder}/{template}@.service",
                 "\n".join([*service, f"ExecStart={spec_cmd}"]) + "\n")
        root.add(f"{folder}/{template}@.timer", "\n".join(timer) + "\n")
        root.links[f"{wants}/{template}@{instance}.timer"] = f"/{folder}/{template}@.timer"
        return
    root.add(f"{folder}/{unit}.service", "\n".join(service) + "\n")
    root.add(f"{folder}/{timer_name}", "\n".join(timer) + "\n")
    root.links[f"{wants}/{timer_name}"] = f"/{folder}/{timer_name}"


# --------------------------------------------------------------------------------- device side
IOS_BASE = """\
!
version 15.2
service timestamps log datetime msec
hostname {name}
!
clock timezone JST 9 0
!
interface ATM0/1/0
 no ip address
 no atm ilmi-keepalive
!
interface ATM0/1/0.100 point-to-point
 description BTS-1021 uplink
 pvc BTS100 0/100
  vbr-nrt 4000 2000
  encapsulation aal5snap
 !
!
interface ATM0/1/0.101 point-to-point
 pvc BTS101 0/101
  ubr 2000
 !
!
"""

JUNOS_BASE = """\
system {{
    host-name {name};
    time-zone Asia/Tokyo;
}}
interfaces {{
    at-0/0/0 {{
        atm-options {{
            vpi 0;
        }}
        unit 100 {{
            vci 0.100;
        }}
        unit 101 {{
            vci 0.101;
        }}
    }}
}}
"""

_MODE = ("configure terminal", "conf t", "end", "write memory", "configure", "commit",
         "commit and-quit")


def _eem_actions(action: Action, device: str, conceal: str, rng: random.Random,
                 gate_arg: str, wait: int) -> list[str]:
    lines = [ln.replace(T, device) for ln in action.lines]
    configures = any(ln.startswith(("no ", "default ", "interface ")) for ln in lines)
    if configures and not lines[0].startswith("conf"):
        lines = ["configure terminal", *lines]
    acts: list[str] = []
    step = rng.choice([1.0, 10.0])

    def add(text: str) -> None:
        n = len(acts) + 1
        acts.append(f" action {n * step:.1f} {text}" if step == 1.0
                    else f" action {n * 10:03d} {text}")

    if wait:
        add(f"wait {wait}")

    if conceal == "gate-date":
        add('cli command "enable"')
        add('cli command "show clock"')
        add(f'regexp "{gate_arg}" "$_cli_result"')
        add('if $_regexp_result eq "1"')
    elif conceal == "gate-host":
        add("info type routername")
        add(f'if $_info_routername eq "{gate_arg}"')
    if conceal != "gate-date":
        add('cli command "enable"')
    for i, ln in enumerate(lines):
        if conceal == "variables" and ln not in _MODE:
            var = rng.choice(["c", "cmd", "line", "x"]) + str(i)
            add(f'set {var} "{ln}"')
            add(f'cli command "${var}"')
        else:
            add(f'cli command "{ln}"')
    if conceal in ("gate-date", "gate-host"):
        add("end")
    return acts


def ios_config(name: str, applet: str, action: Action | None, conceal: str, rng: random.Random,
               scheduler: str, gate_arg: str = "", benign_lines: tuple[str, ...] = ()) -> str:
    """An IOS running-config with one scheduled EEM applet or kron occurrence."""
    text = IOS_BASE.format(name=name)
    if action is None:
        action = Action("cli", (name,), "cli-ios", platform="ios", lines=benign_lines)
    # an applet may wait before it acts, with maxrun raised so that the wait is not cut short
    wait = rng.choice([0, 0, 0, 600, 86400])
    maxrun = f" maxrun {wait + 120}" if wait else ""
    acts = _eem_actions(action, name, conceal, rng, gate_arg, wait)
    notes = [f"! {n}" for n in action.notes]
    if scheduler == "ios-eem":
        event = rng.choice([f'event timer cron cron-entry "{rng.randint(0, 59)} 3 '
                            f'{rng.randint(1, 28)} {rng.randint(1, 12)} *"',
                            f'event timer cron name nightly cron-entry "0 {rng.randint(0, 5)} * * *"',
                            f"event timer watchdog time {rng.choice([86400, 604800])}",
                            f"event timer countdown time {rng.choice([6480000, 3600, 7776000])}"]) + maxrun
        return text + "\n".join([*notes, f"event manager applet {applet}"
                                 + rng.choice(["", " authorization bypass"]), f" {event}", *acts,
                                 "!", "end", ""])
    policy = f"{applet}-PL"
    occurrence = rng.choice([f"at 3:{rng.randint(10, 59)} Feb {rng.randint(1, 28)} oneshot",
                             f"at {rng.randint(0, 5)}:00 recurring",
                             f"in {rng.randint(1, 90)}:00:00 oneshot",
                             "at 2:30 Sun recurring"])
    return text + "\n".join([*notes, f"kron occurrence {applet} {occurrence}",
                             f" policy-list {policy}", "!", f"kron policy-list {policy}",
                             f" cli event manager run {applet}", "!",
                             f"event manager applet {applet}", f" event none{maxrun}", *acts, "!", "end",
                             ""])


def junos_config(name: str, policy: str, action: Action | None, rng: random.Random,
                 benign_lines: tuple[str, ...] = ()) -> str:
    """A Junos configuration with a generated event and the policy it triggers."""
    event = f"{policy.upper()}-TICK"
    when = rng.choice([f'time-of-day "0{rng.randint(1, 5)}:{rng.randint(10, 59)}:00 +0900"',
                       f"time-interval {rng.choice([3600, 86400, 604800])}"])
    if action is not None:
        cmds = [ln for ln in action.lines if ln not in _MODE and not ln.startswith("commit")]
        then = ["            change-configuration {", "                commands {",
                *(f'                    "{c}";' for c in cmds), "                }",
                "                commit-options {",
                f'                    log "{rng.choice(["maintenance", "cleanup", "sync"])}";',
                "                }", "            }"]
    else:
        then = ["            execute-commands {", "                commands {",
                *(f'                    "{c}";' for c in benign_lines), "                }",
                "                output-filename poll;", "                destination local;",
                "                output-format text;", "            }"]
    notes = [f"/* {n} */" for n in (action.notes if action else ())]
    return "\n".join([JUNOS_BASE.format(name=name).rstrip("\n"), *notes, "event-options {",
                      "    generate-event {", f"        {event} {when};", "    }",
                      f"    policy {policy} {{", f"        events {event};",
                      *(["        within 600 {", "            not events UI_COMMIT;", "        }"]
                        if rng.random() < 0.3 else []), "        then {",
                      *then, "        }", "    }",
                      "    destinations {", "        local {", "            archive-sites {",
                      '                "/var/tmp";', "            }", "        }", "    }",
                      "}", ""])
