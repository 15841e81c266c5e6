"""Helpers for the simulator's tests: a running fleet and real SNMP clients (pysnmp, net-snmp)."""

from __future__ import annotations

import asyncio
import atexit
import shutil
import subprocess

import pytest
from netmiko import BaseConnection, ConnectHandler
from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    Integer32,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
    bulk_walk_cmd,
    set_cmd,
    usmAesCfb128Protocol,
    usmHMACSHAAuthProtocol,
)

from lineguard.sim.fleet import CREDENTIALS, HOST, Fleet, SimDevice
from lineguard.sim.state import Faults

VCL = "1.3.6.1.2.1.37.1.7"
VC_XC = "1.3.6.1.2.1.37.1.11"
VPL = "1.3.6.1.2.1.37.1.6"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
IF_DESCR = "1.3.6.1.2.1.2.2.1.2"


# One loop and one client engine for all the tests: a fresh pysnmp engine spends ~0.3 s loading
# its MIBs on first use, which would dominate these tests.
_LOOP = asyncio.new_event_loop()
_ENGINE: list[SnmpEngine] = []


def _forget_engine() -> None:
    """A fleet's ports are free again when it stops, and a later fleet may get the same one:
    a client engine that remembered the old agent's SNMPv3 engine id and clock there would send
    the new agent requests it must drop. Each fleet gets a fresh client engine."""
    for snmp in _ENGINE:
        snmp.close_dispatcher()
    _ENGINE.clear()
    _LOOP.run_until_complete(asyncio.sleep(0))     # let the dispatcher's timer task finish


def _close() -> None:
    _forget_engine()
    _LOOP.close()


atexit.register(_close)


def _run(coro):
    return _LOOP.run_until_complete(coro)


async def _engine() -> SnmpEngine:
    if not _ENGINE:
        _ENGINE.append(SnmpEngine())
    return _ENGINE[0]


class SnmpFailure(Exception):
    """The walk or set ended with an error indication or status (its text is the message)."""


def v2c() -> CommunityData:
    return CommunityData(CREDENTIALS["lab-snmp"]["community"])


def v3(auth_key: str | None = None) -> UsmUserData:
    entry = CREDENTIALS["lab-snmpv3"]
    return UsmUserData(entry["user"], auth_key or entry["auth_key"], entry["priv_key"],
                       authProtocol=usmHMACSHAAuthProtocol, privProtocol=usmAesCfb128Protocol)


async def _walk(auth, port: int, root: str, timeout: float) -> list[tuple[tuple[int, ...], object]]:
    snmp = await _engine()
    target = await UdpTransportTarget.create(("127.0.0.1", port), timeout=timeout, retries=0)
    rows = []
    async for err_ind, err_stat, err_idx, var_binds in bulk_walk_cmd(
            snmp, auth, target, ContextData(), 0, 50, ObjectType(ObjectIdentity(root)),
            lexicographicMode=False, lookupMib=False):
        if err_ind or err_stat:
            raise SnmpFailure(f"{err_ind or err_stat.prettyPrint()} at {err_idx}")
        rows.extend((tuple(oid), val) for oid, val in var_binds)
    return rows


def walk(auth, port: int, root: str, timeout: float = 20.0) -> list[tuple[tuple[int, ...], object]]:
    """pysnmp 7 bulk walk of one subtree (numeric OIDs, stays inside the subtree)."""
    return _run(_walk(auth, port, root, timeout))


async def _set(auth, port: int, oid: str, value: int):
    snmp = await _engine()
    target = await UdpTransportTarget.create(("127.0.0.1", port), timeout=20, retries=0)
    err_ind, err_stat, _, _ = await set_cmd(snmp, auth, target, ContextData(),
                                            ObjectType(ObjectIdentity(oid), Integer32(value)))
    if err_ind or err_stat:
        raise SnmpFailure(str(err_ind or err_stat.prettyPrint()))


def set_int(auth, port: int, oid: str, value: int) -> None:
    _run(_set(auth, port, oid, value))


def operator_cli(dev: SimDevice, **extra) -> BaseConnection:
    """A netmiko session to a simulated CLI device as the lab operator, over real SSH (a long
    connect timeout: the machine may be loaded)."""
    login = CREDENTIALS[dev.credentials]
    return ConnectHandler(device_type=dev.platform, host=HOST, port=dev.port,
                          username=login["username"], password=login["password"],
                          secret=login.get("secret", ""), conn_timeout=30, **extra)


def remove_pvc(dev: SimDevice, interface: str, vpi: int, vci: int) -> None:
    """`no pvc VPI/VCI` under `interface` of a simulated IOS device, typed by an operator."""
    conn = operator_cli(dev)
    conn.enable()
    conn.send_config_set([f"interface {interface}", f"no pvc {vpi}/{vci}"])
    conn.disconnect()


def snmpbulkwalk(port: int, root: str, version: str = "2c") -> list[str] | None:
    """net-snmp's snmpbulkwalk -On output lines, or None when net-snmp is not installed."""
    exe = shutil.which("snmpbulkwalk")
    if exe is None:
        return None
    if version == "3":
        e = CREDENTIALS["lab-snmpv3"]
        auth = ["-v3", "-l", "authPriv", "-u", e["user"], "-a", "SHA", "-A", e["auth_key"],
                "-x", "AES", "-X", e["priv_key"]]
    else:
        auth = ["-v2c", "-c", CREDENTIALS["lab-snmp"]["community"]]
    done = subprocess.run([exe, "-On", "-Cr50", "-t", "2", "-r", "0", *auth,
                           f"127.0.0.1:{port}", root],
                          capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.splitlines()


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    """A three-device fleet (one IOS, one Junos, one SNMP-only) shared by a test module."""
    with Fleet.start(sites=1, devices=3, out_dir=tmp_path_factory.mktemp("fleet")) as running:
        yield running
    _forget_engine()


@pytest.fixture
def healthy(fleet):
    """Clears every fault a test switched on, so the shared fleet is healthy for the next one."""
    yield
    for dev in fleet.devices:
        dev.state.faults = Faults()
