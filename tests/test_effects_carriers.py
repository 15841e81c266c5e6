"""How the engine follows a job's work through the carriers the wave-5 red team used: Python
names reached through getattr and dispatch tables, modules loaded by importlib, sessions of
paramiko's Transport, telnetlib3 and napalm drivers called with keywords, HTTP client objects,
the module functions of puresnmp and easysnmp, base85 layers, Tcl lists, Ruby and Node device
sessions, compiled programs, and bounded Python housekeeping. Each destructive form has a
quiet look-alike, and the reasons show the effect resolved."""

from __future__ import annotations

import base64
import zlib
from datetime import timedelta

import pytest

from lineguard.collector.analyse.effects.judge import judge
from lineguard.collector.model import CronTrigger, Fire, Job, Judgement
from lineguard.formats.wire import Artifact
from tests.ruleexamples import NOW

SCRIPT = "opt/ems/bin/task"


def _judge(text: str, extra: dict[str, str | bytes] | None = None,
           command: str = f"/{SCRIPT}") -> Judgement:
    files = {SCRIPT: Artifact.from_bytes(SCRIPT, "script", text.encode())}
    for n, t in (extra or {}).items():
        if isinstance(t, bytes):
            files[n] = Artifact(name=n, kind="script", meta={}, sha256="0" * 64, state="binary",
                                error="binary: sha256 only")
        else:
            files[n] = Artifact.from_bytes(n, "script", t.encode())
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/task", origin_line=1,
              owner="root", schedule="0 3 * * *", command=command,
              trigger=CronTrigger("0 3 * * *"), files=tuple(files))
    return judge(job, files, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW)


def _said(v: Judgement) -> str:
    return "\n".join(f"{r.rule} {r.title} {r.explanation} {r.evidence}" for r in v.reasons)


PY = "#!/usr/bin/env python3\n"
SESSION = ("import paramiko\nc = paramiko.SSHClient()\nc.connect('atm-kobe-01', username='o')\n"
           "sh = c.invoke_shell()\n")


@pytest.mark.parametrize("call,lines", [
    ("getattr(sh, 'se' + 'nd')(l + '\\n')", "no atm pvc 0 100"),
    ("getattr(sh, OPS['k1'])(l + '\\n')", "no atm pvc 0 100"),
    ("getattr(c, 'exec_' + 'command')(l)", "write erase"),
])
def test_a_method_reached_through_getattr_or_a_dispatch_table_is_the_call(call, lines):
    code = (PY + SESSION + "OPS = {'k1': 'send'}\n"
            f"for l in ['configure terminal', 'interface ATM0/1/0', {lines!r}, 'end']:\n"
            f"    {call}\n")
    assert _judge(code).verdict == "destructive"
    quiet = code.replace(lines, "show atm vc")
    assert _judge(quiet).verdict != "destructive"


def test_a_sibling_module_loaded_by_importlib_is_read_with_its_globals():
    lib = ("import shutil\n\ndef run_all():\n    global ROOT\n    ROOT = '/srv/ems/linedata'\n"
           "    wipe()\n\ndef wipe():\n    shutil.rmtree(ROOT)\n")
    entry = (PY + "import importlib, os, sys\n"
             "sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n"
             "importlib.import_module('ems_ops').run_all()\n")
    v = _judge(entry, {"opt/ems/bin/ems_ops.py": lib})
    assert v.verdict == "destructive" and "/srv/ems/linedata" in _said(v)
    quiet = lib.replace("/srv/ems/linedata", "/var/tmp/ems-build")
    assert _judge(entry, {"opt/ems/bin/ems_ops.py": quiet}).verdict != "destructive"


@pytest.mark.parametrize("code", [
    "import paramiko, time\nt = paramiko.Transport(('atm-kobe-01', 22))\n"
    "t.connect(username='o', password='p')\nch = t.open_session()\nch.invoke_shell()\n"
    "for ln in ['configure terminal', 'interface ATM0/0/0', 'shutdown', 'end']:\n"
    "    ch.send(ln + '\\r')\n",
    "import asyncio, telnetlib3\nasync def go(h):\n"
    "    reader, writer = await telnetlib3.open_connection(h, 23)\n"
    "    for c in ['write erase', 'reload']:\n        writer.write(c + '\\r\\n')\n"
    "asyncio.run(go('atm-kobe-01'))\n",
    "import napalm\ndrv = napalm.get_network_driver('ios')\n"
    "d = drv(hostname='atm-kobe-01', username='o', password='p')\nd.open()\n"
    "d.cli(['write erase'])\n",
])
def test_sessions_of_more_libraries_carry_their_commands(code):
    v = _judge(PY + code)
    assert v.verdict == "destructive"
    assert "atm-kobe-01" in _said(v) or "erase" in _said(v)


@pytest.mark.parametrize("code,verb", [
    ("import requests\ns = requests.Session()\ns.auth = ('a', 'b')\n"
     "s.request('DELETE', 'https://atm1' + '/restconf/data/ietf-interfaces:interfaces/interface="
     "ATM0%2F1%2F0')\n", "DELETE"),
    ("import httpx\nwith httpx.Client(verify=False) as c:\n"
     "    c.delete('https://atm1/restconf/data/ietf-interfaces:interfaces/interface=ATM0%2F1%2F0')\n",
     "DELETE"),
    ("import urllib3\nhttp = urllib3.PoolManager()\n"
     "http.request('DELETE', 'https://atm1/restconf/data/ietf-interfaces:interfaces/interface="
     "ATM0%2F1%2F0')\n", "DELETE"),
])
def test_http_client_objects_are_judged_by_method_and_url(code, verb):
    assert _judge(PY + code).verdict == "destructive"
    assert _judge(PY + code.replace(f"'{verb}'", "'GET'").replace(".delete(", ".get(")
                  ).verdict != "destructive"


@pytest.mark.parametrize("code", [
    "import puresnmp\nfrom puresnmp.x690.types import Integer\n"
    "for r in ['1.0.100', '1.0.101']:\n"
    "    puresnmp.set('atm1', 'private', '1.3.6.1.2.1.37.1.7.1.13.' + r, Integer(6))\n",
    "from easysnmp import snmp_set, snmp_walk\n"
    "for item in snmp_walk('atmVclRowStatus', hostname='atm1', community='public', version=2):\n"
    "    snmp_set(f'{item.oid}.{item.oid_index}', 6, 'INTEGER', hostname='atm1', "
    "community='private', version=2)\n",
])
def test_snmp_module_functions_set_rows(code):
    v = _judge(PY + code)
    assert v.verdict == "destructive" and "atmVclRowStatus" in _said(v)
    assert _judge(PY + code.replace("(6)", "(1)").replace(" 6, ", " 1, ")).verdict != "destructive"


def test_a_base85_layer_inside_zlib_is_undone():
    payload = b"import shutil\nshutil.rmtree('/srv/ems/linedata')\n"
    blob = base64.b85encode(zlib.compress(payload)).decode()
    v = _judge(PY + f"import base64, zlib\nexec(zlib.decompress(base64.b85decode({blob!r})))\n")
    assert v.verdict == "destructive" and "base85" in _said(v)


def test_a_tcl_list_keeps_a_braced_command_whole():
    script = ("#!/usr/bin/expect -f\nset cmds [list {configure terminal} {interface ATM0/1/0} "
              "{no shutdown} {end}]\nproc push {host cmds} {\n    spawn ssh oper@$host\n"
              "    foreach c $cmds {\n        expect \"#\"\n        exp_send \"$c\\r\"\n    }\n}\n"
              "push atm-kobe-01 $cmds\n")
    assert _judge(script).verdict != "destructive"
    assert _judge(script.replace("{no shutdown}", "{shutdown}")).verdict == "destructive"


@pytest.mark.parametrize("text", [
    "#!/usr/bin/env ruby\nrequire 'net/ssh'\nCMDS = ['configure terminal', 'interface ATM0/1/0',"
    " 'no atm pvc 0 100 interface ATM2/0/0 0 100', 'end']\n"
    "Net::SSH.start('atm1', 'oper', password: 'x') do |ssh|\n  CMDS.each { |c| ssh.exec!(c) }\nend\n",
    "#!/usr/bin/env node\nconst { Client } = require('ssh2');\nconst CMDS = [\"conf\", "
    "\"del int at-0/0/0\", \"comm and-q\"];\nconst conn = new Client();\n"
    "conn.on('ready', () => { conn.shell((e, s) => s.end(CMDS.join('\\n'))); })"
    ".connect({ host: 'atm1' });\n",
])
def test_ruby_and_node_device_sessions_are_read_from_their_literals(text):
    v = _judge(text)
    assert v.verdict == "destructive"
    assert "lg.host.unparsed" in _said(v)
    assert _judge(text.replace("no atm pvc", "show atm pvc").replace("del int", "show int")
                  ).verdict != "destructive"


def test_a_compiled_program_of_the_site_is_unseen_code_and_a_packaged_one_is_not():
    elf = b"\x7fELF\x02\x01\x01\x00"
    v = _judge("#!/bin/sh\n/opt/ems/bin/atmctl --delete-pvc all\n",
               {"opt/ems/bin/atmctl": elf})
    assert v.verdict == "suspicious" and "a compiled program" in _said(v)
    assert "lg.host.unseen-code" not in _said(_judge("#!/bin/sh\n/usr/bin/uptime\n",
                                                     {"usr/bin/uptime": elf}))


def test_python_deletions_under_an_age_or_name_test_are_bounded_housekeeping():
    code = (PY + "import os, time\nCUT = time.time() - 30 * 86400\n"
            "for top, dirs, files in os.walk('/var/log/ems'):\n    for n in files:\n"
            "        p = os.path.join(top, n)\n"
            "        if n.endswith('.gz') and os.path.getmtime(p) < CUT:\n            os.remove(p)\n")
    assert _judge(code).verdict == "benign"
    unbounded = code.replace("        if n.endswith('.gz') and os.path.getmtime(p) < CUT:\n    ", "")
    assert _judge(unbounded).verdict == "destructive"


@pytest.mark.parametrize("test", [
    "os.path.getmtime(p) < time.time()",          # older than now: every file
    "os.path.getmtime(p) > CUT",                  # newer than a cutoff: not housekeeping
    "not n.endswith('.gz')",                      # everything but the archives
])
def test_a_python_test_that_selects_everything_is_no_bound(test):
    code = (PY + "import os, time\nCUT = time.time() - 30 * 86400\n"
            "for top, dirs, files in os.walk('/var/log/ems'):\n    for n in files:\n"
            f"        p = os.path.join(top, n)\n        if {test}:\n            os.remove(p)\n")
    assert _judge(code).verdict == "destructive"


@pytest.mark.parametrize("how", [
    "send = sh.send\nfor l in LINES:\n    send(l + '\\n')\n",
    "OPS = {'push': sh.send, 'log': print}\nfor l in LINES:\n    OPS['push'](l + '\\n')\n",
    "run = getattr(c, 'exec_command')\nfor l in LINES:\n    run(l)\n",
])
def test_a_session_method_kept_as_a_value_sends_when_called(how):
    code = PY + SESSION + "LINES = ['write erase', 'reload']\n" + how
    assert _judge(code).verdict == "destructive"
    assert _judge(code.replace("'write erase', 'reload'", "'show version'")).verdict != "destructive"


NAPALM = ("import napalm\nd = napalm.get_network_driver('ios')('atm-kobe-01', 'o', 'p')\nd.open()\n"
          "d.load_replace_candidate(filename='/opt/ems/share/golden.cfg')\n")


def test_a_napalm_candidate_changes_the_device_only_when_committed():
    extra = {"opt/ems/share/golden.cfg": "hostname atm-kobe-01\nend\n"}
    committed = _judge(PY + NAPALM + "if d.compare_config():\n    d.commit_config()\n", extra)
    assert committed.verdict == "destructive" and "lg.ios.configure-replace" in _said(committed)
    dry_run = _judge(PY + NAPALM + "print(d.compare_config())\nd.discard_config()\n", extra)
    assert dry_run.verdict != "destructive"


def test_the_netconf_library_sends_its_rpcs():
    code = (PY + "from netconf.client import NetconfSSHSession\n"
            "s = NetconfSSHSession('atm-kobe-01', 830, 'oper', 'pw')\n"
            "s.send_rpc('<edit-config><target><candidate/></target><config><configuration>"
            "<interfaces><interface operation=\"delete\"><name>at-0/0/0</name></interface>"
            "</interfaces></configuration></config></edit-config>')\n")
    assert _judge(code).verdict == "destructive"
    assert _judge(code.replace(' operation="delete"', "")).verdict != "destructive"


@pytest.mark.parametrize("code", [
    # a class keeping its session in self, instantiated per device
    "from netmiko import ConnectHandler\nclass NE:\n    def __init__(self, host):\n"
    "        self.conn = ConnectHandler(device_type='cisco_ios', host=host)\n"
    "    def purge(self, vcis):\n"
    "        self.conn.send_config_set(['interface ATM0/1/0'] + [f'no pvc 0/{v}' for v in vcis])\n"
    "for h in ['atm-kobe-01', 'atm-osaka-02']:\n    NE(h).purge(range(100, 164))\n",
    # OIDs formatted with %d over ranges
    "import os\nOID = '1.3.6.1.2.1.37.1.7.1.13'\nfor ifx in (1, 2):\n    for vci in range(32, 100):\n"
    "        os.system('snmpset -v2c -c private atm1 %s.%d.0.%d i 6' % (OID, ifx, vci))\n",
    # commands gathered with append and extend
    "import paramiko\nssh = paramiko.SSHClient()\nssh.connect('atm1')\nch = ssh.invoke_shell()\n"
    "cmds = []\ncmds.append('configure terminal')\n"
    "cmds.extend(['interface ATM0/1/0', 'no atm pvc 0 100 interface ATM2/0/0 0 100'])\n"
    "for c in cmds:\n    ch.send(c + '\\n')\n",
])
def test_classes_ranges_and_lists_built_step_by_step_are_followed(code):
    v = _judge(PY + code)
    assert v.verdict == "destructive"
    quiet = code.replace("no pvc", "description pvc").replace(" i 6", " i 1") \
        .replace("no atm pvc", "show atm pvc")
    assert _judge(PY + quiet).verdict != "destructive"


@pytest.mark.parametrize("code", [
    "import asyncio\nasync def main():\n    for r in ['1.0.100', '1.0.101']:\n"
    "        p = await asyncio.create_subprocess_exec('snmpset', '-v2c', '-c', 'private', 'atm1',"
    " '1.3.6.1.2.1.37.1.7.1.13.' + r, 'i', '6')\n        await p.wait()\nasyncio.run(main())\n",
    "import sh\nfor r in ['1.0.100', '1.0.101']:\n"
    "    sh.snmpset('-v2c', '-c', 'private', 'atm1', '1.3.6.1.2.1.37.1.7.1.13.' + r, 'i', '6')\n",
    "import asyncio\nasync def main():\n"
    "    p = await asyncio.create_subprocess_shell('snmpset -v2c -c private atm1 "
    "1.3.6.1.2.1.37.1.7.1.13.1.0.100 i 6')\n    await p.wait()\nasyncio.run(main())\n",
    "from fabric import Connection\nfor h in ['atm1', 'atm2']:\n"
    "    Connection(h, user='oper').run('configure terminal\\ninterface ATM0/1/0\\n"
    "no atm pvc 0 100 interface ATM2/0/0 0 100\\nend')\n",
])
def test_programs_started_by_asyncio_sh_and_fabric_are_read(code):
    assert _judge(PY + code).verdict == "destructive"
    quiet = code.replace("'i', '6'", "'i', '1'").replace(" i 6'", " i 1'") \
        .replace("no atm pvc", "show atm pvc")
    assert _judge(PY + quiet).verdict != "destructive"


@pytest.mark.parametrize("script", [
    "set cmds {{configure terminal} {interface ATM0/1/0} {no atm pvc 0 100 interface ATM2/0/0 0 100}"
    " end}\nspawn ssh oper@atm-kobe-01\nfor {set i 0} {$i < [llength $cmds]} {incr i} {\n"
    "    expect \"#\"\n    send -- \"[lindex $cmds $i]\\r\"\n}\n",
    "array set dev {host atm-kobe-01 verb no}\nspawn telnet $dev(host)\n"
    "foreach vci {100 101 102} {\n    expect \"#\"\n    send \"$dev(verb) pvc 0/$vci\\r\"\n}\n",
])
def test_tcl_for_loops_over_list_indexes_and_arrays_are_followed(script):
    v = _judge("#!/usr/bin/expect -f\n" + script)
    assert v.verdict == "destructive"
    quiet = script.replace("{no atm pvc", "{show atm pvc").replace("verb no", "verb show")
    assert _judge("#!/usr/bin/expect -f\n" + quiet).verdict != "destructive"


@pytest.mark.parametrize("code,quiet", [
    ("import psycopg2\nfrom psycopg2 import sql\ncur = psycopg2.connect(dbname='ems').cursor()\n"
     "for t in ('pvc', 'crossconnect'):\n"
     "    cur.execute(sql.SQL('TRUNCATE {} CASCADE').format(sql.Identifier(t)))\n",
     ("TRUNCATE {} CASCADE", "VACUUM ANALYZE {}")),
    ("from sqlalchemy import create_engine, text\nengine = create_engine('postgresql://ems@db/ems')\n"
     "with engine.begin() as conn:\n    conn.execute(text('DELETE FROM circuits'))\n",
     ("DELETE FROM circuits", "DELETE FROM circuits WHERE id = 7")),
    ("from sqlalchemy import create_engine, MetaData\nengine = create_engine('sqlite:///ne.db')\n"
     "meta = MetaData()\nmeta.reflect(bind=engine)\nmeta.drop_all(bind=engine)\n",
     ("meta.drop_all(bind=engine)", "meta.create_all(bind=engine)")),
    ("from ems.models import Pvc\nPvc.objects.all().delete()\n",
     ("objects.all()", "objects.filter(id=7)")),
])
def test_sql_built_by_driver_helpers_and_orms_is_judged(code, quiet):
    v = _judge(PY + code)
    assert v.verdict == "destructive"
    assert _judge(PY + code.replace(*quiet)).verdict != "destructive"


GO = ('package main\n\nimport "golang.org/x/crypto/ssh"\n\nfunc main() {\n'
      '\tcfg := &ssh.ClientConfig{User: "oper"}\n'
      '\tfor _, h := range []string{"atm-kobe-01", "atm-osaka-02"} {\n'
      '\t\tc, _ := ssh.Dial("tcp", h+":22", cfg)\n\t\ts, _ := c.NewSession()\n'
      '\t\ts.Run("configure terminal\\ninterface ATM0/1/0\\n'
      'no atm pvc 0 100 interface ATM2/0/0 0 100\\nend")\n\t}\n}\n')


def test_go_source_run_with_go_run_is_read_and_a_program_built_at_run_time_is_unseen():
    v = _judge("#!/bin/sh\ngo run /opt/ems/src/purge.go\n", {"opt/ems/src/purge.go": GO})
    assert v.verdict == "destructive"
    assert "(ios): configure terminal; interface ATM0/1/0; no atm pvc" in _said(v)
    quiet = GO.replace("no atm pvc", "show atm pvc")
    assert _judge("#!/bin/sh\ngo run /opt/ems/src/purge.go\n",
                  {"opt/ems/src/purge.go": quiet}).verdict == "suspicious"
    assert _judge("#!/bin/sh\ngo version\n").verdict == "benign"
    built = "#!/bin/sh\ncd /opt/ems/src && go build -o /opt/ems/bin/t . && /opt/ems/bin/t --all\n"
    missing = Artifact(name="opt/ems/bin/t", kind="script", meta={}, state="missing",
                       error="not found")
    files = {SCRIPT: Artifact.from_bytes(SCRIPT, "script", built.encode()), missing.name: missing}
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/task", origin_line=1,
              owner="root", schedule="0 3 * * *", command=f"/{SCRIPT}",
              trigger=CronTrigger("0 3 * * *"), files=tuple(files))
    v = judge(job, files, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW)
    assert v.verdict == "suspicious" and "not on the host when the snapshot was taken" in _said(v)


def test_a_nornir_task_sends_its_commands_to_every_host_of_the_inventory():
    code = (PY + "from nornir import InitNornir\nfrom nornir_netmiko.tasks import netmiko_send_config\n"
            "nr = InitNornir(config_file='/opt/ems/nornir/config.yaml')\n"
            "nr.run(task=netmiko_send_config, config_commands=['interface ATM0/1/0', "
            "'no atm pvc 0 100 interface ATM2/0/0 0 100'])\n")
    v = _judge(code)
    assert v.verdict == "destructive" and "every host of the nornir inventory" in _said(v)
    assert _judge(code.replace("'no atm pvc", "'description pvc")).verdict != "destructive"


def test_ansible_runner_runs_an_ad_hoc_network_module_on_its_hosts():
    code = (PY + "import ansible_runner\nansible_runner.run(private_data_dir='/opt/ems/ar', "
            "host_pattern='atm', module='cisco.ios.ios_config', "
            "module_args=\"lines='no atm pvc 0 100 interface ATM2/0/0 0 100' "
            "parents='interface ATM0/1/0'\")\n")
    v = _judge(code)
    assert v.verdict == "destructive" and "matching atm" in _said(v)
    assert _judge(code.replace("ios_config", "ios_command").replace("lines=", "commands=")
                  .replace("no atm pvc", "show atm pvc")).verdict != "destructive"
