"""The effects engine reads a script once and reuses the reading for every job that runs it.
A reading is only reused where everything it depended on is the same: the files it sourced or
read (also through a variable the agent could not follow), the crontab environment the job
starts with, the device a device-side job runs on. These tests judge one job and then a job
that differs only there, in the same process, as `lineguard jobs` does over a fleet."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from lineguard.collector.analyse.destructive import judge
from lineguard.collector.cli import main
from lineguard.collector.home import Home
from lineguard.collector.model import CronTrigger, Job
from lineguard.formats.wire import Artifact, Target
from tests.snapfactory import AgentChain
from tests.test_rules import NOW, _fire, _script_job

WIPE = "rm -rf /srv/ems/linedata\n"
# The library is named through a variable: the agent does not link it to the job, the engine
# resolves it and reads it.
NIGHTLY = "#!/bin/sh\nLIB=/opt/ems/lib\n. $LIB/common.sh\n"


def test_same_script_with_a_different_sourced_library_is_judged_by_its_own_library():
    job, quiet = _script_job(NIGHTLY, extra={"opt/ems/lib/common.sh": "echo nightly run\n"})
    _, planted = _script_job(NIGHTLY, extra={"opt/ems/lib/common.sh": WIPE})
    assert "opt/ems/lib/common.sh" not in job.files
    assert judge(job, quiet, _fire(), NOW).verdict == "benign"
    loud = judge(job, planted, _fire(), NOW)
    assert loud.verdict == "destructive"
    assert ("opt/ems/lib/common.sh", 1) in {(r.path, r.line) for r in loud.reasons}
    # both readings are kept: the first host is still judged by its own library
    assert judge(job, quiet, _fire(), NOW).verdict == "benign"


def test_a_library_missing_on_one_host_is_not_read_from_another():
    job, planted = _script_job(NIGHTLY, extra={"opt/ems/lib/common.sh": WIPE})
    _, bare = _script_job(NIGHTLY)
    assert judge(job, planted, _fire(), NOW).verdict == "destructive"
    assert judge(job, bare, _fire(), NOW).verdict == "benign"


def test_a_program_read_for_all_its_callers_is_read_again_where_its_library_differs():
    wrapper = "#!/bin/sh\n/usr/local/sbin/inner.sh now\n"
    inner = "#!/bin/sh\nD=/opt/ems/lib\n. $D/purge.sh\n"
    verdicts = []
    for n, lib in enumerate(("echo purge skipped\n", WIPE)):
        job, files = _script_job(wrapper, extra={"usr/local/sbin/inner.sh": inner,
                                                 "opt/ems/lib/purge.sh": lib},
                                 files=("usr/local/sbin/nightly.sh", "usr/local/sbin/inner.sh"))
        # a different command line each time: only the program's own reading can be shared
        verdicts.append(judge(replace(job, command=f"/usr/local/sbin/nightly.sh {n}"), files,
                              _fire(), NOW).verdict)
    assert verdicts == ["benign", "destructive"]


def test_crontab_environment_is_part_of_what_a_job_runs():
    # BASH_ENV runs before the job only when the crontab's SHELL is a bash
    verdicts = []
    for shell in ("/bin/sh", "/bin/bash"):
        job, files = _script_job("#!/bin/bash\necho nightly\n", origin_line=4,
                                 extra={"opt/ems/env.sh": WIPE})
        files["etc/cron.d/ems"] = Artifact.from_bytes(
            "etc/cron.d/ems", "cron.d",
            f"SHELL={shell}\nBASH_ENV=/opt/ems/env.sh\n\n0 3 * * * root /usr/local/sbin/nightly.sh\n"
            .encode())
        verdicts.append(judge(job, files, _fire(), NOW).verdict)
    assert verdicts == ["benign", "destructive"]


def test_device_job_reasons_name_their_own_device():
    for device in ("atm-kobe-01", "atm-kobe-02"):
        job = Job(target=device, source="eem", origin_path="running-config", origin_line=40,
                  owner=None, schedule='cron-entry "0 3 * * *"', command="event manager applet X",
                  trigger=CronTrigger("0 3 * * *", "ios"),
                  actions=(("enable", 42), ("configure terminal", 43), ("no pvc 0/32", 44)))
        titles = [r.title for r in judge(job, {}, _fire(), NOW).reasons]
        assert titles and all(device in t for t in titles), titles


def _host(name: str, library: str) -> Target:
    def art(path: str, kind: str, text: str) -> Artifact:
        return Artifact.from_bytes(path, kind, text.encode(), {
            "path": path, "owner": "root", "uid": 0, "gid": 0, "mode": "0755",
            "mtime": "2026-09-01T03:00:00Z", "ctime": "2026-09-01T03:00:00Z", "size": len(text)})
    return Target(kind="host", name=name, status="ok", facts={"platform": "linux"}, artifacts=(
        art("etc/passwd", "passwd", "root:x:0:0:root:/root:/bin/bash\n"),
        art("etc/cron.d/ems", "cron.d", "30 2 * * * root /opt/ems/bin/nightly.sh\n"),
        art("opt/ems/bin/nightly.sh", "script", NIGHTLY),
        art("opt/ems/lib/common.sh", "script", library)))


def test_jobs_over_a_fleet_judge_each_host_by_its_own_files(tmp_path: Path, capsys) -> None:
    """Two servers run the same script; only the second one's library was changed to wipe
    line data. One `lineguard jobs` run judges them one after the other."""
    home = Home(tmp_path / "home")
    home.init().close()
    for name, library in (("ems-a", "echo nightly run\n"), ("ems-b", WIPE)):
        chain = AgentChain.create(tmp_path / "keys", name)
        assert main(["--home", str(home.root), "agents", "add", name,
                     "--key", str(chain.pub_path)]) == 0
        chain.write(home.inbox, targets=(_host(name, library),))
    assert main(["--home", str(home.root), "ingest"]) == 0
    capsys.readouterr()
    main(["--home", str(home.root), "jobs", "--json", "--now", "2026-11-25T00:00:00Z"])
    verdicts = {j["target"]: j["verdict"] for j in json.loads(capsys.readouterr().out)["jobs"]
                if j["origin"]["path"] == "etc/cron.d/ems"}
    assert verdicts == {"ems-a": "benign", "ems-b": "destructive"}
