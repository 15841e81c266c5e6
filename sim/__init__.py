"""A simulated ATM fleet on loopback: SSH CLI devices and SNMP agents, for the demo and the tests.

Contract (stable; the agent's device collection and the collector's parsers are written against it)

Modules
    sim.state   one source of truth per device: ``DeviceState`` (interfaces, subinterfaces, PVCs,
                cross-connects, kron, EEM applets, pending reload, Junos event-options, clock
                timezone) with ``Faults``; renders IOS ``running-config`` (ends with ``end``) and
                Junos curly / ``display set`` configs; ``build_device(name, platform, site, index,
                seed)`` makes a realistic, deterministic device.
    sim.ios     Cisco IOS CLI interpreter (exec, enable, configure terminal and its sub-modes).
    sim.junos   Junos CLI interpreter (operational mode, configure / commit).
    sim.ssh     asyncssh server putting one interpreter behind each SSH port.
    sim.snmp    one pysnmp engine answering SNMP v2c and v3 (USM SHA/AES) for every device, each
                device on its own UDP port; IF-MIB + ATM-MIB (RFC 2515) served live from the state.
    sim.fleet   ``Fleet``: starts many devices in one asyncio loop, writes inventory/credentials.
    python -m lineguard.sim fleet --sites 3 --devices 60 [--out DIR] [--base-port N] [--fault NAME=FAULT]
                        [--pvcs 24] [--cross-connects 24] [--seed 0]

Starting devices from Python (tests)
    from lineguard.sim.fleet import Fleet
    with Fleet.start(sites=1, devices=3, out_dir=tmp_path) as fleet:   # background thread
        fleet.inventory_path, fleet.credentials_path                    # TOML files written
        dev = fleet.device("atm-kobe-01")      # SimDevice: .name .platform .site .port .state
                                               #   .method .credentials .snmp_version
        fleet.by_platform("atm_mib")           # [SimDevice, ...] in fleet order
        dev.state.faults.snmp_silent = True    # faults switch live, see below
        fleet.credentials["lab-ios"]           # dict of the entry, as in credentials.toml
    Fleet.start(..., base_port=N, seed=0, faults={"atm-kobe-01": Faults(reject_auth=True)});
    fleet.stop() also closes open SSH sessions. sim.fleet.CREDENTIALS / HOST are the constants.
    A single device without a fleet: sim.ssh.start_ssh(state, port, Login(...)) and
    sim.snmp.FleetSnmpAgent().add_device(state, port), both inside a running asyncio loop.

Ports
    Device i listens on 127.0.0.1:PORT for SSH (TCP, cli devices only) AND SNMP (UDP, every
    device, also the CLI ones, so both views of one device can be compared). With --base-port N
    device i gets N+i; without it, a port free for both TCP and UDP is chosen at start.
    SNMP picks the device by the UDP port the request arrived on; the context name is ignored
    (use the default empty context).

Credentials (credentials.toml, mode 0600; one top-level table per name)
    [lab-ios]    username = "lgops", password = "ios-pass-1", secret = "ios-enable-1"
    [lab-junos]  username = "lgops", password = "junos-pass-1"       (never "root": netmiko
                                                                        would take it for a shell)
    [lab-snmp]   version = "2c", community = "lg-ro-community"
    [lab-snmpv3] version = "3", user = "lgv3", auth_key = "lg-auth-key-1", auth_protocol = "SHA",
                 priv_key = "lg-priv-key-1", priv_protocol = "AES"
    SET is accepted with any configured community/user (the sim has no read-only view).
    A wrong v2c community gets no answer (timeout), as on real agents; a v3 user with a wrong
    auth key gets a USM report (pysnmp: "Wrong SNMP PDU digest").

Inventory (inventory.toml; DESIGN.md format plus an ``snmp`` inline table on every device)
    [[device]]
    name = "atm-kobe-01"
    platform = "cisco_ios"          # cisco_ios | juniper_junos | atm_mib
    site = "kobe"
    method = "cli"                  # cli for cisco_ios / juniper_junos, snmp for atm_mib
    host = "127.0.0.1"
    port = 20001                    # SSH port for cli, UDP port for snmp
    credentials = "lab-ios"
    snmp = { version = "2c", port = 20001, credentials = "lab-snmp" }
    The fleet mixes platforms by index within a site: 1-3 of every 5 cisco_ios, the 4th
    juniper_junos, the 5th atm_mib (SNMP only, alternately v2c and v3).

Device names and CLI
    atm-<site>-NN; IOS prompt ``atm-kobe-01>`` then ``#`` after ``enable`` (secret), config
    prompts ``(config)#``, ``(config-if)#``, ``(config-subif)#``, ``(config-if-atm-vc)#``,
    ``(config-kron-occurrence)#``, ``(config-kron-policy)#``, ``(config-applet)#``.
    Junos prompt ``lgops@atm-kobe-04> `` / ``lgops@atm-kobe-04# `` after ``configure``.
    Output formats of show commands are in sim.ios / sim.junos docstrings.

SNMP tables served (numeric OIDs, indexes as RFC 2515)
    system (sysDescr, sysObjectID, sysUpTime, sysName), ifTable ifIndex/ifDescr/ifType (ATM = 37,
    subinterfaces 134), ifXTable ifName/ifAlias, atmTrafficDescrParamTable, atmVplTable,
    atmVclTable, atmVpCrossConnectTable, atmVcCrossConnectTable. VCL rows of PVCs are indexed by
    the main ATM interface's ifIndex. SET of a RowStatus column to destroy(6) removes the PVC or
    cross-connect from the state (so from running-config too). VPL/VCL rows and cross-connects
    are created only through RowStatus (sim.rowstatus): createAndWait/createAndGo, columns while
    notInService, active (inconsistentValue when a dependency is missing, e.g. a cross-connect
    whose links do not exist); columns of rows the device already had: notWritable.

Faults (sim.state.Faults, per device, switch at any time)
    drop_mid_config   the SSH session is cut in the middle of ``show running-config``/``show
                      configuration`` output
    truncate_config   the config is sent without its last lines (IOS: no ``end``; Junos: braces
                      left open), then the prompt as usual
    reject_auth       every SSH password is refused (as if it had been changed)
    delay_s           every CLI command (SSH) answers this many seconds late (a bare
                      Enter still gets its prompt at once); every SNMP response too
    snmp_silent       the SNMP port drops every datagram, v3 discovery included (timeout)
    snmp_silent_after N  answers N more datagrams, then falls silent (a device lost mid-walk)
    stray_prompts N   the next N CLI command outputs begin with the prompt glued to their first
                      line (what a device that echoes typed-ahead input on arrival shows)

Terminal (sim.ssh.Terminal)
    Input is echoed when the CLI reads it, after the previous output and prompt, the same for
    any TERM and without a PTY: printable characters, "\b \b" for an erased one, CRLF at the end
    of a line. Output lines end in CRLF. Enter may be CR, LF, CRLF or CR NUL.
"""

import importlib.util
import sys

# What the simulator runs on beyond lineguard's own dependencies: the `sim` extra.
EXTRA_MODULES = ("asyncssh", "aiosmtpd")


def require_extra(program: str) -> None:
    """Exit with one line saying how to install the simulator when its extra is missing."""
    missing = [m for m in EXTRA_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        sys.exit(f"{program}: the simulated fleet needs {', '.join(missing)}, which "
                 f"{'comes' if len(missing) == 1 else 'come'} with the 'sim' extra: "
                 f"pip install 'lineguard[sim]'")
