"""The wave-7 red-team corpus: effect (effects.py) × language or carrier (carriers.py) ×
concealment and gate (conceal.py) × scheduler (below), combinatorial and balanced (each case
takes the least used value of every axis so far), planted in host roots, snapshotted by the
agent, ingested and read back from `lineguard jobs --json`. A malicious case counts when its
verdict is reached AND one of its loudest jobs fires as its scheduler says (trigger kind, or
the exact next fire); a benign look-alike may be neither destructive nor high/critical.

Written from the README, the reference notes and the earlier corpora's axis names before
reading collector/analyse or collector/rules (first contact: tests/redteam_wave7/README.md)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.adversarial.generate import Corpus, least, new_marker
from tests.adversarial.pipeline import case_jobs, outcomes, run
from tests.redteam_wave7.carriers import CARRIERS, UNPARSED
from tests.redteam_wave7.conceal import BENIGN_GATES, CONCEALMENTS, EVERYDAY, GATES, script
from tests.redteam_wave7.effects import ADDED_BENIGN, ADDED_MALICIOUS, BENIGN, MALICIOUS, Effect
from tests.triggers_wave6.generate import Timed, fire_ok
from tests.triggers_wave6.placements import SD, TriggerRoot

SEED = 20261207
MALICIOUS_CASES = 264
BENIGN_CASES = 176
# session 7's addendum (data destroyed without rm), drawn after the cases above from a seed of
# its own: the first cases stay the same
ADDED_MALICIOUS_CASES = 36
ADDED_BENIGN_CASES = 24
CASES_PER_ROOT = 55
AXES = ("effect", "carrier", "conceal", "gate", "scheduler")
AT_BASE = datetime(2027, 3, 3, 1, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Case:
    id: str
    malicious: bool
    effect: str
    carrier: str
    conceal: str
    gate: str
    scheduler: str
    marker: str
    root: int
    command: str
    expect: str           # malicious: the least verdict that counts as caught
    fire: str             # what the trigger and next fire must be (triggers_wave6 fire_ok)


# --------------------------------------------------------------------------------- schedulers
Plant = Callable[[TriggerRoot, str, str, random.Random], str]


def _cron_d(spec: str, fire: str) -> tuple[Plant, str]:
    def plant(root: TriggerRoot, m: str, cmd: str, rng: random.Random) -> str:
        root.add(f"etc/cron.d/ems-{m}", f"# EMS NE housekeeping\nMAILTO=\"\"\n{spec} oper {cmd}\n")
        return fire
    return plant, fire


def _user_cron(spec: str, fire: str) -> tuple[Plant, str]:
    def plant(root: TriggerRoot, m: str, cmd: str, rng: random.Random) -> str:
        root.spools.setdefault("oper", []).append(f"{spec} {cmd}")
        return fire
    return plant, fire


def _etc_crontab(spec: str, fire: str) -> tuple[Plant, str]:
    def plant(root: TriggerRoot, m: str, cmd: str, rng: random.Random) -> str:
        root.crontab.append(f"{spec}\troot\t{cmd}")
        return fire
    return plant, fire


def _reboot_sleep(root: TriggerRoot, m: str, cmd: str, rng: random.Random) -> str:
    root.spools.setdefault("oper", []).append(f"@reboot sleep {rng.choice([7776000, 5184000])} "
                                              f"&& {cmd}")
    return "boot"


def _at_queue(root: TriggerRoot, m: str, cmd: str, rng: random.Random) -> str:
    root.at_seq += 1
    due = AT_BASE + timedelta(hours=5 * root.at_seq)
    minutes = int(due.timestamp() // 60)
    body = ("#!/bin/sh\n# atrun uid=1000 gid=1000\n# mail oper 0\numask 22\n"
            "PATH=/usr/bin:/bin; export PATH\nLOGNAME=oper; export LOGNAME\n"
            "cd /home/oper || {\n\t echo 'Execution directory inaccessible' >&2\n\t exit 1\n}\n"
            f"{cmd}\n")
    root.add(f"var/spool/cron/atjobs/{rng.choice('cfh')}{root.at_seq:05x}{minutes:08x}", body,
             0o700)
    return "at:" + due.strftime("%Y-%m-%dT%H:%M:%SZ")


def _unit(root: TriggerRoot, folder: str, m: str, cmd: str, timer: str, wants: str | None,
          user: bool = False) -> None:
    root.add(f"{folder}/ems-{m}.timer", f"[Unit]\nDescription=EMS NE audit\n\n[Timer]\n{timer}\n"
             "\n[Install]\nWantedBy=timers.target\n")
    root.add(f"{folder}/ems-{m}.service", "[Unit]\nDescription=EMS NE audit\n\n[Service]\n"
             f"Type=oneshot\n{'' if user else 'User=oper' + chr(10)}ExecStart={cmd}\n")
    if wants is not None:
        root.links[f"{wants}/ems-{m}.timer"] = f"/{folder}/ems-{m}.timer"


def _transient_calendar(root: TriggerRoot, m: str, cmd: str, rng: random.Random) -> str:
    base = f"run/systemd/transient/run-r{m}"
    head = ("# This is a transient unit file, created programmatically via the systemd API. "
            "Do not edit.\n")
    root.add(f"{base}.timer", head + f"[Unit]\nDescription=[Timer] {cmd[:40]}\n\n[Timer]\n"
             "OnCalendar=2027-03-20 05:00:00\nRemainAfterElapse=no\n")
    root.add(f"{base}.service", head + f"[Unit]\nDescription={cmd[:40]}\n\n[Service]\n"
             "ExecStart=\nExecStart=\"/bin/sh\" \"-c\" \"" + cmd.replace('"', '\\"') + "\"\n")
    return "at:2027-03-19T20:00:00Z"


def _calendar_step(root: TriggerRoot, m: str, cmd: str, rng: random.Random) -> str:
    _unit(root, SD, m, cmd, "OnCalendar=*-02/3-14 02:30:00\nPersistent=true",
          f"{SD}/timers.target.wants")
    return "at:2027-02-13T17:30:00Z"


def _calendar_range(root: TriggerRoot, m: str, cmd: str, rng: random.Random) -> str:
    _unit(root, SD, m, cmd, "OnCalendar=Sat,Sun *-03-01..07 03:00:00",
          f"{SD}/timers.target.wants")
    return "at:2027-03-05T18:00:00Z"


def _randomized(root: TriggerRoot, m: str, cmd: str, rng: random.Random) -> str:
    _unit(root, SD, m, cmd, "OnCalendar=2027-04-01 02:00:00\nRandomizedDelaySec=6h\n"
          "AccuracySec=1s", f"{SD}/timers.target.wants")
    return "clock"


def _user_timer(root: TriggerRoot, m: str, cmd: str, rng: random.Random) -> str:
    folder = "home/oper/.config/systemd/user"
    _unit(root, folder, m, cmd, "OnCalendar=quarterly", f"{folder}/timers.target.wants",
          user=True)
    root.files.setdefault("var/lib/systemd/linger/oper", ("", 0o644))
    return "at:2026-12-31T15:00:00Z"


def _anacron_delay(root: TriggerRoot, m: str, cmd: str, rng: random.Random) -> str:
    root.anacrontab.append(f"{rng.choice([90, 120])}\t{rng.choice([45, 120])}\tems-{m}\t{cmd}")
    return "periodic"


SCHEDULERS: dict[str, Plant] = {
    "cron-names": _cron_d("30 3 14 feb *", "at:2027-02-13T18:30:00Z")[0],
    "cron-range-step": _user_cron("15 2-4/2 1-7 mar *", "at:2027-02-28T17:15:00Z")[0],
    "cron-leap-day": _etc_crontab("0 4 29 2 *", "at:2028-02-28T19:00:00Z")[0],
    "cron-dom-or-dow": _cron_d("0 4 13 * fri", "at:2026-11-26T19:00:00Z")[0],
    "reboot-sleep": _reboot_sleep, "at-queue": _at_queue,
    "transient-calendar": _transient_calendar, "calendar-step": _calendar_step,
    "calendar-range": _calendar_range, "randomized-delay": _randomized,
    "user-timer-linger": _user_timer, "anacron-delay": _anacron_delay,
}


# ------------------------------------------------------------------------------------ build
def _command(path: str, rng: random.Random) -> str:
    return rng.choice([f"bash {path}", path, f"/bin/bash {path} >/dev/null 2>&1"])


def build(seed: int = SEED, malicious: int = MALICIOUS_CASES, benign: int = BENIGN_CASES,
          per_root: int = CASES_PER_ROOT) -> Corpus:
    corpus = Corpus()
    taken: set[str] = set()
    _draw(corpus, taken, random.Random(seed), [True] * malicious + [False] * benign,
          (MALICIOUS, BENIGN), per_root)
    scale = malicious / MALICIOUS_CASES
    _draw(corpus, taken, random.Random(seed + 7),
          [True] * round(ADDED_MALICIOUS_CASES * scale) + [False] * round(ADDED_BENIGN_CASES * scale),
          (ADDED_MALICIOUS, ADDED_BENIGN), per_root)
    return corpus


def _draw(corpus: Corpus, taken: set[str], rng: random.Random, kinds: list[bool],
          pools: tuple[dict[str, Callable[[random.Random], Effect]],
                       dict[str, Callable[[random.Random], Effect]]], per_root: int) -> None:
    """Cases for `kinds` (malicious or not), each axis the least used value so far."""
    used = {bad: {a: Counter() for a in AXES} for bad in (True, False)}
    start = len(corpus.cases)
    for k, bad in enumerate(kinds):
        n = start + k
        u = used[bad]
        effects = pools[0] if bad else pools[1]
        values = (least(rng, u["effect"], list(effects)),
                  least(rng, u["carrier"], list(CARRIERS)),
                  least(rng, u["conceal"], list(CONCEALMENTS) if bad else list(EVERYDAY)),
                  least(rng, u["gate"], list(GATES) if bad else list(BENIGN_GATES)),
                  least(rng, u["scheduler"], list(SCHEDULERS)))
        for axis, value in zip(AXES, values, strict=True):
            u[axis][value] += 1
        effect, carrier, conceal, gate, scheduler = values
        case_rng = random.Random(rng.random())
        m = new_marker(rng, taken, "w")
        r = n // per_root
        while len(corpus.roots) <= r:
            corpus.roots.append(TriggerRoot())
            corpus.devices.append([])
        root = corpus.roots[r]
        e = effects[effect](case_rng)
        job = CARRIERS[carrier](e, case_rng, m)
        if "\n" in job.command:
            raise ValueError(f"{carrier} wrote a line with a newline: concealments read lines")
        text, files = script(job.command, conceal, gate, case_rng, m)
        path = f"/opt/ems/libexec/{case_rng.choice(['ne-sync', 'pvc-audit', 'nightly'])}-{m}.sh"
        for p, (t, mode) in {**job.files, **files, path: (text, 0o755)}.items():
            root.add(p, t, mode)
        command = _command(path, case_rng)
        fire = SCHEDULERS[scheduler](root, m, command, case_rng)
        kind = "m" if bad else "b"
        i = sum(1 for c in corpus.cases if c.malicious == bad)
        # a program whose path the concealment splits is named nowhere the agent can read it:
        # its code is truly unseen, and suspicious is the floor (as for unparsed languages)
        visible = text + "".join(t for t, _ in files.values())
        unseen = any(p not in visible for p in job.files)
        expect = "suspicious" if carrier in UNPARSED or unseen else "destructive"
        corpus.cases.append(Case(f"w{kind}{i:03d}.{effect}.{carrier}.{conceal}.{gate}.{scheduler}",
                                 bad, effect, carrier, conceal, gate, scheduler, m, r, command,
                                 expect if bad else "benign", fire if bad else "any"))


def counts(cases: list[Case]) -> dict[str, Counter]:
    return {axis: Counter(getattr(c, axis) for c in cases) for axis in AXES}


def judge(corpus: Corpus, base: Path) -> dict[str, Timed]:
    """Every case end to end, with its fire checked on the jobs that carry its verdict."""
    base.mkdir(parents=True, exist_ok=True)
    doc = run(corpus, base)
    found = case_jobs(corpus, doc)
    out = {}
    for cid, o in outcomes(corpus, doc).items():
        loud = [j for j in found[o.case.marker] if j["verdict"] == o.verdict]
        out[cid] = Timed(o, fire_ok(o.case.fire, loud))
    return out
