"""Daemons whose configuration makes them run a program on an event: net-snmp's snmptrapd
(`traphandle OID|default PROGRAM ARGS`: for every trap received) and snmpd (`extend`, `exec`,
`pass`, `pass_persist`: when a manager reads the OID), rsyslog's omprog (the program gets every
matching message: `action(type="omprog" binary="…")`, legacy `$ActionOMProgBinary`, and `^PROGRAM`
actions), PostgreSQL's `archive_command`/`restore_command` (through /bin/sh, at every WAL segment
the server archives), and the other daemons and system files of a management server that run a
program on an event: mail aliases and ~/.forward pipes (`"|PROGRAM"`, for every message
delivered to the name), Zabbix `UserParameter=KEY,COMMAND` and NRPE `command[NAME]=COMMAND`
(whenever the monitoring server asks), keepalived `notify*`/`script` (on a VRRP state change,
or every check interval), /etc/inittab (`ID:LEVELS:ACTION:PROCESS`, at boot or on a power or
keyboard event), xinetd `server =` and inetd.conf (for every connection), acpid `action=` (on
an ACPI event), smartd `-M exec` (on a disk warning) and audit dispatcher plugins (`path =`,
started with auditd), OpenVPN scripts, postfix pipe(8) services, procmail recipes, fail2ban
actions, telegraf exec inputs, NUT upsmon's NOTIFYCMD/SHUTDOWNCMD and mdadm's PROGRAM. One
reader per file format; each returns (line, what, command); `DAEMONS`
says which files each daemon reads, as which account it runs them, and `daemon_for` which
daemon a captured file belongs to."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
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


def _pipes(value: str) -> list[str]:
    """The `|PROGRAM` destinations of an aliases value or a .forward line (comma-separated,
    each may be double-quoted)."""
    out, buf, quoted = [], "", False
    for ch in value + ",":
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            item = buf.strip().strip('"').strip()
            if item.startswith("|") and item[1:].strip():
                out.append(item[1:].strip())
            buf = ""
            continue
        buf += ch
    return out


def alias_pipes(text: str) -> list[Handler]:
    """aliases(5): `NAME: VALUE, …`, continued on lines that start with white space."""
    out: list[Handler] = []
    entries: list[tuple[int, str]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t" and entries:
            entries[-1] = (entries[-1][0], entries[-1][1] + " " + line.strip())
        else:
            entries.append((n, line))
    for n, entry in entries:
        name, sep, value = entry.partition(":")
        if sep:
            out += [Handler(n, f"alias {name.strip()}", c) for c in _pipes(value)]
    return out


def forward_pipes(text: str) -> list[Handler]:
    """~/.forward: destinations, one or more a line; `|PROGRAM` ones run as the user."""
    return [Handler(n, "forward", c) for n, line in enumerate(text.splitlines(), 1)
            if not line.lstrip().startswith("#") for c in _pipes(line)]


_USERPARAM = re.compile(r"^\s*UserParameter\s*=\s*([^,]+),(.*\S)\s*$")
_NRPE = re.compile(r"^\s*command\[([^\]]+)\]\s*=\s*(.*\S)\s*$")
_KEEPALIVED = re.compile(r'^\s*(notify(?:_\w+)?|script)\s+("(?:\\.|[^"\\])*"|\S+)')
_INITTAB = re.compile(r"^([^:#\s][^:]{0,3}):([^:]*):(\w+):(.*\S)\s*$")
_ACPI = re.compile(r"^\s*action\s*=\s*(.*\S)\s*$")
_SMARTD = re.compile(r"(?:^|\s)-M\s+exec\s+(\S+)")
_SETTING = re.compile(r"^\s*(\w+)\s*=\s*(.*?)\s*$")


def zabbix_params(text: str) -> list[Handler]:
    return [Handler(n, f"UserParameter {m.group(1).strip()}", m.group(2))
            for n, line in enumerate(text.splitlines(), 1) if (m := _USERPARAM.match(line))]


def nrpe_commands(text: str) -> list[Handler]:
    return [Handler(n, f"command {m.group(1)}", m.group(2))
            for n, line in enumerate(text.splitlines(), 1) if (m := _NRPE.match(line))]


def keepalived_scripts(text: str) -> list[Handler]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        m = _KEEPALIVED.match(line.split("#", 1)[0].split("!", 1)[0])
        if m:
            cmd = m.group(2)
            if cmd.startswith('"'):
                cmd = cmd[1:-1].replace('\\"', '"')
            out.append(Handler(n, m.group(1), cmd))
    return out


# inittab actions init runs at boot (the others wait for a power, keyboard or demand event)
INIT_BOOT_ACTIONS = frozenset({"sysinit", "boot", "bootwait", "once", "wait", "respawn"})


def inittab_processes(text: str) -> list[Handler]:
    return [Handler(n, f"inittab {m.group(3)}", m.group(4).lstrip("+"))
            for n, line in enumerate(text.splitlines(), 1)
            if (m := _INITTAB.match(line)) and m.group(3) not in ("initdefault", "off")]


def inetd_servers(text: str) -> list[Handler]:
    """xinetd service blocks (`server` and `server_args`, unless `disable = yes`) and
    inetd.conf lines (SERVICE SOCKET PROTO WAIT USER SERVER ARGV0 ARGS…)."""
    out: list[Handler] = []
    block: dict[str, tuple[int, str]] | None = None
    name = ""
    for n, line in enumerate(text.splitlines(), 1):
        s = line.split("#", 1)[0].strip()
        if block is None:
            if s.startswith("service "):
                name, block = s.split()[1], {}
            elif len(f := s.split()) >= 7 and f[1] in ("stream", "dgram", "raw", "seqpacket"):
                argv = f[6:] if posixpath.basename(f[5]) == "tcpd" else [f[5], *f[7:]]
                out.append(Handler(n, f"inetd {f[0]}", " ".join(argv)))
            continue
        if s == "}":
            server = block.get("server")
            if server and block.get("disable", (0, "no"))[1] != "yes":
                args = block.get("server_args", (0, ""))[1]
                out.append(Handler(server[0], f"xinetd {name}", f"{server[1]} {args}".strip()))
            block = None
            continue
        m = _SETTING.match(s)
        if m:
            block[m.group(1)] = (n, m.group(2))
    return out


def acpi_actions(text: str) -> list[Handler]:
    return [Handler(n, "acpi action", m.group(1))
            for n, line in enumerate(text.splitlines(), 1) if (m := _ACPI.match(line))]


def smartd_execs(text: str) -> list[Handler]:
    return [Handler(n, "smartd -M exec", m.group(1))
            for n, line in enumerate(text.splitlines(), 1)
            if not line.lstrip().startswith("#") and (m := _SMARTD.search(line))]


def audit_plugins(text: str) -> list[Handler]:
    """An audit dispatcher plugin: its program (`path`, with `args`) unless it is inactive
    or built in."""
    got = {m.group(1): (n, m.group(2)) for n, line in enumerate(text.splitlines(), 1)
           if (m := _SETTING.match(line.split("#", 1)[0]))}
    path = got.get("path")
    if not path or not path[1].startswith("/") or got.get("active", (0, "yes"))[1] == "no":
        return []
    return [Handler(path[0], "audit plugin", f"{path[1]} {got.get('args', (0, ''))[1]}".strip())]


_OPENVPN = re.compile(r"^\s*(up|down|route-up|route-pre-down|ipchange|client-connect|"
                      r"client-disconnect|learn-address|tls-verify|auth-user-pass-verify)\s+(.*\S)")
_NUT = re.compile(r"^\s*(NOTIFYCMD|SHUTDOWNCMD)\s+(.*\S)")
_MDADM = re.compile(r"^\s*PROGRAM\s+(.*\S)")
_FAIL2BAN = re.compile(r"^(action\w*)\s*=\s*(.*)$")
_TELEGRAF = re.compile(r"^\s*(commands?)\s*=\s*\[(.*)\]\s*$")
_QUOTED = re.compile(r'"((?:\\.|[^"\\])*)"|\'([^\']*)\'')


def _unquoted(value: str) -> str:
    v = value.strip()
    return v[1:-1] if len(v) > 1 and v[0] == v[-1] and v[0] in "\"'" else v


def openvpn_scripts(text: str) -> list[Handler]:
    """OpenVPN's script options (`up CMD`, `client-connect CMD` …); auth-user-pass-verify's
    last word is its method, not part of the command."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        m = _OPENVPN.match(line.split("#", 1)[0].split(";", 1)[0])
        if m:
            cmd = m.group(2)
            if m.group(1) == "auth-user-pass-verify":
                cmd = cmd.rsplit(None, 1)[0] if len(cmd.split()) > 1 else cmd
            out.append(Handler(n, f"openvpn {m.group(1)}", _unquoted(cmd)))
    return out


def _continued(text: str, comment: str = "#") -> list[tuple[int, str]]:
    """Logical lines: a line starting with white space continues the one before."""
    out: list[tuple[int, str]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith(comment):
            continue
        if line[0] in " \t" and out:
            out[-1] = (out[-1][0], out[-1][1] + " " + line.strip())
        else:
            out.append((n, line.rstrip()))
    return out


def postfix_pipes(text: str) -> list[Handler]:
    """postfix master.cf services run by pipe(8): the command after `argv=`."""
    out = []
    for n, entry in _continued(text):
        f = entry.split()
        if len(f) >= 8 and f[7] == "pipe" and "argv=" in entry:
            out.append(Handler(n, f"pipe {f[0]}", entry.split("argv=", 1)[1].strip()))
    return out


def procmail_pipes(text: str) -> list[Handler]:
    """procmail recipes whose action pipes the message to a program (`| CMD`)."""
    return [Handler(n, "procmail", line.strip()[1:].strip())
            for n, line in enumerate(text.splitlines(), 1)
            if line.strip().startswith("|") and line.strip()[1:].strip()]


_F2B_TAG = re.compile(r"<([\w-]+)>")


def fail2ban_actions(text: str) -> list[Handler]:
    """fail2ban action definitions (`actionban = CMD`, continued on indented lines). fail2ban
    puts one value of the jail (an address, a port, a name) in each `<tag>`: a word, never
    a redirection or a pattern, so each tag is shown as the word `f2b-TAG`."""
    return [Handler(n, f"fail2ban {m.group(1)}", _F2B_TAG.sub(r"f2b-\1", m.group(2).strip()))
            for n, entry in _continued(text) if (m := _FAIL2BAN.match(entry))
            and m.group(2).strip()]


def telegraf_execs(text: str) -> list[Handler]:
    """telegraf exec inputs (`commands = ["CMD", …]`, each a command line) and execd/exec
    outputs (`command = ["PROG", "ARG", …]`, one argv)."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        m = _TELEGRAF.match(line)
        if not m:
            continue
        words = [a if a else b for a, b in _QUOTED.findall(m.group(2))]
        if m.group(1) == "commands":
            out += [Handler(n, "telegraf exec", w) for w in words if w.strip()]
        elif words:
            out.append(Handler(n, "telegraf execd", " ".join(words)))
    return out


def upsmon_commands(text: str) -> list[Handler]:
    return [Handler(n, f"upsmon {m.group(1)}", _unquoted(m.group(2)))
            for n, line in enumerate(text.splitlines(), 1) if (m := _NUT.match(line))]


def mdadm_programs(text: str) -> list[Handler]:
    return [Handler(n, "mdadm PROGRAM", m.group(1))
            for n, line in enumerate(text.splitlines(), 1) if (m := _MDADM.match(line))]


_YAML_KEY = re.compile(r"^(\s*)(?:-\s+)?([\w-]+):\s*(.*?)\s*$")


def oxidized_hooks(text: str) -> list[Handler]:
    """Oxidized's exec hooks (`hooks: NAME: {type: exec, events: [...], cmd: CMD}`): each
    hook's `cmd` is a shell command line run on the events it lists (node_success,
    post_store, ...). Read line by line, as the YAML block style Oxidized documents writes it."""
    out: list[Handler] = []
    in_hooks = False
    hook, kind, events, cmd = "", "", "", (0, "")

    def close() -> None:
        if hook and kind == "exec" and cmd[1]:
            out.append(Handler(cmd[0], f"oxidized-hook {events or hook}", cmd[1]))

    for n, line in enumerate(text.splitlines(), 1):
        m = _YAML_KEY.match(line)
        if not m or line.lstrip().startswith("#"):
            continue
        indent, key, value = len(m.group(1)), m.group(2), _unquoted(m.group(3))
        if m.group(3).startswith('"'):
            value = value.replace('\\"', '"').replace("\\\\", "\\")
        if indent == 0:
            close()
            in_hooks, hook, kind, events, cmd = key == "hooks", "", "", "", (0, "")
        elif in_hooks and not value and key not in ("events", "cmd", "type"):
            close()
            hook, kind, events, cmd = key, "", "", (0, "")
        elif in_hooks and key == "type":
            kind = value
        elif in_hooks and key == "events":
            events = value.strip("[]").replace(" ", "")
        elif in_hooks and key == "cmd":
            cmd = (n, value)
    close()
    return out


class Daemon(NamedTuple):
    """A daemon's configuration: the files and folders it reads, its reader, the account it
    runs the programs as ("" for the owner of the home the file is in), and the command that
    makes it read its configuration again once a line is removed."""

    files: tuple[str, ...]
    dirs: tuple[str, ...]
    read: Callable[[str], list[Handler]]
    who: str
    reload: str


DAEMONS: dict[str, Daemon] = {
    "snmp": Daemon(SNMP_FILES, SNMP_DIRS, snmp_handlers, "Debian-snmp",
                   "systemctl restart snmpd snmptrapd"),
    "rsyslog": Daemon(RSYSLOG_FILES, RSYSLOG_DIRS, rsyslog_programs, "root",
                      "systemctl restart rsyslog"),
    # the aliases' pipes run as the file's owner, or `nobody` when that is root (postfix, exim)
    "mail-aliases": Daemon(("etc/aliases", "etc/mail/aliases", "etc/postfix/aliases"), (),
                           alias_pipes, "nobody", "newaliases"),
    "zabbix": Daemon(("etc/zabbix/zabbix_agentd.conf", "etc/zabbix/zabbix_agent2.conf",
                      "etc/zabbix_agentd.conf"),
                     ("etc/zabbix/zabbix_agentd.d", "etc/zabbix/zabbix_agentd.conf.d",
                      "etc/zabbix/zabbix_agent2.d"), zabbix_params, "zabbix",
                     "systemctl restart zabbix-agent"),
    "nrpe": Daemon(("etc/nagios/nrpe.cfg", "etc/nagios/nrpe_local.cfg", "etc/nrpe.cfg"),
                   ("etc/nagios/nrpe.d", "etc/nrpe.d"), nrpe_commands, "nagios",
                   "systemctl restart nagios-nrpe-server"),
    "keepalived": Daemon(("etc/keepalived/keepalived.conf",), ("etc/keepalived/conf.d",),
                         keepalived_scripts, "root", "systemctl reload keepalived"),
    "inittab": Daemon(("etc/inittab",), (), inittab_processes, "root", "telinit q"),
    "inetd": Daemon(("etc/xinetd.conf", "etc/inetd.conf"), ("etc/xinetd.d",), inetd_servers,
                    "root", "systemctl reload xinetd"),
    "acpid": Daemon((), ("etc/acpi/events",), acpi_actions, "root", "systemctl restart acpid"),
    "smartd": Daemon(("etc/smartd.conf", "etc/smartmontools/smartd.conf"), (), smartd_execs,
                     "root", "systemctl restart smartmontools"),
    "auditd": Daemon((), ("etc/audit/plugins.d", "etc/audisp/plugins.d"), audit_plugins, "root",
                     "systemctl restart auditd"),
    "openvpn": Daemon((), ("etc/openvpn", "etc/openvpn/server", "etc/openvpn/client"),
                      openvpn_scripts, "root", "systemctl restart openvpn"),
    "postfix": Daemon(("etc/postfix/master.cf",), (), postfix_pipes, "nobody", "postfix reload"),
    "procmail": Daemon(("etc/procmailrc",), (), procmail_pipes, "root", ""),
    "fail2ban": Daemon((), ("etc/fail2ban/action.d",), fail2ban_actions, "root",
                       "fail2ban-client reload"),
    "telegraf": Daemon(("etc/telegraf/telegraf.conf",), ("etc/telegraf/telegraf.d",),
                       telegraf_execs, "telegraf", "systemctl restart telegraf"),
    "nut": Daemon(("etc/nut/upsmon.conf", "etc/ups/upsmon.conf"), (), upsmon_commands, "nut",
                  "upsmon -c reload"),
    "oxidized": Daemon(("etc/oxidized/config",), (), oxidized_hooks, "oxidized",
                       "systemctl restart oxidized"),
    "mdadm": Daemon(("etc/mdadm/mdadm.conf", "etc/mdadm.conf"), (), mdadm_programs, "root",
                    "systemctl restart mdmonitor"),
}
# files in a user's home that make a delivery run a program as that user
# (its path under the home: Oxidized reads ~/.config/oxidized/config of the account it runs as)
HOME_DAEMONS: dict[str, Daemon] = {".forward": Daemon((), (), forward_pipes, "", ""),
                                   ".procmailrc": Daemon((), (), procmail_pipes, "", ""),
                                   ".config/oxidized/config": Daemon((), (), oxidized_hooks, "",
                                                                     "")}
_BY_FILE = {f: d for d in DAEMONS.values() for f in d.files}
_BY_DIR = {f: d for d in DAEMONS.values() for f in d.dirs}


def daemon_for(path: str) -> Daemon | None:
    """The daemon that reads the captured file `path` (relative to the root), None for
    PostgreSQL's files (pg_commands) and any other."""
    if path in _BY_FILE:
        return _BY_FILE[path]
    if path.startswith(("home/", "root/")):
        under = path.split("/", 2 if path.startswith("home/") else 1)[-1]
        if under in HOME_DAEMONS:
            return HOME_DAEMONS[under]
    return _BY_DIR.get(posixpath.dirname(path))


def handlers(path: str, text: str) -> list[Handler]:
    """What the daemon that reads `path` runs, as its reader finds it."""
    d = daemon_for(path)
    return d.read(text) if d is not None else pg_commands(text)
