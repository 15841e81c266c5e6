"""Reading ATM-MIB line data over SNMP with pysnmp 7 (asyncio): concurrent GETBULK walks of the
needed columns by numeric OID (the columns of one table together), each kept inside its
subtree, many devices on one event loop.

The walk is stored as text, one varbind a line, ``OID = TYPE: VALUE``, sorted by OID, so that the
collector parses the same thing that was signed, and two polls of an unchanged device are equal."""

from __future__ import annotations

import asyncio
import contextlib
import time

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

from agent.devices.credentials import Credential
from agent.devices.inventory import Device
from agent.devices.profiles import Profile, Walk
from agent.devices.profiles.atm_mib import PROFILE as _SNMP_PROFILE
from agent.devices.result import Output, build, failed
from agent.wire import Target

# Varbinds asked for per GETBULK: repetitions x open columns of the table being walked.
PDU_VARBINDS = 50
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


async def walk_table(engine: SnmpEngine, auth, target, context: ContextData,
                     columns: list[Walk], gate: asyncio.Semaphore | None = None,
                     ) -> list[tuple[tuple[int, ...], str]]:
    """All varbinds under some columns of one table, walked together: each GETBULK asks for the
    next rows of every column still open, so a short table costs one overshoot, not one per
    column. Raises WalkError (carrying the rows read so far) if the walk cannot finish."""
    roots = {w.name: tuple(int(p) for p in w.oid.split(".")) for w in columns}
    cursor = dict(roots)
    open_columns = [w.name for w in columns]
    rows: list[tuple[tuple[int, ...], str]] = []
    async with gate or contextlib.nullcontext():
        while open_columns:
            n = len(open_columns)
            err_ind, err_stat, _idx, vbs = await bulk_cmd(
                engine, auth, target, context, 0, max(1, PDU_VARBINDS // n),
                *(ObjectType(ObjectIdentity(cursor[c])) for c in open_columns), lookupMib=False)
            if err_ind:
                raise _walk_error(err_ind, open_columns, rows)
            if err_stat:
                raise WalkError("partial", open_columns, f"agent error {err_stat.prettyPrint()} "
                                                         f"after {len(rows)} rows", rows)
            closed: set[str] = set()
            advanced: set[str] = set()
            # GETBULK answers row by row: the i-th varbind belongs to column i mod n.
            for i, (oid, value) in enumerate(vbs):
                column = open_columns[i % n]
                if column in closed:
                    continue
                key = tuple(oid)
                root = roots[column]
                if isinstance(value, EndOfMibView) or key[:len(root)] != root:
                    closed.add(column)
                    continue
                if key <= cursor[column]:
                    raise WalkError("partial", [column], f"agent returned OID {_dotted(key)} "
                                                         f"out of order", rows)
                cursor[column] = key
                advanced.add(column)
                if not isinstance(value, (NoSuchObject, NoSuchInstance)):
                    rows.append((key, format_varbind(key, value)))
            if not advanced and not closed:
                raise WalkError("partial", open_columns, "agent answered without progress", rows)
            open_columns = [c for c in open_columns if c not in closed]
    return rows


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


def _walk_error(err_ind, columns: list[str], rows: list) -> WalkError:
    if isinstance(err_ind, _AUTH_ERRORS):
        return WalkError("auth-failed", columns, f"SNMPv3 {err_ind} (wrong user or key?)", rows)
    if isinstance(err_ind, errind.RequestTimedOut):
        if rows:
            return WalkError("partial", columns, f"no response after {len(rows)} rows", rows)
        return WalkError("timeout", columns, "no SNMP response (down, filtered, or a "
                                             "community the agent does not know)", rows)
    return WalkError("partial" if rows else "unreachable", columns, str(err_ind), rows)


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
    own_engine = engine is None
    engine = engine or SnmpEngine()
    started = time.monotonic()
    per_request, resends = request_timing(timeout, retries)
    try:
        target = await UdpTransportTarget.create((device.host, device.port),
                                                 timeout=per_request, retries=resends)
        context = ContextData(contextName=device.context) if device.context else ContextData()
        results = await asyncio.gather(*(walk_table(engine, auth, target, context, t, gate)
                                         for t in tables(walks)), return_exceptions=True)
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
