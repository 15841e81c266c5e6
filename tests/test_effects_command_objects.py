"""Python libraries that build a command as an object and run it later, or run a command line
for the program: plumbum (`local["rm"]["-rf", p]()`, `plumbum.cmd`, `& FG`, pipelines), the
`sh` module (`sh.rm(…)`, `sh.Command("rm")`, `.bake`), invoke (`run`, a task's context),
fabric (`Connection.run/sudo/local`, tasks), envoy and delegator. They run commands like
subprocess does and are judged the same way; their harmless uses stay quiet."""

from __future__ import annotations

import pytest

from tests.test_insider_reading_review import _judge

LINE = "/srv/ems/linedata"

RUNS = {
    "plumbum local[]": f"from plumbum import local\nlocal['rm']['-rf', '{LINE}']()",
    "plumbum cmd": f"from plumbum.cmd import rm\nrm('-rf', '{LINE}')",
    "plumbum bound": f"from plumbum import local\nrm = local['rm']\nc = rm['-rf', '{LINE}']\nc()",
    "plumbum & FG": f"from plumbum import local, FG\nlocal['rm']['-rf', '{LINE}'] & FG",
    "plumbum run()": f"from plumbum import local\nlocal.get('shred')['-u', '{LINE}/pvc.db'].run()",
    "plumbum pipeline": "from plumbum.cmd import echo, sh\n"
                        f"(echo['rm -rf {LINE}'] | sh)()",
    "sh function": f"import sh\nsh.rm('-rf', '{LINE}')",
    "sh from import": f"from sh import rm\nrm('-rf', '{LINE}')",
    "sh Command": f"import sh\nsh.Command('rm')('-rf', '{LINE}')",
    "sh bake": f"import sh\nwipe = sh.rm.bake('-rf')\nwipe('{LINE}')",
    "invoke run": f"from invoke import run\nrun('rm -rf {LINE}', hide=True)",
    "invoke Context": f"import invoke\nc = invoke.Context()\nc.run('rm -rf {LINE}')",
    "invoke task": f"from invoke import task\n@task\ndef wipe(c):\n    c.run('rm -rf {LINE}')",
    "fabric task default": "from fabric import task\n@task\n"
                           f"def wipe(c, path='{LINE}'):\n    c.run(f'rm -rf {{path}}')",
    "fabric run": f"from fabric import Connection\nConnection('ems1').run('rm -rf {LINE}')",
    "fabric sudo": f"from fabric import Connection\nc = Connection('ems1')\n"
                   f"c.sudo('rm -rf {LINE}')",
    "fabric local": f"from fabric import Connection\nc = Connection('ems1')\n"
                    f"c.local('rm -rf {LINE}')",
    "fabric 1 api": f"from fabric.api import local\nlocal('rm -rf {LINE}')",
    "envoy": f"import envoy\nenvoy.run('rm -rf {LINE}')",
    "delegator": f"import delegator\ndelegator.run('shred -u {LINE}/pvc.db')",
}

QUIET = {
    "plumbum ls": "from plumbum import local\nlocal['ls']['-l', '/srv/ems']()",
    "plumbum cmd df": "from plumbum.cmd import df\nprint(df('-h'))",
    "sh ls": "import sh\nprint(sh.ls('-l', '/srv/ems'))",
    "invoke task backup": "from invoke import task\n@task\ndef backup(c):\n"
                          f"    c.run('tar czf /var/backups/ld.tgz {LINE}')",
    "fabric uptime": "from fabric import Connection\nConnection('ems1').run('uptime')",
    "envoy status": "import envoy\nr = envoy.run('systemctl status ems-poller')",
    "command built, never run": f"from plumbum import local\nc = local['rm']['-rf', '{LINE}']\n"
                                "print(c)",
}


def _run(body: str):
    name = "opt/ems/bin/ops.py"
    return _judge({name: "#!/usr/bin/python3\n" + body + "\n"}, "/" + name)


@pytest.mark.parametrize("name", sorted(RUNS))
def test_a_command_run_through_a_library_is_judged_like_subprocess(name: str) -> None:
    j = _run(RUNS[name])
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any(LINE in r.title for r in j.reasons)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_harmless_library_commands_stay_quiet(name: str) -> None:
    j = _run(QUIET[name])
    assert j.verdict != "destructive" and j.severity not in ("high", "critical"), \
        [r.title for r in j.reasons]
