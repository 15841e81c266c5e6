"""The shipped systemd units are valid as systemd itself reads them, and hardened."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNITS = sorted((Path(__file__).resolve().parent.parent / "contrib/systemd").glob("*.service"))


def _unit(path: Path) -> configparser.RawConfigParser:
    cp = configparser.RawConfigParser(strict=False, delimiters=("=",))
    cp.optionxform = str  # type: ignore[assignment,method-assign]
    cp.read(path)
    return cp


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_unit_is_hardened(unit: Path) -> None:
    service = _unit(unit)["Service"]
    assert service["User"] == "lineguard"
    assert service["ProtectSystem"] == "strict"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ReadWritePaths"].startswith("/var/lib/")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed (apt-get install -y systemd)")
@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_systemd_analyze_verify_passes(unit: Path, tmp_path: Path) -> None:
    # verify checks that ExecStart= exists: point it at this installation's program
    name = _unit(unit)["Service"]["ExecStart"].split()[0].rsplit("/", 1)[1]
    prog = Path(sys.executable).parent / name
    assert prog.exists(), "the console script is installed beside this Python"
    copy = tmp_path / unit.name
    copy.write_text(unit.read_text().replace(f"/usr/local/bin/{name}", str(prog)))
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", str(copy)],
                          capture_output=True, text=True, timeout=120)
    # systemd-analyze reports problems of other units on the machine too; ours must be clean
    ours = [line for line in (done.stdout + done.stderr).splitlines() if unit.name in line]
    assert not ours, "\n".join(ours)


def test_the_agent_sees_every_folder_a_job_can_run_from() -> None:
    """A mount namespace that hides a folder from the agent (a private /tmp, an empty /home)
    shows it nothing where cron and atd still find the job's script: "not found" to the agent,
    a payload to the job."""
    service = _unit(UNITS[0].with_name("lineguard-agent.service"))["Service"]
    assert service.get("PrivateTmp", "no") == "no"
    assert service.get("ProtectHome", "no") in ("no", "read-only")
    assert not {"InaccessiblePaths", "TemporaryFileSystem", "TemporaryFileSystems",
                "BindPaths"} & set(service)
