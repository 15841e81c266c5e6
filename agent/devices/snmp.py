"""Reading ATM-MIB line data over SNMP with pysnmp 7 (asyncio): concurrent GETBULK walks of the
needed columns by numeric OID (the columns of one table together), each kept inside its
subtree, many devices on one event loop.

The walk is stored as text, one varbind a line, ``OID = TYPE: VALUE``, sorted by OID, so that the
collector parses the same thing that was signed, and two polls of an unchanged device are equal."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

from pysnmp.error import PySnmpError
from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
    bulk_cmd,
)
from pysnmp.hlapi.v3arch.asyncio import auth as usm
from pysnmp.proto import errind
from pysnmp.proto.rfc1905 import EndOfMibView, NoSuchInstance, NoSuchObject

from lineguard.agent.devices import snmpv2c
from lineguard.agent.devices.credentials import Credential
from lineguard.agent.devices.inventory import Device
from lineguard.agent.devices.profiles import Profile, Walk
from lineguard.agent.devices.profiles.atm_mib import PROFILE as _SNMP_PROFILE
from lineguard.agent.devices.result import Output, build, failed
from lineguard.formats.wire import Target

# Varbinds asked for per GETBULK: repetitions x open columns of the table being walked (halved
# while an agent answers tooBig). Fewer, larger exchanges cost both ends less per varbind.
PDU_VARBINDS = 200
# SNMPv2c walks go through agent.devices.snmpv2c unless this is set (the benchmark compares).
PYSNMP_FOR_V2C = False
REQUEST_TIMEOUT_S = 2.0
# Table walks in flight over all devices: beyond this, one agent's UDP queue overflows and
# lost datagrams cost retransmission waits.
MAX_WALKS_IN_FLIGHT = 32
ARTIFACT = "snmp-walk"

AUTH_PROTOCOLS = {"MD5": usm.USM_AUTH_HMAC96_MD5, "SHA": usm.USM_AUTH_HMAC96_SHA,
         "SHA224": usm.USM_AUTH_HMAC128_SHA224, "SHA256": usm.USM_AUTH_HMAC192_SHA256,
         "SHA384": usm.USM_AUTH_HMAC256_SHA384, "SHA512": usm.USM_AUTH_HMAC384_SHA512}
PRIV_PROTOCOLS = {"DES": usm.USM_PRIV_CBC56_DES, "3DES": usm.USM_PRIV_CBC168_3DES,
         "AES": usm.USM_PRIV_CFB128_AES, "AES128": usm.USM_PRIV_CFB128_AES,
         "AES192": usm.USM_PRIV_CFB192_AES, "AES256": usm.USM_PRIV_CFB256_AES}
# USM reports that mean the agent answered but refused who we are.
_AUTH_ERRORS = (errind.WrongDigest, errind.UnknownUserName, errind.AuthenticationFailure,
                errind.DecryptionError, errind.UnsupportedSecurityLevel)
_ABSENT = (NoSuchObject, NoSuchInstance, EndOfMibView)
_TYPE_NAMES = {"Integer": "INTEGER", "Integer32": "INTEGER", "OctetString": "STRING",
               "ObjectIdentifier": "OID", "ObjectName": "OID", "Gauge32": "Gauge32",
               "Unsigned32": "Gauge32", "Counter32": "Counter32", "Counter64": "Counter64",
               "TimeTicks": "Timeticks", "IpAddress": "IpAddress", "Opaque": "Opaque",
               "Bits": "BITS"}


class WalkError(Exception):
    def __init__(self, status: str, columns: list[str], message: str,
                 rows: list[tuple[tuple[int, ...], str]] | None = None):
        super().__init__(f"{', '.join(columns)}: {message}")
        self.status, self.columns, self.message = status, list(columns), message
        self.rows = list(rows or [])


def _summary(problems: list[WalkError], total: int) -> str:
    """One clause per distinct failure, naming the columns only when not all of them failed."""
    by_message: dict[str, list[str]] = {}
    for p in problems:
        by_message.setdefault(p.message, []).extend(p.columns)
    parts = []
    for message, columns in sorted(by_message.items()):
        where = f"all {total} columns" if len(columns) == total else ", ".join(sorted(columns))
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def auth_data(device: Device, cred: Credential) -> CommunityData | UsmUserData:
    if version(device, cred) == "3":
        if not cred.user:
            raise ValueError(f"credentials {cred.name!r} have no SNMPv3 user")
        auth_proto = AUTH_PROTOCOLS[(cred.auth_proto or "SHA").upper()] if cred.auth_key else None
        priv_proto = PRIV_PROTOCOLS[(cred.priv_proto or "AES").upper()] if cred.priv_key else None
        return UsmUserData(cred.user, cred.auth_key, cred.priv_key,
                           authProtocol=auth_proto or usm.USM_AUTH_NONE,
                           privProtocol=priv_proto or usm.USM_PRIV_NONE)
    if not cred.community:
        raise ValueError(f"credentials {cred.name!r} have no SNMP community")
    return CommunityData(cred.community, mpModel=1)


def version(device: Device, cred: Credential) -> str:
    return device.snmp_version or cred.version or "2c"


def format_varbind(oid: tuple[int, ...], value) -> str:
    type_name = _TYPE_NAMES.get(value.__class__.__name__, value.__class__.__name__)
    if type_name == "STRING":
        raw = bytes(value)
        if all(32 <= b < 127 for b in raw):
            text = raw.decode("ascii").replace("\\", "\\\\").replace('"', '\\"')
            return f'{_dotted(oid)} = STRING: "{text}"'
        return f"{_dotted(oid)} = Hex-STRING: {raw.hex(' ').upper()}"
    if type_name == "OID":
        return f"{_dotted(oid)} = OID: {value.prettyPrint()}"
    return f"{_dotted(oid)} = {type_name}: {value.prettyPrint()}"


def _dotted(oid: tuple[int, ...]) -> str:
    return ".".join(str(n) for n in oid)


# One varbind as a walk needs it: OID, its text (None for noSuchObject/Instance), end of view.
Fetched = tuple[tuple[int, ...], str | None, bool]
Fetch = Callable[[int, list[tuple[int, ...]]], Awaitable[list[Fetched]]]
_ERROR_STATUS = ("noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr",
                 "noAccess", "wrongType", "wrongLength", "wrongEncoding", "wrongValue",
                 "noCreation", "inconsistentValue", "resourceUnavailable", "commitFailed",
                 "undoFailed", "authorizationError", "notWritable", "inconsistentName")


class RequestFailed(Exception):
    """One GETBULK got no usable answer: the status it means with no rows read yet, with some."""

    def __init__(self, status: str, status_with_rows: str, message: str,
                 too_big: bool = False, message_with_rows: str | None = None) -> None:
        super().__init__(message)
        self.status, self.status_with_rows, self.message = status, status_with_rows, message
        self.too_big = too_big
        # An agent that answered before cannot be blamed on a wrong community.
        self.message_with_rows = message_with_rows or message


async def walk_table(fetch: Fetch, columns: list[Walk], gate: asyncio.Semaphore | None = None,
                     ) -> list[tuple[tuple[int, ...], str]]:
    """All varbinds under some columns of one table, walked together: each GETBULK asks for the
    next rows of every column still open, so a short table costs one overshoot, not one per
    column. Raises WalkError (carrying the rows read so far) if the walk cannot finish."""
    roots = {w.name: tuple(int(p) for p in w.oid.split(".")) for w in columns}
    cursor = dict(roots)
    open_columns = [w.name for w in columns]
    rows: list[tuple[tuple[int, ...], str]] = []
    budget = PDU_VARBINDS
    async with gate or contextlib.nullcontext():
        while open_columns:
            n = len(open_columns)
            try:
                vbs = await fetch(max(1, budget // n), [cursor[c] for c in open_columns])
            except RequestFailed as e:
                if e.too_big and budget > n:
                    budget //= 2          # an agent whose answer would not fit: ask for less
                    continue
                raise WalkError(e.status_with_rows if rows else e.status, open_columns,
                                f"{e.message_with_rows} after {len(rows)} rows" if rows
                                else e.message, rows) from None
            closed: set[str] = set()
            advanced: set[str] = set()
            # GETBULK answers row by row: the i-th varbind belongs to column i mod n.
            for i, (key, text, end_of_view) in enumerate(vbs):
                column = open_columns[i % n]
                if column in closed:
                    continue
                root = roots[column]
                if end_of_view or key[:len(root)] != root:
                    closed.add(column)
                    continue
                if key <= cursor[column]:
                    raise WalkError("partial", [column], f"agent returned OID {_dotted(key)} "
                                                         f"out of order", rows)
                cursor[column] = key
                advanced.add(column)
                if text is not None:
                    rows.append((key, text))
            if not advanced and not closed:
                raise WalkError("partial", open_columns, "agent answered without progress", rows)
            open_columns = [c for c in open_columns if c not in closed]
    return rows


def pysnmp_fetch(engine: SnmpEngine, auth, target, context: ContextData) -> Fetch:
    """GETBULK through pysnmp's engine (SNMPv3 with USM, or v2c when asked to)."""
    async def fetch(max_repetitions: int, oids: list[tuple[int, ...]]) -> list[Fetched]:
        err_ind, err_stat, _idx, vbs = await bulk_cmd(
            engine, auth, target, context, 0, max_repetitions,
            *(ObjectType(ObjectIdentity(o)) for o in oids), lookupMib=False)
        if err_ind:
            raise _request_failed(err_ind)
        if err_stat:
            raise RequestFailed("partial", "partial", f"agent error {err_stat.prettyPrint()}",
                                too_big=int(err_stat) == 1)
        return [(tuple(oid), None if isinstance(v, _ABSENT) else format_varbind(tuple(oid), v),
                 isinstance(v, EndOfMibView)) for oid, v in vbs]
    return fetch


def v2c_fetch(session: snmpv2c.Session, timeout: float, retries: int) -> Fetch:
    """GETBULK by agent.devices.snmpv2c: the same exchange at a fraction of the CPU."""
    async def fetch(max_repetitions: int, oids: list[tuple[int, ...]]) -> list[Fetched]:
        try:
            response = await session.getbulk(max_repetitions, oids, timeout, retries)
        except snmpv2c.Timeout:
            raise RequestFailed("timeout", "partial", _NO_RESPONSE,
                                message_with_rows="no response") from None
        except OSError as e:
            raise RequestFailed("unreachable", "partial", str(e) or e.__class__.__name__) from None
        if response.error_status:
            name = (_ERROR_STATUS[response.error_status]
                    if response.error_status < len(_ERROR_STATUS) else response.error_status)
            raise RequestFailed("partial", "partial", f"agent error {name}",
                                too_big=response.error_status == 1)
        try:
            return [(vb.oid, None if vb.exception else vb.text(),
                     vb.tag == snmpv2c.END_OF_MIB_VIEW) for vb in response.varbinds]
        except snmpv2c.BerError as e:
            raise RequestFailed("partial", "partial", f"malformed value: {e}") from None
    return fetch


def tables(walks: tuple[Walk, ...]) -> list[list[Walk]]:
    """Columns grouped by the table entry they belong to (their OID minus the last arc)."""
    grouped: dict[str, list[Walk]] = {}
    for w in walks:
        grouped.setdefault(w.oid.rsplit(".", 1)[0], []).append(w)
    return list(grouped.values())


def request_timing(timeout: float, retries: int) -> tuple[float, int]:
    """(seconds per request, retransmissions): short waits, many tries, `timeout` in all.

    A datagram lost under load then costs seconds rather than the whole budget."""
    per_request = min(REQUEST_TIMEOUT_S, timeout)
    attempts = max(retries + 1, round(timeout / per_request))
    return per_request, attempts - 1


_NO_RESPONSE = "no SNMP response (down, filtered, or a community the agent does not know)"


def _request_failed(err_ind) -> RequestFailed:
    if isinstance(err_ind, _AUTH_ERRORS):
        message = f"SNMPv3 {err_ind} (wrong user or key?)"
        return RequestFailed("auth-failed", "auth-failed", message)
    if isinstance(err_ind, errind.RequestTimedOut):
        return RequestFailed("timeout", "partial", _NO_RESPONSE, message_with_rows="no response")
    return RequestFailed("unreachable", "partial", str(err_ind))


async def poll(device: Device, cred: Credential, profile: Profile, *, timeout: float,
               retries: int, mask_key: bytes, engine: SnmpEngine | None = None,
               gate: asyncio.Semaphore | None = None) -> Target:
    """Walk every column of one device concurrently. `timeout` bounds one unanswered request
    including its retransmissions (at least `retries`). `engine` may be shared by devices with
    the same credentials; `gate` bounds the walks in flight across devices."""
    try:
        auth = auth_data(device, cred)
    except (ValueError, KeyError, PySnmpError) as e:   # e.g. a privacy key without an auth key
        return failed(device, "auth-failed", f"unusable SNMP credentials: {e}")
    # A CLI platform read over SNMP is judged as an ATM-MIB agent: no config to expect.
    facts_profile = profile if profile.walks else _SNMP_PROFILE
    walks = facts_profile.walks
    started = time.monotonic()
    per_request, resends = request_timing(timeout, retries)
    if version(device, cred) != "3" and not PYSNMP_FOR_V2C:
        # auth_data above refused a v2c credential without a community; the inventory a
        # device on the network without host and port
        assert cred.community and device.host is not None and device.port is not None
        session = await snmpv2c.Session.open(device.host, device.port,
                                             cred.community.encode("utf-8"))
        try:
            fetch = v2c_fetch(session, per_request, resends)
            results = await asyncio.gather(*(walk_table(fetch, t, gate) for t in tables(walks)),
                                           return_exceptions=True)
        finally:
            session.close()
    else:
        own_engine = engine is None
        engine = engine or SnmpEngine()
        try:
            target = await UdpTransportTarget.create((device.host, device.port),
                                                     timeout=per_request, retries=resends)
            context = (ContextData(contextName=device.context) if device.context
                       else ContextData())
            fetch = pysnmp_fetch(engine, auth, target, context)
            results = await asyncio.gather(*(walk_table(fetch, t, gate) for t in tables(walks)),
                                           return_exceptions=True)
        finally:
            if own_engine:
                engine.close_dispatcher()
    rows: list[tuple[tuple[int, ...], str]] = []
    problems: list[WalkError] = []
    for result in results:
        if isinstance(result, WalkError):
            problems.append(result)
            rows.extend(result.rows)
        elif isinstance(result, BaseException):
            problems.append(WalkError("unreachable", ["walk"],
                                      f"{result.__class__.__name__}: {result}"))
        else:
            rows.extend(result)
    meta = {"method": f"snmp v{version(device, cred)}", "columns": [w.oid for w in walks],
            "varbinds": len(rows), "seconds": round(time.monotonic() - started, 3)}
    rows.sort()
    text = "".join(line + "\n" for _, line in rows)
    if not problems and not rows:
        # Every device has interfaces: nothing at all in any column is an SNMP view that hides
        # them (a restricted community or v3 view), not a device without line data.
        return failed(device, "partial", f"all {len(walks)} columns: the agent answered with no "
                                         f"rows at all (an SNMP view that hides them?)")
    if not problems:
        return build(device, facts_profile, [Output(ARTIFACT, text, meta, kind="snmp-walk")],
                     mask_key)
    if rows:
        # The agent answered other columns: a column with no answer is an agent that stopped
        # answering (or dropped requests), not a wrong community.
        problems = [WalkError(p.status, p.columns, "no response (the agent answered other "
                                                   "columns, then stopped)")
                    if p.status == "timeout" else p for p in problems]
    status = _worst(p.status for p in problems)
    error = _summary(problems, len(walks))
    if not rows:
        return failed(device, status, error)
    if status not in ("auth-failed",):
        status = "partial"
    return build(device, facts_profile,
                 [Output(ARTIFACT, text, meta, error=error, kind="snmp-walk")],
                 mask_key, status=status, error=error)


def _engine_like(template: SnmpEngine | None) -> SnmpEngine:
    """A new engine sharing the template's MIB view: with numeric OIDs it is only consulted,
    and building one (pysmi's parser) costs about a second of CPU per engine."""
    engine = SnmpEngine()
    if template is not None and "mibViewController" in template.cache:
        engine.cache["mibViewController"] = template.cache["mibViewController"]
    return engine


def _worst(statuses) -> str:
    order = ("auth-failed", "timeout", "unreachable", "partial")
    found = set(statuses)
    return next(s for s in order if s in found)


async def poll_many(jobs, *, concurrency: int, timeout: float, retries: int, mask_key: bytes,
                    on_done=None) -> list[Target]:
    """Poll (device, credential, profile) triples on one loop, at most `concurrency` at once."""
    device_gate = asyncio.Semaphore(max(1, concurrency))
    walk_gate = asyncio.Semaphore(MAX_WALKS_IN_FLIGHT)
    # One engine per credential: setting up an engine's MIB machinery costs ~1 s of CPU, and
    # USM keeps one key set per user name, so devices sharing credentials share an engine.
    engines: dict[str, SnmpEngine] = {}

    async def one(device, cred, profile):
        engine = engines.get(cred.name)
        if engine is None:
            engine = engines[cred.name] = _engine_like(next(iter(engines.values()), None))
        async with device_gate:
            try:
                t = await poll(device, cred, profile, timeout=timeout, retries=retries,
                               mask_key=mask_key, engine=engine, gate=walk_gate)
            except Exception as e:  # one odd device must not blind the others on this loop
                t = failed(device, "unreachable", f"agent error while polling SNMP: "
                                                  f"{e.__class__.__name__}: {e}")
        if on_done:
            on_done(t)
        return t

    try:
        return list(await asyncio.gather(*(one(*j) for j in jobs)))
    finally:
        for engine in engines.values():
            engine.close_dispatcher()
