"""Tables fit the terminal: the widest columns give way, cut cells end in an ellipsis; piped
output and --wide keep every cell whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from lineguard.collector.render import table
from tests.test_check import NOW, ingest_planted

HEADERS = ["TARGET", "SCHEDULE", "COMMAND"]
ROWS = [["ems-01", "*/5 * * * *", "/opt/ems/bin/poll --all-devices --timeout 30 " * 4],
        ["atm-kobe-01", "0 3 * * 0", "save config"]]


def test_table_fits_the_width_and_cuts_with_an_ellipsis() -> None:
    lines = table(HEADERS, ROWS, width=60).splitlines()
    assert max(map(len, lines)) <= 60
    assert lines[1].endswith("…") and lines[1].startswith("ems-01       */5 * * * *")
    assert lines[2].rstrip().endswith("save config"), "a short cell is left whole"


def test_wide_and_unbounded_tables_keep_every_cell() -> None:
    for text in (table(HEADERS, ROWS, width=60, wide=True), table(HEADERS, ROWS)):
        assert ROWS[0][2].strip() in text and "…" not in text


def test_too_many_columns_stop_at_their_floors() -> None:
    text = table(["A" * 10] * 10, [["x" * 30] * 10], width=40)
    assert all(len(c) == 6 for c in text.splitlines()[1].split())


@pytest.mark.parametrize("columns", ["100", "80"])
def test_jobs_table_fits_the_terminal(tmp_path: Path, home: Home, capsys,
                                      monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    ingest_planted(tmp_path, home)
    monkeypatch.setenv("COLUMNS", columns)
    capsys.readouterr()
    lineguard(["--home", str(home.root), "jobs", "--now", NOW])
    out = capsys.readouterr().out.splitlines()
    assert len(out) > 3 and max(map(len, out)) <= int(columns)
    lineguard(["--home", str(home.root), "jobs", "--now", NOW, "--wide"])
    wide = capsys.readouterr().out
    assert "/home/opsuser/.local/.ne/sync.sh" in wide and max(map(len, wide.splitlines())) > 100
