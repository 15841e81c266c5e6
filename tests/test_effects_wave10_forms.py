"""Root causes the wave-10 red team found (tests/redteam_wave10), one family a test group, each
with its quiet look-alike:

- placements: a unit's Exec line running a command its EnvironmentFile= holds (`sh -c
  "${STEP}"`), RANCID's rancid-run committing into every group repository (their commit
  hooks run with it), a virtualenv's site hooks (sitecustomize.py, .pth) running with its
  python;
- carriers: awk `system($0)` over a data file or its input, perl -n/-p over files and -0777,
  perl -x (the program after `#!perl` in a text file), perl -s switch variables, text `send`
  to a shell expect spawned, jq joining a list into a command line (`map(@sh) | join(" ")`),
  a file the job runs before it writes it (the next run runs what it writes);
- effects: ansible `*_config` replacing the whole configuration (`replace: config`, `update:
  override`), backups hollowed in place (an archive of nothing, a compressed nothing, a backup
  truncated under its name), noise written over data, truncation to a small size, rows taken
  by count (`LIMIT`), `shuf` as a list filter, a RESTCONF PUT of /dev/null, every digit or
  letter transliterated in place (`perl -pi -e 'tr/0-9/…/'`, `sed -i y/…/…/`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_effects_wave7_forms import _judged
from tests.test_effects_wave9_forms import _root_verdicts

RM = "rm -rf /srv/ems/linedata"
LS = "ls -l /srv/ems/linedata"
NBI = "https://nbi.example:8443"


@pytest.mark.parametrize(("line", "files", "verdict"), [
    ("awk '{ system($0) }' /opt/ems/steps", {"opt/ems/steps": f"{RM}\n"}, "destructive"),
    ("awk '{ system($0) }' /opt/ems/steps", {"opt/ems/steps": f"{LS}\n"}, "benign"),
    ("busybox awk '{ system($0) }' < /opt/ems/steps", {"opt/ems/steps": f"{RM}\n"},
     "destructive"),
    ("perl -0777 -ne 'system $_' /opt/ems/s.txt", {"opt/ems/s.txt": f"{RM}\n"}, "destructive"),
    ("perl -0777 -ne 'print $_' /opt/ems/s.txt", {"opt/ems/s.txt": f"{RM}\n"}, "benign"),
    ("perl -x /opt/ems/notes.txt", {"opt/ems/notes.txt": f"notes\n#!/usr/bin/perl\nsystem('{RM}');\n"},
     "destructive"),
    ("perl -x /opt/ems/notes.txt", {"opt/ems/notes.txt": f"notes\n#!/usr/bin/perl\nsystem('{LS}');\n"},
     "benign"),
    (f"perl -s -e 'system $cmd' -- -cmd='{RM}'", {}, "destructive"),
    (f"perl -s -e 'print $cmd' -- -cmd='{RM}'", {}, "benign"),
    ("/usr/bin/expect /opt/ems/t.exp", {"opt/ems/t.exp": f"spawn /bin/bash\nsend \"{RM}\\r\"\n"},
     "destructive"),
    ("/usr/bin/expect /opt/ems/t.exp", {"opt/ems/t.exp": f"spawn /bin/bash\nsend \"{LS}\\r\"\n"},
     "benign"),
    ("sh -c \"$(jq -r '.argv | map(@sh) | join(\" \")' /opt/ems/a.json)\"",
     {"opt/ems/a.json": '{"argv": ["rm", "-rf", "/srv/ems/linedata"]}'}, "destructive"),
    ("sh -c \"$(jq -r '.argv | map(@sh) | join(\" \")' /opt/ems/a.json)\"",
     {"opt/ems/a.json": '{"argv": ["ls", "-l", "/srv/ems/linedata"]}'}, "benign"),
])
def test_carriers_running_what_their_input_or_switches_hold(line: str, files: dict[str, str],
                                                             verdict: str) -> None:
    assert _judged(f"#!/bin/bash\n{line}\n", files)[0] == verdict


@pytest.mark.parametrize(("body", "verdict"), [
    (f"[ -s /var/tmp/.next ] && sh /var/tmp/.next\nprintf '%s\\n' '{RM}' > /var/tmp/.next\n",
     "destructive"),
    (f"[ -s /var/tmp/.next ] && sh /var/tmp/.next\nprintf '%s\\n' '{LS}' > /var/tmp/.next\n",
     "benign"),
])
def test_a_file_run_before_the_job_writes_it_runs_what_it_writes(body: str, verdict: str) -> None:
    assert _judged(f"#!/bin/bash\n{body}")[0] == verdict


@pytest.mark.parametrize(("line", "files", "verdict"), [
    ("ansible-playbook /opt/ems/p.yml", {"opt/ems/p.yml": (
        "- hosts: atm1\n  tasks:\n    - cisco.ios.ios_config:\n        src: /opt/ems/e.cfg\n"
        "        replace: config\n"), "opt/ems/e.cfg": "end\n"}, "destructive"),
    ("ansible-playbook /opt/ems/p.yml", {"opt/ems/p.yml": (
        "- hosts: atm1\n  tasks:\n    - cisco.ios.ios_config:\n        backup: true\n")},
     "benign"),
    ('for f in /var/backups/ems/*.tgz; do tar -czf "$f" -T /dev/null; done', {}, "destructive"),
    ("tar -czf /var/backups/ems/ld-$(date +%F).tgz /srv/ems/linedata", {}, "benign"),
    ("gzip -c </dev/null >/var/backups/ems/emsdb.dump.gz", {}, "destructive"),
    ("gzip -c /srv/ems/db/x.sql >/var/backups/ems/x-$(date +%F).sql.gz", {}, "benign"),
    ("cp /dev/null /var/backups/ems/emsdb.dump", {}, "destructive"),
    ("find /var/backups/ems -name '*.gz' -mtime +30 -delete", {}, "benign"),
    ("head -c 65536 /dev/urandom > /opt/ems/share/golden/xc-map.csv", {}, "destructive"),
    ("head -c 32 /dev/urandom > /etc/ems/secret.key", {}, "benign"),
    ("truncate -s 64 /srv/ems/db/circuits.sqlite", {}, "destructive"),
    ("truncate -s 100M /var/log/ems/poll.log", {}, "benign"),
    ("find /var/lib/rancid/core/configs -type f | shuf -n 3 | xargs -r rm -f", {}, "destructive"),
    ("shuf -n 5 /opt/ems/etc/ne.list", {}, "benign"),
    ("sqlite3 /var/lib/ems/ne.db 'DELETE FROM pvc WHERE rowid IN (SELECT rowid FROM pvc LIMIT 20)'",
     {}, "destructive"),
    ("mysql emsdb -e 'DELETE FROM audit WHERE ts < NOW() - INTERVAL 90 DAY LIMIT 1000'", {},
     "benign"),
    (f"curl -sk -XPUT --data-binary @/dev/null {NBI}/restconf/data/ietf-interfaces:interfaces",
     {}, "destructive"),
    (f"curl -sk -X PUT -d '{{\"description\":\"x\"}}' {NBI}/restconf/data/ietf-interfaces:"
     "interfaces/interface=at-0%2F0%2F0/description", {}, "benign"),
    ("perl -pi -e 'tr/0-9/1-90/' /var/lib/ems/pvc/xconnect.csv", {}, "destructive"),
    ("sed -i 'y/0123456789/1234567890/' /var/lib/ems/pvc/xconnect.csv", {}, "destructive"),
    ("perl -pi -e 'tr/\\r//d' /var/lib/ems/pvc/xconnect.csv", {}, "benign"),
])
def test_destruction_by_replacing_hollowing_corrupting_or_sampling(
        line: str, files: dict[str, str], verdict: str) -> None:
    got = _judged(f"#!/bin/bash\n{line}\n", files)
    assert got[0] == verdict if verdict == "destructive" else got[0] != "destructive" and \
        got[1] not in ("high", "critical"), got


def test_placements_environment_files_rancid_groups_and_virtualenvs(tmp_path: Path) -> None:
    """The script each placement reaches is read: its destruction is the job's."""
    script = f"#!/bin/bash\n{RM}\n"
    quiet = f"#!/bin/bash\n{LS}\n"
    wants = tmp_path / "etc/systemd/system/timers.target.wants"
    wants.mkdir(parents=True)
    (wants / "ems-a.timer").symlink_to("/etc/systemd/system/ems-a.timer")
    got = _root_verdicts(tmp_path, {
        "opt/ems/bad.sh": script, "opt/ems/ok.sh": quiet,
        "etc/default/ems-a": "STEP=/opt/ems/bad.sh\n",
        "etc/systemd/system/ems-a.service": "[Service]\nEnvironmentFile=/etc/default/ems-a\n"
                                            "ExecStart=/bin/sh -c \"${STEP}\"\n",
        "etc/systemd/system/ems-a.timer": "[Timer]\nOnCalendar=daily\n\n[Install]\n"
                                          "WantedBy=timers.target\n",
        "etc/cron.d/rancid": "1 * * * * rancid /usr/lib/rancid/bin/rancid-run\n",
        "var/lib/rancid/core/.git/config": "[core]\n\tbare = false\n",
        "var/lib/rancid/core/.git/hooks/post-commit": "#!/bin/sh\n/opt/ems/bad.sh\n",
        "var/lib/rancid/edge/.git/config": "[core]\n\tbare = false\n",
        "var/lib/rancid/edge/.git/hooks/post-commit": "#!/bin/sh\n/opt/ems/ok.sh\n",
        "opt/ems/venv/pyvenv.cfg": "home = /usr/bin\n",
        "opt/ems/venv/lib/python3.11/site-packages/sitecustomize.py":
            "import os\nos.system('/opt/ems/bad.sh')\n",
        "etc/cron.d/poll": "7 * * * * root /opt/ems/venv/bin/python3 -m ems_poll\n",
    })
    assert got["etc/systemd/system/ems-a.timer"] == "destructive", got
    assert got["var/lib/rancid/core/.git/hooks/post-commit"] == "destructive"
    assert got["var/lib/rancid/edge/.git/hooks/post-commit"] != "destructive"
    assert got["opt/ems/venv/lib/python3.11/site-packages/sitecustomize.py"] == "destructive"
