"""Benchmark: restoring line data at the incident's scale.

    python bench/restore.py [--sites 5] [--devices 100] [--pvcs 64] [--cross-connects 64]

A five-site simulated fleet (its own process, so the simulator does not share the agent's and
collector's CPU) is snapshotted, ingested and baselined (two approvers). Then a quarter of each
device's line data rows is deleted through the devices' own interfaces (`no pvc` / `no atm pvc`
over SSH on IOS, `delete interfaces ... unit` + commit on Junos, RowStatus destroy over SNMP on
the ATM switches) and a snapshot shows the loss. Timed from there: `lineguard restore plan
--all`, two `restore approve`, `lineguard-agent restore apply --apply` (read before, apply,
re-poll), the next snapshot and ingest, and the check that every device's rows equal its
baseline again. Target: under 5 minutes on a 2-core machine (the incident took 30 hours)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lineguard.agent.cli import main as agent_cli  # noqa: E402
from lineguard.agent.devices import credentials as credentials_file  # noqa: E402
from lineguard.agent.devices import inventory as inventory_file  # noqa: E402
from lineguard.agent.keys import generate, load_public  # noqa: E402
from lineguard.collector import approvals, baseline  # noqa: E402
from lineguard.collector.cli import main as lineguard  # noqa: E402
from lineguard.collector.home import Home  # noqa: E402
from lineguard.collector.model import LineDataRow  # noqa: E402

AGENT = "ems-bench-01"


def quiet(cli, args: list) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli([str(a) for a in args])
    return code, out.getvalue()


def start_fleet(out: Path, a: argparse.Namespace) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "lineguard.sim", "fleet", "--sites", str(a.sites),
                             "--devices", str(a.devices), "--pvcs", str(a.pvcs),
                             "--cross-connects", str(a.cross_connects), "--out", str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "sim fleet ready" in line:
            return proc
        if not line and proc.poll() is not None:
            break
    proc.terminate()
    raise RuntimeError("the simulated fleet did not start")


class Collector:
    def __init__(self, work: Path, fleet_dir: Path) -> None:
        self.work, self.fleet_dir = work, fleet_dir
        self.home = Home(work / "home")
        self.home.init().close()
        self.keys = work / "keys"
        (work / "root" / "etc").mkdir(parents=True)
        generate(self.keys / "agent.key")
        for name in ("alice", "bob"):
            _, pub = generate(self.keys / f"{name}.key")
            approvals.add_approver(self.bdir, name, load_public(pub))
        self.run(lineguard, "--home", self.home.root, "agents", "add", AGENT, "--key",
                 self.keys / "agent.key.pub")
        self.seq = 0

    @property
    def bdir(self) -> Path:
        return self.home.root / "baselines"

    def run(self, cli, *args) -> str:
        code, out = quiet(cli, list(args))
        if code not in (0, 1):
            raise RuntimeError(f"{' '.join(map(str, args[:4]))}…: exit {code}: {out[-2000:]}")
        return out

    def snapshot(self) -> None:
        self.seq += 1
        self.run(agent_cli, "snapshot", "--root", self.work / "root", "--hostname", AGENT,
                 "--agent", AGENT, "--no-live", "--inventory", self.fleet_dir / "inventory.toml",
                 "--credentials", self.fleet_dir / "credentials.toml", "--key",
                 self.keys / "agent.key", "--out", self.home.inbox / f"{self.seq}.lgsnap")
        self.run(lineguard, "--home", self.home.root, "ingest")

    def newest_rows(self) -> dict[str, dict[tuple, LineDataRow]]:
        from lineguard.collector.baseline import line_data
        store = self.home.open()
        out = {}
        for snap in store.latest_snapshots():
            for t in store.targets_of(snap.id):
                if t.kind == "device":
                    if t.status != "ok":
                        print(f"  {t.name}: poll {t.status}: {t.error}")
                    rows = line_data(t) if t.status == "ok" else None
                    out[t.name] = {r.key(): r for r in rows or ()}
        store.close()
        return out


def delete_quarter(fleet_dir: Path, baselines: dict[str, tuple[LineDataRow, ...]]) -> int:
    """A quarter of each device's rows, deleted through the device itself; rows lost."""
    devices = inventory_file.load(fleet_dir / "inventory.toml")
    creds = credentials_file.load(fleet_dir / "credentials.toml")
    lost = 0
    jobs = []
    for d in devices:
        rows = baselines[d.name]
        if d.platform == "cisco_ios":
            pvcs = [r for r in rows if r.kind == "vcl" and "name" in r.extra]
            xcs = [r for r in rows if r.kind == "vc-xc"]
            take_p, take_x = pvcs[: len(pvcs) // 4], xcs[: (len(rows) // 4 - len(pvcs) // 4) // 3]
            lines = [c for r in take_p for c in (f"interface {r.extra['subinterface']}",
                                                 f"no pvc {r.vpi}/{r.vci}")]
            lines += [c for r in take_x for c in (f"interface {r.interface}",
                                                  f"no atm pvc {r.vpi} {r.vci}")]
            lost += len(take_p) + 3 * len(take_x)
            jobs.append((d, lines, False))
        elif d.platform == "juniper_junos":
            take = rows[: len(rows) // 4]
            lines = [f"delete interfaces {r.extra['subinterface'].replace('.', ' unit ')}"
                     for r in take]
            lost += len(take)
            jobs.append((d, lines, True))
        else:
            take = [r for r in rows if r.kind == "vc-xc"][: len(rows) // 12]
            lost += 3 * len(take)
            jobs.append((d, [f"1.3.6.1.2.1.37.1.7.1.13.{r.extra['ifindex']}.{r.vpi}.{r.vci}"
                             for r in take], None))

    def cli(job) -> None:
        from netmiko import ConnectHandler
        d, lines, commit = job
        c = creds.get(d.credentials)
        conn = ConnectHandler(device_type=d.platform, host=d.host, port=d.port,
                              username=c.username, password=c.password, secret=c.secret or "")
        if c.secret:
            conn.enable()
        conn.send_config_set(lines, exit_config_mode=not commit, cmd_verify=False)
        if commit:
            conn.commit()
            conn.exit_config_mode()
        conn.disconnect()

    async def destroy(jobs_snmp) -> None:
        from pysnmp.hlapi.v3arch.asyncio import (
            ContextData,
            Integer32,
            ObjectIdentity,
            ObjectType,
            SnmpEngine,
            UdpTransportTarget,
            set_cmd,
        )

        from lineguard.agent.devices.snmp import auth_data
        engine = SnmpEngine()
        for d, oids, _ in jobs_snmp:
            target = await UdpTransportTarget.create((d.host, d.port), timeout=5, retries=2)
            for oid in oids:
                err, status, _, _ = await set_cmd(engine, auth_data(d, creds.get(d.credentials)),
                                                  target, ContextData(),
                                                  ObjectType(ObjectIdentity(oid), Integer32(6)),
                                                  lookupMib=False)
                if err or status:
                    raise RuntimeError(f"{d.name}: destroy {oid}: {err or status}")
        engine.close_dispatcher()

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(cli, [j for j in jobs if j[2] is not None]))
    asyncio.run(destroy([j for j in jobs if j[2] is None]))
    return lost


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=5)
    ap.add_argument("--devices", type=int, default=100)
    ap.add_argument("--pvcs", type=int, default=64)
    ap.add_argument("--cross-connects", type=int, default=64)
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lg-bench-restore-"))
    fleet_dir = work / "fleet"
    proc = start_fleet(fleet_dir, a)
    try:
        c = Collector(work, fleet_dir)
        t0 = time.monotonic()
        for _ in range(3):      # a baseline needs a complete poll of every device
            c.snapshot()
            polled = c.newest_rows()
            if all(polled.values()):
                break
            print(f"  not complete, polled again: {[n for n, r in polled.items() if not r]}")
        c.run(lineguard, "--home", c.home.root, "baseline", "propose", "--all")
        for who in ("alice", "bob"):
            c.run(lineguard, "--home", c.home.root, "baseline", "approve", "--all", "--key",
                  c.keys / f"{who}.key", "--by", who)
        baselines = {}
        for path in sorted(c.bdir.glob("*.json")):
            b = baseline.verify(path)
            if b.kind == "device":
                baselines[b.target] = b.line_data or ()
        total = sum(len(r) for r in baselines.values())
        print(f"fleet: {len(baselines)} devices in {a.sites} sites, {total:,} line data rows "
              f"baselined (set-up {time.monotonic() - t0:.1f} s)")
        t1 = time.monotonic()
        lost = delete_quarter(fleet_dir, baselines)
        for _ in range(3):      # the plan refuses a device whose newest poll is not complete
            c.snapshot()
            if all(c.newest_rows().values()):
                break
        missing = sum(len(set(baselines[n]) - set(rows.values()))
                      for n, rows in c.newest_rows().items())
        print(f"deleted through the devices: {lost:,} rows ({lost / total:.0%}); the next "
              f"snapshot misses {missing:,} rows ({time.monotonic() - t1:.1f} s)")

        steps: list[tuple[str, float]] = []
        start = last = time.monotonic()

        def step(label: str) -> None:
            nonlocal last
            now = time.monotonic()
            steps.append((label, now - last))
            last = now

        plan = work / "restore.lgplan"
        c.run(lineguard, "--home", c.home.root, "restore", "plan", "--all", "--out", plan)
        step("restore plan --all")
        for who in ("alice", "bob"):
            c.run(lineguard, "--home", c.home.root, "restore", "approve", plan, "--key",
                  c.keys / f"{who}.key", "--by", who)
        step("two approvals")
        applied = c.run(agent_cli, "restore", "apply", plan, "--apply", "--agent", AGENT, "--key",
                    c.keys / "agent.key", "--inventory", fleet_dir / "inventory.toml",
                    "--credentials", fleet_dir / "credentials.toml", "--collector-key",
                    c.home.root / "collector.key.pub", "--approvers", c.bdir / "approvers",
                    "--json")
        step("agent: read, apply, re-poll")
        for line in applied.splitlines():
            if line.startswith("["):
                print(f"    agent {line}")
        report = json.loads(applied[applied.index("\n{") + 1:])
        for d in report["devices"]:
            if d["outcome"] != "restored":
                why = next((r["message"] for r in d["rows"] if r["message"]), "")
                print(f"    {d['device']}: {d['outcome']}: {d['message']} ({why})")
        for _ in range(3):      # an incomplete poll verifies nothing: poll again
            c.snapshot()
            rows = c.newest_rows()
            if all(rows.values()):
                break
        step("next snapshot + ingest")
        polled = {n: r for n, r in rows.items() if r}
        back = sum(len(set(baselines[n]) & set(r.values())) for n, r in polled.items())
        equal = sum(1 for n, r in polled.items() if set(r.values()) == set(baselines[n]))
        verified = sum(1 for d in report["devices"] for r in d["rows"]
                       if r["outcome"] == "restored")
        total_s = time.monotonic() - start
        for label, seconds in steps:
            print(f"  {label:<30} {seconds:7.1f} s")
        print(f"from `restore plan` to every row verified back: {total_s:.1f} s "
              f"({'under' if total_s < 300 else 'OVER'} the 5-minute target); the agent's re-poll "
              f"verified {verified:,}/{missing:,} rows restored; the next snapshot: "
              f"{equal}/{len(polled)} completely polled devices equal to their baseline "
              f"({back:,} rows), {len(baselines) - len(polled)} poll(s) incomplete; "
              f"{missing / total_s:,.0f} rows restored per second")
        return 0 if equal == len(polled) and verified == missing else 1
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
