"""An insider's attacks on the newest surfaces (device listener, host watch, NOC renderings,
approvals), each found by a hostile review: every test here failed before its fix."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from agent import listen
from agent.devices.inventory import Device
from agent.listen import DeviceEvent, DeviceListener, Endpoint
from tests.test_realtime import wait_for

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
