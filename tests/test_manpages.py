"""The man pages under man/ are generated from the argument parsers and must match them, so a new
option is never missing from `man lineguard`."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parent.parent
pytest.importorskip("argparse_manpage")


def _recipes() -> list[list[str]]:
    """The argparse-manpage calls of `make man`, read from the Makefile (one place for them)."""
    text = TOP.joinpath("Makefile").read_text().replace("\\\n", " ")
    common = re.search(r"^MANPAGE := \$\(BIN\)/argparse-manpage (.*)$", text, re.M)
    assert common
    return [shlex.split(common.group(1) + " " + m.group(1))
            for m in re.finditer(r"^\t\$\(MANPAGE\) (.*)$", text, re.M)]


@pytest.mark.parametrize("args", _recipes(), ids=lambda a: a[a.index("--output") + 1])
def test_man_page_matches_the_argument_parser(args: list[str], tmp_path: Path) -> None:
    committed = TOP / args[args.index("--output") + 1]
    args[args.index("--output") + 1] = str(tmp_path / "page")
    tool = Path(sys.executable).parent / "argparse-manpage"
    subprocess.run([str(tool), *args], check=True, cwd=TOP, timeout=120)

    def body(text: str) -> str:
        return re.sub(r'^\.TH .*$', "", text, count=1, flags=re.M)    # the date line differs

    assert body((tmp_path / "page").read_text()) == body(committed.read_text()), (
        f"{committed.name} is out of date: run `make man` and commit it")
