"""The agent daemon as an operator runs it: log levels (flag and agent.toml), library chatter
below the agent's own lines, every not-ok device logged with its reason, a one-shot run that
fails when delivery fails, and SFTP delivery with an identity file and known_hosts of its own,
against a real SFTP server on loopback."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest

from lineguard.agent.cli import main as agent
from lineguard.sim.fleet import HOST, Fleet, free_port
from tests.devicefleet import inventory


@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> Iterator[Fleet]:
    """One simulated IOS device."""
    with Fleet.start(sites=1, devices=1, out_dir=tmp_path_factory.mktemp("fleet")) as running:
        yield running


def _config(tmp_path: Path, key: Path, **settings: str) -> Path:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True, exist_ok=True)
    (root / "etc" / "crontab").write_text("17 * * * * root run-parts /etc/cron.hourly\n")
    lines = ['agent = "ems-01"', f'key = "{key}"', f'root = "{root}"',
             f'outbox = "{tmp_path / "out"}"', "live = false"]
    lines += [f'{k} = "{v}"' for k, v in settings.items()]
    cfg = tmp_path / "agent.toml"
    cfg.write_text("\n".join(lines) + "\n")
    return cfg


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "agent.key"
    assert agent(["keygen", "--out", str(path)]) == 0
    return path


@pytest.fixture
def log_stream(capsys) -> Iterator[object]:
    """What the daemon logs (to stderr, captured), read back after the run; its handler is
    removed afterwards."""
    class Log:
        def getvalue(self) -> str:
            return capsys.readouterr().err

    yield Log()
    root = logging.getLogger()
    for h in [h for h in root.handlers if getattr(h, "lineguard", False)]:
        root.removeHandler(h)


def _with_devices(fleet, tmp_path: Path) -> tuple[Path, Path]:
    ios = fleet.by_platform("cisco_ios")[0]
    closed = free_port()
    inv = inventory(tmp_path / "inventory.toml", [(ios, "cli", "lab-ios")])
    inv.write_text(inv.read_text() + f'[[device]]\nname = "atm-gone-01"\nplatform = "cisco_ios"\n'
                                     f'site = "kobe"\nmethod = "cli"\nhost = "{HOST}"\n'
                                     f'port = {closed}\ncredentials = "lab-ios"\n')
    return inv, fleet.credentials_path


def test_at_info_the_agent_logs_each_not_ok_device_and_no_library_chatter(
        fleet, tmp_path, key, log_stream):
    inv, creds = _with_devices(fleet, tmp_path)
    cfg = _config(tmp_path, key, inventory=str(inv), credentials=str(creds))
    assert agent(["run", "--config", str(cfg), "--once"]) == 0
    text = log_stream.getvalue()
    assert "snapshot #1: 3 target(s), 1 not ok" in text
    assert "WARNING lineguard.agent: atm-gone-01 unreachable: " in text
    assert "paramiko" not in text and "apscheduler" not in text
    assert "Authentication (password) successful" not in text


def test_at_debug_from_agent_toml_the_libraries_speak_too(fleet, tmp_path, key,
                                                          log_stream):
    inv, creds = _with_devices(fleet, tmp_path)
    cfg = _config(tmp_path, key, inventory=str(inv), credentials=str(creds), log_level="debug")
    assert agent(["run", "--config", str(cfg), "--once"]) == 0
    text = log_stream.getvalue()
    assert "INFO paramiko.transport: Authentication (password) successful!" in text
    assert "lineguard.agent: atm-gone-01 unreachable" in text


def test_the_log_level_flag_overrides_agent_toml(tmp_path, key, log_stream):
    cfg = _config(tmp_path, key, log_level="DEBUG")
    assert agent(["run", "--config", str(cfg), "--once", "--log-level", "warning"]) == 0
    assert "snapshot #1" not in log_stream.getvalue()        # INFO lines are below WARNING


def test_an_unknown_log_level_in_agent_toml_is_a_one_line_error(tmp_path, key, capsys):
    cfg = _config(tmp_path, key, log_level="chatty")
    assert agent(["run", "--config", str(cfg), "--once"]) == 2
    assert "log_level must be one of DEBUG, INFO, WARNING, ERROR, not 'chatty'" in \
        capsys.readouterr().err


class _SftpServer:
    """asyncssh SFTP on 127.0.0.1 in its own thread: one user, public-key login only, files
    under `root`."""

    def __init__(self, root: Path, client_key: asyncssh.SSHKey) -> None:
        self.root, self.port = root, free_port()
        self.host_key = asyncssh.generate_private_key("ssh-ed25519")
        self._client = asyncssh.import_authorized_keys(
            client_key.export_public_key().decode())
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncssh.create_server(
            asyncssh.SSHServer, HOST, self.port, server_host_keys=[self.host_key],
            authorized_client_keys=self._client,
            sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=str(self.root))))
        self._ready.set()
        self._loop.run_forever()

    def __enter__(self) -> _SftpServer:
        self._thread.start()
        assert self._ready.wait(30)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def known_hosts_line(self) -> str:
        return f"[{HOST}]:{self.port} {self.host_key.export_public_key().decode()}"


def test_sftp_delivery_uses_its_own_identity_file_and_known_hosts(tmp_path, key, log_stream):
    client_key = asyncssh.generate_private_key("ssh-ed25519")
    identity = tmp_path / "sftp_id"
    client_key.write_private_key(str(identity))
    identity.chmod(0o600)
    inbox = tmp_path / "collector"
    (inbox / "inbox").mkdir(parents=True)
    known = tmp_path / "collector_known_hosts"
    with _SftpServer(inbox, client_key) as server:
        deliver = f"sftp://lineguard@{HOST}:{server.port}/inbox"
        known.write_text("")       # the collector's key not (yet) known: refused, kept, exit 1
        cfg = _config(tmp_path, key, deliver=deliver, sftp_identity=str(identity),
                      sftp_known_hosts=str(known))
        assert agent(["run", "--config", str(cfg), "--once"]) == 1
        assert "delivery of ems-01-000000000001.lgsnap failed" in log_stream.getvalue()
        assert list((inbox / "inbox").iterdir()) == []
        known.write_text(server.known_hosts_line())
        assert agent(["run", "--config", str(cfg), "--once"]) == 0
    assert sorted(p.name for p in (inbox / "inbox").iterdir()) == [
        "ems-01-000000000001.lgsnap", "ems-01-000000000002.lgsnap"]
    assert list((tmp_path / "out").glob("*.lgsnap")) == []


def test_a_snapshot_longer_than_the_interval_is_said_in_the_agents_words(fleet, tmp_path, key,
                                                                        log_stream):
    from lineguard.agent.config import load_config
    from lineguard.agent.daemon import run
    ios = fleet.by_platform("cisco_ios")[0]
    inv = inventory(tmp_path / "inventory.toml", [(ios, "cli", "lab-ios")])
    cfg = _config(tmp_path, key, inventory=str(inv), credentials=str(fleet.credentials_path))
    cfg.write_text(cfg.read_text() + "interval_minutes = 0.005\n")     # 0.3 s
    ios.state.faults.delay_s = 0.5      # six commands: a snapshot takes seconds
    try:
        assert run(load_config(cfg), max_runs=2) == 0
    finally:
        ios.state.faults.delay_s = 0.0
    text = log_stream.getvalue()
    assert "the previous snapshot is still being taken when the next is due" in text
    assert "maximum number of running instances" not in text
