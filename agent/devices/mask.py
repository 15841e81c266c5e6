"""Secret masking: a keyed hash replaces each secret before a config leaves the agent.

The hash is HMAC-SHA256 under the agent's mask key, so equal secrets give equal tokens and a
changed password still changes the config, while the value itself never reaches the collector.
Which spans are secret is declared by each platform profile as regexes with a ``secret`` group.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

MASK_PREFIX = "<masked:hmac-sha256:"
_ALREADY_MASKED = re.compile(r"<masked:hmac-sha256:[0-9a-f]{16}>")


def keyed_digest(value: str, key: bytes) -> str:
    """The first 64 bits of HMAC-SHA256(key, value), in hex: what every masked token carries."""
    return hmac.new(key, value.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()[:16]


def mask_token(value: str, key: bytes) -> str:
    return f"{MASK_PREFIX}{keyed_digest(value, key)}>"


def mask_secrets(text: str, patterns: Iterable[re.Pattern[str]], key: bytes) -> str:
    """Replace the ``secret`` group of every match of every pattern with its keyed hash."""
    if not key:
        raise ValueError("mask key must not be empty: an unkeyed hash of a password can be guessed")
    for pattern in patterns:
        text = pattern.sub(lambda m: _replace(m, key), text)
    return text


def _replace(match: re.Match[str], key: bytes) -> str:
    whole, secret = match.group(0), match.group("secret")
    # Masking twice (a saved config read back, a re-run) must not hash the token itself.
    if _ALREADY_MASKED.fullmatch(secret):
        return whole
    start = match.start("secret") - match.start(0)
    end = match.end("secret") - match.start(0)
    return whole[:start] + mask_token(secret, key) + whole[end:]
