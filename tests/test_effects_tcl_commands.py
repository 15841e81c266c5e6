"""Tcl commands an expect script destroys or builds commands with: `file delete`, a script
run later by `after`, text built by `subst` and `string map` (checked against tclsh itself),
and a file of commands read line by line with `gets` and sent to a device. Each was benign."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.test_insider_reading_review import _judge

LINE_DATA = "/srv/ems/linedata"
CMDS = "configure terminal\ninterface ATM0/0\nno pvc 0/100\nend\n"


def _expect(body: str, extra: dict[str, str] | None = None):
    files = {"opt/ems/bin/maint.exp": "#!/usr/bin/expect -f\n" + body, **(extra or {})}
    return _judge(files, "/opt/ems/bin/maint.exp")


DESTRUCTIVE = {
    "file delete -force": f"file delete -force {LINE_DATA}\n",
    "file delete --": f"set d {LINE_DATA}/pvc.db\nfile delete -- $d\n",
    "after": f"after 7776000000 {{ exec rm -rf {LINE_DATA} }}\nvwait forever\n",
    "subst": "set v 100\nset c [subst {no pvc 0/$v}]\nspawn ssh admin@atm1\nsend \"$c\\r\"\n",
    "string map": "set c [string map {X pvc Y 0/100} {no X Y}]\nspawn ssh admin@atm1\n"
                  "send \"$c\\r\"\n",
    "gets lines": "set f [open /opt/ems/etc/cmds.txt]\nspawn ssh admin@atm1\n"
                  "while {[gets $f l] >= 0} { send \"$l\\r\" }\n",
    "exec {*}[glob]": f"exec rm -rf {{*}}[glob {LINE_DATA}/*]\n",
    "glob -directory": f"file delete -force {{*}}[glob -nocomplain -directory {LINE_DATA} *.db]\n",
    "glob -types": f"exec rm -f {{*}}[glob -types f -- {LINE_DATA}/*.csv]\n",
}


@pytest.mark.parametrize("name", sorted(DESTRUCTIVE))
def test_a_tcl_deletion_or_built_command_is_destructive(name):
    j = _expect(DESTRUCTIVE[name], {"opt/ems/etc/cmds.txt": CMDS})
    assert j.verdict == "destructive", [r.title for r in j.reasons]


BENIGN = {
    "scratch delete": "file delete -force /var/tmp/ems/session.log\n",
    "plain wait": "after 1000\nspawn ssh admin@atm1\nsend \"show atm vc\\r\"\n",
    "show commands": "set f [open /opt/ems/etc/show.txt]\nspawn ssh admin@atm1\n"
                     "while {[gets $f l] >= 0} { send \"$l\\r\" }\n",
    "scratch glob": "exec rm -f {*}[glob -nocomplain /var/tmp/ems/*.tmp]\n",
    "listing a glob": "foreach f [glob /var/log/ems/*.log] { puts $f }\n",
}


@pytest.mark.parametrize("name", sorted(BENIGN))
def test_harmless_tcl_is_not_high(name):
    j = _expect(BENIGN[name], {"opt/ems/etc/show.txt": "show atm vc\nshow version\n"})
    assert j.verdict != "destructive" and j.severity not in ("high", "critical"), \
        [r.title for r in j.reasons]


MAPS = [("{X pvc Y 0/100}", "no X Y"), ("{ab 1 a 2}", "aab ba"), ("{a b b a}", "abba"),
        ("{pvc pvc0}", "no pvc pvc")]


@pytest.mark.skipif(shutil.which("tclsh") is None, reason="tclsh not installed")
@pytest.mark.parametrize(("pairs", "text"), MAPS)
def test_string_map_reads_as_tclsh_maps(pairs, text):
    from lineguard.collector.analyse.effects.expect import _Tcl
    from lineguard.collector.analyse.effects.resolve import Job, Place
    want = subprocess.run(["tclsh"], input=f"puts [string map {pairs} {{{text}}}]\n",
                          capture_output=True, text=True, check=True, timeout=60).stdout.strip()
    tcl = _Tcl(Job({}), Place(path="x.exp"), {})
    got = tcl.command(["string", "map", pairs, "{" + text + "}"], Place(path="x.exp"), 1,
                      want_value=True)
    assert got == want
