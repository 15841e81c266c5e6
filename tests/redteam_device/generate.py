"""The device-side red-team corpus: every device work (tests/redteam_device/work.py) crossed
with every carrier that can send it (SNMP tools and libraries, CLI session libraries and shell
plumbing, NETCONF/RESTCONF clients: carriers.py) and with the device-side jobs (devices.py),
planted under host schedulers or in saved device configurations. Malicious work reaches many
rows or devices (a literal list, a device list file, a walked column); the benign look-alikes
are polls, benign SETs, show and backup commands and one ticketed circuit. Deterministic: the
same seed gives the same cases, ids and files.

Written from the README, the rules and MIB data and the reference notes only, with techniques
that tests/adversarial and tests/heldout do not generate.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from functools import partial

from tests.adversarial.generate import Corpus, new_marker, tally
from tests.heldout.generate import plant
from tests.redteam_device.carriers import CARRIERS, Ctx
from tests.redteam_device.devices import DEVICE_SIDE, UNSEEN
from tests.redteam_device.work import (
    API_BENIGN,
    API_MALICIOUS,
    CLI_BENIGN,
    CLI_MALICIOUS,
    SNMP_BENIGN,
    SNMP_MALICIOUS,
    WALK,
    Work,
)

SEED = 20261202
CASES_PER_ROOT = 60
SCHEDULERS = ("cron.d", "user-crontab", "at-batch-heredoc", "anacron-long", "systemd-dropin",
              "systemd-timer-unit-key", "systemd-user-onboot-linger")
PREFECTURES = ("kobe", "osaka", "kyoto", "nara", "shiga", "wakayama", "hyogo", "himeji")
AXES = ("carrier", "work", "scheduler")


@dataclass(frozen=True)
class Case:
    id: str
    malicious: bool
    carrier: str
    work: str
    scheduler: str
    marker: str
    root: int
    expect: str = "destructive"





def hosts(rng: random.Random, n: int) -> tuple[str, ...]:
    """n devices a job reaches, named one of three ways (a site name, an address, a domain)."""
    picks = rng.sample(PREFECTURES, n)
    style = rng.randrange(3)
    if style == 0:
        return tuple(f"atm-{p}-{rng.randint(1, 9):02d}" for p in picks)
    if style == 1:
        return tuple(f"10.{rng.randint(40, 49)}.0.{rng.randint(2, 250)}" for _ in picks)
    return tuple(f"ne{rng.randint(100, 999)}.{p}.atm.example.net" for p in picks)


def _kind(w: Work) -> str:
    return w.kind


def _fits(carrier: str, kinds: frozenset[str], walks: bool, w: Work) -> bool:
    if carrier == "sh-walk-pipe":
        return w.kind == "snmp" and len(w.varbinds) == 1
    return w.kind in kinds


def _plan(rng: random.Random) -> list[tuple[bool, str, str, Work]]:
    """(malicious, carrier or device technique, scheduler, work) for every combination."""
    out = []
    for bad, snmp, cli, api in ((True, SNMP_MALICIOUS, CLI_MALICIOUS, API_MALICIOUS),
                                (False, SNMP_BENIGN, CLI_BENIGN, API_BENIGN)):
        builders = {**snmp, **cli, **api}
        for cname, (_fn, kinds, walks) in CARRIERS.items():
            for wname, build in builders.items():
                probe = build(random.Random(0), walks) if wname in snmp else build(random.Random(0))
                if not _fits(cname, kinds, walks, probe):
                    continue
                w = build(rng, walks) if wname in snmp else build(rng)
                if cname == "sh-walk-pipe":
                    w = build(rng, True)
                    if w.varbinds[0].index != WALK:
                        continue
                out.append((bad, cname, "", w))
        for tname, (_fn, platforms, only_bad) in DEVICE_SIDE.items():
            if only_bad and not bad:
                continue
            for build in cli.values():
                w = build(rng)
                if {"ios": "ios", "junos": "junos"}.get(w.kind) not in platforms:
                    continue
                if tname == "eem-reload-action" and w.name not in (
                        "ios-config-register-ignore-nvram", "ios-boot-config", "ios-copy-over-startup"):
                    continue
                if tname in UNSEEN and w.name not in ("ios-shutdown-atm", "junos-delete-units"):
                    continue
                if tname in ("junos-event-policy", "junos-event-set-format") and any(
                        ln.startswith(("edit", "top")) for ln in w.lines):
                    continue
                out.append((bad, tname, "device", w))
    return out


def build(seed: int = SEED, per_root: int = CASES_PER_ROOT) -> Corpus:
    rng = random.Random(seed)
    corpus = Corpus()
    taken: set[str] = set()
    used: Counter = Counter()
    numbers: Counter = Counter()
    plan = _plan(rng)
    rng.shuffle(plan)
    for n, (bad, carrier, where, w) in enumerate(plan):
        root = n // per_root
        corpus.root(root)
        case_rng = random.Random(rng.random())
        marker = new_marker(rng, taken, "r")
        kind = "m" if bad else "b"
        i = numbers[kind]
        numbers[kind] += 1
        expect = "suspicious" if carrier in UNSEEN else w.expect
        if where == "device":
            scheduler = "device"
            name = f"atm-{case_rng.choice(PREFECTURES)}-{marker}"
            corpus.devices[root].append(DEVICE_SIDE[carrier][0](w, name, case_rng))
        else:
            scheduler = min(SCHEDULERS, key=lambda s: (used[s], case_rng.random()))
            used[scheduler] += 1
            one = w.one or w.ticket
            names = hosts(case_rng, 1 if one else case_rng.randint(3, 6))
            host_file = "" if one or case_rng.random() < 0.45 else \
                f"/opt/ems/etc/ne-{case_rng.choice(PREFECTURES)}-{marker}.list"
            job = CARRIERS[carrier][0](w, Ctx(case_rng, marker, names, host_file))
            plant(corpus.roots[root], scheduler, job, marker, case_rng)
        corpus.cases.append(Case(f"r{kind}{i:03d}.{carrier}.{w.name}.{scheduler}", bad, carrier,
                                 w.name, scheduler, marker, root, expect))
    return corpus


counts = partial(tally, axes=AXES)
