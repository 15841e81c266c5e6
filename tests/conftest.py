from __future__ import annotations

from pathlib import Path

import pytest

from lineguard.collector.home import Home
from tests.snapfactory import AgentChain

# the simulated fleet fixtures (`fleet`, `healthy`) for the tests that ask for them
pytest_plugins = ["tests.sim_support", "tests.smtpsink"]


@pytest.fixture
def home(tmp_path: Path) -> Home:
    h = Home(tmp_path / "home")
    h.init().close()
    return h


@pytest.fixture
def chain(tmp_path: Path) -> AgentChain:
    return AgentChain.create(tmp_path / "keys")


@pytest.fixture
def enrolled(home: Home, chain: AgentChain) -> AgentChain:
    from lineguard.collector.cli import main
    assert main(["--home", str(home.root), "agents", "add", chain.name,
                 "--key", str(chain.pub_path), "--site", "kobe"]) == 0
    return chain
