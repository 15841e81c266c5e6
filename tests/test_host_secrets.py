"""Secrets in host command lines and scripts, and the device secrets that used to slip through:
masked at the agent by the keyed hash, so nothing readable reaches the snapshot, the database,
`jobs`, reports or mail, yet a changed secret is still a change and the job is still judged by
what it does."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import zlib
from email import message_from_bytes
from pathlib import Path

import pytest

from lineguard.agent.cli import main as agent
from lineguard.agent.devices.mask import mask_secrets
from lineguard.agent.devices.profiles import cisco_ios, juniper_junos
from lineguard.agent.sources.host.secrets import mask_host_text
from lineguard.collector.analyse.destructive import judge, load_rules
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from tests.ruleexamples import NOW, example_case
from tests.test_agent_delivery import tiny_root
from tests.test_check import Sink, sink  # noqa: F401 (the real SMTP server fixture)

KEY = b"test-mask-key"
TOKEN = re.compile(r"lg-masked:hmac-sha256:[0-9a-f]{16}")

# (line as written, the secrets in it, what must survive for the detection engine)
HOST_LINES = [
    ("mysql -uems -pS3cr3t-my ems -e 'DELETE FROM pvc'", ["S3cr3t-my"],
     ["mysql -uems -p", " ems -e 'DELETE FROM pvc'"]),
    ("mysqldump --password=S3cr3t-eq --all-databases > /var/backups/all.sql", ["S3cr3t-eq"],
     ["mysqldump --password=", "/var/backups/all.sql"]),
    ("mysqladmin --password S3cr3t-sp shutdown", ["S3cr3t-sp"], ["shutdown"]),
    ("snmpwalk -v2c -c c0mmun1ty 10.40.0.10 1.3.6.1.2.1.37.1.7", ["c0mmun1ty"],
     ["snmpwalk -v2c -c ", "10.40.0.10 1.3.6.1.2.1.37.1.7"]),
    ("snmpset -v3 -u ops -l authPriv -a SHA -A auth-S3cr3t -x AES -X priv-S3cr3t ne1 "
     "1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32 i 6", ["auth-S3cr3t", "priv-S3cr3t"],
     ["-u ops", "ne1 1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32 i 6"]),
    ("snmpget -cglued-c0mm ne2 sysDescr.0", ["glued-c0mm"], ["ne2 sysDescr.0"]),
    ("sshpass -p 'ssh-S3cr3t' ssh ops@10.40.0.10 'configure terminal'", ["ssh-S3cr3t"],
     ["ssh ops@10.40.0.10 'configure terminal'"]),
    ("curl -s -u ems:curl-S3cr3t https://nms.example/api/pvc -X DELETE", ["curl-S3cr3t"],
     ["-u ems:", "https://nms.example/api/pvc -X DELETE"]),
    ("wget -q ftp://backup:url-S3cr3t@10.0.0.5/cfg/atm.cfg -O /tmp/atm.cfg", ["url-S3cr3t"],
     ["ftp://backup:", "@10.0.0.5/cfg/atm.cfg -O /tmp/atm.cfg"]),
    ("PGPASSWORD=pg-S3cr3t psql -h db1 -U ems -c 'DROP TABLE vc_crossconnect'", ["pg-S3cr3t"],
     ["psql -h db1 -U ems -c 'DROP TABLE vc_crossconnect'"]),
    ("export EMS_DB_PASSWORD=\"exp-S3cr3t\"", ["exp-S3cr3t"], ["export EMS_DB_PASSWORD=\""]),
    ("conn = ConnectHandler(host='10.40.0.10', username='ops', password='py-S3cr3t')",
     ["py-S3cr3t"], ["ConnectHandler(host='10.40.0.10', username='ops', password='"]),
    ('my $dbh = DBI->connect($dsn, "ems", password => "pl-S3cr3t");', ["pl-S3cr3t"],
     ["DBI->connect($dsn"]),
]


@pytest.mark.parametrize("line,secrets,kept", HOST_LINES, ids=[h[1][0] for h in HOST_LINES])
def test_each_host_secret_form_is_masked_and_the_command_kept(line: str, secrets: list[str],
                                                              kept: list[str]) -> None:
    masked = mask_host_text(line, KEY)
    for secret in secrets:
        assert secret not in masked
    assert len(TOKEN.findall(masked)) == len(secrets), masked
    for part in kept:
        assert part in masked, (part, masked)
    assert mask_host_text(masked, KEY) == masked           # masking twice changes nothing


def test_variables_and_ordinary_options_are_left_alone() -> None:
    for text in ("mysql -p ems < /tmp/q.sql", "mkdir -p /var/lib/ems", "ssh -p 2222 ops@ne1",
                 'PGPASSWORD="$PW" psql -h db1', "mysqldump --password=$MYSQL_PW ems",
                 "snmpbulkwalk -v2c -Cr50 ne1 1.3.6.1.2.1.37", "curl https://nms:8443/api",
                 "tar -cpf /backup.tar /etc", "password=''", "mysql --password -e 'SELECT 1'"):
        assert mask_host_text(text, KEY) == text, text


def test_a_changed_host_secret_changes_the_text_an_unchanged_one_does_not() -> None:
    line = "snmpset -v2c -c private ne1 1.3.6.1.2.1.37.1.7.1.13.1.0.32 i 6"
    assert mask_host_text(line, KEY) == mask_host_text(line, KEY)
    assert mask_host_text(line, KEY) != mask_host_text(line.replace("private", "pr1vate"), KEY)
    assert mask_host_text(line, b"k1") != mask_host_text(line, b"k2")


RULES = load_rules()


def _verdicts(rule, example, masked: bool) -> set[str]:
    if masked:
        example = (mask_host_text(example, KEY) if isinstance(example, str) else
                   {k: mask_host_text(v, KEY) if k == "script" else v for k, v in example.items()})
    job, files, fire = example_case(rule, example)
    return {r.rule for r in judge(job, files, fire, NOW).reasons}


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_masking_never_changes_what_a_rule_sees(rule) -> None:
    """Every example and counterexample of every rule is judged the same once masked."""
    for example in rule.examples + rule.counterexamples:
        assert _verdicts(rule, example, True) == _verdicts(rule, example, False), example


SCRIPT = """#!/bin/sh
# nightly maintenance
export EMS_DB_PASSWORD='exp-S3cr3t'
mysql -uems -pmy-S3cr3t ems -e 'SELECT 1'
for ne in 10.40.0.10 10.40.0.11; do
  snmpset -v2c -c comm-S3cr3t $ne 1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32 i 6
done
curl -u ems:curl-S3cr3t https://nms.example/api/ping
"""
SECRETS = ("exp-S3cr3t", "my-S3cr3t", "comm-S3cr3t", "curl-S3cr3t", "sshpass-S3cr3t")


def _root(tmp_path: Path) -> Path:
    root = tiny_root(tmp_path / "root")
    (root / "opt/ems/nightly.sh").write_text(SCRIPT)
    os.chmod(root / "opt/ems/nightly.sh", 0o755)
    (root / "etc/cron.d/nightly").write_text(
        "30 2 * * * root sshpass -p sshpass-S3cr3t /opt/ems/nightly.sh\n")
    return root


def test_nothing_readable_reaches_snapshot_db_jobs_report_or_mail(tmp_path: Path, home: Home,
                                                                  sink: Sink, capsys) -> None:  # noqa: F811
    root = _root(tmp_path)
    key = tmp_path / "agent.key"
    assert agent(["keygen", "--out", str(key)]) == 0
    assert lineguard(["--home", str(home.root), "agents", "add", "ems-01", "--key",
                      f"{key}.pub"]) == 0
    snap = home.inbox / "s1.lgsnap"
    assert agent(["snapshot", "--root", str(root), "--hostname", "ems-01", "--agent", "ems-01",
                  "--key", str(key), "--out", str(snap)]) == 0
    wire = snap.read_bytes()
    assert lineguard(["--home", str(home.root), "ingest"]) == 0
    capsys.readouterr()
    (home.root / "config.toml").write_text(f"smtp_port = {sink.port}\n")
    assert lineguard(["--home", str(home.root), "jobs", "--json",
                      "--now", "2026-11-25T09:00:00Z"]) == 1
    jobs = json.loads(capsys.readouterr().out)["jobs"]
    assert lineguard(["--home", str(home.root), "check"]) == 1
    assert lineguard(["--home", str(home.root), "report", "--out", str(tmp_path / "r.md")]) == 0
    db = sqlite3.connect(home.db_path)
    stored = b"".join(zlib.decompress(d) for (d,) in db.execute("SELECT data FROM blobs"))
    db.close()
    mail = b"".join(sink.mails)
    shown = json.dumps(jobs).encode() + (tmp_path / "r.md").read_bytes() + mail
    for secret in SECRETS:
        for where, data in (("snapshot", wire), ("database", stored), ("jobs/report/mail", shown)):
            assert secret.encode() not in data, (secret, where)
    # the destructive SNMP SET is still seen for what it is, through the masked script
    nightly = next(j for j in jobs if j["origin"]["path"] == "etc/cron.d/nightly")
    assert nightly["verdict"] == "destructive", nightly
    assert any("1.3.6.1.2.1.37.1.11.1.13" in r["evidence"] for r in nightly["reasons"])
    assert nightly["command"].startswith("sshpass -p lg-masked:hmac-sha256:")
    assert "destructive" in message_from_bytes(sink.mails[0]).get("Subject", "")


def test_a_changed_script_password_is_still_a_change(tmp_path: Path) -> None:
    from lineguard.agent.sources.host import collect
    root = _root(tmp_path)
    before, _ = collect(root, hostname="ems-01", mask_key=KEY)
    (root / "opt/ems/nightly.sh").write_text(SCRIPT.replace("my-S3cr3t", "my-N3w"))
    after, _ = collect(root, hostname="ems-01", mask_key=KEY)
    old, new = (t.artifact("opt/ems/nightly.sh") for t in (before, after))
    assert old.sha256 != new.sha256 and "my-N3w" not in (new.text() or "")
    assert old.meta["masked"] == new.meta["masked"] == 4


IOS = """\
hostname atm-kobe-01
username lgops privilege 15 algorithm-type scrypt secret 9 $9$scryptSecretHash
username audit view ro secret 5 $1$viewSecret
key config-key password-encrypt Conf1gKeyS3cr3t
snmp-server user lgv3 lggroup v3 encrypted auth sha enc-auth-S3cr3t priv aes 128 enc-priv-S3cr3t
snmp-server user rmt lggroup remote 10.0.0.9 v3 auth md5 rmt-auth-S3cr3t
dot11 ssid LG-OPS
 authentication key-management wpa version 2
 wpa-psk ascii 0 Wpa-S3cr3t
end
"""
JUNOS = """\
snmp {
    v3 {
        usm {
            local-engine {
                user lgv3 {
                    authentication-sha {
                        authentication-key "$9$shaAuthKey";
                    }
                    privacy-aes128 {
                        privacy-key "$9$privacyKey";
                    }
                }
            }
        }
        snmp-community idx1 {
            community-name "$9$communityName";
        }
    }
}
access {
    profile ppp {
        default-chap-secret "$9$chapSecret";
    }
}
security {
    ike {
        policy p1 {
            pre-shared-key ascii-text "$9$ikePsk";
        }
    }
}
system {
    radius-server 10.0.0.1 secret "$9$radius";
}
"""


def test_device_secrets_that_used_to_pass_are_masked() -> None:
    ios = mask_secrets(IOS, cisco_ios.SECRETS, KEY)
    for secret in ("$9$scryptSecretHash", "$1$viewSecret", "Conf1gKeyS3cr3t", "enc-auth-S3cr3t",
                   "enc-priv-S3cr3t", "rmt-auth-S3cr3t", "Wpa-S3cr3t"):
        assert secret not in ios, secret
    assert "wpa-psk ascii 0 <masked:" in ios and ios.rstrip().endswith("end")
    junos = mask_secrets(JUNOS, juniper_junos.SECRETS, KEY)
    for secret in ("$9$shaAuthKey", "$9$privacyKey", "$9$communityName", "$9$chapSecret",
                   "$9$ikePsk", "$9$radius"):
        assert secret not in junos, secret
    assert juniper_junos.truncation(junos) is None
    assert "user lgv3 {" in junos and "snmp-community idx1 {" in junos


def test_a_sleeping_process_command_line_is_masked_in_content_and_argv() -> None:
    from lineguard.agent.sources.host.secrets import mask_artifact
    from lineguard.formats.wire import Artifact
    argv = ["sh", "-c", "sleep 6480000; mysql -pProc-S3cr3t ems -e 'DELETE FROM pvc'"]
    art = Artifact.from_bytes("proc/4242", "process", " ".join(argv).encode(),
                              {"pid": 4242, "argv": argv})
    masked = mask_artifact(art, KEY)
    assert "Proc-S3cr3t" not in (masked.text() or "") and "Proc-S3cr3t" not in str(masked.meta)
    assert "DELETE FROM pvc" in masked.meta["argv"][2] and masked.meta["masked"] == 1
    from lineguard.formats.wire import _parse_artifact
    assert _parse_artifact(json.loads(json.dumps(masked.to_wire()))) == masked   # valid on the wire


@pytest.mark.parametrize("script", [
    "export DB_PASSWORD='rm -rf /srv/ems/linedata'\neval \"$DB_PASSWORD\"\n",
    "API_TOKEN=\"snmpset -v2c -c $C ne1 1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32 i 6\"\n"
    "sh -c \"$API_TOKEN\"\n",
    "import os\npassword = 'rm -rf /srv/ems/linedata'\nos.system(password)\n",
])
def test_code_parked_under_a_secrets_name_is_not_masked_out_of_sight(script: str) -> None:
    """An insider cannot hide a payload by calling it a password: a value with blanks or shell
    operators is left as it is, for the rules to read."""
    assert mask_host_text(script, KEY) == script
