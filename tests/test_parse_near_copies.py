"""A text that is a near-copy of one parsed before (a packaged script with a line added, changed
or removed: what a planted line makes of a script, and the site-edited copies a fleet holds) is
parsed incrementally from the earlier tree (bounds.Trees). The tree must be the one a parse from
scratch gives, for shell and Perl alike, or a job's reading would depend on which jobs were read
before it; a copy whose edit leaves a parse error is parsed from scratch."""

from __future__ import annotations

import random

import pytest
from tree_sitter import Node, Tree

from lineguard.collector.analyse.destructive import judge
from lineguard.collector.analyse.effects import perl, shell
from lineguard.collector.analyse.effects.bounds import Trees
from lineguard.collector.analyse.effects.judge import clear_cache
from tests.test_rules import NOW, _fire, _script_job

SHELL = "".join(
    f"""
backup_{i}() {{
    # keep {i + 3} days of archives of the line data export
    dest="/var/backups/ems/{i}"
    mkdir -p "$dest" || return 1
    tar -czf "$dest/linedata-$(date +%Y%m%d).tgz" -C /srv/ems linedata 2>>"$LOG"
    find "$dest" -name 'linedata-*.tgz' -mtime +{i + 3} -delete
    case "$1" in
        verbose) echo "backup {i} done: $(ls "$dest" | wc -l) archives" ;;
        *) : ;;
    esac
}}
""" for i in range(12)) + "\n".join(f"backup_{i} \"$@\"" for i in range(12)) + "\n"
SHELL = "#!/bin/sh\nset -e\nLOG=/var/log/ems-backup.log\n" + SHELL

PERL = "#!/usr/bin/perl\nuse strict;\nuse warnings;\n" + "".join(
    f"""
sub poll_{i} {{
    my ($host, @oids) = @_;
    my %seen = ();
    foreach my $oid (@oids) {{
        my $v = `snmpget -v2c -c public $host $oid`;
        chomp $v;
        $seen{{$oid}} = $v if length $v;
    }}
    open(my $fh, '>>', "/var/log/ems/poll-{i}.log") or die "cannot log: $!";
    print $fh join(",", map {{ "$_=$seen{{$_}}" }} sort keys %seen), "\\n";
    close($fh);
    return scalar keys %seen;
}}
""" for i in range(12)) + "".join(f"poll_{i}('atm-kobe-0{i % 4}', '1.3.6.1.2.1.1.3.0');\n"
                                  for i in range(12))

EDITS = {"shell": ("rm -rf /srv/ems/linedata", 'echo "$HOME" >/dev/null', "sleep 5"),
         "perl": ("unlink glob('/srv/ems/linedata/*');", "my $x = 1;", "sleep(5);")}


def _shape(tree: Tree) -> list[tuple[str, int, int]]:
    out, stack = [], [tree.root_node]
    while stack:
        n: Node = stack.pop()
        out.append((n.type, n.start_byte, n.end_byte))
        stack.extend(n.children)
    return out


def _near_copies(text: str, language: str, seed: int) -> list[str]:
    """The text with one line inserted, one removed, one changed: at random lines."""
    rng = random.Random(seed)
    lines = text.split("\n")
    out = []
    for _ in range(8):
        at = rng.randrange(1, len(lines) - 1)
        line = rng.choice(EDITS[language])
        out.append("\n".join(lines[:at] + [line] + lines[at:]))
        out.append("\n".join(lines[:at] + lines[at + 1:]))
        out.append("\n".join(lines[:at] + [lines[at].replace("e", "a", 1)] + lines[at + 1:]))
    return out


@pytest.mark.parametrize(("language", "text"), [("shell", SHELL), ("perl", PERL)])
def test_a_near_copy_parses_to_the_tree_a_parse_from_scratch_gives(language: str, text: str):
    parser = (shell._parser if language == "shell" else perl._parser)
    trees = Trees(parser, 64)
    trees.parse(text.encode())
    copies = _near_copies(text, language, seed=len(text))
    for copy in copies:
        src = copy.encode()
        assert _shape(trees.parse(src)) == _shape(parser().parse(src)), copy
    # most copies were parsed from the earlier trees (a clean edit), the rest from scratch
    assert trees.edited >= len(copies) // 2


def test_a_copy_whose_edit_breaks_the_parse_is_parsed_from_scratch():
    trees = Trees(shell._parser, 64)
    trees.parse(SHELL.encode())
    broken = SHELL.replace("esac", "esca", 1).encode()    # an unclosed case
    tree = trees.parse(broken)
    assert tree.root_node.has_error
    assert trees.edited == 0
    assert _shape(tree) == _shape(shell._parser().parse(broken))


@pytest.mark.parametrize("language", ["shell", "perl"])
def test_a_planted_copy_is_judged_the_same_after_its_original_as_on_its_own(language: str):
    """What a job is judged to do does not depend on the jobs judged before it."""
    text = SHELL if language == "shell" else PERL
    lines = text.split("\n")
    planted = "\n".join(lines[:40] + [EDITS[language][0]] + lines[40:])
    verdicts = []
    for before in ((), (text,)):
        clear_cache()
        for t in before:
            job, files = _script_job(t)
            judge(job, files, _fire(), NOW)
        job, files = _script_job(planted)
        j = judge(job, files, _fire(), NOW)
        verdicts.append((j.verdict, j.severity, sorted((r.rule, r.line or 0, r.evidence) for r in j.reasons)))
    assert verdicts[0] == verdicts[1]
    assert verdicts[0][0] == "destructive"
