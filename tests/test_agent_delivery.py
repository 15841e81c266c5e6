"""The agent end to end: a snapshot of a root, the daemon's run with delivery and retry, and the
collector accepting what it delivered."""

from __future__ import annotations

import os
from pathlib import Path

from agent.cli import main as agent
from collector.cli import main as lineguard
from collector.home import Home


def tiny_root(root: Path) -> Path:
    (root / "etc/cron.d").mkdir(parents=True)
    (root / "etc/timezone").write_text("Asia/Tokyo\n")
    (root / "etc/debian_version").write_text("12.8\n")
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (root / "etc/cron.d/ems").write_text("*/5 * * * * root /opt/ems/poll.sh\n")
    (root / "opt/ems").mkdir(parents=True)
    (root / "opt/ems/poll.sh").write_text("#!/bin/sh\nsnmpbulkwalk -v2c -c public ne1 1.3.6.1.2.1.37\n")
    os.chmod(root / "opt/ems/poll.sh", 0o755)
    return root


def test_snapshot_of_a_root_is_signed_chained_and_accepted(tmp_path: Path, home: Home) -> None:
    root = tiny_root(tmp_path / "root")
    key = tmp_path / "agent.key"
    assert agent(["keygen", "--out", str(key)]) == 0
    assert lineguard(["--home", str(home.root), "agents", "add", "ems-01", "--key",
                      f"{key}.pub"]) == 0
    for n in (1, 2):
        assert agent(["snapshot", "--root", str(root), "--hostname", "ems-01", "--agent", "ems-01",
                      "--key", str(key), "--out", str(home.inbox / f"s{n}.lgsnap")]) == 0
    assert lineguard(["--home", str(home.root), "ingest"]) == 0
    store = home.open()
    assert store.agent("ems-01").last_seq == 2
    snap = store.latest_snapshots()[0]
    assert snap.host["timezone"] == "Asia/Tokyo"
    (target,) = store.targets_of(snap.id)
    names = {a.name for a in target.artifacts}
    assert {"etc/cron.d/ems", "opt/ems/poll.sh"} <= names


def test_daemon_keeps_snapshots_in_outbox_until_delivery_succeeds(tmp_path: Path, home: Home) -> None:
    root = tiny_root(tmp_path / "root")
    key = tmp_path / "agent.key"
    agent(["keygen", "--out", str(key)])
    lineguard(["--home", str(home.root), "agents", "add", "ems-01", "--key", f"{key}.pub"])
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the inbox should be")
    cfg = tmp_path / "agent.toml"
    cfg.write_text(f'agent = "ems-01"\nkey = "{key}"\nroot = "{root}"\noutbox = "{tmp_path / "out"}"\n'
                   f'deliver = "{blocked}"\nlive = false\n')
    assert agent(["run", "--config", str(cfg), "--once"]) == 0
    assert len(list((tmp_path / "out").glob("*.lgsnap"))) == 1  # delivery failed: kept

    cfg.write_text(cfg.read_text().replace(str(blocked), str(home.inbox)))
    assert agent(["run", "--config", str(cfg), "--once"]) == 0
    assert list((tmp_path / "out").glob("*.lgsnap")) == []
    assert sorted(p.name for p in home.inbox.glob("*.lgsnap")) == [
        "ems-01-000000000001.lgsnap", "ems-01-000000000002.lgsnap"]
    assert lineguard(["--home", str(home.root), "ingest"]) == 0
    assert home.open().agent("ems-01").last_seq == 2


def test_broken_agent_config_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    cfg = tmp_path / "agent.toml"
    cfg.write_text('key = "k"\nintervl_minutes = 5\n')
    assert agent(["run", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "unknown setting(s) intervl_minutes" in err
