"""Programs daemons run on an event: snmptrapd's trap handlers (every trap received: on an EMS,
every linkDown a network element sends), snmpd's extend/exec/pass scripts (every read of their
OID by a manager), rsyslog's omprog and `^program` actions (every matching message), and
PostgreSQL's archive/restore commands (every WAL segment archived, at least every
archive_timeout). None has a clock time; all happen often and can be provoked from outside."""

from __future__ import annotations

from lineguard.collector.model import EventTrigger, Job
from lineguard.collector.parse.hostcontext import HostContext
from lineguard.formats.daemonconf import Handler, pg_commands, rsyslog_programs, snmp_handlers

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
}


def jobs(ctx: HostContext) -> list[Job]:
    out = []
    for art in ctx.of_kind("daemon-conf"):
        text = art.text()
        if text is None:
            continue
        handlers: list[Handler]
        if "snmp" in art.name:
            handlers, who = snmp_handlers(text), "Debian-snmp"
        elif "rsyslog" in art.name:
            handlers, who = rsyslog_programs(text), "root"
        else:
            handlers, who = pg_commands(text), "postgres"
        for h in handlers:
            key, _, arg = h.what.partition(" ")
            event = _EVENTS.get(key, f"on a {key} event").format(arg=arg or art.name)
            out.append(ctx.job(source="daemon", origin_path=art.name, origin_line=h.line,
                               owner="root" if "snmptrapd" in art.name else who,
                               schedule=h.what, command=h.command,
                               trigger=EventTrigger(event)))
    return out
