"""ATM-MIB (RFC 2515) restore SETs: each lost VPL/VCL row and cross-connect re-created at its
original indices through its RowStatus: createAndWait(5), the row's writable columns as the
baseline's walk has them, then active(1); links before the cross-connects that join them. A row
that exists but changed is taken out of service (2), rewritten and put back in service.

Commands are `OID i VALUE` (INTEGER), as snmpset writes them."""

from __future__ import annotations

from lineguard.agent.restore.document import RestoreAction, RestoreRow
from lineguard.collector.parse.atm_mib import (
    TD,
    VC_XC,
    VCL,
    VP_XC,
    VPL,
    interface_names,
    parse_walk,
)

CREATE_AND_WAIT, ACTIVE, NOT_IN_SERVICE, DESTROY = 5, 1, 2, 6
# entry, RowStatus column, writable columns the agent walks (so the baseline holds them),
# columns naming a traffic descriptor
_TABLES = {
    "vcl": (VCL, 13, (3, 6, 7, 11), (6, 7)),
    "vpl": (VPL, 8, (2, 5, 6), (5, 6)),
    "vc-xc": (VC_XC, 13, (8,), ()),
    "vp-xc": (VP_XC, 11, (6,), ()),
}
_ORDER = {"vpl": 0, "vcl": 0, "vp-xc": 1, "vc-xc": 1}


def _dotted(oid: tuple[int, ...]) -> str:
    return ".".join(str(n) for n in oid)


def render(rows: list[RestoreRow], reference: str,
           current: str | None = None) -> tuple[list[RestoreAction], list[tuple[int, str]]]:
    walk = parse_walk(reference)
    now = parse_walk(current or "")
    by_name = {name: ifindex for ifindex, name in interface_names(walk).items()}
    present_td = {oid[len(TD) + 1] for oid in now if oid[:len(TD)] == TD and len(oid) > len(TD) + 1}
    placed: list[tuple[tuple, RestoreAction]] = []
    refused: list[tuple[int, str]] = []
    for r in rows:
        row = r.row
        if row.kind not in _TABLES:
            refused.append((r.id, f"no ATM-MIB table for row kind {row.kind!r}"))
            continue
        entry, status, columns, descriptors = _TABLES[row.kind]
        low = by_name.get(row.extra.get("subinterface") or row.interface)
        if row.extra.get("ifindex", "").isdigit():
            low = int(row.extra["ifindex"])
        high = by_name.get(row.peer_interface or "")
        if low is None or (row.kind.endswith("xc") and (high is None
                                                        or not row.extra.get("xc", "").isdigit())):
            refused.append((r.id, "the baseline's walk does not give this row's indices"))
            continue
        if row.kind == "vcl":
            index: tuple[int, ...] = (low, row.vpi, row.vci or 0)
        elif row.kind == "vpl":
            index = (low, row.vpi)
        elif high is None:       # refused above
            continue
        elif row.kind == "vc-xc":
            index = (int(row.extra["xc"]), low, row.vpi, row.vci or 0, high, row.peer_vpi or 0,
                     row.peer_vci or 0)
        else:
            index = (int(row.extra["xc"]), low, row.vpi, high, row.peer_vpi or 0)
        values = [(c, walk[entry + (c,) + index]) for c in columns
                  if walk.get(entry + (c,) + index, "").isdigit()]
        missing_td = sorted({int(v) for c, v in values if c in descriptors and int(v)
                             and int(v) not in present_td})
        if current is not None and missing_td:
            refused.append((r.id, f"traffic descriptor {', '.join(map(str, missing_td))} is not "
                                  f"on the device; it must exist before this row"))
            continue
        rs = _dotted(entry + (status,) + index)
        first = CREATE_AND_WAIT if r.change == "missing" else NOT_IN_SERVICE
        commands = [f"{rs} i {first}"]
        commands += [f"{_dotted(entry + (c,) + index)} i {v}" for c, v in values]
        commands.append(f"{rs} i {ACTIVE}")
        placed.append(((_ORDER[row.kind], row.kind, index),
                       RestoreAction((r.id,), tuple(commands))))
    return [a for _, a in sorted(placed, key=lambda p: p[0])], refused
