"""A whole restoration rig on the simulated fleet: an agent (keys, chain) polling the fleet
into a collector home through the real snapshot and ingest, approved baselines, two approver
keys, and the two command lines driven in-process: `lineguard restore ...` and
`lineguard-agent restore apply ...`."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from lineguard.agent.cli import main as agent_cli
from lineguard.agent.keys import generate, load_public
from lineguard.collector import approvals, baseline
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from lineguard.collector.keys import key_path
from lineguard.collector.model import LineDataRow
from lineguard.sim.fleet import Fleet

AGENT = "ems-kobe-01"


def run(cli, args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@dataclass
class Rig:
    fleet: Fleet
    tmp: Path
    home: Home = field(init=False)
    keys: Path = field(init=False)
    seq: int = 0

    def __post_init__(self) -> None:
        self.home = Home(self.tmp / "home")
        self.home.init().close()
        self.keys = self.tmp / "keys"
        (self.tmp / "root" / "etc").mkdir(parents=True)
        generate(self.keys / "agent.key")
        for name in ("alice", "bob", "carol"):
            _, pub = generate(self.keys / f"{name}.key")
            approvals.add_approver(self.baselines, name, load_public(pub))
        assert run(lineguard, ["--home", self.home.root, "agents", "add", AGENT, "--key",
                               self.keys / "agent.key.pub", "--site", "kobe"])[0] == 0

    @property
    def baselines(self) -> Path:
        return self.home.root / "baselines"

    @property
    def collector_pub(self) -> Path:
        return key_path(self.home.root).with_name("collector.key.pub")

    def snapshot(self) -> None:
        """One agent snapshot of the fleet, ingested."""
        self.seq += 1
        code, out, err = run(agent_cli, [
            "snapshot", "--root", self.tmp / "root", "--hostname", AGENT, "--agent", AGENT,
            "--no-live", "--inventory", self.fleet.inventory_path, "--credentials",
            self.fleet.credentials_path, "--key", self.keys / "agent.key",
            "--out", self.home.inbox / f"{AGENT}-{self.seq}.lgsnap"])
        assert code == 0, err
        code, out, err = run(lineguard, ["--home", self.home.root, "ingest"])
        assert code == 0 and "accepted" in out, out + err

    def approve_baselines(self) -> None:
        """Every device's baseline proposed and signed by two approvers (the site's rule)."""
        for args in (["propose", "--all"],
                     *(["approve", "--all", "--key", self.keys / f"{who}.key", "--by", who]
                       for who in ("alice", "bob"))):
            code, out, err = run(lineguard, ["--home", self.home.root, "baseline", *args])
            assert code == 0, out + err

    def plan(self, *targets: str, extra: tuple[str, ...] = ()) -> tuple[Path, dict]:
        code, out, err = run(lineguard, ["--home", self.home.root, "restore", "plan",
                                         *(targets or ["--all"]), "--json", *extra])
        assert code in (0, 1), err
        doc = json.loads(out)
        return Path(doc["path"]), doc

    def approve(self, plan: Path, *who: str) -> None:
        for name in who:
            code, out, err = run(lineguard, ["--home", self.home.root, "restore", "approve",
                                             plan, "--key", self.keys / f"{name}.key", "--by",
                                             name])
            assert code == 0, err

    def apply(self, plan: Path, *extra: str) -> tuple[int, dict | None, str]:
        code, out, err = run(agent_cli, [
            "restore", "apply", plan, "--agent", AGENT, "--key", self.keys / "agent.key",
            "--inventory", self.fleet.inventory_path, "--credentials",
            self.fleet.credentials_path, "--collector-key", self.collector_pub,
            "--approvers", self.baselines / "approvers", "--json", *extra])
        return code, (json.loads(out) if out.strip() else None), err

    def rows(self, device: str) -> dict[tuple, LineDataRow]:
        from lineguard.collector.baseline import line_data
        from lineguard.collector.store import Store
        store = Store(self.home.db_path)
        try:
            _, target = next(store.target_history(device, limit=1))
            assert target.status == "ok", target.error
            return {r.key(): r for r in line_data(target) or ()}
        finally:
            store.close()

    def rows_config(self, device: str) -> str:
        """The newest stored running-config of an IOS device."""
        from lineguard.collector.store import Store
        store = Store(self.home.db_path)
        try:
            _, target = next(store.target_history(device, limit=1))
            return target.artifact("running-config").text() or ""
        finally:
            store.close()

    def baseline_rows(self, device: str) -> dict[tuple, LineDataRow]:
        b = baseline.load_approved(self.baselines, device)
        assert b is not None and b.line_data is not None
        return {r.key(): r for r in b.line_data}
