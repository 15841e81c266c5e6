"""Root causes the wave-7 red team found (tests/redteam_wave7), each a mechanism with its quiet
look-alike: code that is each value of a loop (lines of a file read into an array, a literal
list) run per value, command_not_found_handle, PROMPT_COMMAND of an interactive shell, the
start-up file BASH_ENV/ENV names (followed by the agent too), versioned interpreters lineguard
does not parse, jq joining its named arguments into a command line for a shell, make's
`$(shell …)` and `define` blocks, importlib reached through an alias, NETCONF
load_configuration, pickles whose loading calls a program, and a module path that names no
change ticket."""

from __future__ import annotations

import base64
import pickle
import shlex
from datetime import timedelta

import pytest

from lineguard.collector.analyse.effects.judge import judge
from lineguard.collector.analyse.effects.model import change_ref_in
from lineguard.collector.model import CronTrigger, Fire, Job
from lineguard.formats.follow import referenced_paths
from lineguard.formats.wire import Artifact
from tests.ruleexamples import NOW

ROW = "snmpset -v2c -c private atm9 1.3.6.1.2.1.37.1.6.1.8.6.144 i 6"
GET = "snmpget -v2c -c public atm9 1.3.6.1.2.1.37.1.6.1.8.6.144"


def _judged(text: str, extra: dict[str, str] | None = None) -> tuple[str, str]:
    files = {"usr/local/sbin/task": Artifact.from_bytes("usr/local/sbin/task", "script",
                                                        text.encode())}
    for n, t in (extra or {}).items():
        files[n] = Artifact.from_bytes(n, "script", t.encode())
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/task", origin_line=1,
              owner="root", schedule="0 3 * * *", command="/usr/local/sbin/task",
              trigger=CronTrigger("0 3 * * *"), files=tuple(files))
    j = judge(job, files, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW)
    return j.verdict.value, j.severity.value


def _shell_forms(line: str) -> list[tuple[str, dict[str, str]]]:
    return [
        ("mapfile -t steps < /opt/ems/l.lst\nfor s in \"${steps[@]}\"; do eval \"$s\"; done\n",
         {"opt/ems/l.lst": f"logger -t ems start\n{line}\n"}),
        (f"for s in 'logger -t ems start' '{line}'; do eval \"$s\"; done\n", {}),
        (f"command_not_found_handle() {{\n  {line}\n}}\nems-resync-now\n", {}),
        (f"PROMPT_COMMAND='{line}' bash --norc --noprofile -i </dev/null\n", {}),
        ("BASH_ENV=/opt/ems/p.sh bash -c :\n", {"opt/ems/p.sh": f"export A=1\n{line}\n"}),
    ]


@pytest.mark.parametrize("k", range(5))
def test_shell_code_run_by_loops_handlers_and_interactive_shells_is_judged(k: int) -> None:
    text, extra = _shell_forms(ROW)[k]
    assert _judged(text, extra)[0] == "destructive"
    quiet, extra = _shell_forms(GET)[k]
    assert _judged(quiet, extra)[0] == "benign"


def test_the_agent_follows_the_startup_file_and_prompt_command_a_job_names() -> None:
    assert "/opt/ems/p.sh" in referenced_paths("BASH_ENV=/opt/ems/p.sh bash -c :")
    assert "/opt/ems/p.sh" in referenced_paths("ENV=/opt/ems/p.sh sh -i")
    assert "/opt/ems/run.sh" in referenced_paths("PROMPT_COMMAND='/opt/ems/run.sh' bash -i")


@pytest.mark.parametrize("command", ["lua5.4 /opt/ems/x.lua", "php8.2 -f /opt/ems/x.php",
                                     "php -f /opt/ems/x.php"])
def test_a_versioned_interpreter_lineguard_does_not_parse_is_read_as_its_language(
        command: str) -> None:
    path = command.split()[-1]
    body = f"os.execute(\"{ROW}\")\n" if path.endswith(".lua") else \
        f"<?php\nshell_exec(\"{ROW}\");\n"
    verdict, _ = _judged(f"{command}\n", {path.lstrip("/"): body})
    assert verdict == "destructive"
    verdict, _ = _judged(f"{command}\n", {path.lstrip("/"): body.replace(ROW, "uptime")})
    assert verdict != "destructive"


def test_jq_joining_its_arguments_into_a_command_line_for_a_shell_is_read() -> None:
    half = len(ROW) // 2
    text = f"jq -rn --arg a '{ROW[:half]}' --arg b '{ROW[half:]}' '$a + $b' | sh\n"
    assert _judged(text)[0] == "destructive"
    text = "jq -rn --arg h atm9 '\"snmpget -v2c -c public \\($h) sysUpTime.0\"' | sh\n"
    assert _judged(text)[0] == "benign"


@pytest.mark.parametrize("makefile", [
    "OUT := $(shell {line})\nall:\n\t@echo done\n",
    "define RUN\n{line}\nendef\nreport:\n\t@$(RUN)\n",
])
def test_make_shell_functions_and_define_blocks_are_read(makefile: str) -> None:
    extra = {"opt/ems/x.mk": makefile.format(line=ROW)}
    assert _judged("make -s -f /opt/ems/x.mk all\n", extra)[0] == "destructive"
    extra = {"opt/ems/x.mk": makefile.format(line=GET)}
    assert _judged("make -s -f /opt/ems/x.mk all\n", extra)[0] == "benign"


def test_importlib_through_an_alias_and_getattr_is_followed() -> None:
    code = ("import importlib as il; getattr(il.import_module('sub' + 'process'), 'r' + 'un')"
            "({argv!r})")
    assert _judged(f"python3 -c \"{code.format(argv=ROW.split())}\"\n")[0] == "destructive"
    assert _judged(f"python3 -c \"{code.format(argv=GET.split())}\"\n")[0] == "benign"


def test_netconf_load_configuration_sends_its_set_lines() -> None:
    prog = ("from ncclient import manager\n"
            "with manager.connect(host='atm9', username='noc', password='x', "
            "device_params={{'name': 'junos'}}) as m:\n"
            "    m.load_configuration(action='set', config={lines!r})\n    m.commit()\n")
    bad = {"opt/ems/x.py": prog.format(lines=["delete interfaces at-0/0/0 unit 100"])}
    good = {"opt/ems/x.py": prog.format(lines=["set interfaces at-0/0/0 description core"])}
    assert _judged("python3 /opt/ems/x.py\n", bad)[0] == "destructive"
    assert _judged("python3 /opt/ems/x.py\n", good)[0] != "destructive"


class _System:
    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple:
        import os
        return (os.system, (self.command,))


def test_a_pickle_whose_loading_runs_a_program_is_judged_by_that_program() -> None:
    def job(command: str) -> str:
        blob = base64.b64encode(pickle.dumps(_System(command), protocol=2)).decode()
        return f"python3 -c \"import pickle, base64; pickle.loads(base64.b64decode('{blob}'))\"\n"
    assert _judged(job("rm -rf /srv/ems/linedata"))[0] == "destructive"
    verdict, severity = _judged(job("ls /var/tmp"))
    assert verdict == "suspicious" and severity not in ("high", "critical")  # concealment only


def test_a_module_path_names_no_change_ticket() -> None:
    assert change_ref_in("from pysnmp.proto.rfc1902 import Integer") == ""
    assert change_ref_in("import lib/rfc1902/x") == ""
    assert change_ref_in("# CHG0012345 approved") == "CHG0012345"
    assert change_ref_in("per RFC#881 tonight") == "RFC#881"


def test_a_program_whose_path_is_put_together_at_run_time_is_code_nobody_has_seen() -> None:
    split = "printf -v run '%s%s' 'python3 /opt/e' 'ms/x.py'\neval \"$run\"\n"
    assert _judged(split)[0] == "suspicious"
    split = "printf -v run '%s%s' 'make -s -f /opt/e' 'ms/x.mk all'\neval \"$run\"\n"
    assert _judged(split)[0] == "suspicious"
    # written literally: the agent captures it (a missing one is recorded as missing)
    assert _judged("python3 /opt/ems/x.py\n")[0] == "benign"
    assert _judged("X=/opt/ems/x.py\npython3 \"$X\"\n")[0] == "benign"


def test_the_agent_follows_what_a_coprocess_runs() -> None:
    for text in ("coproc NESYNC { python3 /opt/ems/x.py; }", "coproc { python3 /opt/ems/x.py; }",
                 "coproc python3 /opt/ems/x.py"):
        assert referenced_paths(text) == ["/opt/ems/x.py"]


@pytest.mark.parametrize("tcl", [
    "set cmd [list {words}]\nexec {{*}}$cmd\n",
    "set cmd [list nc -q 5 atm9 3083]\nexec {{*}}$cmd << {{{tl1}}}\n",
])
def test_tcl_argument_expansion_and_exec_input_are_followed(tcl: str) -> None:
    bad = tcl.format(words=ROW, tl1="ACT-USER:ATM9:noc:C1::x;\nDLT-CRS-VC:ATM9:ATM-1-1-1-32,"
                     "ATM-5-1-1-32:C2;\n")
    good = tcl.format(words=GET, tl1="ACT-USER:ATM9:noc:C1::x;\nRTRV-CRS-VC:ATM9:ALL:C2;\n")
    assert _judged("tclsh /opt/ems/x.tcl\n", {"opt/ems/x.tcl": bad})[0] == "destructive"
    assert _judged("tclsh /opt/ems/x.tcl\n", {"opt/ems/x.tcl": good})[0] == "benign"


@pytest.mark.parametrize("awk", [
    'BEGIN {{ n = split("{tail}", a, " "); c = "{head}"; '
    'for (i = 1; i <= n; i++) c = sprintf("%s %s", c, a[i]); system(c) }}',
    'BEGIN {{ n = split("{tail}", a, " "); c = "{head}"; for (k = 1; k <= n; k++) '
    '{{ c = c " " a[k] }}\n system(c) }}',
])
def test_awk_values_are_followed_through_split_sprintf_and_loops(awk: str) -> None:
    def job(line: str) -> str:
        head, _, tail = line.partition(" ")
        return f"awk '{awk.format(head=head, tail=tail)}'\n"
    assert _judged(job(ROW))[0] == "destructive"
    assert _judged(job(GET))[0] == "benign"


@pytest.mark.parametrize("js", [
    "const cp = require('child_' + 'process');\ncp.execFileSync({argv0!r}, {args});\n",
    "const {{ execSync }} = require('child_process');\n"
    "execSync(Buffer.from('{b64}', 'base64').toString());\n",
    "new Function('require', {code!r})(require);\n",
    "const snmp = require('net-snmp');\nconst s = snmp.createSession('atm9', 'private');\n"
    "s.set([{{ oid: {oid!r}, type: snmp.ObjectType.Integer, value: {value} }}], () => 0);\n",
])
def test_node_programs_are_read_through_argv_decoding_code_strings_and_net_snmp(js: str) -> None:
    def program(line: str) -> str:
        argv = line.split()
        return js.format(argv0=argv[0], args=repr(argv[1:]).replace("'", '"'),
                         b64=base64.b64encode(line.encode()).decode(),
                         code=f"require('child_process').execSync({line!r});",
                         oid=argv[5], value=6 if argv[0] == "snmpset" else 1)
    bad = {"opt/ems/x.js": program(ROW)}
    assert _judged("node /opt/ems/x.js\n", bad)[0] == "destructive"
    verdict, severity = _judged("node /opt/ems/x.js\n", {"opt/ems/x.js": program(GET)})
    assert verdict != "destructive" and severity not in ("high", "critical")


def test_printf_s_prints_backslashes_as_written() -> None:
    def job(verb: str) -> str:
        code = ("import subprocess; subprocess.run(['ssh', 'noc@atm9'], input=b'configure "
                f"private\\n{verb} interfaces at-1/0/0\\ncommit and-quit\\n')")
        return f"source <(printf '%s\\n' {shlex.quote('python3 -c ' + shlex.quote(code))})\n"
    assert _judged(job("delete"))[0] == "destructive"
    assert _judged(job("show"))[0] == "benign"


@pytest.mark.parametrize("text,path", [
    ("alias nesync=/opt/ems/lib/x.pl", "/opt/ems/lib/x.pl"),
    ("bash -s <<< /srv/ems/tools/x.pl", "/srv/ems/tools/x.pl"),
    ("printf -v run '%s%s' '/usr/bin/nodejs ' /usr/local/lib/ems/a.js",
     "/usr/local/lib/ems/a.js"),
])
def test_the_agent_follows_aliases_shell_here_strings_and_printf_v_arguments(
        text: str, path: str) -> None:
    assert path in referenced_paths(text)


def test_an_awk_program_file_named_only_at_run_time_is_code_nobody_has_seen() -> None:
    split = "printf -v run '%s%s' 'mawk -f /home/op' 'er/x.awk'\neval \"$run\"\n"
    assert _judged(split)[0] == "suspicious"
    assert _judged("mawk -f /home/oper/x.awk\n")[0] == "benign"


@pytest.mark.parametrize("perl", [
    "require LWP::UserAgent;\nrequire HTTP::Request;\nmy $ua = LWP::UserAgent->new;\n"
    "my $r = HTTP::Request->new({method} => '{url}');\n$ua->request($r);\n",
    "require HTTP::Tiny;\nmy $h = HTTP::Tiny->new;\n$h->request('{method}', '{url}');\n",
])
def test_perl_http_requests_are_judged_by_method_and_url(perl: str) -> None:
    url = "https://atm9/restconf/data/Cisco-IOS-XE-native:native/interface/ATM=1%2F0"
    bad = {"opt/ems/x.pl": perl.format(method="DELETE", url=url)}
    good = {"opt/ems/x.pl": perl.format(method="GET", url=url)}
    assert _judged("perl /opt/ems/x.pl\n", bad)[0] == "destructive"
    assert _judged("perl /opt/ems/x.pl\n", good)[0] == "benign"


def test_a_marshalled_code_object_is_judged_by_the_calls_it_makes() -> None:
    import marshal

    def job(argv: list[str]) -> str:
        src = f"import subprocess\nsubprocess.run({argv!r})\n"
        blob = base64.b64encode(marshal.dumps(compile(src, "<x>", "exec"))).decode()
        return (f"python3 -c \"import marshal, base64; "
                f"exec(marshal.loads(base64.b64decode('{blob}')))\"\n")
    assert _judged(job(ROW.split()))[0] == "destructive"
    verdict, severity = _judged(job(GET.split()))
    assert verdict == "suspicious" and severity not in ("high", "critical")  # concealment only


def test_a_marshalled_payload_is_undone_in_a_child_process_and_garbage_stays_unread():
    """marshal.loads is unsafe on hostile data: the collector never loads it itself."""
    import marshal

    from lineguard.collector.analyse.effects import decode
    code = marshal.dumps(compile("import os\nos.system('rm -rf /srv/ems/linedata')\n", "x", "exec"))
    assert "rm -rf /srv/ems/linedata" in (decode.unmarshalled_calls(code) or "")
    # cut short or garbage: not read, and said so (a reading limit: never a benign job)
    from lineguard.collector.analyse.effects.bounds import PastLimit
    with pytest.raises(PastLimit, match="not read"):
        decode.unmarshalled_calls(code[:40])
    with pytest.raises(PastLimit, match="not read"):
        decode.unmarshalled_calls(b"\xe3" + b"\xff" * 64)


def test_awk_sprintf_percent_c_spells_a_command_from_character_codes() -> None:
    """%c gives the character of a number's code: `sprintf("%c%c -rf …", 114, 109)` is rm."""
    codes = "sprintf(\"%c%c -rf /srv/ems/linedata\", 114, 109)"
    assert _judged(f"awk 'BEGIN {{ system({codes}) }}'\n")[0] == "destructive"
    quiet = "sprintf(\"%c%c /srv/ems/linedata\", 108, 115)"            # ls
    assert _judged(f"awk 'BEGIN {{ system({quiet}) }}'\n")[0] == "benign"
