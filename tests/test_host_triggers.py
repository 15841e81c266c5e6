"""Every way a management server runs something later without a clock — systemd activation,
SysV boot scripts, network hooks, udev, incron, logrotate and apt hooks, login files, forced SSH
commands, PAM, a site's own scheduler file — through the real agent snapshot, ingest and
`lineguard jobs --json`: a routine example of each stays benign, a planted one is destructive,
each with its trigger kind, and every job says who put it there."""

from __future__ import annotations

import contextlib
import io
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lineguard.agent.cli import main as agent
from lineguard.collector.cli import main as lineguard
from tests.hostroot import INSIDER_HOST, trigger_root, write

LOGIN_AT = time.time() - 600
NOW = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

BENIGN = [
    ("systemd service at boot", "etc/systemd/system/ems-collector.service", None, "boot"),
    ("systemd OnFailure=", "etc/systemd/system/ems-notify.service", None, "event"),
    ("systemd Also= never enabled", "etc/systemd/system/ems-helper.service", None, "event"),
    ("systemd path unit", "etc/systemd/system/ems-reload.service", None, "event"),
    ("systemd socket", "etc/systemd/system/ems-api.service", None, "event"),
    ("systemd generator output", "run/systemd/generator/gen-mounts.service", None, "boot"),
    ("user unit without linger", "home/noc/.config/systemd/user/dash.service", None, "login"),
    ("rc.local", "etc/rc.local", 2, "boot"),
    ("init.d with S links", "etc/rc2.d/S01ems-agent", None, "boot"),
    ("if-up.d", "etc/network/if-up.d/ems-route", None, "event"),
    ("interfaces up", "etc/network/interfaces", 7, "event"),
    ("NetworkManager dispatcher", "etc/NetworkManager/dispatcher.d/10-ems-log", None, "event"),
    ("udev RUN+=", "etc/udev/rules.d/70-ems-usb.rules", 1, "event"),
    ("incron system table", "etc/incron.d/ems-import", 1, "event"),
    ("logrotate postrotate", "etc/logrotate.d/ems", 5, "hook"),
    ("DPkg::Post-Invoke", "etc/apt/apt.conf.d/50ems", 2, "hook"),
    ("profile.d", "etc/profile.d/ems-path.sh", None, "login"),
    ("bash.bashrc", "etc/bash.bashrc", None, "login"),
    ("a user's .profile", "root/.profile", None, "login"),
    ("authorized_keys command=", "home/oper/.ssh/authorized_keys", 1, "login"),
    ("PAM pam_exec", "etc/pam.d/sshd", 2, "login"),
    ("site scheduler file", "opt/ems/etc/schedule.tab", 2, "clock"),
    ("systemd generator", "etc/systemd/system-generators/ems-instances", None, "boot"),
    ("tmpfiles.d age", "etc/tmpfiles.d/ems-cache.conf", 1, "hook"),
    ("update-motd.d", "etc/update-motd.d/10-ems", None, "login"),
    ("core_pattern pipe (overridden)", "etc/sysctl.d/50-coredump.conf", 1, "event"),
    ("supervisord program", "etc/supervisor/conf.d/ems.conf", 1, "boot"),
]
DESTRUCTIVE = [
    ("systemd service at boot", "etc/systemd/system/ems-cleanup.service", None, "boot"),
    ("systemd OnFailure=", "etc/systemd/system/ems-recover.service", None, "event"),
    ("systemd path unit", "etc/systemd/system/ems-drop-run.service", None, "event"),
    ("systemd socket, Accept=yes", "etc/systemd/system/ems-rpc@.service", None, "event"),
    ("systemd generator output", "run/systemd/generator/gen-ems.service", None, "boot"),
    ("user unit of a lingering user", "home/oper/.config/systemd/user/ne-sync.service", None,
     "boot"),
    ("rc.local", "etc/rc.d/rc.local", 2, "boot"),
    ("init.d with S links", "etc/rc2.d/S99ems-purge", None, "boot"),
    ("@reboot", "var/spool/cron/crontabs/oper", 1, "boot"),
    ("if-down.d", "etc/network/if-down.d/ems-lines", None, "event"),
    ("interfaces post-down", "etc/network/interfaces", 8, "event"),
    ("NetworkManager dispatcher", "etc/NetworkManager/dispatcher.d/90-ems-sync", None, "event"),
    ("udev RUN+=", "etc/udev/rules.d/99-ems-disk.rules", 2, "event"),
    ("incron user table", "var/spool/incron/oper", 2, "event"),
    ("logrotate lastaction", "etc/logrotate.d/ems-audit", 5, "hook"),
    ("APT::Update::Post-Invoke", "etc/apt/apt.conf.d/99zz-local", 2, "hook"),
    ("DPkg::Pre-Invoke", "etc/apt/apt.conf.d/99zz-local", 4, "hook"),
    ("profile.d", "etc/profile.d/zz-ems.sh", None, "login"),
    ("a user's .bashrc", "home/oper/.bashrc", None, "login"),
    ("authorized_keys command=", "root/.ssh/authorized_keys", 1, "login"),
    ("PAM pam_exec", "etc/pam.d/common-session", 3, "login"),
    ("site scheduler file", "opt/ems/etc/schedule.tab", 3, "clock"),
    ("systemd generator", "usr/local/lib/systemd/system-generators/ems-early", None, "boot"),
    ("tmpfiles.d R at boot", "etc/tmpfiles.d/ems-reset.conf", 2, "boot"),
    ("update-motd.d", "etc/update-motd.d/95-ems-news", None, "login"),
    ("core_pattern pipe", "etc/sysctl.d/60-ems-crash.conf", 1, "event"),
    ("supervisord program", "etc/supervisor/conf.d/ems.conf", 3, "boot"),
]


def _run(tool, args: list[str]) -> tuple[int, str]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = tool(args)
    return rc, buf.getvalue()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The root snapshotted by the agent CLI (with the site's scheduler declared in its config)
    and ingested by the collector; returns the collector home."""
    base = tmp_path_factory.mktemp("triggers")
    root = trigger_root(base / "root", LOGIN_AT)
    write(root, "var/spool/cron/crontabs/oper", "@reboot /opt/ems/bin/cleanup-lines.sh\n", 0o600)
    key, home, out = base / "agent.key", base / "home", base / "snap.json"
    assert agent(["keygen", "--out", str(key)]) == 0
    (base / "agent.toml").write_text(
        f'agent = "ems-nara-01"\nkey = "{key}"\nroot = "{root}"\n\n[[scheduled_file]]\n'
        'name = "ems-scheduler"\npath = "/opt/ems/etc/schedule.tab"\nseparator = "|"\n'
        'schedule = 1\nowner = 2\ncommand = 3\nsyntax = "cron"\n')
    assert agent(["snapshot", "--config", str(base / "agent.toml"), "--out", str(out)]) == 0
    assert lineguard(["--home", str(home), "init"]) == 0
    assert lineguard(["--home", str(home), "agents", "add", "ems-nara-01", "--key",
                      f"{key}.pub"]) == 0
    assert lineguard(["--home", str(home), "ingest", str(out)]) == 0
    return home


@pytest.fixture(scope="module")
def jobs_json(served: Path) -> dict:
    rc, out = _run(lineguard, ["--home", str(served), "jobs", "--now", NOW, "--json"])
    assert rc == 1
    return json.loads(out)


def _job(doc: dict, origin: str, line: int | None) -> dict:
    hits = [j for j in doc["jobs"] if j["origin"]["path"] == origin
            and (line is None or j["origin"]["line"] == line)]
    assert len(hits) == 1, (origin, line, [(j["origin"], j["command"]) for j in hits])
    return hits[0]


@pytest.mark.parametrize("mechanism, origin, line, trigger", BENIGN, ids=[b[0] for b in BENIGN])
def test_routine_example_of_each_mechanism_is_benign(jobs_json, mechanism, origin, line,
                                                     trigger):
    job = _job(jobs_json, origin, line)
    assert (job["trigger"], job["verdict"]) == (trigger, "benign"), job
    assert job["command"], job
    if trigger in ("boot", "event", "login"):
        assert job["next_fire"] is None and job["fire"]["kind"] == trigger
        assert ("at boot" if trigger == "boot" else "no clock time") in job["fire"]["note"]


@pytest.mark.parametrize("mechanism, origin, line, trigger", DESTRUCTIVE,
                         ids=[d[0] for d in DESTRUCTIVE])
def test_planted_example_of_each_mechanism_is_destructive_and_says_who(jobs_json, mechanism,
                                                                        origin, line, trigger):
    job = _job(jobs_json, origin, line)
    assert (job["trigger"], job["verdict"]) == (trigger, "destructive"), job
    assert job["severity"] in ("high", "critical"), job
    assert any(r["rule"].startswith("lg.host.rm-") for r in job["reasons"]), job["reasons"]
    planted = job["provenance"]["planted_by"]
    assert planted.startswith(f"planted by oper from {INSIDER_HOST} at "), planted


def test_rare_triggers_count_as_dormant(jobs_json):
    for origin, line, words in (("etc/systemd/system/ems-cleanup.service", None, "at boot"),
                                ("etc/network/if-down.d/ems-lines", None, "interface goes down"),
                                ("etc/apt/apt.conf.d/99zz-local", 4, "package install")):
        job = _job(jobs_json, origin, line)
        dormant = [r for r in job["reasons"] if r["rule"] == "lg.context.dormant"]
        assert dormant and words in dormant[0]["title"], (origin, job["reasons"])
    login = _job(jobs_json, "home/oper/.bashrc", None)     # logins are routine: not dormant
    assert not [r for r in login["reasons"] if r["rule"] == "lg.context.dormant"]


def test_hooks_fire_with_the_job_that_runs_them(jobs_json):
    rotate = _job(jobs_json, "lib/systemd/system/logrotate.timer", None)
    audit = _job(jobs_json, "etc/logrotate.d/ems-audit", 5)
    assert rotate["trigger"] == "clock" and rotate["next_fire"]
    assert audit["next_fire"] >= rotate["next_fire"] and audit["fire"]["kind"] == "exact"
    assert "lastaction when /var/log/ems/audit.trail is rotated (weekly)" in audit["fire"]["note"]
    assert "logrotate (lib/systemd/system/logrotate.timer)" in audit["fire"]["note"]
    apt_daily = _job(jobs_json, "lib/systemd/system/apt-daily.timer", None)
    update = _job(jobs_json, "etc/apt/apt.conf.d/99zz-local", 2)
    assert update["next_fire"] == apt_daily["next_fire"] is not None
    dpkg = _job(jobs_json, "etc/apt/apt.conf.d/99zz-local", 4)
    assert dpkg["next_fire"] is None and dpkg["fire"]["kind"] == "hook"


def test_provenance_names_the_session_the_history_and_the_hidden_mtime(jobs_json):
    job = _job(jobs_json, "etc/systemd/system/ems-cleanup.service", None)
    prov = job["provenance"]
    script = next(f for f in prov["files"] if f["path"] == "opt/ems/bin/cleanup-lines.sh")
    assert script["mtime"] == "2020-09-13T12:26:40Z"       # set back by the insider
    assert script["ctime"] > "2026-01-01"                   # ctime still tells
    oper = prov["sessions"][0]
    assert (oper["user"], oper["host"], oper["line"], oper["end"]) == (
        "oper", INSIDER_HOST, "pts/1", None)
    assert oper["source"] in ("var/log/wtmp", "var/log/auth.log")
    failed = [s for s in prov["sessions"] if s["line"].startswith("failed login")]
    assert failed and failed[0]["user"] == "root" and failed[0]["source"] == "var/log/btmp"
    texts = [h["text"] for h in prov["history"]]
    assert "vi cleanup-lines.sh" in texts
    assert "sudo systemctl enable /etc/systemd/system/ems-cleanup.service" in texts
    assert all(h["user"] == "oper" and h["at"] for h in prov["history"])
    assert prov["unknown"] == []
    audit = _job(jobs_json, "etc/logrotate.d/ems-audit", 5)["provenance"]
    assert any(h["path"] == "var/log/auth.log" and "vi /etc/logrotate.d/ems-audit" in h["text"]
               for h in audit["history"])


def test_at_job_submitter_is_the_login_the_spool_records(jobs_json):
    job = _job(jobs_json, "var/spool/cron/atjobs/a0000301ca5494", None)
    assert job["owner"] == "root" and job["trigger"] == "clock"
    assert job["provenance"]["submitter"] == "oper (runs as root)"


def test_every_job_has_provenance_and_a_trigger(jobs_json):
    assert all(j["provenance"] and j["provenance"]["owner"] for j in jobs_json["jobs"])
    assert {j["trigger"] for j in jobs_json["jobs"]} == {"clock", "boot", "event", "login",
                                                         "hook"}


@pytest.mark.parametrize("kind", ["clock", "boot", "event", "login", "hook"])
def test_trigger_filter(served, jobs_json, kind):
    rc, out = _run(lineguard, ["--home", str(served), "jobs", "--now", NOW, "--json",
                               "--trigger", kind])
    got = json.loads(out)["jobs"]
    assert got and all(j["trigger"] == kind for j in got)
    assert len(got) == sum(1 for j in jobs_json["jobs"] if j["trigger"] == kind)


def test_table_shows_trigger_and_who_planted(served):
    rc, out = _run(lineguard, ["--home", str(served), "jobs", "--now", NOW,
                               "--trigger", "boot"])
    assert rc == 1
    header = out.splitlines()[0].split()
    assert header[:6] == ["NEXT", "FIRE", "(UTC)", "IN", "VERDICT", "SEV"]
    assert "TRIG" in header          # the trigger kind column
    assert f"planted by oper from {INSIDER_HOST}" in out
    assert "at boot" in out


def test_findings_say_who_planted_it(served):
    rc, out = _run(lineguard, ["--home", str(served), "check", "--now", NOW, "--json",
                               "--no-email"])
    assert rc == 1
    jobs = [f for f in json.loads(out)["findings"] if f["kind"] == "job"]
    boot = [f for f in jobs if "job (boot) on ems-nara-01 fires at boot" in f["title"]]
    assert boot and all(f"\nplanted by oper from {INSIDER_HOST} at " in f["detail"]
                        for f in boot), jobs


def test_a_bad_scheduled_file_declaration_is_a_one_line_error(tmp_path, capsys):
    key = tmp_path / "k"
    assert agent(["keygen", "--out", str(key)]) == 0
    (tmp_path / "a.toml").write_text(f'key = "{key}"\n[[scheduled_file]]\nname = "x"\n'
                                     'path = "relative/path"\nschedule = 1\ncommand = 2\n')
    assert agent(["snapshot", "--config", str(tmp_path / "a.toml"), "--out",
                  str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "path must be an absolute path" in err


def test_a_declared_scheduler_file_that_is_missing_is_listed_not_dropped(tmp_path):
    from lineguard.agent.sources.host import ScheduledFile, collect
    from lineguard.collector.parse.host import jobs
    root = tmp_path / "root"
    write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
    spec = ScheduledFile.from_doc({"name": "ems-scheduler", "path": "/opt/ems/etc/none.tab",
                                   "schedule": [1, 5], "command": 6})
    target, facts = collect(root, scheduled_files=(spec,))
    (job,) = [j for j in jobs(target, facts) if j.source == "ems-scheduler"]
    assert job.state == "unparsable" and job.problem == "not captured: not found"


def test_html_report_counts_jobs_waiting_for_a_trigger(served, tmp_path):
    out = tmp_path / "report.html"
    lineguard(["--home", str(served), "report", "--html", "--now", NOW, "--out", str(out)])
    page = out.read_text()
    assert "Waiting for a trigger rather than a time:" in page
    assert '<li>boot: ' in page and '<li>login: ' in page
    assert "<th>trigger</th>" in page and "<td>event</td>" in page


def test_provenance_from_the_journal_when_there_is_no_auth_log(tmp_path):
    """A host that logs only to the journal: the agent reads the root's journal files with
    journalctl, and the session that covers the change is found there."""
    import shutil as sh

    from lineguard.agent.sources.host import collect
    from lineguard.collector.parse.host import jobs
    from tests.hostroot import write_journal
    if not sh.which("journalctl"):
        pytest.skip("journalctl not installed")
    root = tmp_path / "root"
    write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
          "oper:x:1000:1000::/home/oper:/bin/bash\n")
    start = time.time() - 900
    write_journal(root, [
        {"_COMM": "sshd", "_PID": "777", "MESSAGE": "Accepted password for oper from "
                                                     "10.77.0.1 port 40022 ssh2"},
        {"_COMM": "sudo", "_PID": "801", "MESSAGE": "    oper : TTY=pts/2 ; PWD=/home/oper ; "
                                                    "USER=root ; COMMAND=/usr/bin/tee "
                                                    "/etc/network/if-down.d/zz-lines"},
    ], [start, start + 30])
    write(root, "etc/network/if-down.d/zz-lines", "#!/bin/sh\nrm -rf /srv/ems/linedata\n", 0o755)
    target, facts = collect(root)
    art = target.artifact("var/log/journal")
    assert art is not None and art.kind == "journal" and art.error is None, art
    (job,) = [j for j in jobs(target, facts) if j.origin_path == "etc/network/if-down.d/zz-lines"]
    prov = job.provenance
    assert prov is not None and prov.sessions, prov
    assert (prov.sessions[0].user, prov.sessions[0].host, prov.sessions[0].source) == (
        "oper", "10.77.0.1", "var/log/journal")
    assert prov.planted_by().startswith("planted by oper from 10.77.0.1 at ")
    assert any("tee /etc/network/if-down.d/zz-lines" in h.text for h in prov.history)
    assert "no auth log (auth.log/secure) nor journal was readable" not in prov.unknown
