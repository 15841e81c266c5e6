"""`make demo`: the whole story on a simulated fleet, with real SSH, SNMP, SQLite and SMTP.

1. A simulated ATM fleet starts on 127.0.0.1 (IOS CLI, Junos, SNMP-only ATM switches).
2. A management server's root is built with ordinary jobs and one planted `at` job that, about
   74 days from now, runs a hidden script deleting the PVCs of every device.
3. The agent snapshots that root and the fleet; the collector ingests it, baselines of the host
   and of every device are approved by two approvers, and `lineguard jobs` / `check` show the
   planted job with its countdown (mailed to its site and to the security list).
4. The insider's deletion is then carried out over SSH and SNMP on several devices; the next
   snapshot shows line data lost across sites, found at once and mailed.
5. Recovery: `lineguard restore plan` computes what to put back from the approved baselines,
   two approvers sign the plan, `lineguard-agent restore apply --apply` restores and re-polls,
   and the next snapshot shows `check` with no line data loss or device drift left.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import struct
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path

APPROVERS = ("alice", "bob")
DEMO_CONFIG = """\
smtp_host = "127.0.0.1"
smtp_port = {port}
mail_to = ["noc@example.net"]             # sites without their own recipients
security_to = ["csirt@example.net"]       # every critical finding, every site

[site.kobe]
mail_to = ["kobe-noc@example.net"]

[site.osaka]
mail_to = ["osaka-noc@example.net"]
alert_threshold = "medium"
"""


def sh(*args: str, check: bool = True, quiet: bool = False) -> int:
    print(f"\n$ {' '.join(args)}", flush=True)
    out = subprocess.run(args, stdout=subprocess.DEVNULL if quiet else None)
    if check and out.returncode not in (0, 1):
        sys.exit(f"demo: {' '.join(args)} failed with exit code {out.returncode}")
    return out.returncode


def write(root: Path, rel: str, text: str, mode: int = 0o644) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(textwrap.dedent(text).lstrip("\n"))
    os.chmod(p, mode)


def build_management_server(root: Path, inventory: Path, now: datetime) -> datetime:
    """A Debian EMS host: routine jobs, and the insider's job due in about 74 days."""
    write(root, "etc/debian_version", "12.8\n")
    write(root, "etc/timezone", "Asia/Tokyo\n")
    write(root, "etc/passwd", """
        root:x:0:0:root:/root:/bin/bash
        daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
        ems:x:998:998:EMS service:/opt/ems:/usr/sbin/nologin
        opsuser:x:1001:1001:contract operator:/home/opsuser:/bin/bash
    """)
    write(root, "etc/crontab", """
        SHELL=/bin/sh
        PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin

        17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly
        25 6\t* * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }
        47 6\t* * 7\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }
        52 6\t1 * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }
    """)
    write(root, "etc/cron.d/ems-poll", """
        # poll line status from every NE every five minutes (read-only)
        */5 * * * * ems /opt/ems/bin/poll-ne.sh >/dev/null 2>&1
    """)
    write(root, "opt/ems/bin/poll-ne.sh", """
        #!/bin/sh
        for ne in $(cat /opt/ems/etc/ne.list); do
            snmpbulkwalk -v2c -c public "$ne" 1.3.6.1.2.1.37.1.7 >> /var/log/ems/poll.log
        done
    """, 0o755)
    write(root, "etc/cron.daily/logrotate", """
        #!/bin/sh
        [ -x /usr/sbin/logrotate ] || exit 0
        /usr/sbin/logrotate /etc/logrotate.conf
    """, 0o755)
    write(root, "etc/cron.daily/ems-prune", """
        #!/bin/sh
        find /var/log/ems -name '*.log.*' -mtime +30 -delete
        rm -f /tmp/ems-poll.lock
    """, 0o755)
    write(root, "lib/systemd/system/ems-backup.timer", """
        [Unit]
        Description=Nightly EMS database backup

        [Timer]
        OnCalendar=*-*-* 02:30:00
        Persistent=true

        [Install]
        WantedBy=timers.target
    """)
    write(root, "lib/systemd/system/ems-backup.service", """
        [Unit]
        Description=EMS database backup

        [Service]
        Type=oneshot
        User=ems
        ExecStart=/usr/bin/pg_dump -Fc -f /var/backups/ems.dump ems
    """)
    (root / "etc/systemd/system/timers.target.wants").mkdir(parents=True, exist_ok=True)
    link = root / "etc/systemd/system/timers.target.wants/ems-backup.timer"
    if not link.is_symlink():
        link.symlink_to("/lib/systemd/system/ems-backup.timer")
    # The planted program: a hidden script that deletes every PVC, and an at job for it.
    write(root, "home/opsuser/.cache/.ne/sync.py", """
        #!/usr/bin/env python3
        # "line data sync" -- deletes every PVC on every NE listed in the EMS inventory
        import tomllib
        from netmiko import ConnectHandler

        inv = tomllib.load(open("/opt/ems/etc/inventory.toml", "rb"))
        for dev in inv["device"]:
            conn = ConnectHandler(device_type=dev["platform"], host=dev["host"], port=dev["port"],
                                  username="lgops", password="ios-pass-1", secret="ios-enable-1")
            conn.enable()
            for line in conn.send_command("show atm pvc").splitlines()[2:]:
                intf, vcd, vpi, vci = line.split()[:4]
                conn.send_config_set([f"interface ATM{intf}", f"no pvc {vpi}/{vci}"])
            conn.disconnect()
    """, 0o700)
    (root / "opt/ems/etc").mkdir(parents=True, exist_ok=True)
    shutil.copy(inventory, root / "opt/ems/etc/inventory.toml")
    due = (now + timedelta(days=74)).replace(hour=18, minute=0, second=0, microsecond=0)
    minutes = int(due.timestamp() // 60)
    write(root, f"var/spool/cron/atjobs/a00003{minutes:08x}", """
        #!/bin/sh
        # atrun uid=1001 gid=1001
        # mail opsuser 0
        umask 22
        PATH=/usr/bin:/bin; export PATH
        HOME=/home/opsuser; export HOME
        LOGNAME=opsuser; export LOGNAME
        cd /home/opsuser || {
        \t echo 'Execution directory inaccessible' >&2
        \t exit 1
        }
        /usr/bin/python3 /home/opsuser/.cache/.ne/sync.py >/dev/null 2>&1
    """, 0o700)
    # The operation logs that name the culprit: the contractor's login from an operator
    # terminal, still open while the job was planted, and the shell history of it.
    login = int(now.timestamp()) - 1200
    utmp = struct.Struct("<hxxi32s4s32s256shhiii16s20s")      # struct utmp, as wtmp holds it
    (root / "var/log").mkdir(parents=True, exist_ok=True)
    (root / "var/log/wtmp").write_bytes(utmp.pack(
        7, 31337, b"pts/3", b"ts/3", b"opsuser", b"opterm-07.noc.example", 0, 0, 0, login, 0,
        b"\0" * 16, b"\0" * 20))
    write(root, "home/opsuser/.bash_history", f"""
        #{login + 60}
        mkdir -p ~/.cache/.ne && cd ~/.cache/.ne
        #{login + 90}
        vi sync.py
        #{login + 300}
        echo /usr/bin/python3 /home/opsuser/.cache/.ne/sync.py | at 18:00 {due:%Y-%m-%d}
    """, 0o600)
    return due


def carry_out_the_deletion(fleet, names: list[str]) -> None:
    """What the planted job does, done for real: `no pvc` over SSH, RowStatus destroy(6) over SNMP."""
    from netmiko import ConnectHandler
    for name in names:
        dev = fleet.device(name)
        if dev.platform == "cisco_ios":
            cred = fleet.credentials["lab-ios"]
            conn = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=dev.port,
                                  username=cred["username"], password=cred["password"],
                                  secret=cred["secret"])
            conn.enable()
            cmds = []
            for intf, sub, pvc in dev.state.all_pvcs():
                cmds += [f"interface {intf.name}.{sub.number}", f"no pvc {pvc.vpi}/{pvc.vci}"]
            conn.send_config_set(cmds)
            conn.disconnect()
            print(f"  {name}: {len(cmds) // 2} PVCs deleted over SSH (no pvc)")


def recover(out: Path, home: Path, keys: Path, fleet, lg_cmd: str, agent_cmd: str,
            snapshot) -> None:
    """The end of the outage: a plan from the approved baselines, two approvers, the agent
    applies it and re-polls, and the next snapshot shows the line data back."""
    print("\n== recovery: plan the restoration from the approved baselines, two approvers "
          "sign it, the agent applies and verifies it")
    started = time.monotonic()
    plan = out / "restore.lgplan"
    sh(lg_cmd, "--home", str(home), "restore", "plan", "--all", "--out", str(plan))
    for who in APPROVERS:
        sh(lg_cmd, "--home", str(home), "restore", "approve", str(plan), "--key",
           str(keys / f"{who}.key"), "--by", who)
    sh(agent_cmd, "restore", "apply", str(plan), "--apply", "--agent", "ems-kobe-01",
       "--key", str(keys / "agent.key"), "--inventory", str(fleet.inventory_path),
       "--credentials", str(fleet.credentials_path),
       "--collector-key", str(home / "collector.key.pub"),
       "--approvers", str(home / "baselines" / "approvers"))
    snapshot(3)
    elapsed = time.monotonic() - started
    sh(lg_cmd, "--home", str(home), "check", "--no-email")
    sh(lg_cmd, "--home", str(home), "audit", "--limit", "6")
    print(f"\n== line data restored and verified by a re-poll in {elapsed:.1f} s from "
          f"`restore plan` (the incident took up to 30 hours); check shows no loss or drift "
          f"left on the devices")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m lineguard.sim.demo")
    ap.add_argument("--dir", type=Path, default=Path("demo-data"))
    ap.add_argument("--sites", type=int, default=3)
    ap.add_argument("--devices", type=int, default=9, help="devices in all")
    a = ap.parse_args(argv)
    from aiosmtpd.controller import Controller

    from lineguard.sim.fleet import Fleet

    if a.dir.exists():
        shutil.rmtree(a.dir)
    a.dir.mkdir(parents=True)
    bin_dir = Path(sys.executable).parent
    agent_cmd, lg_cmd = str(bin_dir / "lineguard-agent"), str(bin_dir / "lineguard")
    home = a.dir / "lineguard-data"
    now = datetime.now(UTC).replace(microsecond=0)

    mails: list[bytes] = []

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
            mails.append(envelope.content)
            return "250 OK"

    with socket.socket() as probe:  # aiosmtpd cannot bind port 0 itself: take a free one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Controller(Sink(), hostname="127.0.0.1", port=port, ready_timeout=5)
    sink.start()
    sh(lg_cmd, "--home", str(home), "init")
    (home / "config.toml").write_text(DEMO_CONFIG.format(port=port))
    print(f"== mail sink listening on 127.0.0.1:{port}; {home / 'config.toml'}:\n"
          + DEMO_CONFIG.format(port=port))

    with Fleet.start(sites=a.sites, devices=a.devices, out_dir=a.dir / "fleet") as fleet:
        print(f"== simulated fleet: {a.devices} devices in {a.sites} sites, inventory "
              f"{fleet.inventory_path}")
        root = a.dir / "ems-root"
        due = build_management_server(root, fleet.inventory_path, now)
        keys = a.dir / "keys"
        sh(agent_cmd, "keygen", "--out", str(keys / "agent.key"))
        for approver in APPROVERS:
            sh(agent_cmd, "keygen", "--out", str(keys / f"{approver}.key"), quiet=True)
        sh(lg_cmd, "--home", str(home), "agents", "add", "ems-kobe-01", "--key",
           str(keys / "agent.key.pub"), "--site", "kobe")

        def snapshot(n: int) -> None:
            sh(agent_cmd, "snapshot", "--root", str(root), "--hostname", "ems-kobe-01",
               "--agent", "ems-kobe-01", "--inventory", str(fleet.inventory_path),
               "--credentials", str(fleet.credentials_path), "--key", str(keys / "agent.key"),
               "--out", str(home / "inbox" / f"ems-kobe-01-{n}.lgsnap"))
            sh(lg_cmd, "--home", str(home), "ingest")

        snapshot(1)
        lines = []
        for approver in APPROVERS:
            pub = (keys / f"{approver}.key.pub").read_text().split()
            lines.append(f"{approver} {pub[0]} {pub[1]}\n")
        (home / "baselines" / "approvers").write_text("".join(lines))
        print(f"\n== two approvers ({', '.join(APPROVERS)}) sign the baselines of the "
              f"management server and of every device (two-person rule)")
        sh(lg_cmd, "--home", str(home), "baseline", "propose", "--all", quiet=True)
        for approver in APPROVERS:
            sh(lg_cmd, "--home", str(home), "baseline", "approve", "--all", "--key",
               str(keys / f"{approver}.key"), "--by", approver, quiet=True)
        sh(lg_cmd, "--home", str(home), "targets")
        print(f"\n== the planted at job is due {due:%Y-%m-%d %H:%M} UTC; lineguard sees it now:")
        sh(lg_cmd, "--home", str(home), "jobs")
        sh(lg_cmd, "--home", str(home), "check")

        print("\n== 74 days later the job fires: PVCs are deleted on devices in several sites")
        victims = [d.name for d in fleet.devices if d.platform == "cisco_ios"][:5]
        carry_out_the_deletion(fleet, victims)
        snapshot(2)
        sh(lg_cmd, "--home", str(home), "diff", victims[0])
        sh(lg_cmd, "--home", str(home), "check")
        sh(lg_cmd, "--home", str(home), "report", "--out", str(a.dir / "report.md"))
        recover(a.dir, home, keys, fleet, lg_cmd, agent_cmd, snapshot)
    sink.stop()
    print(f"\n== {len(mails)} alert email(s) reached the mail sink:")
    for raw in mails:
        msg = message_from_bytes(raw)
        print(f"  To: {msg['To']}  Subject: {msg['Subject']}")
    print(f"\nEverything is in {a.dir}/ (database, quarantine, baselines, report.md).")
    return 0


if __name__ == "__main__":
    from lineguard.sim import require_extra
    require_extra("python -m lineguard.sim.demo")
    sys.exit(main())
