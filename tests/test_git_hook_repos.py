"""The repositories a job runs git in, however it names them — `GIT_DIR=`, `--git-dir=`,
`--work-tree=`, `cd "$VAR"` with the variable assigned in the script, the crontab or the unit's
EnvironmentFile — and the hooks folder `core.hooksPath` picks in the repository's config, the
job owner's ~/.gitconfig or /etc/gitconfig: the agent captures those hooks and the collector
makes each a hook job of the job that runs git, on real files in a host root."""

from __future__ import annotations

from pathlib import Path

from lineguard.agent.sources.host import collect, watched_paths
from lineguard.collector.model import HookTrigger, Job
from lineguard.collector.parse.host import jobs
from lineguard.formats.githooks import git_runs, hooks_dir
from tests.hostroot import link, write

PASSWD = ("root:x:0:0:root:/root:/bin/bash\nems:x:1001:1001::/home/ems:/bin/bash\n"
          "oper:x:1000:1000::/home/oper:/bin/bash\n")
HOOK = "#!/bin/sh\n/bin/rm -rf /srv/ems/linedata\n"


def test_git_calls_name_their_repository_many_ways() -> None:
    missing: set[str] = set()
    got = git_runs("GIT_DIR=/srv/a.git git --work-tree=/srv/a merge x\n"
                   "git --git-dir=/srv/b.git pull; git --work-tree /srv/c pull\n"
                   'REPO=/opt/cfg\ncd "$REPO" && git pull\n'
                   "export GIT_DIR=/srv/d.git\ngit -c core.hooksPath=/opt/h commit -m x\n"
                   'cd "${WHERE:-/srv/e}" && git checkout main\ncd "$NOWHERE" && git pull\n'
                   "/bin/sh -c 'cd /srv/f && git --git-dir .g pull'\n",
                   missing=missing)
    assert [tuple(r) for r in got] == [
        ("/srv/a", "merge", "/srv/a.git", None),
        ("/srv/b.git", "pull", "/srv/b.git", None),
        ("/srv/c", "pull", "/srv/c/.git", None),
        ("/opt/cfg", "pull", "/opt/cfg/.git", None),
        ("/opt/cfg", "commit", "/srv/d.git", "/opt/h"),
        ("/srv/e", "checkout", "/srv/d.git", None),
        ("/srv/d.git", "pull", "/srv/d.git", None),     # where it runs is not known
        ("/srv/f", "pull", "/srv/f/.g", None)]
    assert missing == {"NOWHERE"}
    assert [tuple(r) for r in git_runs('cd "$R" && git pull', {"R": "/opt/x"})] == [
        ("/opt/x", "pull", "/opt/x/.git", None)]


def test_hooks_path_from_the_repository_then_the_user_then_the_system() -> None:
    user, system = "[user]\n\tname = e\n[core]\n\thooksPath = ~/.hooks\n", \
        "[core]\n\thooksPath = /usr/local/share/githooks\n"
    assert hooks_dir("/opt/cfg", "[core]\n\thooksPath = hooks\n", "/opt/cfg/.git",
                     (user, system), "/home/ems") == "/opt/cfg/hooks"
    assert hooks_dir("/opt/cfg", "[core]\n\tbare = false\n", "/opt/cfg/.git",
                     (user, system), "/home/ems") == "/home/ems/.hooks"
    assert hooks_dir("/opt/cfg", None, "/opt/cfg/.git", (None, system)) == \
        "/usr/local/share/githooks"
    assert hooks_dir("/opt/cfg", None, "/srv/cfg.git", (None, None)) == "/srv/cfg.git/hooks"
    assert hooks_dir("/opt/cfg", None, "/srv/cfg.git", (system,), override="/o") == "/o"


def _hook_jobs(root: Path) -> dict[str, Job]:
    write(root, "etc/passwd", PASSWD)
    write(root, "etc/timezone", "UTC\n")
    target, facts = collect(root)
    captured = {a.name for a in target.artifacts}
    found = {j.origin_path: j for j in jobs(target, facts) if j.source == "git-hook"}
    assert set(found) <= captured
    return found


def test_hooks_of_repositories_named_through_variables_and_git_options(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "etc/cron.d/ems-sync", "SHELL=/bin/sh\nCFG=/opt/cfg\n"
          '10 4 * * * ems cd "$CFG" && git pull -q\n'
          "20 4 * * * ems GIT_DIR=/srv/mirror.git git --work-tree=/srv/mirror merge -q x\n"
          "30 4 * * * ems /usr/local/bin/sync-site\n")
    write(root, "usr/local/bin/sync-site", "#!/bin/sh\nSITE=/srv/site\n"
          'cd "${SITE}" || exit 1\ngit checkout -q main\n'
          "git --git-dir=/srv/bare.git --work-tree=/srv/w pull\n", 0o755)
    write(root, "etc/default/ems-fetch", "REPO=/var/lib/ems/repo\n")
    write(root, "etc/systemd/system/ems-fetch.service",
          "[Service]\nEnvironmentFile=/etc/default/ems-fetch\n"
          "ExecStart=/bin/sh -c 'cd \"$REPO\" && git pull'\n")
    write(root, "etc/systemd/system/ems-fetch.timer", "[Timer]\nOnCalendar=hourly\n")
    link(root, "etc/systemd/system/timers.target.wants/ems-fetch.timer",
         "/etc/systemd/system/ems-fetch.timer")
    # each hook with the job that runs it: its file and its schedule
    hooks = {"opt/cfg/.git/hooks/post-merge": ("etc/cron.d/ems-sync", "10 4 * * *"),
             "srv/mirror.git/hooks/post-merge": ("etc/cron.d/ems-sync", "20 4 * * *"),
             "srv/site/.git/hooks/post-checkout": ("etc/cron.d/ems-sync", "30 4 * * *"),
             "srv/bare.git/hooks/post-merge": ("etc/cron.d/ems-sync", "30 4 * * *"),
             "var/lib/ems/repo/.git/hooks/post-merge": ("ems-fetch.timer", "hourly")}
    for path in hooks:
        write(root, path, HOOK, 0o755)
        write(root, path.split("/hooks/")[0] + "/config", "[core]\n\tbare = false\n")
    found = _hook_jobs(root)
    assert set(found) == set(hooks)
    for path, (runner, when) in hooks.items():
        trigger = found[path].trigger
        assert isinstance(trigger, HookTrigger) and runner in trigger.host_job, (path, trigger)
        assert when in repr(trigger.via), (path, trigger.via)


def test_hooks_path_set_in_the_users_and_the_systems_git_config(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "etc/crontab", "15 4 * * * ems cd /opt/cfg && git pull -q\n"
          "25 4 * * * root git -C /opt/rootcfg pull -q\n"
          "35 4 * * * oper git -C /opt/own pull -q\n")
    for repo in ("opt/cfg", "opt/rootcfg"):
        write(root, f"{repo}/.git/config", "[core]\n\tbare = false\n")
        write(root, f"{repo}/.git/hooks/post-merge", "#!/bin/sh\ntrue\n", 0o755)
    write(root, "opt/own/.git/config", "[core]\n\thooksPath = .githooks\n")
    write(root, "opt/own/.githooks/post-merge", HOOK, 0o755)
    write(root, "home/ems/.gitconfig", "[user]\n\tname = ems\n[core]\n\thooksPath = ~/.hooks\n")
    write(root, "home/ems/.hooks/post-merge", HOOK, 0o755)
    write(root, "home/oper/.gitconfig", "[core]\n\thooksPath = /tmp/ignored\n")
    write(root, "etc/gitconfig", "[core]\n\thooksPath = /usr/local/share/githooks\n")
    write(root, "usr/local/share/githooks/post-merge", HOOK, 0o755)
    found = _hook_jobs(root)
    # the user's hooksPath wins over the repository's default folder, the system's applies to
    # a user without one; a repository's own setting wins over both
    assert set(found) == {"home/ems/.hooks/post-merge", "usr/local/share/githooks/post-merge",
                          "opt/own/.githooks/post-merge"}
    assert found["home/ems/.hooks/post-merge"].owner == "ems"
    assert found["usr/local/share/githooks/post-merge"].owner == "root"


def test_the_git_configs_that_set_a_hooks_path_are_watched(tmp_path: Path) -> None:
    """Setting core.hooksPath for a user or the whole system redirects every repository's
    hooks: a snapshot starts when one of those files appears or changes."""
    root = tmp_path / "r"
    write(root, "etc/crontab", "15 4 * * * ems cd /opt/cfg && git pull -q\n")
    write(root, "opt/cfg/.git/config", "[core]\n\tbare = false\n")
    write(root, "home/ems/.gitconfig", "[core]\n\thooksPath = ~/.hooks\n")
    write(root, "home/ems/.hooks/post-merge", HOOK, 0o755)
    write(root, "etc/passwd", PASSWD)
    target, _facts = collect(root)
    watched = set(watched_paths(root, target))
    assert {"etc/gitconfig", "root/.gitconfig", "home/ems/.gitconfig",
            "home/ems/.config/git/config", "opt/cfg/.git/config", "opt/cfg/.git/hooks",
            "home/ems/.hooks/post-merge"} <= watched
    assert "home/ems/hooks" not in watched
