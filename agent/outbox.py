"""The outbox: signed snapshots wait here until delivered to the collector's inbox.

Delivery targets: a folder (the collector's inbox on the same host or a mounted share) or
`sftp://user@host[:port]/path` (paramiko, with the agent's SSH key or agent). A file leaves the
outbox only after the copy at the other end is complete and renamed into place.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse


@dataclass(frozen=True)
class PushResult:
    delivered: list[str]
    failed: dict[str, str]
    pending: int


def outbox_name(agent: str, seq: int) -> str:
    return f"{agent}-{seq:012d}.lgsnap"


def pending(outbox: Path) -> list[Path]:
    return sorted(p for p in outbox.glob("*.lgsnap") if p.is_file()) if outbox.is_dir() else []


def push(outbox: Path, deliver: str) -> PushResult:
    files = pending(outbox)
    delivered: list[str] = []
    failed: dict[str, str] = {}
    if not files:
        return PushResult(delivered, failed, 0)
    url = urlparse(deliver)
    if url.scheme == "sftp":
        _push_sftp(url, files, delivered, failed)
    else:
        dest = Path(deliver)
        for f in files:
            try:
                dest.mkdir(parents=True, exist_ok=True)
                tmp = dest / f".{f.name}.part"
                shutil.copyfile(f, tmp)
                os.replace(tmp, dest / f.name)
                f.unlink()
                delivered.append(f.name)
            except OSError as e:
                failed[f.name] = str(e)
                break  # keep order: a later file must not arrive before an earlier one
    return PushResult(delivered, failed, len(pending(outbox)))


def _push_sftp(url, files: list[Path], delivered: list[str], failed: dict[str, str]) -> None:
    import paramiko

    client = paramiko.SSHClient()
    client.load_system_host_keys()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    try:
        client.connect(url.hostname, port=url.port or 22, username=url.username, timeout=15)
        sftp = client.open_sftp()
        for f in files:
            remote = f"{url.path.rstrip('/')}/{f.name}"
            sftp.put(str(f), remote + ".part")
            sftp.posix_rename(remote + ".part", remote)
            f.unlink()
            delivered.append(f.name)
    except (OSError, paramiko.SSHException) as e:
        pending_names = [f.name for f in files if f.name not in delivered]
        if pending_names:
            failed[pending_names[0]] = str(e) or e.__class__.__name__
    finally:
        client.close()
