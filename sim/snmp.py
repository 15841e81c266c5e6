"""SNMP v2c/v3 agent of the simulated fleet: IF-MIB and ATM-MIB (RFC 2515) served live from state.

One pysnmp engine serves every device; each device has its own UDP port (a transport of the
engine) and the device is picked by the transport a request came in on. pysnmp's standard
command responders (GET, GETNEXT, GETBULK, SET) do the protocol work (BER, USM SHA/AES, bulk
repetition); our ``FleetInstrumentation`` stands where pysnmp's MIB instrumentation controller
usually is and answers from a sorted OID table built from the device state, rebuilt only when the
state's version changes. So a PVC deleted over the CLI is gone from the next walk, and a SET of a
RowStatus to destroy(6) removes the PVC or cross-connect from the state. Rows are created only
through their RowStatus, as sim.rowstatus describes.

Tables (numeric OIDs; index layouts as RFC 2515):
    system 1.3.6.1.2.1.1 (sysDescr .1, sysObjectID .2, sysUpTime .3, sysName .5), ifNumber,
    ifTable 1.3.6.1.2.1.2.2.1 (ifIndex .1, ifDescr .2 = the CLI name "ATM0/0/0", ifType .3 = 37,
    atmSubInterface 134, ifMtu .4, ifAdminStatus .7, ifOperStatus .8),
    ifXTable 1.3.6.1.2.1.31.1.1.1 (ifName .1 = Cisco short form "AT0/0/0" / Junos "at-0/0/0",
    ifAlias .18 = description),
    atmTrafficDescrParamTable .37.1.5.1 (2 type, 3 PCR cells/s, 4 SCR, 5 MBS, 9 RowStatus,
    10 service category: cbr 2, nrtVbr 4, ubr 6), atmVplTable .37.1.6.1 (VP cross-connect ends),
    atmVclTable .37.1.7.1 (PVCs on the main interface's ifIndex, and VC cross-connect ends;
    12 = cross-connect index or 0), atmVpCrossConnectTable .37.1.9.1, atmVcCrossConnectTable
    .37.1.11.1.
"""

from __future__ import annotations

import bisect
import socket
from dataclasses import dataclass

from pysnmp import error as snmp_error
from pysnmp.carrier.asyncio.dgram import udp
from pysnmp.entity import config, engine
from pysnmp.entity.rfc3413 import cmdrsp, context
from pysnmp.proto import rfc1902, rfc1905
from pysnmp.smi import error as smi_error

from lineguard.sim.rowstatus import DESTROY, RowError, existing_row, locate, set_row
from lineguard.sim.state import DeviceState

ATM: tuple[int, ...] = (1, 3, 6, 1, 2, 1, 37, 1)
IF_TABLE = (1, 3, 6, 1, 2, 1, 2, 2, 1)
IFX_TABLE = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)
TRAFFIC = ATM + (5, 1)
VPL = ATM + (6, 1)
VCL = ATM + (7, 1)
VP_XC = ATM + (9, 1)
VC_XC = ATM + (11, 1)
ATM_TC = ATM + (4, 1)           # atmInterfaceTCTable
AAL5_VCC = ATM + (12, 1)        # aal5VccTable
_NO_CLP_NO_SCR = ATM + (1, 2)
_NO_CLP_SCR = ATM + (1, 5)
_SERVICE_CATEGORY = {"CBR": 2, "VBR-nrt": 4, "UBR": 6}
_LINE_RATE_KBPS = 155000
AUTH_PROTOCOLS = {"SHA": config.USM_AUTH_HMAC96_SHA, "MD5": config.USM_AUTH_HMAC96_MD5,
                  "SHA256": config.USM_AUTH_HMAC192_SHA256}
PRIV_PROTOCOLS = {"AES": config.USM_PRIV_CFB128_AES, "DES": config.USM_PRIV_CBC56_DES,
                  "AES256": config.USM_PRIV_CFB256_AES}


def _i(value: int) -> rfc1902.Integer32:
    return rfc1902.Integer32(value)


def _s(value: str) -> rfc1902.OctetString:
    return rfc1902.OctetString(value)


def _cells(kbps: int | None) -> int:
    return round((kbps or _LINE_RATE_KBPS) * 1000 / 424)


class DeviceMib:
    """The sorted OID table of one device, and what destroying each RowStatus does."""

    def __init__(self, state: DeviceState) -> None:
        self.state = state
        self._version = -1
        self._oids: list[tuple[int, ...]] = []
        self._names: list[rfc1902.ObjectName] = []
        self._values: list[object] = []
        self._counters: list[int] = []        # positions of the Counter32 columns

    def table(self) -> tuple[list[tuple[int, ...]], list[rfc1902.ObjectName], list[object]]:
        with self.state.lock:
            if self._version != self.state.version:
                self._build()
                self._version = self.state.version
            if self._counters and "counters" in self.state.faults.noise:
                # errors keep arriving on a live switch: between walks and during one
                rng = self.state.faults.noise_rng
                for i in rng.sample(self._counters, max(1, len(self._counters) // 4)):
                    now = self._values[i]
                    assert isinstance(now, rfc1902.Counter32)
                    self._values[i] = rfc1902.Counter32(int(now) + rng.randint(1, 9))
            return self._oids, self._names, self._values

    def descriptors(self) -> set[int]:
        """Traffic descriptor indexes the device has (as _build numbers them), from the state:
        a burst of SETs must not rebuild the OID table each time."""
        with self.state.lock:
            keys = {("UBR", None, None, None)} | {
                (p.service_class, p.peak_kbps, p.avg_kbps, p.burst_cells)
                for _i, _s, p in self.state.all_pvcs()}
            return set(range(1, len(keys) + 1))

    def status_oid(self, entry: tuple[int, ...], index: tuple[int, ...]) -> tuple[int, ...]:
        column = {VCL: 13, VPL: 8, VC_XC: 13, VP_XC: 11}[entry]
        return entry + (column,) + index

    def _build(self) -> None:
        st = self.state
        rows: dict[tuple[int, ...], object] = {}
        descr = {"cisco_ios": "Cisco IOS Software, 7200 Software, Version 15.2(4)M11",
                 "juniper_junos": "Juniper Networks, Inc. m7i internet router, JUNOS 15.1R7.9",
                 "atm_mib": "ATM transmission switch, ATM-MIB (RFC 2515) agent"}[st.platform]
        rows[(1, 3, 6, 1, 2, 1, 1, 1, 0)] = _s(descr)
        rows[(1, 3, 6, 1, 2, 1, 1, 2, 0)] = rfc1902.ObjectIdentifier((1, 3, 6, 1, 4, 1, 9, 1, 222))
        rows[(1, 3, 6, 1, 2, 1, 1, 3, 0)] = rfc1902.TimeTicks(200_000_000)
        rows[(1, 3, 6, 1, 2, 1, 1, 5, 0)] = _s(st.hostname)
        ifaces: list[tuple[int, str, str, int, str]] = []
        for intf in st.interfaces.values():
            short = intf.name.replace("ATM", "AT", 1)
            ifaces.append((intf.ifindex, intf.name, short, 37, intf.description))
            for sub in intf.subinterfaces.values():
                ifaces.append((sub.ifindex, f"{intf.name}.{sub.number}",
                               f"{short}.{sub.number}", 134, sub.description))
        rows[(1, 3, 6, 1, 2, 1, 2, 1, 0)] = _i(len(ifaces))
        for ifindex, name, short, iftype, alias in ifaces:
            for col, val in ((1, _i(ifindex)), (2, _s(name)), (3, _i(iftype)), (4, _i(4470)),
                             (7, _i(1)), (8, _i(1))):
                rows[IF_TABLE + (col, ifindex)] = val
            rows[IFX_TABLE + (1, ifindex)] = _s(short)
            rows[IFX_TABLE + (18, ifindex)] = _s(alias)

        descriptors: dict[tuple, int] = {("UBR", None, None, None): 1}
        for _intf, _sub, pvc in st.all_pvcs():
            key = (pvc.service_class, pvc.peak_kbps, pvc.avg_kbps, pvc.burst_cells)
            descriptors.setdefault(key, len(descriptors) + 1)
        for (sc, peak, avg, burst), index in descriptors.items():
            vbr = sc == "VBR-nrt"
            for col, val in ((2, rfc1902.ObjectIdentifier(_NO_CLP_SCR if vbr else _NO_CLP_NO_SCR)),
                             (3, _i(_cells(peak))), (4, _i(_cells(avg) if vbr else 0)),
                             (5, _i(burst or 0)), (6, _i(0)), (7, _i(0)), (9, _i(1)),
                             (10, _i(_SERVICE_CATEGORY.get(sc, 1))), (11, _i(1))):
                rows[TRAFFIC + (col, index)] = val

        def vcl(ifindex: int, vpi: int, vci: int, td: int, encaps: int, xc: int) -> None:
            idx = (ifindex, vpi, vci)
            for col, val in ((3, _i(1)), (4, _i(1)), (5, rfc1902.TimeTicks(0)), (6, _i(td)),
                             (7, _i(td)), (8, _i(3)), (9, _i(4470)), (10, _i(4470)),
                             (11, _i(encaps)), (12, _i(xc)), (13, _i(1)), (14, _i(1)),
                             (15, _i(1))):
                rows[VCL + (col,) + idx] = val

        for intf, _sub, pvc in st.all_pvcs():
            td = descriptors[(pvc.service_class, pvc.peak_kbps, pvc.avg_kbps, pvc.burst_cells)]
            encaps = 7 if pvc.encapsulation == "aal5snap" else 2     # llc / vcMultiplexRouted
            vcl(intf.ifindex, pvc.vpi, pvc.vci, td, encaps, 0)
        for xc in st.cross_connects.values():
            if xc.kind == "vc":
                assert xc.low_vci is not None and xc.high_vci is not None
                vcl(xc.low_if, xc.low_vpi, xc.low_vci, 1, 10, xc.index)
                vcl(xc.high_if, xc.high_vpi, xc.high_vci, 1, 10, xc.index)
                idx: tuple[int, ...] = (xc.index, xc.low_if, xc.low_vpi, xc.low_vci, xc.high_if,
                                        xc.high_vpi, xc.high_vci)
                for col, val in ((8, _i(1)), (9, _i(1)), (10, _i(1)),
                                 (11, rfc1902.TimeTicks(0)), (12, rfc1902.TimeTicks(0)),
                                 (13, _i(1))):
                    rows[VC_XC + (col,) + idx] = val
            else:
                for ifindex, vpi in ((xc.low_if, xc.low_vpi), (xc.high_if, xc.high_vpi)):
                    for col, val in ((2, _i(1)), (3, _i(1)), (4, rfc1902.TimeTicks(0)),
                                     (5, _i(1)), (6, _i(1)), (7, _i(xc.index)), (8, _i(1)),
                                     (9, _i(1)), (10, _i(1))):
                        rows[VPL + (col, ifindex, vpi)] = val
                idx = (xc.index, xc.low_if, xc.low_vpi, xc.high_if, xc.high_vpi)
                for col, val in ((6, _i(1)), (7, _i(1)), (8, _i(1)), (9, rfc1902.TimeTicks(0)),
                                 (10, rfc1902.TimeTicks(0)), (11, _i(1))):
                    rows[VP_XC + (col,) + idx] = val
        for link in st.links.values():
            if link.kind == "vcl":
                idx = (link.ifindex, link.vpi, link.vci or 0)
                for col, val in ((3, _i(link.admin)), (4, _i(1 if link.status == 1 else 2)),
                                 (5, rfc1902.TimeTicks(0)), (6, _i(link.rx_td)),
                                 (7, _i(link.tx_td)), (8, _i(3)), (9, _i(4470)),
                                 (10, _i(4470)), (11, _i(link.encaps)), (12, _i(0)),
                                 (13, _i(link.status)), (14, _i(1)), (15, _i(1))):
                    rows[VCL + (col,) + idx] = val
            else:
                for col, val in ((2, _i(link.admin)), (3, _i(1 if link.status == 1 else 2)),
                                 (4, rfc1902.TimeTicks(0)), (5, _i(link.rx_td)),
                                 (6, _i(link.tx_td)), (7, _i(0)), (8, _i(link.status)),
                                 (9, _i(1)), (10, _i(1))):
                    rows[VPL + (col, link.ifindex, link.vpi)] = val
        for pending in st.pending_xcs.values():
            xc = pending.xc
            if xc.kind == "vc":
                idx = (xc.index, xc.low_if, xc.low_vpi, xc.low_vci or 0, xc.high_if,
                       xc.high_vpi, xc.high_vci or 0)
                rows[VC_XC + (8,) + idx] = _i(pending.admin)
                rows[VC_XC + (13,) + idx] = _i(pending.status)
            else:
                idx = (xc.index, xc.low_if, xc.low_vpi, xc.high_if, xc.high_vpi)
                rows[VP_XC + (6,) + idx] = _i(pending.admin)
                rows[VP_XC + (11,) + idx] = _i(pending.status)
        if "counters" in st.faults.noise:
            links = {k[len(VCL) + 1:] for k in rows if k[:len(VCL)] == VCL}
            for ifindex in {link[0] for link in links}:
                rows[ATM_TC + (1, ifindex)] = rfc1902.Counter32(0)       # atmInterfaceOCDEvents
                rows[ATM_TC + (2, ifindex)] = _i(1)                     # atmInterfaceTCAlarmState
            for idx in links:
                for col in (3, 4, 5):     # aal5VccCrcErrors, SarTimeOuts, OverSizedSDUs
                    rows[AAL5_VCC + (col,) + idx] = rfc1902.Counter32(0)
        self._oids = sorted(rows)
        self._names = [rfc1902.ObjectName(oid) for oid in self._oids]
        self._values = [rows[oid] for oid in self._oids]
        self._counters = [i for i, v in enumerate(self._values) if isinstance(v, rfc1902.Counter32)]


class _Silent(snmp_error.PySnmpError):
    """Raised to make the command responder drop a request without answering."""


class _DeviceTransport(udp.UdpAsyncioTransport):
    """One device's UDP port, where the network-level faults happen: a silent device drops
    every datagram (v3 discovery included), a slow one answers late."""

    def __init__(self, state: DeviceState) -> None:
        super().__init__()
        self.state = state

    def datagram_received(self, datagram, transportAddress):
        faults = self.state.faults
        if faults.snmp_silent_after is not None:
            if faults.snmp_silent_after <= 0:
                faults.snmp_silent = True
            faults.snmp_silent_after -= 1
        if not faults.snmp_silent:
            super().datagram_received(datagram, transportAddress)

    def send_message(self, outgoingMessage, transportAddress):
        delay = self.state.faults.delay_s
        if delay:
            self.loop.call_later(delay, super().send_message, outgoingMessage, transportAddress)
        else:
            super().send_message(outgoingMessage, transportAddress)


class FleetInstrumentation:
    """Stands in for pysnmp's MibInstrumController: read, read-next and write by device."""

    def __init__(self, snmp_engine: engine.SnmpEngine) -> None:
        self._engine = snmp_engine
        self.by_domain: dict[tuple[int, ...], DeviceMib] = {}

    def _device(self) -> DeviceMib:
        ctx = self._engine.observer.get_execution_context("rfc3412.receiveMessage:request")
        mib = self.by_domain.get(tuple(ctx["transportDomain"]))
        if mib is None:
            raise _Silent("no device behind this transport")
        return mib

    def read_variables(self, *var_binds, **context):
        oids, names, values = self._device().table()
        out = []
        for name, _ in var_binds:
            oid = tuple(name)
            pos = bisect.bisect_left(oids, oid)
            if pos < len(oids) and oids[pos] == oid:
                out.append((names[pos], values[pos]))
            else:
                out.append((name, rfc1905.noSuchInstance))
        return out

    def read_next_variables(self, *var_binds, **context):
        oids, names, values = self._device().table()
        out = []
        for name, _ in var_binds:
            pos = bisect.bisect_right(oids, tuple(name))
            if pos < len(oids):
                out.append((names[pos], values[pos]))
            else:
                out.append((name, rfc1905.endOfMibView))
        return out

    def write_variables(self, *var_binds, **context):
        mib = self._device()
        changed = False
        for idx, (name, value) in enumerate(var_binds):
            oid = tuple(name)
            try:
                wanted = int(value)
            except (TypeError, ValueError):
                raise smi_error.WrongTypeError(name=name, idx=idx) from None
            where = locate(oid)
            if where is None:
                oids, _, _ = mib.table()
                pos = bisect.bisect_left(oids, oid)
                if pos < len(oids) and oids[pos] == oid:
                    raise smi_error.NotWritableError(name=name, idx=idx)
                raise smi_error.NoCreationError(name=name, idx=idx)
            entry, column, index = where
            had = existing_row(mib.state, entry, index)
            if had is not None and wanted == DESTROY and oid == mib.status_oid(entry, index):
                had()
                changed = True
                continue
            try:
                set_row(mib.state, entry, column, index, wanted, exists=had is not None,
                        descriptors=mib.descriptors())
            except RowError as e:
                raise _ERRORS[e.status](name=name, idx=idx) from None
            changed = True
        if changed:
            mib.state.announce("snmp", "127.0.0.1")
        return list(var_binds)


_ERRORS = {"notWritable": smi_error.NotWritableError, "noCreation": smi_error.NoCreationError,
           "inconsistentValue": smi_error.InconsistentValueError,
           "wrongValue": smi_error.WrongValueError}


@dataclass(frozen=True)
class SnmpCredentials:
    """Who may talk to the fleet's agent: one v2c community, one v3 user (SHA/AES)."""

    community: str = "lg-ro-community"
    v3_user: str = "lgv3"
    auth_key: str = "lg-auth-key-1"
    priv_key: str = "lg-priv-key-1"
    auth_protocol: str = "SHA"
    priv_protocol: str = "AES"


class FleetSnmpAgent:
    """The engine, its responders and one UDP transport per device. Create and use inside the
    asyncio loop that will serve it."""

    def __init__(self, creds: SnmpCredentials = SnmpCredentials()) -> None:
        self.engine = engine.SnmpEngine()
        config.add_v1_system(self.engine, "lineguard-sim", creds.community)
        config.add_v3_user(self.engine, creds.v3_user, AUTH_PROTOCOLS[creds.auth_protocol],
                           creds.auth_key, PRIV_PROTOCOLS[creds.priv_protocol], creds.priv_key)
        self.instrumentation = FleetInstrumentation(self.engine)
        snmp_context = context.SnmpContext(self.engine)
        snmp_context.unregister_context_name(b"")
        snmp_context.register_context_name(b"", self.instrumentation)
        self._responders = [cmdrsp.GetCommandResponder(self.engine, snmp_context),
                            cmdrsp.NextCommandResponder(self.engine, snmp_context),
                            cmdrsp.BulkCommandResponder(self.engine, snmp_context),
                            cmdrsp.SetCommandResponder(self.engine, snmp_context)]
        self._transports: list[_DeviceTransport] = []

    def add_device(self, state: DeviceState, port: int, host: str = "127.0.0.1") -> int:
        """Serve this device on host:port (0 = any free port); returns the port."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.bind((host, port))
        except OSError:
            sock.close()
            raise
        sock.setblocking(False)
        domain = udp.DOMAIN_NAME + (len(self._transports) + 1,)
        transport = _DeviceTransport(state).open_server_mode(sock=sock)
        config.add_transport(self.engine, domain, transport)
        self._transports.append(transport)
        self.instrumentation.by_domain[domain] = DeviceMib(state)
        return sock.getsockname()[1]

    def close(self) -> None:
        for responder in self._responders:
            responder.close(self.engine)
        self.engine.close_dispatcher()
