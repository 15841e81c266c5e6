"""Judges the corpus end to end, the way an operator would see it: host roots and saved device
configs on disk, one `lineguard-agent snapshot --config --root` per root (the agent configured
as deployed: it delivers to the collector over sftp on port 8443), `lineguard ingest`, and
`lineguard jobs --json`. Each case is found among the jobs by its marker; nothing here knows
how the engine reaches its verdict."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.adversarial.generate import Case, Corpus
from tests.hostroot import link, write

NOW = "2026-11-25T12:00:00Z"
VERDICT_RANK = {"benign": 0, "suspicious": 1, "destructive": 2}
SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


@dataclass(frozen=True)
class Outcome:
    """The loudest judgement among the jobs a case produced (a case may yield several: a
    service with ExecStartPre, run-parts and its crontab line, …)."""

    case: Case
    jobs: int
    verdict: str
    severity: str
    rules: tuple[str, ...]

    @property
    def caught(self) -> bool:
        """A malicious case counts when it reaches its expected verdict; a benign one when it
        is neither destructive nor high/critical."""
        if self.case.malicious:
            return VERDICT_RANK[self.verdict] >= VERDICT_RANK[self.case.expect]
        return self.verdict != "destructive" and SEVERITY_RANK[self.severity] < 3


def lay_out(corpus: Corpus, base: Path) -> list[tuple[Path, Path | None]]:
    """Write every root and its device configs; returns (root, inventory or None) pairs."""
    out = []
    for i, root in enumerate(corpus.roots):
        folder = base / f"root{i:02d}"
        for path, (text, mode) in root.contents().items():
            write(folder, path, text, mode)
        for path, to in root.links.items():
            link(folder, path, to)
        for path, when in getattr(root, "mtimes", {}).items():   # a file written days ago
            os.utime(folder / path, (when, when))
        inventory = None
        if corpus.devices[i]:
            inventory = base / f"inventory{i:02d}.toml"
            (base / f"configs{i:02d}").mkdir(exist_ok=True)
            entries = []
            for dev in corpus.devices[i]:
                cfg = base / f"configs{i:02d}" / f"{dev.name}.cfg"
                cfg.write_text(dev.config)
                entries.append(f'[[device]]\nname = "{dev.name}"\nplatform = "{dev.platform}"\n'
                               f'site = "kansai"\nmethod = "file"\n'
                               f'path = "configs{i:02d}/{dev.name}.cfg"\n')
            inventory.write_text("\n".join(entries))
        out.append((folder, inventory))
    return out


# where every corpus host's agent delivers: the collector's sftp inbox
COLLECTOR = "sftp://lineguard@lg-collector.ops.example:8443/srv/lineguard/inbox"


def run(corpus: Corpus, base: Path) -> dict:
    """Snapshot, ingest and list every job; returns the `jobs --json` document."""
    from lineguard.agent.cli import main as agent
    from lineguard.collector.cli import main as lineguard

    home = base / "home"
    _ok(lineguard(["--home", str(home), "init"]), "init")
    for i, (root, inventory) in enumerate(lay_out(corpus, base)):
        name = f"ems-adv-{i:02d}"
        key, out = base / f"{name}.key", base / f"{name}.lgsnap"
        _ok(agent(["keygen", "--out", str(key)]), "keygen")
        config = base / f"{name}.toml"
        config.write_text(f'agent = "{name}"\nkey = "{key}"\n'
                          f'deliver = "{COLLECTOR}"\n')
        args = ["snapshot", "--config", str(config), "--root", str(root), "--hostname", name,
                "--key", str(key), "--out", str(out)]
        if inventory is not None:
            args += ["--inventory", str(inventory)]
        _ok(agent(args), f"snapshot of {root}")
        _ok(lineguard(["--home", str(home), "agents", "add", name, "--key", f"{key}.pub"]),
            "agents add")
        _ok(lineguard(["--home", str(home), "ingest", str(out)]), f"ingest of {out}")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = lineguard(["--home", str(home), "jobs", "--now", NOW, "--json"])
    if rc not in (0, 1):
        raise RuntimeError(f"lineguard jobs exited {rc}")
    return json.loads(buf.getvalue())


def _ok(rc: int, what: str) -> None:
    if rc != 0:
        raise RuntimeError(f"{what} failed with exit {rc}")


def case_jobs(corpus: Corpus, doc: dict) -> dict[str, list[dict]]:
    """Each case marker's jobs, found by the marker in the job's target, origin or command."""
    found: dict[str, list[dict]] = {c.marker: [] for c in corpus.cases}
    for job in doc["jobs"]:
        text = " ".join([job["target"], job["origin"]["path"] or "", job["command"] or ""])
        for marker in {m for m in found if m in text}:
            found[marker].append(job)
    return found


def outcomes(corpus: Corpus, doc: dict) -> dict[str, Outcome]:
    """Each case's loudest job."""
    found = case_jobs(corpus, doc)
    result = {}
    for case in corpus.cases:
        jobs = found[case.marker]
        if not jobs:
            result[case.id] = Outcome(case, 0, "benign", "info", ())
            continue
        worst = max(jobs, key=lambda j: (VERDICT_RANK[j["verdict"]],
                                         SEVERITY_RANK[j["severity"]]))
        result[case.id] = Outcome(case, len(jobs), worst["verdict"], worst["severity"],
                                  tuple(sorted({r["rule"] for j in jobs for r in j["reasons"]})))
    return result


def judge_corpus(corpus: Corpus, base: Path) -> dict[str, Outcome]:
    base.mkdir(parents=True, exist_ok=True)
    os.environ.pop("LINEGUARD_HOME", None)
    return outcomes(corpus, run(corpus, base))


@contextlib.contextmanager
def quiet() -> Iterator[Path]:
    """A scratch folder, with the CLI's own output kept off the bench's."""
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()):
        yield Path(tmp)


def judge_timed(corpus: Corpus) -> tuple[dict[str, Outcome], float]:
    """Every case judged end to end in a scratch folder, and the seconds it took."""
    started = time.perf_counter()
    with quiet() as tmp:
        result = judge_corpus(corpus, tmp)
    return result, time.perf_counter() - started


def print_misses(result: dict[str, Outcome]) -> None:
    for cid, o in result.items():
        if not o.caught:
            print(cid)


def show(corpus: Corpus, wanted: str) -> int:
    """`--show ID` of the corpus benches: one case's files, devices and judged jobs."""
    cases = [c for c in corpus.cases if c.id == wanted or c.id.startswith(wanted)]
    if len(cases) != 1:
        print(f"--show {wanted}: {len(cases)} cases match; give a longer id", file=sys.stderr)
        return 2
    case = cases[0]
    print(f"{case.id}  (marker {case.marker}, expect {case.expect if case.malicious else 'quiet'})")
    for path, (text, mode) in sorted(corpus.roots[case.root].contents().items()):
        if case.marker in path:
            print(f"\n--- /{path} ({mode:04o})\n{text}", end="")
        elif case.marker in text:      # a shared file (/etc/crontab, a spool): its lines only
            lines = [ln for ln in text.splitlines() if case.marker in ln]
            print(f"\n--- /{path} (lines naming the case)\n" + "\n".join(lines))
    for dev in corpus.devices[case.root]:
        if case.marker in dev.name:
            print(f"\n--- device {dev.name} ({dev.platform})\n{dev.config}", end="")
    with quiet() as tmp:
        doc = run(corpus, tmp)
    for job in doc["jobs"]:
        text = " ".join([job["target"], job["origin"]["path"] or "", job["command"] or ""])
        if case.marker in text:
            print(f"\n=== job {job['origin']['path']}:{job['origin']['line']} -> {job['verdict']} "
                  f"{job['severity']} (next fire {job['next_fire']}; trigger {job['trigger']}; "
                  f"{job['fire']['kind']}: {job['fire']['note']})")
            for r in job["reasons"]:
                print(f"  [{r['rule']}] {r['path']}:{r['line']}: {r['evidence']}")
    return 0



def rate(outs: list[Outcome], bad: bool) -> str:
    """`caught/total pct` of malicious outcomes, or `false alarms/total pct` of benign ones."""
    if not outs:
        return "-"
    n = sum(o.caught for o in outs) if bad else sum(not o.caught for o in outs)
    return f"{n}/{len(outs)} {100 * n / len(outs):3.0f}%"


def print_axes(outs: list[Outcome], axes: tuple[str, ...],
               axis_of: Callable[[Case, str], str] = getattr) -> None:
    """Detection and false alarms per value of each axis of a generated corpus."""
    bad = [o for o in outs if o.case.malicious]
    good = [o for o in outs if not o.case.malicious]
    for axis in axes:
        print(f"\n{axis:<40} {'detected':>14} {'false alarms':>14}")
        for value in sorted({axis_of(o.case, axis) for o in outs}):
            print(f"  {value:<38} "
                  f"{rate([o for o in bad if axis_of(o.case, axis) == value], True):>14} "
                  f"{rate([o for o in good if axis_of(o.case, axis) == value], False):>14}")


def bench_args(doc: str, seed: int) -> argparse.Namespace:
    """`[--seed N] [--misses] [--show ID]`, the options of every corpus bench."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=seed)
    ap.add_argument("--misses", action="store_true", help="print the ids of today's misses")
    ap.add_argument("--show", metavar="ID", help="print one case: files, jobs, verdict, reasons")
    return ap.parse_args()


def corpus_bench(doc: str, name: str, build: Callable[[int], Corpus], seed: int,
                 axes: tuple[str, ...], axis_of: Callable[[Case, str], str] = getattr,
                 measured: Callable[[Case], bool] = lambda case: True,
                 report: Callable[[dict[str, Outcome]], None] | None = None) -> int:
    """The command line every corpus bench shares (bench_args), then the figure over the
    `measured` cases, per axis, and whatever `report` adds."""
    a = bench_args(doc, seed)
    corpus = build(a.seed)
    if a.show:
        return show(corpus, a.show)
    outcomes, took = judge_timed(corpus)
    if a.misses:
        print_misses(outcomes)
        return 0
    outs = [o for o in outcomes.values() if measured(o.case)]
    bad = [o for o in outs if o.case.malicious]
    good = [o for o in outs if not o.case.malicious]
    print(f"{name} (seed {a.seed}): {len(bad)} malicious, {len(good)} benign, judged end to end "
          f"in {took:.1f} s")
    print(f"  detected: {rate(bad, True)}   false alarms: {rate(good, False)}")
    if report is not None:
        report(outcomes)
    print_axes(outs, axes, axis_of)
    return 0


def timed_corpus_bench(doc: str, name: str, build: Callable[[int], Corpus], seed: int,
                       judge: Callable[[Corpus, Path], dict[str, Any]],
                       axes: tuple[str, ...]) -> int:
    """The command line of the corpus benches whose cases must also fire as placed
    (`judge` returns triggers_wave6 `Timed` outcomes): the figure per axis, `--misses` with
    why each one missed (its verdict, or its fire)."""
    a = bench_args(doc, seed)
    corpus = build(a.seed)
    if a.show:
        return show(corpus, a.show)
    started = time.perf_counter()
    with quiet() as tmp:
        judged = judge(corpus, tmp)
    took = time.perf_counter() - started
    if a.misses:
        for cid, t in judged.items():
            if not t.caught:
                why = "verdict" if not t.outcome.caught else "fire"
                print(f"{cid}  # {why}: {t.outcome.verdict}/{t.outcome.severity}")
        return 0
    outs = [t.outcome for t in judged.values()]
    timed = {t.outcome.case.id for t in judged.values() if t.caught}
    bad = [o for o in outs if o.case.malicious]
    good = [o for o in outs if not o.case.malicious]
    late = [o for o in bad if o.caught and o.case.id not in timed]
    print(f"{name} (seed {a.seed}): {len(bad)} malicious, {len(good)} benign, "
          f"judged end to end in {took:.1f} s")
    print(f"  detected (verdict and fire): {sum(o.case.id in timed for o in bad)}/{len(bad)}   "
          f"verdict only: {rate(bad, True)}   fire wrong: {len(late)}   "
          f"false alarms: {rate(good, False)}")
    print_axes(outs, axes)
    return 0
