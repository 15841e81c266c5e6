"""An insider with operator access to a management server (and, for some, file access to the
collector's home) against lineguard, end to end with real components: the agent's snapshot of a
real tree and inventory, signed and ingested, the SQLite store on disk, `lineguard check`. Every
test here failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path

from lineguard.agent.cli import main as agent
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from tests.test_agent_delivery import tiny_root
from tests.test_archive_import import ios

NOW = "2026-12-01T09:00:00Z"


class Server:
    """A management server's agent: a root, an inventory of saved configurations, a key, and
    the collector home it reports to."""

    def __init__(self, tmp: Path, home: Home, devices: tuple[str, ...] = ()) -> None:
        self.home, self.root = home, tiny_root(tmp / "root")
        self.key, self.inventory = tmp / "agent.key", tmp / "inventory.toml"
        self.configs = tmp / "configs"
        self.configs.mkdir()
        self.n = 0
        assert agent(["keygen", "--out", str(self.key)]) == 0
        assert lineguard(["--home", str(home.root), "agents", "add", "ems-01", "--key",
                          f"{self.key}.pub", "--site", "kobe"]) == 0
        self.devices(*devices)

    def devices(self, *names: str) -> None:
        """The inventory now lists these devices (each a saved IOS configuration)."""
        tables = []
        for name in names:
            path = self.configs / f"{name}.cfg"
            if not path.exists():
                path.write_text(ios(name, "kobe"))
            tables.append(f'[[device]]\nname = "{name}"\nplatform = "cisco_ios"\n'
                          f'site = "kobe"\nmethod = "file"\npath = "configs/{name}.cfg"\n')
        self.inventory.write_text("\n".join(tables))

    def report(self) -> None:
        """One snapshot, delivered and ingested."""
        self.n += 1
        out = self.home.inbox / f"s{self.n}.lgsnap"
        assert agent(["snapshot", "--root", str(self.root), "--hostname", "ems-01",
                      "--agent", "ems-01", "--key", str(self.key), "--inventory",
                      str(self.inventory), "--out", str(out)]) == 0
        assert lineguard(["--home", str(self.home.root), "ingest"]) == 0

    def findings(self, capsys, now: str | None = None) -> list[dict]:
        capsys.readouterr()
        lineguard(["--home", str(self.home.root), "check", "--json", "--no-email",
                   *(["--now", now] if now else [])])
        return json.loads(capsys.readouterr().out)["findings"]


def test_a_device_dropped_from_the_inventory_is_a_finding_not_a_frozen_last_poll(
        tmp_path: Path, home: Home, capsys) -> None:
    ems = Server(tmp_path, home, ("atm-kobe-01", "atm-kobe-02"))
    ems.report()
    assert not [f for f in ems.findings(capsys) if f["target"] == "atm-kobe-02"]
    # the insider takes the device out of the agent's inventory, then deletes its line data
    ems.devices("atm-kobe-01")
    ems.report()
    (gone,) = [f for f in ems.findings(capsys) if f["target"] == "atm-kobe-02"]
    assert (gone["kind"], gone["severity"], gone["site"]) == ("silence", "high", "kobe")
    assert "no longer reported by agent ems-01" in gone["title"]
    # reported again: the finding is gone
    ems.devices("atm-kobe-01", "atm-kobe-02")
    ems.report()
    assert not [f for f in ems.findings(capsys) if f["target"] == "atm-kobe-02"]
