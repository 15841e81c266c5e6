"""The distribution installs under one `lineguard` namespace, next to an unrelated top-level `agent`.

A PyPI package named `agent` (a single `agent.py`) exists; installing lineguard beside it must
break neither. The wheel is built from this checkout and installed into a fresh virtualenv with
a stand-in `agent` distribution of the same shape, offline; the dependencies come from the
project's own environment through a path file, so nothing is downloaded (CI also installs the
real PyPI `agent` beside lineguard: .ci/install-check).
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _run(*argv: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True,
                          timeout=600, check=False)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                 "-q", "-w", out, REPO)
    assert built.returncode == 0, built.stderr
    (whl,) = out.glob("lineguard-*.whl")
    return whl


@pytest.fixture(scope="module")
def stand_in_agent(tmp_path_factory) -> Path:
    """A distribution named `agent` that installs a top-level module `agent`, like PyPI's."""
    src = tmp_path_factory.mktemp("agent-dist")
    (src / "agent.py").write_text("ORIGIN = 'the other agent'\n")
    (src / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "agent"\nversion = "0.1.3"\n'
        '[tool.setuptools]\npy-modules = ["agent"]\n')
    return src


def test_the_wheel_installs_nothing_at_the_top_but_lineguard(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/", 1)[0] for n in names}
    assert {t for t in tops if not t.endswith((".dist-info", ".data"))} == {"lineguard"}, tops
    assert "lineguard-0.1.0.data/data/share/man/man1/lineguard.1" in names
    assert "lineguard/collector/rules/snmp.yaml" in names
    assert "lineguard/formats/wire.py" in names
    assert any(n.startswith("lineguard/collector/rules/mibs/") for n in names)
    assert not any(n.startswith("lineguard/__init__") for n in names)   # a namespace package


def test_lineguard_and_an_unrelated_agent_package_work_side_by_side(
        tmp_path: Path, wheel: Path, stand_in_agent: Path) -> None:
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env)
    py = env / "bin" / "python"
    site = Path(_run(py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                     cwd=tmp_path).stdout.strip())
    # The dependencies (netmiko, pysnmp, …) from this environment, appended after the venv's own
    # site-packages, so the venv's `agent` and `lineguard` come first.
    (site / "zz-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = (sys.executable, "-m", "pip", "--python", py, "install", "-q", "--no-deps",
           "--no-build-isolation", "--no-index")
    for what in (stand_in_agent, wheel):
        done = _run(*pip, what)
        assert done.returncode == 0, done.stderr
    assert not (site / "collector").exists() and not (site / "sim").exists()

    mine = _run(env / "bin" / "lineguard", "--help", cwd=tmp_path)
    assert mine.returncode == 0 and "usage: lineguard" in mine.stdout, mine.stderr
    theirs_too = _run(env / "bin" / "lineguard-agent", "--help", cwd=tmp_path)
    assert theirs_too.returncode == 0 and "usage: lineguard-agent" in theirs_too.stdout
    both = _run(py, "-c", "import agent, lineguard.agent.cli, lineguard.collector.cli; "
                "print(agent.ORIGIN); print(lineguard.agent.cli.__file__)", cwd=tmp_path)
    assert both.returncode == 0, both.stderr
    origin, cli_file = both.stdout.splitlines()
    assert origin == "the other agent"
    assert Path(cli_file).is_relative_to(site)        # the installed copy, not this checkout
