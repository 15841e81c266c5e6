"""A file a job's tool reads (a logrotate or tmpfiles configuration, an SQL script, a session
curl uploads to a device) named only where a reader sees it — a decoded payload, escapes
expanded at run time, a value split by IFS or trimmed of padding, an exec'd Python program —
is captured by the agent and judged for what it holds, on real host roots end to end. A value a
job only reads (a password file) stays on the host. And the Python reader follows a command
line cut by shlex.split and a comprehension over an open file's lines."""

from __future__ import annotations

import base64
import codecs
import itertools
import shlex
import zlib
from pathlib import Path

import pytest

from lineguard.agent.sources.host import collect
from lineguard.collector.model import Verdict
from tests.hostroot import write
from tests.test_dropin_evidence import _judged
from tests.test_effects import _effects, _judge

SCRIPT = "opt/ems/bin/nightly.sh"
CRON = "17 3 * * * root /bin/bash /" + SCRIPT + "\n"

# tool -> (command naming FILE, FILE's destructive content, a benign content of the same file)
TOOLS = {
    "logrotate": ("logrotate -f -s /dev/null {f}",
                  "/srv/ems/linedata/*.dat {{\n    rotate 0\n    nocreate\n    size 1\n}}\n",
                  "/var/log/ems/*.log {{\n    weekly\n    rotate 7\n    compress\n}}\n"),
    "sqlite3": ("sqlite3 /var/lib/ems/ne.db '.read {f}'", "DROP TABLE IF EXISTS pvc;\n",
                "SELECT count(*) FROM pvc;\n"),
    "tmpfiles": ("systemd-tmpfiles --remove {f}", "R /srv/ems/linedata\n",
                 "d /run/ems 0755 ems ems -\n"),
    "curl-telnet": ("curl -s --max-time 60 telnet://10.40.0.10:23 -T {f}",
                    "oper\nconfigure terminal\ninterface ATM1/0\nno pvc 1/100\nend\n"
                    "write memory\n",
                    "oper\nshow atm pvc\nshow interfaces ATM1/0\nexit\n"),
}
FILE = "/opt/ems/share/step.in"


def _hex_escaped(text: str) -> str:
    return "".join(f"\\x{ord(ch):02x}" for ch in text)


def _octal_escaped(text: str) -> str:
    return "".join(f"\\{ord(ch):03o}" for ch in text)


def _bits(text: str) -> str:
    return "".join(f"{b:08b}" for b in text.encode())


# technique -> the shell lines that run `cmd` without writing it (or the file it names) whole
HIDERS = {
    "base64-pipe": lambda cmd: f"echo {base64.b64encode(cmd.encode()).decode()} | base64 -d | sh",
    "basenc-base2": lambda cmd: f"basenc --base2msbf -d <<<{_bits(cmd)} | bash",
    "xxd-hex": lambda cmd: f"xxd -r -p <<<{cmd.encode().hex()} | sh",
    "reversed": lambda cmd: f"echo {shlex.quote(cmd[::-1])} | rev | sh",
    "escape-expansion": lambda cmd: f"c='{_hex_escaped(cmd)}'\neval \"${{c@E}}\"",
    "ansi-c-octal": lambda cmd: f"eval $'{_octal_escaped(cmd)}'",
    "ifs-split": lambda cmd: f"set -f\nIFS='^'\nc={shlex.quote('sh^-c^' + cmd)}\n$c",
    "trimmed-padding": lambda cmd: (f"c={shlex.quote('zqjq' + cmd + 'qjqz')}\nc=${{c#zqjq}}\n"
                                    f"c=${{c%qjqz}}\neval \"$c\""),
}


def _root(tmp_path: Path, script: str, content: str, command: str = CRON) -> Path:
    root = tmp_path / "r"
    write(root, "etc/cron.d/ems-nightly", command)
    write(root, SCRIPT, f"#!/bin/bash\n# EMS maintenance\n{script}\n", 0o755)
    write(root, FILE, content)
    return root


def _verdict(root: Path) -> tuple[Verdict, str, list[str]]:
    judged = _judged(root)
    hits = [v for j, v in judged if "ems-nightly" in (j.origin_path or "")]
    assert len(hits) == 1, [j.origin_path for j, _v in judged]
    return hits[0].verdict, hits[0].severity.value, [r.title for r in hits[0].reasons]


def _captured(root: Path) -> set[str]:
    target, _facts = collect(root)
    return {a.name for a in target.artifacts}


@pytest.mark.parametrize("hider,tool", list(itertools.product(HIDERS, TOOLS))[::2]
                         + list(itertools.product(HIDERS, TOOLS))[1::5])
def test_a_file_named_only_in_a_hidden_command_line_is_captured_and_judged(
        tmp_path: Path, hider: str, tool: str) -> None:
    command, bad, _good = TOOLS[tool]
    root = _root(tmp_path, HIDERS[hider](command.format(f=FILE)), bad.format())
    assert FILE.lstrip("/") in _captured(root)
    verdict, _severity, titles = _verdict(root)
    assert verdict is Verdict.DESTRUCTIVE, titles


@pytest.mark.parametrize("hider,tool", list(itertools.product(HIDERS, TOOLS))[1::2])
def test_the_same_hiding_in_front_of_a_harmless_file_is_no_false_alarm(
        tmp_path: Path, hider: str, tool: str) -> None:
    """Judged, not guessed: the file is captured, and what it holds is harmless (the
    concealment alone may make the job suspicious, never destructive or high)."""
    command, _bad, good = TOOLS[tool]
    root = _root(tmp_path, HIDERS[hider](command.format(f=FILE)), good.format())
    assert FILE.lstrip("/") in _captured(root)
    verdict, severity, titles = _verdict(root)
    assert verdict is not Verdict.DESTRUCTIVE and severity not in ("high", "critical"), titles


EXEC_LAYERS = {
    "base64": lambda code: f"exec(base64.b64decode({base64.b64encode(code).decode()!r}))",
    "zlib": lambda code: "exec(zlib.decompress(base64.b64decode("
                         f"{base64.b64encode(zlib.compress(code)).decode()!r})))",
    "rot13-base64": lambda code: "exec(base64.b64decode(codecs.decode("
                                 f"{codecs.encode(base64.b64encode(code).decode(), 'rot13')!r}, "
                                 "'rot13')))",
}
PY_JOB = "opt/ems/bin/nightly.py"


@pytest.mark.parametrize("layer", EXEC_LAYERS)
def test_an_execd_python_program_has_its_inputs_captured_but_not_the_secrets_it_reads(
        tmp_path: Path, layer: str) -> None:
    code = ("import shlex, subprocess\n"
            "PW = open('/opt/ems/etc/.pw').read().strip()\n"
            "HOSTS = [ln.split()[0] for ln in open('/opt/ems/etc/ne-kobe.list') if ln.strip()]\n"
            "for h in HOSTS:\n"
            f"    subprocess.run(shlex.split('logrotate -f {FILE}'), check=False)\n").encode()
    root = tmp_path / "r"
    write(root, "etc/cron.d/ems-nightly", f"17 3 * * * root python3 /{PY_JOB}\n")
    write(root, PY_JOB, "#!/usr/bin/env python3\nimport base64, codecs, zlib\n"
          + EXEC_LAYERS[layer](code) + "\n", 0o755)
    write(root, FILE, TOOLS["logrotate"][1].format())
    write(root, "opt/ems/etc/.pw", "s3cret-do-not-ship\n", 0o600)
    write(root, "opt/ems/etc/ne-kobe.list", "atm-kobe-01\natm-kobe-02\n")
    captured = _captured(root)
    assert {FILE.lstrip("/"), "opt/ems/etc/ne-kobe.list"} <= captured
    assert "opt/ems/etc/.pw" not in captured
    verdict, _severity, titles = _verdict(root)
    assert verdict is Verdict.DESTRUCTIVE, titles


# --- Python: shlex.split and comprehensions over an open file --------------------------------

NE_LIST = "opt/ems/etc/ne.list"
LISTS = ["[ln.strip() for ln in open('/opt/ems/etc/ne.list') if ln.strip()]",
         "[ln.split()[0] for ln in open('/opt/ems/etc/ne.list') if not ln.startswith('#')]",
         "{ln.strip() for ln in open('/opt/ems/etc/ne.list')}"]
SPLITS = ["subprocess.run(shlex.split(f'{prog} -v2c -c x {{h}} {args}'), check=False)",
          "subprocess.call(shlex.split('{prog} -v2c -c x {{}} {args}'.format(h)))",
          "subprocess.check_call(shlex.split('{prog} -v2c -c x ' + h + ' {args}'))"]
ROW_STATUS = "1.3.6.1.2.1.37.1.7.1.13.1.0.100"      # atmVclRowStatus.1.0.100


@pytest.mark.parametrize("hosts,call", list(itertools.product(LISTS, SPLITS)))
def test_a_set_cut_by_shlex_split_for_each_listed_device_is_destructive(hosts, call):
    text = (f"import shlex, subprocess\nHOSTS = {hosts}\nfor h in HOSTS:\n"
            f"    {call.format(prog='snmpset', args=ROW_STATUS + ' i 6')}\n")
    listed = {NE_LIST: "# NEs\natm-kobe-01\natm-kobe-02\n"}
    sets = [e for e in _effects(text, name="opt/ems/bin/t.py", extra=listed)
            if e.kind == "snmp-set"]
    assert sets and sets[0].obj == "atmVclRowStatus" and "destroy" in sets[0].value
    assert sets[0].reach == "all"
    j = _judge(text, name="opt/ems/bin/t.py", extra=listed)
    assert j.verdict is Verdict.DESTRUCTIVE, j.reasons


@pytest.mark.parametrize("call", SPLITS)
def test_a_read_cut_by_shlex_split_stays_quiet(call):
    text = (f"import shlex, subprocess\nHOSTS = {LISTS[0]}\nfor h in HOSTS:\n"
            f"    {call.format(prog='snmpget', args=ROW_STATUS)}\n")
    j = _judge(text, name="opt/ems/bin/t.py", extra={NE_LIST: "atm-kobe-01\natm-kobe-02\n"})
    assert j.verdict is not Verdict.DESTRUCTIVE and j.severity.value not in ("high", "critical")
