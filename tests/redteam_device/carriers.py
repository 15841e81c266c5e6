"""How device work leaves the management server: SNMP libraries and tools, CLI session
libraries and shell plumbing, NETCONF and RESTCONF clients, each in the idiom its users write,
looping over the devices in a list file or a literal list. Every carrier returns the job
(command and files) a scheduler runs."""

from __future__ import annotations

import random
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from tests.heldout.techniques import Job
from tests.redteam_device.work import ENUMS, MIB, STYLES, WALK, VarBind, Work, spell


@dataclass
class Ctx:
    rng: random.Random
    marker: str
    hosts: tuple[str, ...]
    host_file: str = ""           # the devices come from this list file when set

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)


NOPAD = "\x00"      # a line kept at column 0 inside a loop (a here-document's body and end)
MODE = ("configure terminal", "conf t", "conf", "configure", "configure private", "end",
        "commit", "commit and-quit", "comm and-q", "exit", "write memory", "top")


def cfg_lines(w: Work) -> list[str]:
    return [ln for ln in w.lines if ln not in MODE and not ln.startswith("commit ")]


def is_config(w: Work) -> bool:
    return bool(w.lines) and w.lines[0].startswith("conf")


def _script(ctx: Ctx, ext: str) -> str:
    d = ctx.pick("/opt/ems/bin", "/usr/local/sbin", "/home/oper/bin", "/srv/ems/tools",
                 "/usr/local/lib/ems")
    name = ctx.pick("ne-sync", "nightly", "pm-export", "audit", "reconcile")
    return f"{d}/{name}-{ctx.marker}{ext}"


def _job(ctx: Ctx, text: str, interp: str, ext: str, extra: dict | None = None) -> Job:
    path = _script(ctx, ext)
    files = {path: (text, 0o755), **(extra or {})}
    if ctx.host_file:
        files[ctx.host_file] = ("# NE list (EMS inventory export)\n"
                                + "".join(f"{h}\tkansai\n" for h in ctx.hosts), 0o644)
    cmd = path if ctx.rng.random() < 0.5 else f"{interp} {path}"
    return Job(cmd, files)


def _ticket_comment(w: Work, mark: str) -> list[str]:
    if not w.ticket:
        return []
    return [f"{mark} {w.ticket}: retire one circuit (BTS decommissioned), approved change window",
            f"{mark} before/after configs kept under /var/backups/ems/{w.ticket}"]


def _tl1(line: str, var: str) -> str:
    return line.replace("{T}", var)


# ------------------------------------------------------------------------------- host loops
def sh_hosts(ctx: Ctx, body: list[str]) -> list[str]:
    pad = [b[1:] if b.startswith(NOPAD) else "  " + b for b in body]
    if ctx.host_file:
        if ctx.rng.random() < 0.5:
            return ["while read -r h _; do", '  case "$h" in ""|"#"*) continue ;; esac', *pad,
                    f"done < {ctx.host_file}"]
        return [f"for h in $(grep -v '^#' {ctx.host_file} | awk '{{print $1}}'); do", *pad, "done"]
    return [f"for h in {' '.join(ctx.hosts)}; do", *pad, "done"]


def py_hosts(ctx: Ctx) -> list[str]:
    if ctx.host_file:
        return [f"with open({ctx.host_file!r}) as f:",
                "    HOSTS = [ln.split()[0] for ln in f if ln.strip() and not ln.startswith('#')]"]
    return [f"HOSTS = {list(ctx.hosts)!r}"]


def pl_hosts(ctx: Ctx) -> list[str]:
    if ctx.host_file:
        return [f"open(my $lf, '<', '{ctx.host_file}') or die \"no list: $!\";",
                "my @hosts = map { (split)[0] } grep { /\\S/ && !/^#/ } <$lf>;", "close $lf;"]
    return [f"my @hosts = qw({' '.join(ctx.hosts)});"]


def tcl_hosts(ctx: Ctx) -> list[str]:
    if ctx.host_file:
        return [f"set lf [open {ctx.host_file} r]", "set hosts {}",
                "foreach ln [split [read $lf] \"\\n\"] {",
                "    if {$ln eq \"\" || [string index $ln 0] eq \"#\"} continue",
                "    lappend hosts [lindex $ln 0]", "}", "close $lf"]
    return [f"set hosts {{{' '.join(ctx.hosts)}}}"]


def _rows(w: Work, vb: VarBind) -> list[str]:
    return [vb.index] if vb.index and vb.index != WALK else list(w.rows)


_SNMP_TYPE = {"i": "INTEGER", "s": "OCTETSTR", "a": "IPADDR"}


# -------------------------------------------------------------------------- SNMP: the shell
def sh_snmpset_spelled(w: Work, ctx: Ctx) -> Job:
    style = ctx.pick(*STYLES)
    mibs = ctx.pick("", "-m +ATM-MIB:CISCO-CONFIG-COPY-MIB ", "-m ALL -M +/opt/ems/mibs ",
                    "-Ir -m ALL ")
    auth = ctx.pick('-v2c -c "$COMM"', '-v 2c -c "$COMM"',
                    '-v3 -l authPriv -u ems -a SHA -A "$AUTH" -x AES -X "$PRIV"')
    words = []
    for vb in w.varbinds:
        for r in _rows(w, vb):
            if vb.vtype == "i":
                tv = ctx.pick(f"i {vb.number}", f"i {vb.value}" if vb.value in ENUMS else
                              f"i {vb.number}", f"= {vb.value}")
            else:
                tv = f"{vb.vtype} {shlex.quote(vb.value.replace('{host}', '$h'))}"
                tv = tv.replace("'", '"') if "$h" in tv else tv
            words.append(f"{shlex.quote(spell(vb.obj, r, style))} {tv}")
    setl = f'snmpset {mibs}{auth} -t 5 -r 1 "$h" ' + " ".join(words)
    body = sh_hosts(ctx, [setl + ' || logger -t ems "set failed on $h"'])
    text = "\n".join(["#!/bin/bash", *_ticket_comment(w, "#"), "COMM=$(cat /opt/ems/etc/.rw)",
                      "AUTH=$(cat /opt/ems/etc/.auth); PRIV=$(cat /opt/ems/etc/.priv)", *body, ""])
    return _job(ctx, text, "bash", ".sh")


def sh_walk_pipe(w: Work, ctx: Ctx) -> Job:
    vb = w.varbinds[0]
    col = spell(vb.obj, "", ctx.pick("num", "sym", "bare"))
    setp = 'snmpset -v2c -c "$COMM" "$h"'
    form = ctx.rng.randrange(4)
    if form == 0:
        body = [f'snmpbulkwalk -v2c -c public -OQn "$h" {col} | while read -r oid _eq _val; do',
                f'  {setp} "$oid" i {vb.number}', "done"]
    elif form == 1:
        body = [f"snmpwalk -v2c -c public -On \"$h\" {col} | awk '{{print $1}}' | "
                f"xargs -r -I{{}} {setp} {{}} i {vb.number}"]
    elif form == 2:
        body = [f"mapfile -t rows < <(snmpbulkwalk -v2c -c public -Oqn \"$h\" {col} | cut -d' ' -f1)",
                'for r in "${rows[@]}"; do', f'  {setp} "$r" = {vb.value}', "done"]
    else:
        body = [f"snmpwalk -v2c -c public -Oqn \"$h\" {col} | sed 's/ .*//' | while read -r oid; do",
                f'  {setp} "$oid" i {vb.number} >/dev/null', "done"]
    text = "\n".join(["#!/bin/bash", "COMM=$(cat /opt/ems/etc/.rw)", *sh_hosts(ctx, body), ""])
    return _job(ctx, text, "bash", ".sh")


def sh_arith(w: Work, ctx: Ctx) -> Job:
    lines = ["#!/bin/bash", *_ticket_comment(w, "#"), "COMM=$(cat /opt/ems/etc/.rw)"]
    body = []
    for n, vb in enumerate(w.varbinds):
        num = MIB[vb.obj][1]
        prefix, col = num.rsplit(".", 1)
        k = ctx.rng.randint(1, int(col))
        lines.append(f"base{n}={prefix}")
        lines.append(f"col{n}=$(( {int(col) - k} + {k} ))")
        if vb.vtype == "i":
            v = int(vb.number)
            val = f"i $(( {v} * 1 ))" if v < 2 else f"i $(( {v // 2} * 2 + {v % 2} ))"
        else:
            val = f"{vb.vtype} {shlex.quote(vb.value)}"
        rows = _rows(w, vb)
        body += [f"for r in {' '.join(rows)}; do",
                 f'  snmpset -v2c -c "$COMM" "$h" "${{base{n}}}.${{col{n}}}.$r" {val}', "done"]
    text = "\n".join([*lines, *sh_hosts(ctx, body), ""])
    return _job(ctx, text, "bash", ".sh")


# ------------------------------------------------------------------------- SNMP: Python libs
def _py(ctx: Ctx, w: Work, imports: list[str], body: list[str], tail: list[str] | None = None
        ) -> Job:
    text = "\n".join(["#!/usr/bin/env python3", *_ticket_comment(w, "#"), *imports, "",
                      "COMM = open('/opt/ems/etc/.rw').read().strip()", *py_hosts(ctx), "",
                      *body, *(tail or []), ""])
    return _job(ctx, text, "python3", ".py")


def _pad(lines: list[str], n: int = 1) -> list[str]:
    return ["    " * n + ln for ln in lines]


def py_netsnmp(w: Work, ctx: Ctx) -> Job:
    body = ["for h in HOSTS:"]
    for vb in w.varbinds:
        t, v = _SNMP_TYPE[vb.vtype], vb.number
        if vb.index == WALK:
            body += _pad([f"vl = netsnmp.VarList(netsnmp.Varbind({vb.obj!r}))",
                          "netsnmp.snmpwalk(vl, Version=2, DestHost=h, Community='public')",
                          "for v in vl:",
                          f"    netsnmp.snmpset(netsnmp.Varbind(v.tag, v.iid, {v!r}, {t!r}), "
                          "Version=2, DestHost=h, Community=COMM)"])
        else:
            rows = _rows(w, vb)
            body += _pad([f"vars = netsnmp.VarList(*[netsnmp.Varbind({vb.obj!r}, r, {v!r}, {t!r}) "
                          f"for r in {rows!r}])",
                          "netsnmp.snmpset(vars, Version=2, DestHost=h, Community=COMM)"])
    return _py(ctx, w, ["import netsnmp"], body)


def py_easysnmp(w: Work, ctx: Ctx) -> Job:
    body = ["for h in HOSTS:", "    s = Session(hostname=h, community=COMM, version=2)"]
    multi = []
    for vb in w.varbinds:
        t = {"i": "INTEGER", "s": "OCTET_STR", "a": "IPADDR"}[vb.vtype]
        val = int(vb.number) if vb.vtype == "i" else vb.value
        if vb.index == WALK:
            body += _pad([f"for item in s.bulkwalk({vb.obj!r}):",
                          f"    s.set((item.oid, item.oid_index), {val!r}, {t!r})"])
        else:
            multi += [(f"{MIB[vb.obj][0]}::{vb.obj}.{r}", val, t) for r in _rows(w, vb)]
    if multi:
        if ctx.rng.random() < 0.5:
            body += _pad([f"s.set_multiple({multi!r})"])
        else:
            body += _pad([f"for oid, value, kind in {multi!r}:", "    s.set(oid, value, kind)"])
    return _py(ctx, w, ["from easysnmp import Session"], body)


def _pysnmp_value(vb: VarBind) -> str:
    if vb.vtype == "i":
        return f"Integer32({vb.number})"
    if vb.vtype == "a":
        return f"IpAddress({vb.value!r})"
    return f"OctetString({vb.value!r})"


def py_pysnmp7(w: Work, ctx: Ctx) -> Job:
    body = ["async def main():", "    engine = SnmpEngine()", "    for h in HOSTS:",
            "        target = await UdpTransportTarget.create((h, 161), timeout=5, retries=1)"]
    objs = []
    for vb in w.varbinds:
        module = MIB[vb.obj][0]
        if vb.index == WALK:
            body += _pad([f"async for ei, es, ex, vbs in bulk_walk_cmd(engine, CommunityData('public'), "
                          f"target, ContextData(), 0, 25, ObjectType(ObjectIdentity({module!r}, "
                          f"{vb.obj!r})), lexicographicMode=False):",
                          "    for name, _val in vbs:",
                          "        await set_cmd(engine, CommunityData(COMM, mpModel=1), target, "
                          f"ContextData(), ObjectType(ObjectIdentity(name), {_pysnmp_value(vb)}))"], 2)
        else:
            for r in _rows(w, vb):
                ident = (f"ObjectIdentity({module!r}, {vb.obj!r}, "
                         f"{', '.join(r.split('.'))})" if ctx.rng.random() < 0.5
                         else f"ObjectIdentity({MIB[vb.obj][1] + '.' + r!r})")
                objs.append(f"ObjectType({ident}, {_pysnmp_value(vb)})")
    if objs:
        body += _pad(["await set_cmd(engine, CommunityData(COMM, mpModel=1), target, ContextData(),",
                      *(f"              {o}," for o in objs), "              )"], 2)
    return _py(ctx, w, ["import asyncio", "from pysnmp.hlapi.v3arch.asyncio import *  # noqa: F403"],
               body, ["", "asyncio.run(main())"])


def py_pysnmp_oneliner(w: Work, ctx: Ctx) -> Job:
    body = ["gen = cmdgen.CommandGenerator()", "for h in HOSTS:",
            "    tgt = cmdgen.UdpTransportTarget((h, 161))"]
    pairs = []
    for vb in w.varbinds:
        val = {"i": f"rfc1902.Integer({vb.number})", "s": f"rfc1902.OctetString({vb.value!r})",
               "a": f"rfc1902.IpAddress({vb.value!r})"}[vb.vtype]
        num = MIB[vb.obj][1]
        if vb.index == WALK:
            body += _pad([f"ei, es, ex, table = gen.nextCmd(cmdgen.CommunityData('public'), tgt, {num!r})",
                          "for row in table:", "    for name, _v in row:",
                          f"        gen.setCmd(cmdgen.CommunityData(COMM), tgt, (name, {val}))"])
        else:
            pairs += [f"({num + '.' + r!r}, {val})" for r in _rows(w, vb)]
    if pairs:
        body += _pad([f"gen.setCmd(cmdgen.CommunityData(COMM), tgt, {', '.join(pairs)})"])
    return _py(ctx, w, ["from pysnmp.entity.rfc3413.oneliner import cmdgen",
                        "from pysnmp.proto import rfc1902"], body)


def py_puresnmp(w: Work, ctx: Ctx) -> Job:
    body = ["async def main():", "    for h in HOSTS:",
            "        client = PyWrapper(Client(h, V2C(COMM)))"]
    multi = {}
    for vb in w.varbinds:
        val = {"i": f"Integer({vb.number})", "s": f"OctetString({vb.value.encode()!r})",
               "a": f"OctetString({vb.value.encode()!r})"}[vb.vtype]
        num = MIB[vb.obj][1]
        if vb.index == WALK:
            body += _pad([f"async for vb in client.walk({num!r}):",
                          f"    await client.set(str(vb.oid), {val})"], 2)
        else:
            for r in _rows(w, vb):
                multi[f"{num}.{r}"] = val
    if multi:
        items = ", ".join(f"{k!r}: {v}" for k, v in multi.items())
        body += _pad([f"await client.multiset({{{items}}})"], 2)
    return _py(ctx, w, ["import asyncio", "from puresnmp import V2C, Client, PyWrapper",
                        "from x690.types import Integer, OctetString"], body,
               ["", "asyncio.run(main())"])


def py_oid_tuple(w: Work, ctx: Ctx) -> Job:
    body = ["for h in HOSTS:"]
    for n, vb in enumerate(w.varbinds):
        parts = [int(x) for x in MIB[vb.obj][1].split(".")]
        head, tail = parts[:7], parts[7:]
        val = vb.number
        rows = _rows(w, vb)
        body += _pad([f"col{n} = BASE{n} + {tuple(tail)!r}",
                      f"for r in {rows!r}:",
                      f"    oid = '.'.join(str(x) for x in col{n} + tuple(int(p) for p in r.split('.')))",
                      f"    subprocess.run(['snmpset', '-v2c', '-c', COMM, h, oid, {vb.vtype!r}, "
                      f"str({int(val) if vb.vtype == 'i' else repr(val)})], check=False)"])
        body.insert(0, f"BASE{n} = {tuple(head)!r}")
    return _py(ctx, w, ["import subprocess"], body)


# --------------------------------------------------------------------- SNMP: Perl and Scotty
def _pl(ctx: Ctx, w: Work, uses: list[str], body: list[str]) -> Job:
    text = "\n".join(["#!/usr/bin/perl", "use strict;", "use warnings;", *uses,
                      *_ticket_comment(w, "#"),
                      "my $comm = do { local (@ARGV, $/) = '/opt/ems/etc/.rw'; <> }; chomp $comm;",
                      *pl_hosts(ctx), *body, ""])
    return _job(ctx, text, "perl", ".pl")


def pl_snmp_session(w: Work, ctx: Ctx) -> Job:
    body = ["foreach my $h (@hosts) {",
            "    my $sess = SNMP::Session->new(DestHost => $h, Community => $comm, Version => 2);"]
    vl = []
    for vb in w.varbinds:
        t = _SNMP_TYPE[vb.vtype]
        if vb.index == WALK:
            entry = MIB[vb.obj][3]
            style = ctx.rng.randrange(3) if entry else 0
            if style == 0:
                body += _pad([f"my $vb = SNMP::Varbind->new(['{vb.obj}']);",
                              f"for ($sess->getnext($vb); $vb->tag eq '{vb.obj}' && !$sess->{{ErrorNum}}; "
                              "$sess->getnext($vb)) {",
                              f"    $sess->set(SNMP::Varbind->new([$vb->tag, $vb->iid, {vb.number}, '{t}']));",
                              "}"])
            elif style == 1:
                body += _pad([f"my ($col) = $sess->bulkwalk(0, 32, new SNMP::VarList(['{vb.obj}']));",
                              "for my $row (@$col) {",
                              f"    $sess->set([['{vb.obj}', $row->iid, {vb.number}, '{t}']]);", "}"])
            else:
                table = entry.replace("Entry", "Table")
                body += _pad([f"my $tbl = $sess->gettable('{table}');",
                              "foreach my $iid (sort keys %$tbl) {",
                              f"    $sess->set(new SNMP::Varbind(['{vb.obj}', $iid, {vb.number}, '{t}']));",
                              "}"])
        else:
            vl += [f"['{vb.obj}', '{r}', '{vb.number}', '{t}']" for r in _rows(w, vb)]
    if vl:
        body += _pad([f"$sess->set(SNMP::VarList->new({', '.join(vl)}));"])
    return _pl(ctx, w, ["use SNMP;"], [*body, "}"])


def pl_snmp_util(w: Work, ctx: Ctx) -> Job:
    body = ["foreach my $h (@hosts) {"]
    for vb in w.varbinds:
        t = {"i": "int", "s": "string", "a": "ipaddr"}[vb.vtype]
        num = MIB[vb.obj][1]
        val = vb.number if vb.vtype == "i" else f"'{vb.value}'"
        if vb.index == WALK and ctx.rng.random() < 0.5:
            body += _pad([f"snmpmapOID('col{vb.obj}', '{num}');",
                          f"snmpmaptable(\"public\\@$h:161:5:1:1:2c\", sub {{ my ($idx) = @_; "
                          f"snmpset(\"$comm\\@$h\", \"col{vb.obj}.$idx\", '{t}', {val}); }}, "
                          f"'col{vb.obj}');"])
        elif vb.index == WALK:
            body += _pad([f"foreach my $row (snmpwalk(\"public\\@$h\", '{num}')) {{",
                          "    my ($idx) = split /:/, $row, 2;",
                          f"    snmpset(\"$comm\\@$h\", \"{num}.$idx\", '{t}', {val});", "}"])
        else:
            args = ", ".join(f"'{num}.{r}', '{t}', {val}" for r in _rows(w, vb))
            body += _pad([f"snmpset(\"$comm\\@$h\", {args});"])
    return _pl(ctx, w, ["use SNMP_util;"], [*body, "}"])


def tcl_scotty(w: Work, ctx: Ctx) -> Job:
    body = ["foreach h $hosts {",
            "    set s [Tnm::snmp generator -address $h -community $comm -version SNMPv2c]"]
    vbl = []
    for vb in w.varbinds:
        t = {"i": "Integer32", "s": "OCTET STRING", "a": "IpAddress"}[vb.vtype]
        num = MIB[vb.obj][1]
        val = vb.number if vb.vtype == "i" else vb.value
        if vb.index == WALK:
            body += _pad([f"$s walk vbl [list {num}] {{",
                          "    set oid [lindex [lindex $vbl 0] 0]",
                          f"    $s set [list [list $oid {{{t}}} {val}]]", "}"])
        else:
            vbl += [f"[list {num}.{r} {{{t}}} {{{val}}}]" for r in _rows(w, vb)]
    if vbl:
        body += _pad([f"$s set [list {' '.join(vbl)}]"])
    text = "\n".join(["#!/usr/bin/tclsh", *_ticket_comment(w, "#"), "package require Tnm 3.0",
                      "set f [open /opt/ems/etc/.rw]; set comm [string trim [read $f]]; close $f",
                      *tcl_hosts(ctx), *body, "    $s destroy", "}", ""])
    return _job(ctx, text, "tclsh", ".tcl")


# --------------------------------------------------------------------------- CLI: Python libs
def _dtype(w: Work) -> str:
    return {"ios": "cisco_ios", "junos": "juniper_junos"}[w.kind]


def py_netmiko_file(w: Work, ctx: Ctx) -> Job:
    cfg = f"/opt/ems/share/changes/{ctx.marker}.txt"
    body = ["for h in HOSTS:",
            f"    conn = ConnectHandler(device_type={_dtype(w)!r}, host=h, username='oper', "
            "password=PW)"]
    if is_config(w):
        if ctx.rng.random() < 0.5:
            extra = {cfg: ("\n".join(cfg_lines(w)) + "\n", 0o644)}
            body += _pad([f"conn.send_config_from_file(config_file={cfg!r})"])
        else:
            extra = {}
            body += _pad(["tmp = tempfile.NamedTemporaryFile('w', suffix='.cfg', delete=False)",
                          f"tmp.write({chr(10).join(cfg_lines(w)) + chr(10)!r})", "tmp.close()",
                          "conn.send_config_from_file(tmp.name)", "os.unlink(tmp.name)"])
        if w.kind == "junos":
            body += _pad(["conn.commit()"])
        else:
            body += _pad(["conn.save_config()"])
    else:
        extra = {}
        body += _pad([f"for cmd in {list(w.lines)!r}:",
                      "    conn.send_command_timing(cmd, strip_prompt=False)"])
    body += _pad(["conn.disconnect()"])
    head = ["import os", "import tempfile", "from netmiko import ConnectHandler"]
    text = "\n".join(["#!/usr/bin/env python3", *_ticket_comment(w, "#"), *head, "",
                      "PW = open('/opt/ems/etc/.pw').read().strip()", *py_hosts(ctx), "", *body, ""])
    return _job(ctx, text, "python3", ".py", extra)


def py_netmiko_channel(w: Work, ctx: Ctx) -> Job:
    body = ["for h in HOSTS:",
            "    dev = ConnectHandler(**dict(BASE, host=h))"]
    form = ctx.rng.randrange(3)
    if form == 0:
        body += _pad([f"dev.send_multiline({[[ln, ''] for ln in w.lines]!r})"])
    elif form == 1:
        body += _pad([f"for line in {list(w.lines)!r}:", "    dev.write_channel(line + '\\n')",
                      "    time.sleep(1)", "print(dev.read_channel())"])
    else:
        body += _pad([f"for line in {list(w.lines)!r}:",
                      "    dev.send_command(line, expect_string=r'[#>%]', read_timeout=60)"])
    body += _pad(["dev.disconnect()"])
    text = "\n".join(["#!/usr/bin/env python3", *_ticket_comment(w, "#"), "import time",
                      "from netmiko import ConnectHandler", "",
                      f"BASE = {{'device_type': {_dtype(w)!r}, 'username': 'oper', "
                      "'password': open('/opt/ems/etc/.pw').read().strip()}", *py_hosts(ctx), "",
                      *body, ""])
    return _job(ctx, text, "python3", ".py")


def py_scrapli(w: Work, ctx: Ctx) -> Job:
    drv = {"ios": "IOSXEDriver", "junos": "JunosDriver"}[w.kind]
    body = ["for h in HOSTS:",
            f"    with {drv}(host=h, auth_username='oper', auth_password=PW, "
            "auth_strict_key=False) as conn:"]
    if is_config(w):
        body += _pad([f"conn.send_configs({cfg_lines(w)!r})"], 2)
    else:
        body += _pad([f"conn.send_commands({list(w.lines)!r})"], 2)
    text = "\n".join(["#!/usr/bin/env python3", *_ticket_comment(w, "#"),
                      f"from scrapli.driver.core import {drv}", "",
                      "PW = open('/opt/ems/etc/.pw').read().strip()", *py_hosts(ctx), "", *body, ""])
    return _job(ctx, text, "python3", ".py")


def py_napalm(w: Work, ctx: Ctx) -> Job:
    drv = {"ios": "ios", "junos": "junos"}[w.kind]
    body = [f"driver = get_network_driver({drv!r})", "for h in HOSTS:",
            "    dev = driver(h, 'oper', PW, optional_args={'secret': PW})", "    dev.open()"]
    if is_config(w):
        body += _pad([f"dev.load_merge_candidate(config={chr(10).join(cfg_lines(w)) + chr(10)!r})",
                      "if dev.compare_config():", "    dev.commit_config()"])
    else:
        body += _pad([f"dev.cli({list(w.lines)!r})"])
    body += _pad(["dev.close()"])
    text = "\n".join(["#!/usr/bin/env python3", *_ticket_comment(w, "#"),
                      "from napalm import get_network_driver", "",
                      "PW = open('/opt/ems/etc/.pw').read().strip()", *py_hosts(ctx), "", *body, ""])
    return _job(ctx, text, "python3", ".py")


def py_pyez(w: Work, ctx: Ctx) -> Job:
    body = ["for h in HOSTS:", "    with Device(host=h, user='oper', passwd=PW) as dev:"]
    if is_config(w):
        body += _pad(["with Config(dev, mode='exclusive') as cu:",
                      f"    cu.load({chr(10).join(cfg_lines(w))!r}, format='set')",
                      "    cu.commit(comment='nightly sync')"], 2)
    else:
        body += _pad([f"for c in {list(w.lines)!r}:", "    dev.cli(c, warning=False)"], 2)
    text = "\n".join(["#!/usr/bin/env python3", *_ticket_comment(w, "#"),
                      "from jnpr.junos import Device", "from jnpr.junos.utils.config import Config",
                      "", "PW = open('/opt/ems/etc/.pw').read().strip()", *py_hosts(ctx), "",
                      *body, ""])
    return _job(ctx, text, "python3", ".py")


def py_paramiko_shell(w: Work, ctx: Ctx) -> Job:
    payload = "\n".join(ln.replace("{T}", "NE") for ln in w.lines) + "\n"
    body = ["for h in HOSTS:", "    client = paramiko.SSHClient()",
            "    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())",
            "    client.connect(h, username='oper', password=PW, look_for_keys=False)"]
    if ctx.rng.random() < 0.5:
        body += _pad(["chan = client.get_transport().open_session()", "chan.get_pty()",
                      "chan.invoke_shell()", f"chan.sendall({payload!r})", "time.sleep(5)"])
    else:
        body += _pad(["stdin, stdout, stderr = client.exec_command('', get_pty=True)",
                      f"stdin.write({payload!r})", "stdin.flush()", "stdout.channel.recv_exit_status()"])
    body += _pad(["client.close()"])
    text = "\n".join(["#!/usr/bin/env python3", *_ticket_comment(w, "#"), "import time",
                      "import paramiko", "", "PW = open('/opt/ems/etc/.pw').read().strip()",
                      *py_hosts(ctx), "", *body, ""])
    return _job(ctx, text, "python3", ".py")


def py_asyncssh(w: Work, ctx: Ctx) -> Job:
    payload = "\n".join(w.lines) + "\n"
    body = ["async def push(h):",
            "    async with asyncssh.connect(h, username='oper', password=PW, known_hosts=None) as conn:"]
    if ctx.rng.random() < 0.5:
        body += _pad([f"await conn.run(input={payload!r}, term_type='vt100')"], 2)
    else:
        body += _pad(["proc = await conn.create_process(term_type='vt100')",
                      f"proc.stdin.write({payload!r})", "proc.stdin.write_eof()",
                      "await proc.wait_closed()"], 2)
    body += ["", "async def main():", "    await asyncio.gather(*(push(h) for h in HOSTS))"]
    text = "\n".join(["#!/usr/bin/env python3", *_ticket_comment(w, "#"), "import asyncio",
                      "import asyncssh", "", "PW = open('/opt/ems/etc/.pw').read().strip()",
                      *py_hosts(ctx), "", *body, "", "asyncio.run(main())", ""])
    return _job(ctx, text, "python3", ".py")


def py_socket(w: Work, ctx: Ctx) -> Job:
    port = 3083 if w.kind == "tl1" else 23
    lines = list(w.lines) if w.kind == "tl1" else ["oper", "{PW}", "enable", "{PW}", *w.lines]
    body = ["for h in HOSTS:", f"    s = socket.create_connection((h, {port}), timeout=10)",
            f"    for cmd in {lines!r}:",
            "        s.sendall((cmd.replace('{T}', h).replace('{PW}', PW) + '\\r\\n').encode())",
            "        time.sleep(0.5)", "    s.close()"]
    text = "\n".join(["#!/usr/bin/env python3", *_ticket_comment(w, "#"), "import socket",
                      "import time", "", "PW = open('/opt/ems/etc/.pw').read().strip()",
                      *py_hosts(ctx), "", *body, ""])
    return _job(ctx, text, "python3", ".py")


def py_pxssh(w: Work, ctx: Ctx) -> Job:
    body = ["for h in HOSTS:", "    s = pxssh.pxssh(timeout=30)",
            "    s.login(h, 'oper', PW, auto_prompt_reset=False)",
            f"    for c in {list(w.lines)!r}:", "        s.sendline(c)",
            "        s.expect([r'#', r'>'])", "    s.logout()"]
    text = "\n".join(["#!/usr/bin/env python3", *_ticket_comment(w, "#"),
                      "from pexpect import pxssh", "", "PW = open('/opt/ems/etc/.pw').read().strip()",
                      *py_hosts(ctx), "", *body, ""])
    return _job(ctx, text, "python3", ".py")


# ----------------------------------------------------------------------- CLI: shell plumbing
def _sh(ctx: Ctx, w: Work, body: list[str], extra: dict | None = None) -> Job:
    text = "\n".join(["#!/bin/bash", *_ticket_comment(w, "#"), "PW=$(cat /opt/ems/etc/.pw)",
                      *sh_hosts(ctx, body), ""])
    return _job(ctx, text, "bash", ".sh", extra)


def _shq(s: str) -> str:
    return "'" + s.replace("'", "'\\''") + "'"


def sh_devtcp(w: Work, ctx: Ctx) -> Job:
    port = 3083 if w.kind == "tl1" else 23
    pre = [] if w.kind == "tl1" else ["printf 'oper\\r\\n%s\\r\\n' \"$PW\" >&3", "sleep 1"]
    sends = [f"printf '%s\\r\\n' {_shq(ln).replace('{T}', chr(39) + '$h' + chr(39))} >&3"
             for ln in w.lines]
    sends = [s.replace("''$h''", '"$h"') for s in sends]
    body = [f"exec 3<>/dev/tcp/$h/{port}", *pre, *sends, "sleep 2", "exec 3>&-"]
    return _sh(ctx, w, body)


def sh_telnet_group(w: Work, ctx: Ctx) -> Job:
    port = "3083" if w.kind == "tl1" else "23"
    echoes = ([] if w.kind == "tl1" else ["sleep 2", "echo oper", "sleep 1", 'echo "$PW"'])
    echoes += [x for ln in w.lines for x in ("sleep 1", f"echo {_shq(ln.replace('{T}', 'NE'))}")]
    if ctx.rng.random() < 0.5:
        body = ["{", *("  " + e for e in echoes), "  sleep 3", f'}} | telnet "$h" {port}']
    else:
        body = ["(", *("  " + e for e in echoes), "  sleep 3", f') | nc -q 5 "$h" {port}']
    return _sh(ctx, w, body)


def sh_clogin(w: Work, ctx: Ctx) -> Job:
    prog = "jlogin" if w.kind == "junos" else "clogin"
    if ctx.rng.random() < 0.5:
        cmds = f"/opt/ems/share/rancid/{ctx.marker}.cmds"
        extra = {cmds: ("\n".join(w.lines) + "\n", 0o644)}
        line = f"{prog} -x {cmds}"
    else:
        extra = {}
        line = f"{prog} -c {_shq(';'.join(w.lines))}"
    if ctx.host_file and ctx.rng.random() < 0.5:
        text = "\n".join(["#!/bin/sh", *_ticket_comment(w, "#"),
                          f"{line} $(grep -v '^#' {ctx.host_file} | cut -f1)", ""])
        return _job(ctx, text, "sh", ".sh", extra)
    return _sh(ctx, w, [f'{line} "$h"'], extra)


def sh_printf_args(w: Work, ctx: Ctx) -> Job:
    args = " ".join(_shq(ln.replace("{T}", "NE")) for ln in w.lines)
    ssh = ctx.pick("ssh -tt -o BatchMode=yes", "ssh -T -o StrictHostKeyChecking=no",
                   "sshpass -f /opt/ems/etc/.pw ssh -tt")
    return _sh(ctx, w, [f"printf '%s\\n' {args} | {ssh} oper@\"$h\""])


def sh_expect_heredoc(w: Work, ctx: Ctx) -> Job:
    prompt = {"ios": "#", "junos": ">", "tl1": "<"}[w.kind]
    spawn = 'spawn telnet $h 3083' if w.kind == "tl1" else "spawn ssh oper@$h"
    sends = [x for ln in w.lines for x in (f'expect "{prompt}"',
                                            f'send "{ln.replace("{T}", "$h")}\\r"')]
    script = ["set timeout 30", spawn,
              *(['expect "assword:"', 'send "$PW\\r"'] if w.kind != "tl1" else []), *sends,
              f'expect "{prompt}"', "EOF"]
    body = ["expect <<EOF", *(NOPAD + ln for ln in script)]
    return _sh(ctx, w, body)


def pl_expect(w: Work, ctx: Ctx) -> Job:
    prompt = {"ios": "#", "junos": ">", "tl1": "<"}[w.kind]
    spawn = ("Expect->spawn('telnet', $h, 3083)" if w.kind == "tl1"
             else "Expect->spawn('ssh', \"oper\\@$h\")")
    sends = [x for ln in w.lines for x in (
        f"$exp->expect(30, '{prompt}');",
        f"$exp->send(\"{ln.replace(chr(34), chr(92) + chr(34)).replace('{T}', '$h').replace('@', chr(92) + '@')}\\r\");")]
    body = ["foreach my $h (@hosts) {", f"    my $exp = {spawn} or die \"spawn: $!\";",
            *(["    $exp->expect(30, 'assword:');", "    $exp->send(\"$pw\\r\");"]
              if w.kind != "tl1" else []), *("    " + s for s in sends),
            "    $exp->soft_close();", "}"]
    text = "\n".join(["#!/usr/bin/perl", "use strict;", "use warnings;", "use Expect;",
                      *_ticket_comment(w, "#"),
                      "my $pw = do { local (@ARGV, $/) = '/opt/ems/etc/.pw'; <> }; chomp $pw;",
                      *pl_hosts(ctx), *body, ""])
    return _job(ctx, text, "perl", ".pl")


def pl_openssh(w: Work, ctx: Ctx) -> Job:
    data = "\\n".join(ln.replace('"', '\\"').replace("@", "\\@") for ln in w.lines)
    body = ["foreach my $h (@hosts) {",
            "    my $ssh = Net::OpenSSH->new($h, user => 'oper', password => $pw, "
            "master_opts => [-o => 'StrictHostKeyChecking=no']);",
            f"    my $out = $ssh->capture({{stdin_data => \"{data}\\n\", tty => 1}});", "}"]
    text = "\n".join(["#!/usr/bin/perl", "use strict;", "use warnings;", "use Net::OpenSSH;",
                      *_ticket_comment(w, "#"),
                      "my $pw = do { local (@ARGV, $/) = '/opt/ems/etc/.pw'; <> }; chomp $pw;",
                      *pl_hosts(ctx), *body, ""])
    return _job(ctx, text, "perl", ".pl")


def _pl_str(line: str, host_var: str = "$h") -> str:
    """A command line as a Perl string: single-quoted, or double-quoted where a TL1 target
    names the device."""
    if "{T}" not in line:
        return "'" + line.replace("\\", "\\\\").replace("'", "\\'") + "'"
    esc = line.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("@", "\\@")
    return '"' + esc.replace("{T}", host_var) + '"'


def _pl_cli(ctx: Ctx, w: Work, uses: list[str], body: list[str]) -> Job:
    """A Perl CLI job: the password read from a file, the devices from a list, @cmds per device."""
    text = "\n".join(["#!/usr/bin/perl", "use strict;", "use warnings;", *uses,
                      *_ticket_comment(w, "#"),
                      "my $pw = do { local (@ARGV, $/) = '/opt/ems/etc/.pw'; <> }; chomp $pw;",
                      *pl_hosts(ctx), "foreach my $h (@hosts) {",
                      f"    my @cmds = ({', '.join(_pl_str(ln) for ln in w.lines)});",
                      *("    " + b for b in body), "}", ""])
    return _job(ctx, text, "perl", ".pl")


def pl_telnet(w: Work, ctx: Ctx) -> Job:
    cls = "Net::Telnet::Cisco" if w.kind == "ios" and ctx.rng.random() < 0.5 else "Net::Telnet"
    port = ", Port => 3083" if w.kind == "tl1" else ""
    body = [f"my $t = {cls}->new(Host => $h, Timeout => 30{port}) or die \"telnet $h\";"]
    if w.kind != "tl1":
        body.append("$t->login('oper', $pw);")
    body.append(ctx.pick("$t->cmd($_) for @cmds;",
                         "foreach my $c (@cmds) { $t->cmd(String => $c, Timeout => 60); }",
                         "$t->print(join(\"\\n\", @cmds));"))
    return _pl_cli(ctx, w, [f"use {cls};"], [*body, "$t->close;"])


def pl_appliance(w: Work, ctx: Ctx) -> Job:
    personality = {"ios": "ios", "junos": "junos"}[w.kind]
    body = ["my $s = Net::Appliance::Session->new({personality => '" + personality + "', "
            "transport => 'SSH', host => $h});",
            "$s->connect({username => 'oper', password => $pw});", "$s->begin_privileged;"]
    if w.lines[0] in ("configure terminal", "conf t", "configure"):
        keep = [ln for ln in w.lines if ln not in MODE]
        body[0:0] = [f"my @conf = ({', '.join(_pl_str(ln) for ln in keep)});"]
        body += ["$s->begin_configure;", "$s->cmd($_) foreach @conf;", "$s->end_configure;"]
    else:
        body += ["print $s->cmd($_), \"\\n\" for @cmds;"]
    return _pl_cli(ctx, w, ["use Net::Appliance::Session;"], [*body, "$s->close;"])


def pl_control_cli(w: Work, ctx: Ctx) -> Job:
    make = ctx.pick("new Control::CLI('SSH')", "Control::CLI->new(Use => 'SSH')")
    connect = ctx.pick("$cli->connect(Host => $h, Username => 'oper', Password => $pw);",
                       "$cli->connect(\"$h\") or die; $cli->login(Username => 'oper', Password => $pw);")
    send = ctx.pick("$cli->cmd($_) for @cmds;",
                    "for my $c (@cmds) { my $out = $cli->cmd(Command => $c, Timeout => 20); }")
    return _pl_cli(ctx, w, ["use Control::CLI;"], [f"my $cli = {make};", connect, send,
                                                    "$cli->disconnect;"])


def pl_ssh_perl(w: Work, ctx: Ctx) -> Job:
    body = ["my $ssh = Net::SSH::Perl->new($h, protocol => 2);", "$ssh->login('oper', $pw);"]
    body.append(ctx.pick("my ($out, $err, $rc) = $ssh->cmd(join(\"\\n\", @cmds) . \"\\n\");",
                         "my ($first, @rest) = @cmds;",))
    if body[-1].startswith("my ($first"):
        body.append("my ($out) = $ssh->cmd($first, join(\"\\n\", @rest) . \"\\n\");")
    return _pl_cli(ctx, w, ["use Net::SSH::Perl;"], body)


def pl_openssh_pipe(w: Work, ctx: Ctx) -> Job:
    body = ["my $ssh = Net::OpenSSH->new(\"oper\\@$h\", password => $pw, timeout => 30);",
            "$ssh->error and die $ssh->error;"]
    body += ctx.rng.choice([
        ["my ($in, $pid) = $ssh->pipe_in() or die $ssh->error;", "print $in \"$_\\n\" for @cmds;",
         "close $in;", "waitpid($pid, 0);"],
        ["$ssh->system({stdin_data => [map { \"$_\\n\" } @cmds]}) or warn $ssh->error;"],
        ["my $m = 'capture2';", "my ($out, $err) = $ssh->$m({stdin_data => join('', map { \"$_\\n\" } @cmds)});"],
    ])
    return _pl_cli(ctx, w, ["use Net::OpenSSH;"], body)


def pl_ssh2(w: Work, ctx: Ctx) -> Job:
    body = ["my $ssh2 = Net::SSH2->new();", "$ssh2->connect($h) or die \"ssh $h\";",
            "$ssh2->auth_password('oper', $pw) or die;", "my $chan = $ssh2->channel();",
            "$chan->shell();",
            ctx.pick("print $chan \"$_\\n\" for @cmds;", "$chan->write(\"$_\\n\") foreach @cmds;"),
            "$chan->send_eof();", "$ssh2->disconnect();"]
    return _pl_cli(ctx, w, ["use Net::SSH2;"], body)


def pl_net_snmp(w: Work, ctx: Ctx) -> Job:
    asn1 = {"i": "INTEGER", "s": "OCTET_STRING", "a": "IPADDRESS"}
    body = ["foreach my $h (@hosts) {",
            "    my ($s, $err) = Net::SNMP->session(-hostname => $h, -community => $comm, "
            "-version => 'snmpv2c');", "    die $err unless $s;"]
    vbl = []
    for vb in w.varbinds:
        num = MIB[vb.obj][1]
        val = vb.number if vb.vtype == "i" else f"'{vb.value}'"
        if vb.index == WALK:
            body += _pad([f"my $t = $s->get_table(-baseoid => '{num}') || {{}};",
                          "foreach my $oid (keys %$t) {",
                          f"    $s->set_request(-varbindlist => [$oid, {asn1[vb.vtype]}, {val}]);",
                          "}"])
        else:
            vbl += [f"'{num}.{r}', {asn1[vb.vtype]}, {val}" for r in _rows(w, vb)]
    if vbl:
        body += _pad([f"$s->set_request(-varbindlist => [{', '.join(vbl)}]);"])
    return _pl(ctx, w, ["use Net::SNMP qw(:asn1);"], [*body, "    $s->close;", "}"])


def ansible(w: Work, ctx: Ctx) -> Job:
    play = f"/opt/ems/ansible/{ctx.marker}.yml"
    inv = ctx.host_file or f"/opt/ems/ansible/{ctx.marker}.ini"
    mod = {"ios": ("cisco.ios.ios_config", "cisco.ios.ios_command"),
           "junos": ("junipernetworks.junos.junos_config", "junipernetworks.junos.junos_command")}[w.kind]
    os_ = {"ios": "cisco.ios.ios", "junos": "junipernetworks.junos.junos"}[w.kind]
    if is_config(w):
        lines = cfg_lines(w)
        parents = [ln for ln in lines if ln.startswith("interface ")][:1]
        rest = [ln for ln in lines if ln not in parents]
        task = [f"    - name: sync\n      {mod[0]}:", *( [f"        parents: {parents[0]!r}"]
                if parents else []), "        lines:", *(f"          - {ln!r}" for ln in rest)]
    else:
        task = [f"    - name: run\n      {mod[1]}:", "        commands:",
                *(f"          - {ln!r}" for ln in w.lines)]
    text = "\n".join(["---", *_ticket_comment(w, "#"), "- hosts: all", "  gather_facts: false",
                      "  connection: ansible.netcommon.network_cli",
                      f"  vars:\n    ansible_network_os: {os_}", "  tasks:", *task, ""])
    files = {play: (text, 0o644)}
    if not ctx.host_file:
        files[inv] = ("[atm]\n" + "".join(h + "\n" for h in ctx.hosts), 0o644)
    cmd = f"ansible-playbook -i {inv} {play}  # {ctx.marker}"
    if ctx.host_file:
        files[ctx.host_file] = ("[atm]\n" + "".join(h + "\n" for h in ctx.hosts), 0o644)
    return Job(cmd, files)


# -------------------------------------------------------------------- NETCONF and RESTCONF
def py_ncclient(w: Work, ctx: Ctx) -> Job:
    body = ["for h in HOSTS:",
            "    with manager.connect(host=h, port=830, username='oper', password=PW, "
            "hostkey_verify=False, device_params={'name': 'junos'}) as m:"]
    op = w.lines[0]
    if op == "copy-config":
        body += _pad(["m.copy_config(source='<config><configuration/></config>', target='startup')"], 2)
    elif op == "get-config":
        body += _pad(["print(m.get_config(source='running').data_xml)"], 2)
    else:
        dflt = ", default_operation='replace'" if "replace" in op and ctx.rng.random() < 0.5 else ""
        body += _pad(["m.lock(target='candidate')",
                      f"m.edit_config(target='candidate', config={op!r}{dflt})", "m.commit()",
                      "m.unlock(target='candidate')"], 2)
    text = "\n".join(["#!/usr/bin/env python3", *_ticket_comment(w, "#"),
                      "from ncclient import manager", "",
                      "PW = open('/opt/ems/etc/.pw').read().strip()", *py_hosts(ctx), "", *body, ""])
    return _job(ctx, text, "python3", ".py")


def py_rest(w: Work, ctx: Ctx) -> Job:
    method, path, data = w.lines
    lib = ctx.rng.randrange(3)
    hdr = "{'Content-Type': 'application/yang-data+json', 'Accept': 'application/yang-data+json'}"
    if lib == 0:
        imports = ["import requests"]
        call = (f"requests.{method.lower()}(f'https://{{h}}{path}', auth=('admin', PW), "
                f"verify=False, headers={hdr}" + (f", data={data!r})" if data else ")"))
    elif lib == 1:
        imports = ["import ssl", "import urllib.request"]
        call = (f"urllib.request.urlopen(urllib.request.Request(f'https://{{h}}{path}', "
                f"data={data.encode()!r} if {bool(data)} else None, method={method!r}, "
                f"headers={hdr}), context=ssl._create_unverified_context())")
    else:
        imports = ["import base64", "import http.client", "import ssl"]
        call = (f"c = http.client.HTTPSConnection(h, context=ssl._create_unverified_context()); "
                f"c.request({method!r}, {path!r}, body={data!r} or None, headers=dict({hdr}, "
                "Authorization='Basic ' + base64.b64encode(f'admin:{PW}'.encode()).decode()))")
    body = ["for h in HOSTS:", f"    {call}"]
    text = "\n".join(["#!/usr/bin/env python3", *_ticket_comment(w, "#"), *imports, "",
                      "PW = open('/opt/ems/etc/.pw').read().strip()", *py_hosts(ctx), "", *body, ""])
    return _job(ctx, text, "python3", ".py")


def sh_rest(w: Work, ctx: Ctx) -> Job:
    method, path, data = w.lines
    tool = ctx.rng.randrange(3)
    url = f'"https://$h{path}"'
    if tool == 0:
        line = (f"wget -q -O- --no-check-certificate --user=admin --password=\"$PW\" "
                f"--method={method}" + (f" --body-data={_shq(data)}" if data else "") + f" {url}")
    elif tool == 1:
        line = (f"http --verify=no -a admin:\"$PW\" {method} {url}"
                + (f" <<< {_shq(data)}" if data else ""))
    else:
        line = (f"curl -sk -u admin:\"$PW\" -H 'Content-Type: application/yang-data+json' "
                f"-X{method}" + (f" --data-binary {_shq(data)}" if data else "") + f" {url}")
    return _sh(ctx, w, [line])


Carrier = Callable[[Work, Ctx], Job]
# carrier: (kinds it can send, whether it can walk an SNMP column itself)
CARRIERS: dict[str, tuple[Carrier, frozenset[str], bool]] = {
    "sh-snmpset-spelled": (sh_snmpset_spelled, frozenset({"snmp"}), False),
    "sh-walk-pipe": (sh_walk_pipe, frozenset({"snmp-walk"}), True),
    "sh-arith-oid": (sh_arith, frozenset({"snmp"}), False),
    "py-netsnmp": (py_netsnmp, frozenset({"snmp"}), True),
    "py-easysnmp": (py_easysnmp, frozenset({"snmp"}), True),
    "py-pysnmp7-async": (py_pysnmp7, frozenset({"snmp"}), True),
    "py-pysnmp-oneliner": (py_pysnmp_oneliner, frozenset({"snmp"}), True),
    "py-puresnmp": (py_puresnmp, frozenset({"snmp"}), True),
    "py-oid-tuple": (py_oid_tuple, frozenset({"snmp"}), False),
    "pl-snmp-session": (pl_snmp_session, frozenset({"snmp"}), True),
    "pl-snmp-util": (pl_snmp_util, frozenset({"snmp"}), True),
    "pl-net-snmp": (pl_net_snmp, frozenset({"snmp"}), True),
    "tcl-scotty": (tcl_scotty, frozenset({"snmp"}), True),
    "py-netmiko-file": (py_netmiko_file, frozenset({"ios", "junos"}), False),
    "py-netmiko-channel": (py_netmiko_channel, frozenset({"ios", "junos"}), False),
    "py-scrapli": (py_scrapli, frozenset({"ios", "junos"}), False),
    "py-napalm": (py_napalm, frozenset({"ios", "junos"}), False),
    "py-pyez": (py_pyez, frozenset({"junos"}), False),
    "py-paramiko-shell": (py_paramiko_shell, frozenset({"ios", "junos"}), False),
    "py-asyncssh": (py_asyncssh, frozenset({"ios", "junos"}), False),
    "py-socket": (py_socket, frozenset({"tl1", "ios"}), False),
    "py-pxssh": (py_pxssh, frozenset({"ios", "junos"}), False),
    "sh-dev-tcp": (sh_devtcp, frozenset({"tl1", "ios"}), False),
    "sh-telnet-group": (sh_telnet_group, frozenset({"tl1", "ios"}), False),
    "sh-clogin": (sh_clogin, frozenset({"ios", "junos"}), False),
    "sh-printf-args-ssh": (sh_printf_args, frozenset({"ios", "junos"}), False),
    "sh-expect-heredoc": (sh_expect_heredoc, frozenset({"ios", "junos", "tl1"}), False),
    "pl-expect": (pl_expect, frozenset({"ios", "junos", "tl1"}), False),
    "pl-openssh": (pl_openssh, frozenset({"ios", "junos"}), False),
    "pl-telnet": (pl_telnet, frozenset({"ios", "junos", "tl1"}), False),
    "pl-appliance-session": (pl_appliance, frozenset({"ios", "junos"}), False),
    "pl-control-cli": (pl_control_cli, frozenset({"ios", "junos"}), False),
    "pl-ssh-perl": (pl_ssh_perl, frozenset({"ios", "junos"}), False),
    "pl-openssh-pipe": (pl_openssh_pipe, frozenset({"ios", "junos"}), False),
    "pl-ssh2-channel": (pl_ssh2, frozenset({"ios", "junos"}), False),
    "ansible-playbook": (ansible, frozenset({"ios", "junos"}), False),
    "py-ncclient": (py_ncclient, frozenset({"netconf"}), False),
    "py-rest": (py_rest, frozenset({"rest"}), False),
    "sh-rest": (sh_rest, frozenset({"rest"}), False),
}
