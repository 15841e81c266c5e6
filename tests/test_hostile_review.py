"""An insider's attacks on the newest surfaces (device listener, host watch, NOC renderings,
approvals), each found by a hostile review: every test here failed before its fix."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from lineguard.agent import listen
from lineguard.agent.cli import main as agent_cli
from lineguard.agent.devices import inventory
from lineguard.agent.devices.inventory import Device
from lineguard.agent.keys import generate, load_public
from lineguard.agent.listen import DeviceEvent, DeviceListener, Endpoint
from lineguard.agent.watch import HostWatch
from lineguard.collector import approvals, baseline, waivers
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from tests.baselinekit import Fleet, device
from tests.snapfactory import ios_config
from tests.test_agent_delivery import tiny_root
from tests.test_archive_import import RANCID_IOS_HEAD, ios, rancid_base
from tests.test_check import AT_FILE, NOW, ingest_planted
from tests.test_realtime import agent_config, daemon, snapshots, wait_for

WAIVED_JOB = f"ems-01:var/spool/cron/atjobs/{AT_FILE}:10"
CHANGE = b"<189>12: atm-kobe-01: *Dec  1 17:00:00 JST: %SYS-5-CONFIG_I: Configured from console"


def _kobe() -> list[Device]:
    return [Device(name="atm-kobe-01", platform="cisco_ios", site="kobe", method="cli",
                   host="127.0.0.1", port=2200)]


@pytest.fixture
def tcp_listener() -> Iterator[tuple[DeviceListener, list[DeviceEvent]]]:
    events: list[DeviceEvent] = []
    lst = DeviceListener(_kobe(), events.append, syslog=Endpoint("127.0.0.1", 0))
    lst.start()
    yield lst, events
    lst.stop()


def _stream(lst: DeviceListener, source: str = "127.0.0.1") -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(60)
    s.bind((source, 0))
    s.connect(lst.bound["syslog/tcp"])
    return s


def test_a_dual_stack_listener_takes_changes_from_ipv4_devices() -> None:
    """`syslog_listen = "[::]:5514"` reports IPv4 senders as ::ffff:a.b.c.d: every real change
    event of every device was dropped as from an unknown source."""
    events: list[DeviceEvent] = []
    try:
        lst = DeviceListener(_kobe(), events.append, syslog=Endpoint("::ffff:127.0.0.1", 0))
        lst.start()
    except listen.ListenError as e:
        pytest.skip(f"no dual-stack IPv6 socket here: {e}")
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(CHANGE, ("127.0.0.1", lst.bound["syslog/udp"][1]))
        with socket.create_connection(("127.0.0.1", lst.bound["syslog/tcp"][1]), timeout=60) as s:
            s.sendall(CHANGE + b"\n")
        wait_for(lambda: sum(lst.counts.values()) >= 2, "both messages counted")
    finally:
        lst.stop()
    assert lst.counts == {"accepted": 2}
    assert [e.device for e in events] == ["atm-kobe-01", "atm-kobe-01"]


def test_a_syslog_stream_from_outside_the_inventory_is_closed_at_once(tcp_listener) -> None:
    """Idle streams from anywhere held a file descriptor each for ever: enough of them and the
    agent can no longer open the files and sockets its polls need."""
    lst, events = tcp_listener
    with _stream(lst, source="127.0.0.2") as s:
        assert s.recv(1) == b""          # closed by the listener, not left hanging
    assert lst.counts["unknown source"] == 1 and not events


def test_syslog_streams_from_devices_are_bounded_and_an_idle_one_is_closed(
        tcp_listener, monkeypatch) -> None:
    lst, events = tcp_listener
    monkeypatch.setattr(listen, "MAX_TCP_CONNECTIONS", 2)
    monkeypatch.setattr(listen, "TCP_IDLE_S", 0.5)
    first, second = _stream(lst), _stream(lst)
    with first, second:
        first.sendall(CHANGE + b"\n")
        second.sendall(CHANGE + b"\n")
        wait_for(lambda: lst.counts["accepted"] == 2, "both streams served")
        with _stream(lst) as third:
            assert third.recv(1) == b""
        assert lst.counts["too many streams"] == 1
        second.sendall(b"12")            # the start of a frame, then nothing
        assert second.recv(1) == b""
        assert first.recv(1) == b""
    assert lst.counts["idle stream"] == 2


def _watching(root: Path, paths: list[str]) -> tuple[HostWatch, list[set[Path]]]:
    calls: list[set[Path]] = []
    watch = HostWatch(root, paths, calls.append, debounce_s=0.2, max_wait_s=2.0)
    watch.start()
    return watch, calls


def test_a_job_script_that_is_a_symlink_is_seen_when_the_link_is_repointed(tmp_path) -> None:
    """The watch followed the link to its target and watched only that folder: `ln -sfn` to
    the attacker's script (in the link's own folder, or by re-pointing a linked folder) went
    unseen until the next scheduled poll."""
    root = tmp_path / "root"
    (root / "srv/ems-v1").mkdir(parents=True)
    (root / "srv/ems-v1/poll.sh").write_text("#!/bin/sh\n/opt/ems/bin/poll\n")
    (root / "srv/evil").mkdir(parents=True)
    (root / "srv/evil/poll.sh").write_text("#!/bin/sh\nrm -rf /var/lib/ems/linedata\n")
    (root / "opt/ems").mkdir(parents=True)
    (root / "opt/ems/current").symlink_to("../../srv/ems-v1")       # a linked folder
    (root / "usr/local/bin").mkdir(parents=True)
    (root / "usr/local/bin/poll.sh").symlink_to("../../../srv/ems-v1/poll.sh")
    watch, calls = _watching(root, ["usr/local/bin/poll.sh", "opt/ems/current/poll.sh"])
    try:
        link = root / "usr/local/bin/poll.sh"
        (root / "usr/local/bin/.new").symlink_to("../../../srv/evil/poll.sh")
        (root / "usr/local/bin/.new").rename(link)
        wait_for(lambda: any(link in c for c in calls), "the re-pointed script link", 60)
        folder = root / "opt/ems/current"
        (root / "opt/ems/.new").symlink_to("../../srv/evil")
        (root / "opt/ems/.new").rename(folder)
        wait_for(lambda: any(folder in c for c in calls), "the re-pointed folder link", 60)
    finally:
        watch.stop()


def _sanction_the_job(home: Home, tmp_path: Path) -> None:
    for name in ("tanaka", "sato"):
        key, pub = generate(tmp_path / f"{name}.key")
        approvals.add_approver(home.baselines, name, load_public(pub))
        assert lineguard(["--home", str(home.root), "waive", WAIVED_JOB, "--key", str(key),
                          "--by", name, "--now", NOW, "--until", "2027-12-31",
                          "--reason", "decommission, change CHG-4711"]) == 0


def test_a_waived_destructive_job_is_not_a_countdown_in_the_metrics(tmp_path, home) -> None:
    """The README's Prometheus rule pages on lineguard_next_destructive_fire_seconds: a job two
    approvers sanctioned paged every time it came near, the noise that gets a tool switched
    off, while check, nagios and mail leave it alone."""
    ingest_planted(tmp_path, home)
    out = tmp_path / "lineguard.prom"
    assert lineguard(["--home", str(home.root), "metrics", "--now", NOW, "--out", str(out)]) == 0
    assert "lineguard_next_destructive_fire_seconds{" in out.read_text()   # open: counted down
    _sanction_the_job(home, tmp_path)
    assert lineguard(["--home", str(home.root), "check", "--no-email", "--now", NOW]) == 0
    assert lineguard(["--home", str(home.root), "metrics", "--now", NOW, "--out", str(out)]) == 0
    families = {f.name: f for f in text_string_to_metric_families(out.read_text())}
    assert not families["lineguard_next_destructive_fire_seconds"].samples


def test_one_key_listed_under_two_names_is_one_approver(tmp_path, home) -> None:
    """The two-person rule counted approver names: one person whose key is listed twice (an
    alias, a renamed account) signed as both and put a waiver in force alone."""
    ingest_planted(tmp_path, home)
    key, pub = generate(tmp_path / "tanaka.key")
    for name in ("tanaka", "t.tanaka"):
        approvals.add_approver(home.baselines, name, load_public(pub))
    rcs = [lineguard(["--home", str(home.root), "waive", WAIVED_JOB, "--key", str(key),
                      "--by", name, "--now", NOW, "--until", "2027-12-31",
                      "--reason", "decommission, change CHG-4711"])
           for name in ("tanaka", "t.tanaka")]
    assert rcs == [0, 2]
    assert lineguard(["--home", str(home.root), "check", "--no-email", "--now", NOW]) == 1
    # the second signature written into the file by hand does not count either
    [path] = home.waivers.glob("w-*.json")
    doc = json.loads(path.read_text())
    listed = approvals.read_approvers(home.baselines)
    (alias,) = approvals.sign(waivers.FORMAT, doc["body"], (), listed, key, "t.tanaka", "w")
    doc["signatures"].append(alias.to_json())
    path.write_text(json.dumps(doc))
    assert lineguard(["--home", str(home.root), "check", "--no-email", "--now", NOW]) == 1


def test_nagios_judges_each_finding_by_its_own_sites_threshold(tmp_path, home, capsys) -> None:
    """The plugin used the fleet default threshold only: a site that alerts from medium had
    its alert-worthy findings shown to the NOC as a mere WARNING (and a lab site that alerts
    only on critical paged the NOC as CRITICAL for its high findings)."""
    (home.root / "config.toml").write_text('alert_threshold = "critical"\n'
                                           '[site.kobe]\nalert_threshold = "medium"\n')
    key, pub = generate(tmp_path / "agent.key")
    assert lineguard(["--home", str(home.root), "agents", "add", "ems-kobe-01", "--key",
                      str(pub), "--site", "kobe"]) == 0      # never reported: medium
    assert lineguard(["--home", str(home.root), "check", "--no-email", "--now", NOW]) == 1
    capsys.readouterr()
    rc = lineguard(["--home", str(home.root), "check", "--format", "nagios", "--now", NOW])
    line = capsys.readouterr().out
    assert (rc, line.split(" - ")[0]) == (2, "LINEGUARD CRITICAL")


def test_an_archive_cannot_point_the_inventory_outside_it_or_at_a_frozen_copy(
        tmp_path, capsys) -> None:
    """RANCID's router.db named `../../..` paths and the inventory read whatever they reached;
    a config that was a symbolic link was written as its target, so the device was judged
    from a frozen copy for ever (RANCID replacing the link changed nothing); an Oxidized file
    name with a line break wrote devices of its own into the inventory."""
    base = rancid_base(tmp_path / "rancid")
    frozen = tmp_path / "frozen-atm-kobe-01"
    shutil.move(base / "kobe/configs/atm-kobe-01", frozen)
    (base / "kobe/configs/atm-kobe-01").symlink_to(frozen)
    secret = tmp_path / "secret.cfg"
    secret.write_text(RANCID_IOS_HEAD + ios("atm-kobe-07", "kobe"))
    with (base / "kobe/router.db").open("a") as db:
        db.write("../../../secret.cfg;cisco;up\n")
    inv = tmp_path / "inventory.toml"
    assert agent_cli(["import", "rancid", str(base), "--out", str(inv)]) == 0
    devices = {d.name: d for d in inventory.load(inv)}
    assert set(devices) == {"atm-kobe-01", "atm-kobe-02", "ATM-NARA-01"}
    assert 'path = "rancid/kobe/configs/atm-kobe-01"' in inv.read_text()
    assert "frozen" not in inv.read_text()
    assert '# "../../../secret.cfg": not imported: not a device name' in inv.read_text()

    out = tmp_path / "oxidized"
    (out / "kobe").mkdir(parents=True)
    (out / "kobe/atm-kobe-03").write_text(ios("atm-kobe-03", "kobe"))
    evil = 'x\n[[device]]\nname = "planted"\nplatform = "cisco_ios"\nmethod = "file"\npath = "planted.cfg"'
    (out / "kobe" / evil).write_text(ios("atm-kobe-09", "kobe"))
    inv2 = tmp_path / "inventory2.toml"
    assert agent_cli(["import", "oxidized", str(out), "--out", str(inv2)]) == 0
    assert [d.name for d in inventory.load(inv2)] == ["atm-kobe-03"]


def _check(home: Home, capsys) -> tuple[int, list[dict]]:
    capsys.readouterr()
    rc = lineguard(["--home", str(home.root), "check", "--json", "--no-email", "--now", NOW])
    return rc, json.loads(capsys.readouterr().out)["findings"]


def test_removing_an_agent_does_not_silence_its_planted_job(tmp_path, home, capsys) -> None:
    """`agents remove` is one operator's command: it took the agent's targets out of every
    view, so a planted destructive job on them left check, mail and the NOC without a trace
    but the audit log. The removal, a key rotation and a target move are findings for a week
    (two approvers may waive them), naming what was open when it happened."""
    ingest_planted(tmp_path, home)
    rc, before = _check(home, capsys)
    assert rc == 1 and any(f["kind"] == "job" for f in before)
    assert lineguard(["--home", str(home.root), "agents", "remove", "ems-01",
                      "--reason", "decommissioned"]) == 0
    rc, after = _check(home, capsys)
    assert rc == 1
    [removal] = [f for f in after if f["kind"] == "trust"]
    assert removal["severity"] == "high" and removal["target"] == "ems-01"
    assert "removed" in removal["title"] and "decommissioned" in removal["title"]
    assert "destructive at job on ems-01" in removal["detail"]


def test_a_key_rotation_and_a_target_move_are_findings(tmp_path, home, capsys) -> None:
    ingest_planted(tmp_path, home)
    _, pub = generate(tmp_path / "new.key")
    assert lineguard(["--home", str(home.root), "agents", "rotate-key", "ems-01",
                      "--key", str(pub)]) == 0
    _, pub2 = generate(tmp_path / "other.key")
    assert lineguard(["--home", str(home.root), "agents", "add", "ems-02", "--key",
                      str(pub2)]) == 0
    assert lineguard(["--home", str(home.root), "agents", "assign", "ems-01",
                      "--to", "ems-02"]) == 0
    _, found = _check(home, capsys)
    titles = sorted(f["title"] for f in found if f["kind"] == "trust")
    assert len(titles) == 2
    assert "ems-01 moved from ems-01 to ems-02" in titles[0]
    assert "key of agent ems-01 replaced" in titles[1]


def test_a_device_relabelled_to_a_quiet_site_is_a_finding_at_its_old_site(
        home, chain, tmp_path, capsys) -> None:
    """A device's site is what the agent's inventory says in its newest poll: an operator on
    the management server relabelled a device to a lab site (alerts only on critical, one
    approver) and its drift went unmailed, judged by the lab's rules."""
    (home.root / "config.toml").write_text('[site.lab]\nalert_threshold = "critical"\n'
                                           'approvals = 1\nmail_to = ["lab@example.net"]\n')
    fleet = Fleet(home, chain)
    fleet.poll(device("atm-kobe-01", site="kobe"))
    fleet.poll(device("atm-kobe-01", site="lab", config=ios_config("atm-kobe-01", 20, 99)))
    rc, found = _check(home, capsys)
    [move] = [f for f in found if f["kind"] == "site"]
    assert (move["site"], move["severity"], move["target"]) == ("kobe", "high", "atm-kobe-01")
    assert rc == 1
    # one approver, enough for the lab, cannot make the move the reference
    proposal = baseline.propose(fleet.store, "atm-kobe-01", home.baselines)
    assert baseline.approve(proposal, fleet.approver(tmp_path), "tanaka", required=1).in_force
    _, found = _check(home, capsys)
    assert [f["site"] for f in found if f["kind"] == "site"] == ["kobe"]


def test_metrics_count_a_finding_at_the_site_it_belongs_to(home, chain, tmp_path) -> None:
    """The metrics took each finding's site from its target's current label, not from the
    finding: a device's move out of kobe was counted as the lab's, where kobe's alert rule
    never saw it."""
    fleet = Fleet(home, chain)
    fleet.poll(device("atm-kobe-01", site="kobe"))
    fleet.poll(device("atm-kobe-01", site="lab"))
    out = tmp_path / "lineguard.prom"
    assert lineguard(["--home", str(home.root), "metrics", "--now", NOW, "--out", str(out)]) == 0
    families = {f.name: f for f in text_string_to_metric_families(out.read_text())}
    moves = {s.labels["site"]: s.value for s in families["lineguard_findings"].samples
             if s.labels["kind"] == "site"}
    assert moves == {"kobe": 1}


def test_a_script_written_through_a_hard_link_elsewhere_is_seen(tmp_path) -> None:
    """inotify reports a write only under the folder of the name it was made through: a hard
    link to a job's script in an unwatched folder changed what the job runs unseen until the
    next scheduled poll."""
    root = tmp_path / "root"
    (root / "opt/ems").mkdir(parents=True)
    (root / "var/tmp").mkdir(parents=True)
    script = root / "opt/ems/poll.sh"
    script.write_text("#!/bin/sh\n/opt/ems/bin/poll\n")
    os.link(script, root / "var/tmp/.x")
    calls: list[set[Path]] = []
    watch = HostWatch(root, ["opt/ems/poll.sh"], calls.append, debounce_s=0.2, sweep_s=0.5)
    watch.start()
    try:
        watch.verify({"opt/ems/poll.sh": hashlib.sha256(script.read_bytes()).hexdigest()})
        assert not calls
        with open(root / "var/tmp/.x", "r+") as f:       # the same inode, another name
            f.write("#!/bin/sh\nrm -rf /var/lib/ems/linedata\n")
        wait_for(lambda: any(script in c for c in calls), "the script's new bytes", 60)
    finally:
        watch.stop()


def test_an_older_approved_baseline_copied_back_is_a_finding(home, chain, tmp_path,
                                                            capsys) -> None:
    """Baselines are files anyone with write access to the folder can replace: copying back
    an older, validly signed baseline from before four PVCs were provisioned made their
    deletion match the reference, and the line data loss went unreported."""
    fleet = Fleet(home, chain)
    keys = {name: fleet.approver(tmp_path, name) for name in ("tanaka", "sato")}

    def approve() -> None:
        assert lineguard(["--home", str(home.root), "baseline", "propose", "atm-kobe-01"]) == 0
        for name, key in keys.items():
            assert lineguard(["--home", str(home.root), "baseline", "approve", "atm-kobe-01",
                              "--key", str(key), "--by", name]) == 0

    fleet.poll(device("atm-kobe-01", pvcs=20))
    approve()
    old = (home.baselines / "atm-kobe-01.json").read_bytes()
    fleet.poll(device("atm-kobe-01", pvcs=24))
    approve()
    fleet.poll(device("atm-kobe-01", pvcs=20))                 # four PVCs deleted
    (home.baselines / "atm-kobe-01.json").write_bytes(old)     # and the old reference back
    rc, found = _check(home, capsys)
    [rollback] = [f for f in found if f["kind"] == "baseline"]
    assert rollback["severity"] == "high" and "older than the one in force" in rollback["title"]
    assert rc == 1
    (home.baselines / "atm-kobe-01.json").unlink()
    _, found = _check(home, capsys)
    assert any("is gone from the baselines folder" in f["title"] for f in found)


def test_a_user_unit_of_a_user_created_later_is_snapshotted(tmp_path) -> None:
    """User unit folders were watched for the homes that existed when the watch started: a
    new account's home with a timer in it (useradd -m, then ~/.config/systemd/user/x.timer)
    went unseen until the next scheduled poll."""
    root = tiny_root(tmp_path / "root")
    (root / "home/alice").mkdir(parents=True)
    cfg = agent_config(tmp_path, watch=True)
    with daemon(cfg):
        wait_for(lambda: len(snapshots(cfg.outbox)) == 1, "the first scheduled snapshot")
        units = root / "home/bob/.config/systemd/user"
        units.mkdir(parents=True)
        (units / "sync.service").write_text("[Service]\nExecStart=/bin/rm -rf /var/lib/ems\n")
        (units / "sync.timer").write_text("[Timer]\nOnCalendar=2027-02-10 03:00\n")
        name = "home/bob/.config/systemd/user/sync.timer"
        wait_for(lambda: any(t.artifact(name) for s in snapshots(cfg.outbox)
                             for t in s.targets), "a snapshot holding the new user unit", 60)
