"""Schedule lines a network-management server really runs (RANCID, Oxidized, LibreNMS, Cacti,
NetBox, Icinga/Nagios housekeeping, certbot, ansible-pull, database retention), judged by the
engine: none high or destructive. The two kinds that were (a RANCID work file swept from its
configs folder, backups of crontabs swept from the cron spool) are benign, and each destructive twin
next to them is still caught."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lineguard.collector.analyse.destructive import judge
from lineguard.collector.model import CronTrigger, Fire, Job

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

QUIET = (
    r"/usr/bin/find /var/lib/rancid/logs -type f -mtime +2 -exec rm {} \;",
    "/usr/lib/rancid/bin/rancid-run -r atm-kobe-01",
    "cd /var/lib/rancid/atm && git gc --auto",
    "find /var/lib/oxidized/crashes -type f -mtime +7 -delete",
    "/usr/bin/find /var/lib/oxidized/configs.git -name '*.lock' -mmin +60 -delete",
    "tmpreaper 30d /var/lib/rancid/logs",
    "journalctl --vacuum-time=30d",
    'certbot renew --quiet --deploy-hook "systemctl reload nginx"',
    "pg_dump -Fc netbox > /var/backups/netbox/netbox-$(date +%F).dump && "
    "find /var/backups/netbox -name '*.dump' -mtime +14 -delete",
    "sqlite3 /var/lib/lineguard/state.db \"DELETE FROM polls WHERE taken_at < "
    "datetime('now','-90 days'); VACUUM;\"",
    "find /var/lib/librenms/rrd -name '*.rrd' -mtime +365 -delete",
    "ls -1t /var/backups/oxidized/*.tar.gz | tail -n +8 | xargs -r rm --",
    "truncate -s 0 /var/log/rancid/rancid.log",
    "systemctl stop nagios && cp /etc/nagios/objects/*.cfg /var/backups/ && systemctl start nagios",
    'snmpset -v2c -c private atm-kobe-01 IF-MIB::ifAlias.3 s "to Osaka"',
    # were destructive (critical, high) or suspicious before
    "rm -f /var/lib/rancid/ATM/configs/*.new",
    "rm -f /var/lib/rancid/atm/configs/*.raw",
    "find /var/spool/cron/crontabs -name '*.bak' -mtime +30 -delete",
    "find /etc/cron.d -name '*.dpkg-old' -delete",
)

# (schedule line, the verdict it must keep)
TWINS = (
    ("rm -f /var/lib/rancid/ATM/configs/*", "destructive"),
    ("rm -f /var/lib/rancid/ATM/configs/atm-kobe-01", "destructive"),
    ("rm -f /srv/ems/linedata/*.new", "destructive"),
    ("find /var/spool/cron/crontabs -mtime +30 -delete", "destructive"),
    ("rm -f /var/spool/cron/crontabs/oper", "destructive"),
    ("find /etc/cron.d -name 'ems*' -delete", "destructive"),
)


def _judged(command: str):
    job = Job(target="ems-01", source="cron", origin_path="etc/cron.d/nms", origin_line=1,
              owner="root", schedule="0 3 * * *", command=command,
              trigger=CronTrigger("0 3 * * *"), files=())
    return judge(job, {}, Fire(kind="exact", at=NOW + timedelta(hours=5)), NOW)


@pytest.mark.parametrize("command", QUIET)
def test_management_server_housekeeping_is_not_loud(command):
    j = _judged(command)
    assert j.verdict != "destructive" and j.severity not in ("high", "critical"), \
        (j.verdict, j.severity, [(r.rule, r.subject) for r in j.reasons])


@pytest.mark.parametrize("command", QUIET[-4:])
def test_the_ones_that_were_false_alarms_are_benign(command):
    j = _judged(command)
    assert (j.verdict, j.severity) == ("benign", "info"), [(r.rule, r.subject) for r in j.reasons]


@pytest.mark.parametrize("command, verdict", TWINS)
def test_their_destructive_twins_are_still_caught(command, verdict):
    j = _judged(command)
    assert j.verdict == verdict, (j.verdict, j.severity, [(r.rule, r.subject) for r in j.reasons])
