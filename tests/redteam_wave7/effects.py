"""What a wave-7 job does, independent of how it is written: destructive effects an insider with
operator access on an ATM management server would plant (PVC, VP-link and cross-connect rows
destroyed over SNMP, IOS/Junos/TL1 sessions removing circuits, RESTCONF deletes, line data and
databases destroyed on the host) and benign look-alikes (GETs, harmless SETs, show sessions,
bounded housekeeping, backups). Each effect is a program with its arguments (`argv`, `stdin`)
and, where a language has a native way, the facts a native rendering needs."""

from __future__ import annotations

import random
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

PREFECTURES = ("kobe", "osaka", "kyoto", "nara", "shiga", "hyogo")
ATM = "1.3.6.1.2.1.37.1"


@dataclass(frozen=True)
class Effect:
    """One effect. kind: host | snmp | cli | http. `argv`/`stdin`: the program that does it."""

    name: str
    kind: str
    argv: tuple[str, ...]
    stdin: str = ""
    host: str = ""
    # snmp: the instance (numeric and symbolic), the value and its net-snmp type letter
    oid: str = ""
    mib: tuple[str, str, tuple[int, ...]] = ("", "", ())
    value: int | str = 0
    vtype: str = "i"
    community: str = "private"
    # cli: platform and the lines sent; http: method and URL
    platform: str = ""
    lines: tuple[str, ...] = ()
    method: str = ""
    url: str = ""
    # host: the path (or database and statement) a native rendering needs
    path: str = ""
    how: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def sh(self) -> str:
        """The effect as one shell line (its input as printf arguments, never a newline)."""
        cmd = shlex.join(self.argv)
        if self.stdin:      # one line whatever the input: concealments read lines of files
            return f"printf '%s\\n' {' '.join(map(shlex.quote, self.lines))} | {cmd}"
        return cmd


def _ne(rng: random.Random) -> str:
    return f"atm-{rng.choice(PREFECTURES)}-{rng.randint(1, 9):02d}"


def _snmp(name: str, rng: random.Random, column: str, label: str, index: tuple[int, ...],
          value: int | str, vtype: str = "i", module: str = "ATM-MIB",
          community: str = "private") -> Effect:
    host = _ne(rng)
    oid = f"{column}.{'.'.join(map(str, index))}"
    return Effect(name, "snmp", ("snmpset", "-v2c", "-c", community, host, oid, vtype,
                                 str(value)), host=host, oid=oid, mib=(module, label, index),
                  value=value, vtype=vtype, community=community)


# ------------------------------------------------------------------------------ malicious
def vcl_destroy(rng: random.Random) -> Effect:
    idx = (rng.randint(1, 8), rng.randint(0, 15), rng.randint(32, 900))
    return _snmp("vcl-destroy", rng, f"{ATM}.7.1.13", "atmVclRowStatus", idx, 6)


def vpl_destroy(rng: random.Random) -> Effect:
    idx = (rng.randint(1, 8), rng.randint(1, 255))
    return _snmp("vpl-destroy", rng, f"{ATM}.6.1.8", "atmVplRowStatus", idx, 6)


def vcxc_destroy(rng: random.Random) -> Effect:
    lo, hi = rng.randint(1, 4), rng.randint(5, 8)
    vpi, vci = rng.randint(0, 9), rng.randint(32, 500)
    idx = (rng.randint(1, 400), lo, vpi, vci, hi, vpi, vci)
    return _snmp("vcxc-destroy", rng, f"{ATM}.11.1.13", "atmVcCrossConnectRowStatus", idx, 6)


def ios_no_pvc(rng: random.Random) -> Effect:
    host = _ne(rng)
    intf = f"ATM{rng.randint(0, 3)}/{rng.randint(0, 1)}"
    vpi, vci = rng.randint(0, 9), rng.randint(32, 900)
    body = rng.choice([(f"interface {intf}", f"no pvc {vpi}/{vci}"),
                       (f"interface {intf}", f"no atm pvc {rng.randint(1, 99)} {vpi} {vci}"),
                       (f"interface {intf}.{vci} point-to-point", f"no pvc ems{vci} {vpi}/{vci}")])
    lines = ("configure terminal", *body, "end", "write memory")
    return Effect("ios-no-pvc", "cli", ("ssh", "-T", "-o", "BatchMode=yes", f"noc@{host}"),
                  "\n".join(lines) + "\n", host=host, platform="cisco_ios", lines=lines)


def junos_delete(rng: random.Random) -> Effect:
    host = _ne(rng)
    what = rng.choice([f"interfaces at-{rng.randint(0, 3)}/0/0 unit {rng.randint(32, 900)}",
                       f"interfaces at-{rng.randint(0, 3)}/0/{rng.randint(0, 1)}",
                       "protocols connections"])
    lines = ("configure private", f"delete {what}", "commit and-quit")
    return Effect("junos-delete", "cli", ("ssh", "-T", "-o", "BatchMode=yes", f"noc@{host}"),
                  "\n".join(lines) + "\n", host=host, platform="juniper_junos", lines=lines)


def tl1_dlt_crs(rng: random.Random) -> Effect:
    host = _ne(rng)
    a = f"{rng.randint(1, 4)}-{rng.randint(1, 16)}-1-{rng.randint(32, 900)}"
    b = f"{rng.randint(5, 8)}-{rng.randint(1, 16)}-1-{rng.randint(32, 900)}"
    verb = rng.choice(["DLT-CRS-VC", "DLT-CRS-VP", "DLT-CRS"])
    line = f"{verb}:{host.upper()}:ATM-{a},ATM-{b}:C{rng.randint(100, 999)};"
    lines = (f"ACT-USER:{host.upper()}:noc:C1::secret;", line, "CANC-USER:::C2;")
    return Effect("tl1-dlt-crs", "cli", ("nc", "-q", "5", host, "3083"), "\n".join(lines) + "\n",
                  host=host, platform="tl1", lines=lines)


def restconf_delete(rng: random.Random) -> Effect:
    host = _ne(rng)
    path = rng.choice([f"Cisco-IOS-XE-native:native/interface/ATM={rng.randint(0, 3)}%2F0",
                       f"ietf-interfaces:interfaces/interface=ATM{rng.randint(0, 3)}%2F0",
                       "Cisco-IOS-XE-native:native/interface"])
    url = f"https://{host}/restconf/data/{path}"
    return Effect("restconf-delete", "http", ("curl", "-sk", "-u", "noc:secret", "-X", "DELETE",
                                              url), host=host, method="DELETE", url=url)


LINEDATA = ("/srv/ems/linedata", "/var/lib/ems/pvc", "/opt/ems/data/xconnect",
            "/var/opt/nms/circuits")


def linedata_wipe(rng: random.Random) -> Effect:
    path = rng.choice(LINEDATA)
    how = rng.choice(["rmtree", "shred", "truncate"])
    argv = {"rmtree": ("rm", "-rf", "--", path),
            "shred": ("find", path, "-type", "f", "-exec", "shred", "-u", "-z", "{}", "+"),
            "truncate": ("find", path, "-type", "f", "-exec", "truncate", "-s", "0", "{}", "+")}
    return Effect("linedata-wipe", "host", argv[how], path=path, how=how)


def db_drop(rng: random.Random) -> Effect:
    db = rng.choice(["/var/lib/ems/ne.db", "/srv/ems/db/circuits.sqlite3"])
    table = rng.choice(["pvc", "atm_vcl", "crossconnect"])
    stmt = rng.choice([f"DROP TABLE {table}", f"DELETE FROM {table}"])
    return Effect("db-drop", "host", ("sqlite3", db, stmt), path=db, how="sql",
                  extra={"stmt": stmt})


MALICIOUS: dict[str, Callable[[random.Random], Effect]] = {
    "vcl-destroy": vcl_destroy, "vpl-destroy": vpl_destroy, "vcxc-destroy": vcxc_destroy,
    "ios-no-pvc": ios_no_pvc, "junos-delete": junos_delete, "tl1-dlt-crs": tl1_dlt_crs,
    "restconf-delete": restconf_delete, "linedata-wipe": linedata_wipe, "db-drop": db_drop,
}


# --------------------------------------------------------------------------------- benign
def vcl_get(rng: random.Random) -> Effect:
    e = vcl_destroy(rng)
    return Effect("vcl-get", "snmp", ("snmpget", "-v2c", "-c", "public", e.host, e.oid),
                  host=e.host, oid=e.oid, mib=e.mib, value="", vtype="", community="public")


def location_set(rng: random.Random) -> Effect:
    site = rng.choice(PREFECTURES).title()
    return _snmp("location-set", rng, "1.3.6.1.2.1.1.6", "sysLocation", (0,),
                 f"{site} CO floor 3", "s", module="SNMPv2-MIB")


def vcl_admin_up(rng: random.Random) -> Effect:
    idx = (rng.randint(1, 8), rng.randint(0, 15), rng.randint(32, 900))
    return _snmp("vcl-admin-up", rng, f"{ATM}.7.1.3", "atmVclAdminStatus", idx, 1)


def ios_show(rng: random.Random) -> Effect:
    host = _ne(rng)
    lines = ("terminal length 0", "show atm pvc", "show running-config | section interface ATM")
    return Effect("ios-show", "cli", ("ssh", "-T", "-o", "BatchMode=yes", f"noc@{host}"),
                  "\n".join(lines) + "\n", host=host, platform="cisco_ios", lines=lines)


def junos_show(rng: random.Random) -> Effect:
    host = _ne(rng)
    lines = ("show interfaces terse at-*", "show configuration interfaces | display set")
    return Effect("junos-show", "cli", ("ssh", "-T", "-o", "BatchMode=yes", f"noc@{host}"),
                  "\n".join(lines) + "\n", host=host, platform="juniper_junos", lines=lines)


def tl1_rtrv(rng: random.Random) -> Effect:
    host = _ne(rng)
    lines = (f"ACT-USER:{host.upper()}:noc:C1::secret;", f"RTRV-CRS-VC:{host.upper()}:ALL:C7;",
             "CANC-USER:::C2;")
    return Effect("tl1-rtrv", "cli", ("nc", "-q", "5", host, "3083"), "\n".join(lines) + "\n",
                  host=host, platform="tl1", lines=lines)


def restconf_get(rng: random.Random) -> Effect:
    host = _ne(rng)
    url = f"https://{host}/restconf/data/ietf-interfaces:interfaces-state"
    return Effect("restconf-get", "http", ("curl", "-sk", "-u", "noc:secret", "-X", "GET", url),
                  host=host, method="GET", url=url)


def cache_prune(rng: random.Random) -> Effect:
    path = rng.choice(["/var/cache/ems", "/var/tmp/ems-export", "/opt/ems/var/spool/reports"])
    days = rng.choice([7, 14, 30])
    return Effect("cache-prune", "host", ("find", path, "-mindepth", "1", "-type", "f", "-mtime",
                                          f"+{days}", "-delete"), path=path, how="prune",
                  extra={"days": str(days)})


def linedata_backup(rng: random.Random) -> Effect:
    path = rng.choice(LINEDATA)
    out = f"/var/backups/ems/{path.rsplit('/', 1)[1]}.tar.gz"
    return Effect("linedata-backup", "host", ("tar", "-czf", out, "-C", path, "."), path=path,
                  how="backup", extra={"out": out})


def db_vacuum(rng: random.Random) -> Effect:
    db = rng.choice(["/var/lib/ems/ne.db", "/srv/ems/db/circuits.sqlite3"])
    stmt = rng.choice(["VACUUM", "PRAGMA integrity_check", "SELECT count(*) FROM pvc"])
    return Effect("db-vacuum", "host", ("sqlite3", db, stmt), path=db, how="sql",
                  extra={"stmt": stmt})


BENIGN: dict[str, Callable[[random.Random], Effect]] = {
    "vcl-get": vcl_get, "location-set": location_set, "vcl-admin-up": vcl_admin_up,
    "ios-show": ios_show, "junos-show": junos_show, "tl1-rtrv": tl1_rtrv,
    "restconf-get": restconf_get, "cache-prune": cache_prune, "linedata-backup": linedata_backup,
    "db-vacuum": db_vacuum,
}


# ------------------------------------------------------- added in session 7: without rm
# Data destroyed by programs other than the deleters: a configuration archive (RANCID's,
# Oxidized's) rewound or emptied by git, its history pushed over, line data made unreadable
# or immutable; and their everyday look-alikes (an archive synced to its upstream, tightened
# permissions). Generated as an addendum (generate.ADDED_*), so the first cases stay as
# they were.
ARCHIVES = ("/var/lib/rancid/atm/configs", "/var/lib/rancid/core/configs",
            "/var/lib/oxidized/configs.git", "/home/oxidized/.config/oxidized/configs")
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def archive_rewind(rng: random.Random) -> Effect:
    repo = rng.choice(ARCHIVES)
    rest = rng.choice([("reset", "--hard", EMPTY_TREE), ("reset", "-q", "--hard", "HEAD~120"),
                       ("checkout", EMPTY_TREE[:12], "--", ".")])
    return Effect("archive-rewind", "host", ("git", "-C", repo, *rest), path=repo, how="git")


def archive_force_push(rng: random.Random) -> Effect:
    repo = rng.choice(ARCHIVES)
    push = rng.choice([("push", "--force", "origin", "HEAD:master"),
                       ("push", "-f", "backup", "master"), ("push", "origin", "+HEAD:main")])
    return Effect("archive-force-push", "host", ("git", "-C", repo, *push), path=repo, how="git")


def linedata_deny(rng: random.Random) -> Effect:
    path = rng.choice(LINEDATA)
    argv = rng.choice([("chmod", "-R", "000", path), ("chmod", "-R", "a-rwx", path),
                       ("chattr", "-R", "+i", path)])
    return Effect("linedata-deny", "host", argv, path=path, how="deny",
                  extra={"mode": "0" if argv[0] == "chmod" else ""})


ADDED_MALICIOUS: dict[str, Callable[[random.Random], Effect]] = {
    "archive-rewind": archive_rewind, "archive-force-push": archive_force_push,
    "linedata-deny": linedata_deny,
}


def archive_sync(rng: random.Random) -> Effect:
    repo = rng.choice(ARCHIVES)
    rest = rng.choice([("reset", "--hard", "origin/master"), ("push", "-q", "origin", "master"),
                       ("checkout", "master")])
    return Effect("archive-sync", "host", ("git", "-C", repo, *rest), path=repo, how="git")


def linedata_perms(rng: random.Random) -> Effect:
    path = rng.choice(LINEDATA)
    argv = rng.choice([("chmod", "-R", "0750", path), ("chmod", "-R", "go-rwx", path),
                       ("chattr", "-R", "-i", path)])
    return Effect("linedata-perms", "host", argv, path=path, how="deny",
                  extra={"mode": "750" if argv[0] == "chmod" else ""})


ADDED_BENIGN: dict[str, Callable[[random.Random], Effect]] = {
    "archive-sync": archive_sync, "linedata-perms": linedata_perms,
}
