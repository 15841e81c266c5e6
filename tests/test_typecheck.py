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


def _mypy(tmp_path: Path, *args: str) -> tuple[int, str]:
    tree = tmp_path / "src" / "lineguard"
    tree.mkdir(parents=True)
    for name in PACKAGES:
        (tree / name).symlink_to(REPO / name, target_is_directory=True)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"),
         "--cache-dir", str(tmp_path / "cache"), *args],
        cwd=REPO, env={**os.environ, "MYPYPATH": str(tree.parent)},
        capture_output=True, text=True, check=False)
    return done.returncode, (done.stdout + done.stderr).replace(f"{tree}/", "")


def test_the_packages_type_check_clean(tmp_path: Path) -> None:
    returncode, report = _mypy(tmp_path)
    assert returncode == 0, report
    assert "Success: no issues found" in report


def test_a_host_parser_cannot_make_a_job_in_a_state_the_model_does_not_know(
        tmp_path: Path) -> None:
    """HostContext.job takes the Job's own fields, typed: a misspelt state or a field Job does
    not have is a type error, not a job nobody's view expects."""
    snippet = tmp_path / "parser.py"
    snippet.write_text(
        "from lineguard.collector.model import BootTrigger, Job\n"
        "from lineguard.collector.parse.hostcontext import HostContext\n\n\n"
        "def jobs(ctx: HostContext) -> list[Job]:\n"
        "    return [ctx.job(source='sysv', origin_path='etc/init.d/x', origin_line=None,\n"
        "                    owner='root', schedule='at boot', command='/etc/init.d/x',\n"
        "                    trigger=BootTrigger(), state='paused'),\n"
        "            ctx.job(source='sysv', origin_path='etc/init.d/x', origin_line=None,\n"
        "                    owner='root', schedule='at boot', command='/etc/init.d/x',\n"
        "                    trigger=BootTrigger(), runlevel=3)]\n")
    returncode, report = _mypy(tmp_path, str(snippet))
    assert returncode == 1, report
    assert 'Argument "state" to "job" of "HostContext" has incompatible type' in report, report
    assert 'Unexpected keyword argument "runlevel" for "job" of "HostContext"' in report, report
