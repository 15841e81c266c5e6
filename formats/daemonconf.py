"""Daemons whose configuration makes them run a program on an event: net-snmp's snmptrapd
(`traphandle OID|default PROGRAM ARGS`: for every trap received) and snmpd (`extend`, `exec`,
`pass`, `pass_persist`: when a manager reads the OID), rsyslog's omprog (the program gets every
matching message: `action(type="omprog" binary="…")`, legacy `$ActionOMProgBinary`, and `^PROGRAM`
actions), PostgreSQL's `archive_command`/`restore_command` (through /bin/sh, at every WAL segment
the server archives). One reader per file format; each returns (line, what, command)."""

from __future__ import annotations

import re
from typing import NamedTuple

SNMP_FILES = ("etc/snmp/snmptrapd.conf", "etc/snmp/snmpd.conf", "usr/share/snmp/snmpd.conf",
              "usr/share/snmp/snmptrapd.conf")
SNMP_DIRS = ("etc/snmp/snmpd.conf.d", "etc/snmp/snmptrapd.conf.d")
RSYSLOG_FILES = ("etc/rsyslog.conf",)
RSYSLOG_DIRS = ("etc/rsyslog.d",)
# PostgreSQL: Debian's /etc/postgresql/VERSION/CLUSTER, RHEL's data folder; postgresql.auto.conf
# holds what ALTER SYSTEM set
PG_PARENTS = ("etc/postgresql", "var/lib/postgresql", "var/lib/pgsql")
_SNMP = re.compile(r"^\s*(traphandle|extend|extendfix|exec|pass|pass_persist)\s+(.*\S)\s*$")
_OMPROG = re.compile(r'type\s*=\s*"omprog"[^)]*?binary\s*=\s*"((?:\\.|[^"\\])*)"', re.S)
_OMPROG_LEGACY = re.compile(r"^\s*\$ActionOMProgBinary\s+(.+?)\s*$", re.M)
_CARET = re.compile(r"^[^#\n]*?\s\^(/\S+)(?:;\S+)?\s*$", re.M)
_PG = re.compile(r"^\s*(archive_command|restore_command|archive_cleanup_command|"
                 r"recovery_end_command)\s*=?\s*'((?:''|[^'])*)'", re.M)


class Handler(NamedTuple):
    line: int
    what: str
    command: str


def snmp_handlers(text: str) -> list[Handler]:
    """snmptrapd `traphandle` and snmpd `extend`/`exec`/`pass`/`pass_persist` programs."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        m = _SNMP.match(line)
        if not m:
            continue
        key, rest = m.group(1), m.group(2)
        words = rest.split(None, 1)
        if key == "exec" and words and words[0].startswith("."):
            words = words[1].split(None, 1) if len(words) > 1 else []    # exec MIBOID NAME PROG
        if len(words) < 2:
            continue
        label, command = words
        if key.startswith("extend") and label.startswith("."):            # extend MIBOID NAME
            more = command.split(None, 1)
            label, command = more[0], more[1] if len(more) > 1 else ""
        if command:
            out.append(Handler(n, f"{key} {label}", command))
    return out


def rsyslog_programs(text: str) -> list[Handler]:
    """Programs rsyslog feeds messages to."""
    out = [Handler(text.count("\n", 0, m.start()) + 1, "omprog", m.group(1).replace('\\"', '"'))
           for m in _OMPROG.finditer(text)]
    out += [Handler(text.count("\n", 0, m.start()) + 1, "omprog", m.group(1))
            for m in _OMPROG_LEGACY.finditer(text)]
    out += [Handler(text.count("\n", 0, m.start()) + 1, "^program", m.group(1))
            for m in _CARET.finditer(text)]
    return sorted(out)


def pg_commands(text: str) -> list[Handler]:
    """PostgreSQL's shell command settings (quotes doubled inside, as postgresql.conf writes)."""
    return [Handler(text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2).replace("''", "'"))
            for m in _PG.finditer(text) if m.group(2).strip()]
