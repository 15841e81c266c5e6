"""Host-side forms the effects engine reads as what they do, each with its neighbouring spellings
(option orders, long and short flags, quoting, variables) and a benign look-alike: find's
name/path/regex selections, units and crontabs rewritten through an editor fed from stdin,
low-level file and volume destroyers, SQL generated from a catalogue listing, coprocesses,
loops over a device list file, Exscript sessions and Tcl host lists; and what the agent
follows to capture the files these read."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from lineguard.agent.sources.host.rootfs import HostLimits, RootFS, RootPathError
from lineguard.collector.analyse.effects.model import render
from lineguard.collector.model import Verdict
from lineguard.formats.follow import referenced_paths
from tests.test_effects import _effects, _judge

NE_LIST = "# NEs, one a line\natm-kobe-01\natm-osaka-02  # spare\natm-kyoto-03\n"


def _destructive(text: str, **kw) -> str:
    """The reasons' titles, after asserting the job is judged destructive."""
    j = _judge(text, **kw)
    assert j.verdict is Verdict.DESTRUCTIVE, (text, j.reasons)
    return " | ".join(r.title for r in j.reasons)


def _quiet(text: str, **kw) -> None:
    j = _judge(text, **kw)
    assert j.verdict is not Verdict.DESTRUCTIVE and j.severity.value not in ("high", "critical"), \
        (text, j.reasons)


# --- find: what a name, path or regex pattern selects ----------------------------------------

PREDICATES = [("-path", "'*linedata*'"), ("-wholename", '"*/linedata/*"'), ("-ipath", "*LineData*"),
              ("-regex", "'.*/linedata/.*'"), ("-iregex", "'.*line_data.*'"),
              ("-name", "pvc.sqlite"), ("-iname", "'xconnect.tbl'")]
ACTIONS = ["-delete", "-exec rm -rf {} +", "-exec /bin/rm -f {} \\;", "-execdir rm -f {} ';'",
           "-exec sudo rm -rf {} +", "-print0 | xargs -0 rm -f", "-exec shred -u {} \\;",
           "-exec truncate -s 0 {} +"]


@pytest.mark.parametrize("pred,action", list(itertools.product(PREDICATES, ACTIONS))[::3])
def test_find_selecting_line_data_by_pattern_is_destructive(pred, action):
    for root in ("/srv", "/var/lib/ems", "$ROOT"):
        script = f"ROOT=/opt/ems\nfind {root} -type f {pred[0]} {pred[1]} {action}\n"
        assert "line-data" in _destructive(script).lower() or "database" in \
            _destructive(script).lower()


@pytest.mark.parametrize("script", [
    "find /srv/ems/cache -path '*linedata*' -mtime +7 -delete",
    "find /var/cache/ems -name '*pvc*' -mmin +240 -exec rm -f {} +",
    "find /srv/ems -path '*/linedata' -prune -o -name '*.tmp' -mtime +2 -print -delete",
    "find /srv/ems/linedata -name '*.lock' -delete",
    "find /var/log/ems -name '*linedata*.gz' -mtime +30 -delete",
    "find /home -name .gvfs -exec rm -rf {} +",
    "find /srv/ems/linedata -name '*.csv' -print",
])
def test_find_patterns_under_caches_by_age_or_pruned_stay_quiet(script):
    _quiet(script + "\n")


def test_find_reason_shows_the_selection():
    titles = _destructive("find /srv -path '*linedata*' -delete\n")
    assert "/srv/*linedata*" in titles


# --- units and crontabs rewritten through an editor nobody types into ------------------------

EMPTIED = ["systemctl edit --force --full {u} < /dev/null",
           "systemctl --full edit --force {u} </dev/null",
           "SYSTEMD_EDITOR='cp /dev/null' systemctl edit --full {u}",
           "export EDITOR=truncate\nsystemctl edit -l {u}",
           "printf '' | SYSTEMD_EDITOR=tee systemctl edit --full {u}",
           "systemctl edit --stdin --full {u} <<'EOF'\n[Unit]\nDescription=x\nEOF"]


@pytest.mark.parametrize("form,unit", list(itertools.product(
    EMPTIED, ["ems-poller.service", "lineguard-agent.service", "cron.service"])))
def test_a_unit_emptied_or_left_without_a_command_is_destructive(form, unit):
    _destructive(form.format(u=unit) + "\n")


@pytest.mark.parametrize("text", [
    "systemctl edit --stdin ems-poller.service <<'EOF'\n[Service]\nExecStart=\nExecStart=/bin/true\nEOF",
    "systemctl edit --stdin ems-poller.service <<'EOF'\n[Service]\nExecCondition=/bin/false\nEOF",
    "systemctl edit --stdin ems-backup.timer <<'EOF'\n[Timer]\nOnCalendar=\nEOF",
    "EDITOR=tee crontab -e < /dev/null",
    "VISUAL='cp /dev/null' crontab -e",
])
def test_neutralised_units_and_emptied_crontabs_are_destructive(text):
    _destructive(text + "\n")


def test_commands_a_rewritten_unit_runs_are_judged():
    titles = _destructive("printf '[Service]\\nExecStart=\\nExecStart=/bin/sh -c \"rm -rf "
                          "/srv/ems/linedata\"\\n' | systemctl edit --stdin ems-poller.service\n")
    assert "rewritten by systemctl edit" in titles


def test_a_unit_rewritten_from_an_uncaptured_file_is_named():
    j = _judge("systemctl edit --full ems-poller.service < /opt/ems/units/poller.new\n")
    assert j.verdict is Verdict.SUSPICIOUS
    assert "opt/ems/units/poller.new" in " ".join(r.title for r in j.reasons)


@pytest.mark.parametrize("text", [
    "systemctl edit --stdin ems-poller.service <<'EOF'\n[Service]\nEnvironment=EMS_POLL=300\nEOF",
    "printf '[Service]\\nEnvironment=EMS_DEBUG=0\\n' | SYSTEMD_EDITOR=tee systemctl edit ems-poller.service",
    "SYSTEMD_EDITOR=true systemctl edit --full ems-poller.service",
    "systemctl edit ems-poller.service < /dev/null",
    "systemctl cat ems-poller.service > /var/backups/ems-poller.service",
])
def test_drop_ins_that_only_set_the_environment_stay_quiet(text):
    _quiet(text + "\n")


# --- low-level destroyers ---------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "xfs_io -c 'truncate 0' /srv/ems/linedata/pvc.db",
    "xfs_io -f -c \"fpunch 0 10g\" /var/opt/nms/xconnect.tbl",
    "xfs_io -c 'pwrite -S 0 0 1m' -c fsync /srv/ems/linedata/pvc.csv",
    "fallocate --punch-hole --offset 0 --length 1G /var/lib/ems/ne.db",
    "fallocate -p -o 0 -l 1G /var/lib/ems/ne.db",
    "debugfs -w -R 'rm /srv/ems/linedata/pvc.csv' /dev/sda1",
    "blkdiscard -f /dev/sdb", "wipefs --all --force /dev/sdc", "wipefs -o 0x438 /dev/sdc1",
    "sgdisk --zap-all /dev/sdd", "sgdisk -Z /dev/sdd", "sgdisk -d 1 /dev/sdd",
    "lvremove -f /dev/vg0/ems", "zfs destroy -r tank/ems", "btrfs subvolume delete /srv/ems/linedata",
    "btrfs sub del /srv/ems/linedata", "sg_format --format /dev/sg2",
])
def test_low_level_destroyers_are_destructive(text):
    _destructive(text + "\n")


def test_fallocate_option_values_are_not_files():
    effects = _effects("fallocate --punch-hole --offset 0 --length 1G /var/lib/ems/ne.db\n")
    assert [render(e.target) for e in effects if e.kind == "data-destruction"] == \
        ["/var/lib/ems/ne.db"]


@pytest.mark.parametrize("text", [
    "xfs_io -r -c 'fiemap' /srv/ems/linedata/pvc.csv", "xfs_io -c stat /var/lib/ems/ne.db",
    "fallocate -l 1G /srv/ems/swapfile", "debugfs -R 'stat /srv/ems/linedata/pvc.csv' /dev/sda1",
    "wipefs /dev/sdb", "sgdisk -p /dev/sdb",
])
def test_reading_those_tools_stays_quiet(text):
    _quiet(text + "\n")


# --- SQL generated from a catalogue listing ---------------------------------------------------

GENERATED = [
    "psql -Atc \"select 'drop table '||tablename||';' from pg_tables where schemaname='public'\" ems | psql ems",
    "psql -d ems -A -t -c \"SELECT format('TRUNCATE TABLE %I CASCADE;', tablename) FROM pg_tables\" | psql -d ems",
    "psql -d ems -c \"SELECT format('DROP TABLE %I', tablename) FROM pg_tables \\gexec\"",
    "mysql -NBe \"SELECT CONCAT('DROP TABLE IF EXISTS \\`', table_name, '\\`;') FROM information_schema.tables WHERE table_schema='ems'\" | mysql ems",
    "echo \"SELECT 'DELETE FROM ' || name || ';' FROM sqlite_master WHERE type='table';\" | sqlite3 /var/lib/ems/ems.db | sqlite3 /var/lib/ems/ems.db",
    "mysql -N -e 'SHOW TABLES' ems | while read t; do mysql ems -e \"DROP TABLE $t\"; done",
    "for t in $(sqlite3 /var/lib/ems/ems.db \"select name from sqlite_master where type='table'\"); do sqlite3 /var/lib/ems/ems.db \"DELETE FROM $t\"; done",
    "sqlite3 /var/lib/ems/ems.db .tables | xargs -I{} sqlite3 /var/lib/ems/ems.db 'DROP TABLE {};'",
    "psql ems <<'SQL'\nDO $$ DECLARE r record; BEGIN\n FOR r IN SELECT tablename FROM pg_tables LOOP\n"
    "  EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(r.tablename) || ' CASCADE';\n END LOOP;\nEND $$;\nSQL",
]


@pytest.mark.parametrize("text", GENERATED)
def test_statements_generated_over_a_catalogue_reach_every_table(text):
    effects = [e for e in _effects(text + "\n") if e.kind == "data-destruction"]
    assert effects and all(e.reach == "all" and render(e.target).startswith("<every ")
                           for e in effects), effects
    assert "every table listed by" in _destructive(text + "\n")


def test_unresolvable_generated_sql_is_at_least_suspicious():
    j = _judge("psql -Atc \"select stmt from cleanup_queue\" ems | psql ems\n")
    assert j.verdict is Verdict.SUSPICIOUS


@pytest.mark.parametrize("text", [
    "psql -Atc \"select 'vacuum analyze '||tablename||';' from pg_tables\" ems | psql ems",
    "mysql -N -e \"SELECT CONCAT('OPTIMIZE TABLE ', table_name, ';') FROM information_schema.tables\" | mysql ems",
    "mysql -N -e 'SHOW TABLES' ems | while read t; do mysqldump ems \"$t\" > /var/backups/ems-$t.sql; done",
    "psql -Atc \"select tablename from pg_tables\" ems | while read t; do psql ems -c \"select count(*) from $t\"; done",
    "psql -d ems -c \"SELECT format('ANALYZE %I', tablename) FROM pg_tables \\gexec\"",
])
def test_catalogue_queries_that_only_read_or_maintain_stay_quiet(text):
    _quiet(text + "\n")


# --- coprocesses ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "coproc W { rm -rf /srv/ems/linedata; }",
    "coproc W (rm -rf /srv/ems/linedata)",
    "coproc { find /srv/ems/linedata -type f -delete; }",
    "coproc SH { bash; }\necho 'rm -rf /srv/ems/linedata' >&\"${SH[1]}\"",
    "coproc bash\necho rm -rf /srv/ems/linedata >&${COPROC[1]}",
    "coproc S { ssh -T oper@atm-kobe-01; }\nprintf 'configure terminal\\nno pvc 0/32\\nend\\n' >&${S[1]}",
    "coproc T { nc tl1gw 3083\n}\necho 'DLT-CRS-VC:NODE7:NTVCL-0-32,LTVCL-0-32:11;' >&${T[1]}",
])
def test_coprocess_bodies_and_what_is_written_to_them_are_judged(text):
    _destructive("#!/bin/bash\n" + text + "\n")


def test_a_coprocess_that_only_polls_stays_quiet():
    _quiet("#!/bin/bash\ncoproc P { snmpwalk -v2c -c public atm-kobe-01 ifOperStatus; }\n"
           "while read -u \"${P[0]}\" line; do echo \"$line\"; done\n")


# --- loops over a device list file ------------------------------------------------------------

LOOPS = [
    "while read h; do {act}; done < /opt/ems/etc/ne.list",
    "while IFS= read -r h; do {act}; done < /opt/ems/etc/ne.list",
    "cat /opt/ems/etc/ne.list | while read -r h; do {act}; done",
    "for h in $(cat /opt/ems/etc/ne.list); do {act}; done",
    "for h in $(grep -v '^#' /opt/ems/etc/ne.list); do {act}; done",
    "for h in $(< /opt/ems/etc/ne.list); do {act}; done",
    "grep -v '^#' /opt/ems/etc/ne.list | while read h rest; do {act}; done",
]
ACTS = ["snmpset -v2c -c private $h 1.3.6.1.2.1.37.1.7.1.13.1.0.32 i 6",
        "ssh oper@$h 'configure terminal\nno pvc 0/32'"]


@pytest.mark.parametrize("loop,act", list(itertools.product(LOOPS, ACTS)))
@pytest.mark.parametrize("captured", [True, False])
def test_a_loop_over_a_device_list_reaches_every_device_in_it(loop, act, captured):
    extra = {"opt/ems/etc/ne.list": NE_LIST} if captured else {}
    text = loop.format(act=act) + "\n"
    effects = [e for e in _effects(text, extra=extra) if e.kind in ("snmp-set", "device-command")]
    assert effects and all(e.reach == "all" for e in effects), effects
    assert "every device in opt/ems/etc/ne.list" in _destructive(text, extra=extra)


@pytest.mark.parametrize("text", [
    "xargs -a /opt/ems/etc/ne.list -I{} snmpset -v2c -c private {} 1.3.6.1.2.1.37.1.7.1.13.1.0.32 i 6",
    "xargs --arg-file=/opt/ems/etc/ne.list -I HOST ssh HOST 'configure terminal\nno pvc 0/32'",
    "cat /opt/ems/etc/ne.list | xargs -I{} ssh {} 'configure terminal\nno pvc 0/32'",
])
@pytest.mark.parametrize("captured", [True, False])
def test_xargs_over_a_device_list_reaches_every_device_in_it(text, captured):
    extra = {"opt/ems/etc/ne.list": NE_LIST} if captured else {}
    assert "every device in opt/ems/etc/ne.list" in _destructive(text + "\n", extra=extra)


def test_a_loop_over_a_device_list_that_only_polls_stays_quiet():
    _quiet("while read -r h; do snmpget -v2c -c public \"$h\" sysUpTime.0; done "
           "< /opt/ems/etc/ne.list\n", extra={"opt/ems/etc/ne.list": NE_LIST})


def test_deleting_what_an_uncaptured_list_names_is_suspicious_and_names_it():
    j = _judge("for p in $(grep -v '^#' /opt/ems/.old/purge.cfg); do rm -rf \"$p\"; done\n")
    assert j.verdict is Verdict.SUSPICIOUS
    assert "opt/ems/.old/purge.cfg" in " ".join(r.title for r in j.reasons)


# --- Exscript sessions and Tcl host lists -----------------------------------------------------

EXSCRIPT = [
    "from Exscript.protocols import SSH2\nfrom Exscript import Account\nconn = SSH2()\n"
    "conn.connect('atm-kobe-01')\nconn.login(Account('oper', 'pw'))\n"
    "conn.execute('configure terminal')\nconn.execute('no pvc 0/32')\n",
    "from Exscript.protocols import Telnet\nconn = Telnet()\nconn.connect('atm-kobe-01')\n"
    "conn.send('write erase\\r')\n",
    "from Exscript import Account\nfrom Exscript.util.start import start\n"
    "def wipe(job, host, conn):\n    conn.execute('configure terminal')\n"
    "    conn.execute('no interface ATM0/0/0.100')\n"
    "start(Account('oper', 'pw'), ['ssh://atm-kobe-01', 'ssh://atm-osaka-02'], wipe)\n",
    "from Exscript.util.start import quickstart\nfrom Exscript.util.file import get_hosts_from_file\n"
    "def go(job, host, conn):\n    conn.execute('write erase')\n"
    "quickstart(get_hosts_from_file('/opt/ems/etc/ne.list'), go)\n",
]


@pytest.mark.parametrize("code", EXSCRIPT)
def test_exscript_sessions_are_device_sessions(code):
    _destructive("#!/usr/bin/env python3\n" + code, name="usr/local/sbin/task.py")


def test_an_exscript_session_that_only_shows_stays_quiet():
    _quiet("#!/usr/bin/env python3\nfrom Exscript.protocols import SSH2\nconn = SSH2()\n"
           "conn.connect('atm-kobe-01')\nconn.execute('show running-config')\n",
           name="usr/local/sbin/task.py")


@pytest.mark.parametrize("build", [
    "set hosts {}\nlappend hosts atm-kobe-01\nlappend hosts atm-osaka-02 atm-kyoto-03\n",
    "set f [open /opt/ems/etc/ne.list r]\nwhile {[gets $f line] >= 0} { lappend hosts $line }\n"
    "close $f\n",
])
def test_a_tcl_host_list_built_with_lappend_feeds_the_foreach(build):
    text = ("#!/usr/bin/expect -f\n" + build + "foreach h $hosts {\n  spawn ssh oper@$h\n"
            "  expect \"#\"\n  send \"configure terminal\\r\"\n  send \"no interface ATM0/0/0.100\\r\"\n}\n")
    effects = [e for e in _effects(text, name="usr/local/sbin/task.exp")
               if e.kind == "device-command"]
    assert effects and all(e.reach == "all" for e in effects)
    _destructive(text, name="usr/local/sbin/task.exp")


def test_tcl_exec_of_a_walk_yields_each_row():
    text = ("#!/usr/bin/expect\nforeach line [split [exec snmpwalk -v2c -c public -On atm-kobe-01 "
            "1.3.6.1.2.1.37.1.11.1.13] \"\\n\"] {\n  set inst [lindex $line 0]\n"
            "  exec snmpset -v2c -c private atm-kobe-01 $inst i 6\n}\n")
    assert "atmVcCrossConnectRowStatus" in _destructive(text, name="usr/local/sbin/task.exp")


# --- what the agent follows -------------------------------------------------------------------

@pytest.mark.parametrize("text,path", [
    ("mapfile -t NE < <(grep -v '^#' /usr/local/lib/ems/devices)", "/usr/local/lib/ems/devices"),
    ("for h in $(cut -d: -f1 /opt/ems/etc/ne.list); do :; done", "/opt/ems/etc/ne.list"),
    ("for h in $(grep -v '^#' '/opt/ems/.old/ne.cfg'); do :; done", "/opt/ems/.old/ne.cfg"),
    ("env 'BASH_FUNC_go%%=() { psql -d ems -f /opt/ems/sql/purge.sql; }' bash -c go",
     "/opt/ems/sql/purge.sql"),
    ('tool=PSQL\n"${tool,,}" -d ems -f \'/opt/ems/sql/purge.sql\'', "/opt/ems/sql/purge.sql"),
    ("python3 - <<'PY'\nimport os\nos.system(\"psql -f '/opt/ems/sql/purge.sql'\")\nPY",
     "/opt/ems/sql/purge.sql"),
])
def test_the_agent_follows_lists_and_statement_files_however_they_are_read(text, path):
    assert path in referenced_paths(text)


def test_a_path_too_long_for_the_file_system_is_not_found_not_an_error(tmp_path: Path):
    fs = RootFS(tmp_path, HostLimits())
    long_name = "/" + "A" * 600
    assert fs.exists(long_name) is False
    with pytest.raises(RootPathError):
        fs.resolve(long_name)


# --- destroyers of the wave-6 red team: data stores, configurations a tool applies, editors --

SQL = "opt/ems/sql/n.sql"
CONF = "opt/ems/etc/n.conf"


@pytest.mark.parametrize("text,extra", [
    (f"sqlplus -s ems/pw@EMSDB @/{SQL}\n", {SQL: "DELETE FROM ems.pvc;\nCOMMIT;\n"}),
    (f"psql -X -v tbl=pvc -d ems -f /{SQL}\n", {SQL: "TRUNCATE TABLE :\"tbl\" CASCADE;\n"}),
    (f"psql -X -d ems -f /{SQL}\n", {SQL: "\\set t pvc\nDELETE FROM :t;\n"}),
    ("mariadb-admin --force drop emsdb\n", {}),
    ("etcdctl del --prefix /ems/linedata/\n", {}),
    ("ETCDCTL_API=3 etcdctl del '' --from-key=true\n", {}),
    ("curl -s -X DELETE 'http://127.0.0.1:9200/linedata'\n", {}),
    ("curl -s -XPOST 'localhost:9200/pvc/_delete_by_query' -H 'Content-Type: application/json' "
     "-d '{\"query\":{\"match_all\":{}}}'\n", {}),
    (f"systemd-tmpfiles --remove /{CONF}\n", {CONF: "R /srv/ems/linedata - - - - -\n"}),
    (f"systemd-tmpfiles --clean /{CONF}\n", {CONF: "e /srv/ems/linedata - - - 0\n"}),
    (f"logrotate -f -s /dev/null /{CONF}\n",
     {CONF: "/srv/ems/linedata/*.csv {\n    rotate 0\n    shred\n}\n"}),
    ("git -C /opt/ems/etc rm -rfq .\n", {}),
    ("cd /opt/ems/etc && git rm -rqf *\n", {}),
    (": | sponge /srv/ems/linedata/pvc.csv\n", {}),
    ("ex -sc '%d|x' /srv/ems/linedata/pvc.csv\n", {}),
    ("vim -es -c '%d' -c 'wq' /srv/ems/linedata/pvc.csv\n", {}),
    ("printf ',d\\nw\\nq\\n' | ed -s /srv/ems/linedata/pvc.csv\n", {}),
    ("perl -i -ne 'print if 0' /srv/ems/linedata/pvc.csv\n", {}),
    ("perl -pi -e '$_ = \"\"' /srv/ems/linedata/pvc.csv\n", {}),
    ("dd if=/dev/null of=/srv/ems/linedata/pvc.csv\n", {}),
    ("truncate --reference=/dev/null /srv/ems/linedata/pvc.csv\n", {}),
    ("scrub -r /srv/ems/linedata/pvc.csv\n", {}),
    ("rsync -r --delete-excluded --exclude='*' /etc/ems/ /srv/ems/linedata/\n", {}),
    ("toybox rm -rf /srv/ems/linedata\n", {}),
])
def test_data_destroyed_through_stores_configurations_and_editors(text, extra):
    _destructive(text, extra=extra)


@pytest.mark.parametrize("text,extra", [
    (f"sqlplus -s ems/pw@EMSDB @/{SQL}\n", {SQL: "DELETE FROM ems.audit WHERE ts < SYSDATE - 90;\n"}),
    (f"psql -X -v tbl=audit -d ems -f /{SQL}\n",
     {SQL: "DELETE FROM :\"tbl\" WHERE ts < now() - interval '90 days';\n"}),
    ("mariadb-admin ping\n", {}),
    ("etcdctl get --prefix /ems/config/\n", {}),
    ("etcdctl del /ems/lock/nightly\n", {}),
    ("curl -s 'http://127.0.0.1:9200/_cat/indices?v'\n", {}),
    (f"systemd-tmpfiles --clean /{CONF}\n", {CONF: "e /var/tmp/ems - - - 10d\n"}),
    (f"systemd-tmpfiles --create /{CONF}\n", {CONF: "d /run/ems 0755 ems ems -\n"}),
    (f"logrotate -s /var/lib/ems/state /{CONF}\n",
     {CONF: "/var/log/ems/*.log {\n    weekly\n    rotate 8\n}\n"}),
    ("git -C /opt/ems/etc rm -q --cached stale.lock\n", {}),
    ("sort -u /opt/ems/etc/ne.list | sponge /opt/ems/etc/ne.list\n", {}),
    ("ex -sc '%s/old/new/g|x' /opt/ems/etc/ems.conf\n", {}),
    ("vim -es -c 'g/^#/d' -c wq /opt/ems/etc/ne.list\n", {}),
    ("perl -pi -e 's/^poll=.*/poll=300/' /opt/ems/etc/ems.conf\n", {}),
    ("dd if=/dev/null of=/srv/ems/linedata/pvc.csv conv=notrunc\n", {}),
    ("rsync -a --delete /srv/ems/linedata/ /backup/linedata/\n", {}),
])
def test_the_same_programs_doing_bounded_or_read_only_work_are_quiet(text, extra):
    _quiet(text, extra=extra)


def test_a_configuration_a_tool_applies_that_was_not_captured_is_not_benign():
    j = _judge("systemd-tmpfiles --remove /opt/ems/etc/gone.conf\n")
    assert j.verdict is Verdict.SUSPICIOUS, j.reasons


# --- what the agent captures for these ---------------------------------------------------------

@pytest.mark.parametrize("text,path", [
    ("make -s -f /opt/ems/build/n.mk all", "/opt/ems/build/n.mk"),
    ("make -C /opt/ems/build", "/opt/ems/build/Makefile"),
    ("m4 /opt/ems/share/r.m4 >/dev/null", "/opt/ems/share/r.m4"),
    ("sed -n -f /opt/ems/share/f.sed /etc/hostname", "/opt/ems/share/f.sed"),
    ("tar -cf /dev/null /etc/hostname '--checkpoint-action=exec=bash /opt/ems/c.sh'",
     "/opt/ems/c.sh"),
    ("ssh -o 'ProxyCommand=sh -c \"bash /opt/ems/p.sh\"' h true", "/opt/ems/p.sh"),
    ("git -C /opt/ems/etc -c core.hooksPath=/opt/ems/hooks commit -qm x",
     "/opt/ems/hooks/pre-commit"),
    ("awk 'BEGIN { c = \"bash /opt/ems/d.sh\"; c | getline }'", "/opt/ems/d.sh"),
    ("python3 -c \"import pty; pty.spawn(['sh', '-c', 'bash /opt/ems/x.sh'])\"", "/opt/ems/x.sh"),
    ("php -r 'passthru(\"bash /opt/ems/g.sh\");'", "/opt/ems/g.sh"),
    ("nsenter -t 1 -m -- sh -c 'bash /opt/ems/e.sh'", "/opt/ems/e.sh"),
    ("unshare -m --propagation private sh -c 'bash /opt/ems/e.sh'", "/opt/ems/e.sh"),
    ("sg root -c 'bash /opt/ems/s.sh'", "/opt/ems/s.sh"),
    ("sftp -b /opt/ems/share/f.batch oper@h", "/opt/ems/share/f.batch"),
    ("curl -s telnet://h:23 -T /opt/ems/share/s.txt", "/opt/ems/share/s.txt"),
    ("netconf-console --host h --edit-config /opt/ems/share/nc.xml", "/opt/ems/share/nc.xml"),
    ("systemd-tmpfiles --remove /opt/ems/etc/t.conf", "/opt/ems/etc/t.conf"),
    ("logrotate -f /opt/ems/etc/r.conf", "/opt/ems/etc/r.conf"),
])
def test_the_agent_captures_what_carriers_and_data_tools_read(text, path):
    assert path in referenced_paths(text)


def test_files_named_in_a_quoted_command_line_are_found_apart():
    quoted: list[str] = []
    found = referenced_paths("declare -A t=([arg]='systemd-tmpfiles --remove /opt/ems/t.conf')\n"
                             "logger 'backup of /srv/ems failed'", None, quoted)
    assert found == [] and quoted == ["/opt/ems/t.conf"]
