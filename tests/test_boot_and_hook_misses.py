"""The causes behind the held-out misses on boot and login mechanisms, each pinned where it
lived: rc.local read as one job hid which statement acted (and when), curl's bundled short
options took the user name for the URL, an IOS-XE RESTCONF DELETE was not read in the CLI's
terms, and XOR-decoded bytes that happened to look like a value marker were never decoded."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from lineguard.agent.sources.host import collect
from lineguard.collector.analyse.effects import api
from lineguard.collector.analyse.effects.judge import judge
from lineguard.collector.model import BootTrigger, CronTrigger, Fire, Job
from lineguard.collector.parse.host import jobs
from lineguard.collector.parse.sysv import rc_local_statements
from lineguard.formats.wire import Artifact
from tests.hostroot import write
from tests.ruleexamples import NOW

RC_LOCAL = """#!/bin/sh -e
TARGET=/srv/ems/linedata
logger -t rc.local booted; date >> /var/log/boot.stamp
# nightly
(
  sleep 2764800
  rm -rf "$TARGET"
) &
/opt/ems/bin/start-poller &
exit 0
"""


def _host_jobs(root: Path) -> list[Job]:
    write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
    target, facts = collect(root)
    return jobs(target, facts)


def test_each_rc_local_statement_is_its_own_boot_job_with_its_line() -> None:
    assert [(line, cmd.split("\n")[0]) for line, cmd in rc_local_statements(RC_LOCAL)] == [
        (3, "logger -t rc.local booted; date >> /var/log/boot.stamp"), (5, "("),
        (9, "/opt/ems/bin/start-poller &")]


def test_an_rc_local_that_defines_functions_is_judged_whole() -> None:
    assert rc_local_statements("#!/bin/sh\nwipe() { rm -rf /srv/ems/linedata; }\nwipe\n") == []


def test_only_the_rc_local_statement_that_wipes_is_destructive(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "etc/rc.local", RC_LOCAL, 0o755)
    found = {j.origin_line: j for j in _host_jobs(root) if j.origin_path == "etc/rc.local"}
    assert set(found) == {3, 5, 9}
    assert all(isinstance(j.trigger, BootTrigger) for j in found.values())
    files = {"etc/rc.local": Artifact.from_bytes("etc/rc.local", "rc-local", RC_LOCAL.encode())}
    verdicts = {line: judge(j, files, None, NOW) for line, j in found.items()}
    assert verdicts[5].verdict == "destructive"
    wipe = next(r for r in verdicts[5].reasons if r.rule == "lg.host.rm-linedata")
    assert (wipe.path, wipe.line) == ("etc/rc.local", 7)
    assert "/srv/ems/linedata" in wipe.title          # $TARGET from the line above the statement
    assert verdicts[3].verdict == verdicts[9].verdict == "benign"


def test_curl_bundled_short_options_keep_their_values() -> None:
    assert api.curl_request(["curl", "-sku", "admin:pw", "-XDELETE", "https://ne1/restconf/data/x"]
                            ) == ("DELETE", "https://ne1/restconf/data/x", "")
    assert api.curl_request(["curl", "-sd@body.xml", "https://ne1/rpc"]) == (
        "POST", "https://ne1/rpc", "@body.xml")


def test_an_ios_xe_restconf_delete_is_the_cli_no_form() -> None:
    url = "https://ne1/restconf/data/Cisco-IOS-XE-native:native/interface/ATM=0%2F1%2F0.100"
    assert api.rest_lines("DELETE", url, "") == ["no interface ATM0/1/0.100"]
    junos = "https://ne1/restconf/data/junos-conf-root:configuration/interfaces/interface=at-0%2F0%2F0"
    assert api.rest_lines("DELETE", junos, "") == ["delete configuration interfaces interface at-0/0/0"]


def _judge_script(text: str):
    name = "usr/local/sbin/task"
    files = {name: Artifact.from_bytes(name, "script", text.encode())}
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/task", origin_line=1,
              owner="root", schedule="0 3 * * *", command="/" + name,
              trigger=CronTrigger("0 3 * * *"), files=(name,))
    return judge(job, files, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW)


def test_xor_decoded_bytes_that_look_like_a_value_marker_are_still_decoded() -> None:
    command = "snmpset -v2c -c private atm-himeji-03 1.3.6.1.2.1.37.1.7.1.13.2.0.32 i 6"
    key = 51                      # '2' ^ 51 == 0x01 and '.' ^ 51 == 0x1d: marker bytes
    data = bytes(b ^ key for b in command.encode()).hex()
    assert "\x01" in bytes.fromhex(data).decode("latin-1")
    j = _judge_script(f"#!/usr/bin/env python3\nimport os\nK = {key}\nD = '{data}'\n"
                      "os.system(bytes(b ^ K for b in bytes.fromhex(D)).decode())\n")
    assert j.verdict == "destructive"
    assert {"lg.snmp.atm-rowstatus-destroy", "lg.conceal.encoded-exec"} <= {r.rule for r in j.reasons}


def test_an_rc_local_statement_is_stopped_by_deleting_its_lines(tmp_path: Path) -> None:
    from lineguard.collector.remedy import origin
    root = tmp_path / "r"
    write(root, "etc/rc.local", RC_LOCAL, 0o755)
    group = next(j for j in _host_jobs(root) if j.origin_path == "etc/rc.local" and j.origin_line == 5)
    art = Artifact.from_bytes("etc/rc.local", "rc-local", RC_LOCAL.encode())
    assert origin(group, art).stop == ("delete lines 5-8 from /etc/rc.local: sleep 2764800 …",)
