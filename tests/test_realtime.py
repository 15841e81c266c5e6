"""Seconds, not poll intervals: a planted job is snapshotted as soon as it is written, and a
device that says it changed (syslog, SNMP notification) is polled at once — from inventory
devices only, at a bounded rate, and without stopping the schedule when a port is taken.

Every wait here is a bounded loop that ends as soon as its condition holds; none asserts how
fast the machine is."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from lineguard.agent.config import AgentConfig
from lineguard.agent.daemon import EventSnapshots, run
from lineguard.agent.devices.credentials import Credential
from lineguard.agent.devices.inventory import Device
from lineguard.agent.keys import generate
from lineguard.agent.listen import DeviceEvent, DeviceListener, Endpoint
from lineguard.agent.outbox import pending
from lineguard.formats.wire import Snapshot, load
from lineguard.sim.events import EventSender
from lineguard.sim.fleet import CREDENTIALS, Fleet
from tests.sim_support import VC_XC, remove_pvc, set_int, v2c
from tests.test_agent_delivery import tiny_root

DEADLINE_S = 120.0


def wait_for(cond: Callable[[], object], what: str, deadline: float = DEADLINE_S) -> None:
    end = time.monotonic() + deadline
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what} after {deadline:.0f} s")
        time.sleep(0.05)


def snapshots(outbox: Path) -> list[Snapshot]:
    return [load(p.read_bytes()).snapshot for p in pending(outbox)]


@contextmanager
def daemon(cfg: AgentConfig) -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=run, args=(cfg,), kwargs={"stop": stop}, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=60)
        assert not thread.is_alive(), "the daemon stopped when asked"


def agent_config(tmp_path: Path, **kw: object) -> AgentConfig:
    key, _ = generate(tmp_path / "agent.key")
    defaults: dict = dict(name="ems-01", key=key, root=tmp_path / "root",
                          outbox=tmp_path / "outbox", interval_minutes=600.0, live=False,
                          watch=False, watch_debounce_s=0.3, event_min_interval_s=0.5)
    defaults.update(kw)
    return AgentConfig(**defaults)


def test_a_planted_cron_file_is_snapshotted_without_waiting_for_the_schedule(tmp_path):
    root = tiny_root(tmp_path / "root")
    cfg = agent_config(tmp_path, watch=True)
    with daemon(cfg):
        wait_for(lambda: len(snapshots(cfg.outbox)) == 1, "the first scheduled snapshot")
        (root / "etc/cron.d/.tmp-planted").write_text("partial")      # an editor's scratch
        (root / "etc/cron.d/.tmp-planted").rename(root / "etc/cron.d/sync-ne")
        (root / "etc/cron.d/sync-ne").write_text("0 3 14 2 * root /opt/ems/poll.sh --purge\n")
        wait_for(lambda: len(snapshots(cfg.outbox)) >= 2, "a snapshot after the change")
    newest = snapshots(cfg.outbox)[-1]
    (host,) = newest.targets
    assert host.artifact("etc/cron.d/sync-ne") is not None
    # the burst (create, rename, write) was one snapshot, not three
    assert len(snapshots(cfg.outbox)) == 2


def test_an_at_job_in_a_spool_that_did_not_exist_yet_is_seen(tmp_path):
    root = tiny_root(tmp_path / "root")
    cfg = agent_config(tmp_path, watch=True)
    with daemon(cfg):
        wait_for(lambda: len(snapshots(cfg.outbox)) == 1, "the first scheduled snapshot")
        spool = root / "var/spool/cron/atjobs"
        spool.mkdir(parents=True)                  # at's first job creates the whole path
        (spool / "a0000101c3e2a0").write_text("#!/bin/sh\n# atrun uid=0 gid=0\n/opt/x\n")
        wait_for(lambda: any(t.artifact("var/spool/cron/atjobs/a0000101c3e2a0")
                             for s in snapshots(cfg.outbox) for t in s.targets),
                 "a snapshot holding the new at job")


def test_other_files_beside_a_watched_script_are_not_changes(tmp_path, caplog):
    root = tiny_root(tmp_path / "root")
    cfg = agent_config(tmp_path, watch=True)
    with caplog.at_level(logging.INFO, logger="lineguard.agent"), daemon(cfg):
        wait_for(lambda: len(snapshots(cfg.outbox)) == 1, "the first scheduled snapshot")
        (root / "opt/ems/README").write_text("unrelated\n")      # beside poll.sh
        (root / "opt/ems/logs").mkdir()
        (root / "etc/cron.d/ems").write_text("*/10 * * * * root /opt/ems/poll.sh\n")
        # the log line says why; it is written after the snapshot file, so wait for it. Only
        # this agent's lines: an earlier test's agent may still be logging as this one starts
        def ours() -> list[str]:
            return [m for r in list(caplog.records)
                    if "snapshot #2" in (m := r.getMessage()) and str(cfg.outbox) in m]
        wait_for(lambda: bool(ours()), "the log line of a snapshot after the cron change")
    logged = [r.getMessage() for r in caplog.records]
    reasons = ours()
    assert reasons and "/etc/cron.d/ems" in reasons[0] and "/opt/ems" not in reasons[0], logged


def test_a_job_planted_in_a_swapped_cron_folder_is_seen(tmp_path):
    root = tiny_root(tmp_path / "root")
    cfg = agent_config(tmp_path, watch=True)
    with daemon(cfg):
        wait_for(lambda: len(snapshots(cfg.outbox)) == 1, "the first scheduled snapshot")
        (root / "etc/cron.d").rename(root / "etc/cron.d.orig")     # inotify follows this one
        (root / "etc/cron.d").mkdir()
        wait_for(lambda: len(snapshots(cfg.outbox)) >= 2, "a snapshot after the swap")
        settled = len(snapshots(cfg.outbox))
        (root / "etc/cron.d/sync-ne").write_text("0 3 14 2 * root /opt/ems/poll.sh --purge\n")
        wait_for(lambda: any(t.artifact("etc/cron.d/sync-ne")
                             for s in snapshots(cfg.outbox)[settled - 1:] for t in s.targets),
                 "a snapshot holding the job planted in the new folder")


def test_a_replaced_script_of_a_job_is_snapshotted_too(tmp_path):
    root = tiny_root(tmp_path / "root")
    cfg = agent_config(tmp_path, watch=True)
    with daemon(cfg):
        wait_for(lambda: len(snapshots(cfg.outbox)) == 1, "the first scheduled snapshot")
        (root / "opt/ems/poll.sh").write_text("#!/bin/sh\nrm -rf /var/lib/ems/linedata\n")
        wait_for(lambda: len(snapshots(cfg.outbox)) >= 2, "a snapshot after the script changed")
    script = snapshots(cfg.outbox)[-1].targets[0].artifact("opt/ems/poll.sh")
    assert script is not None and b"rm -rf" in (script.content or "").encode()


def _devices() -> list[Device]:
    return [Device(name=n, platform=p, site="kobe", method="cli", host="127.0.0.1", port=2200)
            for n, p in (("atm-kobe-01", "cisco_ios"), ("atm-kobe-02", "juniper_junos"))]


@pytest.fixture
def listener() -> Iterator[tuple[DeviceListener, list[DeviceEvent]]]:
    events: list[DeviceEvent] = []
    lst = DeviceListener(_devices(), events.append, syslog=Endpoint("127.0.0.1", 0))
    lst.start()
    yield lst, events
    lst.stop()


def _send(lst: DeviceListener, text: str, source: str = "127.0.0.1") -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((source, 0))
        s.sendto(text.encode(), lst.bound["syslog/udp"])


def test_syslog_only_from_inventory_devices_and_only_changes_count(listener) -> None:
    lst, events = listener
    change = "<189>12: {host}: *Dec  1 17:00:00.123 JST: %SYS-5-CONFIG_I: Configured from console"
    _send(lst, change.format(host="atm-kobe-01"), source="127.0.0.2")     # not an inventory host
    _send(lst, change.format(host="atm-nara-09"))                         # not an inventory name
    _send(lst, "<189>13: atm-kobe-01: *Dec  1 17:00:01 JST: %LINK-3-UPDOWN: Interface ATM0/0/0")
    _send(lst, "<14>1 2026-12-01T08:00:00Z atm-kobe-02 mgd 4242 UI_COMMIT - User 'x' "
               "requested 'commit' operation")                            # RFC 5424
    _send(lst, change.format(host="atm-kobe-01"))
    wait_for(lambda: sum(lst.counts.values()) == 5, "five messages counted")
    assert lst.counts == {"unknown source": 1, "unknown device": 1, "not a change": 1,
                          "accepted": 2}
    assert [(e.device, e.via) for e in events] == [("atm-kobe-02", "syslog"),
                                                   ("atm-kobe-01", "syslog")]


def test_syslog_over_tcp_octet_counted_and_newline_framed(listener) -> None:
    lst, events = listener
    msg = b"<189>7: atm-kobe-01: *Dec  1 17:00:00 JST: %SYS-5-CONFIG_I: Configured from console"
    with socket.create_connection(lst.bound["syslog/tcp"], timeout=30) as s:
        s.sendall(str(len(msg)).encode() + b" " + msg + msg + b"\n")
    wait_for(lambda: lst.counts["accepted"] == 2, "two framed messages")
    assert {e.device for e in events} == {"atm-kobe-01"}


def test_a_burst_of_syslog_causes_a_bounded_number_of_polls() -> None:
    sched = BackgroundScheduler()
    sched.start()
    polls: list[float] = []
    events = EventSnapshots(sched, lambda reason: polls.append(time.monotonic()), 1.0)
    lst = DeviceListener(_devices(), lambda ev: events.request(ev.device),
                         syslog=Endpoint("127.0.0.1", 0))
    lst.start()
    try:
        start = time.monotonic()
        msg = b"<189>1: atm-kobe-01: *Dec  1 17:00:00 JST: %SYS-5-CONFIG_I: Configured\n"
        with socket.create_connection(lst.bound["syslog/tcp"], timeout=30) as s:
            s.sendall(msg * 1000)
        wait_for(lambda: lst.counts["accepted"] == 1000, "all 1,000 messages")
        flood = time.monotonic() - start
        wait_for(lambda: polls and sched.get_job("event") is None, "the last coalesced poll")
    finally:
        lst.stop()
        sched.shutdown()
    # one poll at once, then at most one per second of flood, plus the trailing one
    assert 1 <= len(polls) <= 2 + int(flood / 1.0)
    # spaced by the interval (the callback's own clock reading may lag its start a little)
    assert all(b - a >= 0.9 for a, b in zip(polls, polls[1:], strict=False))


def test_a_taken_syslog_port_is_a_clear_error_and_polling_goes_on(tmp_path, caplog) -> None:
    tiny_root(tmp_path / "root")
    taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    taken.bind(("127.0.0.1", 0))
    port = taken.getsockname()[1]
    inv = tmp_path / "inventory.toml"
    inv.write_text('[[device]]\nname = "atm-kobe-01"\nplatform = "cisco_ios"\nmethod = "file"\n'
                   'path = "none.cfg"\n')
    cfg = agent_config(tmp_path, syslog_listen=f"127.0.0.1:{port}", inventory=inv)
    try:
        with caplog.at_level(logging.INFO, logger="lineguard.agent"), daemon(cfg):
            wait_for(lambda: len(snapshots(cfg.outbox)) == 1, "the scheduled snapshot")
    finally:
        taken.close()
    assert f"cannot listen on 127.0.0.1:{port}/udp" in caplog.text
    assert "devices are polled on schedule" in caplog.text


ENGINE_ID = "80001f8880c71100000a000001"


@pytest.mark.skipif(shutil.which("snmptrap") is None,
                    reason="net-snmp's snmptrap is not installed (apt-get install -y snmp)")
def test_snmpv3_notifications_need_the_devices_user_keys_and_engine_id() -> None:
    got: list[DeviceEvent] = []
    v3 = Credential(name="traps", user="lgtrap", auth_key="auth-key-kobe-01",
                    auth_proto="SHA", priv_key="priv-key-kobe-01", priv_proto="AES",
                    engine_id=ENGINE_ID)
    devices = [Device(name="atm-kobe-03", platform="atm_mib", site="kobe", method="snmp",
                      host="127.0.0.1", port=161)]
    lst = DeviceListener(devices, got.append, traps=Endpoint("127.0.0.1", 0), trap_auth=[v3])
    lst.start()
    try:
        host, port = lst.bound["trap/udp"]

        def trap(priv_key: str) -> None:
            subprocess.run(["snmptrap", "-v3", "-e", f"0x{ENGINE_ID}", "-u", "lgtrap",
                            "-l", "authPriv", "-a", "SHA", "-A", "auth-key-kobe-01",
                            "-x", "AES", "-X", priv_key, f"udp:{host}:{port}", "",
                            "1.3.6.1.4.1.9.9.43.2.0.1"],
                           check=True, timeout=60, capture_output=True)
        trap("a-guessed-privacy-key")               # decrypts to garbage: never accepted
        trap("priv-key-kobe-01")
        wait_for(lambda: lst.counts["accepted"] == 1, "the authenticated notification")
    finally:
        lst.stop()
    assert [(e.device, e.via, e.text) for e in got] == [
        ("atm-kobe-03", "trap", "1.3.6.1.4.1.9.9.43.2.0.1")]


@pytest.fixture(scope="module")
def event_fleet(tmp_path_factory) -> Iterator[Fleet]:
    with Fleet.start(sites=1, devices=3, out_dir=tmp_path_factory.mktemp("fleet")) as fleet:
        yield fleet


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rows(snap: Snapshot, device: str) -> set[str]:
    from lineguard.collector.baseline import line_data
    target = next(t for t in snap.targets if t.name == device)
    assert target.status == "ok", target.error
    return {repr(r.key()) for r in line_data(target) or ()}


def test_device_changes_over_cli_and_snmp_are_polled_at_once(event_fleet, tmp_path) -> None:
    syslog, traps = _free_udp_port(), _free_udp_port()
    event_fleet.send_events(EventSender(syslog=("127.0.0.1", syslog),
                                        traps=("127.0.0.1", traps),
                                        community=CREDENTIALS["lab-snmp"]["community"]))
    tiny_root(tmp_path / "root")
    cfg = agent_config(tmp_path, inventory=event_fleet.inventory_path,
                       credentials=event_fleet.credentials_path,
                       syslog_listen=f"127.0.0.1:{syslog}", trap_listen=f"127.0.0.1:{traps}",
                       trap_credentials=("lab-snmp",))
    ios = event_fleet.by_platform("cisco_ios")[0]
    mib = event_fleet.by_platform("atm_mib")[0]
    with daemon(cfg):
        wait_for(lambda: len(snapshots(cfg.outbox)) == 1, "the first scheduled snapshot")
        first = snapshots(cfg.outbox)[0]
        intf, sub, pvc = ios.state.all_pvcs()[0]
        remove_pvc(ios, f"{intf.name}.{sub.number} point-to-point", pvc.vpi, pvc.vci)
        wait_for(lambda: len(snapshots(cfg.outbox)) >= 2, "a poll after the IOS syslog")
        after_cli = snapshots(cfg.outbox)[-1]
        xc = next(x for x in mib.state.cross_connects.values() if x.kind == "vc")
        index = ".".join(str(n) for n in (xc.index, xc.low_if, xc.low_vpi, xc.low_vci,
                                          xc.high_if, xc.high_vpi, xc.high_vci))
        set_int(v2c(), mib.port, f"{VC_XC}.1.13.{index}", 6)
        wait_for(lambda: len(snapshots(cfg.outbox)) >= 3, "a poll after the ATM switch's trap")
        after_snmp = snapshots(cfg.outbox)[-1]
    assert len(_rows(first, ios.name)) - len(_rows(after_cli, ios.name)) == 1
    assert len(_rows(after_snmp, mib.name)) < len(_rows(after_cli, mib.name))
