"""The agent end to end: a snapshot of a root, the daemon's run with delivery and retry, and the
collector accepting what it delivered."""

from __future__ import annotations

import os
from pathlib import Path

from lineguard.agent.cli import main as agent
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home


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
    # delivery failed: the snapshot is kept, and a one-shot run says so in its exit code
    assert agent(["run", "--config", str(cfg), "--once"]) == 1
    assert len(list((tmp_path / "out").glob("*.lgsnap"))) == 1

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
    assert err.count("\n") == 0 and "unknown key 'intervl_minutes'; did you mean 'interval_minutes'?" in err


def test_a_link_planted_in_a_shared_inbox_is_never_written_through(tmp_path: Path) -> None:
    from lineguard.agent.outbox import push

    outbox, inbox = tmp_path / "out", tmp_path / "inbox"
    outbox.mkdir()
    inbox.mkdir()
    (outbox / "ems-01-000000000001.lgsnap").write_bytes(b"signed snapshot\n")
    victim = tmp_path / "victim"
    victim.write_text("not the agent's to overwrite\n")
    (inbox / ".ems-01-000000000001.lgsnap.part").symlink_to(victim)
    result = push(outbox, str(inbox))
    assert result.delivered == ["ems-01-000000000001.lgsnap"] and result.pending == 0
    assert victim.read_text() == "not the agent's to overwrite\n"
    assert (inbox / "ems-01-000000000001.lgsnap").read_bytes() == b"signed snapshot\n"
    assert not (inbox / "ems-01-000000000001.lgsnap").is_symlink()
    assert os.stat(inbox / "ems-01-000000000001.lgsnap").st_mode & 0o777 == 0o644


def test_a_crash_between_writing_and_committing_never_reuses_the_number(tmp_path: Path,
                                                                        monkeypatch) -> None:
    import lineguard.agent.snapshot as snapshot
    from lineguard.agent.keys import generate, load_private
    from lineguard.formats.wire import load

    root = tiny_root(tmp_path / "root")
    key_path, _ = generate(tmp_path / "agent.key")
    key, chain = load_private(key_path), tmp_path / "agent.key.chain"
    kw = {"agent": "ems-01", "key": key, "root": root, "live": False}

    def killed(*_args) -> None:
        raise SystemExit("killed after the file was written, before the chain moved")

    with monkeypatch.context() as m:
        m.setattr(snapshot, "commit", killed)
        try:
            snapshot.snapshot_to(tmp_path / "s1.lgsnap", chain, **kw)
        except SystemExit:
            pass
    first = load((tmp_path / "s1.lgsnap").read_bytes())
    second = snapshot.snapshot_to(tmp_path / "s2.lgsnap", chain, **kw)
    assert (second.seq, second.prev) == (2, first.digest)


def test_a_snapshot_that_was_never_written_does_not_advance_the_chain(tmp_path: Path) -> None:
    import lineguard.agent.snapshot as snapshot
    from lineguard.agent.keys import generate, load_private

    root = tiny_root(tmp_path / "root")
    key_path, _ = generate(tmp_path / "agent.key")
    kw = {"agent": "ems-01", "key": load_private(key_path), "root": root, "live": False}
    chain = tmp_path / "agent.key.chain"
    (tmp_path / "blocked").write_text("a file where a folder should be")
    try:
        snapshot.snapshot_to(tmp_path / "blocked/s1.lgsnap", chain, **kw)
    except OSError:
        pass
    assert snapshot.snapshot_to(tmp_path / "s1.lgsnap", chain, **kw).seq == 1


def test_a_broken_chain_state_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    root = tiny_root(tmp_path / "root")
    key = tmp_path / "agent.key"
    assert agent(["keygen", "--out", str(key)]) == 0
    (tmp_path / "agent.key.chain").write_text('{"seq": 7')
    assert agent(["snapshot", "--root", str(root), "--key", str(key), "--agent", "ems-01",
                  "--out", str(tmp_path / "s.lgsnap")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "agent.key.chain: chain state unreadable" in err
    assert not (tmp_path / "s.lgsnap").exists()


def test_an_agent_name_that_would_escape_the_outbox_is_refused(tmp_path: Path, capsys) -> None:
    cfg = tmp_path / "agent.toml"
    cfg.write_text(f'agent = "../../etc/cron.d/x"\nkey = "k"\noutbox = "{tmp_path / "out"}"\n')
    assert agent(["run", "--config", str(cfg), "--once"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "agent name '../../etc/cron.d/x' must be" in err
    key = tmp_path / "agent.key"
    assert agent(["keygen", "--out", str(key)]) == 0
    capsys.readouterr()
    root = tiny_root(tmp_path / "root")
    assert agent(["snapshot", "--root", str(root), "--key", str(key), "--agent", "ems 01\n",
                  "--out", str(tmp_path / "s.lgsnap")]) == 2
    assert "agent name 'ems 01\\n' must be" in capsys.readouterr().err
    assert not (tmp_path / "s.lgsnap").exists()


def test_a_one_shot_run_whose_snapshot_failed_exits_non_zero(tmp_path: Path, caplog) -> None:
    cfg = tmp_path / "agent.toml"
    cfg.write_text(f'agent = "ems-01"\nkey = "{tmp_path / "missing.key"}"\n'
                   f'outbox = "{tmp_path / "out"}"\nlive = false\n')
    assert agent(["run", "--config", str(cfg), "--once"]) == 1
    assert "missing.key: no such key file" in caplog.text


def test_a_broken_inventory_or_config_path_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    key = tmp_path / "agent.key"
    assert agent(["keygen", "--out", str(key)]) == 0
    inventory = tmp_path / "inventory.toml"
    inventory.write_text('[[device]]\nname = "atm-kobe-03"\n')
    capsys.readouterr()
    assert agent(["snapshot", "--root", str(tiny_root(tmp_path / "root")), "--key", str(key),
                  "--agent", "ems-01", "--inventory", str(inventory),
                  "--out", str(tmp_path / "s.lgsnap")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "device 'atm-kobe-03': 'method' must be" in err
    assert not (tmp_path / "s.lgsnap").exists()
    assert agent(["run", "--config", str(tmp_path), "--once"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "cannot read the config file" in err


def test_an_unwritable_out_path_is_a_one_line_error_about_that_path(tmp_path: Path,
                                                                    capsys) -> None:
    key = tmp_path / "agent.key"
    assert agent(["keygen", "--out", str(key)]) == 0
    assert agent(["keygen", "--out", str(key)]) == 2
    assert "agent.key: already exists; refusing to overwrite a key" in capsys.readouterr().err
    (tmp_path / "blocked").write_text("a file where a folder should be")
    assert agent(["snapshot", "--root", str(tiny_root(tmp_path / "root")), "--key", str(key),
                  "--agent", "ems-01", "--out", str(tmp_path / "blocked/s.lgsnap")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "blocked" in err and "overwrite" not in err


def test_settings_of_the_wrong_type_or_range_are_one_line_errors(tmp_path: Path, capsys) -> None:
    cfg = tmp_path / "agent.toml"
    for setting, message in (("interval_minutes = 0", "interval_minutes must be a number above 0"),
                             ("retry_minutes = -2", "retry_minutes must be a number above 0"),
                             ('live = "false"', "live must be true or false"),
                             ("deliver = 7", "deliver must be a folder or an sftp:// URL"),
                             ('name = "ems-01"', "unknown key 'name'; valid keys: agent, ")):
        cfg.write_text(f'agent = "ems-01"\nkey = "k"\n{setting}\n')
        assert agent(["run", "--config", str(cfg), "--once"]) == 2, setting
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and message in err, setting


def test_two_snapshots_on_one_chain_at_once_are_refused(tmp_path: Path, capsys) -> None:
    import fcntl

    root = tiny_root(tmp_path / "root")
    key = tmp_path / "agent.key"
    assert agent(["keygen", "--out", str(key)]) == 0
    args = ["snapshot", "--root", str(root), "--key", str(key), "--agent", "ems-01", "--out"]
    with open(tmp_path / "agent.key.chain.lock", "w") as held:   # a run still in progress
        fcntl.flock(held, fcntl.LOCK_EX)
        assert agent([*args, str(tmp_path / "s1.lgsnap")]) == 2
    assert "another snapshot on this chain is running" in capsys.readouterr().err
    assert not (tmp_path / "s1.lgsnap").exists()
    assert agent([*args, str(tmp_path / "s1.lgsnap")]) == 0


def test_a_crash_then_push_then_run_never_signs_two_bodies_with_one_seq(tmp_path: Path,
                                                                         home: Home,
                                                                         monkeypatch) -> None:
    import lineguard.agent.snapshot as snapshot
    from lineguard.agent.config import load_config
    from lineguard.agent.daemon import snapshot_once

    root = tiny_root(tmp_path / "root")
    key = tmp_path / "agent.key"
    assert agent(["keygen", "--out", str(key)]) == 0
    assert lineguard(["--home", str(home.root), "agents", "add", "ems-01", "--key",
                      f"{key}.pub"]) == 0
    cfg = tmp_path / "agent.toml"
    cfg.write_text(f'agent = "ems-01"\nkey = "{key}"\nroot = "{root}"\n'
                   f'outbox = "{tmp_path / "out"}"\ndeliver = "{home.inbox}"\nlive = false\n')

    def killed(*_args) -> None:
        raise SystemExit("killed after the outbox file was written, before the chain moved")

    with monkeypatch.context() as m:
        m.setattr(snapshot, "commit", killed)
        try:
            snapshot_once(load_config(cfg))
        except SystemExit:
            pass
    assert agent(["push", "--config", str(cfg)]) == 0
    assert lineguard(["--home", str(home.root), "ingest"]) == 0      # the collector's watch
    assert agent(["run", "--config", str(cfg), "--once"]) == 0
    assert agent(["run", "--config", str(cfg), "--once"]) == 0
    assert lineguard(["--home", str(home.root), "ingest"]) == 0
    assert home.open().agent("ems-01").last_seq == 3
    assert list(home.quarantine.iterdir()) == []


def test_a_crash_before_the_outbox_file_was_written_resends_the_reserved_snapshot(
        tmp_path: Path, monkeypatch) -> None:
    import lineguard.agent.snapshot as snapshot
    from lineguard.agent.keys import generate, load_private
    from lineguard.formats.wire import load

    root = tiny_root(tmp_path / "root")
    key_path, _ = generate(tmp_path / "agent.key")
    key, chain = load_private(key_path), tmp_path / "agent.key.chain"
    kw = {"agent": "ems-01", "key": key, "root": root, "live": False}
    real = snapshot.write_atomic

    def killed_writing_the_snapshot(path: Path, data: bytes, mode: int = 0o644) -> None:
        if path.suffix == ".lgsnap":
            raise SystemExit("killed while writing the snapshot file")
        real(path, data, mode)

    with monkeypatch.context() as m:
        m.setattr(snapshot, "write_atomic", killed_writing_the_snapshot)
        try:
            snapshot.snapshot_to(tmp_path / "s1.lgsnap", chain, **kw)
        except SystemExit:
            pass
    assert not (tmp_path / "s1.lgsnap").exists()
    second = snapshot.snapshot_to(tmp_path / "s2.lgsnap", chain, **kw)
    first = load((tmp_path / "s1.lgsnap").read_bytes())   # the reserved #1, put in place
    assert (first.snapshot.seq, second.seq, second.prev) == (1, 2, first.digest)


def test_a_clock_stepped_back_never_dates_a_snapshot_before_its_predecessor(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    import lineguard.agent.snapshot as snapshot
    from lineguard.agent.keys import generate, load_private

    root = tiny_root(tmp_path / "root")
    key_path, _ = generate(tmp_path / "agent.key")
    chain = tmp_path / "agent.key.chain"
    kw = {"agent": "ems-01", "key": load_private(key_path), "root": root, "live": False}
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    first = snapshot.snapshot_to(tmp_path / "s1.lgsnap", chain, now=now, **kw)
    second = snapshot.snapshot_to(tmp_path / "s2.lgsnap", chain, now=now - timedelta(hours=1), **kw)
    assert second.taken_at == first.taken_at == "2026-11-25T09:00:00Z"
