"""Text rendering shared by the commands: tables that fit the terminal, one-line cells.

A table printed to a terminal (or with COLUMNS set) is fitted to its width: the widest columns
give way first and cut cells end in an ellipsis. Printed to a pipe or a file, or with `wide`,
every cell is whole — `--json` and `--wide` always carry the full text."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from datetime import UTC, tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lineguard.collector.history import Change

_MIN_COL = 4
_MAX_FLOOR = 6
_GAP = 2


def clip(text: object, width: int) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= width else s[: max(width - 1, 0)] + "…"


def terminal_width() -> int | None:
    """The width to fit tables to, or None when output is not for a terminal."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def table(headers: list[str], rows: Sequence[Sequence[object]], *, wide: bool = False,
          width: int | None = None, elastic: tuple[str, ...] = ()) -> str:
    """`elastic` names the free-text columns (commands, paths) that give way first, so times,
    verdicts and names stay readable on a narrow terminal."""
    cells = [[" ".join(str(c).split()) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    limit = None if wide else (width if width is not None else terminal_width())
    if limit is not None:
        first = [i for i, h in enumerate(headers) if h in elastic]
        widths = _fit(widths, [len(h) for h in headers], limit, first)
        cells = [[clip(c, w) for c, w in zip(r, widths, strict=True)] for r in cells]
    fmt = (" " * _GAP).join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*[clip(h, w) for h, w in zip(headers, widths, strict=True)])
                      .rstrip()] + [fmt.format(*r).rstrip() for r in cells])


def _fit(widths: list[int], header_widths: list[int], limit: int, first: list[int]) -> list[int]:
    """Shrink the widest column (of `first`, while any of them can) one character at a time
    until the row fits, never below a
    column's floor: its header's width between _MIN_COL and _MAX_FLOOR, or its natural width
    where that is smaller. A table with too many columns stays wider."""
    widths = list(widths)
    floors = [min(w, max(_MIN_COL, min(h, _MAX_FLOOR))) for w, h in zip(widths, header_widths,
                                                                  strict=True)]
    excess = sum(widths) + _GAP * (len(widths) - 1) - limit
    while excess > 0:
        candidates = ([i for i in first if widths[i] > floors[i]] or
                      [i for i, w in enumerate(widths) if w > floors[i]])
        if not candidates:
            break
        i = max(candidates, key=lambda k: widths[k])
        widths[i] -= 1
        excess -= 1
    return widths


def line(text: str, *, wide: bool = False) -> str:
    """One free-text line under a table, cut to the terminal like the table is."""
    limit = None if wide else terminal_width()
    return text if limit is None else clip(text, limit)


def history(changes: list[Change], display: tzinfo = UTC, *, wide: bool = False) -> str:
    """`lineguard history`: one row per change, then what changed, artifact by artifact."""
    from lineguard.collector.analyse.drift import row_text
    from lineguard.collector.zones import label, restamp
    rows = [[restamp(c.poll.taken_at, display), c.poll.label, c.poll.status, c.summary()]
            for c in changes]
    out = [table([f"WHEN ({label(display)})", "POLL", "STATUS", "WHAT CHANGED"], rows,
                 wide=wide, elastic=("WHAT CHANGED",))]
    for c in changes:
        if not (c.artifacts or c.rows):
            continue
        out.append("")
        out.append(line(f"{restamp(c.poll.taken_at, display)} {c.poll.label} against "
                        f"{c.previous.label if c.previous else '-'}:", wide=wide))
        out += [line(f"  {a.change:<8} {a.name} ({a.kind})", wide=wide) for a in c.artifacts]
        out += [line(f"  row {r.change:<8} {row_text(r.before or r.after)}", wide=wide)
                for r in c.rows]
    return "\n".join(out)
