"""Kernel settings that make the kernel run a program: `kernel.core_pattern = |PROGRAM ARGS`
in sysctl.d(5) files (run as root for every core dump), `kernel.modprobe` and `kernel.hotplug`
(run as root whenever the kernel asks for a module or reports a device), and modprobe.d(5)
`install MODULE
COMMAND` / `remove MODULE COMMAND` lines (run through /bin/sh instead of loading or unloading
the module). The agent captures these files and follows the programs; the collector makes each
line a job."""

from __future__ import annotations

import re
from typing import NamedTuple

SYSCTL_FILES = ("etc/sysctl.conf",)
# sysctl.d(5): a name in an earlier folder hides the same name later; all are applied in the
# order of their names, /etc/sysctl.conf last
SYSCTL_DIRS = ("etc/sysctl.d", "run/sysctl.d", "usr/local/lib/sysctl.d", "usr/lib/sysctl.d",
               "lib/sysctl.d")
MODPROBE_DIRS = ("etc/modprobe.d", "run/modprobe.d", "usr/local/lib/modprobe.d",
                 "usr/lib/modprobe.d", "lib/modprobe.d")
MODULES_LOAD = ("etc/modules", "etc/modules-load.d", "run/modules-load.d",
                "usr/lib/modules-load.d", "lib/modules-load.d")
_SETTING = re.compile(r"^\s*-?\s*kernel[./](core_pattern|modprobe|hotplug)\s*=\s*(.*?)\s*$")


class KernelRun(NamedTuple):
    """A program the kernel (or modprobe) will run: `what` says when, `command` what."""

    line: int
    what: str
    module: str
    command: str


def sysctl_programs(text: str) -> list[KernelRun]:
    """The settings of a sysctl file that name a program the kernel runs (`what` is the key;
    a core_pattern that is not a pipe runs nothing: its command is empty)."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        m = _SETTING.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2)
        if key == "core_pattern":
            value = value[1:].strip() if value.startswith("|") else ""
        out.append(KernelRun(number, key, "", value))
    return out


def modprobe_runs(text: str) -> list[KernelRun]:
    """`install`/`remove` lines of a modprobe.d file, continuation lines joined."""
    out = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not pending:
            start = number
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        line, pending = (pending + raw).strip(), ""
        words = line.split(None, 2)
        if len(words) == 3 and words[0] in ("install", "remove"):
            out.append(KernelRun(start, words[0], words[1], words[2]))
    return out


def listed_modules(text: str) -> set[str]:
    """Module names an /etc/modules or modules-load.d file loads at boot."""
    return {w.split()[0].replace("_", "-") for w in text.splitlines()
            if w.strip() and not w.lstrip().startswith(("#", ";"))}
