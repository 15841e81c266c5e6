"""The files a job's reading looked for and did not find among those captured: the agent
captures them next, so a file named only where the reader sees it (inside a decoded payload,
a command line built, split or trimmed at run time) is judged for what it holds rather than
reported as code nobody has seen. The agent follows literal paths; this is the same reading the
collector does, so the two agree on what a job runs. A file read only for its content as a
value (a password, a setting) is not asked for: it stays on the host."""

from __future__ import annotations

from collections.abc import Mapping

from lineguard.collector.analyse.effects import judge  # noqa: F401  (readers register)
from lineguard.collector.analyse.effects.resolve import MAX_DEPTH, Job, Place, read
from lineguard.formats.wire import Artifact


def wanted_files(command: str, files: Mapping[str, Artifact], follow_depth: int) -> list[str]:
    """The root-relative names reading `command` (shell) looked up and found missing from
    `files`, other than values, in the order looked up. Programs nested more than
    `follow_depth` deep are not read (where the agent's own following stops too)."""
    job = Job(files)
    read("shell", command, job, Place(path=None, anchor=None,
                                      depth=MAX_DEPTH + 1 - follow_depth), {})
    return [name for name, fingerprint in job.seen.items()
            if fingerprint is None and name not in job.values]
