"""Device events: syslog (UDP and TCP, RFC 3164 and RFC 5424) and SNMP notifications (v2c and v3)
from the inventory's devices, turned into "poll this device now" when the device's platform says
the message means its configuration or line data changed.

A message is accepted only from a device of the inventory: its source address must be the
address the inventory polls, and where several devices share an address (a terminal server,
the simulator) the hostname the message carries must name one of them. Everything else is
counted and dropped, never acted on. Listening is best effort: a port that cannot be bound is
one clear error, and the agent goes on polling on its schedule."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lineguard.agent.devices import profiles
from lineguard.agent.devices.credentials import Credential
from lineguard.agent.devices.inventory import Device

log = logging.getLogger("lineguard.agent.listen")

MAX_SYSLOG_BYTES = 8192                       # RFC 5426 and 6587 receivers accept at least 2048
MAX_TCP_CONNECTIONS = 32                      # open syslog streams at once, from inventory devices
TCP_IDLE_S = 300.0                            # a stream silent this long is closed
_PRI = re.compile(rb"^<(\d{1,3})>")
_RFC5424 = re.compile(r"^1 (\S+) (\S+) (\S+) (\S+) (\S+) (.*)$", re.S)
_SNMP_TRAP_OID = "1.3.6.1.6.3.1.1.4.1.0"


class ListenError(Exception):
    """A listening socket could not be opened; the message says which and why."""


@dataclass(frozen=True)
class DeviceEvent:
    device: str
    via: str                                  # syslog | trap
    text: str                                 # the message, or the notification's OID
    source: str                               # the sender's address


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int

    @classmethod
    def parse(cls, text: str, what: str) -> Endpoint:
        host, sep, port = text.rpartition(":")
        if not sep or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"{what} must be HOST:PORT (e.g. 0.0.0.0:514), not {text!r}")
        return cls(host.strip("[]") or "0.0.0.0", int(port))


def syslog_header_words(text: str) -> tuple[list[str], str]:
    """The words of a syslog message's header that may name its host, and the message.

    RFC 5424: `1 TIMESTAMP HOSTNAME APP PROCID MSGID SD MSG`. RFC 3164 and what devices send
    as it: `Mmm dd hh:mm:ss HOST TAG: MSG`, IOS with `logging origin-id hostname` and sequence
    numbers: `52: atm-kobe-01: *Dec  1 17:00:00.123 JST: %SYS-5-CONFIG_I: ...`. The words up to
    the message are all candidates; the caller keeps the one that is an inventory device."""
    m = _RFC5424.match(text)
    if m:   # Junos puts its event tag (UI_COMMIT) in MSGID: keep it with the message
        return [m.group(2)], f"{m.group(5)} {m.group(6)}"
    words = text.split()
    return [w.rstrip(":") for w in words[:8]], text


class DeviceListener:
    """Listens for syslog and notifications; calls `on_event` for each change event of a known
    device (from its own thread). `counts` says what was dropped and why."""

    def __init__(self, devices: Iterable[Device], on_event: Callable[[DeviceEvent], None], *,
                 syslog: Endpoint | None = None, traps: Endpoint | None = None,
                 trap_auth: Iterable[Credential] = ()) -> None:
        self.devices = {d.name.lower(): d for d in devices if d.host}
        self.addresses: dict[str, set[str]] = {}
        for d in self.devices.values():
            self.addresses.setdefault(_plain_address(_resolve(d.host or "")), set()).add(d.name.lower())
        self.on_event = on_event
        self.syslog, self.traps = syslog, traps
        self.trap_auth = tuple(trap_auth)
        self.counts: Counter[str] = Counter()
        self.bound: dict[str, tuple[str, int]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._closers: list[Callable[[], None]] = []
        self._streams = 0

    def start(self) -> None:
        """Bind every configured socket now (a clear ListenError when one cannot be bound),
        then serve them from a thread."""
        loop = asyncio.new_event_loop()
        sockets = []
        try:
            if self.syslog:
                sockets.append(("syslog/udp", _bind(self.syslog, socket.SOCK_DGRAM)))
                sockets.append(("syslog/tcp", _bind(self.syslog, socket.SOCK_STREAM)))
            if self.traps:
                sockets.append(("trap/udp", _bind(self.traps, socket.SOCK_DGRAM)))
        except ListenError:
            for _, s in sockets:
                s.close()
            loop.close()
            raise
        self._loop = loop
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            for kind, sock in sockets:
                self.bound[kind] = sock.getsockname()[:2]
                loop.run_until_complete(self._open(kind, sock))
            ready.set()
            loop.run_forever()
            for close in self._closers:
                close()
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()

        self._thread = threading.Thread(target=serve, name="lineguard-listen", daemon=True)
        self._thread.start()
        ready.wait(timeout=30)

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    async def _open(self, kind: str, sock: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        if kind == "syslog/udp":
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _SyslogDatagrams(self), sock=sock)
            self._closers.append(transport.close)
        elif kind == "syslog/tcp":
            server = await asyncio.start_server(self._syslog_stream, sock=sock,
                                                limit=MAX_SYSLOG_BYTES * 2)
            self._closers.append(server.close)
        else:
            self._closers.append(_trap_receiver(self, sock))

    async def _syslog_stream(self, reader: asyncio.StreamReader,
                             writer: asyncio.StreamWriter) -> None:
        """RFC 6587: octet-counted frames (`LEN SP MSG`) or newline-terminated ones."""
        peer = writer.get_extra_info("peername") or ("?", 0)
        source = _plain_address(str(peer[0]))
        # every open stream holds a file descriptor the agent's polls need: only inventory
        # devices may hold one, and only so many at once, and none for ever
        if source not in self.addresses:
            self.counts["unknown source"] += 1
            writer.close()
            return
        if self._streams >= MAX_TCP_CONNECTIONS:
            self.counts["too many streams"] += 1
            writer.close()
            return
        self._streams += 1
        try:
            while True:
                head = await asyncio.wait_for(reader.read(1), TCP_IDLE_S)
                if not head:
                    break
                if head.isdigit():
                    digits = head + await asyncio.wait_for(reader.readuntil(b" "), TCP_IDLE_S)
                    size = int(digits[:-1])
                    if size > MAX_SYSLOG_BYTES:
                        self.counts["oversized"] += 1
                        break
                    self.syslog_message(
                        await asyncio.wait_for(reader.readexactly(size), TCP_IDLE_S), source)
                else:
                    self.syslog_message(
                        head + await asyncio.wait_for(reader.readuntil(b"\n"), TCP_IDLE_S),
                        source)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError,
                ConnectionError):
            self.counts["bad frame"] += 1
        except TimeoutError:
            self.counts["idle stream"] += 1
        finally:
            self._streams -= 1
            writer.close()

    def syslog_message(self, data: bytes, source: str) -> None:
        m = _PRI.match(data)
        if not m:
            self.counts["not syslog"] += 1
            return
        text = data[m.end():].decode("utf-8", errors="replace").lstrip("\ufeff").strip()
        words, message = syslog_header_words(text)
        device = self._device(source, words)
        if device is None:
            return
        patterns = profiles.get(device.platform).change_messages
        if any(p.search(message) for p in patterns):
            self._emit(DeviceEvent(device.name, "syslog", message[:500], source))
        else:
            self.counts["not a change"] += 1

    def notification(self, oid: str, source: str, words: list[str]) -> None:
        device = self._device(source, words)
        if device is None:
            return
        if oid in profiles.get(device.platform).change_notifications:
            self._emit(DeviceEvent(device.name, "trap", oid, source))
        else:
            self.counts["not a change"] += 1

    def _device(self, source: str, words: list[str]) -> Device | None:
        names = self.addresses.get(_plain_address(source))
        if not names:
            self.counts["unknown source"] += 1
            return None
        if len(names) == 1:
            return self.devices[next(iter(names))]
        named = [w.lower() for w in words if w.lower() in names]
        if len(set(named)) != 1:
            self.counts["unknown device"] += 1
            return None
        return self.devices[named[0]]

    def _emit(self, event: DeviceEvent) -> None:
        self.counts["accepted"] += 1
        try:
            self.on_event(event)
        except Exception:
            log.exception("handling %s event of %s failed", event.via, event.device)


class _SyslogDatagrams(asyncio.DatagramProtocol):
    def __init__(self, listener: DeviceListener) -> None:
        self.listener = listener

    def datagram_received(self, data: bytes, addr: tuple) -> None:
        self.listener.syslog_message(data[:MAX_SYSLOG_BYTES], addr[0])


def _trap_receiver(listener: DeviceListener, sock: socket.socket) -> Callable[[], None]:
    """pysnmp's notification receiver on an already bound socket; returns its closer."""
    from pysnmp.carrier.asyncio.dgram import udp
    from pysnmp.entity import config, engine
    from pysnmp.entity.rfc3413 import ntfrcv
    from pysnmp.proto.rfc1902 import OctetString

    from lineguard.agent.devices.snmp import AUTH_PROTOCOLS, PRIV_PROTOCOLS

    snmp_engine = engine.SnmpEngine()
    for i, cred in enumerate(listener.trap_auth, 1):
        if cred.community:
            config.add_v1_system(snmp_engine, f"lineguard-trap-{i}", cred.community)
        if cred.user:
            auth = AUTH_PROTOCOLS[(cred.auth_proto or "SHA").upper()] if cred.auth_key else None
            priv = PRIV_PROTOCOLS[(cred.priv_proto or "AES").upper()] if cred.priv_key else None
            config.add_v3_user(snmp_engine, cred.user, auth or config.USM_AUTH_NONE,
                               cred.auth_key, priv or config.USM_PRIV_NONE, cred.priv_key,
                               securityEngineId=OctetString(hexValue=cred.engine_id))
    config.add_transport(snmp_engine, udp.DOMAIN_NAME,
                         udp.UdpTransport().open_server_mode(sock=sock))

    def received(snmp_engine, state_reference, context_engine_id, context_name, var_binds,
                 cb_ctx) -> None:
        _, address = snmp_engine.message_dispatcher.get_transport_info(state_reference)
        values = {str(name): value for name, value in var_binds}
        oid = str(values.get(_SNMP_TRAP_OID, ""))
        words = [str(v) for v in values.values()]
        listener.notification(oid, address[0], words)

    receiver = ntfrcv.NotificationReceiver(snmp_engine, received)

    def close() -> None:
        receiver.close(snmp_engine)
        snmp_engine.close_dispatcher()
    return close


def _bind(endpoint: Endpoint, kind: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in endpoint.host else socket.AF_INET
    sock = socket.socket(family, kind)
    try:
        if kind == socket.SOCK_STREAM:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((endpoint.host, endpoint.port))
        if kind == socket.SOCK_STREAM:
            sock.listen(64)
        sock.setblocking(False)
    except OSError as e:
        sock.close()
        proto = "tcp" if kind == socket.SOCK_STREAM else "udp"
        raise ListenError(f"cannot listen on {endpoint.host}:{endpoint.port}/{proto}: "
                          f"{e.strerror or e}") from None
    return sock


def _plain_address(address: str) -> str:
    """An IPv4 sender as a dual-stack (`[::]`) socket reports it, `::ffff:10.40.0.10`, as the
    inventory writes it, `10.40.0.10`."""
    try:
        mapped = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return address
    if isinstance(mapped, ipaddress.IPv6Address) and mapped.ipv4_mapped is not None:
        return str(mapped.ipv4_mapped)
    return str(mapped)


def _resolve(host: str) -> str:
    try:
        return socket.gethostbyname(host)
    except OSError:
        return host
