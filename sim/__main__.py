"""`python -m lineguard.sim fleet --sites 3 --devices 60 [--out DIR] [--base-port N] [--fault NAME=FAULT]
[--pvcs N] [--cross-connects N] [--seed N] [--noise NAME,...|all]`.

Starts the fleet, writes DIR/inventory.toml and DIR/credentials.toml, prints one ready line and
serves until Ctrl-C or SIGTERM. FAULT is a field of sim.state.Faults: drop_mid_config,
truncate_config, reject_auth, snmp_silent, delay_s:SECONDS, snmp_silent_after:N or
stray_prompts:N. NOISE is what real devices and terminals put into captures (sim.noise: paging,
ansi, cr, echo, banner, prompts, trailing, timestamps, ntp, crypto, reorder), on every device.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import threading
from collections import Counter
from dataclasses import fields

from lineguard.sim import require_extra  # noqa: I001 (before the imports that need the extra)

require_extra("python -m lineguard.sim")

from lineguard.sim.fleet import Fleet, SimDevice  # noqa: E402
from lineguard.sim.noise import NOISES  # noqa: E402
from lineguard.sim.state import Faults  # noqa: E402

_FAULTS = {f.name for f in fields(Faults)}
_NUMBERS = {"delay_s": float, "snmp_silent_after": int, "stray_prompts": int}


def _apply_fault(fleet: Fleet, spec: str) -> None:
    name, _, fault = spec.partition("=")
    field_name, _, value = fault.partition(":")
    if field_name not in _FAULTS:
        raise ValueError(f"unknown fault {field_name!r}; expected one of {sorted(_FAULTS)}")
    device: SimDevice = fleet.device(name)
    number = _NUMBERS.get(field_name)
    setattr(device.state.faults, field_name, number(value) if number else True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lineguard.sim", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    fleet = sub.add_parser("fleet", help="start a simulated ATM fleet on 127.0.0.1")
    fleet.add_argument("--sites", type=int, default=3)
    fleet.add_argument("--devices", type=int, default=60, help="devices in total")
    fleet.add_argument("--out", default="sim-fleet", help="folder for inventory/credentials")
    fleet.add_argument("--base-port", type=int, default=None,
                       help="device i listens on N+i (TCP for SSH, UDP for SNMP)")
    fleet.add_argument("--seed", type=int, default=0)
    fleet.add_argument("--fault", action="append", default=[], metavar="NAME=FAULT")
    fleet.add_argument("--noise", default="", metavar="NAME,...",
                       help="capture noise on every device (sim.noise), or 'all'")
    fleet.add_argument("--pvcs", type=int, default=24, help="PVCs per IOS/Junos device")
    fleet.add_argument("--cross-connects", type=int, default=24,
                       help="cross-connects per IOS/atm_mib device (1 in 8 is a VP)")
    return parser


async def _serve(fleet: Fleet) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, fleet.request_stop)
    ready = threading.Event()
    task = asyncio.create_task(fleet.serve_until_stopped(ready))
    while not ready.is_set():
        if task.done():
            await task
            return
        await asyncio.sleep(0.05)
    mix = Counter(d.platform for d in fleet.devices)
    ports = [d.port for d in fleet.devices]
    print(f"sim fleet ready: {len(fleet.devices)} devices "
          f"({', '.join(f'{n} {p}' for p, n in sorted(mix.items()))}) on 127.0.0.1 ports "
          f"{min(ports)}-{max(ports)}; inventory {fleet.inventory_path}; "
          f"credentials {fleet.credentials_path}", flush=True)
    await task
    print("sim fleet stopped", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        fleet = Fleet.create(args.sites, args.devices, args.out, args.base_port, args.seed,
                             pvcs=args.pvcs, cross_connects=args.cross_connects)
        for spec in args.fault:
            _apply_fault(fleet, spec)
        if args.noise:
            fleet.make_noisy(NOISES if args.noise == "all" else args.noise.split(","), args.seed)
    except (ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(_serve(fleet))
    except OSError as exc:
        print(f"error: cannot start the fleet: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
