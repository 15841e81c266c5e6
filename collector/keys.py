"""The collector's own Ed25519 key for what it issues (restore plans), the same key the audit
anchor signs with (collector/anchor.py owns it: HOME/collector.key, 0600, created on first use,
refused when others can read it, never re-created once it has signed). Agents are given the
public key (``collector_key`` in their config) so that they accept only documents this
collector issued."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lineguard.collector.anchor import KEY_NAME, Anchor


def key_path(home_root: Path) -> Path:
    return home_root / KEY_NAME


def collector_key(home_root: Path) -> Ed25519PrivateKey:
    """The collector key of this home. A key that has already signed checkpoints is never made
    anew: a deleted key is an error (AnchorError), not a fresh key signing over the gap."""
    anchor = Anchor(home_root)
    return anchor.key(signed_before=bool(anchor.last_line()))
