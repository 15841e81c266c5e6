"""One list of shells (formats.shells), judged the same way everywhere: the agent follows a
script run by any of them, the collector links the same files to the job, reads its `-c` text
for effects and takes it for the parent of a sleeping process. Before, five unequal sets told
mksh and rbash apart from busybox in one place and not in another."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lineguard.agent.sources.host import collect
from lineguard.collector.analyse.effects.judge import judge
from lineguard.collector.model import AbsoluteTrigger, CronTrigger, Fire, Job
from lineguard.collector.parse.host import jobs
from lineguard.formats.follow import referenced_paths
from lineguard.formats.shells import (
    SHELLS,
    command_argv,
    is_interpreter,
    is_shell,
    is_shell_text,
    shell_argv,
)
from lineguard.formats.wire import Artifact, Target
from tests.hostroot import GROUP, PASSWD, write

# Every member of the five sets there were (agent: host sources, follow; collector: host
# parser, process parser, effects reader), as the program a job names.
OLD_SETS_MEMBERS = ["sh", "bash", "dash", "ksh", "zsh", "ash", "mksh", "rbash", "busybox sh"]
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_the_one_list() -> None:
    assert SHELLS == {"sh", "bash", "dash", "ksh", "zsh", "ash", "mksh", "rbash", "yash", "posh",
                      "ksh93", "pdksh", "lksh"}
    assert not is_shell("busybox") and not is_shell("python3") and is_shell("/usr/bin/mksh")
    assert all(is_interpreter(p) for p in ("bash", "python3.11", "perl5.36", "/usr/bin/expect"))
    assert not is_interpreter("sleep")


@pytest.mark.parametrize("argv,real", [
    (["busybox", "sh", "-c", "x"], ["sh", "-c", "x"]),
    (["/usr/bin/env", "-i", "PATH=/bin", "bash", "x.sh"], ["bash", "x.sh"]),
    (["env", "-u", "HOME", "dash"], ["dash"]),
    (["env", "-S", "bash", "-e"], ["bash", "-e"]),
    (["env"], ["env"]),
    (["busybox"], ["busybox"]),
])
def test_command_argv_unwraps_env_and_multi_call_binaries(argv: list[str], real: list[str]) -> None:
    assert command_argv(argv) == real


@pytest.mark.parametrize("text,shell", [
    ("no interpreter line\n/opt/x.sh\n", True),
    ("#!\n/opt/x.sh\n", True),
    ("#!/bin/sh -e\n", True),
    ("#!/bin/busybox sh\n", True),
    ("#!/usr/bin/env -S bash -eu\n", True),
    ("#!/usr/bin/env rbash\n", True),
    ("#!/usr/bin/python3\n", False),
    ("#!/usr/bin/env perl\n", False),
    ("#!/bin/busybox awk -f\n", False),
])
def test_which_scripts_are_shell(text: str, shell: bool) -> None:
    assert is_shell_text(text) is shell


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> tuple[Target, list[Job]]:
    """A cron.d file with, for every shell, a script whose #! names it and a `-c` command."""
    root = tmp_path_factory.mktemp("shells")
    write(root, "etc/passwd", PASSWD)
    write(root, "etc/group", GROUP)
    lines = []
    for n, program in enumerate(OLD_SETS_MEMBERS):
        tag = program.replace(" ", "-")
        write(root, f"opt/ems/{tag}/entry.sh", f"#!/bin/{program}\n/opt/ems/{tag}/step2.sh\n",
              0o755)
        write(root, f"opt/ems/{tag}/step2.sh", "#!/bin/sh\ntrue\n", 0o755)
        write(root, f"opt/ems/{tag}/inline.sh", "#!/bin/sh\ntrue\n", 0o755)
        lines.append(f"{n} 3 * * * root /opt/ems/{tag}/entry.sh\n")
        lines.append(f"{n} 4 * * * root {program} -c '/opt/ems/{tag}/inline.sh'\n")
    write(root, "etc/cron.d/shells", "".join(lines))
    target, facts = collect(root)
    return target, jobs(target, facts)


@pytest.mark.parametrize("program", OLD_SETS_MEMBERS)
def test_a_script_run_by_any_shell_is_followed_by_agent_and_linked_by_collector(
        host: tuple[Target, list[Job]], program: str) -> None:
    target, found = host
    tag = program.replace(" ", "-")
    captured = {a.name for a in target.artifacts}
    assert {f"opt/ems/{tag}/step2.sh", f"opt/ems/{tag}/inline.sh"} <= captured
    by_command = {j.command: j for j in found}
    entry = by_command[f"/opt/ems/{tag}/entry.sh"]
    assert entry.files == (f"opt/ems/{tag}/entry.sh", f"opt/ems/{tag}/step2.sh")
    inline = by_command[f"{program} -c '/opt/ems/{tag}/inline.sh'"]
    assert f"opt/ems/{tag}/inline.sh" in inline.files


@pytest.mark.parametrize("program", OLD_SETS_MEMBERS)
def test_the_effects_reader_reads_any_shells_command_text(program: str) -> None:
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/x", origin_line=1,
              owner="root", schedule="0 3 * * *", command=f"{program} -c 'rm -rf /srv/ems/linedata'",
              trigger=CronTrigger("0 3 * * *"))
    verdict = judge(job, {}, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW).verdict
    assert verdict == "destructive"
    assert referenced_paths(f"{program} -c '/opt/x.sh'") == ["/opt/x.sh"]


@pytest.mark.parametrize("program", OLD_SETS_MEMBERS)
def test_a_sleep_under_any_shell_runs_what_the_shell_chains_after_it(program: str) -> None:
    start = "2026-11-30T00:00:00Z"
    parent = Artifact.from_bytes(
        "proc/100", "process", b"x",
        {"pid": 100, "ppid": 1, "user": "root", "start": start,
         "argv": [*program.split(), "-c", "sleep 6480000; /opt/ems/wipe.sh --all"]})
    child = Artifact.from_bytes("proc/101", "process", b"sleep 6480000",
                                {"pid": 101, "ppid": 100, "user": "root", "start": start,
                                 "argv": ["sleep", "6480000"]})
    target = Target(kind="host", name="ems1", status="ok", artifacts=(parent, child))
    (job,) = [j for j in jobs(target, {}) if j.origin_path == "proc/101"]
    assert job.command == "/opt/ems/wipe.sh --all"
    assert job.trigger == AbsoluteTrigger(
        when=datetime(2026, 11, 30, tzinfo=UTC) + timedelta(seconds=6480000), note="pid 101 wakes")
    assert shell_argv(parent.meta["argv"])[0] == program.split()[-1]
