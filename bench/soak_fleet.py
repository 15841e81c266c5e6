"""Soak benchmark: a simulated fleet under the agent daemon, nothing changed, then one change.

    python bench/soak_fleet.py [--sites 5] [--devices 50] [--cycles 30] [--interval 3]
                               [--after 2] [--noise all] [--json]

1. Starts `python -m sim fleet` (IOS, Junos and ATM-MIB devices over several sites) in its own
   process (with --noise, every device's captures carry what real devices and terminals add:
   sim.noise), and `lineguard-agent run` on it with a short poll interval (seconds) delivering into
   a collector's inbox; an SMTP sink (aiosmtpd) on loopback receives the collector's mail.
2. Every cycle the collector ingests the new snapshot and runs `lineguard check` (mail on).
   After the first cycle every target's baseline is proposed and approved, as an operator does.
3. After --cycles cycles with nothing changed (target: 0 drift findings, 0 partial polls,
   0 emails), one real change is made on one IOS device over SSH (an interface description)
   and --after more cycles run (target: exactly one finding, one email).

Prints the figures per phase; with --json also one JSON line of them (used by the test).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from lineguard.agent.cli import main as agent  # noqa: E402
from lineguard.collector.cli import main as lineguard  # noqa: E402

AGENT = "soak-agent"
APPROVERS = ("soak-alice", "soak-bob")
# Faults that keep a device from being read completely; anything else is wrong.
NOT_OK_KINDS = ("poll-failed",)
DRIFT_KINDS = ("drift", "line-data-loss", "fleet")


class Sink:
    """An SMTP server's message handler that keeps what it receives."""

    def __init__(self) -> None:
        self.mails: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook)
        self.mails.append(envelope.content)
        return "250 OK"


@dataclass
class Phase:
    name: str
    cycles: int = 0
    snapshots: int = 0
    device_polls: int = 0
    not_ok_polls: int = 0               # polls the agent or the collector did not call ok
    drift_findings: int = 0             # drift / line-data-loss / fleet findings seen (distinct)
    partial_findings: int = 0           # poll-failed findings seen (distinct)
    other_findings: int = 0
    emails: int = 0
    seconds: float = 0.0
    not_ok: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _quiet(fn, *args) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = fn(list(args))
    return rc, out.getvalue() + err.getvalue()


def _start_fleet(work: Path, sites: int, devices: int, noise: str = "") -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "lineguard.sim", "fleet", "--sites", str(sites),
                             "--devices", str(devices), "--out", str(work / "fleet"),
                             *(["--noise", noise] if noise else [])],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "sim fleet ready" in line:
            print(line.strip())
            return proc
        if not line and proc.poll() is not None:
            break
    _stop(proc)
    raise RuntimeError("the simulated fleet did not start")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _setup(work: Path, interval_s: float,
           smtp_port: int) -> tuple[Path, Path, list[tuple[str, Path]]]:
    """The agent's key and config, the collector's home with the agent enrolled, two approvers."""
    home = work / "collector"
    rc, out = _quiet(lineguard, "--home", str(home), "init")
    if rc:
        raise RuntimeError(out)
    (home / "config.toml").write_text(
        f'smtp_host = "127.0.0.1"\nsmtp_port = {smtp_port}\nmail_to = ["noc@localhost"]\n'
        f'alert_threshold = "high"\n')
    key = work / "agent.key"
    _quiet(agent, "keygen", "--out", str(key))
    root = work / "ems-root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "crontab").write_text("SHELL=/bin/sh\n17 * * * * root cd / && "
                                          "run-parts --report /etc/cron.hourly\n")
    cfg = work / "agent.toml"
    cfg.write_text(f'agent = "{AGENT}"\nkey = "{key}"\nroot = "{root}"\n'
                   f'inventory = "{work / "fleet" / "inventory.toml"}"\n'
                   f'credentials = "{work / "fleet" / "credentials.toml"}"\n'
                   f'outbox = "{work / "outbox"}"\ndeliver = "{home / "inbox"}"\n'
                   f'interval_minutes = {interval_s / 60!r}\nretry_minutes = 1\nlive = false\n'
                   f'log_level = "ERROR"\n')
    rc, out = _quiet(lineguard, "--home", str(home), "agents", "add", AGENT, "--key",
                     f"{key}.pub", "--site", "kobe")
    if rc:
        raise RuntimeError(out)
    approvers = []
    for name in APPROVERS:
        key_path = work / f"{name}.key"
        _quiet(agent, "keygen", "--out", str(key_path))
        # The approvers file, one line each (reviewed like the baselines it authorises).
        with open(home / "baselines" / "approvers", "a", encoding="utf-8") as f:
            f.write(f"{name} {Path(f'{key_path}.pub').read_text().strip()}\n")
        approvers.append((name, key_path))
    return home, cfg, approvers


class Soak:
    def __init__(self, home: Path, sink: Sink, daemon: subprocess.Popen) -> None:
        self.home, self.sink, self.daemon = home, sink, daemon
        self.seen: set[str] = set()
        self.ingested = 0

    def cycle(self, phase: Phase, timeout: float = 600) -> None:
        """Wait for the daemon's next snapshot, ingest it, check (mail on), count."""
        started = time.monotonic()
        inbox = self.home / "inbox"
        while not any(p.suffix == ".lgsnap" for p in inbox.glob("*.lgsnap")):
            if self.daemon.poll() is not None:
                raise RuntimeError(f"the agent daemon exited ({self.daemon.returncode})")
            if time.monotonic() - started > timeout:
                raise RuntimeError("no snapshot from the agent daemon")
            time.sleep(0.2)
        rc, out = _quiet(lineguard, "--home", str(self.home), "ingest")
        if rc:
            raise RuntimeError(f"ingest failed: {out}")
        from lineguard.collector.home import Home
        store = Home(self.home).open()
        try:
            snaps = store.db.execute("SELECT id, seq FROM snapshots WHERE agent = ? AND seq > ? "
                                     "ORDER BY seq", [AGENT, self.ingested]).fetchall()
            for snap_id, seq in snaps:
                self.ingested = seq
                phase.snapshots += 1
                for t in store.targets_of(snap_id):
                    if t.kind != "device":
                        continue
                    phase.device_polls += 1
                    if t.status != "ok":
                        phase.not_ok_polls += 1
                        phase.not_ok.append(f"#{seq} {t.name} {t.status}: {t.error}")
        finally:
            store.close()
        mails = len(self.sink.mails)
        rc, out = _quiet(lineguard, "--home", str(self.home), "check", "--json")
        doc = json.loads(out[out.index("{"):out.rindex("}") + 1])
        for f in doc["findings"]:
            if f["key"] in self.seen:
                continue
            self.seen.add(f["key"])
            phase.findings.append(f"{f['severity']} {f['kind']} {f['title']}")
            if f["kind"] in DRIFT_KINDS:
                phase.drift_findings += 1
            elif f["kind"] in NOT_OK_KINDS:
                phase.partial_findings += 1
            else:
                phase.other_findings += 1
        phase.emails += len(self.sink.mails) - mails
        phase.cycles += 1
        phase.seconds += time.monotonic() - started

    def approve_all(self, approvers: list[tuple[str, Path]]) -> int:
        """Every target's baseline proposed and signed by each approver (the two-person rule)."""
        steps = [("propose", "--all")] + [("approve", "--all", "--key", str(key), "--by", name)
                                          for name, key in approvers]
        for args in steps:
            rc, out = _quiet(lineguard, "--home", str(self.home), "baseline", *args)
            if rc:
                raise RuntimeError(f"baseline {' '.join(args)}: {out.strip()}")
        from lineguard.collector.home import Home
        store = Home(self.home).open()
        try:
            return len(store.target_names())
        finally:
            store.close()


def change_one_device(work: Path) -> str:
    """A real change over SSH on the first IOS device: one subinterface's description."""
    import tomllib

    from netmiko import ConnectHandler
    inventory = tomllib.loads((work / "fleet" / "inventory.toml").read_text())
    creds = tomllib.loads((work / "fleet" / "credentials.toml").read_text())
    dev = next(d for d in inventory["device"] if d["platform"] == "cisco_ios")
    login = creds[dev["credentials"]]
    conn = ConnectHandler(device_type="cisco_ios", host=dev["host"], port=dev["port"],
                          username=login["username"], password=login["password"],
                          secret=login["secret"], ssh_strict=False, system_host_keys=False,
                          allow_agent=False, use_keys=False)
    try:
        conn.enable()
        run = conn.find_prompt()
        intf = next(line.split()[1] for line in
                    conn.send_command("show running-config").splitlines()
                    if line.startswith("interface ATM") and "." in line)
        conn.send_config_set([f"interface {intf}", " description changed during the soak"])
        assert run
    finally:
        conn.disconnect()
    return f"{dev['name']}: description of {intf}"


def soak(sites: int, devices: int, cycles: int, interval_s: float, after: int,
         noise: str = "") -> dict:
    work = Path(tempfile.mkdtemp(prefix="lg-soak-"))
    fleet = daemon = None
    smtp_port = _free_port()
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=smtp_port, ready_timeout=10)
    smtp.start()
    try:
        fleet = _start_fleet(work, sites, devices, noise)
        home, cfg, approvers = _setup(work, interval_s, smtp_port)
        daemon = subprocess.Popen([sys.executable, "-c", "import sys; from agent.cli import main;"
                                   " sys.exit(main(sys.argv[1:]))", "run", "--config", str(cfg)],
                                  cwd=ROOT, stderr=open(work / "agent.log", "w"))
        run = Soak(home, sink, daemon)
        first = Phase("first poll")
        run.cycle(first)
        approved = run.approve_all(approvers)
        print(f"cycle 1: {first.device_polls} device polls, {first.not_ok_polls} not ok; "
              f"baselines approved for {approved} targets")
        quiet = Phase("nothing changed")
        for n in range(cycles):
            run.cycle(quiet)
            if (n + 1) % 10 == 0 or n + 1 == cycles:
                print(f"  {n + 1} cycles: drift {quiet.drift_findings}, partial "
                      f"{quiet.partial_findings} ({quiet.not_ok_polls} not-ok polls), "
                      f"emails {quiet.emails}", flush=True)
        what = change_one_device(work)
        changed = Phase(f"one change ({what})")
        for _ in range(after):
            run.cycle(changed)
        return {"sites": sites, "devices": devices, "approved": approved,
                "phases": [asdict(p) for p in (first, quiet, changed)]}
    finally:
        if daemon is not None:
            _stop(daemon)
        if fleet is not None:
            _stop(fleet)
        smtp.stop()
        log = (work / "agent.log").read_text() if (work / "agent.log").exists() else ""
        if log.strip():
            print("agent daemon log (errors):\n" + log[-3000:])
        shutil.rmtree(work, ignore_errors=True)


def _print(result: dict) -> None:
    print(f"soak: {result['devices']} devices in {result['sites']} sites "
          f"(python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    print(f"  {'phase':<62} {'cycles':>6} {'polls':>6} {'not ok':>6} {'drift':>5} "
          f"{'partial':>7} {'other':>5} {'emails':>6} {'s/cycle':>7}")
    for p in result["phases"]:
        per = p["seconds"] / p["cycles"] if p["cycles"] else 0
        print(f"  {p['name'][:62]:<62} {p['cycles']:>6} {p['device_polls']:>6} "
              f"{p['not_ok_polls']:>6} {p['drift_findings']:>5} {p['partial_findings']:>7} "
              f"{p['other_findings']:>5} {p['emails']:>6} {per:>7.1f}")
        for line in (p["not_ok"][:5] + p["findings"][:5]):
            print(f"      {line[:150]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=5)
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--cycles", type=int, default=30, help="cycles with nothing changed")
    parser.add_argument("--interval", type=float, default=3.0,
                        help="the agent's poll interval in seconds")
    parser.add_argument("--after", type=int, default=2, help="cycles after the one change")
    parser.add_argument("--noise", default="",
                        help="capture noise on every device (sim.noise names, comma-separated, "
                             "or 'all')")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)
    result = soak(args.sites, args.devices, args.cycles, args.interval, args.after, args.noise)
    _print(result)
    if args.json:
        print("SOAK " + json.dumps(result))
    quiet, changed = result["phases"][1], result["phases"][2]
    ok = (quiet["drift_findings"] == quiet["partial_findings"] == quiet["emails"] == 0
          and changed["drift_findings"] == 1 and changed["emails"] == 1
          and changed["partial_findings"] == 0)
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
