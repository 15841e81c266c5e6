"""Data destroyed without rm: git rewinding or emptying a configuration archive (RANCID's,
Oxidized's) or pushing over its history, permissions or attributes that take line data away
(denial, judged by where the data is), compressing in place and deleting the archive,
redirecting a program that prints nothing, Python files opened for writing and left empty,
Python functions kept as values, Perl's top-level `shift`. Each form was benign; each is judged
by what it does, in several spellings, and its everyday look-alikes stay below high."""

from __future__ import annotations

import pytest

from tests.test_insider_reading_review import _judge

RANCID = "/var/lib/rancid/atm/configs"
OXIDIZED = "/var/lib/oxidized/configs.git"
LINE = "/srv/ems/linedata"
HEAD = {"sh": "#!/bin/sh\n", "py": "#!/usr/bin/python3\n", "pl": "#!/usr/bin/perl\n"}

DESTROYS = {
    # git: the archive's files rewound or emptied, its history pushed over
    "reset to the empty tree": ("sh", f"cd {RANCID} && git reset --hard "
                                      "4b825dc642cb6eb9a060e54bf8d69288fbee4904"),
    "reset -C HEAD~N": ("sh", f"git -C {OXIDIZED} reset -q --hard HEAD~200"),
    "reset to the root commit": ("sh", f"cd {RANCID}\ngit reset --hard "
                                       "$(git rev-list --max-parents=0 HEAD)"),
    "checkout empty tree": ("sh", f"git -C {LINE} checkout 4b825dc642cb -- ."),
    "restore --source": ("sh", f"cd {RANCID} && git restore --source=HEAD~50 ."),
    "push --force": ("sh", f"cd {RANCID} && git checkout -q --orphan x && "
                           "git commit -q --allow-empty -m x && git push --force origin x:master"),
    "push +refspec": ("sh", f"git -C {OXIDIZED} push origin +HEAD:main"),
    "push --mirror": ("sh", f"cd {RANCID}; git push --mirror backup"),
    # denial: the data stays, nothing that reads or updates it can
    "chmod -R 000": ("sh", f"chmod -R 000 {LINE}"),
    "chmod 0": ("sh", "chmod 0 /var/opt/nms/xconnect.tbl"),
    "chmod a-rwx": ("sh", f"chmod -R a-rwx {LINE}"),
    "chmod a-w": ("sh", f"chmod -R a-w {RANCID}"),
    "chattr +i": ("sh", f"chattr -R +i {LINE}"),
    "chattr on a database": ("sh", "chattr +i /var/lib/ems/inventory.db"),
    # compressed in place, then the archive deleted (or compressed onto scratch)
    "gzip then rm": ("sh", f"gzip -f {LINE}/pvc.conf\nrm -f {LINE}/pvc.conf.gz"),
    "gzip -S then rm": ("sh", f"gzip -S .old {LINE}/pvc.csv; rm {LINE}/pvc.csv.old"),
    "xz then mv to tmp": ("sh", "xz -z /var/opt/nms/xconnect.tbl; "
                                "mv /var/opt/nms/xconnect.tbl.xz /tmp/x.xz"),
    "zstd --rm -o tmp": ("sh", f"zstd -q --rm {LINE}/pvc.db -o /tmp/x.zst && rm /tmp/x.zst"),
    "zstd --rm to shm": ("sh", f"zstd --rm {LINE}/pvc.db -o /dev/shm/p.zst"),
    "mv away then rm": ("sh", f"mv {LINE}/pvc.db /srv/other/x.db\nrm -f /srv/other/x.db"),
    # a program that prints nothing, redirected over the data
    "head -0": ("sh", f"cat {LINE}/pvc.conf | head -0 > {LINE}/pvc.conf"),
    "head -n 0": ("sh", f"head -n 0 /etc/hosts > {LINE}/pvc.conf"),
    "tail -c0": ("sh", f"tail -c0 /etc/hosts > {LINE}/pvc.conf"),
    "awk BEGIN": ("sh", f"awk 'BEGIN{{}}' > {LINE}/pvc.conf"),
    "awk BEGIN exit": ("sh", f"awk 'BEGIN {{ exit }}' /etc/hosts >{LINE}/pvc.conf"),
    "awk 0": ("sh", "awk 0 /etc/hosts > /var/opt/nms/xconnect.tbl"),
    "grep -m0": ("sh", f"grep -m0 . /etc/hosts > {LINE}/pvc.conf"),
    "sed d": ("sh", f"sed d /etc/hosts > {LINE}/pvc.conf"),
    "awk | tee": ("sh", "awk 'BEGIN{}' | tee /var/opt/nms/xconnect.tbl"),
    # Python: opened for writing and left empty, pathlib, functions kept as values
    "open alone": ("py", f"open('{LINE}/pvc.conf', 'w')"),
    "open, close": ("py", f"f = open('{LINE}/pvc.conf', 'w')\nf.close()"),
    "open wb, close": ("py", f"p = '{LINE}/pvc.db'\nfh = open(p, mode='wb')\nfh.close()"),
    "open never closed": ("py", f"import os\nout = open(os.path.join('{LINE}', 'pvc.csv'), 'w')"),
    "joinpath write_bytes": ("py", f"from pathlib import Path\n"
                                   f"Path('{LINE}').joinpath('pvc.db').write_bytes(b'')"),
    "rmtree kept as a value": ("py", f"import shutil\nkill = shutil.rmtree\nkill('{LINE}')"),
    "rmtree in a table": ("py", f"import shutil\nops = {{'purge': shutil.rmtree}}\n"
                                f"ops['purge']('{LINE}')"),
    # Perl: shift at the top level takes the program's arguments
    "perl shift of @ARGV": ("pl", "use File::Path qw(rmtree);\nmy $d = shift;\nrmtree($d);"),
    "perl shift, system": ("pl", "my $dir = shift @ARGV;\nsystem(\"rm -rf $dir\");"),
    "perl pop": ("pl", "my $d = pop;\nunlink glob(\"$d/*\");"),
}

ARGS = {"perl shift of @ARGV": LINE, "perl shift, system": LINE, "perl pop": LINE}

KEEPS = {
    "deploy reset to upstream": ("sh", "cd /opt/ems/app && git fetch -q && "
                                       "git reset --hard origin/main"),
    "archive reset to upstream": ("sh", f"git -C {RANCID} reset --hard origin/master"),
    "plain push": ("sh", f"cd {RANCID} && git push -q origin master"),
    "force push of a web site": ("sh", "git -C /srv/www/site push --force origin main"),
    "checkout a branch": ("sh", f"git -C {RANCID} checkout master"),
    "chmod private": ("sh", f"chmod -R go-rwx {LINE}"),
    "chmod 0750": ("sh", f"chmod -R 0750 {LINE}"),
    "chattr on resolv.conf": ("sh", "chattr +i /etc/resolv.conf"),
    "chattr -i": ("sh", f"chattr -R -i {LINE}"),
    "chmod 000 scratch": ("sh", "chmod 000 /var/tmp/ems/lock"),
    "gzip -k": ("sh", f"gzip -k {LINE}/pvc.csv"),
    "zstd to backups": ("sh", f"zstd -19 {LINE}/pvc.db -o /var/backups/pvc.zst"),
    "gzip old logs": ("sh", "gzip /var/log/ems/app.log.1\n"
                            "find /var/log/ems -name '*.gz' -mtime +30 -delete"),
    "head -n 10": ("sh", f"head -n 10 {LINE}/pvc.conf > /var/tmp/ems/sample.txt"),
    "head -0 to scratch": ("sh", "head -n 0 /etc/hosts > /var/tmp/ems/empty.txt"),
    "awk that prints": ("sh", f"awk 'BEGIN{{FS=\",\"}} {{print $1}}' {LINE}/pvc.csv "
                              "> /var/tmp/ems/ids.txt"),
    "python writes": ("py", f"f = open('{LINE}/pvc.csv', 'w')\nf.write(rows)\nf.close()"),
    "python json.dump": ("py", f"import json\nf = open('{LINE}/pvc.json', 'w')\n"
                               "json.dump(rows, f)\nf.close()"),
    "python print file=": ("py", f"out = open('{LINE}/pvc.csv', 'w')\n"
                                 "for r in rows:\n    print(r, file=out)\nout.close()"),
    "python stdout redirect": ("py", f"import sys\nsys.stdout = open('{LINE}/report.txt', 'w')\n"
                                     "print('ok')"),
    "python handed on": ("py", f"import csv\nfh = open('{LINE}/pvc.csv', 'w')\n"
                               "w = csv.writer(fh)\nw.writerows(rows)"),
    "python lock file": ("py", "import fcntl\nlock = open('/run/ems/poll.lock', 'w')\n"
                               "fcntl.flock(lock, fcntl.LOCK_EX)"),
}


def _run(lang: str, body: str, args: str = ""):
    name = f"opt/ems/bin/job.{lang}"
    return _judge({name: HEAD[lang] + body + "\n"}, "/" + name + (" " + args if args else ""))


@pytest.mark.parametrize("name", sorted(DESTROYS))
def test_data_destroyed_without_rm_is_destructive(name: str) -> None:
    j = _run(*DESTROYS[name], ARGS.get(name, ""))
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert j.severity in ("high", "critical")


@pytest.mark.parametrize("name", sorted(KEEPS))
def test_everyday_look_alikes_stay_below_high(name: str) -> None:
    j = _run(*KEEPS[name])
    assert j.verdict != "destructive" and j.severity not in ("high", "critical"), \
        [r.title for r in j.reasons]


def test_a_forced_push_names_the_archive_and_the_remote() -> None:
    j = _run("sh", f"git -C {RANCID} push -f backup HEAD:master")
    assert any("history rewrite" in r.title and RANCID in r.title for r in j.reasons), \
        [r.title for r in j.reasons]


def test_denial_is_judged_by_scope_not_as_deletion() -> None:
    j = _run("sh", f"chmod -R 000 {LINE}")
    assert [r.rule for r in j.reasons] == ["lg.host.deny-data"]
    assert "deny" in j.reasons[0].title


def test_the_deleted_archive_is_reported_as_the_file_it_replaced() -> None:
    j = _run("sh", f"bzip2 {LINE}/pvc.csv && rm /var/tmp/keep/other.bz2 {LINE}/pvc.csv.bz2")
    assert any(f"delete {LINE}/pvc.csv " in r.title + " " or r.title.endswith(f"{LINE}/pvc.csv")
               for r in j.reasons), [r.title for r in j.reasons]
