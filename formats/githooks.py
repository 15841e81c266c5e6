"""git hooks a job runs without naming them: `git pull`, `fetch`, `merge`, `checkout`,
`commit`, `rebase`, `am`, `push`, `reset`, `stash`, `add`, `status` or `gc` in a repository run
the executable hooks of that repository (HOOKS).
The repository is the one git finds: after `cd DIR` (a literal or a variable the text, or the
job's environment, assigns), `git -C DIR`, `--git-dir=`/`GIT_DIR=` (its hooks are in that
folder), `--work-tree=`/`GIT_WORK_TREE=`. The hooks folder is `GIT_DIR/hooks` unless
`core.hooksPath` says otherwise: `git -c core.hooksPath=…`, then the repository's own config,
then the user's (~/.gitconfig, ~/.config/git/config), then the system's (/etc/gitconfig), the
first that sets it winning; each with the files its `include.path` settings name. The agent captures the hooks of every repository a job's command
or script runs git in; the collector makes each a hook job that fires with the jobs that run
git."""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

# githooks(5): reference-transaction runs with every command that updates a ref (a fetch
# too), post-index-change with every one that writes the index, pre-auto-gc with those that
# run `git gc --auto` after their work
_REFS, _INDEX, _GC = "reference-transaction", "post-index-change", "pre-auto-gc"
HOOKS = {
    "pull": ("pre-merge-commit", "post-merge", "post-checkout", "post-rewrite", _REFS, _INDEX,
             _GC),
    "merge": ("pre-merge-commit", "post-merge", _REFS, _INDEX, _GC),
    "checkout": ("post-checkout", _REFS, _INDEX), "switch": ("post-checkout", _REFS, _INDEX),
    "commit": ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", _REFS, _INDEX,
               _GC),
    "rebase": ("pre-rebase", "post-rewrite", "post-checkout", _REFS, _INDEX, _GC),
    "am": ("applypatch-msg", "pre-applypatch", "post-applypatch", _REFS, _INDEX, _GC),
    "push": ("pre-push", _REFS), "gc": (_GC,),
    "fetch": (_REFS, _GC), "reset": (_REFS, _INDEX), "stash": (_REFS, _INDEX),
    "add": (_INDEX,), "status": (_INDEX,),
}
# The user's config files, the one that wins first (git-config(1) FILES: git reads the XDG
# one, then ~/.gitconfig, and a later value wins); "~" is the user's home.
USER_CONFIGS = ("~/.gitconfig", "~/.config/git/config")
SYSTEM_CONFIG = "/etc/gitconfig"
_SPLIT = re.compile(r"&&|\|\||;|\n|\|")
_VAR = re.compile(r"\$(?:\{([A-Za-z_]\w*)(?::?-([^}]*))?\}|([A-Za-z_]\w*))")
_SHELL_C = re.compile(r"""\b(?:sh|bash|dash|ksh|zsh)\s+-\w*c\s+(['"])(.+?)\1""", re.S)
_ASSIGN = re.compile(r"^([A-Za-z_]\w*)=(.*)$", re.S)
_DECLARE = frozenset({"export", "declare", "typeset", "readonly", "local"})
# git's global options that take the next word as their value
_OPTION_ARGS = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace",
                          "--config-env", "--super-prefix"})


# programs that run git themselves, in every repository under a base folder of theirs (one
# a subfolder): RANCID's rancid-run commits each group's configs into $BASEDIR/GROUP
# (RCSSYS=git; Debian's BASEDIR), so each group's commit hooks run with it
ARCHIVERS = {"rancid-run": ("/var/lib/rancid", "commit"),
             "control_rancid": ("/var/lib/rancid", "commit")}
_WORD = re.compile(r"[^\s;&|()<>'\"`]+")


class GitRun(NamedTuple):
    """One git call that runs hooks: the folder it runs in (the work tree), the subcommand,
    the repository's git folder, and a `core.hooksPath` given on its command line."""

    repo: str
    sub: str
    git_dir: str
    hooks_path: str | None = None


def git_runs(text: str, env: Mapping[str, str] | None = None,
             missing: set[str] | None = None) -> list[GitRun]:
    """Every git call in a command or script whose repository is known: from `cd DIR` before
    it, `-C DIR`, `--git-dir`/`GIT_DIR`, `--work-tree`/`GIT_WORK_TREE`, with variables the text
    assigns (`REPO=/opt/cfg`, `export GIT_DIR=…`) or `env` gives expanded. The names of
    variables a repository depends on but nothing assigns are added to `missing`."""
    out: list[GitRun] = []
    if "git" not in text:
        return out
    known = dict(env or {})
    cwd = ""
    # a shell run with its program in one argument (`sh -c 'cd /x && git pull'`) reads it
    # from the start, in the folder it was started in
    inner = [m.group(2) for m in _SHELL_C.finditer(text)]
    for part in _SPLIT.split("\n".join([text, *inner])):
        if "=" not in part and "cd" not in part and "git" not in part:
            continue
        try:
            words = shlex.split(part, comments=True)
        except ValueError:
            continue
        declared = bool(words) and words[0] in _DECLARE
        if declared:
            words = [w for w in words[1:] if not w.startswith("-")]
        local: dict[str, str] = {}
        while words and (m := _ASSIGN.match(words[0])):
            value = _expand(m.group(2), {**known, **local}, missing)
            if value is not None:
                local[m.group(1)] = value
            words = words[1:]
        if declared or not words:         # assignments alone: they stay for what follows
            known.update(local)
            continue
        if len(words) >= 2 and words[0] == "cd":
            target = _expand(words[1], known, missing)
            if target and target.split("/", 1)[0] == "~":      # the user's home, when known
                target = known["HOME"] + target[1:] if "HOME" in known else None
            cwd = _join(cwd, target) if target else ""
            continue
        if posixpath.basename(words[0]) == "git":
            run = _git_call(words[1:], cwd, {**known, **local}, missing)
            if run is not None:
                out.append(run)
    return out


def _git_call(words: list[str], cwd: str, env: Mapping[str, str],
              missing: set[str] | None) -> GitRun | None:
    where = cwd
    git_dir = env.get("GIT_DIR")
    work_tree = env.get("GIT_WORK_TREE")
    hooks_path = None
    i = 0
    while i < len(words) and words[i].startswith("-"):
        option, eq, value = words[i].partition("=")
        if not eq and option in _OPTION_ARGS:
            value = words[i + 1] if i + 1 < len(words) else ""
            i += 1
        i += 1
        if option in ("-C", "--git-dir", "--work-tree"):
            expanded = _expand(value, env, missing)
            if expanded is None:
                return None
            if option == "-C":
                where = _join(where, expanded)
            elif option == "--git-dir":
                git_dir = expanded
            else:
                work_tree = expanded
        elif option == "-c" and value.lower().startswith("core.hookspath="):
            hooks_path = _expand(value.partition("=")[2], env, missing)
    if i >= len(words) or words[i] not in HOOKS:
        return None
    if git_dir:
        git_dir = _join(where, git_dir)
        repo = _join(where, work_tree) if work_tree else (where or git_dir)
    else:
        # git finds the repository from where it runs; a work tree named without a known
        # place to run from is taken as its own repository (its .git is captured and read)
        repo = where or _join(where, work_tree or "")
        git_dir = repo + "/.git" if repo else ""
    if not repo.startswith("/") or not git_dir.startswith("/"):
        return None
    return GitRun(repo, words[i], git_dir, hooks_path)


def _join(base: str, path: str) -> str:
    if path.startswith("/"):
        return posixpath.normpath(path)
    return posixpath.normpath(posixpath.join(base, path)) if base.startswith("/") else ""


def _expand(word: str, env: Mapping[str, str], missing: set[str] | None) -> str | None:
    """The word with its variables replaced, or None when one is not known (its name added to
    `missing`)."""
    if "$" not in word:
        return word
    unknown: list[str] = []

    def value(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(3)
        if name in env:
            return env[name]
        if m.group(2) is not None:
            return m.group(2)
        unknown.append(name)
        return ""

    out = _VAR.sub(value, word)
    if unknown:
        if missing is not None:
            missing.update(unknown)
        return None
    return out


def assignments(text: str, names: set[str]) -> dict[str, str]:
    """The literal values a text assigns to any of `names` (`NAME=…`, `export NAME=…`, an
    EnvironmentFile's or a crontab's lines), the last one of each winning."""
    out: dict[str, str] = {}
    if not any(f"{n}=" in text for n in names):
        return out
    for line in text.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        if words and words[0] in _DECLARE:
            words = words[1:]
        for word in words:
            m = _ASSIGN.match(word)
            if not m:
                break
            if m.group(1) in names and "$" not in m.group(2):
                out[m.group(1)] = m.group(2)
    return out


def hooks_path(config: str | None) -> str | None:
    """The `core.hooksPath` a git config file sets (the last one of its [core] sections)."""
    found = None
    section = ""
    for raw in (config or "").splitlines():
        line = raw.strip()
        if line.startswith("["):
            section = line[1:].split("]", 1)[0].strip().lower()
            line = line.split("]", 1)[1].strip() if "]" in line else ""
        if section != "core" or "=" not in line or line[:1] in ("#", ";"):
            continue
        key, _eq, value = line.partition("=")
        if key.strip().lower() == "hookspath":
            found = value.split(" #")[0].split(" ;")[0].strip().strip("\"'")
    return found


MAX_INCLUDES = 8      # nested include.path files read (git itself stops at 10)


def with_includes(config: str | None, path: str, read: Callable[[str], str | None],
                  home: str | None = None, depth: int = 0) -> str | None:
    """The config at `path` with the files its `[include]` and `[includeIf …]` `path =`
    settings name read in where they stand, as git reads them (a later value wins). An
    includeIf's condition is not weighed: it may hold when the job runs. Relative names are
    taken from the including file's folder, `~/` from the user's home."""
    if config is None or "include" not in config.lower() or depth >= MAX_INCLUDES:
        return config
    out: list[str] = []
    section, header = "", ""
    for raw in config.splitlines():
        out.append(raw)
        line = raw.strip()
        if line.startswith("["):
            header = line.split("]", 1)[0] + "]"
            section = header[1:-1].strip().lower()
            line = line.split("]", 1)[1].strip()
        if not (section == "include" or section.startswith("includeif")) or "=" not in line:
            continue
        key, _eq, value = line.partition("=")
        value = value.split(" #")[0].split(" ;")[0].strip().strip("\"'")
        if key.strip().lower() != "path" or not value:
            continue
        if value.startswith("~/"):
            if not home:
                continue
            value = home + value[1:]
        name = posixpath.normpath(value if value.startswith("/")
                                  else posixpath.join(posixpath.dirname(path), value))
        included = with_includes(read(name), name, read, home, depth + 1)
        if included is not None:
            out += [included, header]       # the including file's section goes on after it
    return "\n".join(out)


def hooks_dir(repo: str, config: str | None, git_dir: str | None = None,
              inherited: Sequence[str | None] = (), home: str | None = None,
              override: str | None = None) -> str:
    """The folder git runs the repository's hooks from (absolute): `override` (a `-c
    core.hooksPath=`), else the repository's `config`, else the first of the `inherited`
    configs (the user's, then the system's) that sets core.hooksPath, else GIT_DIR/hooks. A
    relative hooksPath is taken from the work tree, `~/` from the user's home."""
    path = override or next((p for c in (config, *inherited) if (p := hooks_path(c))), None)
    if path:
        if path.startswith("~/") and home:
            return posixpath.normpath(home + path[1:])
        return path if path.startswith("/") else posixpath.normpath(posixpath.join(repo, path))
    return f"{git_dir or repo + '/.git'}/hooks"


def archiver_runs(text: str, groups: Callable[[str], list[str]]) -> list[GitRun]:
    """The git commits a program of ARCHIVERS named in the text makes: one a repository
    `groups(base)` lists (the subfolders of its base holding a .git)."""
    if "rancid" not in text:
        return []
    out: list[GitRun] = []
    for base, sub in dict.fromkeys(ARCHIVERS[w] for w in (
            posixpath.basename(m) for m in _WORD.findall(text)) if w in ARCHIVERS):
        out += [GitRun(f"{base}/{g}", sub, f"{base}/{g}/.git") for g in groups(base)]
    return out
