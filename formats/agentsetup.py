"""The agent's own setup, captured into each snapshot like any other file: where it delivers
snapshots (the collector's name, addresses and port), the devices it polls (their names,
addresses and ports, from the inventory) and its own files (config, key, chain state, outbox,
inventory). The agent writes it (agent/snapshot.py); the effects engine reads it, so a job
that drops, blackholes or renames what the agent talks to, or edits the agent's files, is
read as blinding lineguard whatever names the host gives them."""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

ARTIFACT = "lineguard/agent-setup.json"
KIND = "agent-setup"
# the port each way of reaching a device uses unless the inventory names another
DEVICE_PORTS = {"cli": 22, "snmp": 161, "netconf": 830}


@dataclass(frozen=True)
class Peer:
    """Something the agent connects to: the collector it delivers to, or a device it polls."""

    role: str                       # collector | device
    name: str                       # the host name configured ("" when given as an address)
    addresses: tuple[str, ...]      # its IP addresses, as configured or in the host's /etc/hosts
    port: int | None
    service: str                    # what the agent does over it: "sftp delivery", "cli polling"

    def describe(self) -> str:
        who = "lineguard's collector" if self.role == "collector" else "a device lineguard polls"
        at = self.name or (self.addresses[0] if self.addresses else "?")
        return f"{who} {at}" + (f" (port {self.port}, {self.service})" if self.port else "")


@dataclass(frozen=True)
class AgentSetup:
    peers: tuple[Peer, ...] = ()
    files: tuple[str, ...] = ()     # absolute paths of the agent's own files and folders

    def to_json(self) -> str:
        return json.dumps({"peers": [{"role": p.role, "name": p.name,
                                      "addresses": list(p.addresses), "port": p.port,
                                      "service": p.service} for p in self.peers],
                           "files": list(self.files)}, indent=1, sort_keys=True) + "\n"

    def port(self, port: str) -> Peer | None:
        """The peer the agent reaches on `port` (a number), if any."""
        return next((p for p in self.peers if p.port is not None and str(p.port) == port), None)

    def at(self, where: str) -> Peer | None:
        """The peer at an address, or inside a network (`10.40.0.0/16`), or with that name."""
        net = _network(where)
        for p in self.peers:
            if where and where == p.name:
                return p
            if net is not None and any((a := _address(x)) is not None and a.version == net.version
                                       and a in net for x in p.addresses):
                return p
        return None

    def named(self, name: str) -> Peer | None:
        low = name.lower().rstrip(".")
        return next((p for p in self.peers if p.name and (
            p.name.lower() == low or p.name.lower().split(".")[0] == low)), None)

    def owns(self, path: str) -> bool:
        """Whether `path` is one of the agent's files, or inside one of its folders."""
        path = "/" + path.strip("/")
        return any(path == f or path.startswith(f.rstrip("/") + "/") for f in self.files)


@lru_cache(maxsize=64)
def parse(text: str | None) -> AgentSetup:
    """The setup a captured artifact holds (an empty one where it says nothing readable)."""
    try:
        doc = json.loads(text or "{}")
        peers = tuple(Peer(str(p["role"]), str(p.get("name") or ""),
                           tuple(str(a) for a in p.get("addresses") or ()),
                           int(p["port"]) if p.get("port") is not None else None,
                           str(p.get("service") or "")) for p in doc.get("peers") or ())
        return AgentSetup(peers, tuple(str(f) for f in doc.get("files") or ()))
    except (ValueError, TypeError, KeyError, AttributeError):
        return AgentSetup()


def collector_peer(deliver: str | None, hosts: str) -> Peer | None:
    """The collector an `sftp://user@host[:port]/path` delivery goes to (None for a folder)."""
    if not deliver or "://" not in deliver:
        return None
    url = urlsplit(deliver)
    try:
        port = url.port or 22
    except ValueError:
        port = 22
    host = url.hostname or ""
    return Peer("collector", "" if _address(host) else host, addresses_of(host, hosts), port,
                f"{url.scheme} delivery")


def addresses_of(host: str, hosts: str) -> tuple[str, ...]:
    """`host` itself when it is an address, else the addresses /etc/hosts (`hosts`) gives it."""
    if _address(host) is not None:
        return (host,)
    found = [w[0] for line in hosts.splitlines()
             if (w := line.split("#", 1)[0].split()) and host in w[1:]]
    return tuple(dict.fromkeys(found))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if text in ("default", "0/0", "0.0.0.0/0", "::/0"):
        return ipaddress.ip_network("0.0.0.0/0")
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
