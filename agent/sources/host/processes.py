"""Jobs waiting in memory on a live host: long `sleep` processes and the shells chained to them
(`sleep 6480000; /opt/wipe.sh`, `nohup sh -c '...' &`), and programs that sleep in a loop
(`while :; do …; sleep 600; done`). Read from /proc, never from the root."""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from lineguard.agent.sources.host.rootfs import RootFS, iso_utc
from lineguard.formats.sleep import inline_sleeps, loop_sleeps, program_of, sleep_seconds
from lineguard.formats.wire import Artifact


@dataclass(frozen=True)
class _Proc:
    pid: int
    ppid: int
    argv: tuple[str, ...]
    uid: int
    start: float
    unit: str = ""            # the systemd unit whose cgroup it runs in ("" when none)


def gather(fs: RootFS, proc: Path, long_sleep_s: int) -> list[Artifact]:
    procs = _read_all(proc)
    by_pid = {p.pid: p for p in procs}
    candidates = {p.pid for p in procs if _waits_long(p, long_sleep_s) or _polls(fs, p)}
    family = set(candidates)
    for pid in candidates:
        if by_pid[pid].ppid in by_pid:
            family.add(by_pid[pid].ppid)
    family |= {p.pid for p in procs if p.ppid in candidates}
    return [_artifact(fs, by_pid[pid]) for pid in sorted(family)]


def _waits_long(p: _Proc, long_sleep_s: int) -> bool:
    seconds = sleep_seconds(p.argv)
    if seconds is not None:
        return seconds >= long_sleep_s
    return sum(s.seconds for s in inline_sleeps(" ".join(p.argv))) >= long_sleep_s


def _polls(fs: RootFS, p: _Proc) -> bool:
    """Whether the process runs a program that sleeps in a loop: a resident job polling the
    clock for its day sleeps only minutes at a time, so no single sleep of it is long. Only
    shells and interpreters started outside a system service (whose unit is read as a job of
    its own): a terminal's `nohup`, `setsid` or `screen`, a user's own service."""
    if p.unit and not p.unit.startswith("user@"):
        return False
    text, script = program_of(p.argv)
    if script is not None:
        text = fs.read_text(script)
    return text is not None and loop_sleeps(text) is not None


def _artifact(fs: RootFS, p: _Proc) -> Artifact:
    meta = {"pid": p.pid, "ppid": p.ppid, "uid": p.uid, "user": fs.owner(p.uid),
            "start": iso_utc(p.start), "argv": list(p.argv)}
    if p.unit:
        meta["unit"] = p.unit
    return Artifact.from_bytes(f"proc/{p.pid}", "process", shlex.join(p.argv).encode(), meta)


def _read_all(proc: Path) -> list[_Proc]:
    boot = _boot_time(proc)
    ticks = os.sysconf("SC_CLK_TCK")
    out = []
    for entry in os.listdir(proc):
        if not entry.isdigit():
            continue
        try:
            raw = (proc / entry / "cmdline").read_bytes()
            stat_fields = (proc / entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (proc / entry / "status").read_text()
        except OSError:
            continue   # the process ended while we looked; nothing waits there any more
        argv = tuple(a.decode("utf-8", "replace") for a in raw.rstrip(b"\0").split(b"\0") if raw)
        uid_line = next((ln for ln in status.splitlines() if ln.startswith("Uid:")), "Uid: 0")
        out.append(_Proc(pid=int(entry), ppid=int(stat_fields[1]), argv=argv,
                         uid=int(uid_line.split()[1]),
                         start=boot + int(stat_fields[19]) / ticks, unit=_unit(proc / entry)))
    return out


def unit_of_cgroup(text: str) -> str:
    """The systemd unit a process runs in, from /proc/PID/cgroup (v2 `0::/…/x.service`, or v1's
    `name=systemd` line): a unit's sleeping ExecStartPre is followed by what the unit runs next.
    Kept as the cgroup path's tail (`user@1000.service/app.slice/x.service` for a user unit)."""
    for line in text.splitlines():
        hierarchy, _, path = line.partition(":")[2].partition(":")
        if hierarchy in ("", "name=systemd") and ".service" in path:
            parts = path.strip("/").split("/")
            user = next((p for p in parts if p.startswith("user@") and p.endswith(".service")), "")
            unit = next((p for p in reversed(parts) if p.endswith(".service")), "")
            return f"{user}/{unit}" if user and unit != user else unit
    return ""


def _unit(folder: Path) -> str:
    try:
        return unit_of_cgroup((folder / "cgroup").read_text())
    except OSError:
        return ""


def _boot_time(proc: Path) -> float:
    for line in (proc / "stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    return 0.0
