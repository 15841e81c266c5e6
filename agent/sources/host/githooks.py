"""git hooks of the repositories jobs run git in: what `git pull` in a cron job also runs."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, capture_folder
from lineguard.formats.githooks import git_runs, hooks_dir
from lineguard.formats.wire import Artifact

WATCH: tuple[str, ...] = ()          # found through the jobs that run git, not by place


def gather(fs: RootFS, texts: list[str]) -> tuple[list[Artifact], list[str]]:
    """The git config and the hooks (not the shipped *.sample files) of every repository the
    commands and scripts run git in."""
    arts: list[Artifact] = []
    repos = dict.fromkeys(repo for t in texts for repo, _sub in git_runs(t))
    for repo in repos:
        config = fs.name(f"{repo}/.git/config")
        conf = fs.capture(config, "git-config") if fs.exists(config) else None
        arts += [conf] if conf else []
        folder = fs.name(hooks_dir(repo, conf.text() if conf else None))
        if fs.is_dir(folder):
            arts += capture_folder(fs, folder, "git-hook", lambda n: not n.endswith(".sample"))
    return arts, [t for a in arts if a.kind == "git-hook" and (t := a.text())]
