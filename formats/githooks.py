"""git hooks a job runs without naming them: `git pull`, `merge`, `checkout`, `commit`,
`rebase`, `am`, `push` or `gc` in a repository run the executable hooks of that repository
(`.git/hooks/`, or the folder `core.hooksPath` names in `.git/config`). The agent captures the
hooks of every repository a job's command or script runs git in (`cd DIR && git ...`,
`git -C DIR ...`); the collector makes each a hook job that fires with the jobs that run git."""

from __future__ import annotations

import posixpath
import re
import shlex

HOOKS = {
    "pull": ("pre-merge-commit", "post-merge", "post-checkout", "post-rewrite"),
    "merge": ("pre-merge-commit", "post-merge"),
    "checkout": ("post-checkout",), "switch": ("post-checkout",),
    "commit": ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit"),
    "rebase": ("pre-rebase", "post-rewrite", "post-checkout"),
    "am": ("applypatch-msg", "pre-applypatch", "post-applypatch"),
    "push": ("pre-push",), "gc": ("pre-auto-gc",),
}
_SPLIT = re.compile(r"&&|\|\||;|\n|\|")
_HOOKS_PATH = re.compile(r"^\s*hookspath\s*=\s*(.+?)\s*$", re.I | re.M)


def git_runs(text: str) -> list[tuple[str, str]]:
    """(repository, git subcommand) of every git call in a command or script whose repository
    is known: after `cd DIR` in the same text, or given with `-C DIR`."""
    out: list[tuple[str, str]] = []
    if "git" not in text:
        return out
    cwd = ""
    for part in _SPLIT.split(text):
        if "cd" not in part and "git" not in part:
            continue
        try:
            words = shlex.split(part, comments=True)
        except ValueError:
            continue
        while words and "=" in words[0] and not words[0].startswith("="):
            words = words[1:]
        if len(words) >= 2 and words[0] == "cd" and words[1].startswith("/"):
            cwd = words[1]
            continue
        if not words or posixpath.basename(words[0]) != "git":
            continue
        repo, i = cwd, 1
        while i < len(words) and words[i].startswith("-"):
            if words[i] == "-C" and i + 1 < len(words):
                repo = words[i + 1]
                i += 2
                continue
            i += 2 if words[i] == "-c" else 1
        if repo.startswith("/") and i < len(words) and words[i] in HOOKS:
            out.append((repo.rstrip("/"), words[i]))
    return out


def hooks_dir(repo: str, config: str | None) -> str:
    """The folder git runs the repository's hooks from (absolute)."""
    m = _HOOKS_PATH.search(config or "")
    if m:
        path = m.group(1).strip("\"'")
        return path if path.startswith("/") else posixpath.join(repo, path)
    return f"{repo}/.git/hooks"
