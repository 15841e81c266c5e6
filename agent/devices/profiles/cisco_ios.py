"""Cisco IOS / IOS-XE routers and ATM switches over SSH (netmiko ``cisco_ios``)."""

from __future__ import annotations

import re

from lineguard.agent.devices.profiles import (
    CISCO_CONFIG_MAN_EVENT,
    LINK_DOWN,
    LINK_UP,
    Command,
    Profile,
    register,
)
from lineguard.formats import banners

_M = re.MULTILINE

SECRETS = (
    re.compile(r"^\s*enable (?:secret|password)(?: level \d+)?(?: [0-9])? (?P<secret>\S+)", _M),
    # whatever comes between the name and the secret: privilege, view, algorithm-type, …
    re.compile(r"^\s*username \S+(?: \S+)*? (?:secret|password)(?: [0-9])? (?P<secret>\S+)", _M),
    re.compile(r"\bwpa-psk (?:ascii|hex)(?: [0-9])? (?P<secret>\S+)"),
    re.compile(r"^\s*key config-key password-encrypt (?P<secret>\S+)", _M),
    re.compile(r"^\s*snmp-server community (?P<secret>\S+)", _M),
    # The community (or v3 user) a trap host is sent with: after the optional kind and version.
    re.compile(r"^\s*snmp-server host \S+(?: (?:traps|informs))?"
               r"(?: version (?:1|2c|3(?: (?:auth|noauth|priv))?))? (?P<secret>\S+)", _M),
    re.compile(r"^\s*snmp-server user \S+ \S+(?: remote \S+(?: udp-port \d+)?)? v3"
               r"(?: encrypted)? auth \S+ (?P<secret>\S+)", _M),
    re.compile(r"^\s*snmp-server user \S+ \S+(?: remote \S+(?: udp-port \d+)?)? v3"
               r"(?: encrypted)? auth \S+ \S+ priv (?:\S+ )?(?:128 |192 |256 )?"
               r"(?P<secret>\S+)(?= access\b|\s*$)", _M),
    re.compile(r"message-digest-key \d+ md5(?: [0-9])? (?P<secret>\S+)"),
    # `ntp authentication-key 1 md5 KEY 7` names the key and its hash before the key itself.
    re.compile(r"authentication-key(?: \d+ md5)?(?: [0-9])? (?P<secret>\S+)"),
    # A bare `key`: tacacs/radius keys, key-chain key-strings, isakmp pre-shared keys; not the
    # `key N` line that numbers a key inside a key chain.
    re.compile(r"^(?!\s*key \d+\s*$).*?(?<![\w-])(?:key|key-string)(?: [0-9])? "
               r"(?!chain\b|config-key\b|generate\b|zeroize\b|pubkey-chain\b)(?P<secret>\S+)",
               _M),
    # Line and interface passwords last: the lines above already hold masked tokens by then.
    re.compile(r"(?<![\w-])password(?: [0-9])? (?P<secret>\S+)"),
)

_CLOCK_TZ = re.compile(r"^clock timezone (\S+) (-?\d+)(?: (\d+))?\s*$", _M)
_SHOW_CLOCK = re.compile(r"\d{1,2}:\d\d:\d\d(?:\.\d+)? (\S+) ")


def truncation(config: str) -> str | None:
    lines = [ln.strip() for ln in config.splitlines() if ln.strip()]
    if not lines:
        return "empty configuration"
    if lines[-1] != "end":
        return f"configuration does not end with 'end' (last line: {lines[-1][:60]!r}): truncated"
    if banners.verbatim(config).open:
        return "configuration ends inside a banner (its closing ^C never came): truncated"
    return None


def timezone(outputs: dict[str, str]) -> str | None:
    """`clock timezone JST 9 0` from the config, else the zone abbreviation of `show clock`."""
    m = _CLOCK_TZ.search(outputs.get("running-config", ""))
    if m:
        return " ".join(g for g in m.groups() if g is not None)
    m = _SHOW_CLOCK.search(outputs.get("show-clock", ""))
    return m.group(1) if m else None


PROFILE = register(Profile(
    name="cisco_ios",
    methods=("cli", "file"),
    netmiko_type="cisco_ios",
    config_artifact="running-config",
    enable=True,
    commands=(
        Command("running-config", "show running-config"),
        Command("show-atm-vc", "show atm vc"),
        Command("show-kron-schedule", "show kron schedule"),
        Command("show-event-manager-policy-registered", "show event manager policy registered"),
        Command("show-reload", "show reload"),
        Command("show-clock", "show clock"),
    ),
    secrets=SECRETS,
    truncation=truncation,
    verbatim=banners.verbatim,
    timezone=timezone,
    archive_names=("cisco", "ios", "iosxe"),
    # config mode left after changes; a command logged by `archive log config`; ATM VC events
    change_messages=(re.compile(r"%SYS-5-CONFIG_I\b"), re.compile(r"%PARSER-5-CFGLOG_LOGGEDCMD\b"),
                     re.compile(r"%ATM-\d-\w+")),
    change_notifications=(CISCO_CONFIG_MAN_EVENT, LINK_DOWN, LINK_UP),
    signature=re.compile(r"^(?:!RANCID-CONTENT-TYPE: cisco|Current configuration : \d+|"
                         r"version 1[0-9]\.\d+\s*$|hostname \S+\s*$)", _M),
))
