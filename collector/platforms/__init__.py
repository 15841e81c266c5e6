"""Device platforms on the collector side, one small module each, registered by name.

A platform declares what the collector needs to know about one device family: which artifact
holds its configuration (or line data), which artifacts and configuration lines change by
nature, which artifacts decide what runs, how line data rows and device jobs are read from what
was captured, when a captured configuration is complete and clean, and which commands restore
its lost line data (collector/restore/<platform>.py), and what its own clock showed. The analysis modules ask
the platform and never name a vendor. The agent's side of a platform is its profile
(agent/devices/profiles/)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from lineguard.collector.model import Job, LineDataRow
from lineguard.formats.wire import Target

if TYPE_CHECKING:
    from lineguard.collector.parse.device import DeviceZone


class UnknownPlatform(ValueError):
    """No collector platform reads this device: its line data and jobs are unknown."""


def _no_jobs(target: Target, zone: DeviceZone) -> list[Job]:
    return []


def _always_clean(text: str, device: str) -> str | None:
    return None


@dataclass(frozen=True)
class Platform:
    name: str
    # The artifact holding the configuration, or (SNMP-only devices) the line data read.
    config_artifact: str
    # (device name, text of config_artifact) -> line data rows.
    line_data: Callable[[str, str], list[LineDataRow]]
    # Whether config_artifact is a configuration (diffed as such) or only a table read.
    has_config: bool = True
    # Jobs the device runs by itself, from everything read and the device's clock zone.
    jobs: Callable[[Target, DeviceZone], list[Job]] = _no_jobs
    # Artifacts whose content changes by nature (clocks, countdowns, link status): not drift.
    volatile_artifacts: frozenset[str] = frozenset()
    # Artifacts besides the configuration that decide what the device will run.
    job_artifacts: frozenset[str] = frozenset()
    # Configuration lines the device rewrites without any change to what it does.
    volatile_lines: re.Pattern[str] | None = None
    # Lines that carry nothing alone (IOS `!` separators): never evidence of a change.
    filler_lines: re.Pattern[str] | None = None
    # Lines the device prints in the order of its own tables, which changes with no change to
    # the configuration: a run of them is compared in one order.
    unordered_lines: re.Pattern[str] | None = None
    # (config text, device name) -> why the capture is incomplete or unclean, or None.
    capture_problem: Callable[[str, str], str | None] = _always_clean
    # Restore commands (collector.restore.<platform>): (rows to put back, the baseline's
    # config_artifact text, the current one or None) -> (actions, [(row id, why refused)]).
    restore: Callable[[list, str, str | None], tuple[list, list]] | None = None
    # The commands take effect only after a `commit` (Junos).
    restore_commit: bool = False
    # (what was read, its clock zone) -> the time the device's own clock showed, or None: its
    # schedules run by that clock, whatever the agent's says.
    clock: Callable[[Target, DeviceZone], datetime | None] | None = None

    def is_volatile_line(self, line: str) -> bool:
        return self.volatile_lines is not None and bool(self.volatile_lines.match(line))

    def is_filler_line(self, line: str) -> bool:
        return self.filler_lines is not None and bool(self.filler_lines.match(line))

    def comparable(self, text: str) -> list[tuple[int, str]]:
        """(line number, line) of a captured configuration as drift compares it: the one place
        a platform's capture noise is set aside. Volatile lines are left out, trailing blanks
        (which devices print and capture tools keep or strip) ignored, and each run of
        unordered lines put in one order. Nothing else: any other difference is drift."""
        out: list[tuple[int, str]] = []
        run = 0                       # where the current run of unordered lines starts in out
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.rstrip()
            if self.is_volatile_line(line):
                continue
            if self.unordered_lines is not None and self.unordered_lines.match(line):
                out.append((number, line))
                continue
            self._settle(out, run)
            out.append((number, line))
            run = len(out)
        self._settle(out, run)
        return out

    @staticmethod
    def _settle(out: list[tuple[int, str]], run: int) -> None:
        """The run of unordered lines out[run:] sorted by text, each with its line number."""
        if len(out) - run > 1:
            out[run:] = sorted(out[run:], key=lambda item: item[1])


_REGISTRY: dict[str, Platform] = {}


def register(platform: Platform) -> Platform:
    _REGISTRY[platform.name] = platform
    return platform


def get(name: str) -> Platform:
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise UnknownPlatform(f"no collector platform {name!r} (known: {known})") from None


def names() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def for_facts(facts: dict[str, Any]) -> Platform:
    """The platform a device target is read with: an SNMP read of any device is an ATM-MIB
    table read, whatever its CLI platform."""
    if facts.get("method") == "snmp":
        return get("atm_mib")
    platform = facts.get("platform")
    if not isinstance(platform, str):
        raise UnknownPlatform(f"no platform named in the facts ({platform!r})")
    return get(platform)


def for_target(target: Target) -> Platform | None:
    """The platform of a device target; None for hosts and for platforms no module reads."""
    if target.kind != "device":
        return None
    try:
        return for_facts(target.facts)
    except UnknownPlatform:
        return None


def judged(target: Target) -> Target:
    """The target as the collector judges it: a poll the agent called ok whose captured
    configuration is not complete and clean for its platform becomes `partial`, with the reason.
    Applied where history is read for diffs and baselines, so stored polls are re-judged too."""
    platform = for_target(target)
    if platform is None or target.status != "ok":
        return target
    art = target.artifact(platform.config_artifact)
    if art is None:
        return replace(target, status="partial",
                       error=f"{platform.config_artifact} was not captured")
    text = art.text()
    if text is None:
        return target       # only its hash was kept: compared by hash, nothing to read
    problem = platform.capture_problem(text, target.name)
    if problem is None:
        return target
    return replace(target, status="partial", error=f"{platform.config_artifact}: {problem}")


def control_characters(text: str) -> str | None:
    """Terminal control characters (backspace redraws, escape sequences) left in a capture."""
    m = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if m is None:
        return None
    line = text.count("\n", 0, m.start()) + 1
    return (f"terminal control character {m.group()!r} at line {line}: echo or redraw "
            f"leftovers in the capture")


def first_and_last(text: str) -> tuple[tuple[int, str], tuple[int, str]] | None:
    """(line number, line) of the first and the last non-blank lines, or None if all blank."""
    lines = [(n, ln.rstrip()) for n, ln in enumerate(text.splitlines(), 1) if ln.strip()]
    if not lines:
        return None
    return lines[0], lines[-1]


def _load_builtin() -> None:
    # Imported lazily: platform modules import this one for Platform and register.
    from lineguard.collector.platforms import atm_mib, cisco_ios, juniper_junos  # noqa: F401
