"""Who may import whom, read from the source: formats/ stands below both sides (it imports
neither), the collector's parsers read formats through formats/ and never reach into the
agent, and no host parser imports the module that lists the parsers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return out


FORMATS = sorted((REPO / "formats").glob("*.py"))
PARSERS = sorted((REPO / "collector" / "parse").glob("*.py"))


@pytest.mark.parametrize("path", FORMATS, ids=lambda p: p.name)
def test_formats_import_neither_side(path: Path) -> None:
    bad = {m for m in _imports(path)
           if m.startswith(("lineguard.agent", "lineguard.collector", "lineguard.sim"))}
    assert not bad, bad


@pytest.mark.parametrize("path", PARSERS, ids=lambda p: p.name)
def test_collector_parsers_do_not_reach_into_the_agent(path: Path) -> None:
    bad = {m for m in _imports(path) if m.startswith("lineguard.agent")}
    assert not bad, bad


@pytest.mark.parametrize("path", [p for p in PARSERS if p.name != "host.py"],
                         ids=lambda p: p.name)
def test_no_parser_imports_the_parser_list(path: Path) -> None:
    assert not {m for m in _imports(path) if m.startswith("lineguard.collector.parse.host")
                and not m.startswith("lineguard.collector.parse.hostcontext")}


def test_every_folder_found() -> None:
    assert len(FORMATS) >= 15 and len(PARSERS) >= 20
