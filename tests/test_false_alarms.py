"""No false alarms on routine work: the cron, anacron and systemd-timer jobs that real Debian
packages ship, with the scripts they run, are judged with no destructive verdict and nothing at
high or critical. The corpus is downloaded once (tests/falsealarm.py) and cached."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lineguard.collector.analyse.destructive import judge
from lineguard.collector.model import CronTrigger, Fire, Job, Judgement
from lineguard.formats.wire import Artifact
from tests.falsealarm import (
    MIN_HOOK_PACKAGES,
    MIN_PACKAGES,
    Corpus,
    CorpusUnavailable,
    build,
    load,
    summary,
    unpacked,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
LOUD = ("high", "critical")


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    if not (shutil.which("apt-get") and shutil.which("dpkg-deb")):
        pytest.skip("apt-get/dpkg-deb not available: cannot fetch the Debian corpus")
    try:
        return load(build())
    except (CorpusUnavailable, subprocess.TimeoutExpired) as e:
        pytest.skip(f"Debian archive unreachable, corpus not built: {e}")


def _judge_all(corpus: Corpus, files: dict[str, Artifact]) -> list[tuple[str, str, Judgement]]:
    fire = Fire(kind="exact", at=NOW + timedelta(hours=5))
    return [(cj.package, cj.job.origin_path, judge(cj.job, files, fire, NOW)) for cj in corpus.jobs]


def test_corpus_is_big_enough_to_mean_something(corpus: Corpus):
    print("\n" + summary(corpus))
    assert len(corpus.packages) >= MIN_PACKAGES
    sources = {cj.job.source for cj in corpus.jobs}
    assert {"cron", "run-parts", "systemd", "anacron"} <= sources
    followed = [cj for cj in corpus.jobs if len(cj.job.files) > 1]
    assert len(followed) >= 20, "jobs should be followed into the scripts they run"
    lines = sum((a.text() or "").count("\n") for a in corpus.files.values())
    assert lines > 20_000


def test_routine_debian_jobs_are_never_destructive_nor_high(corpus: Corpus):
    results = _judge_all(corpus, corpus.files)
    loud = [(pkg, origin, j.verdict, j.severity, [(r.rule, r.path, r.line, r.evidence)
                                                  for r in j.reasons])
            for pkg, origin, j in results
            if j.verdict == "destructive" or j.severity in LOUD]
    quiet = sum(1 for *_, j in results if not j.reasons)
    print(f"\njudged {len(results)} jobs: {quiet} without any reason, "
          f"{len(results) - quiet - len(loud)} with low/medium notes, {len(loud)} loud")
    assert loud == []


def test_a_line_planted_in_a_real_corpus_script_is_found(corpus: Corpus):
    """The quiet result above is not blindness: the same scripts with one line added are loud."""
    # a shell script the job runs (a file it only reads, like logrotate.conf, runs nothing)
    target = next(cj for cj in corpus.jobs if cj.job.source == "run-parts" and len(cj.job.files) > 1
                  and (corpus.files[cj.job.files[-1]].text() or "").startswith(("#!/bin/sh", "#! /bin/sh")))
    script = target.job.files[-1]
    text = corpus.files[script].text() or ""
    lines = text.split("\n")
    at = min(len(lines), 5)
    planted = "\n".join(lines[:at] + ["rm -rf /srv/ems/linedata"] + lines[at:])
    files = dict(corpus.files)
    files[script] = Artifact.from_bytes(script, "script", planted.encode())
    j = judge(target.job, files, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW)
    assert (j.verdict, j.severity) == ("destructive", "critical")
    hit = next(r for r in j.reasons if r.rule == "lg.host.rm-linedata")
    assert (hit.path, hit.line, hit.evidence) == (script, at + 1, "rm -rf /srv/ems/linedata")


def test_every_script_the_corpus_packages_ship_stays_quiet(corpus: Corpus):
    """Wider than the scheduled jobs: every script (#! file, .sh, .py) in the 50-odd packages,
    judged as if a cron job ran it. Real shell, Python and Perl exercise the reader."""
    trees = build()
    fire = Fire(kind="exact", at=NOW + timedelta(hours=5))
    scripts = lines = 0
    loud = []
    for tree in unpacked(trees):
        for path in sorted(tree.rglob("*")):
            if path.is_symlink() or not path.is_file() or path.stat().st_size > 500_000:
                continue
            if not path.name.endswith((".sh", ".py")):
                with path.open("rb") as f:
                    if f.read(2) != b"#!":
                        continue
            data = path.read_bytes()
            if b"\x00" in data[:4096]:
                continue
            name = str(path.relative_to(tree))
            job = Job(target="sweep", source="cron", origin_path="etc/cron.d/sweep",
                      origin_line=1, owner="root", schedule="0 3 * * *", command="/" + name,
                      trigger=CronTrigger("0 3 * * *"), files=(name,))
            j = judge(job, {name: Artifact.from_bytes(name, "script", data)}, fire, NOW)
            scripts += 1
            lines += data.count(b"\n")
            if j.verdict == "destructive" or j.severity in LOUD:
                loud.append((tree.name, name, [(r.rule, r.line, r.evidence) for r in j.reasons]))
    print(f"\nswept {scripts} scripts, {lines} lines: {len(loud)} loud")
    assert scripts > 500 and loud == []


def _merged_root(trees: Path) -> Path:
    """All unpacked packages laid over one tree (hard links), as one server's filesystem."""
    root = trees.parent / "root"
    stamp = root / ".merged"
    held = "enabled\n" + "\n".join(p.name for p in unpacked(trees))
    if not stamp.exists() or stamp.read_text() != held:
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir()
        for tree in unpacked(trees):
            subprocess.run(["cp", "-al", "--no-clobber", f"{tree}/.", str(root)],
                           capture_output=True, timeout=300)
        (root / ".done").unlink(missing_ok=True)
        _enable(root)
        stamp.write_text(held)
    return root


def _enable(root: Path) -> None:
    """What the packages' maintainer scripts do on install: enable each unit where its
    [Install] section says (deb-systemd-helper) and link each init.d script into the runlevels
    of its Default-Start (update-rc.d), so the corpus is a server as installed."""
    import re
    for folder in ("lib/systemd/system", "usr/lib/systemd/system"):
        for unit in sorted((root / folder).glob("*")) if (root / folder).is_dir() else ():
            if "@." in unit.name or not unit.is_file() or unit.suffix not in (
                    ".service", ".socket", ".path", ".timer"):
                continue
            text = unit.read_text(errors="replace")
            for kind, wanted in re.findall(r"^(WantedBy|RequiredBy)=(.+)$", text, re.M):
                for target in wanted.split():
                    d = root / "etc/systemd/system" / (
                        target + (".wants" if kind == "WantedBy" else ".requires"))
                    d.mkdir(parents=True, exist_ok=True)
                    if not (d / unit.name).is_symlink():
                        (d / unit.name).symlink_to(f"/{folder}/{unit.name}")
    for script in sorted((root / "etc/init.d").glob("*")) if (root / "etc/init.d").is_dir() else ():
        m = re.search(r"^#\s*Default-Start:\s*(.*)$", script.read_text(errors="replace"), re.M)
        for level in (m.group(1).split() if m else ()):
            d = root / f"etc/rc{level}.d"
            d.mkdir(parents=True, exist_ok=True)
            if not (d / f"S01{script.name}").is_symlink():
                (d / f"S01{script.name}").symlink_to(f"../init.d/{script.name}")


def test_corpus_through_agent_and_host_parsers_stays_quiet(corpus: Corpus):
    """The same packages laid out as one server, snapshotted by the agent's host source and
    parsed by the collector's host parsers, judged as `lineguard jobs` would."""
    try:
        from lineguard.agent.sources.host import collect
        from lineguard.collector.parse.host import jobs as host_jobs
    except ImportError as e:
        pytest.skip(f"host source/parsers not available yet: {e}")
    root = _merged_root(build())
    target, facts = collect(root, hostname="corpus")
    files = {a.name: a for a in target.artifacts}
    jobs = host_jobs(target, facts)
    fire = Fire(kind="exact", at=NOW + timedelta(hours=5))
    judged = [(j, judge(j, files, fire, NOW)) for j in jobs]
    loud = [(j.origin_path, j.command, v.verdict, v.severity, [r.rule for r in v.reasons])
            for j, v in judged if v.verdict == "destructive" or v.severity in LOUD]
    print(f"\nagent+parsers: {len(target.artifacts)} artifacts, {len(jobs)} jobs, "
          f"{sum(1 for _, v in judged if v.reasons)} with any reason")
    assert len(jobs) >= 80
    assert loud == []


def test_hooks_of_real_packages_on_every_trigger_stay_quiet(corpus: Corpus):
    """What the packages run without a clock — systemd units they enable, init.d scripts,
    if-*.d and NetworkManager hooks, udev RUN+= programs, logrotate scripts, apt hooks,
    profile.d and bashrc, PAM lines — through the agent and the host parsers, judged with the
    trigger context `lineguard jobs` applies: nothing destructive, nothing high."""
    from lineguard.agent.sources.host import collect
    from lineguard.collector.analyse.timing import next_fire
    from lineguard.collector.analyse.trigger_context import adjust
    from lineguard.collector.model import trigger_kind
    from lineguard.collector.parse.host import jobs as host_jobs

    trees = build()
    root = _merged_root(trees)
    owner: dict[str, str] = {}
    for tree in unpacked(trees):
        for d, _dirs, names in os.walk(tree):
            rel = os.path.relpath(d, tree)
            for n in names:
                owner.setdefault(os.path.normpath(f"{rel}/{n}"), tree.name)
    target, facts = collect(root, hostname="corpus")
    files = {a.name: a for a in target.artifacts}
    hooks = [j for j in host_jobs(target, facts) if trigger_kind(j.trigger) != "clock"]
    loud, by_kind, packages = [], {}, set()
    for j in hooks:
        fire = next_fire(j.trigger, NOW, j.timezone)
        v = adjust(j, judge(j, files, fire, NOW))
        kind = trigger_kind(j.trigger)
        by_kind[kind] = by_kind.get(kind, 0) + 1
        if j.origin_path in owner:
            packages.add(owner[j.origin_path])
        if v.verdict == "destructive" or v.severity in LOUD:
            loud.append((j.origin_path, j.origin_line, j.command[:80], v.verdict, v.severity,
                         [(r.rule, r.path, r.line, r.evidence) for r in v.reasons]))
    print(f"\nhooks: {len(hooks)} jobs ({', '.join(f'{k} {n}' for k, n in sorted(by_kind.items()))})"
          f" from {len(packages)} packages: {' '.join(sorted(packages))}")
    assert len(packages) >= MIN_HOOK_PACKAGES
    assert {"boot", "event", "login", "hook"} <= set(by_kind)
    assert loud == []
