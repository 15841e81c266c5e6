"""An insider with operator access to a management server (and, for some, file access to the
collector's home) against lineguard, end to end with real components: the agent's snapshot of a
real tree and inventory, signed and ingested, the SQLite store on disk, `lineguard check`. Every
test here failed before its fix."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lineguard.agent.cli import main as agent
from lineguard.agent.restore.document import Refusal
from lineguard.agent.sources.host import collect
from lineguard.collector import baseline, check, waivers
from lineguard.collector.analyse.destructive import judge
from lineguard.collector.analyse.timing import next_fire
from lineguard.collector.baseline import load_approved
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from lineguard.collector.model import IntervalTrigger
from lineguard.collector.parse.host import jobs
from lineguard.collector.restore.plan import device_plan
from lineguard.formats.wire import Artifact, Target
from tests.baselinekit import Fleet, device
from tests.hostroot import debian_root, write
from tests.smtpsink import free_port, start_smtp, text_of
from tests.snapfactory import AgentChain, ios_config
from tests.test_agent_delivery import tiny_root
from tests.test_archive_import import ios
from tests.test_check import AT_FILE
from tests.test_host_process import _sleep_child

NOW = "2026-12-01T09:00:00Z"


class Server:
    """A management server's agent: a root, an inventory of saved configurations, a key, and
    the collector home it reports to."""

    def __init__(self, tmp: Path, home: Home, devices: tuple[str, ...] = ()) -> None:
        self.home, self.root = home, tiny_root(tmp / "root")
        self.key, self.inventory = tmp / "agent.key", tmp / "inventory.toml"
        self.configs = tmp / "configs"
        self.configs.mkdir()
        self.n = 0
        assert agent(["keygen", "--out", str(self.key)]) == 0
        assert lineguard(["--home", str(home.root), "agents", "add", "ems-01", "--key",
                          f"{self.key}.pub", "--site", "kobe"]) == 0
        self.devices(*devices)

    def devices(self, *names: str) -> None:
        """The inventory now lists these devices (each a saved IOS configuration)."""
        tables = []
        for name in names:
            path = self.configs / f"{name}.cfg"
            if not path.exists():
                path.write_text(ios(name, "kobe"))
            tables.append(f'[[device]]\nname = "{name}"\nplatform = "cisco_ios"\n'
                          f'site = "kobe"\nmethod = "file"\npath = "configs/{name}.cfg"\n')
        self.inventory.write_text("\n".join(tables))

    def at_job(self, commands: str) -> None:
        """An at job running `commands`, spooled as atd spools one (executable: atd runs
        only what is)."""
        (self.root / "var/spool/cron/atjobs").mkdir(parents=True)
        spooled = self.root / f"var/spool/cron/atjobs/{AT_FILE}"
        spooled.write_text("#!/bin/sh\n# atrun uid=0 gid=0\n# mail root 0\numask 22\n"
                           "cd / || exit 1\n" + commands)
        spooled.chmod(0o700)

    def report(self) -> None:
        """One snapshot, delivered and ingested."""
        self.n += 1
        out = self.home.inbox / f"s{self.n}.lgsnap"
        assert agent(["snapshot", "--root", str(self.root), "--hostname", "ems-01",
                      "--agent", "ems-01", "--key", str(self.key), "--inventory",
                      str(self.inventory), "--out", str(out)]) == 0
        assert lineguard(["--home", str(self.home.root), "ingest"]) == 0

    def findings(self, capsys, now: str | None = None) -> list[dict]:
        capsys.readouterr()
        lineguard(["--home", str(self.home.root), "check", "--json", "--no-email",
                   *(["--now", now] if now else [])])
        return json.loads(capsys.readouterr().out)["findings"]


def test_a_device_dropped_from_the_inventory_is_a_finding_not_a_frozen_last_poll(
        tmp_path: Path, home: Home, capsys) -> None:
    ems = Server(tmp_path, home, ("atm-kobe-01", "atm-kobe-02"))
    ems.report()
    assert not [f for f in ems.findings(capsys) if f["target"] == "atm-kobe-02"]
    # the insider takes the device out of the agent's inventory, then deletes its line data
    ems.devices("atm-kobe-01")
    ems.report()
    (gone,) = [f for f in ems.findings(capsys) if f["target"] == "atm-kobe-02"]
    assert (gone["kind"], gone["severity"], gone["site"]) == ("silence", "high", "kobe")
    assert "no longer reported by agent ems-01" in gone["title"]
    # reported again: the finding is gone
    ems.devices("atm-kobe-01", "atm-kobe-02")
    ems.report()
    assert not [f for f in ems.findings(capsys) if f["target"] == "atm-kobe-02"]


def test_a_job_whose_script_is_not_there_yet_is_a_finding_not_benign(
        tmp_path: Path, home: Home, capsys) -> None:
    """Planted months ahead, its payload put in place the night before (or kept in /var/tmp,
    which a sandboxed agent does not see): what it runs is unknown, never benign."""
    ems = Server(tmp_path, home)
    ems.at_job("/var/tmp/ne-sync.sh\n")
    ems.report()
    (job,) = [f for f in ems.findings(capsys, NOW) if f["kind"] == "job"]
    assert job["severity"] == "medium"
    assert job["title"].startswith("runs unseen code /var/tmp/ne-sync.sh at job on ems-01 "
                                   "fires in "), job["title"]
    assert "/var/tmp/ne-sync.sh, not on the host when the snapshot was taken" in job["detail"]


def test_a_job_running_a_compiled_program_of_its_own_is_a_finding_not_benign(
        tmp_path: Path, home: Home, capsys) -> None:
    """A program built on the operator terminal and run by an at job months later: nobody can
    read it, so it is unseen code, named by its hash (a program from a package is not)."""
    ems = Server(tmp_path, home)
    (ems.root / "opt/ems/bin").mkdir(parents=True)
    (ems.root / "opt/ems/bin/ne-sync").write_bytes(Path("/bin/true").read_bytes())
    (ems.root / "opt/ems/bin/ne-sync").chmod(0o755)
    ems.at_job("/opt/ems/bin/ne-sync --all\n/bin/true\n")
    ems.report()
    (job,) = [f for f in ems.findings(capsys, NOW) if f["kind"] == "job"]
    assert job["severity"] == "medium"
    assert job["title"].startswith("runs unseen code /opt/ems/bin/ne-sync at job on ems-01 "
                                   "fires in "), job["title"]
    assert "/opt/ems/bin/ne-sync, a compiled program (sha256 " in job["detail"]
    assert "(run with: --all)" in job["detail"]
    assert "/bin/true, a compiled program" not in job["detail"], "a packaged program is not"
    assert "/bin/true" not in job["title"].replace("/opt/ems/bin/ne-sync", "")


def test_a_job_running_several_unseen_programs_names_two_and_counts_the_rest(
        tmp_path: Path, home: Home, capsys) -> None:
    ems = Server(tmp_path, home)
    ems.at_job("/var/tmp/ne-a.sh\n/var/tmp/ne-b.sh\n/var/tmp/ne-c.sh\n")
    ems.report()
    (job,) = [f for f in ems.findings(capsys, NOW) if f["kind"] == "job"]
    assert job["title"].startswith("runs unseen code /var/tmp/ne-a.sh, /var/tmp/ne-b.sh (+1 more) "
                                   "at job on ems-01 fires in "), job["title"]
    assert "/var/tmp/ne-c.sh, not on the host" in job["detail"]


def test_a_file_a_job_only_reads_is_not_unseen_code_when_it_is_not_there(
        tmp_path: Path, home: Home, capsys) -> None:
    """A password file or a report a job reads, not there when the agent looked, runs nothing:
    only a program the job runs is unseen code (the effects engine decides, not every path the
    command names)."""
    ems = Server(tmp_path, home)
    ems.at_job("/usr/bin/logger -t ems report:$(cat /opt/ems/etc/ne-report.txt)\n")
    ems.report()
    assert [f["title"] for f in ems.findings(capsys, NOW) if f["kind"] == "job"] == []


def _fleet_with_loss(tmp_path: Path, home: Home) -> tuple[Fleet, datetime]:
    """A device whose baseline two approvers signed (20 PVCs), then a poll with 10 of them."""
    fleet = Fleet(home, AgentChain.create(tmp_path / "keys"))
    fleet.poll(device("atm-kobe-01"))
    fleet.approve("atm-kobe-01", fleet.approver(tmp_path / "keys"))
    return fleet, fleet.poll(device("atm-kobe-01", pvcs=10)) + timedelta(minutes=1)


def _kinds(fleet: Fleet, now: datetime) -> dict[str, str]:
    return {j.finding.kind: j.finding.title for j in check.evaluate(fleet.home, fleet.store, now)}


def test_pointing_the_newest_poll_at_an_older_manifest_is_caught_by_check(
        tmp_path: Path, home: Home) -> None:
    fleet, now = _fleet_with_loss(tmp_path, home)
    assert "line-data-loss" in _kinds(fleet, now)
    # someone with the database file makes the newest poll read like the first one
    db = sqlite3.connect(home.db_path)
    first, newest = db.execute("SELECT manifest FROM targets ORDER BY snapshot").fetchall()
    db.execute("UPDATE targets SET manifest = ? WHERE manifest = ?", [first[0], newest[0]])
    db.commit()
    db.close()
    kinds = _kinds(fleet, now)
    assert "line-data-loss" not in kinds      # the comparison was fooled ...
    assert "no longer hashes" in kinds["integrity"]   # ... and every check says so


def test_dating_an_old_poll_anew_is_caught_by_check(tmp_path: Path, home: Home) -> None:
    fleet, now = _fleet_with_loss(tmp_path, home)
    db = sqlite3.connect(home.db_path)
    db.execute("UPDATE snapshots SET taken_at = ? WHERE seq = 1",
               [(now - timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ")])
    db.commit()
    db.close()
    assert "no longer hashes" in _kinds(fleet, now)["integrity"]


def test_a_restore_plan_is_never_rendered_from_an_altered_baseline_config(
        tmp_path: Path, home: Home) -> None:
    fleet, now = _fleet_with_loss(tmp_path, home)
    approved = load_approved(fleet.baselines, "atm-kobe-01")
    assert approved is not None
    sha = next(a.sha256 for a in approved.artifacts if a.name == "running-config")
    assert sha is not None
    poisoned = fleet.store.blob(sha).replace(b"vbr-nrt 4000 2000", b"vbr-nrt 64 32")
    db = sqlite3.connect(home.db_path)
    db.execute("UPDATE blobs SET data = ? WHERE sha256 = ?", [zlib.compress(poisoned), sha])
    db.commit()
    db.close()
    (refused,) = device_plan(fleet.store, fleet.baselines, "atm-kobe-01", now, lambda site: 2)
    assert isinstance(refused, Refusal) and "altered" in refused.reason


def test_one_person_listing_two_keys_of_their_own_as_approvers_is_a_finding_no_waiver_hides(
        tmp_path: Path, home: Home) -> None:
    fleet = Fleet(home, AgentChain.create(tmp_path / "keys"))
    fleet.poll(device("atm-kobe-01"))
    fleet.approve("atm-kobe-01", fleet.approver(tmp_path / "keys"))
    fleet.poll(device("atm-kobe-01"))
    now = datetime.now(UTC)     # the audit log records the real time of each version
    assert "approvers" not in _kinds(fleet, now)      # setting the approvers up is no change
    # the insider lists two keys they hold, and signs a baseline without the deleted PVCs
    mine = [fleet.approver(tmp_path / "insider", name) for name in ("sato", "suzuki")]
    fleet.poll(device("atm-kobe-01", pvcs=10))
    now = datetime.now(UTC)
    proposal = baseline.propose(fleet.store, "atm-kobe-01", fleet.baselines)
    baseline.approve(proposal, mine[0], "sato")
    assert baseline.approve(proposal, mine[1], "suzuki").in_force
    kinds = _kinds(fleet, now)
    assert "line-data-loss" not in kinds              # the forged baseline is validly signed ...
    assert kinds["approvers"].startswith("approvers file changed")   # ... by whom is a finding
    assert "adds approver sato; adds approver suzuki" in kinds["approvers"]
    (judged,) = [j for j in check.evaluate(home, fleet.store, now)
                 if j.finding.kind == "approvers"]
    assert judged.finding.severity == "high" and not judged.waived
    with pytest.raises(waivers.WaiverError, match="cannot be waived"):
        waivers.waive(home, fleet.store, judged.finding.key, "2027-01-31", "planned",
                      mine[0], "sato", now)


LOOP = ('while :; do if [ "$(date +%Y%m%d)" -ge 20270213 ]; then /opt/ems/wipe-vc.sh --all; '
        'break; fi; sleep 600; done')


@pytest.fixture
def poller() -> Iterator[subprocess.Popen[bytes]]:
    """A resident job started from a terminal: it polls the clock every ten minutes."""
    proc = subprocess.Popen(["bash", "-c", LOOP], start_new_session=True)
    yield proc
    os.killpg(proc.pid, signal.SIGKILL)   # our own session: the shell and its sleep
    proc.wait(timeout=10)


def test_a_resident_loop_polling_the_clock_is_a_destructive_job(
        tmp_path: Path, poller: subprocess.Popen[bytes]) -> None:
    """No single sleep of it is long, so it was not a job at all: the agent left it out."""
    root = debian_root(tmp_path, None)
    write(root, "opt/ems/wipe-vc.sh", "#!/bin/sh\nsnmpset -v2c -c private 10.40.0.10 "
          "1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32 i 6\n", 0o755)
    _sleep_child(poller.pid)
    target, facts = collect(root, live=True)
    (job,) = [j for j in jobs(target, facts) if j.origin_path == f"proc/{poller.pid}"]
    assert isinstance(job.trigger, IntervalTrigger) and job.trigger.seconds == 600
    assert "opt/ems/wipe-vc.sh" in job.files
    now = datetime.now(UTC)
    verdict = judge(job, {a.name: a for a in target.artifacts},
                    next_fire(job.trigger, now, "UTC"), now)
    assert verdict.verdict == "destructive"
    # the loop's own sleep is a turn of it, not a second job
    assert [j.origin_path for j in jobs(target, facts) if j.source == "process"] == [job.origin_path]


def test_a_device_switched_to_a_saved_copy_of_its_config_is_a_finding(
        tmp_path: Path, home: Home, capsys) -> None:
    """The insider points the inventory entry at a healthy copy (or at another address that
    answers with one): every later poll is `ok`, and the deletion on the device never shows."""
    ems = Server(tmp_path, home, ("atm-kobe-01",))
    ems.report()
    assert not [f for f in ems.findings(capsys) if f["kind"] == "source"]
    frozen = tmp_path / "frozen.cfg"
    frozen.write_text((ems.configs / "atm-kobe-01.cfg").read_text())
    ems.inventory.write_text(ems.inventory.read_text().replace(
        'path = "configs/atm-kobe-01.cfg"', f'path = "{frozen}"'))
    ems.report()
    (moved,) = [f for f in ems.findings(capsys) if f["kind"] == "source"]
    assert (moved["target"], moved["severity"], moved["site"]) == ("atm-kobe-01", "high", "kobe")
    assert f"is now read by file from {frozen}" in moved["title"]


@pytest.mark.parametrize("loose", ["agent.toml", "inventory.toml", "etc", "approvers",
                                   "agent.key"])
def test_the_agent_refuses_trust_files_an_operator_could_edit(tmp_path: Path, loose: str,
                                                              capsys) -> None:
    """An operator in a group that can write the inventory takes a device out of it or points
    it at a saved copy; one who can write the collector key and approvers signs restore plans
    of their own, which the agent then applies with the devices' credentials."""
    etc = tmp_path / "etc"
    etc.mkdir(mode=0o755)
    assert agent(["keygen", "--out", str(etc / "agent.key")]) == 0
    (etc / "inventory.toml").write_text("")
    (etc / "approvers").write_text("")
    config = etc / "agent.toml"
    config.write_text(f'agent = "ems-01"\nkey = "{etc / "agent.key"}"\nroot = "{tiny_root(tmp_path / "root")}"\n'
                      f'inventory = "{etc / "inventory.toml"}"\napprovers = "{etc / "approvers"}"\n')
    out = tmp_path / "s.lgsnap"
    assert agent(["snapshot", "--config", str(config), "--out", str(out)]) == 0
    (etc / loose if loose != "etc" else etc).chmod(0o775 if loose == "etc" else 0o664)
    capsys.readouterr()
    assert agent(["snapshot", "--config", str(config), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "can be changed by group or others" in err and "chmod go-w" in err
    assert len(err.splitlines()) == 1


def test_pointing_alert_mail_at_another_relay_is_told_through_the_old_one(
        home: Home, smtp, capsys) -> None:
    """Every alert, the one about the change included, would otherwise leave through the
    insider's relay, which drops them all."""
    port, inbox = smtp
    theirs_port = free_port()
    controller, theirs = start_smtp(theirs_port)
    try:
        settings = ('smtp_host = "127.0.0.1"\nmail_from = "lg@soc.example.net"\n'
                    'mail_to = ["noc@example.net"]\nsecurity_to = ["csirt@example.net"]\n')
        home.config_path.write_text(settings + f"smtp_port = {port}\n")
        assert lineguard(["--home", str(home.root), "check"]) == 0
        home.config_path.write_text(settings + f"smtp_port = {theirs_port}\n")
        assert lineguard(["--home", str(home.root), "check"]) == 1
    finally:
        controller.stop()
    assert [m["Subject"] for _, _, m in theirs.messages] == [
        m["Subject"] for _, _, m in inbox.messages]      # the same word, through both relays
    (told,) = inbox.messages
    # the change goes to those the settings routed to before and after it (Finding.notify)
    assert sorted(told[1]) == ["csirt@example.net", "noc@example.net"]
    assert "smtp_port" in told[2]["Subject"]
    assert "through the mail relay in force before the change" in text_of(told[2])


WIPE_APPLET = ('event manager applet NE-SYNC\n event timer cron cron-entry "0 3 13 2 *"\n'
               ' action 1.0 cli command "enable"\n action 2.0 cli command "configure terminal"\n'
               ' action 3.0 cli command "no interface ATM0/0/0.100"\n!\n')


def test_a_device_clock_set_ahead_fires_its_jobs_sooner_and_says_so(
        tmp_path: Path, home: Home, capsys) -> None:
    """The applet reads 13 February; with the device's clock set 72 days ahead it fires on 2
    December. The countdown must be the device's, not the calendar's."""
    fleet = Fleet(home, AgentChain.create(tmp_path / "keys"))
    config = ios_config("atm-kobe-01", 4, 7).replace("end\n", WIPE_APPLET + "end\n")
    polled = "2026-11-25T00:15:00Z"                    # the chain's first snapshot
    target = Target(kind="device", name="atm-kobe-01", status="ok", facts={
        "platform": "cisco_ios", "site": "kobe", "method": "cli", "timezone": "JST 9 0",
        "polled_at": polled}, artifacts=(
        Artifact.from_bytes("running-config", "running-config", config.encode()),
        Artifact.from_bytes("show-clock", "show-clock", b"09:15:00.120 JST Fri Feb 5 2027\n")))
    fleet.poll(target)
    capsys.readouterr()
    lineguard(["--home", str(home.root), "jobs", "--now", polled, "--json"])
    (job,) = [j for j in json.loads(capsys.readouterr().out)["jobs"] if j["source"] == "eem"]
    assert (job["next_fire"], job["verdict"]) == ("2026-12-02T18:00:00Z", "destructive")
    (clock,) = [j.finding for j in check.evaluate(home, fleet.store, datetime.now(UTC))
                if j.finding.kind == "clock"]
    assert clock.severity == "high" and "runs 72d" in clock.title and "ahead" in clock.title


def test_a_waiver_cannot_be_made_for_good(tmp_path: Path, home: Home, capsys) -> None:
    fleet = Fleet(home, AgentChain.create(tmp_path / "keys"))
    fleet.poll(device("atm-kobe-01"))
    fleet.poll(device("atm-kobe-01", pvcs=10))
    key = fleet.approver(tmp_path / "keys")
    (loss,) = [f for f in check.all_findings(home, fleet.store, datetime.now(UTC))
               if f.kind == "line-data-loss"]
    capsys.readouterr()
    assert lineguard(["--home", str(home.root), "waive", loss.key, "--until", "2099-12-31",
                      "--reason", "known", "--key", str(key), "--by", "tanaka"]) == 2
    err = capsys.readouterr().err.strip()
    assert "more than 1826 days ahead (max_waiver_days)" in err and len(err.splitlines()) == 1
    assert not list(home.waivers.glob("w-*.json"))
    assert lineguard(["--home", str(home.root), "waive", loss.key, "--until", "2027-06-30",
                      "--reason", "known", "--key", str(key), "--by", "tanaka"]) == 0
