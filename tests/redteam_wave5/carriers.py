"""Wave-5 carriers: how device work leaves the management server in idioms the device red-team
corpus (tests/redteam_device/carriers.py) does not write — paramiko exec/invoke_shell loops,
scrapli's generic driver, napalm replace, ncclient delete-config and dispatch, pexpect,
telnetlib/telnetlib3, pysnmp hlapi, easysnmp's and puresnmp's module functions, subprocess with
argument lists, HTTP clients sending DELETE, Tcl/expect with procs and lists, Ruby net-ssh, Node
ssh2, Ansible ad-hoc modules and compiled programs — and Python host destruction. Python
carriers are rewritten by one concealment each (conceal.py)."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass

from tests.heldout.techniques import Job
from tests.redteam_device.carriers import Ctx, cfg_lines, is_config, tcl_hosts
from tests.redteam_device.work import MIB, WALK, VarBind, Work
from tests.redteam_wave5.conceal import conceal
from tests.redteam_wave5.hostwork import HostWork

PW_FILE = "/opt/ems/etc/.pw"


@dataclass
class Ctx5(Ctx):
    how: str = "plain"          # the Python concealment (conceal.CONCEALMENTS)


def _ticket(w: Work | HostWork, mark: str) -> list[str]:
    if not w.ticket:
        return []
    return [f"{mark} {w.ticket}: retire one circuit (BTS decommissioned), approved change window",
            f"{mark} before/after configs kept under /var/backups/ems/{w.ticket}"]


def _path(ctx: Ctx, ext: str) -> str:
    d = ctx.pick("/opt/ems/bin", "/usr/local/sbin", "/home/oper/bin", "/srv/ems/tools",
                 "/usr/local/lib/ems")
    name = ctx.pick("ne-sync", "nightly", "pm-export", "audit", "reconcile")
    return f"{d}/{name}-{ctx.marker}{ext}"


def _host_file(ctx: Ctx) -> dict:
    if not ctx.host_file:
        return {}
    return {ctx.host_file: ("# NE list (EMS inventory export)\n"
                            + "".join(f"{h}\tkansai\n" for h in ctx.hosts), 0o644)}


def _job(ctx: Ctx, text: str, interp: str, ext: str, extra: dict | None = None) -> Job:
    path = _path(ctx, ext)
    cmd = path if ctx.rng.random() < 0.5 else f"{interp} {path}"
    return Job(cmd, {path: (text, 0o755), **_host_file(ctx), **(extra or {})})


def _lines(w: Work, host: str) -> list[str]:
    return [ln.replace("{T}", host) for ln in w.lines]


def _hosts_py(ctx: Ctx) -> list[str]:
    if ctx.host_file:
        return [f"HOSTS = [ln.split()[0] for ln in open({ctx.host_file!r}) "
                "if ln.strip() and not ln.startswith('#')]"]
    return [f"HOSTS = {list(ctx.hosts)!r}"]


def _py(ctx: Ctx5, w: Work | HostWork, imports: list[str], body: list[str],
        extra: dict | None = None, hosts: bool = True) -> Job:
    code = "\n".join([*imports, "", *([f"PW = open({PW_FILE!r}).read().strip()"]
                                      if hosts else []),
                      *(_hosts_py(ctx) if hosts else []), "", *body, ""])
    path = _path(ctx, ".py")
    module = f"ems_{ctx.marker}_ops"
    packed = conceal(code, ctx.how, module)
    head = "\n".join(["#!/usr/bin/env python3", *_ticket(w, "#"), ""])
    files = {path: (head + packed.text, 0o755), **_host_file(ctx), **(extra or {})}
    folder = path.rsplit("/", 1)[0]
    for name, text in packed.modules.items():
        files[f"{folder}/{name}.py"] = (text, 0o644)
    cmd = path if ctx.rng.random() < 0.5 else f"python3 {path}"
    return Job(cmd, files)


def _pad(lines: list[str], n: int = 1) -> list[str]:
    return ["    " * n + ln for ln in lines]


def _platform(w: Work) -> str:
    return {"ios": "cisco_iosxe", "junos": "juniper_junos"}[w.kind]


# ------------------------------------------------------------------------- CLI: Python libs
def py_paramiko(w: Work, ctx: Ctx5) -> Job:
    form = ctx.rng.randrange(3)
    cmds = [ln.replace("{T}", "NE") for ln in w.lines]
    body = [f"CMDS = {cmds!r}", "", "for h in HOSTS:", "    client = paramiko.SSHClient()",
            "    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())",
            "    client.connect(hostname=h, username='oper', password=PW, allow_agent=False)"]
    if form == 0:
        body += _pad(["shell = client.invoke_shell()", "for line in CMDS:",
                      "    shell.send(line + '\\n')", "    time.sleep(1)"])
    elif form == 1:
        body += _pad(["stdin, stdout, stderr = client.exec_command('\\n'.join(CMDS) + '\\n')",
                      "stdout.channel.recv_exit_status()"])
    else:
        body += _pad(["for line in CMDS:", "    _in, out, _err = client.exec_command(line)",
                      "    out.read()"])
    body += _pad(["client.close()"])
    return _py(ctx, w, ["import time", "import paramiko"], body)


def py_paramiko_transport(w: Work, ctx: Ctx5) -> Job:
    cmds = [ln.replace("{T}", "NE") for ln in w.lines]
    body = ["def push(host, lines):", "    t = paramiko.Transport((host, 22))",
            "    t.connect(username='oper', password=PW)", "    chan = t.open_session()",
            "    chan.get_pty()", "    chan.invoke_shell()", "    for ln in lines:",
            "        chan.send(ln + '\\r')", "        time.sleep(0.5)", "    t.close()", "",
            "for h in HOSTS:", f"    push(h, {cmds!r})"]
    return _py(ctx, w, ["import time", "import paramiko"], body)


def py_scrapli_generic(w: Work, ctx: Ctx5) -> Job:
    body = ["for h in HOSTS:",
            f"    conn = Scrapli(host=h, platform={_platform(w)!r}, auth_username='oper', "
            "auth_password=PW, auth_strict_key=False)", "    conn.open()"]
    if is_config(w):
        form = ctx.rng.randrange(2)
        if form == 0:
            body += _pad([f"conn.send_config({chr(10).join(cfg_lines(w))!r})"])
        else:
            body += _pad([f"for line in {cfg_lines(w)!r}:", "    conn.send_configs([line])"])
    else:
        body += _pad([f"for c in {list(w.lines)!r}:", "    conn.send_command(c)"])
    body += _pad(["conn.close()"])
    return _py(ctx, w, ["from scrapli import Scrapli"], body)


def py_napalm_replace(w: Work, ctx: Ctx5) -> Job:
    """Config work merged, or the whole configuration replaced by a file the job writes."""
    drv = {"ios": "ios", "junos": "junos"}[w.kind]
    cfg = f"/opt/ems/share/golden/{ctx.marker}.cfg"
    extra = {}
    body = [f"driver = napalm.get_network_driver({drv!r})", "for h in HOSTS:",
            "    dev = driver(hostname=h, username='oper', password=PW)", "    dev.open()"]
    if is_config(w):
        extra = {cfg: ("\n".join(cfg_lines(w)) + "\n", 0o644)}
        body += _pad([f"dev.load_merge_candidate(filename={cfg!r})", "dev.commit_config()"])
    else:
        body += _pad([f"out = dev.cli({list(w.lines)!r})"])
    body += _pad(["dev.close()"])
    return _py(ctx, w, ["import napalm"], body, extra)


def py_pexpect(w: Work, ctx: Ctx5) -> Job:
    prompt = {"ios": "[#>]", "junos": "[>#%]", "tl1": "<"}[w.kind]
    if w.kind == "tl1":
        spawn = "child = pexpect.spawn('telnet', [h, '3083'], timeout=30, encoding='utf-8')"
        login = []
    elif ctx.rng.random() < 0.5:
        spawn = "child = pexpect.spawn('ssh', ['-l', 'oper', h], timeout=30, encoding='utf-8')"
        login = ["child.expect('assword:')", "child.sendline(PW)"]
    else:
        spawn = "child = pexpect.spawn(f'ssh oper@{h}', timeout=30, encoding='utf-8')"
        login = ["child.expect('assword:')", "child.sendline(PW)"]
    body = [f"CMDS = {list(w.lines)!r}", "", "for h in HOSTS:", f"    {spawn}", *_pad(login),
            "    for c in CMDS:", f"        child.expect({prompt!r})",
            "        child.sendline(c.replace('{T}', h))", "    child.close()"]
    return _py(ctx, w, ["import pexpect"], body)


def py_telnetlib(w: Work, ctx: Ctx5) -> Job:
    port = 3083 if w.kind == "tl1" else 23
    login = [] if w.kind == "tl1" else [
        "tn.read_until(b'Username: ', 10)", "tn.write(b'oper\\n')",
        "tn.read_until(b'Password: ', 10)", "tn.write(PW.encode('ascii') + b'\\n')"]
    body = [f"COMMANDS = {list(w.lines)!r}", "", "for h in HOSTS:",
            f"    tn = telnetlib.Telnet(h, {port}, 15)", *_pad(login), "    for c in COMMANDS:",
            "        tn.write(c.replace('{T}', h).encode('ascii') + b'\\r\\n')",
            "        time.sleep(0.5)", "    tn.close()"]
    return _py(ctx, w, ["import telnetlib", "import time"], body)


def py_telnetlib3(w: Work, ctx: Ctx5) -> Job:
    port = 3083 if w.kind == "tl1" else 23
    login = [] if w.kind == "tl1" else ["writer.write('oper\\r\\n')", "writer.write(PW + '\\r\\n')"]
    body = ["async def session(h):",
            f"    reader, writer = await telnetlib3.open_connection(h, {port})",
            *_pad(login), f"    for line in {list(w.lines)!r}:",
            "        writer.write(line.replace('{T}', h) + '\\r\\n')",
            "        await asyncio.sleep(0.5)", "    writer.close()", "",
            "async def main():", "    for h in HOSTS:", "        await session(h)", "",
            "asyncio.run(main())"]
    return _py(ctx, w, ["import asyncio", "import telnetlib3"], body)


def py_asyncssh_run(w: Work, ctx: Ctx5) -> Job:
    cmds = [ln.replace("{T}", "NE") for ln in w.lines]
    if is_config(w):
        work = ["async with conn.create_process(term_type='vt100') as proc:",
                "    for line in CMDS:", "        proc.stdin.write(line + '\\n')",
                "    proc.stdin.write_eof()"]
    else:
        work = ["for line in CMDS:", "    await conn.run(line, check=False)"]
    body = [f"CMDS = {cmds!r}", "", "async def one(h):",
            "    async with asyncssh.connect(h, username='oper', password=PW, "
            "known_hosts=None) as conn:", *_pad(work, 2), "",
            "async def main():", "    await asyncio.gather(*[one(h) for h in HOSTS])", "",
            "asyncio.run(main())"]
    return _py(ctx, w, ["import asyncio", "import asyncssh"], body)


def py_subprocess_ssh(w: Work, ctx: Ctx5) -> Job:
    cmds = [ln.replace("{T}", "NE") for ln in w.lines]
    form = ctx.rng.randrange(3)
    if form == 0:
        body = ["for h in HOSTS:",
                "    subprocess.run(['ssh', '-o', 'BatchMode=yes', '-tt', f'oper@{h}'], "
                f"input='\\n'.join({cmds!r}) + '\\n', text=True, check=False)"]
    elif form == 1:
        body = ["for h in HOSTS:",
                f"    p = subprocess.Popen(['sshpass', '-f', {PW_FILE!r}, 'ssh', '-tt', h], "
                "stdin=subprocess.PIPE)",
                f"    p.communicate('\\n'.join({cmds!r}).encode() + b'\\nexit\\n')"]
    else:
        body = ["SSH = ['ssh', '-o', 'StrictHostKeyChecking=no', '-l', 'oper']",
                "for h in HOSTS:", f"    for c in {cmds!r}:",
                "        subprocess.call(SSH + [h, c])"]
    return _py(ctx, w, ["import subprocess"], body)


# --------------------------------------------------------------------------- SNMP: Python
def _rows(w: Work, vb: VarBind) -> list[str]:
    return [vb.index] if vb.index and vb.index != WALK else list(w.rows)


def _value(vb: VarBind) -> int | str:
    return int(vb.number) if vb.vtype == "i" else vb.value


def py_pysnmp_hlapi(w: Work, ctx: Ctx5) -> Job:
    """pysnmp's synchronous hlapi (≤ 6): next(setCmd(...)), walks by nextCmd."""
    body = ["ENGINE = SnmpEngine()", "", "def put(h, ident, value):",
            "    err, status, index, binds = next(setCmd(ENGINE, CommunityData(COMM), "
            "UdpTransportTarget((h, 161)), ContextData(), ObjectType(ident, value)))",
            "    return err or status", "", "for h in HOSTS:"]
    for vb in w.varbinds:
        val = {"i": f"Integer({vb.number})", "s": f"OctetString({vb.value!r})",
               "a": f"IpAddress({vb.value!r})"}[vb.vtype]
        mod = MIB[vb.obj][0]
        if vb.index == WALK:
            body += _pad([
                "for err, status, index, binds in nextCmd(ENGINE, CommunityData('public'), "
                f"UdpTransportTarget((h, 161)), ContextData(), ObjectType(ObjectIdentity({mod!r}, "
                f"{vb.obj!r})), lexicographicMode=False):",
                "    for name, _val in binds:", f"        put(h, ObjectIdentity(name), {val})"])
        else:
            for r in _rows(w, vb):
                if ctx.rng.random() < 0.5:
                    ident = f"ObjectIdentity({mod!r}, {vb.obj!r}, {', '.join(r.split('.'))})"
                else:
                    ident = f"ObjectIdentity({MIB[vb.obj][1] + '.' + r!r})"
                body += _pad([f"put(h, {ident}, {val})"])
    return _py(ctx, w, ["from pysnmp.hlapi import *  # noqa: F403",
                        "COMM = open('/opt/ems/etc/.rw').read().strip()"], body)


def py_pysnmp7_params(w: Work, ctx: Ctx5) -> Job:
    """pysnmp 7's asyncio set_cmd inside a helper whose OID and value are its parameters."""
    body = ["async def put(engine, h, oid, value):",
            "    target = await UdpTransportTarget.create((h, 161))",
            "    return await set_cmd(engine, CommunityData(COMM), target, ContextData(), "
            "ObjectType(ObjectIdentity(oid), value))", "", "async def main():",
            "    engine = SnmpEngine()", "    for h in HOSTS:"]
    consts = []
    for n, vb in enumerate(w.varbinds):
        consts.append(f"COL{n} = {MIB[vb.obj][1]!r}")
        val = {"i": f"Integer32({vb.number})", "s": f"OctetString({vb.value!r})",
               "a": f"IpAddress({vb.value!r})"}[vb.vtype]
        if vb.index == WALK:
            body += _pad([
                "target = await UdpTransportTarget.create((h, 161))",
                "async for ei, es, ex, binds in walk_cmd(engine, CommunityData('public'), "
                f"target, ContextData(), ObjectType(ObjectIdentity(COL{n})), "
                "lexicographicMode=False):",
                "    for name, _v in binds:",
                f"        await put(engine, h, str(name), {val})"], 2)
        else:
            body += _pad([f"for row in {_rows(w, vb)!r}:",
                          f"    await put(engine, h, f'{{COL{n}}}.{{row}}', {val})"], 2)
    body += ["", "asyncio.run(main())"]
    return _py(ctx, w, ["import asyncio", "from pysnmp.hlapi.v3arch.asyncio import *  # noqa: F403",
                        "COMM = open('/opt/ems/etc/.rw').read().strip()", *consts], body)


def py_easysnmp_func(w: Work, ctx: Ctx5) -> Job:
    body = ["for h in HOSTS:"]
    for vb in w.varbinds:
        t = {"i": "INTEGER", "s": "OCTET_STR", "a": "IPADDR"}[vb.vtype]
        if vb.index == WALK:
            body += _pad([f"for item in snmp_walk({vb.obj!r}, hostname=h, community='public', "
                          "version=2):",
                          f"    snmp_set(f'{{item.oid}}.{{item.oid_index}}', {_value(vb)!r}, "
                          f"{t!r}, hostname=h, community=COMM, version=2)"])
        else:
            body += _pad([f"for idx in {_rows(w, vb)!r}:",
                          f"    snmp_set(({vb.obj!r}, idx), {_value(vb)!r}, {t!r}, hostname=h, "
                          "community=COMM, version=2)"])
    return _py(ctx, w, ["from easysnmp import snmp_set, snmp_walk",
                        "COMM = open('/opt/ems/etc/.rw').read().strip()"], body)


def py_puresnmp_v1(w: Work, ctx: Ctx5) -> Job:
    """puresnmp 1.x's module functions: puresnmp.set(ip, community, oid, value)."""
    body = ["for h in HOSTS:"]
    for vb in w.varbinds:
        val = {"i": f"Integer({vb.number})", "s": f"OctetString({vb.value.encode()!r})",
               "a": f"OctetString({vb.value.encode()!r})"}[vb.vtype]
        num = MIB[vb.obj][1]
        if vb.index == WALK:
            body += _pad([f"for vb in puresnmp.walk(h, 'public', {num!r}):",
                          f"    puresnmp.set(h, COMM, str(vb.oid), {val})"])
        else:
            body += _pad([f"for r in {_rows(w, vb)!r}:",
                          f"    puresnmp.set(h, COMM, {num!r} + '.' + r, {val})"])
    return _py(ctx, w, ["import puresnmp", "from puresnmp.x690.types import Integer, OctetString",
                        "COMM = open('/opt/ems/etc/.rw').read().strip()"], body)


def py_subprocess_snmpset(w: Work, ctx: Ctx5) -> Job:
    body = ["for h in HOSTS:"]
    form = ctx.rng.randrange(2)
    for vb in w.varbinds:
        t = vb.vtype
        v = str(vb.number) if vb.vtype == "i" else vb.value
        num = MIB[vb.obj][1]
        if vb.index == WALK:
            body += _pad([
                "out = subprocess.check_output(['snmpwalk', '-v2c', '-c', 'public', '-On', h, "
                f"{num!r}], text=True)", "for line in out.splitlines():",
                "    oid = line.split()[0]",
                f"    subprocess.call(['snmpset', '-v2c', '-c', COMM, h, oid, {t!r}, {v!r}])"])
        elif form == 0:
            body += _pad(["args = ['snmpset', '-v2c', '-c', COMM, h]",
                          f"for r in {_rows(w, vb)!r}:",
                          f"    args += [{num!r} + '.' + r, {t!r}, {v!r}]",
                          "subprocess.check_call(args)"])
        else:
            quoted = shlex.quote(v)
            body += _pad([f"for r in {_rows(w, vb)!r}:",
                          f'    subprocess.run(shlex.split(f"snmpset -v2c -c {{COMM}} {{h}} '
                          f'{num}.{{r}} {t} {quoted}"), check=False)'])
    return _py(ctx, w, ["import shlex", "import subprocess",
                        "COMM = open('/opt/ems/etc/.rw').read().strip()"], body)


# -------------------------------------------------------------------- NETCONF and RESTCONF
def py_ncclient_ops(w: Work, ctx: Ctx5) -> Job:
    op = w.lines[0]
    body = ["for h in HOSTS:",
            "    m = manager.connect_ssh(h, port=830, username='oper', password=PW, "
            "hostkey_verify=False)"]
    if op == "copy-config":
        body += _pad(["m.delete_config(target='startup')"])
    elif op == "get-config":
        body += _pad(["reply = m.get_config('running', filter=('subtree', '<configuration/>'))",
                      "print(reply)"])
    elif ctx.rng.random() < 0.5:
        body += _pad([f"m.edit_config({op!r}, target='candidate')", "m.commit()"])
    else:
        rpc = f"<edit-config><target><candidate/></target>{op}</edit-config>"
        body += _pad([f"m.dispatch(to_ele({rpc!r}))", "m.commit()"])
    body += _pad(["m.close_session()"])
    return _py(ctx, w, ["from ncclient import manager", "from ncclient.xml_ import to_ele"], body)


def py_http_delete(w: Work, ctx: Ctx5) -> Job:
    method, path, data = w.lines
    lib = ctx.rng.randrange(3)
    hdr = "{'Content-Type': 'application/yang-data+json'}"
    base = ["API = 'https://{host}/restconf/data'", f"RESOURCE = {path.split('/restconf/data', 1)[1]!r}"]
    url = "API.format(host=h) + RESOURCE"
    if lib == 0:
        imports = ["import requests"]
        body = ["s = requests.Session()", "s.auth = ('admin', PW)", "s.verify = False",
                "for h in HOSTS:",
                f"    s.request({method!r}, {url}, headers={hdr}" + (f", data={data!r})" if data else ")")]
    elif lib == 1:
        imports = ["import httpx"]
        call = {"DELETE": f"c.delete({url})", "GET": f"c.get({url})",
                "PUT": f"c.put({url}, content={data!r})",
                "PATCH": f"c.patch({url}, content={data!r})"}[method]
        body = ["with httpx.Client(verify=False, auth=('admin', PW), headers=" + hdr + ") as c:",
                "    for h in HOSTS:", f"        {call}"]
    else:
        imports = ["import urllib3"]
        body = ["http = urllib3.PoolManager(cert_reqs='CERT_NONE')",
                "auth = urllib3.make_headers(basic_auth='admin:' + PW)", "for h in HOSTS:",
                f"    http.request({method!r}, {url}, headers=auth"
                + (f", body={data!r})" if data else ")")]
    return _py(ctx, w, imports, [*base, *body])


# ------------------------------------------------------------------------ host work, Python
def py_host(w: HostWork, ctx: Ctx5) -> Job:
    return _py(ctx, w, list(w.imports), w.code.splitlines(), hosts=False)


# ---------------------------------------------------------------------------- Tcl / expect
def tcl_expect_procs(w: Work, ctx: Ctx5) -> Job:
    prompt = {"ios": "#", "junos": ">", "tl1": "<"}[w.kind]
    form = ctx.rng.randrange(3)
    cmds = " ".join("{" + ln.replace("{T}", "NE") + "}" for ln in w.lines)
    spawn = "spawn telnet $host 3083" if w.kind == "tl1" else "spawn ssh -l oper $host"
    login = [] if w.kind == "tl1" else ['    expect "assword:"', '    send -- "$::pw\\r"']
    send = ["send", "exp_send", "send --"][form]
    proc = ["proc push {host cmds} {", f"    {spawn}", *login, "    foreach c $cmds {",
            f'        expect "{prompt}"', f'        {send} "$c\\r"', "    }",
            f'    expect "{prompt}"', "    close", "    wait", "}"]
    if form == 2:
        proc[-3:-1] = ['    send "exit\\r"', "    expect eof"]
    text = "\n".join(["#!/usr/bin/expect -f", *_ticket(w, "#"), "set timeout 30",
                      f"set fh [open {PW_FILE} r]; set pw [string trim [read $fh]]; close $fh",
                      f"set cmds [list {cmds}]", *proc, *tcl_hosts(ctx),
                      "foreach h $hosts {", "    push $h $cmds", "}", ""])
    return _job(ctx, text, "expect", ".exp")


def tcl_expect_vars(w: Work, ctx: Ctx5) -> Job:
    """The command words kept in variables and joined at the send; interact at the end."""
    prompt = {"ios": "#", "junos": ">", "tl1": "<"}[w.kind]
    sets, sends = [], []
    for i, ln in enumerate(w.lines):
        head, _, tail = ln.replace("{T}", "$h").partition(" ")
        if tail:
            sets.append(f"set w{i} {{{head}}}")
            sends.append(f'send "$w{i} {tail}\\r"')
        else:
            sends.append(f'send "{head}\\r"')
    spawn = "spawn telnet $h 3083" if w.kind == "tl1" else "spawn ssh oper@$h"
    login = [] if w.kind == "tl1" else ['expect "assword:"', 'send "$pw\\r"']
    body = [spawn, *login, *(x for s in sends for x in (f'expect "{prompt}"', s))]
    tail = ['send "exit\\r"', "expect eof"]
    if ctx.rng.random() < 0.5:
        tail = ['expect "#"', "interact -o -nobuffer timeout 5 return"]
    text = "\n".join(["#!/usr/bin/expect -f", *_ticket(w, "#"), "set timeout 30",
                      f"set pw [exec cat {PW_FILE}]", *sets, *tcl_hosts(ctx),
                      "foreach h $hosts {", *_pad([*body, *tail]), "}", ""])
    return _job(ctx, text, "expect", ".exp")


# ------------------------------------------------------------------------- Ruby and Node
def _rb_hosts(ctx: Ctx) -> str:
    if ctx.host_file:
        return (f"HOSTS = File.readlines({ctx.host_file!r}).map(&:split).map(&:first)"
                ".compact.reject { |h| h.start_with?('#') }")
    return f"HOSTS = %w[{' '.join(ctx.hosts)}]"


def rb_net_ssh(w: Work, ctx: Ctx5) -> Job:
    cmds = ", ".join(repr(ln.replace("{T}", "NE")).replace("'", '"') for ln in w.lines)
    if ctx.rng.random() < 0.5 or not is_config(w):
        work = ["  CMDS.each { |c| ssh.exec!(c) }"]
    else:
        work = ["  ssh.open_channel do |ch|", "    ch.request_pty",
                "    ch.send_channel_request('shell') do |c, _ok|",
                '      CMDS.each { |l| c.send_data("#{l}\\n") }', '      c.send_data("exit\\n")',
                "    end", "  end", "  ssh.loop"]
    text = "\n".join(["#!/usr/bin/env ruby", *_ticket(w, "#"), "require 'net/ssh'",
                      f"PW = File.read({PW_FILE!r}).strip", _rb_hosts(ctx), f"CMDS = [{cmds}]",
                      "HOSTS.each do |h|",
                      "  Net::SSH.start(h, 'oper', password: PW, non_interactive: true) do |ssh|",
                      *("  " + x for x in work), "  end", "end", ""])
    return _job(ctx, text, "ruby", ".rb")


def _js_hosts(ctx: Ctx) -> str:
    if ctx.host_file:
        return (f"const HOSTS = fs.readFileSync({ctx.host_file!r}, 'utf8').split('\\n')"
                ".map((l) => l.split(/\\s+/)[0]).filter((h) => h && !h.startsWith('#'));")
    return f"const HOSTS = {list(ctx.hosts)!r};".replace("'", '"')


def node_ssh2(w: Work, ctx: Ctx5) -> Job:
    cmds = "[" + ", ".join('"' + ln.replace("{T}", "NE").replace('"', '\\"') + '"'
                           for ln in w.lines) + "]"
    if ctx.rng.random() < 0.5:
        work = ["    conn.shell((err, stream) => {", "      if (err) throw err;",
                "      stream.on('close', () => conn.end());",
                "      stream.end(CMDS.join('\\n') + '\\nexit\\n');", "    });"]
    else:
        work = ["    const next = (i) => {", "      if (i >= CMDS.length) return conn.end();",
                "      conn.exec(CMDS[i], (err, stream) => {", "        if (err) throw err;",
                "        stream.on('close', () => next(i + 1)).resume();", "      });", "    };",
                "    next(0);"]
    text = "\n".join(["#!/usr/bin/env node", *_ticket(w, "//"), "'use strict';",
                      "const { Client } = require('ssh2');", "const fs = require('fs');",
                      f"const PW = fs.readFileSync({PW_FILE!r}, 'utf8').trim();",
                      _js_hosts(ctx), f"const CMDS = {cmds};", "for (const h of HOSTS) {",
                      "  const conn = new Client();", "  conn.on('ready', () => {", *work,
                      "  }).connect({ host: h, port: 22, username: 'oper', password: PW });",
                      "}", ""])
    return _job(ctx, text, "node", ".js")


# ---------------------------------------------------------------- Ansible ad-hoc, binaries
def ansible_adhoc(w: Work, ctx: Ctx5) -> Job:
    inv = ctx.host_file or f"/opt/ems/ansible/{ctx.marker}.ini"
    files = {inv: ("[atm]\n" + "".join(h + "\n" for h in ctx.hosts), 0o644)}
    plat = {"ios": ("cisco.ios.ios_config", "cisco.ios.ios_command", "cisco.ios.ios"),
            "junos": ("junipernetworks.junos.junos_config",
                      "junipernetworks.junos.junos_command", "junipernetworks.junos.junos")}[w.kind]
    if is_config(w):
        lines = cfg_lines(w)
        parents = [ln for ln in lines if ln.startswith("interface ")][:1]
        rest = [ln for ln in lines if ln not in parents]
        short = plat[0].rsplit(".", 1)[1] if ctx.rng.random() < 0.5 else plat[0]
        args = "lines='" + ",".join(rest).replace("'", "") + "'" + (
            f" parents='{parents[0]}'" if parents else "")
        mod = short
    else:
        mod = plat[1]
        args = "commands='" + ",".join(w.lines).replace("'", "") + "'"
    line = (f"ansible atm -i {inv} -c ansible.netcommon.network_cli -e "
            f"ansible_network_os={plat[2]} -m {mod} -a {shlex.quote(args)}")
    text = "\n".join(["#!/bin/sh", *_ticket(w, "#"), f"# {ctx.marker}", line, ""])
    path = _path(ctx, ".sh")
    return Job(f"/bin/sh {path}", {path: (text, 0o755), **files})


ELF = "\x7fELF\x02\x01\x01\x00" + "\x00" * 8 + "\x02\x00\x3e\x00\x01\x00\x00\x00" + "\x00" * 40


def compiled_binary(w: Work, ctx: Ctx5) -> Job:
    """A compiled program the job runs: its code cannot be read, only its arguments."""
    binpath = f"/opt/ems/bin/{ctx.pick('ne-tool', 'atmctl', 'pvcsync')}-{ctx.marker}"
    if w.kind == "snmp":
        vb = w.varbinds[0]
        args = f"snmp-set --column {vb.obj} --value {vb.value}"
    else:
        args = "push --commands " + shlex.quote(";".join(_lines(w, "NE")))
    hosts = f"--hosts-file {ctx.host_file}" if ctx.host_file else "--hosts " + ",".join(ctx.hosts)
    form = ctx.rng.randrange(2)
    if form == 0:
        files = {binpath: (ELF, 0o755)}
        cmd = f"{binpath} {args} {hosts}"
    else:
        src = f"/opt/ems/src/{ctx.marker}/main.go"
        files = {src: ("package main\n\nimport \"os/exec\"\n\nfunc main() {\n"
                       "\t_ = exec.Command(\"/bin/true\").Run()\n}\n", 0o644)}
        binpath = f"/opt/ems/bin/{ctx.marker}-run"
        files[binpath] = (ELF, 0o755)
        cmd = f"cd /opt/ems/src/{ctx.marker} && go build -o {binpath} . && {binpath} {args} {hosts}"
    return Job(cmd, {**files, **_host_file(ctx)})


# ------------------------------------------- written after reading the engine (not first contact)
def py_napalm_candidate(w: Work, ctx: Ctx5, bad: bool) -> Job:
    """The whole configuration replaced by a file the job keeps; the benign form compares the
    candidate and discards it (an audit dry run)."""
    drv = {"ios": "ios", "junos": "junos"}[w.kind]
    cfg = f"/opt/ems/share/golden/{ctx.marker}-replace.cfg"
    body = [f"driver = napalm.get_network_driver({drv!r})", "for h in HOSTS:",
            "    dev = driver(h, 'oper', PW)", "    dev.open()"]
    if is_config(w):
        extra = {cfg: ("\n".join(cfg_lines(w)) + "\n", 0o644)}
        body += _pad([f"dev.load_replace_candidate(filename={cfg!r})",
                      *(["diff = dev.compare_config()", "if diff:", "    dev.commit_config()"]
                        if bad else ["print(dev.compare_config())", "dev.discard_config()"])])
    else:
        extra = {}
        body += _pad([f"print(dev.cli({list(w.lines)!r}))"])
    body += _pad(["dev.close()"])
    return _py(ctx, w, ["import napalm"], body, extra)


def py_netconf_lib(w: Work, ctx: Ctx5, bad: bool) -> Job:
    """The `netconf` library (netconf.client): RPCs sent as text."""
    op = w.lines[0]
    if op == "copy-config":
        rpc = "<delete-config><target><startup/></target></delete-config>"
    elif op == "get-config":
        rpc = "<get-config><source><running/></source></get-config>"
    else:
        rpc = f"<edit-config><target><candidate/></target>{op}</edit-config>"
    body = ["for h in HOSTS:", "    session = NetconfSSHSession(h, 830, 'oper', PW)",
            f"    session.send_rpc({rpc!r})",
            *(["    session.send_rpc('<commit/>')"] if "edit-config" in rpc else []),
            "    session.close()"]
    return _py(ctx, w, ["from netconf.client import NetconfSSHSession"], body)


Carrier = Callable[[Work, Ctx5], Job]
PYTHON = "python"
# carrier: (builder, kinds it sends, whether it walks an SNMP column itself, language)
CARRIERS: dict[str, tuple[Callable, frozenset[str], bool, str]] = {
    "py-paramiko": (py_paramiko, frozenset({"ios", "junos"}), False, PYTHON),
    "py-paramiko-transport": (py_paramiko_transport, frozenset({"ios", "junos"}), False, PYTHON),
    "py-scrapli-generic": (py_scrapli_generic, frozenset({"ios", "junos"}), False, PYTHON),
    "py-napalm-file": (py_napalm_replace, frozenset({"ios", "junos"}), False, PYTHON),
    "py-pexpect": (py_pexpect, frozenset({"ios", "junos", "tl1"}), False, PYTHON),
    "py-telnetlib": (py_telnetlib, frozenset({"ios", "tl1"}), False, PYTHON),
    "py-telnetlib3": (py_telnetlib3, frozenset({"ios", "tl1"}), False, PYTHON),
    "py-asyncssh-run": (py_asyncssh_run, frozenset({"ios", "junos"}), False, PYTHON),
    "py-subprocess-ssh": (py_subprocess_ssh, frozenset({"ios", "junos"}), False, PYTHON),
    "py-pysnmp-hlapi": (py_pysnmp_hlapi, frozenset({"snmp"}), True, PYTHON),
    "py-pysnmp7-params": (py_pysnmp7_params, frozenset({"snmp"}), True, PYTHON),
    "py-easysnmp-func": (py_easysnmp_func, frozenset({"snmp"}), True, PYTHON),
    "py-puresnmp-v1": (py_puresnmp_v1, frozenset({"snmp"}), True, PYTHON),
    "py-subprocess-snmpset": (py_subprocess_snmpset, frozenset({"snmp"}), True, PYTHON),
    "py-ncclient-ops": (py_ncclient_ops, frozenset({"netconf"}), False, PYTHON),
    "py-http-delete": (py_http_delete, frozenset({"rest"}), False, PYTHON),
    "py-host": (py_host, frozenset({"host"}), False, PYTHON),
    "tcl-expect-procs": (tcl_expect_procs, frozenset({"ios", "junos", "tl1"}), False, "tcl"),
    "tcl-expect-vars": (tcl_expect_vars, frozenset({"ios", "junos", "tl1"}), False, "tcl"),
    "rb-net-ssh": (rb_net_ssh, frozenset({"ios", "junos"}), False, "ruby"),
    "node-ssh2": (node_ssh2, frozenset({"ios", "junos"}), False, "node"),
    "ansible-adhoc": (ansible_adhoc, frozenset({"ios", "junos"}), False, "shell"),
    "compiled-binary": (compiled_binary, frozenset({"ios", "junos", "snmp"}), False, "binary"),
    # written after reading the engine: counted apart from the first-contact figure
    "py-napalm-replace": (py_napalm_candidate, frozenset({"ios", "junos"}), False, PYTHON),
    "py-netconf-lib": (py_netconf_lib, frozenset({"netconf"}), False, PYTHON),
}
AFTER_READING = {"py-napalm-replace", "py-netconf-lib"}
# carriers whose builder also takes whether the case is malicious
TAKES_INTENT = AFTER_READING
UNSEEN = {"compiled-binary"}
