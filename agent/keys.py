"""Ed25519 key files: written 0600, refused when others can read them (as ssh does)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class KeyError_(ValueError):
    """A key file is missing, malformed or too open."""


def generate(out: Path) -> tuple[Path, Path]:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    pub = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                        serialization.PublicFormat.OpenSSH)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    os.chmod(out, 0o600)
    pub_path = out.with_name(out.name + ".pub")
    pub_path.write_bytes(pub + b" lineguard\n")
    return out, pub_path


def check_private_mode(path: Path) -> None:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyError_(f"{path}: permissions {stat.S_IMODE(mode):04o} are too open; "
                        f"a private key must not be readable by others (chmod 600 {path})")


def load_private(path: Path) -> Ed25519PrivateKey:
    try:
        check_private_mode(path)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise KeyError_(f"{path}: no such key file (create one with lineguard-agent keygen)") from None
    except OSError as e:
        raise KeyError_(f"{path}: cannot read the key file ({e.strerror or e})") from None
    except (ValueError, UnsupportedAlgorithm) as e:
        raise KeyError_(f"{path}: not a PEM private key ({e})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyError_(f"{path}: not an Ed25519 key")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    try:
        return parse_public(path.read_bytes())
    except FileNotFoundError:
        raise KeyError_(f"{path}: no such public key file") from None
    except OSError as e:
        raise KeyError_(f"{path}: cannot read the public key file ({e.strerror or e})") from None
    except (ValueError, UnsupportedAlgorithm) as e:
        raise KeyError_(f"{path}: {e}") from None


def parse_public(data: bytes) -> Ed25519PublicKey:
    text = data.strip()
    key: object
    if text.startswith(b"ssh-ed25519"):
        key = serialization.load_ssh_public_key(b" ".join(text.split()[:2]))
    else:
        key = serialization.load_pem_public_key(text)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def public_text(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.OpenSSH,
                            serialization.PublicFormat.OpenSSH).decode("ascii")
