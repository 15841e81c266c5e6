"""Benchmark: polling a simulated ATM fleet, and pysnmp against net-snmp on the same agent.

    python bench/poll_fleet.py [--sites 3] [--devices 60] [--concurrency 16] [--rows 2000]

1. Starts `python -m sim fleet` in its own process (so the simulator does not share the
   poller's CPU time or memory) and polls its inventory with agent.devices.collect_devices, in a
   fresh process per method: the CLI devices by netmiko, then every device by SNMP (each also
   answers as an ATM-MIB agent). Prints devices per minute, the poller's CPU time and its peak
   memory (max RSS of that process, and how much it grew while polling).
2. Serves one large ATM switch (--rows PVCs and cross-connects) from a separate process and walks
   the same ATM-MIB tables with pysnmp (bulk_walk_cmd, maxRepetitions 50, numeric OIDs) and with
   net-snmp's `snmpbulkwalk -Cr50` (Debian package `snmp`), printing the time ratio; then the
   agent's own read of that switch against snmpbulkwalk of the same columns, before (pysnmp for
   every request, 50 varbinds a request) and after (agent.devices.snmpv2c, 200 a request).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lineguard.agent.devices import collect_devices, inventory  # noqa: E402
from lineguard.agent.devices import credentials as credentials_file  # noqa: E402
from lineguard.agent.devices.profiles.atm_mib import ATM, WALKS  # noqa: E402

MASK_KEY = b"bench-mask-key"
COMMUNITY = "lg-ro-community"
# The ATM-MIB tables the agent reads: traffic descriptors, VPL, VCL, VP and VC cross-connects.
TABLES = tuple(f"{ATM}.{t}" for t in (5, 6, 7, 9, 11))
COLUMNS = tuple(w.oid for w in WALKS)


def _start(cmd: list[str], ready_text: str,
           timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """Start a server process and wait for its ready line; (process, that line)."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if ready_text in line:
            return proc, line
        if not line and proc.poll() is not None:
            break
    proc.terminate()
    raise RuntimeError(f"{' '.join(cmd)} did not become ready")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def poll_fleet(sites: int, devices: int, concurrency: int) -> None:
    out = Path(tempfile.mkdtemp(prefix="lg-bench-fleet-"))
    proc, _ = _start([sys.executable, "-m", "lineguard.sim", "fleet", "--sites", str(sites), "--devices",
                      str(devices), "--out", str(out)], "sim fleet ready")
    try:
        print(f"fleet: {devices} devices in {sites} sites, concurrency {concurrency}; "
              f"each method polled in a fresh process (peak = that process's max RSS)")
        for method in ("cli", "snmp"):
            # A fresh process per method, so that its max RSS is this poll's peak alone.
            result = subprocess.run([sys.executable, str(Path(__file__).resolve()),
                                     "--poll-child", method, str(out), str(concurrency)],
                                    cwd=ROOT, capture_output=True, text=True, check=True)
            print("  " + result.stdout.strip())
    finally:
        _stop(proc)
        shutil.rmtree(out, ignore_errors=True)


def poll_child(method: str, out: Path, concurrency: int) -> None:
    fleet = inventory.load(out / "inventory.toml")
    creds = credentials_file.load(out / "credentials.toml")
    if method == "cli":
        group = [d for d in fleet if d.method == "cli"]
        label = "cli (netmiko)"
    else:
        # Every device also answers SNMP on its port: poll them all as ATM-MIB agents.
        group = [d if d.method == "snmp" else _as_snmp(out / "inventory.toml", d) for d in fleet]
        label = "snmp"
    base = resource.getrusage(resource.RUSAGE_SELF)
    base_kib = base.ru_maxrss
    started = time.perf_counter()
    targets = collect_devices(group, creds, concurrency=concurrency, timeout=20, retries=0,
                              mask_key=MASK_KEY)
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kib = usage.ru_maxrss
    cpu = usage.ru_utime + usage.ru_stime - base.ru_utime - base.ru_stime
    ok = sum(t.status == "ok" for t in targets)
    print(f"{label:14s} {len(group):3d} devices in {elapsed:6.2f} s = "
          f"{len(group) / elapsed * 60:6.0f} devices/min, ok {ok}/{len(group)}, "
          f"poller CPU {cpu:5.1f} s, peak RSS {peak_kib / 1024:5.1f} MiB "
          f"({(peak_kib - base_kib) / 1024:+.1f} MiB while polling)")


def _as_snmp(inventory_path: Path, device):
    import tomllib
    from dataclasses import replace
    doc = tomllib.loads(inventory_path.read_text())
    table = next(t for t in doc["device"] if t["name"] == device.name)
    snmp = table.get("snmp", {})
    return replace(device, method="snmp", port=snmp.get("port", device.port),
                   credentials=snmp.get("credentials", "lab-snmp"),
                   snmp_version=str(snmp.get("version", "2c")))


# --- pysnmp vs snmpbulkwalk on one large switch -------------------------------------------

def serve_big(rows: int) -> None:
    """Child process: one ATM switch with `rows` PVCs and cross-connects, v2c on a free port."""
    from lineguard.sim.snmp import FleetSnmpAgent
    from lineguard.sim.state import build_device

    async def main() -> None:
        state = build_device("atm-bench-01", "cisco_ios", "bench", 1, pvcs=rows,
                             cross_connects=rows)
        agent = FleetSnmpAgent()
        port = agent.add_device(state, 0)
        print(f"ready {port}", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


async def _pysnmp_walk(port: int, roots: tuple[str, ...], concurrent: bool) -> tuple[int, float]:
    """Walk `roots` with one warmed-up engine, as the agent does; (varbinds, seconds).

    The engine's one-time set-up (~1 s of MIB machinery, paid once per agent run) is done by a
    first GET before the clock starts, as net-snmp's own start-up is not in its figure either
    beyond a process spawn."""
    from pysnmp.hlapi.v3arch.asyncio import (
        CommunityData,
        ContextData,
        ObjectIdentity,
        ObjectType,
        SnmpEngine,
        UdpTransportTarget,
        bulk_walk_cmd,
        get_cmd,
    )
    engine = SnmpEngine()
    auth = CommunityData(COMMUNITY)
    target = await UdpTransportTarget.create(("127.0.0.1", port), timeout=5, retries=1)
    await get_cmd(engine, auth, target, ContextData(),
                  ObjectType(ObjectIdentity("1.3.6.1.2.1.1.3.0")), lookupMib=False)

    async def walk(root: str) -> int:
        count = 0
        async for err_ind, err_stat, _idx, vbs in bulk_walk_cmd(
                engine, auth, target, ContextData(), 0, 50,
                ObjectType(ObjectIdentity(root)), lexicographicMode=False, lookupMib=False):
            if err_ind or err_stat:
                raise RuntimeError(f"pysnmp walk of {root}: {err_ind or err_stat}")
            count += len(vbs)
        return count

    started = time.perf_counter()
    if concurrent:
        counts = await asyncio.gather(*(walk(r) for r in roots))
    else:
        counts = [await walk(r) for r in roots]
    elapsed = time.perf_counter() - started
    engine.close_dispatcher()
    return sum(counts), elapsed


def _agent_walk(port: int, before: bool = False) -> int:
    """The agent's read of the switch; `before`: as it read it before the lean v2c path (pysnmp's
    engine for every request, 50 varbinds a request)."""
    from lineguard.agent.devices import profiles, snmp
    from lineguard.agent.devices.credentials import Credential
    from lineguard.agent.devices.inventory import Device
    saved = snmp.PYSNMP_FOR_V2C, snmp.PDU_VARBINDS
    if before:
        snmp.PYSNMP_FOR_V2C, snmp.PDU_VARBINDS = True, 50
    device = Device(name="atm-bench-01", platform="atm_mib", site="bench", method="snmp",
                    host="127.0.0.1", port=port, credentials="bench")
    try:
        target = asyncio.run(snmp.poll(device, Credential("bench", community=COMMUNITY),
                                       profiles.get("atm_mib"), timeout=20, retries=1,
                                       mask_key=MASK_KEY))
    finally:
        snmp.PYSNMP_FOR_V2C, snmp.PDU_VARBINDS = saved
    if target.status != "ok":
        raise RuntimeError(f"agent poll: {target.status}: {target.error}")
    return target.artifact("snmp-walk").meta["varbinds"]


def _netsnmp_walk(port: int, roots: tuple[str, ...]) -> int:
    count = 0
    for root in roots:
        out = subprocess.run(["snmpbulkwalk", "-v2c", "-c", COMMUNITY, "-Cr50", "-On", "-t", "5",
                              "-r", "1", f"127.0.0.1:{port}", root],
                             capture_output=True, text=True, check=True).stdout
        # An agent at the end of its MIB pads the last response with endOfMibView, which
        # snmpbulkwalk prints; those are not table rows.
        count += sum(1 for ln in out.splitlines() if ln and "No more variables" not in ln)
    return count


def compare_walkers(rows: int, repeat: int) -> None:
    if shutil.which("snmpbulkwalk") is None:
        print("pysnmp vs snmpbulkwalk: skipped (install net-snmp: apt-get install -y snmp)")
        return
    proc, line = _start([sys.executable, str(Path(__file__).resolve()), "--serve-big", str(rows)],
                        "ready")
    try:
        port = int(line.split()[1])
        times: dict[str, list[float]] = {k: [] for k in ("seq", "gather", "net", "agent",
                                                        "agent-before", "net-columns")}
        counts: set[tuple[str, int]] = set()
        for _ in range(repeat):
            for mode in ("seq", "gather"):
                n, seconds = asyncio.run(_pysnmp_walk(port, TABLES, mode == "gather"))
                counts.add(("pysnmp", n))
                times[mode].append(seconds)
            started = time.perf_counter()
            counts.add(("net-snmp", _netsnmp_walk(port, TABLES)))
            times["net"].append(time.perf_counter() - started)
            started = time.perf_counter()
            counts.add(("agent before", _agent_walk(port, before=True)))
            times["agent-before"].append(time.perf_counter() - started)
            started = time.perf_counter()
            counts.add(("agent", _agent_walk(port)))
            times["agent"].append(time.perf_counter() - started)
            started = time.perf_counter()
            counts.add(("net-snmp columns", _netsnmp_walk(port, COLUMNS)))
            times["net-columns"].append(time.perf_counter() - started)
        seq, gather, net = (statistics.median(times[k]) for k in ("seq", "gather", "net"))
        agent, net_columns = statistics.median(times["agent"]), statistics.median(
            times["net-columns"])
        before = statistics.median(times["agent-before"])
        print(f"ATM-MIB tables of one switch ({rows} PVCs + {rows} cross-connects), "
              f"median of {repeat}, varbinds {sorted(counts)}")
        print(f"  snmpbulkwalk -Cr50, table after table      {net:6.2f} s")
        print(f"  pysnmp bulk_walk_cmd, table after table    {seq:6.2f} s   "
              f"ratio {seq / net:.2f}x")
        print(f"  pysnmp bulk_walk_cmd, tables concurrently  {gather:6.2f} s   "
              f"ratio {gather / net:.2f}x")
        print(f"The agent's own read of that switch: its {len(COLUMNS)} columns (IF-MIB names, "
              f"traffic descriptors, VPL/VCL/XC), the tables walked concurrently with the "
              f"columns of a table together (agent.devices.snmp.poll), against snmpbulkwalk of "
              f"each column in turn:")
        print(f"  snmpbulkwalk -Cr50, column after column    {net_columns:6.2f} s")
        print(f"  agent before: pysnmp, 50 varbinds/request  {before:6.2f} s   "
              f"ratio {before / net_columns:.2f}x")
        print(f"  agent after: lean v2c, 200 varbinds/req.   {agent:6.2f} s   "
              f"ratio {agent / net_columns:.2f}x (target <= 1.2x)")
    finally:
        _stop(proc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=3)
    parser.add_argument("--devices", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rows", type=int, default=2000,
                        help="PVCs and cross-connects of the switch walked in part 2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--walk-only", action="store_true",
                        help="only part 2: pysnmp and the agent against snmpbulkwalk")
    parser.add_argument("--serve-big", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--poll-child", nargs=3, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_big is not None:
        serve_big(args.serve_big)
        return 0
    if args.poll_child:
        method, out, concurrency = args.poll_child
        poll_child(method, Path(out), int(concurrency))
        return 0
    print(f"poll_fleet: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    if not args.walk_only:
        poll_fleet(args.sites, args.devices, args.concurrency)
    compare_walkers(args.rows, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
