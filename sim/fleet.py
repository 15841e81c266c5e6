"""A fleet of simulated devices in one asyncio loop, and the inventory/credentials files for it.

``Fleet.start(...)`` runs the fleet in a background thread (for tests, as a context manager);
``Fleet.serve_until_stopped()`` runs it in the caller's loop (``python -m lineguard.sim fleet``). Platform
mix by position within a site: cisco_ios, juniper_junos, atm_mib, cisco_ios, cisco_ios, repeated,
so even a three-device fleet has one of each.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import json
import os
import random
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from lineguard.sim.events import EventSender
from lineguard.sim.noise import NOISES
from lineguard.sim.snmp import FleetSnmpAgent, SnmpCredentials
from lineguard.sim.ssh import Login, start_ssh
from lineguard.sim.state import DeviceState, Faults, build_device

SITES = ("kobe", "osaka", "kyoto", "nara", "wakayama", "shiga", "hyogo", "okayama")
_MIX = ("cisco_ios", "juniper_junos", "atm_mib", "cisco_ios", "cisco_ios")
HOST = "127.0.0.1"

IOS_LOGIN = Login("lgops", "ios-pass-1", "ios-enable-1")
JUNOS_LOGIN = Login("lgops", "junos-pass-1")
SNMP = SnmpCredentials()
CREDENTIALS: dict[str, dict[str, str]] = {
    "lab-ios": {"username": IOS_LOGIN.username, "password": IOS_LOGIN.password,
                "secret": IOS_LOGIN.secret},
    "lab-junos": {"username": JUNOS_LOGIN.username, "password": JUNOS_LOGIN.password},
    "lab-snmp": {"version": "2c", "community": SNMP.community},
    "lab-snmpv3": {"version": "3", "user": SNMP.v3_user, "auth_key": SNMP.auth_key,
                   "auth_protocol": SNMP.auth_protocol, "priv_key": SNMP.priv_key,
                   "priv_protocol": SNMP.priv_protocol},
}


@dataclass
class SimDevice:
    """One device of the fleet: where it listens and its live state."""

    name: str
    platform: str
    site: str
    port: int
    state: DeviceState
    snmp_version: str = "2c"

    @property
    def method(self) -> str:
        return "snmp" if self.platform == "atm_mib" else "cli"

    @property
    def credentials(self) -> str:
        if self.platform == "cisco_ios":
            return "lab-ios"
        if self.platform == "juniper_junos":
            return "lab-junos"
        return self.snmp_credentials

    @property
    def snmp_credentials(self) -> str:
        return "lab-snmpv3" if self.snmp_version == "3" else "lab-snmp"


def plan(sites: int, devices: int, seed: int = 0, pvcs: int = 24,
         cross_connects: int = 24) -> list[SimDevice]:
    """Which devices a fleet has (ports still 0): `devices` in total over `sites` sites, each
    with about `pvcs` PVCs and `cross_connects` cross-connects (by platform, see build_device)."""
    if not 1 <= sites <= len(SITES):
        raise ValueError(f"sites must be 1..{len(SITES)}")
    if devices < 1:
        raise ValueError("devices must be at least 1")
    out: list[SimDevice] = []
    atm_mib_count = 0
    per_site = [devices // sites + (1 if s < devices % sites else 0) for s in range(sites)]
    for s, count in enumerate(per_site):
        site = SITES[s]
        for i in range(1, count + 1):
            platform = _MIX[(i - 1) % len(_MIX)]
            name = f"atm-{site}-{i:02d}"
            version = "2c"
            if platform == "atm_mib":
                version = "3" if atm_mib_count % 2 else "2c"
                atm_mib_count += 1
            out.append(SimDevice(name, platform, site, 0,
                                 build_device(name, platform, site, i, seed, pvcs,
                                              cross_connects), version))
    return out


# A port found free may be taken before the device binds it (another program's outgoing
# connection gets it as its ephemeral port: likely on a busy machine): try another.
_BIND_ATTEMPTS = 20


def free_port() -> int:
    """A port free for both TCP and UDP on loopback right now (not reserved: see
    _BIND_ATTEMPTS)."""
    for _ in range(50):
        with socket.socket() as tcp:
            tcp.bind((HOST, 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp_sock:
                try:
                    udp_sock.bind((HOST, port))
                except OSError:
                    continue
            return port
    raise OSError("no free port on 127.0.0.1 for both TCP and UDP")


async def _listen(dev: SimDevice, agent: FleetSnmpAgent,
                  live: set[asyncssh.SSHServerConnection]) -> list[asyncssh.SSHAcceptor]:
    """Serve one device on its port: SSH on TCP (IOS, Junos), SNMP on UDP. Binds nothing when
    either port is taken (OSError), so the caller may try another."""
    acceptors = []
    if dev.platform != "atm_mib":
        login = IOS_LOGIN if dev.platform == "cisco_ios" else JUNOS_LOGIN
        acceptors.append(await start_ssh(dev.state, dev.port, login, HOST, live))
    try:
        agent.add_device(dev.state, dev.port, HOST)
    except OSError:
        for acceptor in acceptors:
            acceptor.close()
            await acceptor.wait_closed()
        raise
    return acceptors


def _toml(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, bool | int):
        return json.dumps(value)
    return json.dumps(str(value))          # a TOML basic string for printable text


def write_inventory(devices: Iterable[SimDevice], path: Path) -> Path:
    lines = ["# lineguard inventory of a simulated ATM fleet (python -m lineguard.sim fleet)", ""]
    for dev in devices:
        lines.append("[[device]]")
        for key, value in (("name", dev.name), ("platform", dev.platform), ("site", dev.site),
                           ("method", dev.method), ("host", HOST), ("port", dev.port),
                           ("credentials", dev.credentials),
                           ("snmp", {"version": dev.snmp_version, "port": dev.port,
                                     "credentials": dev.snmp_credentials})):
            lines.append(f"{key} = {_toml(value)}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_credentials(path: Path) -> Path:
    lines = ["# credentials of the simulated fleet; keep this file mode 0600", ""]
    for name, entry in CREDENTIALS.items():
        lines.append(f"[{name}]")
        lines.extend(f"{k} = {_toml(v)}" for k, v in entry.items())
        lines.append("")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    os.chmod(path, 0o600)
    return path


@dataclass
class Fleet:
    """Devices, the files describing them, and (while running) their servers."""

    devices: list[SimDevice]
    out_dir: Path
    base_port: int | None = None
    credentials: dict[str, dict[str, str]] = field(default_factory=lambda: dict(CREDENTIALS))
    _loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)
    _stop: asyncio.Event | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def inventory_path(self) -> Path:
        return self.out_dir / "inventory.toml"

    @property
    def credentials_path(self) -> Path:
        return self.out_dir / "credentials.toml"

    def device(self, name: str) -> SimDevice:
        for dev in self.devices:
            if dev.name == name:
                return dev
        raise KeyError(f"no simulated device {name!r}")

    def send_events(self, sender: EventSender) -> None:
        """From now on, every device reports its changes to the sender's addresses."""
        for dev in self.devices:
            dev.state.on_change = functools.partial(sender.config_changed, dev.state)

    def make_noisy(self, names: Iterable[str], seed: int = 0) -> None:
        """Every device's captures carry this noise (sim.noise.NOISES), drawn anew at each
        poll from the device's own generator."""
        wanted = frozenset(names)
        unknown = sorted(wanted - set(NOISES))
        if unknown:
            raise ValueError(f"unknown noise {', '.join(unknown)}; expected some of "
                             f"{', '.join(NOISES)}")
        for i, dev in enumerate(self.devices):
            dev.state.faults.noise = wanted
            dev.state.faults.noise_rng = random.Random(seed * 100_003 + i)

    def by_platform(self, platform: str) -> list[SimDevice]:
        return [d for d in self.devices if d.platform == platform]

    @classmethod
    def create(cls, sites: int = 1, devices: int = 3, out_dir: Path | str = ".",
               base_port: int | None = None, seed: int = 0,
               faults: dict[str, Faults] | None = None, pvcs: int = 24,
               cross_connects: int = 24) -> Fleet:
        fleet = cls(plan(sites, devices, seed, pvcs, cross_connects), Path(out_dir), base_port)
        for name, fault in (faults or {}).items():
            fleet.device(name).state.faults = fault
        return fleet

    @classmethod
    def start(cls, sites: int = 1, devices: int = 3, out_dir: Path | str = ".",
              base_port: int | None = None, seed: int = 0,
              faults: dict[str, Faults] | None = None, timeout: float = 30.0,
              pvcs: int = 24, cross_connects: int = 24) -> Fleet:
        """Run a fleet in a background thread; returns once every device listens."""
        fleet = cls.create(sites, devices, out_dir, base_port, seed, faults, pvcs,
                           cross_connects)
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(fleet.serve_until_stopped(ready))
            except BaseException as exc:      # reported to the starting thread
                failure.append(exc)
                ready.set()

        fleet._thread = threading.Thread(target=run, name="sim-fleet", daemon=True)
        fleet._thread.start()
        if not ready.wait(timeout):
            raise TimeoutError("simulated fleet did not start in time")
        if failure:
            raise RuntimeError(f"simulated fleet failed to start: {failure[0]}") from failure[0]
        return fleet

    def stop(self, timeout: float = 10.0) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self) -> Fleet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def request_stop(self) -> None:
        """Ask a running fleet to stop (safe from a signal handler in the fleet's loop)."""
        if self._stop is not None:
            self._stop.set()

    async def serve_until_stopped(self, ready: threading.Event | None = None) -> None:
        """Start every device, write the files, serve until stop() / request_stop()."""
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        agent = FleetSnmpAgent(SNMP)
        acceptors = []
        live: set = set()
        try:
            for k, dev in enumerate(self.devices):
                for attempt in range(1 if self.base_port else _BIND_ATTEMPTS):
                    dev.port = self.base_port + k if self.base_port else free_port()
                    try:
                        acceptors += await _listen(dev, agent, live)
                        break
                    except OSError as e:
                        if self.base_port or e.errno != errno.EADDRINUSE \
                                or attempt == _BIND_ATTEMPTS - 1:
                            raise
            write_inventory(self.devices, self.inventory_path)
            write_credentials(self.credentials_path)
            if ready is not None:
                ready.set()
            await self._stop.wait()
        finally:
            for acceptor in acceptors:
                acceptor.close()
            for conn in list(live):
                conn.close()
            for acceptor in acceptors:
                await acceptor.wait_closed()
            for conn in list(live):
                await conn.wait_closed()
            agent.close()
