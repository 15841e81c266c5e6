"""method = "file": a saved config (RANCID/Oxidized backup, TFTP archive) read as if polled, so
existing archives can be analysed with the same parsers and the same completeness rules."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from agent.devices.inventory import Device
from agent.devices.profiles import Profile
from agent.devices.result import Output, build, failed
from agent.wire import Target

MAX_BYTES = 64 * 1024 * 1024


def read(device: Device, profile: Profile, *, mask_key: bytes) -> Target:
    path = device.path
    assert path is not None and profile.config_artifact is not None
    try:
        st = path.stat()
        if st.st_size > MAX_BYTES:
            return failed(device, "partial", f"saved config {path} is {st.st_size} bytes, "
                                             f"over the {MAX_BYTES} byte limit")
        data = path.read_bytes()
    except OSError as e:
        return failed(device, "unreachable", f"cannot read saved config {path}: "
                                             f"{e.strerror or os.strerror(e.errno or 0)}")
    meta = {"path": str(path), "size": st.st_size,
            "mtime": datetime.fromtimestamp(st.st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    text = data.decode("utf-8", errors="replace")
    return build(device, profile, [Output(profile.config_artifact, text, meta)], mask_key)
