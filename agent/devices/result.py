"""Turning what was read from a device into a wire Target with an honest status.

Every collection method ends here, so the rule "a failed or cut-short poll is never an ok target"
lives in one place: a config is checked for completeness and secrets are masked before anything
becomes an Artifact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lineguard.agent.devices.inventory import Device
from lineguard.agent.devices.mask import mask_secrets
from lineguard.agent.devices.profiles import Profile
from lineguard.formats.wire import Artifact, Target


@dataclass(frozen=True)
class Output:
    """One command's (or walk's) text as read, and why it may be incomplete."""

    artifact: str
    text: str
    meta: dict
    error: str | None = None
    kind: str | None = None


def facts(device: Device) -> dict[str, Any]:
    # polled_at lets the collector turn relative device times ("reload in 9 minutes") into
    # instants; the snapshot's taken_at is when signing happened, not when this device answered.
    polled = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    out: dict[str, Any] = {"platform": device.platform, "site": device.site, "method": device.method,
           "polled_at": polled}
    if device.host is not None:
        out["host"] = device.host
        out["port"] = device.port
    if device.path is not None:
        out["path"] = str(device.path)
    return out


def failed(device: Device, status: str, error: str) -> Target:
    return Target(kind="device", name=device.name, status=status, error=error, facts=facts(device))


def build(device: Device, profile: Profile, outputs: list[Output], mask_key: bytes,
          status: str = "ok", error: str | None = None) -> Target:
    """A Target from the outputs read; downgrades ok to partial when the config is truncated."""
    texts = {o.artifact: o.text for o in outputs}
    errors = [e for e in (error,) if e]
    config_name = profile.config_artifact
    artifacts = []
    for o in outputs:
        masked = mask_secrets(o.text, profile.secrets, mask_key)
        art_error = o.error
        if o.artifact == config_name and art_error is None:
            # Judged on the masked text: the reason quotes the last line, which may hold a secret.
            art_error = profile.truncation(masked)
        if art_error and o.artifact == config_name and status == "ok":
            status = "partial"
        if art_error and not any(art_error in e for e in errors):
            errors.append(f"{o.artifact}: {art_error}")
        artifacts.append(Artifact.from_bytes(o.artifact, o.kind or o.artifact,
                                             masked.encode("utf-8"), o.meta, error=art_error))
    if config_name and config_name not in texts and status == "ok":
        status, errors = "partial", errors + [f"{config_name} was not read"]
    if status == "ok" and any(o.error for o in outputs):
        status = "partial"
    f = facts(device)
    zone = profile.timezone(texts)
    if zone:
        f["timezone"] = zone
    return Target(kind="device", name=device.name, status=status, artifacts=tuple(artifacts),
                  error="; ".join(errors) or None, facts=f)
