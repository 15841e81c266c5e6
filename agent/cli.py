"""lineguard-agent: keygen, snapshot, push, run."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lineguard.agent.config import LOG_LEVELS, AgentConfig, AgentConfigError, load_config
from lineguard.agent.keys import KeyError_, generate, load_private
from lineguard.agent.snapshot import ChainError
from lineguard.agent.version import package_version
from lineguard.formats.wire import is_name


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lineguard-agent",
                                description="Snapshot scheduled jobs and device line data, signed.")
    p.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    sub = p.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("keygen", help="create an Ed25519 key pair (KEY, mode 0600, and KEY.pub)")
    k.add_argument("--out", required=True, type=Path)
    s = sub.add_parser("snapshot", help="take one signed snapshot of this host and its devices")
    s.add_argument("--config", type=Path)
    s.add_argument("--root", type=Path, help="read this tree as if it were / (a disk image, a backup)")
    s.add_argument("--hostname")
    s.add_argument("--agent", help="agent name (default: the config's, else the hostname)")
    s.add_argument("--inventory", type=Path)
    s.add_argument("--credentials", type=Path)
    s.add_argument("--key", type=Path)
    s.add_argument("--out", required=True, type=Path)
    s.add_argument("--no-live", action="store_true", help="do not read /proc even when root is /")
    s.add_argument("--json", action="store_true", help="the snapshot's targets as records")
    im = sub.add_parser("import", help="write an inventory from a RANCID or Oxidized archive")
    imsub = im.add_subparsers(dest="archive", required=True)
    ir = imsub.add_parser("rancid", help="a RANCID base directory (<group>/router.db, configs/)")
    io = imsub.add_parser("oxidized", help="Oxidized file output (a folder) or git output")
    io.add_argument("--router-db", type=Path,
                    help="Oxidized's CSV node list (name:model[:group]) for each node's model")
    io.add_argument("--configs", type=Path,
                    help="git output: the folder to check the newest configs out into")
    for i in (ir, io):
        i.add_argument("dir", type=Path)
        i.add_argument("--out", required=True, type=Path, help="the inventory file to write")
    pu = sub.add_parser("push", help="deliver the outbox now")
    pu.add_argument("--config", required=True, type=Path)
    rs = sub.add_parser("restore", help="apply an approved restore plan from the collector")
    rssub = rs.add_subparsers(dest="restore_cmd", required=True)
    ra = rssub.add_parser("apply", help="verify a plan, check and (with --apply) change the "
                                        "devices, re-poll and report per row")
    ra.add_argument("plan", type=Path)
    ra.add_argument("--apply", action="store_true", help="change the devices (default: dry run)")
    ra.add_argument("--config", type=Path)
    ra.add_argument("--agent", help="this agent's name (default: the config's)")
    ra.add_argument("--key", type=Path)
    ra.add_argument("--inventory", type=Path)
    ra.add_argument("--credentials", type=Path)
    ra.add_argument("--collector-key", type=Path, help="the collector's public key")
    ra.add_argument("--approvers", type=Path, help="approvers file (NAME ssh-ed25519 AAAA...)")
    ra.add_argument("--approvals", type=int, help="approvals required at least (default 2)")
    ra.add_argument("--now", help="judge expiry as of this ISO time")
    ra.add_argument("--json", action="store_true")
    r = sub.add_parser("run", help="the daemon: snapshot on schedule, deliver, retry")
    r.add_argument("--config", required=True, type=Path)
    r.add_argument("--once", action="store_true",
                   help="one snapshot and delivery, then exit (1 if either failed)")
    r.add_argument("--log-level", type=str.upper, choices=LOG_LEVELS,
                   help="DEBUG also shows the SSH/SNMP libraries' own lines (default: the "
                        "config's log_level, else INFO)")
    inv = sub.add_parser("inventory", help="check an inventory file")
    invsub = inv.add_subparsers(dest="inventory_cmd", required=True)
    ic = invsub.add_parser("check", help="check every device entry (and its credentials)")
    ic.add_argument("file", type=Path)
    ic.add_argument("--credentials", type=Path, help="also check that every credential is defined")
    ic.add_argument("--json", action="store_true", help="one record per device")
    return p


def _inventory_check(a: argparse.Namespace) -> int:
    from lineguard.agent.devices import CredentialError, InventoryError
    from lineguard.agent.devices.inventory import check
    try:
        devices = check(a.file, a.credentials)
    except (CredentialError, InventoryError) as e:
        raise UsageError(str(e)) from None
    if a.json:
        print(json.dumps([{"name": d.name, "platform": d.platform, "method": d.method,
                           "site": d.site, "host": d.host, "port": d.port,
                           "path": None if d.path is None else str(d.path),
                           "credentials": d.credentials} for d in devices], indent=1))
        return 0
    for d in devices:
        where = str(d.path) if d.method == "file" else f"{d.host}:{d.port}"
        print(f"{d.name:<24} {d.platform:<14} {d.method:<5} {d.site or '-':<12} {where}"
              f"{'  credentials ' + d.credentials if d.credentials else ''}")
    sites = sorted({d.site or "-" for d in devices})
    print(f"{a.file}: {len(devices)} device(s) in {len(sites)} site(s) ({', '.join(sites)}): ok")
    return 0


def _snapshot(a: argparse.Namespace) -> int:
    from lineguard.agent.snapshot import snapshot_to

    cfg: AgentConfig | None = load_config(a.config) if a.config else None
    key_path = a.key or (cfg.key if cfg else None)
    if key_path is None:
        raise UsageError("snapshot needs --key KEY (or --config with key = ...)")
    key = load_private(key_path)
    root = a.root or (cfg.root if cfg else Path("/"))
    if not root.is_dir():
        raise UsageError(f"--root {root}: not a directory")
    agent = a.agent or (cfg.name if cfg else None) or a.hostname
    if agent is None:
        import socket
        agent = socket.gethostname()
    if not is_name(agent):
        raise UsageError(f"agent name {agent!r} must be letters, digits and ._@:- (at most 128, "
                         f"starting with a letter or digit); give one with --agent")
    chain = cfg.chain_path if cfg else key_path.with_name(key_path.name + ".chain")
    inventory = a.inventory or (cfg.inventory if cfg else None)
    device_file_errors: tuple[type[Exception], ...] = ()
    if inventory is not None:   # imported only then: the device libraries take a while to load
        from lineguard.agent.devices import CredentialError, InventoryError
        device_file_errors = (CredentialError, InventoryError)
    try:
        snap = snapshot_to(a.out, chain, agent=agent, key=key, root=root, hostname=a.hostname,
                           inventory=inventory,
                           credentials=a.credentials or (cfg.credentials if cfg else None),
                           live=False if a.no_live else None, progress=sys.stderr.isatty(),
                           scheduled_files=cfg.scheduled_file if cfg else (),
                           deliver=cfg.deliver if cfg else None,
                           own_files=cfg.own_files if cfg else ())
    except device_file_errors as e:
        raise UsageError(str(e)) from None
    if a.json:
        print(json.dumps({"out": str(a.out), "agent": snap.agent, "seq": snap.seq,
                          "taken_at": snap.taken_at,
                          "targets": [{"name": t.name, "kind": t.kind, "status": t.status,
                                       "error": t.error, "artifacts": len(t.artifacts)}
                                      for t in snap.targets]}, indent=1))
        return 0
    counts = ", ".join(f"{t.name} {t.status} ({len(t.artifacts)} artifacts)" for t in snap.targets)
    print(f"{a.out}: {snap.agent} #{snap.seq}: {counts}")
    return 0


def _restore(a: argparse.Namespace) -> int:
    import json
    from datetime import UTC, datetime

    from lineguard.agent.devices import CredentialError, InventoryError
    from lineguard.agent.restore.document import PlanError
    from lineguard.agent.restore.intake import Setup, take_in

    cfg: AgentConfig | None = load_config(a.config) if a.config else None

    def need(value, what: str):
        if value is None:
            raise UsageError(f"restore apply needs {what} (or --config with it set)")
        return value

    key_path = need(a.key or (cfg.key if cfg else None), "--key KEY")
    setup = Setup(
        agent=need(a.agent or (cfg.name if cfg else None), "--agent NAME"),
        key=load_private(key_path),
        chain=cfg.chain_path if cfg else key_path.with_name(key_path.name + ".chain"),
        inventory=need(a.inventory or (cfg.inventory if cfg else None), "--inventory FILE"),
        credentials=a.credentials or (cfg.credentials if cfg else None),
        collector_key=need(a.collector_key or (cfg.collector_key if cfg else None),
                           "--collector-key PUB"),
        approvers=need(a.approvers or (cfg.approvers if cfg else None), "--approvers FILE"),
        minimum_approvals=a.approvals or (cfg.restore_approvals if cfg else 2))
    if setup.minimum_approvals < 1:
        raise UsageError("--approvals must be 1 or more")
    try:
        now = datetime.fromisoformat(a.now.replace("Z", "+00:00")) if a.now else None
    except ValueError:
        raise UsageError(f"--now {a.now!r} is not an ISO date and time") from None
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    import time
    started = time.monotonic()
    try:
        report, spooled = take_in(a.plan, setup, a.apply, now, progress=lambda t: print(
            f"[{time.monotonic() - started:6.1f}s] {t}", file=sys.stderr, flush=True))
    except (PlanError, CredentialError, InventoryError) as e:
        raise UsageError(str(e)) from None
    if a.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(report.render())
        print(f"report {spooled} goes into the next snapshot")
    if report.mode == "refused":
        print(f"lineguard-agent: restore refused: {report.message}", file=sys.stderr)
        return 2
    return 0 if report.ok() else 1


def _import(a: argparse.Namespace) -> int:
    from lineguard.agent.devices import archive
    try:
        if a.archive == "rancid":
            devices = archive.rancid(a.dir)
        else:
            devices = archive.oxidized(a.dir, a.router_db, a.configs)
    except archive.ArchiveError as e:
        raise UsageError(str(e)) from None
    if a.out.exists():
        raise UsageError(f"{a.out}: already exists; refusing to overwrite an inventory")
    a.out.write_text(archive.inventory_toml(devices, a.out.parent))
    readable = [d for d in devices if d.platform and not d.refused]
    print(f"wrote {a.out}: {len(readable)} device(s) from {a.dir}"
          + (f"; {len(devices) - len(readable)} left as comments (platform not read by "
             f"lineguard, or not a device name)" if len(readable) < len(devices) else ""))
    for d in devices:
        if d.note or d.refused:
            print(f"  {d.name!r}: {d.refused}" if d.refused else f"  {d.name}: {d.note}",
                  file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    a = _parser().parse_args(argv)
    try:
        if a.cmd == "keygen":
            try:
                key, pub = generate(a.out)
            except FileExistsError as e:
                raise UsageError(f"{e.filename}: already exists; refusing to overwrite a key") from None
            print(f"private key {key} (0600), public key {pub}")
            return 0
        if a.cmd == "snapshot":
            return _snapshot(a)
        if a.cmd == "restore":
            return _restore(a)
        if a.cmd == "inventory":
            return _inventory_check(a)
        if a.cmd == "import":
            return _import(a)
        cfg = load_config(a.config)
        if a.cmd == "push":
            from lineguard.agent.outbox import push
            from lineguard.agent.snapshot import settle_if_idle
            if not cfg.deliver:
                raise UsageError(f"{a.config}: no 'deliver' target configured")
            settle_if_idle(cfg.chain_path)   # a snapshot a crash left half-published goes too
            res = push(cfg.outbox, cfg.deliver, identity=cfg.sftp_identity,
                       known_hosts=cfg.sftp_known_hosts)
            for name, err in res.failed.items():
                print(f"{name}: not delivered: {err}", file=sys.stderr)
            print(f"delivered {len(res.delivered)}, pending {res.pending}")
            return 0 if not res.failed else 1
        from lineguard.agent.daemon import run
        failed = run(cfg, max_runs=1 if a.once else None, log_level=a.log_level)
        return 1 if failed and a.once else 0
    except (KeyError_, AgentConfigError, ChainError, UsageError) as e:
        print(f"lineguard-agent: {e}", file=sys.stderr)
    except OSError as e:    # writing the snapshot or the chain state: say which file and why
        where = f"{e.filename}: " if e.filename else ""
        print(f"lineguard-agent: {where}{e.strerror or e}", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
