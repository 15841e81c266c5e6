"""Devices' SSH host keys, trusted on first use and checked on every later poll.

The first time the agent meets a device it records the key the device presents, before any
password is sent; from then on a device presenting another key is refused (an impostor in the
path would otherwise collect the password and feed the agent a forged configuration). The file
is OpenSSH known_hosts format, so `ssh-keygen -R '[host]:port' -f FILE` forgets a replaced device.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import paramiko


class HostKeyError(Exception):
    """The device could not be reached to read its host key."""


def host_entry(host: str, port: int) -> str:
    return host if port == 22 else f"[{host}]:{port}"


class KnownHosts:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _load(self) -> paramiko.HostKeys:
        keys = paramiko.HostKeys()
        if self.path.is_file():
            keys.load(str(self.path))
        return keys

    def knows(self, host: str, port: int) -> bool:
        with self._lock:
            return self._load().lookup(host_entry(host, port)) is not None

    def ensure(self, host: str, port: int, timeout: float) -> None:
        """Record the device's key if it has none yet (trust on first use)."""
        if self.knows(host, port):
            return
        key = scan(host, port, timeout)
        with self._lock:
            keys = self._load()
            name = host_entry(host, port)
            if keys.lookup(name) is None:       # another thread may have recorded it meanwhile
                keys.add(name, key.get_name(), key)
                self._save(keys)

    def _save(self, keys: paramiko.HostKeys) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        keys.save(str(tmp))
        os.replace(tmp, self.path)


def scan(host: str, port: int, timeout: float) -> paramiko.PKey:
    """The host key a device presents, read without authenticating."""
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as e:
        raise HostKeyError(f"cannot connect to {host}:{port} to read its host key: "
                           f"{e.strerror or e}") from None
    transport = paramiko.Transport(sock)
    transport.banner_timeout = timeout
    try:
        transport.start_client(timeout=timeout)
        return transport.get_remote_server_key()
    except (paramiko.SSHException, OSError, EOFError) as e:
        raise HostKeyError(f"no SSH host key from {host}:{port}: {e}") from None
    finally:
        transport.close()
