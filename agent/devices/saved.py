"""method = "file": a saved config (RANCID/Oxidized backup, TFTP archive) read as if polled, so
existing archives can be analysed with the same parsers and the same completeness rules."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime

from lineguard.agent.devices.inventory import Device
from lineguard.agent.devices.profiles import Profile
from lineguard.agent.devices.result import Output, build, failed
from lineguard.formats.wire import Target

MAX_BYTES = 64 * 1024 * 1024


def read(device: Device, profile: Profile, *, mask_key: bytes) -> Target:
    path = device.path
    assert path is not None and profile.config_artifact is not None
    if path.is_dir():
        # an archive's configs folder (RANCID configs/, Oxidized output): the device's own file
        path = next((path / n for n in (device.name, device.name.lower())
                     if (path / n).is_file()), path / device.name)
    try:
        # Non-blocking and by descriptor: a FIFO or a device file (/dev/zero) named by mistake
        # must neither hang the agent nor fill its memory; the size is also checked on the read.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                return failed(device, "unreachable", f"saved config {path} is not a regular file")
            data = f.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return failed(device, "partial", f"saved config {path} is over the {MAX_BYTES} "
                                             f"byte limit")
    except OSError as e:
        return failed(device, "unreachable", f"cannot read saved config {path}: "
                                             f"{e.strerror or os.strerror(e.errno or 0)}")
    meta = {"path": str(path), "size": st.st_size,
            "mtime": datetime.fromtimestamp(st.st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    text = data.decode("utf-8", errors="replace")
    return build(device, profile, [Output(profile.config_artifact, text, meta)], mask_key)
