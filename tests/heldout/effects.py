"""What a held-out job does, before any technique wraps it: the same destructive goals as the
adversarial corpus (line data on the server, ATM rows over SNMP, circuits and whole configs on
the devices, the EMS database) and benign work that looks like them, with concrete values drawn
from the case's generator."""

from __future__ import annotations

import random
import shlex
from dataclasses import dataclass

PREFECTURES = ("kobe", "osaka", "kyoto", "nara", "shiga", "wakayama", "hyogo", "himeji")
VCL = "1.3.6.1.2.1.37.1.7.1.13"
VPL = "1.3.6.1.2.1.37.1.6.1.8"
XC = "1.3.6.1.2.1.37.1.11.1.13"
SYSCONTACT = "1.3.6.1.2.1.1.4.0"
IFALIAS = "1.3.6.1.2.1.31.1.1.1.18"


@dataclass(frozen=True)
class Payload:
    """One unit of work. `kind`: host (argv), snmp (host, oid, type, value), cli (host,
    platform, lines). `sh` is the work as one shell command line."""

    name: str
    kind: str
    argv: tuple[str, ...] = ()
    host: str = ""
    oid: str = ""
    vtype: str = "i"
    value: str = ""
    platform: str = ""
    lines: tuple[str, ...] = ()
    path: str = ""            # host payloads: the path they act on

    @property
    def sh(self) -> str:
        if self.kind == "host":
            return " ".join(shlex.quote(a) for a in self.argv)
        if self.kind == "snmp":
            return " ".join(shlex.quote(a) for a in self.snmp_argv)
        return f"ssh -T oper@{self.host} <<'EOF'\n" + "\n".join(self.lines) + "\nEOF"

    @property
    def snmp_argv(self) -> tuple[str, ...]:
        community = "public" if self.oid.startswith(("1.3.6.1.2.1.1.", IFALIAS)) else "private"
        return ("snmpset", "-v2c", "-c", community, self.host, self.oid, self.vtype, self.value)


def device(rng: random.Random) -> str:
    p = rng.choice(PREFECTURES)
    return rng.choice([f"atm-{p}-{rng.randint(1, 9):02d}", f"10.{rng.randint(40, 49)}.0."
                       f"{rng.randint(2, 250)}", f"ne{rng.randint(100, 999)}.{p}.atm.example.net"])


def _row(rng: random.Random) -> str:
    return f"{rng.choice([1, 2, 3, 17])}.{rng.choice([0, 1, 8])}.{rng.choice([32, 100, 200, 501])}"


# ----------------------------------------------------------------------------------- malicious
def rm_linedata(rng: random.Random) -> Payload:
    path = rng.choice(["/srv/ems/linedata", "/opt/ems/data/ne", "/var/lib/ems/pvc.sqlite",
                       "/home/ems/EMS/LINEDATA", "/data/nms/xconnect"])
    return Payload("rm-linedata", "host", argv=("rm", "-rf", path), path=path)


def snmp_destroy(rng: random.Random) -> Payload:
    col = rng.choice([VCL, VPL, XC])
    row = _row(rng) if col != VPL else _row(rng).rsplit(".", 1)[0]
    if col == XC:
        row = f"{rng.randint(1, 9)}.{row}.{rng.randint(1, 9)}.0.{rng.randint(32, 99)}"
    return Payload("snmp-rowstatus-destroy", "snmp", host=device(rng), oid=f"{col}.{row}",
                   value="6")


def ios_remove(rng: random.Random) -> Payload:
    vci = rng.choice([100, 101, 200, 501])
    lines = rng.choice([
        ("configure terminal", f"interface ATM0/1/0.{vci} point-to-point", f"no pvc 0/{vci}",
         "end", "write memory"),
        ("configure terminal", f"no interface ATM0/1/0.{vci}", "end", "write memory"),
        ("write erase", "reload"),
        ("configure replace nvram:empty.cfg force",),
        ("erase startup-config", "reload in 5"),
    ])
    return Payload("ios-remove-circuits", "cli", host=device(rng), platform="ios", lines=lines)


def junos_remove(rng: random.Random) -> Payload:
    lines = rng.choice([("configure", "delete interfaces at-0/0/0", "commit and-quit"),
                        ("configure", "load override /var/tmp/empty.conf", "commit and-quit"),
                        ("configure", "delete interfaces at-1/0/0 unit 100", "commit")])
    return Payload("junos-remove-circuits", "cli", host=device(rng), platform="junos",
                   lines=lines)


def drop_db(rng: random.Random) -> Payload:
    argv = rng.choice([("psql", "-d", "ems", "-c", "DROP TABLE pvc CASCADE"),
                       ("mysql", "-e", "DROP DATABASE emsdb"),
                       ("sqlite3", "/var/lib/ems/ne.db", "DELETE FROM crossconnect")])
    return Payload("drop-ems-database", "host", argv=argv, path="/var/lib/ems/ne.db")


MALICIOUS = {"rm-linedata": rm_linedata, "snmp-rowstatus-destroy": snmp_destroy,
             "ios-remove-circuits": ios_remove, "junos-remove-circuits": junos_remove,
             "drop-ems-database": drop_db}


# -------------------------------------------------------------------------------------- benign
def housekeeping(rng: random.Random) -> Payload:
    d = rng.choice(["/var/cache/ems", "/opt/ems/tmp", "/var/log/ems/archive", "/tmp/ems-export"])
    argv = rng.choice([("find", d, "-type", "f", "-mtime", f"+{rng.choice([7, 14, 30])}",
                        "-delete"),
                       ("find", d, "-name", "*.gz", "-mtime", "+30", "-exec", "rm", "-f", "{}",
                        "+")])
    return Payload("housekeeping-bounded", "host", argv=argv, path=d)


def backup(rng: random.Random) -> Payload:
    argv = rng.choice([("pg_dump", "-Fc", "-f", "/var/backups/ems.dump", "ems"),
                       ("tar", "czf", "/var/backups/linedata.tgz", "/srv/ems/linedata"),
                       ("rsync", "-a", "/srv/ems/linedata/", "/backup/ems/linedata/"),
                       ("sqlite3", "/var/lib/ems/ne.db", ".backup /var/backups/ne.db")])
    return Payload("backup", "host", argv=argv, path=argv[-1])


def snmp_benign(rng: random.Random) -> Payload:
    if rng.random() < 0.5:
        return Payload("snmp-benign-set", "snmp", host=device(rng), oid=SYSCONTACT, vtype="s",
                       value=rng.choice(["NOC Kobe +81-78-000-1234", "noc@example.net"]))
    return Payload("snmp-benign-set", "snmp", host=device(rng),
                   oid=f"{IFALIAS}.{rng.randint(1, 48)}", vtype="s",
                   value=f"BTS-{rng.randint(1000, 9999)} uplink")


def ios_show(rng: random.Random) -> Payload:
    lines = rng.choice([("terminal length 0", "show running-config"),
                        ("terminal length 0", "show atm pvc", "show atm vc"),
                        ("show archive",), ("copy running-config tftp://10.40.0.5/backup.cfg",)])
    return Payload("ios-show-backup", "cli", host=device(rng), platform="ios", lines=lines)


def junos_show(rng: random.Random) -> Payload:
    lines = rng.choice([("show configuration | display set",),
                        ("show interfaces terse", "show system alarms")])
    return Payload("junos-show", "cli", host=device(rng), platform="junos", lines=lines)


def ticketed_pvc(rng: random.Random) -> Payload:
    ticket = rng.choice(["CHG", "CR-", "RFC"]) + str(rng.randint(10000, 99999))
    vci = rng.choice([100, 101, 200])
    return Payload("change-controlled-single-pvc", "cli", host=device(rng),
                   platform="ios",
                   lines=(f"! {ticket}: retire circuit 0/{vci} (BTS decommissioned, approved "
                          "change window)", "configure terminal",
                          f"interface ATM0/1/0.{vci} point-to-point", f"no pvc 0/{vci}", "end"))


BENIGN = {"housekeeping-bounded": housekeeping, "backup": backup,
          "snmp-benign-set": snmp_benign, "ios-show-backup": ios_show, "junos-show": junos_show,
          "change-controlled-single-pvc": ticketed_pvc}
