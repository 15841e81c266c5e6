"""systemd time spans (systemd.time(7)), the one parser both sides use: "5h 30min", "15min",
"1d", "2weeks", "500ms", "1.5h", "1h30", "infinity"; a number without a unit is seconds.

Units are case-sensitive as systemd's parse_time() reads them: "M" is a month and "m" a
minute, "1MONTH" is no span at all. A number without a unit may not run into the next term
("12.34.56" is rejected, "12.34 .56" is 12.9 seconds), "infinity" stands alone, and nothing
is negative."""

from __future__ import annotations

import math
import re

_MINUTE = 60.0
_HOUR = 3600.0
_DAY = 86400.0
_UNITS: dict[str, float] = {
    "usec": 1e-6, "us": 1e-6, "µs": 1e-6, "μs": 1e-6,
    "msec": 1e-3, "ms": 1e-3,
    "seconds": 1.0, "second": 1.0, "sec": 1.0, "s": 1.0,
    "minutes": _MINUTE, "minute": _MINUTE, "min": _MINUTE, "m": _MINUTE,
    "hours": _HOUR, "hour": _HOUR, "hr": _HOUR, "h": _HOUR,
    "days": _DAY, "day": _DAY, "d": _DAY,
    "weeks": 7 * _DAY, "week": 7 * _DAY, "w": 7 * _DAY,
    "months": 2_629_800.0, "month": 2_629_800.0, "M": 2_629_800.0,   # 30.44 days
    "years": 31_557_600.0, "year": 31_557_600.0, "y": 31_557_600.0,  # 365.25 days
}
_TERM = re.compile(r"\s*\+?(?P<num>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?P<space>\s*)"
                   r"(?P<unit>[A-Za-zµμ]*)")


def parse_timespan(text: str) -> float:
    """Seconds in a systemd time span; "infinity" is math.inf. Raises ValueError saying what
    is wrong, as systemd would refuse the setting."""
    stripped = text.strip()
    if stripped == "infinity":
        return math.inf
    if not stripped:
        raise ValueError("empty time span")
    total = 0.0
    pos = 0
    while pos < len(stripped):
        match = _TERM.match(stripped, pos)
        if not match:
            raise ValueError(f"invalid time span {text!r} at {stripped[pos:]!r}")
        unit = match["unit"]
        if unit and unit not in _UNITS:
            raise ValueError(f"invalid time span {text!r}: unknown unit {unit!r}")
        pos = match.end()
        if not unit and not match["space"] and pos < len(stripped):
            raise ValueError(f"invalid time span {text!r} at {stripped[pos:]!r}")
        total += float(match["num"]) * _UNITS[unit or "s"]
        while pos < len(stripped) and stripped[pos].isspace():
            pos += 1
    return total


def format_timespan(seconds: float) -> str:
    """Compact span for notes, largest units first: 5400 -> "1h 30min", 90061 -> "1d 1h 1min 1s"."""
    if math.isinf(seconds):
        return "infinity"
    parts = []
    remaining = int(round(seconds))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) if parts else f"{seconds * 1000:g}ms"
