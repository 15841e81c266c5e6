"""Programs daemons run on an event: snmptrapd's trap handlers (every trap received: on an EMS,
every linkDown a network element sends), snmpd's extend/exec/pass scripts (every read of their
OID by a manager), rsyslog's omprog and `^program` actions (every matching message),
PostgreSQL's archive/restore commands (every WAL segment archived, at least every
archive_timeout), mail aliases' and ~/.forward pipes (every message to the name), Zabbix and
NRPE commands (every poll of the monitoring server), keepalived notify scripts, xinetd/inetd
servers (every connection), acpid actions, smartd warnings and audit plugins. None has a
clock time; most happen often and can be provoked from outside. inittab's boot actions and
audit plugins start with the system: at boot."""

from __future__ import annotations

from lineguard.collector.model import BootTrigger, EventTrigger, Job, Trigger
from lineguard.collector.parse.hostcontext import HostContext
from lineguard.formats.daemonconf import INIT_BOOT_ACTIONS, daemon_for, handlers

_EVENTS = {
    "traphandle": "when snmptrapd receives a trap ({arg})",
    "extend": "when an SNMP manager reads the extend OID {arg} (snmpd)",
    "extendfix": "when an SNMP manager reads the extend OID {arg} (snmpd)",
    "exec": "when an SNMP manager reads the exec OID {arg} (snmpd)",
    "pass": "when an SNMP manager reads under {arg} (snmpd pass)",
    "pass_persist": "when snmpd starts its pass_persist handler for {arg}",
    "omprog": "for every log message the rsyslog rule sends it (omprog)",
    "^program": "for every log message the rsyslog selector matches (^program)",
    "archive_command": "at every WAL segment PostgreSQL archives",
    "restore_command": "when PostgreSQL restores WAL (recovery, a standby)",
    "archive_cleanup_command": "at every restart point of a PostgreSQL standby",
    "recovery_end_command": "at the end of a PostgreSQL recovery",
    "alias": "for every mail message delivered to the alias {arg}",
    "forward": "for every mail message delivered to the owner of {arg}",
    "UserParameter": "whenever the Zabbix server polls the item {arg}",
    "command": "whenever the Nagios server runs the NRPE check {arg}",
    "script": "at every keepalived check interval",
    "xinetd": "for every connection to the xinetd service {arg}",
    "inetd": "for every connection to the inetd service {arg}",
    "acpi": "on an ACPI event ({arg})",
    "smartd": "when smartd reports a disk problem",
    "inittab": "when init receives the event of its inittab action {arg}",
    "openvpn": "on an OpenVPN event ({arg}: a tunnel or client going up or down)",
    "pipe": "for every mail message postfix delivers through the service {arg}",
    "procmail": "for every mail message procmail delivers to the owner of {arg}",
    "fail2ban": "when fail2ban acts ({arg}: an address banned or unbanned, the jail starting)",
    "telegraf": "at every telegraf collection interval ({arg})",
    "upsmon": "on a UPS event ({arg}: on battery, low battery, shutdown)",
    "mdadm": "when mdadm --monitor reports a RAID event",
    "oxidized-hook": "when Oxidized reports {arg} (a device's configuration fetched or stored)",
}
_KEEPALIVED_STATE = "when keepalived's VRRP instance changes state ({key})"


def _trigger(key: str, arg: str, name: str) -> Trigger:
    if key == "inittab" and arg in INIT_BOOT_ACTIONS:
        return BootTrigger(f"at boot: init runs its inittab {arg} entry")
    if key == "audit":
        return BootTrigger("at boot: auditd starts its dispatcher plugin")
    if key.startswith("notify"):
        return EventTrigger(_KEEPALIVED_STATE.format(key=key))
    return EventTrigger(_EVENTS.get(key, f"on a {key} event").format(arg=arg or name))


def jobs(ctx: HostContext) -> list[Job]:
    out = []
    for art in ctx.of_kind("daemon-conf"):
        text = art.text()
        if text is None:
            continue
        d = daemon_for(art.name)
        if d is None:
            who = "postgres"
        elif d.who:
            who = d.who
        else:      # ~/.forward, ~/.procmailrc, ~/.config/oxidized/config: its user
            who = art.name.split("/")[1] if art.name.startswith("home/") else "root"
        for h in handlers(art.name, text):
            key, _, arg = h.what.partition(" ")
            out.append(ctx.job(source="daemon", origin_path=art.name, origin_line=h.line,
                               owner="root" if "snmptrapd" in art.name else who,
                               schedule=h.what, command=h.command,
                               trigger=_trigger(key, arg, art.name)))
    return out
