"""A service started at boot (or by a socket, a path unit, another unit's Wants=) runs its
commands in the environment its Environment= and EnvironmentFile= settings give, as a timer's
service does: `rm -rf ${LINEDATA}/*` names the line data it deletes, and the agent captures the
EnvironmentFile. Before, such a service was judged benign (the variable was unknown). Real unit
files in a host root, agent capture and judging end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineguard.collector.model import Verdict
from tests.hostroot import link, write
from tests.test_dropin_evidence import LIB, SD, _judged

WIPE = "ExecStart=/bin/sh -c 'rm -rf ${LINEDATA}/*'"


def _service(root: Path, settings: str) -> None:
    write(root, f"{LIB}/ems-sweep.service", f"[Unit]\nDescription=sweep\n\n[Service]\n"
          f"Type=oneshot\n{settings}{WIPE}\n[Install]\nWantedBy=multi-user.target\n")
    link(root, f"{SD}/multi-user.target.wants/ems-sweep.service", f"/{LIB}/ems-sweep.service")


@pytest.mark.parametrize("settings, captured", [
    ("EnvironmentFile=/etc/default/ems-sweep\n", ("etc/default/ems-sweep",)),
    ("EnvironmentFile=-/etc/default/ems-sweep\n", ("etc/default/ems-sweep",)),
    ("Environment=LINEDATA=/srv/ems/linedata\n", ()),
    ('Environment="LINEDATA=/srv/ems/linedata" KEEP=7\n', ()),
])
def test_a_boot_service_deleting_through_its_environment_is_destructive(
        tmp_path: Path, settings: str, captured: tuple[str, ...]) -> None:
    root = tmp_path / "r"
    write(root, "etc/default/ems-sweep", "# line data\nLINEDATA=/srv/ems/linedata\n")
    _service(root, settings)
    (job, verdict), = [(j, v) for j, v in _judged(root) if "LINEDATA" in j.command]
    assert verdict.verdict == Verdict.DESTRUCTIVE, verdict
    assert any("/srv/ems/linedata" in r.title for r in verdict.reasons)
    assert set(captured) <= set(job.files)
    # the job still stands at its command, not at the environment line before it
    assert (job.origin_path, job.origin_line) == (f"{LIB}/ems-sweep.service", 7)


def test_an_empty_environment_setting_resets_what_came_before(tmp_path: Path) -> None:
    """`Environment=` with no value clears the earlier assignments, as in systemd: the later
    drop-in's value is the one the command sees."""
    root = tmp_path / "r"
    _service(root, "Environment=LINEDATA=/var/tmp/ems-scratch\n")
    write(root, f"{SD}/ems-sweep.service.d/10-site.conf",
          "[Service]\nEnvironment=\nEnvironment=LINEDATA=/srv/ems/linedata\n")
    (job, verdict), = [(j, v) for j, v in _judged(root) if "LINEDATA" in j.command]
    assert "/var/tmp/ems-scratch" not in job.command
    assert verdict.verdict == Verdict.DESTRUCTIVE, verdict


def test_a_scratch_folder_from_the_environment_stays_benign(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "etc/default/ems-sweep", "LINEDATA=/var/tmp/ems-scratch\n")
    _service(root, "EnvironmentFile=/etc/default/ems-sweep\n")
    (_job, verdict), = [(j, v) for j, v in _judged(root) if "LINEDATA" in j.command]
    assert verdict.verdict != Verdict.DESTRUCTIVE, verdict
