"""Builds realistic signed snapshot chains for tests and benchmarks: a host target with crontabs,
units and scripts, and device targets with IOS running-configs, about 20 KB in ten artifacts."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lineguard.agent.keys import generate, load_private
from lineguard.formats.wire import Artifact, Snapshot, Target, key_fingerprint, sign

CRONTAB = """SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin

17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly
25 6\t* * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }
47 6\t* * 7\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }
52 6\t1 * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }
"""


def ios_config(hostname: str, pvcs: int, seed: int) -> str:
    rnd = random.Random(seed)
    lines = ["!", f"hostname {hostname}", "!", "clock timezone JST 9 0", "!"]
    for i in range(pvcs):
        vci = 100 + i
        lines += [f"interface ATM0/0/0.{vci} point-to-point",
                  f" description base-station link {rnd.randint(1000, 9999)}",
                  f" ip address 10.{seed % 250}.{i // 250}.{(i % 63) * 4 + 1} 255.255.255.252",
                  f" pvc BTS{vci} 1/{vci}",
                  "  ubr 2000" if i % 2 else "  vbr-nrt 4000 2000",
                  "  encapsulation aal5snap", " !", "!"]
    return "\n".join(lines + ["end", ""])


@dataclass
class AgentChain:
    """An agent's key and chain state; `next()` signs the following snapshot."""

    name: str
    key: Ed25519PrivateKey
    key_path: Path
    seq: int = 0
    prev: str | None = None
    taken: datetime = field(default_factory=lambda: datetime(2026, 11, 25, 0, 0, tzinfo=UTC))

    @classmethod
    def create(cls, tmp: Path, name: str = "mgmt-01") -> AgentChain:
        key_path, _ = generate(tmp / f"{name}.key")
        return cls(name=name, key=load_private(key_path), key_path=key_path)

    @property
    def pub_path(self) -> Path:
        return self.key_path.with_name(self.key_path.name + ".pub")

    def snapshot(self, targets: tuple[Target, ...] | None = None, *, seq: int | None = None,
                 prev: str | None | bool = False, advance: bool = True) -> tuple[Snapshot, bytes]:
        seq = self.seq + 1 if seq is None else seq
        prev = self.prev if prev is False else prev
        self.taken += timedelta(minutes=15)
        snap = Snapshot(agent=self.name, key_id=key_fingerprint(self.key.public_key()), seq=seq,
                        prev=prev, taken_at=self.taken.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        host={"hostname": self.name, "timezone": "Asia/Tokyo", "root": "/",
                              "dialect": "debian"},
                        targets=targets if targets is not None else realistic_targets(self.name))
        data = sign(snap, self.key)
        if advance:
            self.seq, self.prev = snap.seq, snap.digest()
        return snap, data

    def write(self, folder: Path, **kw) -> Path:
        snap, data = self.snapshot(**kw)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{snap.agent}-{snap.seq:012d}-{snap.digest()[:8]}.lgsnap"
        path.write_bytes(data)
        return path


def _file(name: str, kind: str, text: str, owner: str = "root", mode: str = "0644") -> Artifact:
    return Artifact.from_bytes(name, kind, text.encode(), {
        "path": name, "owner": owner, "uid": 0, "gid": 0, "mode": mode,
        "mtime": "2026-09-01T03:00:00Z", "ctime": "2026-09-01T03:00:00Z", "size": len(text)})


def realistic_targets(host: str) -> tuple[Target, ...]:
    """About 20 KB in ten artifacts: one host target and one device target."""
    host_arts = (
        _file("etc/crontab", "crontab", CRONTAB),
        _file("etc/cron.d/ems-poll", "cron.d",
              "*/5 * * * * ems /opt/ems/bin/poll-ne.sh >/dev/null 2>&1\n"),
        _file("opt/ems/bin/poll-ne.sh", "script",
              "#!/bin/sh\n" + "".join(f"snmpbulkwalk -v2c -c public 10.40.0.{i} 1.3.6.1.2.1.37.1.7\n"
                                      for i in range(40)), mode="0755"),
        _file("etc/timezone", "timezone", "Asia/Tokyo\n"),
        _file("etc/passwd", "passwd", "root:x:0:0:root:/root:/bin/bash\n"
              + "".join(f"op{i}:x:{1000 + i}:1000::/home/op{i}:/bin/bash\n" for i in range(40))),
        _file("lib/systemd/system/ems-backup.timer", "systemd-unit",
              "[Unit]\nDescription=EMS backup\n\n[Timer]\nOnCalendar=*-*-* 02:30:00\n"
              "Persistent=true\n\n[Install]\nWantedBy=timers.target\n"),
        _file("lib/systemd/system/ems-backup.service", "systemd-unit",
              "[Unit]\nDescription=EMS backup\n\n[Service]\nType=oneshot\n"
              "ExecStart=/usr/bin/tar czf /var/backups/ems.tgz /opt/ems/data\n"),
    )
    dev_arts = (
        Artifact.from_bytes("running-config", "running-config",
                            ios_config(f"atm-{host}-01", 75, 7).encode()),
        Artifact.from_bytes("show-clock", "show-clock", b"*12:00:00.000 JST Wed Nov 25 2026\n"),
        Artifact.from_bytes("show-reload", "show-reload", b"No reload is scheduled.\n"),
    )
    return (Target(kind="host", name=host, status="ok", artifacts=host_arts,
                   facts={"platform": "linux"}),
            Target(kind="device", name=f"atm-{host}-01", status="ok", artifacts=dev_arts,
                   facts={"platform": "cisco_ios", "site": "kobe", "method": "cli"}))
