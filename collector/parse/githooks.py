"""git hooks: an executable hook in a repository a job runs git in fires with that job (a
`git pull` from cron runs post-merge), as the user the job runs as. One job per hook, firing
with whichever of the jobs that run it comes first."""

from __future__ import annotations

import posixpath

from lineguard.collector.model import HookTrigger, Job
from lineguard.collector.parse.hostcontext import HostContext, file_mode
from lineguard.formats.githooks import HOOKS, git_runs, hooks_dir


def jobs(ctx: HostContext, earlier: list[Job]) -> list[Job]:
    runners: dict[str, list[tuple[Job, str, str]]] = {}
    for job in earlier:
        if job.state != "active" or job.source == "git-hook":
            continue
        texts = [job.command] + [t for f in job.files if (a := ctx.artifacts.get(f))
                                 and a.kind == "script" and (t := a.text())]
        for repo, sub in {r for t in texts for r in git_runs(t)}:
            config = ctx.artifacts.get(f"{repo}/.git/config".lstrip("/"))
            folder = hooks_dir(repo, config.text() if config else None).lstrip("/")
            for hook in HOOKS[sub]:
                art = ctx.artifacts.get(f"{folder}/{hook}")
                if art is not None and art.kind == "git-hook" and art.content is not None:
                    runners.setdefault(art.name, []).append((job, repo, sub))
    out = []
    for name, runs in runners.items():
        art = ctx.artifacts[name]
        first, repo, sub = runs[0]
        mode = file_mode(art, "0755")
        why = f"not executable (mode {mode:04o}): git skips it" \
            if mode is not None and not mode & 0o111 else None
        hook = posixpath.basename(name)
        command = "/" + name
        out.append(ctx.job(source="git-hook", origin_path=name, origin_line=None,
                           owner=first.owner, schedule=f"{hook} hook of {repo}", command=command,
                           files=(name, *[f for f in ctx.files_for(command) if f != name]),
                           trigger=HookTrigger(host_job=f"git {sub} in {repo} "
                                                        f"({first.origin_path})",
                                               operation=f"the {hook} hook",
                                               via=first.trigger,
                                               also=tuple(j.trigger for j, _r, _s in runs[1:])),
                           state="inert" if why else "active", problem=why,
                           timezone=first.timezone))
    return out
