"""git hooks: an executable hook in a repository a job runs git in fires with that job (a
`git pull` from cron runs post-merge), as the user the job runs as. One job per hook, firing
with whichever of the jobs that run it comes first."""

from __future__ import annotations

import posixpath
from functools import partial

from lineguard.collector.model import HookTrigger, Job
from lineguard.collector.parse.hostcontext import HostContext, file_mode
from lineguard.formats.githooks import (
    HOOKS,
    SYSTEM_CONFIG,
    USER_CONFIGS,
    GitRun,
    archiver_runs,
    assignments,
    git_runs,
    hooks_dir,
    with_includes,
)


def jobs(ctx: HostContext, earlier: list[Job]) -> list[Job]:
    runners: dict[str, list[tuple[Job, str, str]]] = {}
    homes = _homes(ctx)
    for job in earlier:
        if job.state != "active" or job.source == "git-hook":
            continue
        texts = [job.command] + [t for f in job.files if (a := ctx.artifacts.get(f))
                                 and a.kind == "script" and (t := a.text())]
        if not any("git" in t or "rancid" in t for t in texts):
            continue
        home = homes.get(job.owner or "")
        found = _runs(ctx, job, texts, home) if any("git" in t for t in texts) else set()
        found |= {r for t in texts for r in archiver_runs(t, partial(_repos, ctx))}
        for run in found:
            folder = _hooks_folder(ctx, run, home)
            for hook in HOOKS[run.sub]:
                art = ctx.artifacts.get(f"{folder}/{hook}")
                if art is not None and art.kind == "git-hook" and art.content is not None:
                    runners.setdefault(art.name, []).append((job, run.repo, run.sub))
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


def _runs(ctx: HostContext, job: Job, texts: list[str], home: str | None) -> set[GitRun]:
    """The job's git calls, with the variables its texts leave unassigned looked up where the
    job gets its environment: the crontab lines above it, the files it reads (an
    EnvironmentFile, a sourced library)."""
    env = {"HOME": home} if home else {}
    missing: set[str] = set()
    runs = {r for t in texts for r in git_runs(t, env, missing)}
    if missing:
        origin = ctx.artifacts.get(job.origin_path)
        above = "\n".join(((origin.text() if origin else None) or "").split("\n")
                          [:max(0, (job.origin_line or 1) - 1)]) if job.source == "cron" else ""
        for text in [above, *(t for f in job.files if (a := ctx.artifacts.get(f))
                              and (t := a.text()))]:
            env.update(assignments(text, missing))
        runs |= {r for t in texts for r in git_runs(t, env)}
    return runs


def _hooks_folder(ctx: HostContext, run: GitRun, home: str | None) -> str:
    """Where git looks for the hooks of this call, for the job's user (artifact name)."""
    def text(path: str) -> str | None:
        art = ctx.artifacts.get(path.lstrip("/"))
        return art.text() if art is not None and art.kind == "git-config" else None

    def config(path: str) -> str | None:
        return with_includes(text(path), path, text, home)

    user = [config(home + c[1:]) for c in USER_CONFIGS] if home else []
    return hooks_dir(run.repo, config(f"{run.git_dir}/config"), run.git_dir,
                     (*user, config(SYSTEM_CONFIG)), home, run.hooks_path).lstrip("/")


def _homes(ctx: HostContext) -> dict[str, str]:
    """Each account's home, from the captured passwd."""
    passwd = ctx.artifacts.get("etc/passwd")
    out: dict[str, str] = {}
    for line in ((passwd.text() if passwd else None) or "").splitlines():
        fields = line.split(":")
        if len(fields) >= 6 and fields[5].startswith("/"):
            out.setdefault(fields[0], fields[5].rstrip("/") or "/")
    return out


def _repos(ctx: HostContext, base: str) -> list[str]:
    """The subfolders of `base` whose repository the agent captured (a config or a hook)."""
    prefix = base.strip("/") + "/"
    return sorted({n[len(prefix):].split("/", 1)[0] for n in ctx.artifacts
                   if n.startswith(prefix) and "/.git/" in n[len(prefix):]})
