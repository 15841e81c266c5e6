"""A lean SNMPv2c GETBULK exchange for table walks: the request encoded and the response decoded
here (BER, RFC 3416 / X.690), over asyncio UDP.

Why not pysnmp for v2c: decoding a response with pyasn1 costs the agent more CPU per varbind than
the device spends answering, so a walk took about twice as long as net-snmp's `snmpbulkwalk` on
the same agent, and more on a loaded management server. SNMPv3 (USM authentication and privacy)
stays with pysnmp. Values come out as the same text pysnmp's values print as
(``agent.devices.snmp.format_varbind``), so a walk reads the same by either path.

Everything read from the network is untrusted: any malformed length, tag or nesting raises
``BerError`` and the message is dropped like a lost datagram."""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import random
from dataclasses import dataclass

_SEQUENCE, _INTEGER, _OCTETS, _NULL, _OID = 0x30, 0x02, 0x04, 0x05, 0x06
_GETBULK, _RESPONSE = 0xA5, 0xA2
# Application types and exceptions (RFC 2578, RFC 3416): tag -> the name pysnmp's class prints as.
_APPLICATION = {0x40: "IpAddress", 0x41: "Counter32", 0x42: "Gauge32", 0x43: "Timeticks",
                0x44: "Opaque", 0x46: "Counter64"}
NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW = 0x80, 0x81, 0x82
_VERSION_2C = 1


class BerError(ValueError):
    """A message that is not a well-formed SNMPv2c response."""


@dataclass(frozen=True)
class Varbind:
    oid: tuple[int, ...]
    tag: int                 # the value's BER tag (NO_SUCH_OBJECT etc. for the exceptions)
    value: bytes             # the value's content octets

    @property
    def exception(self) -> bool:
        return self.tag in (NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW)

    def text(self) -> str:
        """`OID = TYPE: VALUE`, as the pysnmp path prints the same value."""
        dotted = ".".join(map(str, self.oid))
        tag, raw = self.tag, self.value
        if tag == _OCTETS:
            if all(32 <= b < 127 for b in raw):
                text = raw.decode("ascii").replace("\\", "\\\\").replace('"', '\\"')
                return f'{dotted} = STRING: "{text}"'
            return f"{dotted} = Hex-STRING: {raw.hex(' ').upper()}"
        if tag == _INTEGER:
            return f"{dotted} = INTEGER: {_signed(raw)}"
        if tag == _OID:
            return f"{dotted} = OID: {'.'.join(map(str, _oid(raw)))}"
        if tag == 0x40:
            if len(raw) != 4:
                raise BerError("IpAddress of other than 4 octets")
            return f"{dotted} = IpAddress: {ipaddress.IPv4Address(raw)}"
        if tag == 0x44:
            return f"{dotted} = Opaque: 0x{raw.hex()}"
        if tag in _APPLICATION:
            return f"{dotted} = {_APPLICATION[tag]}: {int.from_bytes(raw, 'big')}"
        if tag == _NULL:
            return f"{dotted} = Null: "
        raise BerError(f"value of unknown type tag 0x{tag:02x}")


@dataclass(frozen=True)
class Response:
    request_id: int
    error_status: int
    error_index: int
    varbinds: list[Varbind]


# --- encoding ------------------------------------------------------------------------------

def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _length(len(body)) + body


def _int(n: int) -> bytes:
    return _tlv(_INTEGER, n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big", signed=True))


def _encode_oid(oid: tuple[int, ...]) -> bytes:
    if len(oid) < 2 or oid[0] > 2 or (oid[0] < 2 and oid[1] > 39):
        raise ValueError(f"not an OID: {oid}")
    out = bytearray()
    for arc in (oid[0] * 40 + oid[1], *oid[2:]):
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(chunk))
    return _tlv(_OID, bytes(out))


def encode_getbulk(community: bytes, request_id: int, max_repetitions: int,
                   oids: list[tuple[int, ...]]) -> bytes:
    """A v2c GetBulkRequest (non-repeaters 0) for the next rows after each OID."""
    varbinds = b"".join(_tlv(_SEQUENCE, _encode_oid(o) + b"\x05\x00") for o in oids)
    pdu = _tlv(_GETBULK, _int(request_id) + _int(0) + _int(max_repetitions) +
               _tlv(_SEQUENCE, varbinds))
    return _tlv(_SEQUENCE, _int(_VERSION_2C) + _tlv(_OCTETS, community) + pdu)


# --- decoding ------------------------------------------------------------------------------

def _read(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the TLV at `pos`, inside `end`."""
    if pos + 2 > end:
        raise BerError("truncated")
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first & 0x80:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > end:
            raise BerError("bad length")
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    else:
        length = first
    if pos + length > end:
        raise BerError("length beyond the message")
    return tag, pos, pos + length


def _expect(data: bytes, pos: int, end: int, tag: int) -> tuple[int, int]:
    found, start, stop = _read(data, pos, end)
    if found != tag:
        raise BerError(f"expected tag 0x{tag:02x}, found 0x{found:02x}")
    return start, stop


def _signed(raw: bytes) -> int:
    if not raw:
        raise BerError("empty INTEGER")
    return int.from_bytes(raw, "big", signed=True)


def _oid(raw: bytes) -> tuple[int, ...]:
    if not raw or raw[-1] & 0x80:
        raise BerError("bad OID")
    arcs: list[int] = []
    value = 0
    for b in raw:
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            arcs.append(value)
            value = 0
    first = arcs[0]
    head = (0, first) if first < 40 else (1, first - 40) if first < 80 else (2, first - 80)
    return head + tuple(arcs[1:])


def decode_response(data: bytes) -> tuple[bytes, Response]:
    """(community, Response) of a v2c Response-PDU; BerError for anything else."""
    start, end = _expect(data, 0, len(data), _SEQUENCE)
    s, e = _expect(data, start, end, _INTEGER)
    if _signed(data[s:e]) != _VERSION_2C:
        raise BerError("not SNMPv2c")
    cs, ce = _expect(data, e, end, _OCTETS)
    ps, pe = _expect(data, ce, end, _RESPONSE)
    fields = []
    pos = ps
    for _ in range(3):
        s, pos = _expect(data, pos, pe, _INTEGER)
        fields.append(_signed(data[s:pos]))
    vs, ve = _expect(data, pos, pe, _SEQUENCE)
    varbinds = []
    pos = vs
    while pos < ve:
        bs, pos = _expect(data, pos, ve, _SEQUENCE)
        os_, oe = _expect(data, bs, pos, _OID)
        tag, vs_, ve_ = _read(data, oe, pos)
        varbinds.append(Varbind(_oid(data[os_:oe]), tag, data[vs_:ve_]))
    return data[cs:ce], Response(fields[0], fields[1], fields[2], varbinds)


# --- the exchange --------------------------------------------------------------------------

class Timeout(Exception):
    """No response after every retransmission."""


class Session(asyncio.DatagramProtocol):
    """One UDP socket to one agent; requests matched to responses by request id."""

    def __init__(self, community: bytes) -> None:
        self.community = community
        self._waiting: dict[int, asyncio.Future[Response]] = {}
        self._ids = itertools.count(random.randrange(1, 1 << 30))
        self._transport: asyncio.DatagramTransport | None = None

    @classmethod
    async def open(cls, host: str, port: int, community: bytes) -> Session:
        loop = asyncio.get_running_loop()
        _, session = await loop.create_datagram_endpoint(lambda: cls(community),
                                                         remote_addr=(host, port))
        return session

    def connection_made(self, transport) -> None:
        self._transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        try:
            community, response = decode_response(data)
        except BerError:
            return                      # garbage is a lost datagram: the request is resent
        future = self._waiting.get(response.request_id)
        if future is not None and not future.done() and community == self.community:
            future.set_result(response)

    def error_received(self, exc: Exception) -> None:
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(exc)

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    async def getbulk(self, max_repetitions: int, oids: list[tuple[int, ...]],
                      timeout: float, retries: int) -> Response:
        """Send, and resend up to `retries` times `timeout` seconds apart, until answered."""
        assert self._transport is not None
        request_id = next(self._ids) & 0x7FFFFFFF
        message = encode_getbulk(self.community, request_id, max_repetitions, oids)
        future: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self._waiting[request_id] = future
        try:
            for _ in range(retries + 1):
                self._transport.sendto(message)
                try:
                    return await asyncio.wait_for(asyncio.shield(future), timeout)
                except TimeoutError:
                    continue
            raise Timeout(f"no response after {retries + 1} tries {timeout:g}s apart")
        finally:
            del self._waiting[request_id]
