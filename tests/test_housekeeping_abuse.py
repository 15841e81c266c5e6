"""Housekeeping bounds as an insider would abuse them, through the real engine: line data is
written once and left alone, so an age, size or name bound on a line-data tree selects nearly
all of it — still destructive; logs, archives and exports keep their housekeeping."""

from __future__ import annotations

import pytest

from tests.test_change_control import _judge


@pytest.mark.parametrize("text", [
    "find /srv/ems/linedata -mtime +30 -delete\n",
    "find /srv/ems/linedata -mmin +1 -delete\n",
    "find /srv/ems/linedata -size -10G -delete\n",
    "find /srv/ems/linedata -name '*.db' -mtime +1 -delete\n",
    "find /var/log/ems/../../../srv/ems/linedata -mtime +30 -delete\n",
    "find /var/log/ems /srv/ems/linedata -mtime +30 -exec rm -f {} \\;\n",
])
def test_a_bounded_deletion_of_line_data_is_still_destructive(text):
    j = _judge(text)
    assert j.verdict == "destructive" and j.severity in ("high", "critical")


@pytest.mark.parametrize("text", [
    "find /var/log/ems -name '*.log' -mtime +30 -delete\n",
    "find /var/log/ems -type f -mtime +30 -exec rm -f {} \\;\n",
    "tar czf /srv/backup/ems-$(date +%F).tgz /srv/ems/linedata\n"
    "find /srv/backup -name 'ems-*.tgz' -mtime +14 -delete\n",
    "find /srv/ems/linedata/archive -name '*.csv' -mtime +90 -delete\n",
])
def test_housekeeping_of_logs_archives_and_backups_stays_benign(text):
    assert _judge(text).verdict == "benign"


@pytest.mark.parametrize("text", [
    "ls /srv/ems/linedata/* | xargs rm\n",
    "ls /srv/ems/linedata | xargs -I{} rm -f /srv/ems/linedata/{}\n",
    "ls -1 /srv/ems/linedata | while read f; do rm -f /srv/ems/linedata/$f; done\n",
    "for f in $(ls /srv/ems/linedata); do rm -f /srv/ems/linedata/$f; done\n",
    "tmpwatch 1 /srv/ems/linedata\n",
    "tmpreaper 1h /srv/ems/linedata\n",
])
def test_a_listing_or_an_age_reaper_feeding_deletion_of_line_data_is_destructive(text):
    j = _judge(text)
    assert j.verdict == "destructive"
    assert {"lg.host.rm-linedata", "lg.host.rm-linedata-aged"} & {r.rule for r in j.reasons}


@pytest.mark.parametrize("text", [
    "ls -t /var/backups/ems-*.tgz | tail -n +8 | xargs rm -f\n",
    "ls -1t /srv/backup/ems/*.tgz | tail -n +15 | xargs -r rm --\n",
    "cd /var/log/ems && ls -t *.log.gz | tail -n +30 | xargs rm -f\n",
    "tmpwatch 240 /tmp /var/tmp\n",
])
def test_rotation_by_listing_and_reaping_scratch_stays_benign(text):
    assert _judge(text).verdict == "benign"
