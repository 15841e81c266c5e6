"""How a wave-10 job runs its line: interpreters present on an ATM management server, in forms
no earlier corpus uses (tclsh and expect reading here-documents, awk running every line of a
data file, Python 2 idioms, Perl `-x`/`-s`/`-E`/`-0777`, busybox applets, make recipes,
ansible ad hoc and playbooks, SQL clients' shell escapes, jq, `printf %b`), and concealment
(a payload written by an earlier run, a base64 line in a crontab's comments, a command kept in
an environment file).

A carrier returns the body of the case's bash entry script (after its gate) and adds any file
it needs to `files`."""

from __future__ import annotations

import base64
import json
import random
import shlex
from collections.abc import Callable

q = shlex.quote
Files = dict[str, tuple[str, int]]
Carrier = Callable[[str, random.Random, str, Files], str]


def _lib(m: str, rng: random.Random, ext: str) -> str:
    folder = rng.choice(["/opt/ems/lib", "/usr/local/share/ems", "/srv/ems/tools"])
    return f"{folder}/{rng.choice(['helper', 'runner', 'task', 'step'])}-{m}{ext}"


def _tcl_brace(line: str) -> str:
    return "{" + line + "}" if "{" not in line and "}" not in line else \
        '"' + "".join("\\" + c if c in '"[]$\\{}' else c for c in line) + '"'


def plain(line: str, rng: random.Random, m: str, files: Files) -> str:
    return line


def tclsh(line: str, rng: random.Random, m: str, files: Files) -> str:
    return rng.choice([
        f"tclsh <<'TCL'\nset c {_tcl_brace(line)}\nexec /bin/sh -c $c >@ stdout 2>@ stderr\nTCL",
        f"echo {q('exec /bin/sh -c ' + _tcl_brace(line))} | tclsh",
    ])


def expect(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = _lib(m, rng, ".exp")
    if rng.random() < 0.5:
        files[f] = ("#!/usr/bin/expect -f\nset timeout -1\n"
                    f"spawn -noecho /bin/sh -c {_tcl_brace(line)}\nexpect eof\n", 0o755)
        return f"expect -f {f}"
    esc = "".join("\\" + c if c in '"[]$\\' else c for c in line)
    files[f] = ("#!/usr/bin/expect -f\nset timeout 600\nspawn /bin/bash --norc\n"
                f"expect -re {{[$#] $}}\nsend \"{esc}\\r\"\nexpect -re {{[$#] $}}\n"
                "send \"exit\\r\"\nexpect eof\n", 0o755)
    return f"/usr/bin/expect {f} >/dev/null"


def awk_lines(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = _lib(m, rng, ".steps")
    files[f] = (f"{line}\n", 0o644)
    return rng.choice([f"awk '{{ system($0) }}' {f}", f"busybox awk '{{ system($0) }}' < {f}",
                       f"mawk 'NF {{ system($0) }}' {f}"])


def python2(line: str, rng: random.Random, m: str, files: Files) -> str:
    return rng.choice([
        f"python2 -c {q(f'import commands; commands.getoutput({line!r})')}",
        f"python2 -c {q(f'import os; os.popen({line!r}).read()')}",
        f"python -c {q(f'import os; os.popen({line!r}).read()')}",
    ])


def perl_switches(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = _lib(m, rng, ".txt")
    k = rng.randrange(4)
    if k == 0:
        files[f] = (f"EMS nightly notes\nsee the wiki for the runbook\n\n#!/usr/bin/perl\n"
                    f"system({json.dumps(line)});\n__END__\n", 0o644)
        return f"perl -x {f}"
    if k == 1:
        return f"perl -s -e 'system $cmd' -- -cmd={q(line)}"
    if k == 2:
        return f"perl -E {q('qx{' + line + '}')}" if "{" not in line and "}" not in line \
            else f"perl -E {q('qx(' + line + ')')}"
    files[f] = (f"{line}\n", 0o644)
    return f"perl -0777 -ne 'system $_' {f}"


def busybox(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = _lib(m, rng, ".ash")
    k = rng.randrange(3)
    if k == 0:
        return f"busybox sh -c {q(line)}"
    if k == 1:
        files[f] = (f"#!/bin/busybox ash\n{line}\n", 0o755)
        return f"busybox ash {f}"
    return f"printf '%s\\0' {q(line)} | busybox xargs -0 -n1 sh -c"


def make(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = _lib(m, rng, ".mk")
    target = rng.choice(["nightly", "tidy", "sync"])
    files[f] = (f".PHONY: {target}\n{target}:\n\t@{line.replace('$', '$$')}\n", 0o644)
    return rng.choice([f"make -s -f {f} {target}", f"make --no-print-directory -f {f} {target}"])


def ansible(line: str, rng: random.Random, m: str, files: Files) -> str:
    if rng.random() < 0.5:
        return f"ansible localhost -c local -m shell -a {q(line)}"
    f = _lib(m, rng, ".yml")
    files[f] = ("- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n"
                f"    - name: nightly step\n      shell: {json.dumps(line)}\n", 0o644)
    return f"ansible-playbook -i localhost, {f}"


def sql_shell(line: str, rng: random.Random, m: str, files: Files) -> str:
    k = rng.randrange(4)
    if k == 0:
        return f"sqlite3 :memory: {q('.shell ' + line)}"
    if k == 1:
        return f"sqlite3 -cmd {q('.system ' + line)} :memory: .quit"
    if k == 2:
        return f"psql -qAt -d emsdb -c {q(chr(92) + '! ' + line)}"
    return f"mysql -u ems emsdb -e {q('system ' + line)}"


def jq_built(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = _lib(m, rng, ".json")
    if rng.random() < 0.5:
        files[f] = (json.dumps({"name": "nightly", "step": line}) + "\n", 0o644)
        return f"jq -r .step {f} | sh"
    words = shlex.split(line) if not any(c in line for c in "|;&<>$(`") else ["sh", "-c", line]
    files[f] = (json.dumps({"argv": words}) + "\n", 0o644)
    return f"sh -c \"$(jq -r '.argv | map(@sh) | join(\" \")' {f})\""


def printf_b(line: str, rng: random.Random, m: str, files: Files) -> str:
    esc = "".join(f"\\0{ord(c):03o}" for c in line)
    return rng.choice([f"sh -c \"$(printf '%b' '{esc}')\"", f"printf '%b\\n' '{esc}' | sh"])


def earlier_run(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = rng.choice([f"/var/tmp/.ems-{m}", f"/var/lib/ems/.next-{m}.sh"])
    return (f"[ -s {f} ] && sh {f}\nprintf '%s\\n' {q(line)} > {f}")


def crontab_comment(line: str, rng: random.Random, m: str, files: Files) -> str:
    key = rng.choice(["k", "sig", "ref"])
    note = f"/etc/cron.d/ems-notes-{m}"
    files[note] = ("# EMS cron notes, do not edit\n# owner: noc-ops\n"
                   f"# {key}: {base64.b64encode(line.encode()).decode()}\n", 0o644)
    return f"sed -n 's/^# {key}: //p' {note} | base64 -d | sh"


def env_file(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = f"/etc/default/ems-{m}"
    var = rng.choice(["EMS_TIDY", "NIGHTLY_STEP", "SYNC_CMD"])
    files[f] = (f"# EMS nightly settings\nEMS_HOME=/opt/ems\n{var}={q(line)}\n", 0o644)
    return rng.choice([f"set -a; . {f}; set +a\neval \"${var}\"",
                       f"source {f}\nbash -c \"${var}\""])


CARRIERS: dict[str, Carrier] = {
    "plain": plain, "tclsh": tclsh, "expect": expect, "awk-lines": awk_lines,
    "python2": python2, "perl-switches": perl_switches, "busybox": busybox, "make": make,
    "ansible": ansible, "sql-shell": sql_shell, "jq": jq_built, "printf-b": printf_b,
    "earlier-run": earlier_run, "crontab-comment": crontab_comment, "env-file": env_file,
}
# what benign look-alikes use
EVERYDAY = ("plain", "tclsh", "expect", "awk-lines", "python2", "perl-switches", "busybox",
            "make", "ansible", "env-file", "jq")


# --- wave 10b: held out, written after the fixes: other phrasings of the same carriers
def awk_b(line: str, rng: random.Random, m: str, files: Files) -> str:
    f, prog = _lib(m, rng, ".list"), _lib(m, rng, ".awk")
    files[f] = (f"{line}\n", 0o644)
    if rng.random() < 0.5:
        files[prog] = ("NF > 0 { system($0) }\n", 0o644)
        return f"gawk -f {prog} < {f}"
    return f"cat {f} | awk '{{ system($0) }}'"


def perl_b(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = _lib(m, rng, ".txt")
    if rng.random() < 0.5:
        files[f] = (f"{line}\n", 0o644)
        return f"perl -nle 'system($_)' {f}"
    return f"perl -se 'exec $run' -- -run={q(line)}"


def expect_b(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = _lib(m, rng, ".exp")
    esc = "".join("\\" + c if c in '"[]$\\' else c for c in line)
    files[f] = ("set timeout 300\nspawn -noecho /bin/sh\n"
                f"send -- \"{esc}\\n\"\nsend -- \"exit\\n\"\nexpect eof\n", 0o644)
    return f"expect {f}"


def jq_b(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = _lib(m, rng, ".json")
    files[f] = (json.dumps({"job": {"argv": ["sh", "-c", line]}}) + "\n", 0o644)
    return f"eval \"$(jq -r '.job.argv | @sh' {f})\""


def earlier_b(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = f"/var/lib/ems/.queue-{m}"
    return f". {f} 2>/dev/null\ncat > {f} <<'NEXT'\n{line}\nNEXT"


CARRIERS_10B: dict[str, Carrier] = {
    "awk-b": awk_b, "perl-b": perl_b, "expect-b": expect_b, "jq-b": jq_b,
    "earlier-b": earlier_b,
}
