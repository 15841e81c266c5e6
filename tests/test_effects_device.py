"""Device-side mechanisms of the effects engine (not cases): command streams read as the device
reads them (abbreviations, Junos `edit` levels, `wildcard`), device-side applets evaluated as
the device runs them (EEM variables, `string`, `foreach`, aliases, the reload action), MIB
names along any path, a config-copy request judged by its whole row, sessions and REST
requests of any Python library, bash /dev/tcp and command groups, shell arithmetic, Scotty and
Ansible. Each destructive form has a quiet look-alike."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lineguard.collector.analyse.effects.device import canonical, platform_of
from lineguard.collector.analyse.effects.judge import judge
from lineguard.collector.analyse.effects.mib import mib
from lineguard.collector.model import CronTrigger, Fire, Job
from lineguard.formats.follow import referenced_paths
from lineguard.formats.wire import Artifact
from tests.ruleexamples import NOW

LIST = "opt/ems/etc/ne.list"


def _judge(text: str, name: str = "usr/local/sbin/task", extra: dict[str, str] | None = None,
           command: str | None = None, actions: tuple = (), source: str = "cron",
           config: str | None = None):
    files = {LIST: Artifact.from_bytes(LIST, "script", b"# NE\natm-kobe-01\natm-nara-02\n")}
    if text:
        files[name] = Artifact.from_bytes(name, "script", text.encode())
    for n, t in (extra or {}).items():
        files[n] = Artifact.from_bytes(n, "script", t.encode())
    origin = "etc/cron.d/task"
    if config is not None:
        origin = "running-config"
        files[origin] = Artifact.from_bytes(origin, "config", config.encode())
    job = Job(target="atm-kobe-01" if actions else "ems1", source=source, origin_path=origin,
              origin_line=1, owner="root" if not actions else None, schedule="0 3 * * *",
              command=command if command is not None else "/" + name,
              trigger=CronTrigger("0 3 * * *"), files=tuple(files), actions=actions)
    return judge(job, files, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW)


def _loud(j) -> bool:
    return j.verdict == "destructive"


def _quiet(j) -> bool:
    return j.verdict != "destructive" and j.severity not in ("high", "critical")


@pytest.mark.parametrize("lines,want", [
    (["conf rep flash:base.cfg force"], ["configure replace flash:base.cfg force"]),
    (["conf t", "def int ATM0/1/0"], ["configure t", "default interface ATM0/1/0"]),
    (["copy tftp://h/a.cfg start"], ["copy tftp://h/a.cfg startup-config"]),
    (["configure", "edit interfaces at-1/0/0", "delete unit 100", "top", "delete system x"],
     ["configure", "edit interfaces at-1/0/0", "delete interfaces at-1/0/0 unit 100", "top",
      "delete system x"]),
    (["conf", "del int at-0/0/0", "comm and-q"],
     ["configure", "delete interfaces at-0/0/0", "commit and-quit"]),
    (["configure", "wildcard delete interfaces at-.*"], ["configure", "delete interfaces at-.*"]),
])
def test_command_lines_are_read_as_the_device_reads_them(lines, want):
    assert canonical(lines, platform_of(lines)) == want


def test_arguments_are_never_expanded():
    assert canonical(["description del int", "interface ATM0/1/0"], "ios") == \
        ["description del int", "interface ATM0/1/0"]


@pytest.mark.parametrize("oid,name,index", [
    ("ATM-MIB::atmVcCrossConnectRowStatus[3][17][0][200][21][0][200]",
     "atmVcCrossConnectRowStatus", "3.17.0.200.21.0.200"),
    (".iso.org.dod.internet.mgmt.mib-2.atmMIB.atmMIBObjects.atmVclTable.atmVclEntry."
     "atmVclRowStatus.1.0.32", "atmVclRowStatus", "1.0.32"),
    ("iso.3.6.1.2.1.37.1.7.1.13.1.0.32", "atmVclRowStatus", "1.0.32"),
    ("ATM-MIB::atmVclEntry.13.1.8.200", "atmVclRowStatus", "1.8.200"),
    ("1.3.6.1.4.1.9.9.96.1.1.1.1.4.126", "ccCopyDestFileType", "126"),
])
def test_mib_names_resolve_along_any_path(oid, name, index):
    obj, idx = mib().resolve(oid)
    assert obj is not None and (obj.name, idx) == (name, index)


def test_an_oid_under_a_tree_node_that_no_object_names_stays_unknown():
    assert mib().resolve("1.3.6.1.4.1.9.9.999.1.2")[0] is None


@pytest.mark.parametrize("source", ["rtr ccCopySourceFileType.7 i 1 ccCopyDestFileType.7 i 3",
                                    "rtr ccCopySourceFileType.7 i 2 ccCopyDestFileType.7 i 3"])
def test_a_config_copy_over_startup_is_judged_by_its_row(source):
    assert _loud(_judge(f"snmpset -v2c -c private {source} ccCopyEntryRowStatus.7 i 4\n"))


def test_a_config_backup_and_its_request_row_removed_are_quiet():
    assert _quiet(_judge("snmpset -v2c -c private rtr ccCopySourceFileType.7 i 4 "
                         "ccCopyDestFileType.7 i 1 ccCopyEntryRowStatus.7 i 4\n"
                         "snmpset -v2c -c private rtr ccCopyEntryRowStatus.7 i 6\n"))


def test_write_memory_over_snmp_is_quiet():
    assert _quiet(_judge("snmpset -v2c -c private rtr ccCopySourceFileType.7 i 4 "
                         "ccCopyDestFileType.7 i 3 ccCopyEntryRowStatus.7 i 4\n"))


APPLET = ("event manager applet X\n event timer cron cron-entry \"0 3 * * *\"\n")


@pytest.mark.parametrize("actions", [
    (('foreach v "100|101" "|"', 2), ("interface ATM0/1/0.$v", 3), ("no pvc 0/$v", 4),
     ("end", 5)),
    (('string concat "no pvc" " 0/100"', 2), ("$_string_result", 3)),
    (("set c \"write\"", 2), ("append c \" erase\"", 3), ("$c", 4)),
    (("nsync", 2),),
])
def test_an_applet_is_run_as_the_device_runs_it(actions):
    config = APPLET + "alias exec nsync write erase\n"
    assert _loud(_judge("", actions=actions, source="eem", command="x", config=config))


def test_an_applet_of_show_commands_through_the_same_constructs_is_quiet():
    actions = (('foreach v "atm|vc" "|"', 2), ("show $v", 3), ("end", 4), ("nshow", 5))
    config = APPLET + "alias exec nshow show running-config\n"
    assert _quiet(_judge("", actions=actions, source="eem", command="x", config=config))


def test_junos_set_statements_of_an_event_policy_are_commands_not_variables():
    assert _loud(_judge("", actions=(("set interfaces at-0/0/0 disable", 3),),
                        source="junos-event", command="x", config="event-options {}\n"))


@pytest.mark.parametrize("text", [
    "from scrapli.driver.core import IOSXEDriver\nwith IOSXEDriver(host='atm1') as c:\n"
    "    c.send_configs(['interface ATM0/1/0', 'shutdown'])\n",
    "from napalm import get_network_driver\nd = get_network_driver('ios')('atm1', 'u', 'p')\n"
    "d.open()\nd.load_replace_candidate(filename='/tmp/empty.cfg')\nd.commit_config()\n",
    "import paramiko\nc = paramiko.SSHClient()\nc.connect('atm1')\n"
    "i, o, e = c.exec_command('', get_pty=True)\ni.write('write erase\\n')\n",
    "import socket\ns = socket.create_connection(('tl1gw', 3083))\n"
    "s.sendall(b'DLT-CRS-VC:N7:VC-1-1-0-100,VC-5-1-0-100:11;\\r\\n')\n",
    "import requests\nrequests.delete('https://atm1/restconf/data/ietf-interfaces:interfaces/"
    "interface=ATM0%2F1%2F0', auth=('a', 'b'))\n",
    "from jnpr.junos import Device\nfrom jnpr.junos.utils.config import Config\n"
    "with Device(host='atm2') as dev:\n    with Config(dev) as cu:\n"
    "        cu.load(path='/var/tmp/x.conf', overwrite=True)\n        cu.commit()\n",
])
def test_sessions_of_any_python_library_carry_device_commands(text):
    assert _loud(_judge(text, name="usr/local/sbin/task.py"))


@pytest.mark.parametrize("text", [
    "from scrapli.driver.core import IOSXEDriver\nwith IOSXEDriver(host='atm1') as c:\n"
    "    c.send_commands(['show running-config'])\n",
    "import requests\nrequests.get('https://atm1/restconf/data/ietf-interfaces:interfaces')\n",
    "import socket\ns = socket.create_connection(('tl1gw', 3083))\n"
    "s.sendall(b'RTRV-CRS-VC:N7:ALL:11;\\r\\n')\n",
])
def test_read_only_sessions_of_those_libraries_are_quiet(text):
    assert _quiet(_judge(text, name="usr/local/sbin/task.py"))


@pytest.mark.parametrize("text,loud", [
    ("exec 3<>/dev/tcp/tl1gw/3083\nprintf '%s\\r\\n' 'DLT-VCL:N7:VCL-1-0-100:12;' >&3\n", True),
    ("exec 3<>/dev/tcp/tl1gw/3083\nprintf '%s\\r\\n' 'RTRV-VCL:N7:ALL:12;' >&3\n", False),
    ("{ echo oper; sleep 1; echo 'wr er'; sleep 1; } | telnet atm1\n", True),
    ("{ echo oper; sleep 1; echo 'show run'; sleep 1; } | telnet atm1\n", False),
    ("c=$(( 6 + 7 ))\nsnmpset -v2c -c p atm1 1.3.6.1.2.1.37.1.7.1.$c.1.0.32 i $(( 3 * 2 ))\n", True),
    ("c=$(( 6 + 7 ))\nsnmpset -v2c -c p atm1 1.3.6.1.2.1.37.1.7.1.$c.1.0.32 i $(( 2 - 1 ))\n", False),
    ("snmpwalk -v2c -c public -Oqn atm1 atmVclRowStatus | while read -r oid _v; do\n"
     "  snmpset -v2c -c p atm1 \"$oid\" i 6\ndone\n", True),
    ("http --verify=no DELETE https://atm1/restconf/data/Cisco-IOS-XE-native:native/interface\n", True),
    ("http --verify=no GET https://atm1/restconf/data/Cisco-IOS-XE-native:native/interface\n", False),
])
def test_shell_sessions_arithmetic_and_walk_loops(text, loud):
    j = _judge(text)
    assert _loud(j) if loud else _quiet(j)


PLAY = """\
- hosts: atm
  gather_facts: false
  tasks:
    - name: t
      cisco.ios.ios_config:
        parents: interface ATM0/1/0.100 point-to-point
        lines:
          - {line}
"""


@pytest.mark.parametrize("line,loud", [("no pvc 0/100", True), ("description BTS", False)])
def test_ansible_playbook_tasks_are_device_commands(line, loud):
    play = "opt/ems/ansible/p.yml"
    j = _judge("", command=f"ansible-playbook -i /{LIST} /{play}",
               extra={play: PLAY.format(line=line)})
    assert _loud(j) if loud else _quiet(j)


def test_an_uncaptured_playbook_is_unseen_code():
    assert _judge("", command="ansible-playbook /opt/ems/ansible/missing.yml").verdict == \
        "suspicious"


def test_the_agent_captures_the_command_files_device_tools_read():
    assert referenced_paths("clogin -x /opt/ems/share/c.cmds atm1; "
                            "ansible-playbook -i /opt/ems/inv.ini /opt/ems/p.yml") == \
        ["/opt/ems/share/c.cmds", "/opt/ems/inv.ini", "/opt/ems/p.yml"]


def test_scotty_snmp_sessions_are_read():
    tcl = ("#!/usr/bin/tclsh\npackage require Tnm 3.0\n"
           "set s [Tnm::snmp generator -address atm1 -community p]\n"
           "$s set [list [list 1.3.6.1.2.1.37.1.7.1.13.1.0.32 Integer32 {V}]]\n")
    assert _loud(_judge(tcl.replace("{V}", "6"), name="usr/local/sbin/task.tcl"))
    assert _quiet(_judge(tcl.replace("{V}", "1"), name="usr/local/sbin/task.tcl"))


@pytest.mark.parametrize("text,name,loud", [
    ("tmux send-keys -t console-atm1 'write erase' Enter\n", "task", True),
    ("tmux send-keys -t mon 'show running-config' Enter\n", "task", False),
    ("printf 'conf t\\rno pvc 0/100\\rend\\r' > /dev/ttyS0\n", "task", True),
    ("printf 'show atm vc\\r' > /dev/ttyS0\n", "task", False),
    ("printf 'copy /erase tftp://h/x.bin flash:\\n' | ssh atm1\n", "task", True),
    ("curl -sk -X PUT https://atm1/restconf/data/Cisco-IOS-XE-native:native "
     "-d '{\"Cisco-IOS-XE-native:native\": {\"hostname\": \"x\"}}'\n", "task", True),
    ("curl -sk -X PATCH https://atm1/restconf/data/Cisco-IOS-XE-native:native "
     "-d '{\"Cisco-IOS-XE-native:native\": {\"hostname\": \"x\"}}'\n", "task", False),
    ("from easysnmp import snmp_set\nsnmp_set('atmVclRowStatus.1.0.32', 6, hostname='atm1', "
     "community='p', version=2)\n", "task.py", True),
    ("from easysnmp import snmp_set\nsnmp_set('sysLocation.0', 'Kobe', hostname='atm1', "
     "community='p', version=2)\n", "task.py", False),
    ("from ncclient import manager\nm = manager.connect(host='atm2')\nm.edit_config("
     "target='candidate', config='<config/>', default_operation='replace')\n", "task.py", True),
    ("from ncclient import manager\nm = manager.connect(host='atm2')\nm.edit_config("
     "target='candidate', config='<config/>')\n", "task.py", False),
])
def test_consoles_whole_datastore_writes_and_module_level_sets(text, name, loud):
    j = _judge(text, name=f"usr/local/sbin/{name}")
    assert _loud(j) if loud else _quiet(j)


@pytest.mark.parametrize("text,name,extra,loud", [
    ("plink -batch -m /opt/ems/c.txt atm1\n", "task", {"opt/ems/c.txt": "write erase\n"}, True),
    ("plink -batch -m /opt/ems/c.txt atm1\n", "task", {"opt/ems/c.txt": "show version\n"}, False),
    ("import subprocess\np = subprocess.Popen(['ssh', 'atm1'], stdin=subprocess.PIPE)\n"
     "p.communicate(b'conf t\\nno pvc 0/100\\n')\n", "task.py", None, True),
    ("import subprocess\np = subprocess.Popen(['ssh', 'atm1'], stdin=subprocess.PIPE)\n"
     "p.stdin.write(b'show atm vc\\n')\np.communicate()\n", "task.py", None, False),
])
def test_commands_fed_later_to_a_session(text, name, extra, loud):
    j = _judge(text, name=f"usr/local/sbin/{name}", extra=extra)
    assert _loud(j) if loud else _quiet(j)


@pytest.mark.parametrize("text,name,loud", [
    ("mapfile -t rows < <(snmpbulkwalk -v2c -c public -Oqn atm1 atmVclRowStatus | cut -d' ' -f1)\n"
     "for r in \"${rows[@]}\"; do snmpset -v2c -c p atm1 \"$r\" = destroy; done\n", "task", True),
    ("mapfile -t rows < <(snmpbulkwalk -v2c -c public -Oqn atm1 atmVclRowStatus | cut -d' ' -f1)\n"
     "for r in \"${rows[@]}\"; do snmpget -v2c -c public atm1 \"$r\"; done\n", "task", False),
    ("import http.client\nc = http.client.HTTPSConnection('atm1')\nc.request('PUT', "
     "'/restconf/data/Cisco-IOS-XE-native:native/interface', body='{\"Cisco-IOS-XE-native:interface\": {}}' or None)\n", "task.py", True),
])
def test_arrays_read_from_a_walk_and_defaults_with_or(text, name, loud):
    j = _judge(text, name=f"usr/local/sbin/{name}")
    assert _loud(j) if loud else _quiet(j)


@pytest.mark.parametrize("actions,loud", [
    ((("enable", 2), ("configure terminal", 3), ("interface ATM0/1/0", 4), ("shutdown", 5),
      ("end", 6)), True),
    ((("enable", 2), ("configure terminal", 3), ("interface ATM0/1/0", 4), ("shutdown", 5),
      ("no shutdown", 6), ("end", 7)), False),
])
def test_an_interface_bounced_by_an_applet_is_not_a_shutdown(actions, loud):
    """The common recovery applet (shut, then no shut) is not an outage left behind."""
    j = _judge("", actions=actions, source="eem", command="x", config=APPLET)
    assert _loud(j) if loud else _quiet(j)


@pytest.mark.parametrize("second,loud", [("delete at-0/0/0", True),
                                         ("show at-0/0/0", False)])
def test_expect_sends_are_read_after_what_the_session_was_sent_before(second, loud):
    """`edit interfaces` then `delete at-0/0/0`, each its own `send`: the device deletes the
    interface (Junos reads a statement at the edit level it was sent at)."""
    text = ("#!/bin/sh\nfor h in $(cat /opt/ems/etc/ne.list); do\nexpect <<EOS\n"
            "spawn ssh oper@$h\nexpect \">\"\nsend \"configure\\r\"\nexpect \"#\"\n"
            "send \"edit interfaces\\r\"\nexpect \"#\"\n"
            f"send \"{second}\\r\"\nexpect \"#\"\nsend \"exit\\r\"\nEOS\ndone\n")
    j = _judge(text)
    assert (_loud(j) if loud else _quiet(j)), [(r.rule, r.title) for r in j.reasons]
    if loud:
        assert any("delete interfaces at-0/0/0" in r.title for r in j.reasons)


# --- device clients of the wave-6 red team: gNMI, netconf-console, TLS and telnet:// sessions,
# files deleted over FTP/SFTP, pyATS testbeds ------------------------------------------------

NC = "opt/ems/share/nc.xml"
TESTBED = "opt/ems/etc/testbed.yaml"
PYATS = ("from genie.testbed import load\n\ntb = load('/opt/ems/etc/testbed.yaml')\n"
         "for name, dev in tb.devices.items():\n    dev.connect(log_stdout=False)\n"
         "    dev.{call}\n")
BED = ("testbed:\n  name: ems\ndevices:\n  atm-kobe-01:\n    os: iosxe\n    connections:\n"
       "      cli:\n        protocol: ssh\n        ip: 10.40.0.10\n")


@pytest.mark.parametrize("text,extra", [
    ("gnmic -a atm9:57400 -u oper -p x --insecure set --delete '/interfaces/interface[name=at-0/0/0]'\n",
     {}),
    ("gnmic -a atm9:57400 --insecure set --replace-path /configuration --replace-value '{}'\n", {}),
    (f"netconf-console --host atm9 --port 830 --db running --edit-config /{NC}\n",
     {NC: '<config xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><configuration><interfaces>'
          '<interface nc:operation="delete"><name>at-0/0/0</name></interface></interfaces>'
          "</configuration></config>\n"}),
    ("curl -s telnet://atm9:23 -T /opt/ems/share/s.txt\n",
     {"opt/ems/share/s.txt": "oper\npw\nconfigure terminal\ninterface ATM1/0\nno pvc 1/100\nend\n"}),
    ("openssl s_client -quiet -connect atm9:3083 < /opt/ems/share/t.txt\n",
     {"opt/ems/share/t.txt": "ACT-USER::OPER:CT1::PW;\nDLT-CRS-VC::ALL:CT2:::;\n"}),
    ("curl -s -u oper:pw -Q 'DELE startup-config' ftp://atm9/\n", {}),
    ("lftp -u oper,pw -e 'rm -f /config/juniper.conf.gz; bye' sftp://atm9\n", {}),
    ("sftp -b /opt/ems/share/b oper@atm9\n", {"opt/ems/share/b": "rm /config/juniper.conf.gz\nbye\n"}),
    ("python3 /opt/ems/bin/ne.py\n",
     {"opt/ems/bin/ne.py": PYATS.format(call="configure(['interface ATM1/0', 'no pvc 1/100'])"),
      TESTBED: BED}),
])
def test_device_work_sent_by_api_clients_file_transfers_and_test_frameworks(text, extra):
    assert _loud(_judge(text, extra=extra))


@pytest.mark.parametrize("text,extra", [
    ("gnmic -a atm9:57400 --insecure get --path /interfaces/interface/state/oper-status\n", {}),
    ("netconf-console --host atm9 --get-config --db running\n", {}),
    ("curl -s -u oper:pw -o /srv/backup/atm9.cfg ftp://atm9/startup-config\n", {}),
    ("sftp -b /opt/ems/share/b oper@atm9\n", {"opt/ems/share/b": "get /config/juniper.conf.gz /srv/b/\n"}),
    ("openssl s_client -quiet -connect atm9:3083 < /opt/ems/share/t.txt\n",
     {"opt/ems/share/t.txt": "ACT-USER::OPER:CT1::PW;\nRTRV-CRS-VC::ALL:CT2;\n"}),
    ("python3 /opt/ems/bin/ne.py\n",
     {"opt/ems/bin/ne.py": PYATS.format(call="execute('show atm pvc')"), TESTBED: BED}),
])
def test_the_same_clients_reading_the_device_are_quiet(text, extra):
    assert _quiet(_judge(text, extra=extra))


NETCONF_SET = ("ssh -s ems@{host} netconf <<'RPC'\n<rpc><load-configuration action=\"set\" "
               "format=\"text\"><configuration-set>\n{line}\n</configuration-set>"
               "</load-configuration></rpc>\n]]>]]>\n<rpc><commit-configuration/></rpc>\nRPC\n")


@pytest.mark.parametrize("line", ["delete interfaces at-0/0/0", "delete interfaces at-0/0/0 unit 100",
                                  "deactivate interfaces at-0/0/0"])
def test_set_format_statements_sent_in_a_netconf_rpc_are_device_commands(line):
    j = _judge("#!/bin/sh\n" + NETCONF_SET.format(host="atm-osaka-02", line=line))
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any("atm-osaka-02" in r.title and line in r.title for r in j.reasons)


def test_a_netconf_rpc_that_only_sets_a_description_is_benign():
    j = _judge("#!/bin/sh\n" + NETCONF_SET.format(
        host="atm-osaka-02", line='set interfaces at-0/0/0 description "to kobe"'))
    assert j.verdict == "benign", [r.title for r in j.reasons]


def test_a_tl1_session_spawned_with_a_port_is_sent_to_the_host_not_the_port():
    j = _judge("#!/usr/bin/expect -f\nspawn telnet tl1gw-kobe 3083\nexpect \">\"\n"
               "send \"DLT-CRS-VC:NODE7:NTVCL-0-32,LTVCL-0-32:2;\\r\"\n")
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any("tl1gw-kobe" in r.title for r in j.reasons), [r.title for r in j.reasons]
    assert not any("3083 (tl1)" in r.title for r in j.reasons)


CMDS = "configure terminal\ninterface ATM0/0/0\nno pvc 0/32\nend\n"
SESSIONS = {
    "netmiko-cfg --cmd": ("#!/bin/sh\nnetmiko-cfg --cmd 'no pvc 0/32' atm-kobe-01\n", {}),
    "netmiko-cfg --infile": ("#!/bin/sh\nnetmiko-cfg --infile /opt/ems/etc/cmds.txt all\n",
                             {"opt/ems/etc/cmds.txt": CMDS}),
    "Python subprocess stdin=open(FILE)": (
        "#!/usr/bin/python3\nimport subprocess\nwith open('/opt/ems/etc/cmds.txt') as f:\n"
        "    subprocess.run(['ssh', 'atm-kobe-01'], stdin=f)\n", {"opt/ems/etc/cmds.txt": CMDS}),
    "Perl IPC::Open2": ("#!/usr/bin/perl\nuse IPC::Open2;\n"
                        "my $pid = open2(my $out, my $in, 'ssh', 'atm-kobe-01');\n"
                        "print $in \"configure terminal\\nno pvc 0/32\\n\";\n", {}),
    "Perl IPC::Open3": ("#!/usr/bin/perl\nuse IPC::Open3;\n"
                        "my $pid = open3(my $in, my $out, my $err, 'ssh atm-kobe-01');\n"
                        "print $in \"configure terminal\\nno pvc 0/32\\n\";\n", {}),
}


@pytest.mark.parametrize(("text", "extra"), SESSIONS.values(), ids=SESSIONS.keys())
def test_commands_sent_through_more_session_programs_are_device_commands(text, extra):
    j = _judge(text, extra=extra)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any("no pvc 0/32" in r.title for r in j.reasons)


def test_netmiko_cfg_sending_show_commands_is_benign():
    assert _judge("#!/bin/sh\nnetmiko-cfg --cmd 'logging buffered 64000' atm-kobe-01\n").verdict \
        == "benign"
