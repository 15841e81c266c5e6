"""A reader's own limits cannot hide a deletion. Calls nested past a reader's depth (shell
functions, Python functions, Perl subs) and Tcl bodies nested past its depth were dropped
quietly (benign); shell functions calling each other twice per level multiplied their effects
by two at every level. Now: what a limit cuts is said (`lg.conceal.reading-limit`, high) or,
for Tcl, read later from the top; the same shapes around harmless commands stay quiet;
functions that call themselves are not a limit; nested calls cost effects linear in depth."""

from __future__ import annotations

import pytest

from lineguard.collector.analyse.effects import perl, python, shell
from tests.test_insider_reading_review import _judge

LINE = "/srv/ems/linedata"
HEAD = {"sh": "#!/bin/bash\n", "exp": "#!/usr/bin/expect -f\n", "py": "#!/usr/bin/python3\n",
        "pl": "#!/usr/bin/perl\n"}


def _run(lang: str, body: str):
    name = f"opt/ems/bin/deep.{lang}"
    return _judge({name: HEAD[lang] + body + "\n"}, "/" + name)


def _tcl_if(n: int, inner: str) -> str:
    return "if {1} {\n" * n + inner + "\n" + "}\n" * n


def _tcl_foreach(n: int, inner: str) -> str:
    return "".join(f"foreach x{i} {{a}} {{\n" for i in range(n)) + inner + "\n" + "}\n" * n


def _tcl_procs(n: int, inner: str) -> str:
    return "".join(f"proc p{i} {{d}} {{ p{i + 1} $d; p{i + 1} $d }}\n" for i in range(n)) + \
        f"proc p{n} {{d}} {{ {inner} }}\np0 {LINE}\n"


def _sh_functions(n: int, inner: str) -> str:
    return "".join(f"f{i}() {{ f{i + 1} \"$1\"; f{i + 1} \"$1\"; }}\n" for i in range(n)) + \
        f"f{n}() {{ {inner}; }}\nf0 {LINE}\n"


def _py_functions(n: int, inner: str) -> str:
    return "import shutil, os\n" + "".join(
        f"def f{i}(p):\n    f{i + 1}(p)\n    f{i + 1}(p)\n" for i in range(n)) + \
        f"def f{n}(p):\n    {inner}\nf0('{LINE}')\n"


def _pl_subs(n: int, inner: str) -> str:
    return "".join(f"sub f{i} {{ f{i + 1}(@_); f{i + 1}(@_); }}\n" for i in range(n)) + \
        f"sub f{n} {{ {inner} }}\nf0('{LINE}');\n"


FORMS = {
    # (language, builder, the deletion, a harmless statement in its place)
    "tcl if": ("exp", _tcl_if, f"exec rm -rf {LINE}", "puts ok"),
    "tcl foreach": ("exp", _tcl_foreach, f"file delete -force {LINE}", "puts ok"),
    "tcl procs": ("exp", _tcl_procs, "exec rm -rf $d", "puts $d"),
    "shell functions": ("sh", _sh_functions, 'rm -rf "$1"', 'ls -l "$1"'),
    "python functions": ("py", _py_functions, "shutil.rmtree(p)", "os.listdir(p)"),
    "perl subs": ("pl", _pl_subs, "system('rm', '-rf', $_[0]);", "print $_[0];"),
}
DEPTHS = (8, 13, 20, 40)


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_deletion_nested_past_a_reading_limit_is_never_benign(form: str, depth: int) -> None:
    lang, build, deletion, _ = FORMS[form]
    j = _run(lang, build(depth, deletion))
    rules = {r.rule for r in j.reasons}
    assert j.verdict != "benign" and j.severity in ("high", "critical"), \
        [r.title for r in j.reasons]
    # found, or said to be cut by a limit (which stays high whatever lowers a job)
    assert any(r.startswith("lg.host.rm-") for r in rules) or \
        "lg.conceal.reading-limit" in rules, rules


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("form", sorted(FORMS))
def test_the_same_nesting_around_harmless_commands_stays_below_high(form: str,
                                                                    depth: int) -> None:
    lang, build, _, harmless = FORMS[form]
    j = _run(lang, build(min(depth, python.MAX_CALL_DEPTH - 2), harmless))
    assert j.verdict != "destructive" and j.severity not in ("high", "critical"), \
        [r.title for r in j.reasons]


@pytest.mark.parametrize("form", ["tcl if", "tcl foreach", "tcl procs"])
def test_tcl_reads_what_is_nested_past_its_depth_instead_of_dropping_it(form: str) -> None:
    lang, build, deletion, _ = FORMS[form]
    j = _run(lang, build(40, deletion))
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any(LINE in r.title for r in j.reasons)


@pytest.mark.parametrize("lang,limit", [("sh", shell.MAX_CALL_DEPTH),
                                        ("py", python.MAX_CALL_DEPTH),
                                        ("pl", perl._MAX_DEPTH)])
def test_a_call_chain_past_the_depth_is_said_with_its_limit(lang: str, limit: int) -> None:
    build, deletion = {"sh": (_sh_functions, 'rm -rf "$1"'),
                       "py": (_py_functions, "shutil.rmtree(p)"),
                       "pl": (_pl_subs, "system('rm', '-rf', $_[0]);")}[lang]
    j = _run(lang, build(limit + 4, deletion))
    cut = [r for r in j.reasons if r.rule == "lg.conceal.reading-limit"]
    assert cut and f"more than {limit} deep" in cut[0].title, [r.title for r in j.reasons]


@pytest.mark.parametrize("lang,body", [
    ("py", "def walk(d, n):\n    if n:\n        walk(d + '/x', n - 1)\n    print(d)\n"
           "walk('/srv/ems', 40)\n"),
    ("sh", "walk() { [ \"$2\" -gt 0 ] && walk \"$1/x\" $(( $2 - 1 )); ls \"$1\"; }\n"
           "walk /srv/ems 40\n"),
    ("pl", "sub walk { my ($d, $n) = @_; walk(\"$d/x\", $n - 1) if $n; print $d; }\n"
           "walk('/srv/ems', 40);\n"),
    ("exp", "proc walk {d n} { if {$n > 0} { walk $d/x [expr {$n - 1}] }; puts $d }\n"
            "walk /srv/ems 40\n"),
])
def test_a_function_that_calls_itself_is_not_a_reading_limit(lang: str, body: str) -> None:
    j = _run(lang, body)
    assert j.verdict == "benign", [r.title for r in j.reasons]


@pytest.mark.parametrize("depth", [6, 10, 14])
def test_shell_calls_nested_twice_per_level_report_effects_linear_in_depth(depth: int) -> None:
    j = _run("sh", _sh_functions(depth, 'rm -rf "$1"'))
    deletions = [r for r in j.reasons if r.rule == "lg.host.rm-linedata"]
    # the deletion itself and one call site per level: not 2^depth copies
    assert 1 <= len(deletions) <= depth + 2, len(deletions)


_PADDING = [f"/var/tmp/ems/c{i}/x" for i in range(600)]
LONG_LISTS = {
    "sh for": ("sh", "for d in " + " ".join(_PADDING) + f" {LINE}; do rm -rf \"$d\"; done"),
    "python for": ("py", "import shutil\nfor d in [" + ", ".join(map(repr, _PADDING)) +
                   f", '{LINE}']:\n    shutil.rmtree(d)"),
    "python map": ("py", "import os\nlist(map(os.remove, [" + ", ".join(map(repr, _PADDING)) +
                   f", '{LINE}/pvc.db']))"),
    "tcl foreach": ("exp", "foreach d {" + " ".join(_PADDING) + f" {LINE}}} "
                    "{ file delete -force $d }"),
    "perl for": ("pl", "use File::Path qw(rmtree);\nfor my $d (" +
                 ", ".join(f"'{p}'" for p in _PADDING) + f", '{LINE}') {{ rmtree($d); }}"),
}


@pytest.mark.parametrize("name", sorted(LONG_LISTS))
def test_a_deletion_hidden_past_the_items_judged_one_by_one_is_never_benign(name: str) -> None:
    """600 scratch paths in 600 folders, then the line data: past the values judged one by
    one the rest was one unknown value, and the job was benign."""
    j = _run(*LONG_LISTS[name])
    assert j.verdict != "benign" and j.severity in ("high", "critical"), \
        [r.title for r in j.reasons]


@pytest.mark.parametrize("lines", [12_000, 25_000])      # past the old decoder limit; the reader's
@pytest.mark.parametrize("layers", ["base64", "gzip"])
def test_a_decoded_payload_past_the_decoder_limit_is_never_quietly_shorter(layers: str,
                                                                            lines: int) -> None:
    """A payload larger than a decoder yields was cut there, and the deletion at its end
    dropped (only "undoes base64", medium): what is cut now reaches the reader's limit."""
    import base64
    import gzip

    from lineguard.collector.analyse.effects import decode, resolve
    assert decode.MAX_OUTPUT > resolve.MAX_TEXT
    payload = ("echo " + "x" * 100 + "\n") * lines + f"rm -rf {LINE}\n"
    data = payload.encode() if layers == "base64" else gzip.compress(payload.encode())
    undo = "base64 -d" if layers == "base64" else "base64 -d | gunzip"
    j = _run("sh", f"echo {base64.b64encode(data).decode()} | {undo} | sh")
    assert j.verdict != "benign" and j.severity in ("high", "critical"), \
        [r.title for r in j.reasons]
