"""Seconds from an event to the alert email, on the simulated fleet with the agent daemon (host
watch, syslog and trap listeners) and `lineguard watch` running, the regular poll interval left
at 15 minutes:

  (a) an `at` job planted on the management server's root (a destructive payload),
  (b) a PVC deleted on an IOS device over its CLI (netmiko over SSH),
  (c) a cross-connect row destroyed on an SNMP-only ATM switch (SNMP SET).

Each is repeated (--reps, default 20) and timed from the change to the email arriving in a
local SMTP sink; median and worst are printed. Beside them, the poll-only setting: the same
measured pipeline plus the wait for the next scheduled poll (uniform over the interval), which
is what the agent gave before events were wired in.

    python bench/latency.py [--reps 20] [--devices 6] [--interval-minutes 15]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email import message_from_bytes
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402
from pysnmp.hlapi.v3arch.asyncio import (  # noqa: E402
    CommunityData,
    ContextData,
    Integer32,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    set_cmd,
)

from lineguard.agent.config import AgentConfig  # noqa: E402
from lineguard.agent.daemon import run  # noqa: E402
from lineguard.agent.keys import generate  # noqa: E402
from lineguard.sim.events import EventSender  # noqa: E402
from lineguard.sim.fleet import CREDENTIALS, HOST, Fleet  # noqa: E402
from tests.sim_support import remove_pvc  # noqa: E402

VC_XC_ROW_STATUS = "1.3.6.1.2.1.37.1.11.1.13"


class Sink:
    def __init__(self) -> None:
        self.mails: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook)
        msg = message_from_bytes(envelope.content)
        parts = [p.get_payload(decode=True) or b"" for p in msg.walk() if not p.is_multipart()]
        text = str(msg["Subject"]) + "\n" + b"\n".join(parts).decode("utf-8", "replace")
        with self.lock:
            self.mails.append((time.monotonic(), text))
        return "250 OK"

    def wait(self, since: float, marker: str, deadline_s: float = 300) -> float:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            with self.lock:
                hit = [t for t, text in self.mails if t >= since and marker in text]
            if hit:
                return min(hit) - since
            time.sleep(0.05)
        raise TimeoutError(f"no alert mentioning {marker!r} within {deadline_s:.0f} s")


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lineguard(home: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "lineguard.collector.cli", "--home", str(home), *args],
                   check=True, capture_output=True, timeout=300)


def ingested(home: Path) -> int:
    """The newest seq the collector has stored from the bench's agent (0: none yet)."""
    with sqlite3.connect(home / "lineguard.db", timeout=30) as db:
        row = db.execute("SELECT last_seq FROM agents WHERE name = 'ems-bench'").fetchone()
    return (row[0] or 0) if row else 0


def plant_at_job(root: Path, n: int) -> str:
    """An at job as Debian's at writes it, running a script that deletes the line data."""
    marker = f"wipe-{n:03d}.sh"
    script = root / "home/opsuser/.cache" / marker
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text("#!/bin/sh\nrm -rf /var/lib/ems/linedata /var/lib/ems/xconnect\n")
    script.chmod(0o755)
    spool = root / "var/spool/cron/atjobs"
    spool.mkdir(parents=True, exist_ok=True)
    due = int(time.time() // 60) + 60 * 24 * (30 + n)           # minutes since the epoch
    job = spool / f"a{n:05x}{due:08x}"
    job.write_text("#!/bin/sh\n# atrun uid=1001 gid=1001\n# mail opsuser 0\numask 22\n"
                   f"cd /home/opsuser || exit 1\n/home/opsuser/.cache/{marker}\n")
    job.chmod(0o700)
    return marker


def delete_pvc(fleet: Fleet, n: int) -> str:
    dev = fleet.by_platform("cisco_ios")[n % len(fleet.by_platform("cisco_ios"))]
    intf, sub, pvc = dev.state.all_pvcs()[0]
    remove_pvc(dev, f"{intf.name}.{sub.number} point-to-point", pvc.vpi, pvc.vci)
    return dev.name


def destroy_cross_connect(fleet: Fleet, n: int) -> str:
    devs = fleet.by_platform("atm_mib")
    dev = devs[n % len(devs)]
    xc = next(x for x in dev.state.cross_connects.values() if x.kind == "vc")
    index = ".".join(str(v) for v in (xc.index, xc.low_if, xc.low_vpi, xc.low_vci, xc.high_if,
                                      xc.high_vpi, xc.high_vci))

    async def go() -> None:
        engine = SnmpEngine()
        target = await UdpTransportTarget.create((HOST, dev.port), timeout=5, retries=2)
        err, status, _, _ = await set_cmd(engine, CommunityData(CREDENTIALS["lab-snmp"]["community"]),
                                          target, ContextData(),
                                          ObjectType(ObjectIdentity(f"{VC_XC_ROW_STATUS}.{index}"),
                                                     Integer32(6)))
        engine.close_dispatcher()
        if err or status:
            raise RuntimeError(str(err or status.prettyPrint()))
    asyncio.run(go())
    return dev.name


def figures(name: str, seconds: list[float]) -> str:
    return (f"{name:<40} n={len(seconds):>3}  median {statistics.median(seconds):6.1f} s  "
            f"worst {max(seconds):6.1f} s")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--devices", type=int, default=6)
    ap.add_argument("--interval-minutes", type=float, default=15.0)
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lineguard-latency-"))
    sink = Sink()
    smtp_port = free_port(socket.SOCK_STREAM)
    smtp = Controller(sink, hostname="127.0.0.1", port=smtp_port, ready_timeout=10)
    smtp.start()
    syslog, traps = free_port(), free_port()
    fleet = Fleet.start(sites=2, devices=a.devices, out_dir=work / "fleet")
    fleet.send_events(EventSender(syslog=("127.0.0.1", syslog), traps=("127.0.0.1", traps),
                                  community=CREDENTIALS["lab-snmp"]["community"]))
    home = work / "collector"
    key, pub = generate(work / "agent.key")
    lineguard(home, "init")
    lineguard(home, "agents", "add", "ems-bench", "--key", str(pub), "--site", "kobe")
    (home / "config.toml").write_text(f'smtp_port = {smtp_port}\nmail_to = ["noc@example.net"]\n'
                                      "silence_hours = 100000\n")
    root = work / "root"
    for d in ("etc/cron.d", "home/opsuser"):
        (root / d).mkdir(parents=True)
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n"
                                     "opsuser:x:1001:1001::/home/opsuser:/bin/bash\n")
    (root / "etc/debian_version").write_text("12.8\n")
    cfg = AgentConfig(name="ems-bench", key=key, root=root, inventory=fleet.inventory_path,
                      credentials=fleet.credentials_path, outbox=work / "outbox",
                      deliver=str(home / "inbox"), interval_minutes=a.interval_minutes,
                      live=False, watch=True, watch_debounce_s=1.0,
                      syslog_listen=f"127.0.0.1:{syslog}", trap_listen=f"127.0.0.1:{traps}",
                      trap_credentials=("lab-snmp",),
                      event_min_interval_s=2.0)
    stop = threading.Event()
    agent = threading.Thread(target=run, args=(cfg,), kwargs={"stop": stop}, daemon=True)
    watch = subprocess.Popen([sys.executable, "-m", "lineguard.collector.cli", "--home", str(home), "watch",
                              "--interval", "900"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    results: dict[str, list[float]] = {}
    try:
        agent.start()
        # the first scheduled poll, delivered and ingested: the reference for what follows
        start = time.monotonic()
        while ingested(home) < 1:
            if time.monotonic() - start > 300:
                raise TimeoutError("the first snapshot was not ingested within 300 s")
            time.sleep(0.1)
        time.sleep(3)
        cases = (("(a) at job planted on the host", lambda n: plant_at_job(root, n)),
                 ("(b) PVC deleted over the IOS CLI", lambda n: delete_pvc(fleet, n)),
                 ("(c) cross-connect destroyed over SNMP", lambda n: destroy_cross_connect(fleet, n)))
        for name, act in cases:
            for n in range(a.reps):
                t0 = time.monotonic()
                marker = act(n)
                results.setdefault(name, []).append(sink.wait(t0, marker))
                time.sleep(2.5)            # past the event rate limit: each rep stands alone
    finally:
        stop.set()
        watch.terminate()
        watch.wait(timeout=30)
        agent.join(timeout=60)
        fleet.stop()
        smtp.stop()
    print(f"event to alert email, {a.devices} simulated devices, poll interval "
          f"{a.interval_minutes:g} min (event-driven):")
    for name, secs in results.items():
        print("  " + figures(name, secs))
    interval = a.interval_minutes * 60
    print(f"poll-only (no watch, no listeners): measured pipeline + wait for the next poll, "
          f"uniform over {a.interval_minutes:g} min:")
    for name, secs in results.items():
        pipeline = statistics.median(secs)
        print(f"  {name:<40} median {pipeline + interval / 2:6.0f} s  worst "
              f"{max(secs) + interval:6.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
