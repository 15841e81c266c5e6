"""RFC 2579 RowStatus for the simulated ATM-MIB: how VPL/VCL rows and cross-connects are
created, put in and out of service and destroyed over SNMP, as an ATM switch's agent does it.

    createAndWait(5)  the row exists, notInService(2), with default columns (UBR descriptor 1)
    createAndGo(4)    created and activated in one SET
    active(1)         dependencies are checked: the interface exists, the traffic descriptors
                      exist, and a cross-connect's two links exist and are active; else
                      inconsistentValue. A cross-connect that becomes active joins its links.
    notInService(2)   a standalone active link may be taken out of service to be rewritten
    destroy(6)        removes the row (for rows the device already had, see sim.snmp)
Columns may be written while a row is notInService; on an active row they are notWritable
(rows the device had) or inconsistentValue (rows made over SNMP). Creating a row whose index
names no interface is noCreation; creating one that exists is inconsistentValue."""

from __future__ import annotations

from collections.abc import Callable

from lineguard.sim.state import CrossConnect, DeviceState, Link, PendingCrossConnect

ATM: tuple[int, ...] = (1, 3, 6, 1, 2, 1, 37, 1)
VPL = ATM + (6, 1)
VCL = ATM + (7, 1)
VP_XC = ATM + (9, 1)
VC_XC = ATM + (11, 1)
ACTIVE, NOT_IN_SERVICE, NOT_READY, CREATE_AND_GO, CREATE_AND_WAIT, DESTROY = 1, 2, 3, 4, 5, 6
# table -> (kind, index width, RowStatus column, {column: attribute})
TABLES = {
    VCL: ("vcl", 3, 13, {3: "admin", 6: "rx_td", 7: "tx_td", 11: "encaps"}),
    VPL: ("vpl", 2, 8, {2: "admin", 5: "rx_td", 6: "tx_td"}),
    VC_XC: ("vc", 7, 13, {8: "admin"}),
    VP_XC: ("vp", 5, 11, {6: "admin"}),
}


class RowError(Exception):
    """A SET the agent refuses; `status` is the SNMP error-status name."""

    def __init__(self, status: str, why: str) -> None:
        super().__init__(why)
        self.status = status


def locate(oid: tuple[int, ...]) -> tuple[tuple[int, ...], int, tuple[int, ...]] | None:
    """(table entry, column, index) of an OID in one of the four row tables."""
    for entry, (_, width, _, _) in TABLES.items():
        n = len(entry)
        if oid[:n] == entry and len(oid) == n + 1 + width:
            return entry, oid[n], oid[n + 1:]
    return None


def existing_row(state: DeviceState, entry: tuple[int, ...],
                 index: tuple[int, ...]) -> Callable[[], object] | None:
    """How to destroy the row the device already has at this index (a PVC, or a cross-connect
    with its links), or None: read from the state, so a burst of SETs costs no table rebuild."""
    kind = TABLES[entry][0]
    with state.lock:
        if kind == "vcl":
            ifindex, vpi, vci = index
            intf = state.interfaces.get(ifindex)
            if intf and any((p.vpi, p.vci) == (vpi, vci) for s in intf.subinterfaces.values()
                            for p in s.pvcs):
                return lambda: state.remove_pvc(ifindex, vpi, vci)
            xc = state.find_cross_connect("vc", ifindex, vpi, vci)
        elif kind == "vpl":
            xc = state.find_cross_connect("vp", index[0], index[1])
        else:
            xc = state.cross_connects.get((kind, index[0]))
            if xc is not None and _index_of(xc) != index:
                xc = None
        if xc is None:
            return None
        found = xc
        return lambda: state.remove_cross_connect(found.kind, found.index)


def _interface_exists(state: DeviceState, ifindex: int) -> bool:
    return any(i.ifindex == ifindex or any(s.ifindex == ifindex for s in i.subinterfaces.values())
               for i in state.interfaces.values())


def _link_key(kind: str, index: tuple[int, ...]) -> tuple[str, int, int, int | None]:
    return (kind, index[0], index[1], index[2] if kind == "vcl" else None)


def _xc(kind: str, index: tuple[int, ...]) -> CrossConnect:
    if kind == "vc":
        x, lif, lvpi, lvci, hif, hvpi, hvci = index
        return CrossConnect("vc", x, lif, lvpi, hif, hvpi, lvci, hvci)
    x, lif, lvpi, hif, hvpi = index
    return CrossConnect("vp", x, lif, lvpi, hif, hvpi)


def set_row(state: DeviceState, entry: tuple[int, ...], column: int, index: tuple[int, ...],
            value: int, exists: bool, descriptors: set[int]) -> None:
    """Apply one SET to a row made over SNMP (or create one). `exists`: the device already has
    an active row at this index (a PVC, or a cross-connect and its links)."""
    kind, _, status_column, attributes = TABLES[entry]
    with state.lock:
        if kind in ("vcl", "vpl"):
            row: Link | PendingCrossConnect | None = state.links.get(_link_key(kind, index))
        else:
            row = state.pending_xcs.get((kind, index[0]))
            if row is not None and _index_of(row.xc) != index:
                row = None
        if column == status_column:
            _set_status(state, kind, index, value, row, exists, descriptors)
        elif column in attributes:
            if row is None:
                raise RowError("notWritable" if exists else "noCreation",
                               "no such row" if not exists else "the row is active")
            if row.status == ACTIVE:
                raise RowError("inconsistentValue", "take the row out of service first")
            if attributes[column].endswith("_td") and value not in descriptors:
                raise RowError("inconsistentValue", f"no traffic descriptor {value}")
            setattr(row, attributes[column], value)
        else:
            raise RowError("notWritable", f"column {column} is read-only")
        state.touch()


def _index_of(xc: CrossConnect) -> tuple[int, ...]:
    if xc.kind == "vc":
        return (xc.index, xc.low_if, xc.low_vpi, xc.low_vci or 0, xc.high_if, xc.high_vpi,
                xc.high_vci or 0)
    return (xc.index, xc.low_if, xc.low_vpi, xc.high_if, xc.high_vpi)


def _set_status(state: DeviceState, kind: str, index: tuple[int, ...], value: int,
                row: Link | PendingCrossConnect | None, exists: bool,
                descriptors: set[int]) -> None:
    if value == DESTROY:
        if isinstance(row, Link):
            del state.links[_link_key(kind, index)]
        elif row is not None:
            del state.pending_xcs[(kind, index[0])]
        return
    if value in (CREATE_AND_WAIT, CREATE_AND_GO):
        if row is not None or exists:
            raise RowError("inconsistentValue", "the row already exists")
        ends = [index[0]] if kind in ("vcl", "vpl") else [index[1], index[-2 if kind == "vp"
                                                                           else -3]]
        if not all(_interface_exists(state, i) for i in ends):
            raise RowError("noCreation", "no such interface")
        if kind in ("vcl", "vpl"):
            row = Link(kind, index[0], index[1], index[2] if kind == "vcl" else None)
        else:
            row = PendingCrossConnect(_xc(kind, index))
        if value == CREATE_AND_GO:
            _activate(state, kind, row, descriptors)
        _keep(state, kind, row)
        return
    if value == ACTIVE:
        if row is None:
            if exists:
                return          # active on an active row: nothing to do
            raise RowError("inconsistentValue", "no such row to activate")
        _activate(state, kind, row, descriptors)
        return
    if value == NOT_IN_SERVICE:
        if not isinstance(row, Link):
            raise RowError("inconsistentValue", "this row cannot be taken out of service")
        row.status = NOT_IN_SERVICE
        return
    raise RowError("wrongValue", f"RowStatus {value} cannot be set")


def _keep(state: DeviceState, kind: str, row: Link | PendingCrossConnect) -> None:
    if isinstance(row, Link):
        state.links[(row.kind, row.ifindex, row.vpi, row.vci)] = row
    elif row.status != ACTIVE:
        state.pending_xcs[(kind, row.xc.index)] = row


def _activate(state: DeviceState, kind: str, row: Link | PendingCrossConnect,
              descriptors: set[int]) -> None:
    if isinstance(row, Link):
        missing = sorted({row.rx_td, row.tx_td} - descriptors - {0})
        if missing:
            raise RowError("inconsistentValue", f"traffic descriptor {missing[0]} does not exist")
        row.status = ACTIVE
        return
    xc = row.xc
    link = "vcl" if kind == "vc" else "vpl"
    ends = [(link, xc.low_if, xc.low_vpi, xc.low_vci), (link, xc.high_if, xc.high_vpi, xc.high_vci)]
    if xc.low_if >= xc.high_if:
        raise RowError("inconsistentValue", "the low end must have the lower ifIndex")
    absent = [e for e in ends if e not in state.links or state.links[e].status != ACTIVE]
    if absent:
        raise RowError("inconsistentValue", f"link {absent[0][1]}.{absent[0][2]}"
                                            f"{'' if absent[0][3] is None else f'.{absent[0][3]}'}"
                                            f" does not exist or is not active")
    if (kind, xc.index) in state.cross_connects:
        raise RowError("inconsistentValue", f"cross-connect index {xc.index} is in use")
    for e in ends:
        del state.links[e]
    state.pending_xcs.pop((kind, xc.index), None)
    row.status = ACTIVE
    state.add_cross_connect(xc)
