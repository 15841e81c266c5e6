"""NOC conventions over real snapshots: the Nagios/Icinga plugin status and exit codes, the
OpenMetrics file for node_exporter (parsed back by prometheus_client's OpenMetrics parser),
--version, and a reader that leaves early (`lineguard jobs --json | head`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from lineguard.agent.cli import main as agent
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from tests.test_agent_delivery import tiny_root
from tests.test_check import NOW, ingest_planted


@pytest.fixture
def ingested(tmp_path: Path, home: Home) -> Home:
    return ingest_planted(tmp_path, home)


def nagios(home: Home, capsys, *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    rc = lineguard(["--home", str(home.root), "check", "--format", "nagios", *extra])
    out = capsys.readouterr().out
    assert out.count("\n") == 1, "a plugin prints one status line"
    return rc, out.strip()


def test_planted_job_is_nagios_critical_with_perfdata(ingested: Home, capsys) -> None:
    rc, line = nagios(ingested, capsys, "--now", NOW)
    assert rc == 2
    assert line.startswith("LINEGUARD CRITICAL - 1 critical")
    status, perf = line.split(" | ")
    assert "destructive at job on ems-01" in status
    fields = dict(p.split("=", 1) for p in perf.split())
    assert fields["critical"] == "1;;;0"
    # due 2027-02-10T03:00Z, as of 2026-11-25T09:00Z: 76 days 18 hours
    assert fields["next_destructive_fire"] == f"{(76 * 24 + 18) * 3600}s;;;0"


def test_clean_host_is_nagios_ok(tmp_path: Path, home: Home, capsys) -> None:
    key = tmp_path / "agent.key"
    agent(["keygen", "--out", str(key)])
    lineguard(["--home", str(home.root), "agents", "add", "ems-02", "--key", f"{key}.pub"])
    agent(["snapshot", "--root", str(tiny_root(tmp_path / "root")), "--hostname", "ems-02",
           "--agent", "ems-02", "--key", str(key), "--out", str(home.inbox / "s.lgsnap")])
    assert lineguard(["--home", str(home.root), "ingest"]) == 0
    rc, line = nagios(home, capsys)     # as of now: the agent has just reported
    assert (rc, line.split(" | ")[0]) == (0, "LINEGUARD OK - no findings at medium or above")


def test_only_medium_findings_are_nagios_warning(home: Home, capsys) -> None:
    key = home.root / "a.key"
    agent(["keygen", "--out", str(key)])
    lineguard(["--home", str(home.root), "agents", "add", "ems-03", "--key", f"{key}.pub"])
    rc, line = nagios(home, capsys)     # enrolled, never reported: a medium finding
    assert rc == 1 and line.startswith("LINEGUARD WARNING - 1 medium")


def test_an_unreadable_home_is_nagios_unknown(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "home"
    bad.mkdir()
    (bad / "lineguard.db").write_bytes(b"this is not a database" * 100)
    rc, line = nagios(Home(bad), capsys)
    assert rc == 3 and line.startswith("LINEGUARD UNKNOWN - check: ")


def test_metrics_file_parses_as_openmetrics(ingested: Home, tmp_path: Path, capsys) -> None:
    out = tmp_path / "textfile" / "lineguard.prom"
    assert lineguard(["--home", str(ingested.root), "metrics", "--now", NOW,
                      "--out", str(out)]) == 0
    families = {f.name: f for f in text_string_to_metric_families(out.read_text())}
    findings = {(s.labels["site"], s.labels["severity"], s.labels["kind"]): s.value
                for s in families["lineguard_findings"].samples}
    assert findings[("unknown", "critical", "job")] == 1
    assert findings[("unknown", "info", "any")] == 0
    (fire,) = families["lineguard_next_destructive_fire_seconds"].samples
    assert fire.labels["target"] == "ems-01" and fire.value == (76 * 24 + 18) * 3600
    ages = {s.name: s for s in families["lineguard_agent_reported"].samples}
    assert ages["lineguard_agent_reported"].value == 1
    assert not list(out.parent.glob(".lineguard-*")), "no temporary file left behind"


def test_both_programs_say_their_version() -> None:
    for prog in ("lineguard.collector.cli", "lineguard.agent.cli"):
        done = subprocess.run([sys.executable, "-m", prog, "--version"], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0
        assert done.stdout.split()[1][0].isdigit(), done.stdout


@pytest.fixture
def many_jobs(tmp_path: Path, home: Home) -> Home:
    """A host with 3,000 cron jobs: every listing is far larger than a pipe's buffer."""
    root = tiny_root(tmp_path / "root")
    (root / "etc/cron.d/many").write_text("".join(
        f"{i % 60} {i % 24} * * * root /usr/local/bin/poll-ne --group {i} --quiet\n"
        for i in range(3000)))
    key = tmp_path / "agent.key"
    agent(["keygen", "--out", str(key)])
    lineguard(["--home", str(home.root), "agents", "add", "ems-04", "--key", f"{key}.pub"])
    agent(["snapshot", "--root", str(root), "--hostname", "ems-04", "--agent", "ems-04",
           "--key", str(key), "--out", str(home.inbox / "s.lgsnap")])
    assert lineguard(["--home", str(home.root), "ingest"]) == 0
    return home


@pytest.mark.parametrize("args", [["jobs", "--json"], ["jobs"]])
def test_a_reader_that_leaves_early_gets_no_traceback(many_jobs: Home, args: list[str]) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "lineguard.collector.cli", "--home", str(many_jobs.root),
                             *args, "--now", NOW], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=120)
    assert first, "the listing started"
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()
    assert proc.returncode == 141
