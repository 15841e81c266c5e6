"""formats.follow: which files a command or a script would execute."""

from __future__ import annotations

import pytest

from lineguard.formats.follow import referenced_paths

VECTORS = [
    # Debian's own /etc/crontab and anacrontab lines
    ("cd / && run-parts --report /etc/cron.hourly", ["/etc/cron.hourly"]),
    ("test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }",
     ["/etc/cron.daily"]),
    ("nice run-parts /etc/cron.daily", ["/etc/cron.daily"]),
    # absolute programs, redirections are not programs
    ("/home/oper/bin/cleanup.sh >/dev/null 2>&1", ["/home/oper/bin/cleanup.sh"]),
    ("/usr/bin/find /var/log -mtime +30 -delete", ["/usr/bin/find"]),
    # interpreters and -c strings
    ("/bin/sh -c '/opt/a.sh; python3 /opt/b.py'", ["/bin/sh", "/opt/a.sh", "/opt/b.py"]),
    ("bash -lc '/srv/run.sh --now'", ["/srv/run.sh"]),
    ("python3 /opt/ems/purge.py --vc all", ["/opt/ems/purge.py"]),
    ("python3 -m http.server 8000", []),
    ("python3 -u -W ignore /opt/w.py", ["/opt/w.py"]),
    ("php -f /var/www/cron.php", ["/var/www/cron.php"]),
    ("bash -o pipefail /opt/p.sh", ["/opt/p.sh"]),
    ("perl -e 'unlink glob q(/x/*)'", []),
    ("su - postgres -c '/usr/lib/postgresql/vacuum.sh'", ["/usr/lib/postgresql/vacuum.sh"]),
    # sourcing
    (". /etc/default/locale", ["/etc/default/locale"]),
    ("source /opt/ems/etc/env", ["/opt/ems/etc/env"]),
    # relative paths after cd
    ("cd /opt/app && ./x.sh", ["/opt/app/x.sh"]),
    ("cd /opt/ems && python3 purge.py", ["/opt/ems/purge.py"]),
    ("cd /opt/ems && bash ../lib/run.sh", ["/opt/lib/run.sh"]),
    # wrappers
    ("nohup sh -c \"sleep 6480000; /usr/local/bin/wipe --all\" &", ["/usr/local/bin/wipe"]),
    ("timeout 5m /usr/bin/flock -n /tmp/lock /opt/job.sh", ["/usr/bin/flock", "/opt/job.sh"]),
    ("sudo -u oper /opt/x.sh", ["/opt/x.sh"]),
    ("env -i PATH=/bin /opt/y.sh", ["/opt/y.sh"]),
    # command substitution and control flow
    ("x=$(/usr/bin/date +%s); echo $x", ["/usr/bin/date"]),
    ("if [ -x /usr/bin/foo ]; then /usr/bin/foo --bar; fi", ["/usr/bin/foo"]),
    # statements a database client or at reads from a file
    ("psql -d ems -f /opt/ems/sql/cleanup.sql", ["/opt/ems/sql/cleanup.sql"]),
    ("sqlite3 /var/lib/ems/ne.db '.read /opt/ems/sql/x.sql'", ["/opt/ems/sql/x.sql"]),
    ("mysql emsdb --file=/opt/ems/sql/y.sql", ["/opt/ems/sql/y.sql"]),
    ("at -f /opt/ems/etc/late.at 03:00 2027-02-10", ["/opt/ems/etc/late.at"]),
    ("sqlite3 /var/lib/ems/ne.db 'VACUUM;'", []),
    ("trap '/opt/ems/bin/cleanup.sh' EXIT", ["/opt/ems/bin/cleanup.sh"]),
    # nothing resolvable
    ("$HOME/bin/x.sh", []),
    ("bash x.sh", []),
    ("echo 'unterminated", []),
    ("cd /opt && python3 $SCRIPT", []),
    ("cd /var/log && awk '{print $1}' syslog", []),
]


@pytest.mark.parametrize("command,expected", VECTORS)
def test_referenced_paths(command: str, expected: list[str]) -> None:
    assert referenced_paths(command) == expected


def test_debian_at_job_body_follows_the_cd_block() -> None:
    text = ("#!/bin/sh\n# atrun uid=0 gid=0\n# mail root 0\numask 22\n"
            "PATH=/usr/bin:/bin; export PATH\ncd /srv || {\n\t echo 'Execution directory "
            "inaccessible' >&2\n\t exit 1\n}\nrm -rf /var/lib/postgresql\n./wipe.sh\n")
    assert referenced_paths(text) == ["/srv/wipe.sh"]


def test_rhel_at_heredoc_body_is_read_as_commands() -> None:
    text = ("${SHELL:-/bin/sh} << 'marcinDELIMITER5e0b1b32'\n/opt/ems/purge-pvc.sh --all\n"
            "marcinDELIMITER5e0b1b32\n")
    assert referenced_paths(text) == ["/opt/ems/purge-pvc.sh"]


def test_a_script_spanning_lines_and_continuations() -> None:
    script = ("#!/bin/bash\n# /opt/commented/out.sh is not run\n. /opt/lib.sh\n"
              "/opt/a.sh \\\n  --flag\nbash -c '\n/opt/b.sh\n'\n/opt/a.sh again\n")
    assert referenced_paths(script) == ["/opt/lib.sh", "/opt/a.sh", "/opt/b.sh"]


def test_a_stray_quote_does_not_hide_the_rest_of_a_long_script() -> None:
    script = "echo don't\n" + "true\n" * 150 + "/opt/late.sh\n"
    assert referenced_paths(script) == ["/opt/late.sh"]


@pytest.mark.parametrize("command", [
    'lookfor_rootkit "knark LKM" "" "/proc/knark"',     # chkrootkit, Debian 12
    "logger -t '' /opt/ems/bin/purge.sh",
    'printf "" /opt/x.sh',
])
def test_an_empty_argument_does_not_make_the_next_word_a_command(command: str) -> None:
    assert referenced_paths(command) == []
