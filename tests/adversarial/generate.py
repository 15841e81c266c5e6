"""The corpus itself: a seeded, balanced sample of effect x language x concealment x scheduler
for malicious jobs, and the same construction for benign look-alikes, laid out over a few host
roots and saved device configurations.

Sampling is greedy-balanced: each new case takes the least-used value of each axis among those
compatible with the values already chosen (a Python script cannot speak Net::SNMP; a Junos event
policy cannot run a Perl script), ties broken by the seeded generator. Every value of every axis
therefore appears many times, and the same seed always yields the same cases and ids.
"""

from __future__ import annotations

import random
import string
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from tests.adversarial.actions import BENIGN, MALICIOUS, PREFECTURES, Action
from tests.adversarial.langs import LANGS
from tests.adversarial.program import (
    CONCEALMENTS,
    DIRS,
    ENCODERS,
    HIDDEN_DIRS,
    STEMS,
    write_program,
)
from tests.adversarial.schedulers import (
    DEVICE_SCHEDULERS,
    SCHEDULERS,
    HostRoot,
    entry_command,
    ios_config,
    junos_config,
    plant_host,
)

SEED = 20261125
MALICIOUS_CASES = 520
BENIGN_CASES = 420
CASES_PER_ROOT = 80
AXES = ("effect", "language", "concealment", "scheduler")
DEVICE_CONCEALMENTS = {"ios": ("plain", "variables", "gate-date", "gate-host"),
                       "junos": ("plain",)}
BENIGN_CONCEALMENTS = tuple(c for c in CONCEALMENTS
                            if c not in ENCODERS and c != "runtime-download")


@dataclass(frozen=True)
class Case:
    id: str
    malicious: bool
    effect: str
    language: str
    concealment: str
    scheduler: str
    marker: str
    root: int
    expect: str           # malicious: the least verdict that counts as caught


@dataclass(frozen=True)
class Device:
    name: str
    platform: str
    config: str


@dataclass
class Corpus:
    """Cases (of any generated corpus) laid out over host roots, each root with the saved
    configurations of its devices."""

    cases: list[Any] = field(default_factory=list)
    roots: list[HostRoot] = field(default_factory=list)
    devices: list[list[Any]] = field(default_factory=list)

    def root(self, n: int) -> HostRoot:
        """The n-th host root, made (with its empty device list) when first asked for."""
        while len(self.roots) <= n:
            self.roots.append(HostRoot())
            self.devices.append([])
        return self.roots[n]


def tally(cases: Sequence[Any], axes: Sequence[str]) -> dict[str, Counter]:
    """How many of the cases take each value of each axis."""
    return {axis: Counter(getattr(c, axis) for c in cases) for axis in axes}


def least(rng: random.Random, used: Counter, options: Sequence[str]) -> str:
    """One of the options used least so far (every generated corpus spreads its axes so)."""
    low = min(used[o] for o in options)
    return rng.choice([o for o in options if used[o] == low])


def _needs(builders: dict[str, Callable[[random.Random], Action]], effect: str) -> set[str]:
    probe = random.Random(0)
    return {builders[effect](random.Random(probe.random())).needs for _ in range(12)}


def _device_platform(scheduler: str) -> str:
    return "junos" if scheduler == "junos-event" else "ios"


def _compatible_effects(builders: dict, needs: dict[str, set[str]], scheduler: str) -> list[str]:
    if scheduler in DEVICE_SCHEDULERS:
        want = f"cli-{_device_platform(scheduler)}"
        return [e for e in builders if want in needs[e]]
    return list(builders)


def _concealments(action: Action, language: str, scheduler: str, malicious: bool) -> list[str]:
    if scheduler in DEVICE_SCHEDULERS:
        return list(DEVICE_CONCEALMENTS[_device_platform(scheduler)])
    pool = CONCEALMENTS if malicious else BENIGN_CONCEALMENTS
    snmp = action.kind.startswith("snmp")
    return [c for c in pool
            if (c != "mib-symbolic" or snmp) and (c != "loop-walk" or (snmp and action.walkable))
            and not (c == "loop-list" and len(action.targets) < 2 and not snmp)]


def new_marker(rng: random.Random, taken: set[str], lead: str) -> str:
    """A six-character marker no other case of the corpus has: `lead` (one letter, or a choice
    of letters drawn from) and five random letters or digits."""
    while True:
        first = lead if len(lead) == 1 else rng.choice(lead)
        m = first + "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(5))
        if m not in taken:
            taken.add(m)
            return m


def _gate_arg(rng: random.Random, conceal: str, malicious: bool, device: bool) -> str:
    kind = conceal.split("-", 1)[1] if conceal.startswith("gate-") else ""
    if kind == "date":
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        if device:
            return f"{['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][month - 1]} {day} 2027"
        return f"2027{month:02d}{day:02d}"
    if kind == "host":
        return rng.choice(["ems-kobe-01", "ems-osaka-02", "atm-kobe-01", "nms-kyoto-1"])
    if kind == "file":
        return rng.choice(["/var/lib/ems/.armed", "/home/oper/.keep", "/tmp/.go"] if malicious
                          else ["/etc/ems/maintenance.enabled", "/run/ems/primary"])
    if kind == "account":
        return rng.choice(["k.tanaka", "contractor1", "yamada"] if malicious else ["ems", "oper"])
    return ""


def _draw_action(builders: dict, effect: str, rng: random.Random, scheduler: str,
                 language: str) -> Action:
    """An action of this effect a language and scheduler can carry (builders vary platform)."""
    can = (frozenset({f"cli-{_device_platform(scheduler)}"}) if scheduler in DEVICE_SCHEDULERS
           else LANGS[language].can)
    for _ in range(100):
        action = builders[effect](rng)
        if action.needs in can:
            return action
    raise AssertionError(f"no {effect} action for {language}/{scheduler}")


def build(seed: int = SEED, malicious: int = MALICIOUS_CASES, benign: int = BENIGN_CASES,
          per_root: int = CASES_PER_ROOT) -> Corpus:
    rng = random.Random(seed)
    corpus = Corpus()
    taken: set[str] = set()
    plan = [(True, i) for i in range(malicious)] + [(False, i) for i in range(benign)]
    used = {bad: {a: Counter() for a in (*AXES, "concealment-host", "concealment-device")}
            for bad in (True, False)}
    needs = {True: {e: _needs(MALICIOUS, e) for e in MALICIOUS},
             False: {e: _needs(BENIGN, e) for e in BENIGN}}
    for n, (bad, i) in enumerate(plan):
        builders = MALICIOUS if bad else BENIGN
        u = used[bad]
        scheduler = least(rng, u["scheduler"], SCHEDULERS)
        if scheduler in DEVICE_SCHEDULERS:
            language = f"device-{_device_platform(scheduler)}"
            effect = least(rng, u["effect"],
                            _compatible_effects(builders, needs[bad], scheduler))
        else:
            # the language first, so that the narrow libraries (netmiko, Net::SNMP) get their
            # share; then the least-used effect that language can carry
            langs = [name for name, cls in LANGS.items()
                     if any(cls.can & needs[bad][e] for e in builders)]
            language = least(rng, u["language"], langs)
            effect = least(rng, u["effect"], [e for e in builders
                                               if LANGS[language].can & needs[bad][e]])
        case_rng = random.Random(rng.random())
        action = _draw_action(builders, effect, case_rng, scheduler, language)
        # device-side jobs offer few concealments: balance them apart, or Junos' plain-only
        # policies would use up the host side's share of plain scripts
        side = "device" if scheduler in DEVICE_SCHEDULERS else "host"
        concealment = least(rng, u[f"concealment-{side}"],
                             _concealments(action, language, scheduler, bad))
        u[f"concealment-{side}"][concealment] += 1
        for axis, value in zip(AXES, (effect, language, concealment, scheduler), strict=True):
            u[axis][value] += 1
        root = n // per_root
        corpus.root(root)
        marker = new_marker(rng, taken, "kqxz")
        case = Case(id=f"{'m' if bad else 'b'}{i:03d}.{effect}.{language}.{concealment}.{scheduler}",
                    malicious=bad, effect=effect, language=language, concealment=concealment,
                    scheduler=scheduler, marker=marker, root=root,
                    expect="suspicious" if concealment == "runtime-download" else "destructive")
        _plant(corpus, case, action, case_rng)
        corpus.cases.append(case)
    return corpus


def _plant(corpus: Corpus, case: Case, action: Action, rng: random.Random) -> None:
    gate_arg = _gate_arg(rng, case.concealment, case.malicious,
                         case.scheduler in DEVICE_SCHEDULERS)
    if case.scheduler in DEVICE_SCHEDULERS:
        name = f"atm-{rng.choice(PREFECTURES)}-{case.marker}"
        applet = rng.choice(["NIGHTLY", "CLEANUP", "SAVE", "SYNC", "HOUSEKEEP"]) + "-" + \
            case.marker.upper()
        benign_show = not case.malicious and not action.ticket
        if case.scheduler == "junos-event":
            config = junos_config(name, applet.lower(), None if benign_show else action, rng,
                                  benign_lines=action.lines)
            corpus.devices[case.root].append(Device(name, "juniper_junos", config))
        else:
            config = ios_config(name, applet, action, case.concealment, rng, case.scheduler,
                                gate_arg)
            corpus.devices[case.root].append(Device(name, "cisco_ios", config))
        return
    root = corpus.roots[case.root]
    lang = LANGS[case.language](rng)
    hidden = case.malicious and rng.random() < 0.3
    base = rng.choice(HIDDEN_DIRS if hidden else DIRS)
    stem = rng.choice(STEMS)
    program = write_program(lang, action, case.concealment, rng, base=base,
                            stem=f"{stem}-{case.marker}", gate_arg=gate_arg,
                            hidden=case.malicious and rng.random() < 0.5)
    for path, text in program.files.items():
        root.add(path, text, 0o644)
    owner = rng.choice(["root", "root", "root", "oper", "ems"])
    if case.scheduler == "run-parts":
        folder = rng.choice(["etc/cron.daily", "etc/cron.weekly", "etc/cron.hourly",
                             "etc/cron.monthly"])
        root.add(f"{folder}/{stem}-{case.marker}", program.text, 0o755)
        return
    path = f"{base}/{stem}-{case.marker}{program.ext}"
    root.add(path, program.text, 0o755)
    command = entry_command(rng, path, program.interpreter)
    plant_host(root, case.scheduler, f"{stem}-{case.marker}", command, rng, owner)


counts = partial(tally, axes=AXES)

