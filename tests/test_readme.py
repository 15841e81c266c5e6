"""The README's "Using it" examples are real: every block marked `<!-- doctest: NAME -->` is
read from the README and used as the file it shows, or run as the shell session it is."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lineguard.agent.cli import main as agent
from lineguard.agent.config import load_config
from lineguard.collector.home import Home

README = Path(__file__).resolve().parents[1] / "README.md"
_BLOCK = re.compile(r"<!-- doctest: (\S+) -->\n```\w*\n(.*?)```", re.S)


def blocks() -> dict[str, str]:
    return dict(_BLOCK.findall(README.read_text(encoding="utf-8")))


def test_the_readme_marks_every_example_it_promises() -> None:
    assert set(blocks()) == {"inventory.toml", "credentials.toml", "agent.toml", "config.toml",
                             "session"}


def test_the_inventory_and_credentials_examples_pass_inventory_check(tmp_path: Path,
                                                                     capsys) -> None:
    docs = blocks()
    inv = tmp_path / "inventory.toml"
    inv.write_text(docs["inventory.toml"])
    creds = tmp_path / "credentials.toml"
    creds.write_text(docs["credentials.toml"])
    creds.chmod(0o600)
    capsys.readouterr()
    assert agent(["inventory", "check", str(inv), "--credentials", str(creds)]) == 0
    assert "3 device(s) in 2 site(s) (kobe, osaka): ok" in capsys.readouterr().out


def test_the_agent_config_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "agent.toml"
    path.write_text(blocks()["agent.toml"])
    cfg = load_config(path)
    assert (cfg.name, cfg.interval_minutes, cfg.deliver) == ("ems-kobe-01", 15.0,
                                                            "/srv/lineguard/inbox")


def test_the_site_config_example_gives_each_site_its_policy(home: Home) -> None:
    (home.root / "config.toml").write_text(blocks()["config.toml"])
    s = home.settings()
    assert s.security_to == ("csirt@example.net",)
    assert s.site("kobe").mail_to == ("kobe-noc@example.net",)
    assert s.site("kobe").alert_threshold == "medium" and s.site("kobe").realert_hours == 24
    assert s.site("osaka").realert_hours == 4 and s.site("osaka").alert_threshold == "high"
    assert s.site("nara") == s.default and s.default.approvals == 2


def test_the_first_day_session_runs_as_written(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "lineguard").exists():
        pytest.skip("the console scripts are not installed beside this interpreter")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("LINEGUARD_HOME", None)
    done = subprocess.run(["bash", "-e", "-c", blocks()["session"]], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.count("PENDING: signed by alice (1 of 2 required)") == 2   # baseline, waiver
    assert "ems-kobe-01: in force, approved by alice, bob (2 of 2 required)" in out
    assert "waived by alice, bob until 2029-12-31T23:59:59Z" in out
    assert "OPEN (0)" in out and "WAIVED (1)" in out
    found = subprocess.run(["lineguard", "--home", "soc", "findings", "--json"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=120)
    [job] = json.loads(found.stdout)["findings"]
    assert job["status"] == "waived" and job["site"] == "kobe" and job["severity"] == "critical"
    assert job["waiver"]["signed_by"] == ["alice", "bob"]
