"""Firewall and routing commands that cut lineguard off: a rule, policy or route that drops or
rejects what lineguard's agent sends (every outgoing connection, or the ports it polls devices
and delivers snapshots on), or traffic naming lineguard. Read from iptables/ip6tables (and
firewall-cmd's direct rules, which take the same words), nft, ufw, ip route and route; a rule
narrowed to one destination, interface, owner or state, or to another port, cuts nothing of
lineguard's and stays quiet — unless it is narrowed to what the agent talks to: the
collector or a device, by address, name or port, as the agent's own setup captured in the
snapshot says (formats/agentsetup.py). A route that blackholes, rejects or sinks into loopback
the collector's or a device's address cuts the agent off as a DROP does. So does a default-deny policy the same job lets traffic out of
(an ACCEPT rule for outgoing traffic, or the policy put back): firewall management, not a cut;
a rule dropping lineguard's ports is a cut whatever else the job allows."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lineguard.formats.agentsetup import ARTIFACT, AgentSetup, Peer, parse

if TYPE_CHECKING:
    from lineguard.collector.analyse.effects.resolve import Job

# What the agent connects to (agent/devices: netmiko over ssh or telnet, SNMP, NETCONF) and
# delivers over (sftp://): cut these outgoing and it sees and reports nothing.
LINEGUARD_PORTS = {"22": "ssh: device polling and sftp delivery", "ssh": "ssh",
                   "23": "telnet: device polling", "telnet": "telnet",
                   "161": "SNMP polling", "snmp": "SNMP", "830": "NETCONF polling",
                   "netconf": "NETCONF"}
_NAME = re.compile(r"lineguard", re.I)
_DROPS = frozenset({"DROP", "REJECT", "drop", "reject", "deny", "blackhole", "unreachable",
                    "prohibit"})
# iptables options that narrow a rule to some of the traffic (a destination, an interface,
# an owner, a connection state …): such a rule alone does not cut everything
_NARROWING = frozenset({"-d", "--destination", "--dst", "-o", "--out-interface", "-s",
                        "--source", "--src", "-m", "--match", "--sport", "--source-port",
                        "--sports", "--uid-owner", "--gid-owner", "--icmp-type", "-f"})
_PORTS = frozenset({"--dport", "--destination-port", "--dports", "--destination-ports"})


EVERYTHING = "every outgoing connection"
_NOWHERE = AgentSetup()
_DESTINATIONS = ("-d", "--destination", "--dst")


def setup_of(job: Job) -> AgentSetup:
    """What the agent talks to and its own files, from the setup captured with the snapshot
    (read as a value: the agent sends it with every snapshot, nothing to capture for it)."""
    return parse(job.value_of(ARTIFACT))


def lets_out(prog: str, args: list[str]) -> bool:
    """Whether the command lets outgoing traffic through (an ACCEPT rule or policy for it)."""
    low = [a.lower() for a in args]
    if prog in ("iptables", "ip6tables", "firewall-cmd"):
        chain = _value(args, ("-P", "--policy", "-A", "--append", "-I", "--insert")) or \
            (low[low.index("--add-rule") + 3] if "--add-rule" in low[:-3] else "")
        return chain.upper() == "OUTPUT" and "accept" in low
    if prog == "nft":
        words = {w for a in low for w in re.split(r"[\s;{}]+", a)}
        return "output" in words and "accept" in words
    if prog == "ufw":
        return low[:1] == ["allow"] and "out" in low or \
            low[:1] == ["default"] and "allow" in low and "outgoing" in low
    return False


def redirects(hosts: str, setup: AgentSetup) -> str | None:
    """What a hosts-file text points elsewhere of what the agent talks to (its collector or a
    device, by name, given an address that is not its own), or None."""
    for line in hosts.splitlines():
        words = line.split("#", 1)[0].split()
        for name in words[1:]:
            peer = setup.named(name)
            if peer is not None and words[0] not in peer.addresses:
                return f"{peer.describe()} (named {name}, pointed at {words[0]})"
    return None


_NO_RESOLVER = re.compile(r"^(?:0\.0\.0\.0|::|127\.(?!0\.0\.53$)[\d.]+|::1)$")


def resolving_cut(path: str, text: str, setup: AgentSetup) -> str | None:
    """What of the agent's peers a resolver setting written whole stops it from finding, or
    None: /etc/resolv.conf whose nameservers are all nowhere (0.0.0.0, a loopback address
    no resolver listens on) while a peer is known by name only (found through DNS), or an
    nsswitch.conf `hosts:` line without the source the peer's name is found in (`files`
    for a name /etc/hosts gives, `dns` for one it does not)."""
    by_name = [p for p in setup.peers if p.name and not p.addresses]
    in_hosts = [p for p in setup.peers if p.name and p.addresses]
    if path == "/etc/resolv.conf" and by_name:
        servers = re.findall(r"(?m)^\s*nameserver\s+(\S+)", text)
        if servers and all(_NO_RESOLVER.match(s) for s in servers):
            return f"{by_name[0].describe()} (its name no longer resolves: nameserver " \
                   f"{servers[0]})"
    if path == "/etc/nsswitch.conf":
        hosts = re.search(r"(?m)^\s*hosts\s*:(.*)$", text)
        if hosts is not None:
            sources = set(re.findall(r"[a-z_0-9]+", hosts.group(1).lower()))
            lost = next((p for p in by_name if "dns" not in sources and "resolve" not in sources),
                        None) or next((p for p in in_hosts if "files" not in sources), None)
            if lost is not None:
                return f"{lost.describe()} (hosts: {hosts.group(1).strip() or 'nothing'})"
    return None


def cuts_off(prog: str, args: list[str], setup: AgentSetup = _NOWHERE) -> str | None:
    """What of lineguard's traffic the command drops (for the reason), or None. `setup`: what
    the agent talks to (see setup_of)."""
    text = " ".join(args)
    if _NAME.search(text) and any(w in _DROPS for w in re.split(r"[\s;{}]+", text)):
        return "traffic to lineguard"
    if prog in ("ip", "route"):
        return _route(prog, args, setup)
    if prog in ("iptables", "ip6tables"):
        return _iptables(args, setup)
    if prog == "firewall-cmd" and "--direct" in args:
        # --add-rule FAMILY TABLE CHAIN PRIORITY ARGS…: the ARGS are iptables' own
        for k, a in enumerate(args):
            if a in ("--add-rule", "--insert-rule", "--passthrough") and k + 4 < len(args):
                chain = args[k + 3] if a != "--passthrough" else ""
                rest = args[k + 5:] if a != "--passthrough" else args[k + 2:]
                return _iptables(["-A", chain, *rest] if chain else rest, setup)
        return None
    if prog == "nft":
        return _nft(args, setup)
    if prog == "ufw":
        return _ufw(args, setup)
    return None


# ip route add {blackhole|unreachable|prohibit} DEST; ip route add DEST via 127.0.0.1 | dev lo;
# route add [-host|-net] DEST [netmask M] {reject | gw 127.0.0.1 | dev lo}
_ROUTE_SINKS = frozenset({"blackhole", "unreachable", "prohibit", "reject", "throw"})
_LOOPBACK = re.compile(r"^(?:127\.|::1$|lo$|0\.0\.0\.0$)")


def _route(prog: str, args: list[str], setup: AgentSetup) -> str | None:
    words = [a for a in args if a not in ("-4", "-6", "-A", "inet", "inet6", "-host", "-net")]
    if prog == "ip":
        if words[:1] not in (["route"], ["r"], ["ro"], ["rou"]):
            return None
        words = words[1:]
    if words[:1] not in (["add"], ["a"], ["replace"], ["append"], ["change"]):
        return None
    rest = words[1:]
    sink = next((w for w in rest if w in _ROUTE_SINKS), None)
    k = next((i for i, w in enumerate(rest) if w in ("via", "gw", "dev")), -1)
    if sink is None and not (0 <= k < len(rest) - 1 and _LOOPBACK.match(rest[k + 1])):
        return None
    dest = next((w for w in rest if w not in _ROUTE_SINKS), "")
    mask = rest[rest.index("netmask") + 1] if "netmask" in rest[:-1] else ""
    peer = setup.at(f"{dest}/{mask}" if mask and "/" not in dest else dest)
    if peer is None:
        return None
    return f"traffic to {peer.describe()} (routed to {sink or 'loopback'})"


def _iptables(args: list[str], setup: AgentSetup = _NOWHERE) -> str | None:
    policy = _value(args, ("-P", "--policy"))
    if policy is not None:
        k = args.index(policy) if policy in args else -1
        given = args[k + 1] if 0 <= k < len(args) - 1 else ""
        return f"{EVERYTHING} (OUTPUT policy)" if policy.upper() == "OUTPUT" and \
            given in _DROPS else None
    chain = _value(args, ("-A", "--append", "-I", "--insert", "-R", "--replace"))
    target = _value(args, ("-j", "--jump")) or ""
    if chain is None or target not in _DROPS:
        return None
    # to (or, coming back, from) what the agent talks to: cut, however narrowed otherwise
    where = _value(args, _DESTINATIONS if chain.upper() == "OUTPUT" else
                   ("-s", "--source", "--src") if chain.upper() == "INPUT" else ())
    peer = next((p for w in (where or "").split(",") if w and (p := setup.at(w))), None)
    named = _value(args, tuple(_PORTS)) if chain.upper() == "OUTPUT" else \
        _value(args, ("--sport", "--source-port", "--sports", "--source-ports"))
    if peer is not None and _on_its_port(peer, named):
        return f"traffic to {peer.describe()}"
    if chain.upper() != "OUTPUT":
        return None
    proto = (_value(args, ("-p", "--protocol")) or "all").lower()
    if proto not in ("all", "tcp", "udp", "6", "17"):
        return None
    ports = _value(args, tuple(_PORTS))
    # with ports named, a match module only picks them (-m multiport); a destination, an
    # interface or an owner still narrows the rule to someone else's traffic
    if ports is not None and (hit := _setup_ports(re.split(r"[,:]", ports), setup)):
        return hit
    if _narrowed(args, _NARROWING - {"-m", "--match"} if ports is not None else _NARROWING):
        return None
    if ports is not None:
        return _lineguard_ports(re.split(r"[,:]", ports))
    return EVERYTHING + ("" if proto == "all" else f" over {proto}")


def _narrowed(args: list[str], options: frozenset[str]) -> bool:
    longs = tuple(o + "=" for o in options if o.startswith("--"))
    return any(a in options or a.startswith(longs) for a in args)


def _nft(args: list[str], setup: AgentSetup = _NOWHERE) -> str | None:
    words = [w for a in args for w in re.split(r"[\s;{}]+", a) if w]
    low = [w.lower() for w in words]
    if "output" not in low:
        return None
    if "policy" in low:
        k = low.index("policy")
        return f"{EVERYTHING} (output policy)" if k + 1 < len(low) and \
            low[k + 1] in _DROPS else None
    if "rule" not in low or not _DROPS & set(low):
        return None
    after = low[low.index("output") + 1:]
    if "daddr" in after[:-1] and (peer := setup.at(after[after.index("daddr") + 1])) and \
            _on_its_port(peer, low[low.index("dport") + 1] if "dport" in low[:-1] else None):
        return f"traffic to {peer.describe()}"
    if "dport" in low[:-1] and (hit := _setup_ports(
            re.split(r"[,{}\s-]+", words[low.index("dport") + 1]), setup)):
        return hit
    if {"daddr", "oif", "oifname", "skuid", "skgid"} & set(after):
        return None           # to one address, on one interface, of one user
    if "dport" in low:
        k = low.index("dport")
        ports = words[k + 1] if k + 1 < len(words) else ""
        return _lineguard_ports(re.split(r"[,{}\s-]+", ports))
    return None if {"saddr", "ct", "meta", "sport", "icmp", "icmpv6"} & set(after) else \
        EVERYTHING


def _ufw(args: list[str], setup: AgentSetup = _NOWHERE) -> str | None:
    low = [a.lower() for a in args]
    if low[:1] == ["default"]:
        return f"{EVERYTHING} (ufw default)" if {"deny", "reject"} & set(low) and \
            "outgoing" in low else None
    if not low or low[0] not in ("deny", "reject") or "out" not in low:
        return None
    rest = low[low.index("out") + 1:]
    to = rest[rest.index("to") + 1] if "to" in rest[:-1] else "any"
    if to != "any" and (peer := setup.at(to)) and \
            _on_its_port(peer, rest[rest.index("port") + 1] if "port" in rest[:-1] else None):
        return f"traffic to {peer.describe()}"
    if "port" in rest[:-1] and (hit := _setup_ports(re.split(r"[,:]", rest[rest.index("port") + 1]),
                                                    setup)):
        return hit
    if rest and (hit := _setup_ports(re.split(r"[,/]", rest[0]), setup)):
        return hit
    if "on" in rest or to != "any":
        return None           # to one address or on one interface: not all of lineguard's
    if "port" in rest[:-1]:
        return _lineguard_ports(re.split(r"[,:]", rest[rest.index("port") + 1]))
    if not rest or rest[0] in ("to", "from", "proto") or "." in rest[0] or ":" in rest[0]:
        return None
    return _lineguard_ports(re.split(r"[,/]", rest[0]))      # 22, 161/udp, ssh


def _on_its_port(peer: Peer, ports: str | None) -> bool:
    """Whether a rule naming `ports` (None: every port) covers the port the agent reaches
    `peer` on (a rule for its mail or web port leaves the agent's traffic alone)."""
    if ports is None or peer.port is None:
        return True
    for part in re.split(r"[,{}\s]+", ports):
        low, _, high = part.partition(":" if ":" in part else "-")
        if low.isdigit() and (low == str(peer.port) or
                              high.isdigit() and int(low) <= peer.port <= int(high)):
            return True
    return False


def _setup_ports(ports: list[str], setup: AgentSetup) -> str | None:
    """The ports the agent's setup names among `ports` (delivery to the collector, a device's
    own port), described; None when none is."""
    hit = [p.describe() for port in ports if (p := setup.port(port))]
    return f"outgoing traffic to {', '.join(dict.fromkeys(hit))}" if hit else None


def _lineguard_ports(ports: list[str]) -> str | None:
    hit = [LINEGUARD_PORTS[p] for p in ports if p in LINEGUARD_PORTS]
    return f"outgoing {', '.join(dict.fromkeys(hit))}" if hit else None


def _value(args: list[str], names: tuple[str, ...]) -> str | None:
    """The value of the first of `names` given (`-x V`, `--long=V`), or None."""
    for k, a in enumerate(args):
        if a in names and k + 1 < len(args):
            return args[k + 1]
        for n in names:
            if n.startswith("--") and a.startswith(n + "="):
                return a[len(n) + 1:]
    return None
