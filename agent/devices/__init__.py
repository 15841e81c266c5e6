"""Device collection for the agent: read network elements by CLI (netmiko), SNMP (pysnmp) or a
saved config, each into a wire Target with an explicit status. Interpretation is the collector's.

``collect(inventory, credentials, mask_key=...)`` is the one entry point the agent calls.

The pollers (netmiko, pysnmp, paramiko, rich) are imported when a poll starts, not with the
package: the collector reads host evidence through agent modules that share the agent's secret
masking (agent.devices.mask), and must not load an SSH and SNMP stack to do so."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lineguard.agent.devices import credentials as credentials_file
from lineguard.agent.devices import inventory as inventory_file
from lineguard.agent.devices import profiles
from lineguard.agent.devices.credentials import CredentialError
from lineguard.agent.devices.inventory import Device, InventoryError
from lineguard.agent.devices.result import failed
from lineguard.formats.wire import Target

__all__ = ["collect", "collect_devices", "CredentialError", "InventoryError"]

# Worth another try: the device may answer next time. A refused login or a cut-short config is
# not retried: repeating a refused password can lock an account, and a partial read is evidence.
_RETRYABLE = ("unreachable", "timeout")


def collect(inventory: Path, credentials: Path | None = None, *, concurrency: int = 16,
            timeout: float = 20, retries: int = 1, mask_key: bytes,
            progress: bool = False, known_hosts: Path | None = None) -> list[Target]:
    """Poll every device of the inventory; one Target per device, in inventory order.

    Raises InventoryError / CredentialError for a broken inventory or credentials file (before
    any device is contacted); device failures never raise, they are statuses."""
    devices = inventory_file.load(Path(inventory))
    creds = credentials_file.load(Path(credentials) if credentials else None)
    return collect_devices(devices, creds, concurrency=concurrency, timeout=timeout,
                           retries=retries, mask_key=mask_key, progress=progress,
                           known_hosts=known_hosts)


def collect_devices(devices: list[Device], creds: credentials_file.Credentials, *,
                    concurrency: int = 16, timeout: float = 20, retries: int = 1,
                    mask_key: bytes, progress: bool = False,
                    known_hosts: Path | None = None) -> list[Target]:
    """As `collect`, for an inventory and credentials already loaded. With `known_hosts`, CLI
    devices' SSH host keys are trusted on first use and checked ever after."""
    import asyncio

    from lineguard.agent.devices import cli, saved, snmp
    from lineguard.agent.devices.hostkeys import KnownHosts

    if not mask_key:
        raise ValueError("mask_key must not be empty")
    resolved = {d.name: creds.get(d.credentials) for d in devices if d.credentials}
    report = _Progress(len(devices), enabled=progress and sys.stderr.isatty())
    results: dict[str, Target] = {}

    for d in devices:
        if d.method == "file":
            results[d.name] = saved.read(d, profiles.get(d.platform), mask_key=mask_key)
            report.done(results[d.name])

    snmp_jobs = [(d, resolved[d.name], profiles.get(d.platform)) for d in devices
                 if d.method == "snmp"]
    snmp_thread = None
    if snmp_jobs:
        def run_snmp() -> None:
            # pysnmp retransmits each request itself (see snmp.request_timing); walking every
            # column of a device again on top of that would buy nothing.
            try:
                targets = asyncio.run(snmp.poll_many(snmp_jobs, concurrency=concurrency,
                                                     timeout=timeout, retries=retries,
                                                     mask_key=mask_key, on_done=report.done))
            except Exception as e:  # the CLI devices' results must still come back
                targets = [failed(d, "unreachable", f"agent error while polling SNMP: "
                                                    f"{e.__class__.__name__}: {e}")
                           for d, _, _ in snmp_jobs]
            results.update((t.name, t) for t in targets)
        # SNMP waits on UDP while CLI threads wait on SSH: run both at once.
        snmp_thread = threading.Thread(target=run_snmp, name="lineguard-snmp")
        snmp_thread.start()

    cli_devices = [d for d in devices if d.method == "cli"]
    trusted = KnownHosts(known_hosts) if known_hosts is not None else None
    if cli_devices:
        def one(d: Device) -> Target:
            try:
                target = _with_retries(lambda: cli.poll(d, resolved[d.name],
                                                        profiles.get(d.platform),
                                                        timeout=timeout, mask_key=mask_key,
                                                        known_hosts=trusted),
                                       retries)
            except Exception as e:  # one odd device must not blind the fleet
                target = failed(d, "unreachable", f"agent error while polling: "
                                                  f"{e.__class__.__name__}: {e}")
            report.done(target)
            return target
        with ThreadPoolExecutor(max_workers=max(1, concurrency),
                                thread_name_prefix="lineguard-cli") as pool:
            for target in pool.map(one, cli_devices):
                results[target.name] = target
    if snmp_thread:
        snmp_thread.join()
    report.finish()
    return [results[d.name] for d in devices]


def _with_retries(attempt: Callable[[], Target], retries: int) -> Target:
    target = attempt()
    for _ in range(retries):
        if target.status not in _RETRYABLE:
            break
        target = attempt()
    return target


class _Progress:
    """The fleet poll's progress bar (agent.progress), only when a person watches a terminal."""

    def __init__(self, total: int, enabled: bool):
        from lineguard.agent.progress import Bar
        self.bar = Bar("devices", total, enabled=enabled)

    def done(self, target: Target) -> None:
        self.bar.advance(target.name, target.status, target.status == "ok")

    def finish(self) -> None:
        self.bar.close()
