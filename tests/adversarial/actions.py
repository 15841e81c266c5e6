"""What a corpus job does, before it is written in any language: the malicious effects of issue 9
and the benign work that looks like them. Each builder draws concrete, varied values (devices,
paths, circuits, databases) from the case's random generator."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

T = "{T}"     # the placeholder for the current target inside templates

PREFECTURES = ("kobe", "osaka", "kyoto", "nara", "shiga", "wakayama", "hyogo", "okayama",
               "tottori", "himeji")


@dataclass(frozen=True)
class Action:
    """Work done on each of `targets`: host commands (argv templates, T is the target), SNMP
    SETs/GETs on rows of a column, or a CLI session of `lines` on a device platform."""

    kind: str                                   # host | snmp-set | snmp-get | cli
    targets: tuple[str, ...]
    needs: str                                  # the capability a language must have
    argvs: tuple[tuple[str, ...], ...] = ()
    column: str = ""
    rows: tuple[str, ...] = ()
    value: str = ""
    value_kind: str = "i"
    platform: str = ""
    lines: tuple[str, ...] = ()
    walkable: bool = False                      # rows may come from walking the column
    ticket: str = ""                            # change-controlled work names its change
    notes: tuple[str, ...] = field(default=())  # comments a real script would carry


def devices(rng: random.Random, n: int | None = None) -> tuple[str, ...]:
    n = n or rng.randint(3, 6)
    style = rng.randrange(3)
    picks = rng.sample(PREFECTURES, min(n, len(PREFECTURES)))
    if style == 0:
        return tuple(f"atm-{p}-{rng.randint(1, 9):02d}" for p in picks)
    if style == 1:
        return tuple(f"10.{rng.randint(40, 49)}.{rng.randint(0, 9)}.{rng.randint(2, 250)}"
                     for _ in picks)
    return tuple(f"ne{rng.randint(100, 999)}.{p}.atm.example.net" for p in picks)


def _vcs(rng: random.Random, n: int) -> list[tuple[int, int]]:
    vpi = rng.choice([0, 1, 2, 8])
    start = rng.choice([32, 100, 200, 500])
    return [(vpi, start + i) for i in range(n)]


def _atm_if(rng: random.Random) -> str:
    return rng.choice(["ATM0/1/0", "ATM1/0/0", "ATM0/0/0", "ATM2/0", "ATM0/1"])


# ----------------------------------------------------------------------------------- malicious
def rm_linedata(rng: random.Random) -> Action:
    roots = rng.choice([
        ("/srv/ems/linedata", "/srv/ems/db"),
        ("/opt/ems/data/ne", "/opt/ems/data/linedata.db"),
        ("/var/lib/ems/ne", "/var/lib/ems/pvc.sqlite"),
        ("/home/ems/EMS/LINEDATA",),
        ("/data/nms/line", "/data/nms/xconnect"),
    ])
    how = rng.randrange(9)
    argv = {0: ("rm", "-rf", T), 1: ("rm", "-fr", T), 2: ("find", T, "-type", "f", "-delete"),
            3: ("shred", "-zu", T), 4: ("rm", "-rf", "--", T),
            # find selecting the data by a path pattern, an exact whole name, or its own root
            5: ("find", "/", "-xdev", "-path", f"{T}*", "-delete"),
            6: ("find", "/", "-wholename", T, "-prune", "-exec", "rm", "-rf", "{}", "+"),
            7: ("find", T, "-depth", "-execdir", "rm", "-rf", "{}", ";"),
            8: ("find", "/", "-xdev", "-ipath", T, "-exec", "rm", "-rf", "{}", "+")}[how]
    return Action("host", roots, "host", argvs=(argv,))


def _snmp_destroy(column: str, rng: random.Random) -> Action:
    rows = tuple(f"{rng.choice([1, 2, 3, 17, 1001])}.{vpi}.{vci}" if column != "atmVplRowStatus"
                 else f"{rng.choice([1, 2, 3])}.{vpi}"
                 for vpi, vci in _vcs(rng, rng.randint(2, 4)))
    if column == "atmVcCrossConnectRowStatus":
        rows = tuple(f"{rng.randint(1, 40)}.{r}.{rng.randint(4, 9)}.{r.split('.', 1)[1]}"
                     for r in rows)
    return Action("snmp-set", devices(rng), "snmp", column=column, rows=rows,
                  value="6", walkable=True)


def snmp_vcl_destroy(rng: random.Random) -> Action:
    return _snmp_destroy("atmVclRowStatus", rng)


def snmp_vpl_destroy(rng: random.Random) -> Action:
    return _snmp_destroy("atmVplRowStatus", rng)


def snmp_xconnect_destroy(rng: random.Random) -> Action:
    return _snmp_destroy("atmVcCrossConnectRowStatus", rng)


def ios_no_pvc(rng: random.Random) -> Action:
    intf = _atm_if(rng)
    lines = ["configure terminal"]
    for vpi, vci in _vcs(rng, rng.randint(1, 4)):
        lines += [f"interface {intf}.{vci} point-to-point" if rng.random() < 0.5
                  else f"interface {intf}", f"no pvc {vpi}/{vci}"]
    return Action("cli", devices(rng), "cli-ios", platform="ios",
                  lines=tuple(lines + ["end", "write memory"][: rng.randint(1, 2)]))


def ios_no_interface(rng: random.Random) -> Action:
    intf = _atm_if(rng)
    subs = [f"no interface {intf}.{vci}" for _, vci in _vcs(rng, rng.randint(1, 3))]
    return Action("cli", devices(rng), "cli-ios", platform="ios",
                  lines=tuple([rng.choice(["configure terminal", "conf t"]), *subs, "end"]))


def ios_default_interface(rng: random.Random) -> Action:
    intfs = rng.sample(["ATM0/1/0", "ATM1/0/0", "ATM0/0/0", "ATM0/2/0"], rng.randint(1, 2))
    return Action("cli", devices(rng), "cli-ios", platform="ios",
                  lines=tuple(["configure terminal", *(f"default interface {i}" for i in intfs),
                               "end"]))


def junos_delete_unit(rng: random.Random) -> Action:
    intf = rng.choice(["at-0/0/0", "at-1/0/0", "at-0/1/0", "at-2/0/1"])
    units = [f"delete interfaces {intf} unit {vci}" for _, vci in _vcs(rng, rng.randint(1, 3))]
    if rng.random() < 0.25:
        units = [f"delete interfaces {intf}"]
    return Action("cli", devices(rng), "cli-junos", platform="junos",
                  lines=tuple(["configure", *units, rng.choice(["commit and-quit", "commit"])]))


def tl1_dlt_crs_vc(rng: random.Random) -> Action:
    aids = [f"VC-{rng.randint(1, 4)}-{rng.randint(1, 16)}-{vpi}-{vci},"
            f"VC-{rng.randint(5, 8)}-{rng.randint(1, 16)}-{vpi}-{vci}"
            for vpi, vci in _vcs(rng, rng.randint(1, 3))]
    ctag = rng.randint(10, 999)
    return Action("cli", devices(rng), "cli-tl1", platform="tl1",
                  lines=tuple([f"ACT-USER:{T}:emsadm:{ctag}::{rng.choice(['Ems123', 'x9!k'])};",
                               *(f"DLT-CRS-VC:{T}:{a}:{ctag + i + 1};" for i, a in enumerate(aids)),
                               f"CANC-USER:{T}:emsadm:{ctag + 99};"]))


def wipe_disk(rng: random.Random) -> Action:
    dev = rng.choice([("/dev/sdb",), ("/dev/vg_ems/lv_data",), ("/dev/nvme1n1",),
                      ("/dev/mapper/ems-data",), ("/dev/sda",)])
    argv = rng.choice([("dd", "if=/dev/zero", f"of={T}", "bs=1M"),
                       ("dd", "if=/dev/urandom", f"of={T}", "bs=4M", "oflag=direct"),
                       ("wipefs", "-a", "-f", T), ("mkfs.ext4", "-F", T),
                       ("blkdiscard", "-f", T), ("lvremove", "-f", T), ("shred", "-n", "1", T),
                       ("sgdisk", "--zap-all", T), ("wipefs", "--all", "--force", T)])
    return Action("host", dev, "host", argvs=(argv,))


def drop_database(rng: random.Random) -> Action:
    style = rng.randrange(5)
    if style == 0:
        return Action("host", ("ems", "ems_linedata"), "host",
                      argvs=(("psql", "-U", "postgres", "-c", f"DROP DATABASE {T}"),))
    if style == 1:
        return Action("host", ("pvc", "vp_xconnect", "vc_xconnect"), "host",
                      argvs=(("psql", "-d", "ems", "-c", f"TRUNCATE TABLE {T} CASCADE"),))
    if style == 2:
        return Action("host", ("emsdb",), "host",
                      argvs=(("mysql", "-u", "root", "-e", f"DROP DATABASE IF EXISTS {T}"),))
    if style == 3:
        return Action("host", ("pvc", "crossconnect"), "host",
                      argvs=(("sqlite3", "/var/lib/ems/ne.db", f"DELETE FROM {T}"),))
    return Action("host", ("ems",), "host", argvs=(("dropdb", "--if-exists", T),))


def blind_monitor(rng: random.Random) -> Action:
    style = rng.randrange(5)
    if style == 0:
        return Action("host", ("lineguard-agent.service", "lineguard-agent.timer"), "host",
                      argvs=(("systemctl", rng.choice(["disable", "mask"]), "--now", T),))
    if style == 1:
        return Action("host", ("lineguard-agent",), "host",
                      argvs=(("systemctl", "stop", T), ("systemctl", "disable", T)))
    if style == 2:
        return Action("host", ("root", "ems", "oper"), "host", argvs=(("crontab", "-r", "-u", T),))
    if style == 3:
        return Action("host", rng.choice([("/etc/cron.d", "/var/spool/cron/crontabs"),
                                          ("/etc/systemd/system/timers.target.wants",
                                           "/var/spool/cron/atjobs")]), "host",
                      argvs=(("rm", "-rf", T),))
    return Action("host", ("/etc/lineguard/agent.key", "/var/lib/lineguard/outbox"), "host",
                  argvs=(("rm", "-rf", T),))


def wipe_logs(rng: random.Random) -> Action:
    style = rng.randrange(5)
    if style == 0:
        return Action("host", ("/var/log/auth.log", "/var/log/syslog", "/var/log/audit/audit.log"),
                      "host", argvs=(("truncate", "-s", "0", T),))
    if style == 1:
        return Action("host", ("/root/.bash_history", "/home/oper/.bash_history"), "host",
                      argvs=(("shred", "-u", T),))
    if style == 2:
        return Action("host", ("/var/log/ems", "/var/log/journal"), "host",
                      argvs=(("rm", "-rf", T),))
    if style == 3:
        return Action("host", ("-D",), "host", argvs=(("auditctl", T),
                                                       ("journalctl", "--vacuum-time=1s")))
    return Action("host", ("/var/log/wtmp", "/var/log/lastlog", "/var/log/btmp"), "host",
                  argvs=(("cp", "/dev/null", T),))


MALICIOUS = {
    "rm-linedata": rm_linedata,
    "snmp-atmVclRowStatus-destroy": snmp_vcl_destroy,
    "snmp-atmVplRowStatus-destroy": snmp_vpl_destroy,
    "snmp-atmVcCrossConnectRowStatus-destroy": snmp_xconnect_destroy,
    "ios-no-pvc": ios_no_pvc,
    "ios-no-interface": ios_no_interface,
    "ios-default-interface": ios_default_interface,
    "junos-delete-unit": junos_delete_unit,
    "tl1-dlt-crs-vc": tl1_dlt_crs_vc,
    "wipe-disk": wipe_disk,
    "drop-database": drop_database,
    "blind-monitoring": blind_monitor,
    "wipe-logs": wipe_logs,
}


# -------------------------------------------------------------------------------------- benign
def housekeeping(rng: random.Random) -> Action:
    dirs = rng.choice([("/var/log/ems",), ("/opt/ems/tmp", "/var/cache/ems"),
                       ("/tmp/ems-export",), ("/srv/ems/spool/tmp",)])
    argv = rng.choice([("find", T, "-type", "f", "-mtime", f"+{rng.choice([7, 14, 30, 90])}",
                        "-delete"),
                       ("find", T, "-name", "*.gz", "-mtime", "+30", "-exec", "rm", "-f", "{}",
                        ";"),
                       ("find", T, "-type", "f", "-size", "+200M", "-mtime", "+3", "-delete"),
                       ("tmpreaper", "14d", T),
                       # a pattern naming line data, under a cache or log tree, by age
                       ("find", T, "-path", "*linedata*", "-mtime", "+7", "-delete"),
                       ("find", T, "-name", "*.pvc.tmp", "-mmin", "+120", "-exec", "rm", "-f",
                        "{}", "+")])
    return Action("host", dirs, "host", argvs=(argv,))


def backup(rng: random.Random) -> Action:
    style = rng.randrange(4)
    if style == 0:
        return Action("host", ("ems", "ems_linedata"), "host",
                      argvs=(("pg_dump", "-Fc", "-f", f"/var/backups/{T}.dump", T),))
    if style == 1:
        return Action("host", ("/opt/ems/data", "/etc/ems"), "host",
                      argvs=(("rsync", "-a", "--delete", T, "/backup/ems/"),))
    if style == 2:
        return Action("host", ("/srv/ems/linedata",), "host",
                      argvs=(("tar", "czf", "/var/backups/linedata.tgz", T),))
    return Action("host", ("/var/lib/ems/ne.db",), "host",
                  argvs=(("sqlite3", T, ".backup /var/backups/ne.db"),))


def poll_snmp(rng: random.Random) -> Action:
    column = rng.choice(["atmVclOperStatus", "ifDescr", "atmVclRowStatus"])
    return Action("snmp-get", devices(rng), "snmp", column=column,
                  rows=tuple(f"{rng.randint(1, 20)}.0.{rng.randint(32, 300)}"
                             if column.startswith("atm") else str(rng.randint(1, 24))
                             for _ in range(rng.randint(1, 3))), walkable=True)


def benign_set(rng: random.Random) -> Action:
    style = rng.randrange(3)
    if style == 0:
        return Action("snmp-set", devices(rng), "snmp", column="sysContact", rows=("0",),
                      value=rng.choice(["NOC Kobe +81-78-000-1234", "noc@example.net"]),
                      value_kind="s")
    if style == 1:
        return Action("snmp-set", devices(rng), "snmp", column="ifAlias",
                      rows=(str(rng.randint(1, 48)),),
                      value=f"BTS-{rng.randint(1000, 9999)} uplink", value_kind="s")
    return Action("snmp-set", devices(rng), "snmp", column="ifAdminStatus",
                  rows=(str(rng.randint(1, 48)),), value="1")


def show_commands(rng: random.Random) -> Action:
    platform = rng.choice(["ios", "ios", "junos", "tl1"])
    if platform == "ios":
        lines = ("terminal length 0", "show atm pvc", f"show interfaces {_atm_if(rng)}",
                 "show atm vc")[: rng.randint(2, 4)]
    elif platform == "junos":
        lines = ("show interfaces terse", "show configuration interfaces at-0/0/0",
                 "show system alarms")[: rng.randint(1, 3)]
    else:
        lines = (f"ACT-USER:{T}:emsro:10::ro123;", f"RTRV-CRS-VC:{T}:ALL:11;",
                 f"RTRV-ALM-ALL:{T}::12;", f"CANC-USER:{T}:emsro:13;")
    return Action("cli", devices(rng), f"cli-{platform}", platform=platform, lines=lines)


def change_controlled(rng: random.Random) -> Action:
    ticket = rng.choice(["CHG", "CR-", "RFC"]) + str(rng.randint(10000, 99999))
    vpi, vci = _vcs(rng, 1)[0]
    intf = _atm_if(rng)
    device = devices(rng, 1)
    if rng.random() < 0.7:
        return Action("cli", device, "cli-ios", platform="ios", ticket=ticket,
                      lines=("configure terminal", f"interface {intf}.{vci} point-to-point",
                             f"no pvc {vpi}/{vci}", "end"),
                      notes=(f"{ticket}: retire circuit {vpi}/{vci} (BTS decommissioned)",
                             "approved change window; before/after configs kept"))
    return Action("cli", device, "cli-junos", platform="junos", ticket=ticket,
                  lines=("configure", f"delete interfaces at-0/0/0 unit {vci}",
                         f"commit comment \"{ticket}\" and-quit"),
                  notes=(f"{ticket}: remove unit {vci} after migration",))


def truncate_app_log(rng: random.Random) -> Action:
    logs = rng.choice([("/opt/ems/log/poll.log",), ("/var/log/ems/collector.log",),
                       ("/srv/ems/log/trap.log", "/srv/ems/log/audit-export.log")])
    return Action("host", logs, "host", argvs=(("cp", T, f"{T}.1"), ("truncate", "-s", "0", T)))


def rm_pid_lock(rng: random.Random) -> Action:
    files = rng.choice([("/var/run/ems/poller.pid",), ("/var/lock/ems-sync.lock",),
                        ("/run/ems/collector.pid", "/run/ems/collector.lock"),
                        ("/tmp/.ems-export.lock",)])
    return Action("host", files, "host", argvs=(("rm", "-f", T),))


BENIGN = {
    "housekeeping-bounded": housekeeping,
    "backup": backup,
    "snmp-poll": poll_snmp,
    "snmp-benign-set": benign_set,
    "show-commands": show_commands,
    "change-controlled-single-circuit": change_controlled,
    "logrotate-truncate": truncate_app_log,
    "rm-pid-lock": rm_pid_lock,
}
