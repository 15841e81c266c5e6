"""mypy over agent, collector, formats and sim, as `make lint` runs it, so CI (which runs the suite)
checks the types too. The packages are read under their installed names (lineguard.agent, …):
mypy cannot follow the editable install's import hook, so it is pointed at a folder where
lineguard/agent, lineguard/collector, … link to the repository's folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("agent", "collector", "formats", "sim")


def test_the_packages_type_check_clean(tmp_path: Path) -> None:
    tree = tmp_path / "src" / "lineguard"
    tree.mkdir(parents=True)
    for name in PACKAGES:
        (tree / name).symlink_to(REPO / name, target_is_directory=True)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"),
         "--cache-dir", str(tmp_path / "cache")],
        cwd=REPO, env={**os.environ, "MYPYPATH": str(tree.parent)},
        capture_output=True, text=True, check=False)
    report = (done.stdout + done.stderr).replace(f"{tree}/", "")
    assert done.returncode == 0, report
    assert "Success: no issues found" in report
