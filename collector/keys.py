"""The collector's own Ed25519 key: what the collector signs (restore plans) is proved with it.

Kept in the collector home as ``collector.key`` (0600) and ``collector.key.pub``; created on
first use, refused when others can read it. Agents are given the public key (``collector_key``
in their config) so that they accept only documents this collector issued."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from agent.keys import generate, load_private

KEY_NAME = "collector.key"


def key_path(home_root: Path) -> Path:
    return home_root / KEY_NAME


def collector_key(home_root: Path) -> Ed25519PrivateKey:
    """The collector key of this home, created (mode 0600, with KEY.pub beside it) if absent;
    a key file readable by others is refused (agent.keys.KeyError_)."""
    path = key_path(home_root)
    if not path.exists():
        try:
            generate(path)
        except FileExistsError:
            pass    # another collector process created it a moment ago
    return load_private(path)
