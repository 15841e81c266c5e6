"""Time zones for people: the zone a human rendering is shown in (`--tz`, the `display_tz`
setting) and each time also in the target's own zone where that differs. Stored and JSON times
stay UTC."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str) -> tzinfo:
    """The zone called `name` ("UTC", "Asia/Tokyo"); ValueError naming it when it is unknown."""
    if name.upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Asia/Tokyo, "
                         f"or UTC)") from None


def is_zone(name: object) -> bool:
    try:
        return isinstance(name, str) and bool(name) and zone(name) is not None
    except ValueError:
        return False


def stamp(dt: datetime, tz: tzinfo = UTC) -> str:
    """`2027-02-07T18:30:00Z` in UTC, `2027-02-08 03:30:00 JST` elsewhere."""
    if tz is UTC:
        return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    local = dt.astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M:%S ") + (local.tzname() or str(tz))


def both(dt: datetime | None, display: tzinfo = UTC, target_zone: str | None = None) -> str:
    """`dt` in the display zone and, where the target lives in another zone, there too:
    `2027-02-07T18:30:00Z (target 2027-02-08 03:30:00 JST, Asia/Tokyo)`."""
    if dt is None:
        return "-"
    text = stamp(dt, display)
    if not target_zone:
        return text
    try:
        own = zone(target_zone)
    except ValueError:
        return f"{text} (target zone {target_zone!r} unknown)"
    if dt.astimezone(own).strftime("%Y%m%d%H%M%S%z") == dt.astimezone(display).strftime(
            "%Y%m%d%H%M%S%z"):
        return text
    return f"{text} (target {stamp(dt, own)}, {target_zone})"
