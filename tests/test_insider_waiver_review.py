"""An insider against a sanctioned job's waiver: the waiver binds to what the job will do, so
what it reads besides the files it runs (a BASH_ENV script its crontab names, a library sourced
through a variable) cannot change under it. The real agent's snapshot, the real CLI (two
approvers sign the waiver), SQLite on disk. Every test here failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path

from lineguard.agent.cli import main as agent
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from tests.test_insider_review import Server

DECOMMISSION = ("30 2 15 1 * root snmpset -v2c -c private 10.40.0.10 "
                "1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32 i 6\n")
NOW = "2026-12-01T09:00:00Z"


def _job(home: Home, capsys) -> dict:
    capsys.readouterr()
    lineguard(["--home", str(home.root), "findings", "--json", "--now", NOW])
    (job,) = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["kind"] == "job"]
    return job


def test_a_waived_job_given_a_bash_env_script_is_open_again(tmp_path: Path, home: Home, capsys):
    """Two lines added above the sanctioned job (SHELL=/bin/bash, BASH_ENV=FILE) make cron's
    bash run FILE before it: `rm -rf` of the line data. The job's command, schedule, owner and
    the files it runs were unchanged, so the waiver (bound to those) still covered the finding
    that now named the deletion: nothing was mailed."""
    ems = Server(tmp_path, home)
    crontab = ems.root / "etc/cron.d/pvc-decommission"
    crontab.write_text(DECOMMISSION)
    ems.report()
    for name in ("alice", "bob"):
        key = tmp_path / f"{name}.key"
        assert agent(["keygen", "--out", str(key)]) == 0
        with (home.baselines / "approvers").open("a") as f:
            f.write(f"{name} {Path(f'{key}.pub').read_text().strip()}\n")
        assert lineguard(["--home", str(home.root), "waive",
                          "ems-01:etc/cron.d/pvc-decommission:1", "--until", "2029-12-31",
                          "--reason", "decommission of BTS100, change CHG-4711", "--key",
                          str(key), "--by", name]) == 0
    assert _job(home, capsys)["status"] == "waived"
    (ems.root / "opt/ems/lib").mkdir(parents=True)
    (ems.root / "opt/ems/lib/env.sh").write_text("rm -rf /srv/ems/linedata\n")
    crontab.write_text("SHELL=/bin/bash\nBASH_ENV=/opt/ems/lib/env.sh\n" + DECOMMISSION)
    ems.report()
    job = _job(home, capsys)
    assert "/srv/ems/linedata" in job["detail"]
    assert job["status"] == "open", job["status"]
