"""ATM-MIB (RFC 2515) walks → line data rows: VPL/VCL links and VP/VC cross-connects, with
interface names from IF-MIB, in the same row shape as the CLI parsers produce.

Input is the agent's ``snmp-walk`` artifact: one varbind a line, ``OID = TYPE: VALUE``."""

from __future__ import annotations

import re

from lineguard.collector.model import LineDataRow

ARTIFACT = "snmp-walk"
IF_DESCR = (1, 3, 6, 1, 2, 1, 2, 2, 1, 2)
IF_NAME = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1)
_ATM: tuple[int, ...] = (1, 3, 6, 1, 2, 1, 37, 1)
TD = _ATM + (5, 1)
VPL = _ATM + (6, 1)
VCL = _ATM + (7, 1)
VP_XC = _ATM + (9, 1)
VC_XC = _ATM + (11, 1)
_TABLES = {VPL: 2, VCL: 3, VP_XC: 5, VC_XC: 7}       # entry → number of index components
_ROW_STATUS = {VPL: 8, VCL: 13, VP_XC: 11, VC_XC: 13}
_DESTROYED = {"6"}       # destroy(6) is never read back on a real agent; do not count it as a row

SERVICE_CATEGORY = {"1": "other", "2": "cbr", "3": "vbr-rt", "4": "vbr-nrt", "5": "abr", "6": "ubr"}
# atmVccAal5EncapsType → the IOS encapsulation keyword for the same framing.
ENCAPS = {"1": "aal5mux", "2": "aal5mux", "3": "aal5mux", "4": "aal5mux", "5": "aal5mux",
          "6": "aal5mux", "7": "aal5snap", "8": "aal5nlpid"}
CELL_BITS = 53 * 8

_LINE = re.compile(r"^\.?(\d+(?:\.\d+)*) = ([\w-]+): ?(.*)$")


def is_varbind_line(line: str) -> bool:
    return _LINE.match(line.strip()) is not None


def parse_walk(text: str) -> dict[tuple[int, ...], str]:
    """OID → value as text (strings unquoted, hex strings as hex)."""
    out: dict[tuple[int, ...], str] = {}
    for line in text.splitlines():
        m = _LINE.match(line.strip())
        if not m:
            continue
        oid = tuple(int(p) for p in m.group(1).split("."))
        kind, value = m.group(2), m.group(3)
        if kind == "STRING" and len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        out[oid] = value
    return out


def _column(walk: dict[tuple[int, ...], str], entry: tuple[int, ...],
            col: int) -> dict[tuple[int, ...], str]:
    prefix = entry + (col,)
    n = len(prefix)
    return {oid[n:]: v for oid, v in walk.items() if oid[:n] == prefix}


def _indexes(walk: dict[tuple[int, ...], str], entry: tuple[int, ...]) -> set[tuple[int, ...]]:
    """Row indexes of a table: from its RowStatus column, else from whatever columns were walked."""
    width = _TABLES[entry]
    status = _column(walk, entry, _ROW_STATUS[entry])
    if status:
        return {i for i, v in status.items() if len(i) == width and v not in _DESTROYED}
    n = len(entry)
    return {oid[n + 1:] for oid in walk if oid[:n] == entry and len(oid) == n + 1 + width}


def kbps(cells_per_second: str | None) -> int | None:
    if cells_per_second is None or not cells_per_second.isdecimal() or cells_per_second == "0":
        return None
    return round(int(cells_per_second) * CELL_BITS / 1000)


def interface_names(walk: dict[tuple[int, ...], str]) -> dict[int, str]:
    """ifIndex → the name the CLI uses: ifDescr (Cisco's ifName is the short `AT0/0/0`)."""
    names = {i[0]: v for i, v in _column(walk, IF_NAME[:-1], IF_NAME[-1]).items() if len(i) == 1}
    names.update({i[0]: v for i, v in _column(walk, IF_DESCR[:-1], IF_DESCR[-1]).items()
                  if len(i) == 1 and v})
    return names


def line_data(device: str, walk_text: str) -> list[LineDataRow]:
    walk = parse_walk(walk_text)
    names = interface_names(walk)

    def name(ifindex: int) -> tuple[str, dict[str, str]]:
        full = names.get(ifindex, f"ifIndex{ifindex}")
        extra = {"ifindex": str(ifindex)}
        if "." in full:
            extra["subinterface"] = full
        return full.split(".", 1)[0], extra

    td_type = _column(walk, TD, 2)
    td_p1, td_p2 = _column(walk, TD, 3), _column(walk, TD, 4)
    td_cat = _column(walk, TD, 10)

    def traffic(td: str | None) -> tuple[str | None, int | None, int | None]:
        if td is None or not td.isdecimal() or int(td) == 0:
            return None, None, None
        i = (int(td),)
        if i not in td_cat and i not in td_type:
            return None, None, None
        sc = SERVICE_CATEGORY.get(td_cat.get(i, ""), None)
        # UBR guarantees nothing and its PCR defaults to the line rate, which a config does not
        # state: like the CLI parser, keep no UBR rate in the compared fields.
        peak = kbps(td_p1.get(i)) if sc != "ubr" else None
        avg = kbps(td_p2.get(i)) if sc in ("vbr-rt", "vbr-nrt") else None
        return sc, peak, avg

    rows: list[LineDataRow] = []
    vcl_tx, vcl_enc = _column(walk, VCL, 7), _column(walk, VCL, 11)
    for idx in sorted(_indexes(walk, VCL)):
        intf, extra = name(idx[0])
        sc, peak, avg = traffic(vcl_tx.get(idx))
        rows.append(LineDataRow(device=device, kind="vcl", interface=intf, vpi=idx[1],
                                vci=idx[2], encapsulation=ENCAPS.get(vcl_enc.get(idx, "")),
                                service_class=sc, peak_kbps=peak, avg_kbps=avg, extra=extra))
    vpl_tx = _column(walk, VPL, 6)
    for idx in sorted(_indexes(walk, VPL)):
        intf, extra = name(idx[0])
        sc, peak, avg = traffic(vpl_tx.get(idx))
        rows.append(LineDataRow(device=device, kind="vpl", interface=intf, vpi=idx[1],
                                service_class=sc, peak_kbps=peak, avg_kbps=avg, extra=extra))
    for idx in sorted(_indexes(walk, VC_XC)):
        xc, low_if, low_vpi, low_vci, high_if, high_vpi, high_vci = idx
        low, extra = name(low_if)
        high, _ = name(high_if)
        rows.append(LineDataRow(device=device, kind="vc-xc", interface=low, vpi=low_vpi,
                                vci=low_vci, peer_interface=high, peer_vpi=high_vpi,
                                peer_vci=high_vci, extra={**extra, "xc": str(xc)}))
    for idx in sorted(_indexes(walk, VP_XC)):
        xc, low_if, low_vpi, high_if, high_vpi = idx
        low, extra = name(low_if)
        high, _ = name(high_if)
        rows.append(LineDataRow(device=device, kind="vp-xc", interface=low, vpi=low_vpi,
                                peer_interface=high, peer_vpi=high_vpi,
                                extra={**extra, "xc": str(xc)}))
    return rows
