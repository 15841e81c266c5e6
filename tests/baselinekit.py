"""A small fleet for baseline and drift tests: one agent polling IOS ATM devices (real
running-configs with PVC stanzas) and a host, each poll signed and ingested through the real
ingest path into a real store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from lineguard.agent.keys import generate, load_public, public_text
from lineguard.collector import approvals, baseline, render
from lineguard.collector.home import Home
from lineguard.collector.ingest import ingest_paths
from lineguard.collector.store import Store
from lineguard.formats.wire import Artifact, Target, key_fingerprint
from tests.snapfactory import AgentChain, ios_config


def device(name: str, pvcs: int = 20, site: str = "kobe", status: str = "ok",
           config: str | None = None, error: str | None = None) -> Target:
    """An IOS ATM router as polled; a failed poll carries no artifacts, as the agent sends it."""
    facts = {"platform": "cisco_ios", "site": site, "method": "cli"}
    if status in ("unreachable", "auth-failed", "timeout"):
        return Target(kind="device", name=name, status=status, facts=facts,
                      error=error or "TCP connection to 10.40.0.10:22 timed out")
    text = config if config is not None else ios_config(name, pvcs, 7)
    arts = (Artifact.from_bytes("running-config", "running-config", text.encode()),
            Artifact.from_bytes("show-clock", "show-clock",
                                f"*12:{pvcs:02d}:00.000 JST\n".encode()))
    return Target(kind="device", name=name, status=status, artifacts=arts, facts=facts,
                  error=error)


def host(name: str, files: dict[str, tuple[str, str]], status: str = "ok") -> Target:
    """A management server: artifact name -> (kind, text)."""
    arts = tuple(Artifact.from_bytes(n, kind, text.encode(), {"path": n})
                 for n, (kind, text) in files.items())
    return Target(kind="host", name=name, status=status, artifacts=arts,
                  facts={"platform": "linux"})


@dataclass
class Fleet:
    """An enrolled agent whose polls go through the real ingest into the home's store."""

    home: Home
    chain: AgentChain
    store: Store = field(init=False)

    def __post_init__(self) -> None:
        self.store = self.home.open()
        if self.store.agent(self.chain.name) is None:
            pub = self.chain.key.public_key()
            self.store.add_agent(self.chain.name, public_text(pub), key_fingerprint(pub), "kobe")

    @property
    def baselines(self) -> Path:
        return self.home.root / "baselines"

    def poll(self, *targets: Target, minutes: int | None = None) -> datetime:
        """Sign and ingest one snapshot of `targets`; returns when it was taken."""
        if minutes is not None:   # the chain itself steps 15 minutes per snapshot
            self.chain.taken += timedelta(minutes=minutes - 15)
        path = self.chain.write(self.home.root / "outgoing", targets=tuple(targets))
        [result] = ingest_paths(self.home, self.store, [path])
        assert result.outcome == "accepted", render.ingest_result(result)
        return self.chain.taken

    def approver(self, keys: Path, name: str = "tanaka") -> Path:
        """A new approver key, listed in the baselines folder's approvers file."""
        key_path, pub_path = generate(keys / f"approver-{name}.key")
        approvals.add_approver(self.baselines, name, load_public(pub_path))
        return key_path

    def approve(self, target: str, key_path: Path, name: str = "tanaka") -> Path:
        """Propose and approve `target`: `name` signs, then a second approver (the two-person
        rule), created on first use."""
        proposal = baseline.propose(self.store, target, self.baselines)
        assert not baseline.approve(proposal, key_path, name).in_force
        second = key_path.with_name("approver-second.key")
        if not second.exists():
            self.approver(key_path.parent, "second")
        assert baseline.approve(proposal, second, "second").in_force
        return baseline.approved_path(self.baselines, target)
