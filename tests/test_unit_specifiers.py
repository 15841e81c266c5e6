"""A unit started without a timer (at boot, at a user's login, by a socket or by another unit's
OnFailure=) has its %-specifiers expanded as systemd expands them for the system manager or
the user's, exactly as a timer's service does: one reader (formats.systemd.unit_commands) for
the collector's timer and unit jobs and for what the agent follows and captures. Before, only
%i/%I were replaced there, so `rm -rf %S/ems/linedata` named no line data and a script run as
`%h/bin/sweep` was never captured. Real unit files in a host root, agent capture and judging
end to end."""

from __future__ import annotations

from pathlib import Path

from lineguard.collector.model import EventTrigger, Verdict
from tests.hostroot import link, write
from tests.test_dropin_evidence import LIB, SD, _judged

USER_UNITS = "home/ems/.config/systemd/user"


def _boot(root: Path, name: str, service: str) -> None:
    write(root, f"{LIB}/{name}", f"[Unit]\nDescription={name}\n\n{service}"
          "[Install]\nWantedBy=multi-user.target\n")
    link(root, f"{SD}/multi-user.target.wants/{name}", f"/{LIB}/{name}")


def test_a_boot_service_deleting_a_state_specifier_path_is_destructive(tmp_path: Path) -> None:
    root = tmp_path / "r"
    _boot(root, "ems-sweep.service", "[Service]\nType=oneshot\n"
          "Environment=KEEP=%N\nExecStart=/bin/rm -rf %S/ems/linedata\n")
    (job, verdict), = [(j, v) for j, v in _judged(root) if "linedata" in j.command]
    assert job.command.split("\n") == ["export KEEP=ems-sweep", "/bin/rm -rf /var/lib/ems/linedata"]
    assert verdict.verdict == Verdict.DESTRUCTIVE, verdict
    assert any("/var/lib/ems/linedata" in r.title for r in verdict.reasons)


def test_a_user_service_runs_the_script_its_home_specifier_names(tmp_path: Path) -> None:
    """`%h` is the user's home for a user's manager: the agent captures the script and the
    collector judges what it deletes."""
    root = tmp_path / "r"
    write(root, "home/ems/bin/sweep", "#!/bin/sh\nrm -rf /srv/ems/linedata\n", mode=0o755)
    write(root, f"{USER_UNITS}/sweep.service",
          "[Service]\nExecStart=%h/bin/sweep\n[Install]\nWantedBy=default.target\n")
    link(root, f"{USER_UNITS}/default.target.wants/sweep.service", "../sweep.service")
    (job, verdict), = [(j, v) for j, v in _judged(root) if "sweep" in j.command]
    assert job.command == "/home/ems/bin/sweep"
    assert "home/ems/bin/sweep" in job.files
    assert verdict.verdict == Verdict.DESTRUCTIVE, verdict


def test_an_onfailure_unit_named_by_specifier_runs_its_instance(tmp_path: Path) -> None:
    """`OnFailure=ems-wipe@%p.service` starts the instance named after the failing unit; the
    template's `%i` is that name in what the instance runs."""
    root = tmp_path / "r"
    _boot(root, "ems-poller.service", "OnFailure=ems-wipe@%p.service\n"
          "[Service]\nExecStart=/usr/bin/logger poll\n")
    write(root, f"{LIB}/ems-wipe@.service",
          "[Service]\nType=oneshot\nExecStart=/bin/rm -rf /srv/%i/linedata\n")
    (job, verdict), = [(j, v) for j, v in _judged(root) if "linedata" in j.command]
    assert job.command == "/bin/rm -rf /srv/ems-poller/linedata"
    assert isinstance(job.trigger, EventTrigger) and "fails" in job.trigger.event
    assert verdict.verdict == Verdict.DESTRUCTIVE, verdict


def test_a_socket_runs_its_own_commands_in_its_environment(tmp_path: Path) -> None:
    """A socket's own ExecStartPre= reads its [Socket] Environment= and specifiers too."""
    root = tmp_path / "r"
    write(root, f"{LIB}/ems-feed.socket", "[Socket]\nListenStream=7001\n"
          "Environment=DATA=%S/ems/linedata\nExecStartPre=/bin/sh -c 'rm -rf $DATA'\n"
          "[Install]\nWantedBy=sockets.target\n")
    link(root, f"{SD}/sockets.target.wants/ems-feed.socket", f"/{LIB}/ems-feed.socket")
    (job, verdict), = [(j, v) for j, v in _judged(root) if "rm -rf" in j.command]
    assert job.command.split("\n") == ["export DATA=/var/lib/ems/linedata",
                                       "/bin/sh -c 'rm -rf $DATA'"]
    assert verdict.verdict == Verdict.DESTRUCTIVE, verdict
