"""git hooks of the repositories jobs run git in: what `git pull` in a cron job also runs."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from lineguard.agent.sources.host.rootfs import RootFS, RootPathError, capture_folder
from lineguard.formats.githooks import (
    SYSTEM_CONFIG,
    USER_CONFIGS,
    GitRun,
    archiver_runs,
    assignments,
    git_runs,
    hooks_dir,
    with_includes,
)
from lineguard.formats.wire import Artifact

# Repositories are found through the jobs that run git, not by place; the user's and the
# system's configs are where a core.hooksPath for all of them is set.
WATCH: tuple[str, ...] = (SYSTEM_CONFIG.lstrip("/"), *USER_CONFIGS)


def gather(fs: RootFS, texts: list[str], assigning: Iterable[str] = ()
           ) -> tuple[list[Artifact], list[str]]:
    """The git config and the hooks (not the shipped *.sample files) of every repository the
    commands and scripts run git in, with the user and system git configs that may set
    core.hooksPath for it. A repository named through a variable another text assigns (an
    EnvironmentFile, a sourced library, a crontab's lines: `assigning`, read only then) is found
    with that value. Nothing is read when no text runs git."""
    named = [t for t in texts if "git" in t]
    missing: set[str] = set()
    runs = [r for t in named for r in git_runs(t, missing=missing)]
    if missing:
        env: dict[str, str] = {}
        for text in (*texts, *assigning):
            env.update(assignments(text, missing))
        if env:
            runs += [r for t in named for r in git_runs(t, env)]
    runs += [r for t in texts for r in archiver_runs(t, partial(_repos, fs))]
    if not runs:
        return [], []
    arts: list[Artifact] = []

    def read(path: str) -> str | None:
        """A config file another one includes: captured, so the collector reads it too."""
        name = fs.name(path)
        if not name or not fs.exists(name) or fs.is_dir(name):
            return None
        art = fs.capture(name, "git-config")
        arts.append(art)
        return art.text()

    inherited = [(art, home, with_includes(art.text(), "/" + art.name, read, home))
                 for art, home in _inherited_configs(fs)]
    arts += [art for art, _home, _text in inherited]
    folders: dict[str, None] = {}
    for run in dict.fromkeys(runs):
        config = fs.name(f"{run.git_dir}/config")
        conf = fs.capture(config, "git-config") if fs.exists(config) else None
        arts += [conf] if conf else []
        # the owner is the job's, not known here: every user's setting is a candidate, and
        # a repository's config may include a file under any home
        homes = [None, *_homes(fs)]
        owns = {with_includes(conf.text() if conf else None, f"{run.git_dir}/config", read, h)
                for h in homes}
        for own in owns:
            folders[_folder(run, own, None, None)] = None
            for _art, their_home, their_config in inherited:
                folders[_folder(run, own, their_config, their_home)] = None
    for folder in folders:
        if fs.is_dir(folder):
            arts += capture_folder(fs, folder, "git-hook", lambda n: not n.endswith(".sample"))
    unique = list({a.name: a for a in arts}.values())
    return unique, [t for a in unique if a.kind == "git-hook" and (t := a.text())]


def _folder(run: GitRun, own: str | None, inherited: str | None, home: str | None) -> str:
    return RootFS.name(hooks_dir(run.repo, own, run.git_dir, (inherited,), home, run.hooks_path))


def _homes(fs: RootFS) -> list[str]:
    try:
        return ["/root"] + [f"/home/{h}" for h in sorted(fs.listdir("home"))]
    except RootPathError:
        return ["/root"]


def _inherited_configs(fs: RootFS) -> list[tuple[Artifact, str | None]]:
    """The system git config and each home's user configs, with the home they belong to."""
    paths = [(SYSTEM_CONFIG, None)] + [(home + c[1:], home) for home in _homes(fs)
                                       for c in USER_CONFIGS]
    return [(fs.capture(RootFS.name(p), "git-config"), home) for p, home in paths
            if fs.exists(RootFS.name(p))]


def _repos(fs: RootFS, base: str) -> list[str]:
    """The subfolders of `base` that hold a git repository."""
    return [g for g in sorted(fs.entries(base.lstrip("/")))
            if fs.is_dir(f"{base.lstrip('/')}/{g}/.git")]
