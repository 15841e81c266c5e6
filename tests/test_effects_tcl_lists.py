"""Tcl lists read the way Tcl reads them (expect.list_items, expect.as_list): checked against
tclsh itself, and through the engine: a `foreach` over a list literal goes over whole items,
however each is quoted, and a proc's parameter list binds names and defaults."""

from __future__ import annotations

import shutil
import subprocess
import tracemalloc
from pathlib import Path

import pytest

from lineguard.collector.analyse.effects.expect import as_list, list_items
from lineguard.collector.analyse.effects.model import render
from lineguard.collector.model import Verdict
from tests.test_effects import _effects, _judge

LISTS = [
    '{no pvc 0/100} "no pvc 0/101" show',      # braced and quoted items keep their blanks
    "no\\ pvc\\ 0/100 end",                    # a backslashed blank does not separate
    "{a {b c}} d",                             # nested braces stay in the item
    '"a;b" {x y}',                             # ; separates nothing in a list
    "#a $b [c d] e",                           # nor do #, $ and brackets
    "{a\\}b} \\{c d",                          # a backslashed brace counts for nothing
    '"a \\"b" {} { }',                         # an escaped quote; empty and blank items
    "a\\\n    b c",                            # backslash-newline and its blanks: one space
    '"x\\ty" \\x41\\u00e9 \\q',                # substitutions in quoted and bare items
    "  lead\ttrail\n  ",                       # any white space separates
    "\\\\{ a",                                 # a backslashed backslash, then a brace
]


_SPLIT = ("fconfigure stdin -encoding utf-8\nfconfigure stdout -encoding utf-8\n"
          "foreach s [split [read stdin] \\x1e] {\n"
          "  puts [join [lmap e $s {string map {\\n <NL> \\t <TAB>} $e}] \\x1f]\n}\n")


def _tcl_items(lists: list[str], scratch: Path) -> list[list[str]]:
    """How tclsh splits each list (handed over as data, so no script substitution happens)."""
    script = scratch / "split.tcl"
    script.write_text(_SPLIT)
    out = subprocess.run(["tclsh", str(script)], input="\x1e".join(lists), capture_output=True,
                         text=True, encoding="utf-8", timeout=60, check=True).stdout
    return [line.split("\x1f") if line else [] for line in out.split("\n")[:len(lists)]]


def _shown(items: list[str]) -> list[str]:
    return [x.replace("\n", "<NL>").replace("\t", "<TAB>") for x in items]


@pytest.mark.skipif(shutil.which("tclsh") is None, reason="tclsh not installed")
def test_list_items_split_a_list_as_tclsh_does(tmp_path: Path) -> None:
    assert [_shown(list_items(s)) for s in LISTS] == _tcl_items(LISTS, tmp_path)


@pytest.mark.parametrize("items", [
    ["no pvc 0/100", "", " ", "a{b", "}x{", "ends\\", 'q"uote', "$v", "[cmd]", "#c", "a;b",
     "tab\there", "line\nbreak", "plain"],
    ["{", "}", "{}", "\\{", "a b {c"],
])
def test_as_list_writes_a_list_that_reads_back_item_for_item(items: list[str],
                                                             tmp_path: Path) -> None:
    assert list_items(as_list(items)) == items
    if shutil.which("tclsh"):
        assert _tcl_items([as_list(items)], tmp_path) == [_shown(items)]


def _sent(loop_list: str) -> list[str]:
    text = ("#!/usr/bin/expect -f\nspawn ssh oper@atm-kobe-01\nexpect \"#\"\n"
            f"foreach c {loop_list} {{\n  send \"$c\\r\"\n  expect \"#\"\n}}\n")
    (e,) = [e for e in _effects(text, name="usr/local/sbin/task.exp")
            if e.kind == "device-command"]
    return [render(x) for x in e.lines]


@pytest.mark.parametrize("loop_list", [
    '{{no pvc 0/100} "no pvc 0/101" no\\ pvc\\ 0/102}',
    '[list "no pvc 0/100" {no pvc 0/101} no\\ pvc\\ 0/102]',
    '"{no pvc 0/100} \\"no pvc 0/101\\" no\\\\ pvc\\\\ 0/102"',
])
def test_foreach_over_a_list_literal_sends_each_whole_item(loop_list: str) -> None:
    assert _sent(loop_list) == ["no pvc 0/100", "no pvc 0/101", "no pvc 0/102"]


def test_a_proc_parameter_with_a_default_is_bound_by_name() -> None:
    """`{vc 0/100}` is the parameter vc with its default, not two parameters."""
    text = ("#!/usr/bin/expect -f\nproc purge {dev {vc 0/100} args} {\n"
            "  spawn ssh oper@$dev\n  expect \"#\"\n  send \"no pvc $vc\\r\"\n"
            "  foreach x $args { send \"no pvc $x\\r\" }\n}\n"
            "purge atm-kobe-01\npurge atm-kobe-02 0/101 {0/102 extra} 0/103\n")
    sent = sorted({render(x) for e in _effects(text, name="usr/local/sbin/task.exp")
                   if e.kind == "device-command" and e.called for x in e.lines})
    assert sent == ["no pvc 0/100", "no pvc 0/101", "no pvc 0/102 extra", "no pvc 0/103"]


# foreach with several loop variables (`foreach {host vc} $pairs`) or several lists side by
# side (`foreach host $hosts vc $vcs`): each variable takes its own items
PAIRED = {
    "pairs": ("set pairs {atm-kobe-01 0/100 atm-kobe-02 0/101}\n", "{host vc} $pairs"),
    "pairs-literal": ("", '{host vc} {atm-kobe-01 0/100 atm-kobe-02 "0/101"}'),
    "side-by-side": ("set hosts {atm-kobe-01 atm-kobe-02}\nset vcs [list 0/100 0/101]\n",
                     "host $hosts vc $vcs"),
    "three-vars": ("set rows {atm-kobe-01 ATM1/0 0/100 atm-kobe-02 ATM2/0 0/101}\n",
                   "{host ifc vc} $rows"),
}


def _paired(setup: str, loop: str, command: str) -> list:
    text = (f"#!/usr/bin/expect -f\n{setup}foreach {loop} {{\n  spawn ssh oper@$host\n"
            f"  expect \"#\"\n  send \"configure terminal\\r\"\n  send \"{command}\\r\"\n"
            "  send \"end\\r\"\n}\n")
    return [e for e in _effects(text, name="usr/local/sbin/task.exp")
            if e.kind == "device-command"]


@pytest.mark.parametrize("form", PAIRED)
def test_foreach_with_several_variables_binds_each_to_its_own_items(form: str) -> None:
    sent = _paired(*PAIRED[form], "no pvc $vc")
    lines = sorted({render(x) for e in sent for x in e.lines})
    assert "no pvc 0/100" in lines and "no pvc 0/101" in lines, lines
    assert all("not set" not in render(e.target) for e in sent)
    assert {"atm-kobe-01", "atm-kobe-02"} <= set(render(sent[0].target).strip("<>")
                                                 .replace(",", " ").split())


def test_a_host_script_deleting_each_listed_folder_of_a_pair_list_is_destructive() -> None:
    text = ("#!/usr/bin/tclsh\nforeach {dir mode} {/srv/ems/linedata force /tmp/x keep} {\n"
            "  if {$mode eq \"force\"} { exec rm -rf $dir }\n}\n")
    assert _judge(text, name="usr/local/sbin/task.tcl").verdict is Verdict.DESTRUCTIVE


@pytest.mark.parametrize("form", PAIRED)
def test_foreach_with_several_variables_showing_circuits_stays_quiet(form: str) -> None:
    setup, loop = PAIRED[form]
    text = (f"#!/usr/bin/expect -f\n{setup}foreach {loop} {{\n  spawn ssh oper@$host\n"
            "  expect \"#\"\n  send \"show atm vc $vc\\r\"\n  send \"exit\\r\"\n}\n")
    j = _judge(text, name="usr/local/sbin/task.exp")
    assert j.verdict.value != "destructive" and j.severity.value not in ("high", "critical")



def test_a_list_grown_item_by_item_past_a_bound_is_unknown_and_the_rest_is_read() -> None:
    """Each `lappend` adds at most a bounded word, but a program can add it thousands of
    times: environment-modules' modulecmd.tcl (which its profile.d script runs) grew a list
    until the collector held 6 GB. Past a bound the list is an unknown value, memory stays
    small, and what the script does after it is still read."""
    big = "x" * 60_000
    text = (f"#!/usr/bin/tclsh\nset big {big}\n" + "lappend L $big\n" * 2000 +
            "exec rm -rf /srv/ems/linedata\n")
    tracemalloc.start()
    try:
        verdict = _judge(text, name="usr/local/sbin/task.tcl").verdict
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert verdict is Verdict.DESTRUCTIVE
    assert peak < 64 * 2**20, f"{peak:,} bytes"
