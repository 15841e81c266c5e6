"""Change control through the real engine: a ticket, a bounded maintenance window or a copy
kept before the change lowers what one target suffers, never hides it; and none of the three
is an escape hatch — a window must be short, near and bounded at both ends, a copy must
survive the job, and nothing lowers an effect on every row or every device."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lineguard.collector.analyse.effects.control import date_window, declared_windows
from lineguard.collector.analyse.effects.judge import judge
from lineguard.collector.model import (
    AbsoluteTrigger,
    CalendarTrigger,
    CronTrigger,
    Fire,
    Job,
    Severity,
    Verdict,
)
from lineguard.formats.wire import Artifact
from tests.ruleexamples import NOW

ONE_PVC = "ssh atm1 'configure terminal\ninterface ATM0/1\nno pvc 0/32'\n"
ONE_ROW = "snmpset -v2c -c private atm1 atmVclRowStatus.1.0.32 i 6\n"
EVERY_ROW = ("for oid in $(snmpwalk -On -v2c -c public atm1 atmVclRowStatus); do\n"
             "  snmpset -v2c -c private atm1 $oid i 6\ndone\n")
EVERY_DEVICE = ("for ne in $(cat /opt/ems/etc/ne.list); do\n"
                "  ssh $ne 'configure terminal\ninterface ATM0/1\nno pvc 0/32'\ndone\n")
WIPE_ROWS = "psql -d ems -c 'DELETE FROM pvc'\n"
WIPE_TREE = "rm -rf /srv/ems/linedata\n"


def _judge(text: str, *, source: str = "cron", trigger=None, fire_at: datetime | None = None):
    name = "usr/local/sbin/change"
    files = {name: Artifact.from_bytes(name, "script", f"#!/bin/sh\n{text}".encode())}
    job = Job(target="ems1", source=source, origin_path="etc/cron.d/change", origin_line=1,
              owner="root", schedule="0 3 * * *", command="/" + name,
              trigger=trigger or CronTrigger("0 3 * * *"), files=(name,))
    return judge(job, files, Fire(kind="exact", at=fire_at or NOW + timedelta(days=1)), NOW)


def _main(j, rule: str):
    return next(r for r in j.reasons if r.rule == rule)



# --- the window a date condition sets ---------------------------------------------------------

@pytest.mark.parametrize("condition, window", [
    ('[ "$(date +%F)" = 2026-11-27 ]', ("2026-11-27 00:00", "2026-11-28 00:00")),
    ("[ $(date +%Y%m%d%H%M) -ge 202611270100 ] && [ $(date +%Y%m%d%H%M) -lt 202611270300 ]",
     ("2026-11-27 01:00", "2026-11-27 03:00")),
    ("[ $(date +%Y%m%d%H) -gt 2026112700 ] && [ $(date +%Y%m%d%H) -le 2026112704 ]",
     ("2026-11-27 01:00", "2026-11-27 05:00")),
    ("[ $(date +%s) -ge 1796086800 ] && [ $(date +%s) -lt 1796094000 ]",
     ("2026-12-01 01:00", "2026-12-01 03:00")),
    ("datetime.date(2026, 11, 27) <= datetime.date.today() <= datetime.date(2026, 11, 27)",
     ("2026-11-27 00:00", "2026-11-28 00:00")),
    ("datetime.datetime.now() >= datetime.datetime(2026, 11, 27, 1, 0)",
     ("2026-11-27 01:00", None)),
    ('[ "$(date +%F)" != 2026-11-27 ]', (None, None)),
    ('! [ "$(date +%F)" = 2026-11-27 ]', (None, None)),
    ('[ "$(date +%F)" = 2026-11-27 ] || [ "$(hostname)" = ems1 ]', (None, None)),
    ("[ $(date +%m%d) = 1127 ]", (None, None)),
    # a near day named, a far one armed: the clock is shifted before it is compared
    ("[ \"$(date -d '300 days ago' +%F)\" = 2026-11-27 ]", (None, None)),
    ("[ \"$(TZ=Pacific/Kiritimati date +%F)\" = 2026-11-27 ]", (None, None)),
    ("[ $(( $(date +%s) - 25920000 )) -ge 1796086800 ] && [ $(( $(date +%s) - 25920000 )) "
     "-lt 1796094000 ]", (None, None)),
    ("datetime.date.today() - datetime.timedelta(days=300) == datetime.date(2026, 11, 27)",
     (None, None)),
    ("[ \"$(date -r /var/lib/ems/flag +%F)\" = 2026-11-27 ]", (None, None)),
])
def test_a_date_condition_bounds_the_clock_exactly(condition, window):
    lo, hi = date_window(condition)
    fmt = "%Y-%m-%d %H:%M"
    assert (lo and lo.strftime(fmt), hi and hi.strftime(fmt)) == window


def test_declared_windows_are_read_with_their_ends():
    text = "# CHG0012345 maintenance window: 2026-11-27 23:00-01:00 JST\n# window 2026-11-28 01:00 to 2026-11-28 03:30\n"
    assert declared_windows(text) == [(datetime(2026, 11, 27, 23), datetime(2026, 11, 28, 1)),
                                      (datetime(2026, 11, 28, 1), datetime(2026, 11, 28, 3, 30))]


# --- each form lowers a change of one target, and says so -------------------------------------

def test_a_ticket_lowers_one_named_circuit_and_the_reason_names_it():
    j = _judge("# CHG0012345: retire PVC 0/32\n" + ONE_PVC)
    assert (j.verdict, j.severity) == ("suspicious", "medium")
    assert "ticket CHG0012345, one target" in _main(j, "lg.ios.no-pvc").title


@pytest.mark.parametrize("guard", [
    '[ "$(date +%F)" = 2026-11-27 ] || exit 0\n',
    "[ $(date +%Y%m%d%H%M) -ge 202611270100 ] && [ $(date +%Y%m%d%H%M) -lt 202611270300 ] || exit 0\n",
])
def test_a_short_near_window_lowers_one_circuit(guard):
    j = _judge(guard + ONE_PVC)
    assert (j.verdict, j.severity) == ("suspicious", "medium")
    assert "acts only in the window 2026-11-27" in _main(j, "lg.ios.no-pvc").title


def test_a_window_as_an_if_block_lowers_one_row():
    j = _judge('if [ "$(date +%F)" = 2026-11-27 ]; then\n  ' + ONE_ROW + "fi\n")
    assert j.verdict == "suspicious"
    assert "window 2026-11-27 00:00–2026-11-28 00:00 UTC" in \
        _main(j, "lg.snmp.atm-rowstatus-destroy").title


def test_a_one_shot_at_job_inside_the_window_it_declares_is_lowered():
    at = datetime(2026, 11, 27, 2, 0, tzinfo=NOW.tzinfo)
    text = "# maintenance window 2026-11-27 01:00-03:00\n" + ONE_PVC
    j = _judge(text, source="at", trigger=AbsoluteTrigger(at), fire_at=at)
    assert j.verdict == "suspicious"
    assert "fires once at 2026-11-27 02:00, inside its window" in _main(j, "lg.ios.no-pvc").title


def test_a_one_shot_job_that_sleeps_past_its_declared_window_is_not_lowered():
    at = datetime(2026, 11, 27, 2, 0, tzinfo=NOW.tzinfo)
    text = "# maintenance window 2026-11-27 01:00-03:00\nsleep 7200\n" + ONE_PVC
    j = _judge(text, source="at", trigger=AbsoluteTrigger(at), fire_at=at)
    assert j.verdict == "destructive"
    assert "sleeps 2:00:00, so it can act after the window closes" in _main(j, "lg.ios.no-pvc").title


def test_a_one_shot_job_whose_pause_ends_after_its_declared_window_is_not_lowered():
    at = datetime(2026, 11, 27, 2, 30, tzinfo=NOW.tzinfo)
    text = "# maintenance window 2026-11-27 01:00-03:00\nsleep 3600\n" + ONE_PVC
    j = _judge(text, source="at", trigger=AbsoluteTrigger(at), fire_at=at)
    assert j.verdict == "destructive" and "acts after the window closes" in \
        _main(j, "lg.ios.no-pvc").title


def test_a_short_pause_inside_the_window_is_fine():
    j = _judge('[ "$(date +%F)" = 2026-11-27 ] || exit 0\nsleep 30\n' + ONE_PVC)
    assert j.verdict == "suspicious"


def test_a_one_shot_job_outside_its_declared_window_is_not_lowered():
    at = datetime(2026, 11, 27, 5, 0, tzinfo=NOW.tzinfo)
    text = "# maintenance window 2026-11-27 01:00-03:00\n" + ONE_PVC
    j = _judge(text, source="at", trigger=AbsoluteTrigger(at), fire_at=at)
    assert j.verdict == "destructive"
    assert "outside the window it declares" in _main(j, "lg.ios.no-pvc").title


def test_a_declared_window_does_not_bound_a_recurring_job():
    j = _judge("# maintenance window 2026-11-27 01:00-03:00\n" + ONE_PVC)
    assert j.verdict == "destructive"


@pytest.mark.parametrize("copy, note", [
    ("snmpwalk -v2c -c public atm1 atmVclTable > /var/backups/atm1-vcl.txt\n",
     "copies atm1 to /var/backups/atm1-vcl.txt first"),
    ("snmpbulkwalk -v2c -c public atm1 1.3.6.1.2.1.37.1.7 | gzip > /var/backups/vcl.gz\n",
     "to /var/backups/vcl.gz first"),
])
def test_a_walk_of_the_table_kept_in_a_file_lowers_one_row(copy, note):
    j = _judge(copy + ONE_ROW)
    assert j.verdict == "suspicious" and note in _main(j, "lg.snmp.atm-rowstatus-destroy").title


@pytest.mark.parametrize("copy", [
    "ssh atm1 'show running-config' > /var/backups/atm1.cfg\n",
    "clogin -c 'terminal length 0;show running-config' atm1 > /srv/rancid/atm1.cfg\n",
])
def test_the_device_configuration_kept_first_lowers_one_circuit(copy):
    j = _judge(copy + ONE_PVC)
    assert j.verdict == "suspicious" and "copies atm1 to" in _main(j, "lg.ios.no-pvc").title


def test_a_configuration_copied_off_the_device_in_the_same_session_lowers_one_circuit():
    j = _judge("ssh atm1 'copy running-config tftp://10.0.0.5/atm1.cfg\nconfigure terminal\n"
               "interface ATM0/1\nno pvc 0/32'\n")
    assert j.verdict == "suspicious"
    assert "saves the configuration first" in _main(j, "lg.ios.no-pvc").title


def test_one_file_copied_before_it_is_deleted_is_lowered():
    j = _judge("cp -a /var/lib/ems/ne.db /srv/backup/ne.db.$(date +%F)\nrm -f /var/lib/ems/ne.db\n")
    assert j.verdict == "suspicious" and j.severity in ("low", "medium")
    assert any("copies /var/lib/ems/ne.db to /srv/backup first" in r.title for r in j.reasons)


# --- mass changes: a copy keeps them from being raised, never below high ----------------------

@pytest.mark.parametrize("copy, wipe, rule", [
    ("pg_dump -Fc -f /var/backups/ems.dump ems\n", WIPE_ROWS, "lg.sql.linedata-wipe"),
    ("pg_dump ems > /var/backups/ems.sql\n", WIPE_ROWS, "lg.sql.linedata-wipe"),
    ("cp -a /srv/ems/linedata /srv/backup/linedata\n", WIPE_TREE, "lg.host.rm-linedata"),
    ("tar czf /srv/backup/linedata.tgz /srv/ems/linedata\n", WIPE_TREE, "lg.host.rm-linedata"),
    ("snmpwalk -v2c -c public atm1 atmVclTable > /var/backups/vcl.txt\n", EVERY_ROW,
     "lg.snmp.atm-rowstatus-destroy"),
])
def test_a_mass_deletion_with_a_copy_stays_destructive_and_at_least_high(copy, wipe, rule):
    j = _judge(copy + wipe)
    bare = _judge(wipe)
    assert j.verdict is Verdict.DESTRUCTIVE and j.severity >= Severity.HIGH
    assert j.severity <= bare.severity
    assert "a mass change, still at least high" in _main(j, rule).title


# --- abuse: what is not change control ----------------------------------------------------------

def test_a_ticket_in_a_comment_does_not_soften_wiping_every_row():
    j = _judge("# CHG0012345 routine cleanup\n" + WIPE_ROWS)
    bare = _judge(WIPE_ROWS)
    assert (j.verdict, j.severity) == ("destructive", bare.severity)
    assert "not lowered" in _main(j, "lg.sql.linedata-wipe").title


def test_a_window_on_every_device_is_not_lowered():
    j = _judge('[ "$(date +%F)" = 2026-11-27 ] || exit 0\n' + EVERY_DEVICE)
    assert (j.verdict, j.severity) == ("destructive", _judge(EVERY_DEVICE).severity)


def test_a_far_future_date_is_a_time_bomb_not_a_window():
    j = _judge('[ "$(date +%F)" = 2027-06-01 ] || exit 0\n' + ONE_PVC)
    assert j.verdict == "destructive"
    assert "time bomb" in _main(j, "lg.ios.no-pvc").title
    assert "lg.conceal.date-gate" in {r.rule for r in j.reasons}


@pytest.mark.parametrize("guard", [
    # a month-long "window"
    "[ $(date +%Y%m%d) -ge 20261127 ] && [ $(date +%Y%m%d) -le 20261231 ] || exit 0\n",
    # bounded on one side only
    "[ $(date +%Y%m%d) -ge 20261127 ] || exit 0\n",
    # the named day is the one day it does NOT run
    '[ "$(date +%F)" = 2026-11-27 ] && exit 0\n',
    # a window already over
    '[ "$(date +%F)" = 2026-11-20 ] || exit 0\n',
    # tomorrow's date named, the day 300 days on armed
    '[ "$(date -d \'300 days ago\' +%F)" = 2026-11-27 ] || exit 0\n',
    # checked inside the window, acting a month after it
    '[ "$(date +%F)" = 2026-11-27 ] || exit 0\nsleep 30d\n',
    '[ "$(date +%F)" = 2026-11-27 ] || exit 0\nsleep "$HOLD"\n',
])
def test_what_only_looks_like_a_window_lowers_nothing(guard):
    assert _judge(guard + ONE_PVC).verdict == "destructive"


def test_the_else_branch_of_a_window_is_outside_it():
    j = _judge('if [ "$(date +%F)" = 2026-11-27 ]; then\n  logger in-window\nelse\n  '
               + ONE_ROW + "fi\n")
    assert j.verdict == "destructive"


def test_a_python_window_lowers_its_body_not_its_else():
    body = ("#!/usr/bin/env python3\nimport datetime, os\n"
            "if datetime.date.today() == datetime.date(2026, 11, 27):\n"
            "    os.system('snmpset -v2c -c private atm1 atmVclRowStatus.1.0.32 i 6')\n")
    assert _judge_text(body).verdict == "suspicious"
    assert _judge_text(body + "else:\n    os.system('snmpset -v2c -c private atm1 "
                              "atmVclRowStatus.1.0.33 i 6')\n").verdict == "destructive"


def _judge_text(text: str):
    name = "usr/local/sbin/change.py"
    files = {name: Artifact.from_bytes(name, "script", text.encode())}
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/change", origin_line=1,
              owner="root", schedule="0 3 * * *", command="/" + name,
              trigger=CronTrigger("0 3 * * *"), files=(name,))
    return judge(job, files, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW)


@pytest.mark.parametrize("copy", [
    "snmpwalk -v2c -c public atm1 atmVclTable > /dev/null\n",
    "snmpwalk -v2c -c public atm1 atmVclTable > /tmp/vcl.txt\n",
    "snmpwalk -v2c -c public atm1 ifTable > /var/backups/if.txt\n",      # another table
    "snmpwalk -v2c -c public atm2 atmVclTable > /var/backups/vcl.txt\n",  # another device
    "snmpwalk -v2c -c public atm1 atmVclTable > \"$OUT\"\n",            # nowhere known
])
def test_a_copy_that_is_not_kept_or_not_of_this_data_lowers_nothing(copy):
    j = _judge(copy + ONE_ROW)
    assert j.verdict == "destructive"


def test_a_backup_to_dev_null_says_it_is_not_one():
    j = _judge("pg_dump ems > /dev/null\n" + WIPE_ROWS)
    r = _main(j, "lg.sql.linedata-wipe")
    assert "not change control: the copy of ems goes to /dev/null" in r.title
    assert (j.verdict, j.severity) == ("destructive", _judge(WIPE_ROWS).severity)


@pytest.mark.parametrize("text", [
    "cp -a /srv/ems/linedata /srv/backup/ld\nrm -rf /srv/ems/linedata\nrm -rf /srv/backup/ld\n",
    "cp -a /var/lib/ems/ne.db /srv/backup/ne.db\nrm -f /var/lib/ems/ne.db /srv/backup/ne.db\n",
    "cp -a /srv/ems/linedata /srv/ems/linedata/.keep\nrm -rf /srv/ems/linedata\n",
])
def test_a_copy_the_job_deletes_too_is_no_copy(text):
    j = _judge(text)
    assert j.verdict == "destructive"
    assert any("not change control:" in r.title for r in j.reasons)
    assert not any("first (line" in r.title for r in j.reasons)


EXPECT_WINDOW = ('#!/usr/bin/expect -f\n'
                 'if {[clock format [clock seconds] -format %Y-%m-%d] eq "2026-11-27"} {\n'
                 '    {THEN}\n} else {\n    {ELSE}\n}\n')
EXPECT_WORK = 'spawn ssh atm1\n    send "configure terminal\\r"\n    send "no pvc 0/32\\r"'


def test_a_tcl_window_lowers_its_then_body_not_its_else():
    inside = EXPECT_WINDOW.replace("{THEN}", EXPECT_WORK).replace("{ELSE}", 'puts "not today"')
    outside = EXPECT_WINDOW.replace("{THEN}", 'puts "today"').replace("{ELSE}", EXPECT_WORK)
    assert _judge_named(inside, "usr/local/sbin/change.exp").verdict == "suspicious"
    assert _judge_named(outside, "usr/local/sbin/change.exp").verdict == "destructive"


PERL_WINDOW = ('#!/usr/bin/perl\nuse POSIX qw(strftime);\n'
               'if (strftime("%Y-%m-%d", localtime) eq "2026-11-27") {\n    {THEN}\n'
               '} else {\n    {ELSE}\n}\n')
PERL_WORK = 'system("snmpset -v2c -c private atm1 atmVclRowStatus.1.0.32 i 6");'


def test_a_perl_window_lowers_its_then_body_not_its_else():
    # read through tree-sitter-perl, an if-block is told from its else and from what follows
    inside = PERL_WINDOW.replace("{THEN}", PERL_WORK).replace("{ELSE}", 'print "not today\\n";')
    outside = PERL_WINDOW.replace("{THEN}", 'print "today\\n";').replace("{ELSE}", PERL_WORK)
    after = PERL_WINDOW.replace("{THEN}", 'print "today\\n";').replace(
        "{ELSE}", 'print "not today\\n";') + PERL_WORK + "\n"
    assert _judge_named(inside, "usr/local/sbin/change.pl").verdict == "suspicious"
    for text in (outside, after):
        j = _judge_named(text, "usr/local/sbin/change.pl")
        assert j.verdict == "destructive", [(r.rule, r.title) for r in j.reasons]


def _judge_named(text: str, name: str):
    files = {name: Artifact.from_bytes(name, "script", text.encode())}
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/change", origin_line=1,
              owner="root", schedule="0 3 * * *", command="/" + name,
              trigger=CronTrigger("0 3 * * *"), files=(name,))
    return judge(job, files, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW)


@pytest.mark.parametrize("calendar, once", [("2026-11-27 02:00:00", True),
                                            ("Fri 2026-11-27 02:00 UTC", True),
                                            ("*-*-* 02:00:00", False),
                                            ("2026-*-27 02:00:00", False)])
def test_a_one_shot_timer_is_bounded_by_the_window_it_declares(calendar, once):
    at = datetime(2026, 11, 27, 2, 0, tzinfo=NOW.tzinfo)
    text = "# maintenance window 2026-11-27 01:00-03:00\n" + ONE_PVC
    j = _judge(text, source="systemd", trigger=CalendarTrigger((calendar,)), fire_at=at)
    assert j.verdict == ("suspicious" if once else "destructive")


def test_a_window_does_not_lower_a_mass_deletion():
    j = _judge('[ "$(date +%F)" = 2026-11-27 ] || exit 0\n' + WIPE_TREE)
    assert (j.verdict, j.severity) == ("destructive", _judge(WIPE_TREE).severity)


@pytest.mark.parametrize("line, how, what, dest", [
    ("cp -a /srv/ems/linedata /srv/backup/ld", "files", "/srv/ems/linedata", "/srv/backup/ld"),
    ("rsync -a /srv/ems/linedata/ backup1:/srv/ems/linedata/", "files", "/srv/ems/linedata/",
     "backup1:/srv/ems/linedata/"),
    ("tar --create --file=/srv/backup/ld.tar /srv/ems/linedata", "files", "/srv/ems/linedata",
     "/srv/backup/ld.tar"),
    ("tar -czf /srv/backup/ld.tgz /srv/ems/linedata", "files", "/srv/ems/linedata",
     "/srv/backup/ld.tgz"),
    ("pg_dump -d ems -f /var/backups/ems.dump", "database", "ems", "/var/backups/ems.dump"),
    ("mysqldump -r /var/backups/emsdb.sql emsdb", "database", "emsdb", "/var/backups/emsdb.sql"),
    ("mysqldump emsdb | gzip > /var/backups/emsdb.sql.gz", "database", "emsdb",
     "/var/backups/emsdb.sql.gz"),
    ("sqlite3 /var/lib/ems/ne.db '.backup /var/backups/ne.db'", "database", "/var/lib/ems/ne.db",
     "/var/backups/ne.db"),
    ("sqlite3 /var/lib/ems/ne.db .dump > /var/backups/ne.sql", "database", "/var/lib/ems/ne.db",
     "/var/backups/ne.sql"),
    ("snmptable -v2c -c public atm1 atmVclTable > /var/backups/vcl.txt", "mib", "atm1",
     "/var/backups/vcl.txt"),
    ("ssh noc@atm1 'show running-config' > /var/backups/atm1.cfg", "device-config", "atm1",
     "/var/backups/atm1.cfg"),
])
def test_each_way_of_keeping_a_copy_is_a_backup_effect(line, how, what, dest):
    from lineguard.collector.analyse.effects.judge import effects_of
    from lineguard.collector.analyse.effects.model import render
    name = "usr/local/sbin/keep"
    files = {name: Artifact.from_bytes(name, "script", f"#!/bin/sh\n{line}\n".encode())}
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/keep", origin_line=1,
              owner="root", schedule="0 3 * * *", command="/" + name,
              trigger=CronTrigger("0 3 * * *"), files=(name,))
    kept = [(e.how, render(e.target), render(e.value)) for e in effects_of(job, files)[0]
            if e.kind == "backup"]
    assert kept == [(how, what, dest)]


def test_a_python_copy_before_a_single_file_delete_lowers_it():
    text = ("#!/usr/bin/env python3\nimport os, shutil\n"
            "shutil.copy2('/var/lib/ems/ne.db', '/srv/backup/ne.db')\n"
            "os.remove('/var/lib/ems/ne.db')\n")
    j = _judge_named(text, "usr/local/sbin/change.py")
    assert j.verdict == "suspicious"
    assert any("copies /var/lib/ems/ne.db to /srv/backup/ne.db first" in r.title for r in j.reasons)
    tree = ("#!/usr/bin/env python3\nimport shutil\n"
            "shutil.copytree('/srv/ems/linedata', '/srv/backup/ld')\n"
            "shutil.rmtree('/srv/ems/linedata')\n")
    mass = _judge_named(tree, "usr/local/sbin/change.py")
    assert mass.verdict == "destructive" and mass.severity in ("high", "critical")


def test_a_copy_before_and_after_is_named_both_times():
    j = _judge("ssh atm1 'show running-config' > /var/backups/atm1.before\n" + ONE_PVC +
               "ssh atm1 'show running-config' > /var/backups/atm1.after\n")
    title = _main(j, "lg.ios.no-pvc").title
    assert j.verdict == "suspicious"
    assert "copies atm1 to /var/backups/atm1.before first (line 2), and again after (line 6)" in title
