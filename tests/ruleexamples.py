"""Turning a rule's `examples` / `counterexamples` into a real job to judge: a script file, a
device action list, a job command or a path, with the owner and next fire the example names."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from lineguard.collector.analyse.destructive import Rule
from lineguard.collector.model import CronTrigger, Fire, Job
from lineguard.formats.wire import Artifact

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
_PYTHONISH = re.compile(r"^\s*(?:await |async |for .+ in |import |from \S+ import|"
                        r"\w[\w.]*\s+=\s|[\w.]+\()", re.M)
# A device-command example written as a host command line (piped to nc, sent with ssh …).
_HOST_LINE = re.compile(r"^\s*(?:echo|printf|ssh|nc|clogin|jlogin|cat|sshpass|expect|python\d?|"
                        r"perl|telnet|snmpset)\b|\n")


def script_name(text: str) -> str:
    return "usr/local/sbin/example.py" if _PYTHONISH.search(text) else "usr/local/sbin/example"


def example_case(rule: Rule, example: Any) -> tuple[Job, dict[str, Artifact], Fire]:
    spec: dict[str, Any] = dict(example) if isinstance(example, dict) else {}
    text = example if isinstance(example, str) else spec.get("script")
    actions: tuple[tuple[str, int | None], ...] = tuple(
        (a, i) for i, a in enumerate(spec.get("actions", ()), 1))
    files: dict[str, Artifact] = {}
    command, job_files = "/usr/local/sbin/example", ()
    if rule.effect == "device-command" and isinstance(example, str) and \
            not _HOST_LINE.search(example):
        actions = tuple((ln, i) for i, ln in enumerate(example.splitlines(), 1))
        command = "event manager applet EXAMPLE"
    elif rule.effect == "runs":
        files[example] = Artifact.from_bytes(example, "script", b"#!/bin/sh\necho hello\n")
        command, job_files = "/" + example, (example,)
    elif rule.effect == "schedule-line":
        command = example
    elif text is not None:
        name = script_name(text)
        files[name] = Artifact.from_bytes(name, "script", text.encode())
        command, job_files = "/" + name, (name,)
    elif actions:
        command = "event manager applet EXAMPLE"
    job = Job(target="example-host", source="cron", origin_path="var/spool/cron/crontabs/root",
              origin_line=3, owner=spec.get("owner", "root"), schedule=spec.get("cron", "0 3 * * *"),
              command=command, trigger=CronTrigger(spec.get("cron", "0 3 * * *")),
              files=job_files, actions=actions, state=spec.get("state", "active"))
    fire = Fire(kind=spec.get("fire_kind", "exact"),
                at=NOW + timedelta(days=spec.get("fire_in_days", 1), hours=3))
    return job, files, fire
