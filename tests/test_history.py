"""History as archivers keep it: `lineguard history` (every stored change), `lineguard diff
--from --to` between any two stored polls, and `lineguard export git` (one commit per change
per target, with the real git command line, incremental on re-run)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from lineguard.formats.wire import Artifact, Target
from tests.snapfactory import AgentChain, ios_config

DEVICE = "atm-kobe-01"
APPLET = ("event manager applet WIPE\n event timer cron cron-entry \"0 3 * * *\"\n"
          " action 1.0 cli command \"no interface ATM0/0/0.100\"\n!\n")


def device(config: str, clock: str = "12:00", status: str = "ok") -> Target:
    if status != "ok":
        return Target(kind="device", name=DEVICE, status=status, error="no route to host",
                      facts={"platform": "cisco_ios", "site": "kobe"})
    return Target(kind="device", name=DEVICE, status="ok", facts={"platform": "cisco_ios",
                                                                   "site": "kobe"},
                  artifacts=(Artifact.from_bytes("running-config", "running-config",
                                                 config.encode()),
                             Artifact.from_bytes("show-clock", "show-clock",
                                                 f"*{clock}:00.000 JST Wed Nov 25 2026\n".encode())))


@pytest.fixture
def polled(home: Home, enrolled: AgentChain) -> Home:
    """Six polls, 15 minutes apart from 00:15Z: first; two PVCs deleted; unreachable; only the
    clock moved (no change); an EEM applet added; the same again."""
    full, cut = ios_config(DEVICE, 6, 7), ios_config(DEVICE, 4, 7)
    with_applet = cut.replace("end\n", APPLET + "end\n")
    for target in (device(full), device(cut), device("", status="unreachable"),
                   device(cut, "13:00"), device(with_applet), device(with_applet, "14:00")):
        enrolled.write(home.inbox, targets=(target,))
    assert lineguard(["--home", str(home.root), "ingest"]) == 0
    return home


def run(home: Home, capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    rc = lineguard(["--home", str(home.root), *args])
    return rc, capsys.readouterr().out


def test_history_lists_every_stored_change(polled: Home, capsys) -> None:
    rc, out = run(polled, capsys, "history", DEVICE, "--json")
    assert rc == 0
    changes = json.loads(out)["changes"]
    assert [(c["seq"], c["status"]) for c in changes] == [
        (1, "ok"), (2, "ok"), (3, "unreachable"), (5, "ok")]
    first, cut, down, applet = changes
    assert first["first"] and first["summary"] == "first poll: 2 artifact(s), 6 line-data row(s)"
    assert cut["taken_at"] == "2026-11-25T00:30:00Z" and cut["agent"] == "mgmt-01"
    assert cut["previous"]["seq"] == 1 and cut["summary"] == "1 changed, 2 row(s) lost"
    assert {r["row"] for r in cut["rows"] if r["change"] == "lost"} == {
        "vcl ATM0/0/0 1/104 BTS104", "vcl ATM0/0/0 1/105 BTS105"}
    assert down["summary"] == "poll unreachable: no route to host (nothing compared)"
    assert applet["previous"]["seq"] == 4 and applet["artifacts"][0]["name"] == "running-config"
    _, text = run(polled, capsys, "history", DEVICE, "--wide", "--tz", "Asia/Tokyo")
    rows = [" ".join(ln.split()) for ln in text.splitlines()]
    assert "2026-11-25 09:30:00 JST mgmt-01 #2 ok 1 changed, 2 row(s) lost" in rows
    assert "  row lost     vcl ATM0/0/0 1/104 BTS104" in text


def test_diff_between_any_two_stored_polls(polled: Home, capsys) -> None:
    rc, out = run(polled, capsys, "diff", DEVICE, "--from", "2026-11-25T00:20:00Z",
                  "--to", "2026-11-25T01:00:00Z", "--json")
    doc = json.loads(out)
    assert rc == 1 and doc["against"] == "poll"
    assert doc["reference"] == "the poll mgmt-01 #1 taken 2026-11-25T00:15:00Z"
    assert doc["current"] == "mgmt-01 #4 taken 2026-11-25T01:00:00Z"
    assert [r["change"] for r in doc["rows"]] == ["lost", "lost"]
    # the unreachable poll is never compared: 00:45 means the complete one before it
    rc, out = run(polled, capsys, "diff", DEVICE, "--from", "2026-11-25T00:45:00Z",
                  "--to", "2026-11-25T01:00:00Z")
    assert rc == 0 and "mgmt-01 #2" in out and "no drift" in out
    rc, out = run(polled, capsys, "diff", DEVICE, "--from", "2026-11-25T01:00:00Z")
    assert rc == 1 and "+event manager applet WIPE" in out
    assert "show-clock" not in out, "volatile artifacts are left out"


def test_diff_before_the_first_poll_is_a_one_line_error(polled: Home, capsys) -> None:
    capsys.readouterr()
    assert lineguard(["--home", str(polled.root), "diff", DEVICE, "--from", "2026-11-24"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no complete poll of atm-kobe-01 at or before" in err


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True).stdout


def test_export_git_one_commit_per_change_and_incremental(polled: Home, enrolled: AgentChain,
                                                          tmp_path: Path, capsys) -> None:
    repo = tmp_path / "archive"
    rc, out = run(polled, capsys, "export", "git", str(repo), "--json")
    assert rc == 0 and json.loads(out) == [{"target": DEVICE, "commits": 3, "skipped": 0}]
    log = git(repo, "log", "--format=%an|%aI|%s").splitlines()
    assert log == [f"mgmt-01|2026-11-25T01:15:00+00:00|{DEVICE}: 1 changed",
                   f"mgmt-01|2026-11-25T00:30:00+00:00|{DEVICE}: 1 changed, 2 row(s) lost",
                   f"mgmt-01|2026-11-25T00:15:00+00:00|{DEVICE}: first poll: 2 artifact(s), "
                   f"6 line-data row(s)"]
    patch = git(repo, "log", "-p", "-1", "--", f"{DEVICE}/line-data.txt")
    assert "-vcl ATM0/0/0 1/104 BTS104" in patch
    assert sorted(p.name for p in (repo / DEVICE).iterdir()) == ["line-data.txt",
                                                                 "running-config"]
    rc, out = run(polled, capsys, "export", "git", str(repo), "--json")
    assert json.loads(out) == [{"target": DEVICE, "commits": 0, "skipped": 3}]
    assert len(git(repo, "log", "--format=%H").splitlines()) == 3
    enrolled.write(polled.inbox, targets=(device(ios_config(DEVICE, 6, 7)),))
    assert lineguard(["--home", str(polled.root), "ingest"]) == 0
    rc, out = run(polled, capsys, "export", "git", str(repo))
    assert out.splitlines() == [f"{DEVICE}: 1 commit(s), 3 change(s) already exported",
                                f"exported to {repo} (1 new commit(s))"]
    assert "+vcl ATM0/0/0 1/104 BTS104" in git(repo, "log", "-p", "-1")


def test_export_into_a_file_is_a_one_line_error(polled: Home, tmp_path: Path, capsys) -> None:
    not_a_folder = tmp_path / "archive"
    not_a_folder.write_text("x")
    capsys.readouterr()
    assert lineguard(["--home", str(polled.root), "export", "git", str(not_a_folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exists and is not a folder" in err
