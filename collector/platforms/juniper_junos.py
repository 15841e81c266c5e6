"""Juniper Junos: `show configuration` (curly-brace form) is the configuration; at- interface
units are its line data, event-options generate-event policies and a pending reboot its jobs."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lineguard.collector.model import Job
from lineguard.collector.parse import junos
from lineguard.collector.platforms import Platform, control_characters, first_and_last, register
from lineguard.collector.restore import junos as junos_restore
from lineguard.formats.wire import Target

if TYPE_CHECKING:
    from lineguard.collector.parse.device import DeviceZone

# `## Last commit: …` (or `## Last changed:`), then statements: `version …;`, `system {`.
_BEGINNING = re.compile(r"^(?:## Last (?:commit|changed): |#|/\*|version \S|[a-z][\w-]* ?\{)")
_PROMPT = re.compile(r"^\S+@[\w.-]+[>#%](?:\s|$)")
_ECHO = re.compile(r"^\s*(?:show configuration(?: \|.*)?|set cli \S+(?: \S+)?|"
                   r"Screen (?:length|width) set to \d+|Disabling complete-on-space)\s*$")


def _jobs(target: Target, zone: DeviceZone) -> list[Job]:
    found: list[Job] = []
    config = _text(target, junos.CONFIG)
    if config:
        found = junos.jobs(target.name, config, zone.name)
    reboot = _text(target, "show-system-reboot")
    if reboot:
        found += junos.reboot_jobs(target.name, reboot, zone.tz, zone.name)
    return found


def _text(target: Target, artifact: str) -> str | None:
    art = target.artifact(artifact)
    return art.text() if art is not None else None


def capture_problem(config: str, device: str) -> str | None:
    """Complete: begins as `show configuration` does, its braces balance and it ends with a
    closing brace or statement. Clean: no prompt at the start of a line, no echoed command, no
    terminal control characters."""
    ends = first_and_last(config)
    if ends is None:
        return "empty configuration"
    (first_no, first), (last_no, last) = ends
    if not _BEGINNING.match(first):
        return f"does not begin as show configuration does (line {first_no}: {first[:60]!r})"
    depth = 0
    for number, line in enumerate(config.splitlines(), 1):
        if _PROMPT.match(line):
            return f"device prompt at the start of line {number} ({line[:60]!r})"
        if _ECHO.match(line):
            return f"echoed command at line {number} ({line[:60]!r})"
        code = re.sub(r'"(?:\\.|[^"\\])*"', '""', line)
        if code.lstrip().startswith("#"):
            continue
        code = re.sub(r"/\*.*?\*/", "", code)
        depth += code.count("{") - code.count("}")
        if depth < 0:
            return f"unbalanced '}}' at line {number}"
    if depth:
        return f"{depth} unclosed brace(s) at the end: truncated"
    if not last.rstrip().endswith(("}", ";")) and not last.lstrip().startswith("#"):
        return f"does not end with a statement (line {last_no}: {last[:60]!r}): truncated"
    return control_characters(config)


PLATFORM = register(Platform(
    name="juniper_junos",
    config_artifact=junos.CONFIG,
    line_data=junos.line_data,
    jobs=_jobs,
    # and the routing engine's role above the prompt, in a capture taken without stripping it
    volatile_lines=re.compile(r"^(?:## Last (?:commit|changed): |\{(?:master|backup|linecard|"
                              r"primary|secondary)(?::[\w-]+)?\}\s*$)"),
    capture_problem=capture_problem,
    restore=junos_restore.render,
    restore_commit=True,
))
