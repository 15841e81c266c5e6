"""crontab lines, read once for agent and collector (formats.cron): assignments, entries with
and without the system user field, @nicknames, and the `%` rule as Vixie cron applies it; the
agent follows what the collector's job runs, on real crontab files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lineguard.agent.sources.host import collect
from lineguard.collector.model import BootTrigger, CronTrigger
from lineguard.collector.parse.host import jobs
from lineguard.collector.schedule.cron import CronSchedule
from lineguard.formats.cron import NICKNAMES, CronEntry, assignment, entry, split_percent
from tests.hostroot import GROUP, PASSWD, SPOOL_HEADER, write


@pytest.mark.parametrize("command,head,stdin", [
    ("plain command", "plain command", None),
    ("mail -s report ops%line one%line two", "mail -s report ops", "line one\nline two"),
    ("date +\\%F > /tmp/d", "date +%F > /tmp/d", None),                # \% is a %
    ("sh%echo 50\\% done%", "sh", "echo 50% done\n"),                  # \% in the input too
    ("a\\\\%b", "a\\\\", "b"),                     # an escaped backslash does not escape the %
    ("grep a\\.b file%x\\y", "grep a\\.b file", "x\\y"),   # other backslashes stay
    ("cat%ends with a backslash\\", "cat", "ends with a backslash\\"),
    ("trailing%", "trailing", ""),
])
def test_the_percent_rule(command: str, head: str, stdin: str | None) -> None:
    assert split_percent(command) == (head, stdin)


@pytest.mark.parametrize("line,system,found", [
    ("0 3 * * * root /opt/a.sh  --keep  'spaces'", True,
     CronEntry("0 3 * * *", "root", "/opt/a.sh  --keep  'spaces'")),
    ("0 3 * * * /opt/a.sh", False, CronEntry("0 3 * * *", None, "/opt/a.sh")),
    ("@reboot oper /opt/boot.sh", True, CronEntry("@reboot", "oper", "/opt/boot.sh")),
    ("  @daily   /opt/d.sh", False, CronEntry("@daily", None, "/opt/d.sh")),
    ("*/5 * * * * root", True, CronEntry("*/5 * * * *", "root", "")),
    ("*/5 * * * *", True, CronEntry("*/5 * * * *", None, "")),
    ("# 0 3 * * * root /opt/a.sh", True, None),
    ("   ", False, None),
    ("MAILTO=ops", True, None),
])
def test_entries(line: str, system: bool, found: CronEntry | None) -> None:
    assert entry(line, system) == found


def test_assignments() -> None:
    assert assignment('MAILTO="ops@example.net"') == ("MAILTO", "ops@example.net")
    assert assignment("  CRON_TZ = Asia/Tokyo ") == ("CRON_TZ", "Asia/Tokyo")
    assert assignment("0 3 * * * X=1 /opt/a.sh") is None
    assert assignment("@daily X=1") is None


def test_every_nickname_stands_for_five_fields_the_schedule_engine_reads() -> None:
    start = datetime(2026, 12, 1, 12, 34, tzinfo=ZoneInfo("Asia/Tokyo"))
    for nickname, fields in NICKNAMES.items():
        by_name, by_fields = CronSchedule.parse(nickname), CronSchedule.parse(fields)
        assert by_name.next_after(start) == by_fields.next_after(start) > start, nickname
    with pytest.raises(ValueError, match="case-sensitive"):
        CronSchedule.parse("@Daily")


def test_agent_follows_what_the_collectors_job_runs(tmp_path: Path) -> None:
    write(tmp_path, "etc/passwd", PASSWD)
    write(tmp_path, "etc/group", GROUP)
    write(tmp_path, "etc/cron.d/ems",
          "SHELL=/bin/sh\n"
          "0 3 * * * root /opt/ems/export.sh 50\\%%/opt/ems/in-stdin.sh 100\\%\n"
          "@reboot oper /opt/ems/boot.sh\n")
    write(tmp_path, "var/spool/cron/crontabs/oper",
          SPOOL_HEADER + "30 4 * * 1 /opt/ems/weekly.sh\n", 0o600)
    for name in ("export", "in-stdin", "boot", "weekly"):
        write(tmp_path, f"opt/ems/{name}.sh", "#!/bin/sh\ntrue\n", 0o755)
    target, facts = collect(tmp_path)
    captured = {a.name for a in target.artifacts}
    # the command and the text cron feeds it on stdin are both followed
    assert {"opt/ems/export.sh", "opt/ems/in-stdin.sh", "opt/ems/boot.sh",
            "opt/ems/weekly.sh"} <= captured
    found = {(j.origin_path, j.origin_line): j for j in jobs(target, facts) if j.source == "cron"}
    export = found[("etc/cron.d/ems", 2)]
    assert (export.owner, export.schedule, export.trigger) == (
        "root", "0 3 * * *", CronTrigger("0 3 * * *", "debian"))
    assert export.command == ("/opt/ems/export.sh 50% <<'CRON_STDIN'\n"
                              "/opt/ems/in-stdin.sh 100%\nCRON_STDIN")
    boot = found[("etc/cron.d/ems", 3)]
    assert (boot.owner, boot.trigger, boot.command) == ("oper", BootTrigger(), "/opt/ems/boot.sh")
    weekly = found[("var/spool/cron/crontabs/oper", 4)]
    assert (weekly.owner, weekly.command) == ("oper", "/opt/ems/weekly.sh")
