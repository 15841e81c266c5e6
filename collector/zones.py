"""Time zones for people: the zone a human rendering is shown in (`--tz`, the `display_tz`
setting) and each time also in the target's own zone where that differs. Stored and JSON times
stay UTC."""

from __future__ import annotations

import re
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
    if target_zone and not is_zone(target_zone):
        return f"{text} (target zone {target_zone!r} unknown)"
    own = local(dt, display, target_zone)
    return f"{text} (target {own}, {target_zone})" if own else text


def restamp(text: str | None, tz: tzinfo = UTC) -> str | None:
    """A stored ISO-8601 UTC time (`2026-11-25T09:00:00Z`) shown in `tz`; other text as is."""
    if not text or tz is UTC:
        return text
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return stamp(dt if dt.tzinfo else dt.replace(tzinfo=UTC), tz)


def local(dt: datetime | None, display: tzinfo, target_zone: str | None) -> str:
    """`dt` in the target's own zone when that shows another wall-clock time than `display`;
    "" otherwise (or when the zone is unknown to this machine)."""
    if dt is None or not target_zone:
        return ""
    try:
        own = zone(target_zone)
    except ValueError:
        return ""
    if dt.astimezone(own).strftime("%Y%m%d%H%M%S%z") == dt.astimezone(display).strftime(
            "%Y%m%d%H%M%S%z"):
        return ""
    return stamp(dt, own)


def label(tz: tzinfo) -> str:
    return "UTC" if tz is UTC else str(tz)


_ISO_Z = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")


def restamp_text(text: str, tz: tzinfo = UTC) -> str:
    """Every ISO-8601 UTC time in a line of prose shown in `tz`."""
    return text if tz is UTC else _ISO_Z.sub(lambda m: restamp(m.group(0), tz) or "", text)


def brief(dt: datetime, tz: tzinfo) -> str:
    """`02-10 12:00 JST`: a compact wall-clock time for a table cell."""
    local_time = dt.astimezone(tz)
    return local_time.strftime("%m-%d %H:%M ") + (local_time.tzname() or str(tz))
