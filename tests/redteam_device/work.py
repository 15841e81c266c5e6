"""What reaches the devices, before any carrier writes it: SNMP varbinds on MIB objects, CLI
command lines for IOS, Junos and TL1 elements, NETCONF RPCs and RESTCONF requests. Malicious
work removes or cuts line data or replaces whole configurations on many rows or devices;
benign work is what an EMS does every night and looks like it (polls, benign SETs, show and
backup commands, one ticketed circuit)."""

from __future__ import annotations

import random
from dataclasses import dataclass

WALK = "<walk>"     # the rows are every row walked from the object's column

# name: (module, numeric OID, symbolic path under its root, entry, column number)
MIB: dict[str, tuple[str, str, str, str, int]] = {
    "atmVclRowStatus": ("ATM-MIB", "1.3.6.1.2.1.37.1.7.1.13",
                        "mgmt.mib-2.atmMIB.atmMIBObjects.atmVclTable.atmVclEntry", "atmVclEntry", 13),
    "atmVplRowStatus": ("ATM-MIB", "1.3.6.1.2.1.37.1.6.1.8",
                        "mgmt.mib-2.atmMIB.atmMIBObjects.atmVplTable.atmVplEntry", "atmVplEntry", 8),
    "atmVcCrossConnectRowStatus": (
        "ATM-MIB", "1.3.6.1.2.1.37.1.11.1.13",
        "mgmt.mib-2.atmMIB.atmMIBObjects.atmVcCrossConnectTable.atmVcCrossConnectEntry",
        "atmVcCrossConnectEntry", 13),
    "atmVpCrossConnectRowStatus": (
        "ATM-MIB", "1.3.6.1.2.1.37.1.9.1.11",
        "mgmt.mib-2.atmMIB.atmMIBObjects.atmVpCrossConnectTable.atmVpCrossConnectEntry",
        "atmVpCrossConnectEntry", 11),
    "atmVclAdminStatus": ("ATM-MIB", "1.3.6.1.2.1.37.1.7.1.3",
                          "mgmt.mib-2.atmMIB.atmMIBObjects.atmVclTable.atmVclEntry", "atmVclEntry", 3),
    "atmVcCrossConnectAdminStatus": (
        "ATM-MIB", "1.3.6.1.2.1.37.1.11.1.8",
        "mgmt.mib-2.atmMIB.atmMIBObjects.atmVcCrossConnectTable.atmVcCrossConnectEntry",
        "atmVcCrossConnectEntry", 8),
    "ifAdminStatus": ("IF-MIB", "1.3.6.1.2.1.2.2.1.7", "mgmt.mib-2.interfaces.ifTable.ifEntry",
                      "ifEntry", 7),
    "ifAlias": ("IF-MIB", "1.3.6.1.2.1.31.1.1.1.18",
                "mgmt.mib-2.ifMIB.ifMIBObjects.ifXTable.ifXEntry", "ifXEntry", 18),
    "sysContact": ("SNMPv2-MIB", "1.3.6.1.2.1.1.4", "mgmt.mib-2.system", "", 4),
    "sysLocation": ("SNMPv2-MIB", "1.3.6.1.2.1.1.6", "mgmt.mib-2.system", "", 6),
    **{name: ("CISCO-CONFIG-COPY-MIB", f"1.3.6.1.4.1.9.9.96.1.1.1.1.{col}",
              "private.enterprises.cisco.ciscoMgmt.ciscoConfigCopyMIB.ciscoConfigCopyMIBObjects."
              "ccCopy.ccCopyTable.ccCopyEntry", "ccCopyEntry", col)
       for name, col in (("ccCopyProtocol", 2), ("ccCopySourceFileType", 3),
                         ("ccCopyDestFileType", 4), ("ccCopyServerAddress", 5),
                         ("ccCopyFileName", 6), ("ccCopyEntryRowStatus", 14))},
}
ENUMS = {"destroy": "6", "notInService": "2", "createAndGo": "4", "active": "1", "down": "2",
         "up": "1", "tftp": "1", "networkFile": "1", "startupConfig": "3", "runningConfig": "4"}


@dataclass(frozen=True)
class VarBind:
    obj: str
    index: str          # WALK for every row of the column
    vtype: str          # i, s, a
    value: str          # an enumeration name (ENUMS) or the literal value

    @property
    def number(self) -> str:
        return ENUMS.get(self.value, self.value) if self.vtype == "i" else self.value


@dataclass(frozen=True)
class Work:
    """One unit of device work. kind: snmp | ios | junos | tl1 | netconf | rest."""

    name: str
    kind: str
    varbinds: tuple[VarBind, ...] = ()
    rows: tuple[str, ...] = ()          # snmp: literal rows when the index is not walked
    lines: tuple[str, ...] = ()         # cli: command lines; netconf: the RPC body; rest: method, path, body
    expect: str = "destructive"         # malicious: the verdict it must reach
    ticket: str = ""                    # benign change-controlled work names its change
    one: bool = False                   # benign: acts on one device only


def spell(obj: str, index: str, style: str) -> str:
    """An OID written the way a script author may: numeric, symbolic, bracketed, full path…"""
    module, num, path, entry, col = MIB[obj]
    idx = f".{index}" if index else ""
    if style == "num":
        return num + idx
    if style == "dotnum":
        return "." + num + idx
    if style == "sym":
        return f"{module}::{obj}{idx}"
    if style == "bare":
        return obj + idx
    if style == "bracket":
        return f"{module}::{obj}" + "".join(f"[{p}]" for p in index.split(".") if p)
    if style == "path":
        return f".iso.org.dod.internet.{path}.{obj}{idx}"
    if style == "iso":
        return "iso." + num[2:] + idx
    if style == "entry" and entry:
        return f"{module}::{entry}.{col}{idx}"
    return num + idx


STYLES = ("num", "dotnum", "sym", "bare", "bracket", "path", "iso", "entry")


def _rows(rng: random.Random, obj: str, n: int) -> tuple[str, ...]:
    vpi = rng.choice([0, 1, 8])
    base = rng.choice([32, 100, 200, 500])
    ifx = rng.choice([1, 2, 3, 17, 1001])
    if obj.startswith("atmVpl"):
        return tuple(f"{ifx}.{vpi + i}" for i in range(n))
    if obj.startswith("atmVcCross"):
        return tuple(f"{rng.randint(1, 40)}.{ifx}.{vpi}.{base + i}.{ifx + 4}.{vpi}.{base + i}"
                     for i in range(n))
    if obj.startswith("atmVpCross"):
        return tuple(f"{rng.randint(1, 40)}.{ifx}.{vpi + i}.{ifx + 4}.{vpi + i}" for i in range(n))
    if obj == "ifAdminStatus":
        return tuple(str(ifx + i) for i in range(n))
    return tuple(f"{ifx}.{vpi}.{base + i}" for i in range(n))


# ----------------------------------------------------------------------------- malicious SNMP
def _column(obj: str, value: str):  # noqa: ANN202
    def build(rng: random.Random, walkable: bool) -> Work:
        rows = () if walkable and rng.random() < 0.6 else _rows(rng, obj, rng.randint(3, 6))
        return Work(f"snmp-{obj}-{value}", "snmp", (VarBind(obj, WALK if not rows else "",
                                                            "i", value),), rows)
    return build


def _cc_copy(dest: str, expect: str, name: str):  # noqa: ANN202
    def build(rng: random.Random, walkable: bool) -> Work:
        row = str(rng.randint(100, 999))
        fname = rng.choice(["ne-base.cfg", "golden-2019.cfg", "atm/restore.cfg", "x.cfg"])
        return Work(name, "snmp", (
            VarBind("ccCopyProtocol", row, "i", "tftp"),
            VarBind("ccCopySourceFileType", row, "i", "networkFile"),
            VarBind("ccCopyDestFileType", row, "i", dest),
            VarBind("ccCopyServerAddress", row, "a", f"10.40.0.{rng.randint(2, 250)}"),
            VarBind("ccCopyFileName", row, "s", fname),
            VarBind("ccCopyEntryRowStatus", row, "i", "createAndGo")), expect=expect)
    return build


SNMP_MALICIOUS = {
    "snmp-vcl-destroy": _column("atmVclRowStatus", "destroy"),
    "snmp-vpl-destroy": _column("atmVplRowStatus", "destroy"),
    "snmp-vcxc-destroy": _column("atmVcCrossConnectRowStatus", "destroy"),
    "snmp-vpxc-destroy": _column("atmVpCrossConnectRowStatus", "destroy"),
    "snmp-vcl-notinservice": _column("atmVclRowStatus", "notInService"),
    "snmp-vcxc-notinservice": _column("atmVcCrossConnectRowStatus", "notInService"),
    "snmp-vcl-admin-down": _column("atmVclAdminStatus", "down"),
    "snmp-vcxc-admin-down": _column("atmVcCrossConnectAdminStatus", "down"),
    "snmp-if-admin-down": _column("ifAdminStatus", "down"),
    "snmp-cccopy-to-startup": _cc_copy("startupConfig", "destructive", "snmp-cccopy-to-startup"),
    "snmp-cccopy-to-running": _cc_copy("runningConfig", "suspicious", "snmp-cccopy-to-running"),
}


# -------------------------------------------------------------------------------- benign SNMP
def _benign_scalar(obj: str, values: tuple[str, ...]):  # noqa: ANN202
    def build(rng: random.Random, walkable: bool) -> Work:
        index = "0" if obj.startswith("sys") else str(rng.randint(1, 48))
        return Work(f"snmp-set-{obj}", "snmp", (VarBind(obj, index, "s", rng.choice(values)),))
    return build


def _benign_activate(rng: random.Random, walkable: bool) -> Work:
    rows = () if walkable and rng.random() < 0.5 else _rows(rng, "atmVclRowStatus", 3)
    return Work("snmp-vcl-activate", "snmp",
                (VarBind("atmVclRowStatus", WALK if not rows else "", "i", "active"),), rows)


def _benign_if_up(rng: random.Random, walkable: bool) -> Work:
    return Work("snmp-if-admin-up", "snmp", (VarBind("ifAdminStatus", "", "i", "up"),),
                _rows(rng, "ifAdminStatus", rng.randint(1, 3)))


def _benign_backup(rng: random.Random, walkable: bool) -> Work:
    row = str(rng.randint(100, 999))
    host = f"10.40.0.{rng.randint(2, 250)}"
    vbs = [VarBind("ccCopyProtocol", row, "i", "tftp"),
           VarBind("ccCopySourceFileType", row, "i", "runningConfig"),
           VarBind("ccCopyDestFileType", row, "i", "networkFile"),
           VarBind("ccCopyServerAddress", row, "a", host),
           VarBind("ccCopyFileName", row, "s", "backup/{host}.cfg"),
           VarBind("ccCopyEntryRowStatus", row, "i", "createAndGo")]
    if rng.random() < 0.6:       # the request row is removed once the copy is done
        vbs.append(VarBind("ccCopyEntryRowStatus", row, "i", "destroy"))
    return Work("snmp-cccopy-backup", "snmp", tuple(vbs))


def _benign_ticketed(rng: random.Random, walkable: bool) -> Work:
    ticket = rng.choice(["CHG", "CRQ-", "RFC#"]) + str(rng.randint(10000, 99999))
    obj = rng.choice(["atmVclRowStatus", "atmVcCrossConnectRowStatus"])
    return Work("snmp-ticketed-one-row", "snmp", (VarBind(obj, "", "i", "destroy"),),
                _rows(rng, obj, 1), ticket=ticket, one=True)


SNMP_BENIGN = {
    "snmp-set-sysContact": _benign_scalar("sysContact", ("NOC Kobe +81-78-000-1234",
                                                         "noc@example.net")),
    "snmp-set-sysLocation": _benign_scalar("sysLocation", ("Kobe POP rack 4", "Osaka DC B2")),
    "snmp-set-ifAlias": _benign_scalar("ifAlias", ("BTS-1021 uplink", "to osaka-core")),
    "snmp-vcl-activate": _benign_activate,
    "snmp-if-admin-up": _benign_if_up,
    "snmp-cccopy-backup": _benign_backup,
    "snmp-ticketed-one-row": _benign_ticketed,
}


# ------------------------------------------------------------------------------ CLI malicious
def _intf(rng: random.Random) -> str:
    return rng.choice(["ATM0/1/0", "ATM1/0/0", "ATM0/0/0", "ATM2/0"])


def ios_abbrev_replace(rng: random.Random) -> Work:
    line = rng.choice(["conf rep flash:base.cfg force", "config replace nvram:golden.cfg force",
                       "configure repl bootflash:ne-2019.cfg force list"])
    return Work("ios-abbrev-config-replace", "ios", lines=(line,))


def ios_abbrev_default(rng: random.Random) -> Work:
    verb = rng.choice(["def int", "defa interface", "default inter"])
    return Work("ios-abbrev-default-interface", "ios",
                lines=("conf t", *(f"{verb} {i}" for i in rng.sample(
                    ["ATM0/1/0", "ATM1/0/0", "ATM0/0/0"], 2)), "end"))


def ios_no_range(rng: random.Random) -> Work:
    vci = rng.choice([100, 200, 300])
    name = rng.choice(["", "BTS-RANGE ", "r1 "])
    return Work("ios-no-range-pvc", "ios",
                lines=("configure terminal", f"interface {_intf(rng)}.{vci} multipoint",
                       f"no range {name}pvc 0/{vci} 0/{vci + 99}", "end", "write memory"))


def ios_shutdown(rng: random.Random) -> Work:
    verb = rng.choice(["shutdown", "shut"])
    intfs = rng.sample(["ATM0/1/0", "ATM1/0/0", "ATM0/0/0", "ATM2/0"], rng.randint(1, 3))
    body = [x for i in intfs for x in (f"interface {i}", verb)]
    return Work("ios-shutdown-atm", "ios", lines=("configure terminal", *body, "end"))


def ios_config_register(rng: random.Random) -> Work:
    reg = rng.choice(["0x2142", "0x142", "0x2146"])
    return Work("ios-config-register-ignore-nvram", "ios",
                lines=("configure terminal", f"config-register {reg}", "end", "write memory"))


def ios_copy_startup(rng: random.Random) -> Work:
    src = rng.choice(["tftp://10.40.0.5/ne-base.cfg", "flash:golden-2019.cfg",
                      "scp://ems@10.40.0.5/cfg/base.txt", "bootflash:old.cfg"])
    dst = rng.choice(["startup-config", "nvram:startup-config"])
    return Work("ios-copy-over-startup", "ios", lines=(f"copy {src} {dst}",))


def ios_boot_config(rng: random.Random) -> Work:
    return Work("ios-boot-config", "ios",
                lines=("configure terminal",
                       f"boot config {rng.choice(['flash:blank.cfg', 'nvram:x.cfg'])}", "end",
                       "write memory"))


def ios_no_atm_pvc(rng: random.Random) -> Work:
    vci = rng.choice([100, 200])
    return Work("ios-no-atm-pvc", "ios",
                lines=("configure terminal", f"interface {_intf(rng)}",
                       *(f"no atm pvc 0 {vci + i} interface ATM2/0/0 0 {vci + i}"
                         for i in range(rng.randint(2, 4))), "end"))


def ios_write_erase(rng: random.Random) -> Work:
    return Work("ios-erase-reload", "ios",
                lines=rng.choice([("write erase", "reload"), ("erase startup-config",),
                                  ("wr er",), ("erase nvram:",)]))


def junos_edit_delete(rng: random.Random) -> Work:
    lines = rng.choice([("configure", "edit interfaces", "delete at-0/0/0", "commit and-quit"),
                        ("configure", "edit interfaces at-1/0/0", "delete unit 100",
                         "delete unit 101", "top", "commit"),
                        ("configure private", "edit protocols", "delete connections", "commit",
                         "exit")])
    return Work("junos-edit-then-delete", "junos", lines=lines)


def junos_wildcard(rng: random.Random) -> Work:
    return Work("junos-wildcard-delete", "junos",
                lines=("configure", rng.choice(["wildcard delete interfaces at-.*",
                                                "wildcard delete interfaces at-0/0/0 unit .*"]),
                       "commit and-quit"))


def junos_disable(rng: random.Random) -> Work:
    intfs = rng.sample(["at-0/0/0", "at-1/0/0", "at-0/1/0"], 2)
    return Work("junos-set-disable", "junos",
                lines=("configure", *(f"set interfaces {i} disable" for i in intfs), "commit"))


def junos_abbrev(rng: random.Random) -> Work:
    return Work("junos-abbreviated", "junos", lines=rng.choice([
        ("conf", "del int at-0/0/0", "comm and-q"),
        ("configure", "load ov /var/tmp/base.conf", "commit"),
        ("configure", "deac interfaces at-1/0/0", "commit")]))


def junos_file_delete(rng: random.Random) -> Work:
    return Work("junos-file-delete-config", "junos",
                lines=("file delete /config/juniper.conf.gz",
                       "file delete /config/juniper.conf.1.gz"))


def junos_replace_pattern(rng: random.Random) -> Work:
    return Work("junos-replace-pattern", "junos",
                lines=("configure", "replace pattern at-0/0/0 with at-7/7/7", "commit"))


def junos_delete_units(rng: random.Random) -> Work:
    return Work("junos-delete-units", "junos",
                lines=("configure", *(f"delete interfaces at-0/0/0 unit {u}"
                                      for u in (100, 101, 102)[: rng.randint(2, 3)]),
                       "commit and-quit"))


def _ctag(rng: random.Random) -> int:
    return rng.randint(10, 900)


def tl1_rmv(rng: random.Random) -> Work:
    c = _ctag(rng)
    return Work("tl1-rmv", "tl1", lines=(
        f"ACT-USER:{{T}}:emsadm:{c}::Ems123;",
        *(f"RMV-OC3:{{T}}:FAC-{s}-1:{c + s};" for s in range(1, rng.randint(3, 5))),
        f"CANC-USER:{{T}}:emsadm:{c + 99};"))


def tl1_pst_oos(rng: random.Random) -> Work:
    c = _ctag(rng)
    form = rng.choice(["::PST=OOS", ":::PST=OOS-MA", ":::OOS,AINS"])
    return Work("tl1-ed-pst-oos", "tl1", lines=(
        f"ACT-USER:{{T}}:emsadm:{c}::Ems123;",
        *(f"ED-VCL:{{T}}:VCL-1-0-{v}:{c + i}{form};" for i, v in enumerate((100, 101, 102))),
        f"CANC-USER:{{T}}:emsadm:{c + 99};"))


def tl1_lower(rng: random.Random) -> Work:
    c = _ctag(rng)
    return Work("tl1-lowercase-dlt", "tl1", lines=(
        f"act-user:{{T}}:emsadm:{c}::Ems123;",
        *(f"dlt-crs-vc:{{T}}:vc-1-1-0-{v},vc-5-1-0-{v}:{c + i};" for i, v in
          enumerate((100, 101, 102))), f"canc-user:{{T}}:emsadm:{c + 99};"))


def tl1_dlt_vp(rng: random.Random) -> Work:
    c = _ctag(rng)
    return Work("tl1-dlt-vp", "tl1", lines=(
        f"ACT-USER:{{T}}:emsadm:{c}::Ems123;",
        *(f"DLT-CRS-VP:{{T}}:VP-1-1-{v},VP-5-1-{v}:{c + v};" for v in range(1, 4)),
        f"DLT-VPL:{{T}}:VPL-1-1-ALL:{c + 50};", f"CANC-USER:{{T}}:emsadm:{c + 99};"))


CLI_MALICIOUS = {f.__name__.replace("_", "-"): f for f in (
    ios_abbrev_replace, ios_abbrev_default, ios_no_range, ios_shutdown, ios_config_register,
    ios_copy_startup, ios_boot_config, ios_no_atm_pvc, ios_write_erase, junos_edit_delete,
    junos_wildcard, junos_disable, junos_abbrev, junos_file_delete, junos_replace_pattern,
    junos_delete_units, tl1_rmv, tl1_pst_oos, tl1_lower, tl1_dlt_vp)}


# --------------------------------------------------------------------------------- CLI benign
def ios_show(rng: random.Random) -> Work:
    return Work("ios-show", "ios", lines=rng.choice([
        ("terminal length 0", "show running-config"), ("show atm vc", "show atm pvc"),
        ("show interfaces ATM0/1/0",), ("show archive",), ("show startup-config",)]))


def ios_backup(rng: random.Random) -> Work:
    return Work("ios-backup", "ios", lines=rng.choice([
        ("copy running-config tftp://10.40.0.5/{T}.cfg",), ("copy startup-config flash:backup.cfg",),
        ("copy running-config startup-config",), ("write memory",),
        ("copy running-config scp://ems@10.40.0.5/cfg/{T}.txt",)]))


def ios_description(rng: random.Random) -> Work:
    return Work("ios-description", "ios", lines=(
        "conf t", f"int {_intf(rng)}.100 point-to-point",
        f"description BTS-{rng.randint(1000, 9999)} uplink", "end", "write memory"))


def ios_no_shut(rng: random.Random) -> Work:
    return Work("ios-no-shutdown", "ios", lines=(
        "configure terminal", f"interface {_intf(rng)}", rng.choice(["no shutdown", "no shut"]),
        "end"))


def ios_register_normal(rng: random.Random) -> Work:
    return Work("ios-config-register-normal", "ios", lines=(
        "configure terminal", "config-register 0x2102", "end", "show version"))


def ios_no_benign(rng: random.Random) -> Work:
    return Work("ios-no-benign", "ios", lines=(
        "configure terminal", "no logging console", "no ip domain-lookup",
        "default logging buffered", "end"))


def ios_ticketed(rng: random.Random) -> Work:
    ticket = rng.choice(["CHG", "CRQ-", "RFC#"]) + str(rng.randint(10000, 99999))
    vci = rng.choice([100, 101, 200])
    return Work("ios-ticketed-one-pvc", "ios", lines=(
        "configure terminal", f"interface ATM0/1/0.{vci} point-to-point", f"no pvc 0/{vci}",
        "end"), ticket=ticket, one=True)


def junos_show(rng: random.Random) -> Work:
    return Work("junos-show", "junos", lines=rng.choice([
        ("show configuration | display set",), ("show interfaces terse", "show system alarms"),
        ("request system configuration rescue save",),
        ("file copy /config/juniper.conf.gz /var/tmp/backup.conf.gz",)]))


def junos_description(rng: random.Random) -> Work:
    return Work("junos-set-description", "junos", lines=(
        "configure", "edit interfaces at-0/0/0", f'set description "BTS-{rng.randint(100, 999)}"',
        "commit and-quit"))


def junos_benign_delete(rng: random.Random) -> Work:
    return Work("junos-edit-delete-syslog", "junos", lines=rng.choice([
        ("configure", "edit system syslog", "delete file old-messages", "commit and-quit"),
        ("configure", "edit snmp", "delete community oldro", "commit"),
        ("configure", "rollback 0", "exit")]))


def junos_ticketed(rng: random.Random) -> Work:
    ticket = rng.choice(["CHG", "CRQ-"]) + str(rng.randint(10000, 99999))
    return Work("junos-ticketed-one-unit", "junos", lines=(
        "configure", f"delete interfaces at-0/0/0 unit {rng.choice([100, 101])}",
        f'commit comment "{ticket}" and-quit'), ticket=ticket, one=True)


def tl1_rtrv(rng: random.Random) -> Work:
    c = _ctag(rng)
    return Work("tl1-rtrv", "tl1", lines=(
        f"ACT-USER:{{T}}:emsro:{c}::ro123;", f"RTRV-CRS-VC:{{T}}:ALL:{c + 1};",
        f"RTRV-ALM-ALL:{{T}}::{c + 2};", f"CANC-USER:{{T}}:emsro:{c + 3};"))


def tl1_ent(rng: random.Random) -> Work:
    c = _ctag(rng)
    return Work("tl1-ent-is", "tl1", lines=(
        f"ACT-USER:{{T}}:emsadm:{c}::Ems123;",
        f"ENT-CRS-VC:{{T}}:VC-1-1-0-100,VC-5-1-0-100:{c + 1}::::IS;",
        f"ED-OC3:{{T}}:FAC-1-1:{c + 2}:::PST=IS;", f"CANC-USER:{{T}}:emsadm:{c + 3};"))


CLI_BENIGN = {f.__name__.replace("_", "-"): f for f in (
    ios_show, ios_backup, ios_description, ios_no_shut, ios_register_normal, ios_no_benign,
    ios_ticketed, junos_show, junos_description, junos_benign_delete, junos_ticketed, tl1_rtrv,
    tl1_ent)}


# ------------------------------------------------------------------------ NETCONF and RESTCONF
def nc_delete_interface(rng: random.Random) -> Work:
    op = rng.choice(["delete", "remove"])
    return Work("netconf-delete-interface", "netconf", lines=(
        f'<config><configuration><interfaces><interface operation="{op}"><name>'
        f'{rng.choice(["at-0/0/0", "at-1/0/0"])}</name></interface></interfaces></configuration>'
        "</config>",))


def nc_replace_empty(rng: random.Random) -> Work:
    return Work("netconf-replace-empty", "netconf", lines=(
        rng.choice(['<config><configuration operation="replace"/></config>',
                    '<config><configuration><interfaces operation="replace"/></configuration>'
                    "</config>"]),))


def nc_copy_empty(rng: random.Random) -> Work:
    return Work("netconf-copy-empty-startup", "netconf", lines=("copy-config",))


def nc_get(rng: random.Random) -> Work:
    return Work("netconf-get-config", "netconf", lines=("get-config",))


def nc_merge_description(rng: random.Random) -> Work:
    return Work("netconf-merge-description", "netconf", lines=(
        '<config><configuration><interfaces><interface><name>at-0/0/0</name><description>'
        f'BTS-{rng.randint(100, 999)}</description></interface></interfaces></configuration>'
        "</config>",))


def rest_delete(rng: random.Random) -> Work:
    path = rng.choice(["/restconf/data/Cisco-IOS-XE-native:native/interface/ATM=0%2F1%2F0.100",
                       "/restconf/data/ietf-interfaces:interfaces/interface=ATM0%2F1%2F0",
                       "/restconf/data/Cisco-IOS-XE-native:native/interface"])
    return Work("restconf-delete", "rest", lines=("DELETE", path, ""))


def rest_put_empty(rng: random.Random) -> Work:
    return Work("restconf-put-empty", "rest", lines=(
        "PUT", "/restconf/data/Cisco-IOS-XE-native:native/interface",
        '{"Cisco-IOS-XE-native:interface": {}}'))


def rest_get(rng: random.Random) -> Work:
    return Work("restconf-get", "rest", lines=(
        "GET", "/restconf/data/Cisco-IOS-XE-native:native/interface", ""))


def rest_patch_description(rng: random.Random) -> Work:
    return Work("restconf-patch-description", "rest", lines=(
        "PATCH", "/restconf/data/ietf-interfaces:interfaces/interface=ATM0%2F1%2F0",
        '{"ietf-interfaces:interface": {"name": "ATM0/1/0", "description": "BTS uplink"}}'))


API_MALICIOUS = {f.__name__.replace("_", "-"): f for f in (
    nc_delete_interface, nc_replace_empty, nc_copy_empty, rest_delete, rest_put_empty)}
API_BENIGN = {f.__name__.replace("_", "-"): f for f in (
    nc_get, nc_merge_description, rest_get, rest_patch_description)}
