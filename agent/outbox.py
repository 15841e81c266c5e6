"""The outbox: signed snapshots wait here until delivered to the collector's inbox.

Delivery targets: a folder (the collector's inbox on the same host or a mounted share) or
`sftp://user@host[:port]/path` (paramiko). For SFTP the agent logs in with its own identity file
and checks the collector host's key against its own known_hosts file when they are configured
(`sftp_identity`, `sftp_known_hosts`), else with the user's SSH keys and agent and the system's
known hosts; an unknown host key is refused. A file leaves the outbox only after the copy at
the other end is complete and renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
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


def push(outbox: Path, deliver: str, *, identity: Path | None = None,
         known_hosts: Path | None = None) -> PushResult:
    files = pending(outbox)
    delivered: list[str] = []
    failed: dict[str, str] = {}
    if not files:
        return PushResult(delivered, failed, 0)
    url = urlparse(deliver)
    if url.scheme == "sftp":
        _push_sftp(url, files, delivered, failed, identity, known_hosts)
    else:
        dest = Path(deliver)
        for f in files:
            try:
                dest.mkdir(parents=True, exist_ok=True)
                _copy_into(f, dest)
                f.unlink()
                delivered.append(f.name)
            except OSError as e:
                failed[f.name] = str(e)
                break  # keep order: a later file must not arrive before an earlier one
    return PushResult(delivered, failed, len(pending(outbox)))


def _copy_into(src: Path, dest: Path) -> None:
    """Copy under a fresh temporary name, then rename into place. The name is created new
    (O_EXCL), so neither a link planted in a shared inbox nor another push's half-written copy
    is ever written through; the collector sees the whole file or nothing."""
    fd, tmp = tempfile.mkstemp(prefix=f".{src.name}.", suffix=".part", dir=dest)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
            shutil.copyfileobj(inp, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest / src.name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _push_sftp(url, files: list[Path], delivered: list[str], failed: dict[str, str],
               identity: Path | None, known_hosts: Path | None) -> None:
    import paramiko

    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    try:
        if known_hosts is not None:
            client.load_host_keys(str(known_hosts))
        else:
            client.load_system_host_keys()
        own = identity is not None
        client.connect(url.hostname, port=url.port or 22, username=url.username, timeout=15,
                       key_filename=str(identity) if own else None, look_for_keys=not own,
                       allow_agent=not own)
        sftp = client.open_sftp()
        folder = url.path.rstrip("/")
        for f in files:
            # A dot name, as for a folder: `lineguard ingest` skips it until it is renamed whole.
            part = f"{folder}/.{f.name}.part"
            sftp.put(str(f), part)
            sftp.posix_rename(part, f"{folder}/{f.name}")
            f.unlink()
            delivered.append(f.name)
    except (OSError, paramiko.SSHException) as e:
        pending_names = [f.name for f in files if f.name not in delivered]
        if pending_names:
            failed[pending_names[0]] = str(e) or e.__class__.__name__
    finally:
        client.close()
