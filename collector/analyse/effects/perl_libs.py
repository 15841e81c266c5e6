"""What the Perl libraries a job talks to devices with do, as data: for each session class, where
its constructor names the device; for each method, which arguments carry the command lines or the
SNMP variables it sends; for the function-style SNMP modules, where the agent and the variables
are. The Perl reader (perl.py) evaluates the arguments and turns what these tables point at into
the same device-command and snmp-set effects every other reader makes.

Sources: the modules' own documentation (Net::Telnet, Net::Telnet::Cisco, Net::SSH::Perl,
Net::SSH2, Net::OpenSSH, Net::SSH::Any, Net::SSH::Expect, Net::Appliance::Session, Net::CLI::Interact,
Control::CLI, Expect, IO::Socket, Net::SNMP, net-snmp's SNMP, SNMP_Session, SNMP_util,
Net_SNMP_util, Net::Netconf, JUNOS::Device)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SessionClass:
    """A class whose objects talk to a device."""

    kind: str                          # cli | snmp | netconf
    host_keys: tuple[str, ...] = ()    # named constructor arguments naming the device
    host_first: bool = True            # a lone first positional argument is the device
    spawns: bool = False               # Expect: the device is an operand of the program run


_CLI_KEYS = ("host", "hostname", "ip", "address", "server", "peeraddr", "peerhost")

CLASSES: dict[str, SessionClass] = {
    "Net::Telnet": SessionClass("cli", _CLI_KEYS),
    "Net::Telnet::Cisco": SessionClass("cli", _CLI_KEYS),
    "Net::SSH::Perl": SessionClass("cli", _CLI_KEYS),
    "Net::SSH2": SessionClass("cli", (), host_first=False),          # connect() names it
    "Net::OpenSSH": SessionClass("cli", _CLI_KEYS),
    "Net::SSH::Expect": SessionClass("cli", _CLI_KEYS),
    "Net::SSH::Any": SessionClass("cli", _CLI_KEYS),                 # capture/system like OpenSSH
    "Net::Appliance::Session": SessionClass("cli", _CLI_KEYS),      # 1.x: new($host)
    "Net::CLI::Interact": SessionClass("cli", _CLI_KEYS, host_first=False),
    # Control::CLI->new('SSH'|'TELNET'|'/dev/ttyS0'): the transport; connect() names the device
    "Control::CLI": SessionClass("cli", (), host_first=False),
    "Control::CLI::Extreme": SessionClass("cli", (), host_first=False),
    "Control::CLI::AvayaData": SessionClass("cli", (), host_first=False),
    "Expect": SessionClass("cli", (), host_first=False, spawns=True),
    "IO::Socket::INET": SessionClass("cli", _CLI_KEYS),
    "IO::Socket::INET6": SessionClass("cli", _CLI_KEYS),
    "IO::Socket::IP": SessionClass("cli", _CLI_KEYS),
    "Net::SNMP": SessionClass("snmp", ("hostname", "host"), host_first=False),
    "SNMP::Session": SessionClass("snmp", ("desthost",), host_first=False),
    "SNMP_Session": SessionClass("snmp", ()),                        # open($host, $community)
    "Net::Netconf::Manager": SessionClass("netconf", ("hostname", "host")),
    "Net::Netconf::Device": SessionClass("netconf", ("hostname", "host")),
    "JUNOS::Device": SessionClass("netconf", ("hostname", "host")),
}
# Personalities (Net::Appliance::Session, Net::CLI::Interact) whose configure mode is Junos's.
JUNOS_PERSONALITIES = frozenset({"junos", "junos_el"})
# Methods of a class that make a session (Net::SNMP->session, Expect->spawn, SNMP_Session->open).
CONSTRUCTORS = frozenset({"new", "session", "spawn", "connect", "open"})
# Methods that name the device of an object made without one.
CONNECTS = frozenset({"open", "connect", "spawn"})
# Methods that hand back the same session (an SSH2 channel, a NETCONF sub-object).
SAME_SESSION = frozenset({"channel", "shell_channel", "session", "transport"})


@dataclass(frozen=True)
class Send:
    """What one method call sends on a CLI session."""

    named: tuple[str, ...] = ()   # named arguments holding the command (String => …)
    first: bool = True            # only the first positional argument (else all of them)
    skip: int = 0                 # positional arguments before the text (send_slow's delay)
    stdin_at: int | None = None   # a positional argument fed to the command's input
    fixed: tuple[str, ...] = ()   # lines the call itself sends (begin_configure)
    takes: bool = True            # False: its arguments are options, never sent


SENDS: dict[str, Send] = {
    "cmd": Send(named=("string", "command", "cmd")),
    "cmd_prompted": Send(named=("command",), first=False),
    "print": Send(first=False), "printf": Send(first=False), "say": Send(first=False),
    "put": Send(named=("string",)), "write": Send(), "syswrite": Send(),
    "send": Send(first=False), "send_cmd": Send(named=("command",)), "cmd_remote": Send(),
    "send_slow": Send(first=False, skip=1),
    "command": Send(),                     # JUNOS::Device
    "macro": Send(),                       # Net::CLI::Interact
    # Net::Appliance::Session's configure mode (its Junos personality says "configure")
    "begin_configure": Send(fixed=("configure terminal",), takes=False),
    "end_configure": Send(fixed=("end",), takes=False),
}
# Net::SSH::Perl's cmd($cmd, $stdin): the second argument is the command's input.
CLASS_SENDS: dict[tuple[str, str], Send] = {
    ("Net::SSH::Perl", "cmd"): Send(stdin_at=1),
}

# Net::OpenSSH: method(\%opts, @cmd) runs @cmd on the host with %opts{stdin_data|stdin_file} as
# its input; what the call hands back (a handle written to is the command's input).
# Net::SSH2 channels and Net::SSH::Expect exec($cmd) the same way.
REMOTE: dict[str, str] = {
    "exec": "output", "system": "status", "capture": "output", "capture2": "output", "spawn": "status",
    "pipe_in": "input", "open2": "input-first", "open3": "input-first",
    "open2pty": "input-first", "open3pty": "input-first", "open_ex": "input-first",
}

# NETCONF / JUNOScript calls and the device command they amount to (named arguments).
NETCONF = frozenset({"edit_config", "load_configuration", "delete_config", "copy_config"})

# SNMP session methods.
SNMP_SETS = frozenset({"set_request", "set", "set_request_response"})
SNMP_WALKS = frozenset({"get_table", "get_entries", "get_bulk_request", "walk", "bulkwalk",
                        "gettable", "getnext", "getbulk", "map_table", "map_table_4"})
SNMP_WALK_KEYS = ("baseoid", "columns", "varbindlist")
# Accessors of a net-snmp Varbind ([tag, iid, val, type]).
VARBIND_FIELDS = {"tag": 0, "iid": 1, "val": 2, "type": 3}

# Function-style SNMP modules (SNMP_util, Net_SNMP_util): the first argument is
# "community@host:port:timeout:retries:backoff:version".
SNMP_FUNCTIONS = frozenset({"snmpset", "snmpwalk", "snmpgetbulk", "snmpmaptable",
                            "snmpmaptable4", "snmpmapOID"})
