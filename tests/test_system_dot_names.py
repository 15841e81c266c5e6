"""The dot-folders the system itself keeps in /tmp and /run (the X11, ICE, font, input-method
and test socket folders systemd's tmpfiles x11.conf creates and cleans) are not a hiding place:
a local tmpfiles.d line that removes or recreates them is not flagged by the hidden-path rule,
while a planted hidden folder, or a program put inside a system one, still is — on a real
tmpfiles.d file in a host root, judged end to end."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lineguard.agent.sources.host import collect
from lineguard.collector.analyse.effects.judge import judge
from lineguard.collector.analyse.timing import next_fire
from lineguard.collector.parse.host import jobs
from tests.hostroot import write

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HIDDEN = "lg.conceal.hidden-path"


def _rules_by_line(root: Path, path: str) -> dict[int, set[str]]:
    write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
    target, facts = collect(root)
    arts = {a.name: a for a in target.artifacts}
    out: dict[int, set[str]] = {}
    for job in jobs(target, facts):
        if job.origin_path == path:
            verdict = judge(job, arts, next_fire(job.trigger, NOW, "UTC"), NOW)
            out.setdefault(job.origin_line or 0, set()).update(r.rule for r in verdict.reasons)
    return out


def test_system_socket_folders_are_not_hidden_paths(tmp_path: Path) -> None:
    conf = "etc/tmpfiles.d/x11-local.conf"
    write(tmp_path / "r", conf,
          "# recreate the X and ICE socket folders clean at boot\n"
          "R /tmp/.X11-unix - - - -\n"
          "d /tmp/.ICE-unix 1777 root root 10d\n"
          "D! /run/.font-unix 1777 root root 10d\n"
          "r /tmp/.XIM-unix\n"
          "R /tmp/.Test-unix\n"
          "r /tmp/.X0-lock\n"
          "R /tmp/.ems-cache\n"
          "R /var/tmp/.x/\n"
          "r /tmp/.X11-unix/.keep/run.sh\n")
    found = _rules_by_line(tmp_path / "r", conf)
    assert set(found) == {2, 3, 4, 5, 6, 7, 8, 9, 10}
    assert [n for n, rules in sorted(found.items()) if HIDDEN in rules] == [8, 9, 10]
