"""Juniper Junos routers with ATM (at-) interfaces over SSH (netmiko ``juniper_junos``)."""

from __future__ import annotations

import re

from lineguard.agent.devices.profiles import (
    JNX_CM_CFG_CHANGE,
    LINK_DOWN,
    LINK_UP,
    Command,
    Profile,
    register,
)

SECRETS = (
    re.compile(r'\bencrypted-password "?(?P<secret>[^";\s]+)"?'),
    re.compile(r'(?<![\w-])secret "?(?P<secret>[^";\s]+)"?'),
    # chap-secret, default-chap-secret, pap/ike secrets: any `…-secret VALUE`
    re.compile(r'\b[\w-]+-secret "?(?P<secret>[^";\s]+)"?'),
    re.compile(r'\b(?:privacy-key|privacy-password|authentication-password) "?(?P<secret>[^";\s]+)"?'),
    re.compile(r'\bcommunity-name "?(?P<secret>[^";\s]+)"?'),
    re.compile(r'\bauthentication-key "?(?P<secret>[^";\s]+)"?'),
    re.compile(r'\bmd5 \d+ key "?(?P<secret>[^";\s]+)"?'),
    re.compile(r'\bpre-shared-key (?:ascii-text|hexadecimal) "?(?P<secret>[^";\s]+)"?'),
    # `community NAME { ... }` or, with no options, `community NAME;`
    re.compile(r'^\s*community "?(?P<secret>[^";\s{]+)"?\s*[{;]', re.MULTILINE),
)

_TIME_ZONE = re.compile(r"^\s*time-zone \"?([^\";\s]+)\"?;", re.MULTILINE)


def truncation(config: str) -> str | None:
    """A Junos config is complete when its braces balance (quoted strings and comments aside)."""
    if not config.strip():
        return "empty configuration"
    depth = 0
    for lineno, line in enumerate(config.splitlines(), 1):
        code = re.sub(r'"(?:\\.|[^"\\])*"', '""', line)
        code = code.split("#", 1)[0] if code.lstrip().startswith("#") else code
        code = re.sub(r"/\*.*?\*/", "", code)
        for ch in code:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth < 0:
                    return f"unbalanced '}}' at line {lineno}"
    if depth:
        return f"{depth} unclosed brace(s) at the end: truncated"
    return None


def timezone(outputs: dict[str, str]) -> str | None:
    m = _TIME_ZONE.search(outputs.get("show-configuration", ""))
    return m.group(1) if m else None


PROFILE = register(Profile(
    name="juniper_junos",
    methods=("cli", "file"),
    netmiko_type="juniper_junos",
    config_artifact="show-configuration",
    commands=(
        Command("show-configuration", "show configuration"),
        Command("show-system-reboot", "show system reboot"),
    ),
    secrets=SECRETS,
    truncation=truncation,
    timezone=timezone,
    archive_names=("juniper", "junos"),
    # a commit requested and completed; configuration audit records of `set`/`delete`
    change_messages=(re.compile(r"\bUI_COMMIT(?:_COMPLETED)?\b"),
                     re.compile(r"\bUI_CFG_AUDIT_(?:SET|DELETE|OTHER)\w*")),
    change_notifications=(JNX_CM_CFG_CHANGE, LINK_DOWN, LINK_UP),
    signature=re.compile(r"^(?:#RANCID-CONTENT-TYPE: juniper|## Last commit: |"
                         r"version \d+\.\d+[A-Z][^;]*;\s*$)", re.MULTILINE),
))
