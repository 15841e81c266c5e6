"""Fleet correlation: the same harm on many targets at once is one event, and a worse one.

Line data lost on several devices within one window (the incident lineguard exists for: five
prefectures at once) becomes one critical finding naming the devices and sites. The same
destructive job scheduled on several targets (the same rules matching the same lines, in the same
script or in a copy of it, or in the same command) becomes one finding too. Pure functions over
records; no store access.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from lineguard.collector.model import Finding, Reason, Severity, Verdict
from lineguard.formats.wire import canonical, sha256_hex

DEFAULT_WINDOW = timedelta(hours=1)
_EVIDENCE = 12


@dataclass(frozen=True)
class LossEvent:
    """Line data lost on one device, and since when."""

    target: str
    site: str | None
    at: datetime                      # first poll in which the rows were seen missing (UTC)
    lost: int
    before: int
    key: str = ""                     # the device's own line-data-loss finding


def _digest(parts: Iterable[str]) -> str:
    return sha256_hex(canonical(sorted(parts)))[:12]


def _sites(items: Iterable[str | None]) -> list[str]:
    return sorted({s for s in items if s})


def correlate_losses(events: Iterable[LossEvent], window: timedelta = DEFAULT_WINDOW,
                     min_targets: int = 2) -> list[Finding]:
    """One critical fleet finding per burst: devices whose loss began within `window` of the
    burst's first loss. A device counts once per burst."""
    ordered = sorted(events, key=lambda e: (e.at, e.target))
    out: list[Finding] = []
    i = 0
    while i < len(ordered):
        start = ordered[i].at
        burst: dict[str, LossEvent] = {}
        while i < len(ordered) and ordered[i].at - start <= window:
            burst.setdefault(ordered[i].target, ordered[i])
            i += 1
        if len(burst) >= min_targets:
            out.append(_loss_burst(list(burst.values()), window))
    return out


def _loss_burst(burst: list[LossEvent], window: timedelta) -> Finding:
    sites = _sites(e.site for e in burst)
    names = sorted(e.target for e in burst)
    first, last = min(e.at for e in burst), max(e.at for e in burst)
    minutes = int((last - first).total_seconds() // 60)
    lost, before = sum(e.lost for e in burst), sum(e.before for e in burst)
    where = f" at {len(sites)} site(s) ({', '.join(sites)})" if sites else ""
    evidence = tuple(Reason("lg.fleet.line-data-loss",
                            f"{e.target} ({e.site or 'site unknown'}): {e.lost} of {e.before} "
                            f"rows lost, first seen {e.at:%Y-%m-%dT%H:%M:%SZ}", None, None,
                            title="line data lost", severity=Severity.CRITICAL,
                            explanation="Line data vanishing on many devices within minutes is "
                                        "one event, not many: a script or an operator is "
                                        "deleting it across the fleet.",
                            references=("T1485", "T1529"))
                     for e in sorted(burst, key=lambda e: (e.at, e.target)))
    return Finding(
        key=f"fleet:line-data-loss:{first:%Y%m%dT%H}:{_digest(names)}", kind="fleet",
        severity=Severity.CRITICAL, target=",".join(names),
        title=f"line data lost on {len(names)} devices{where} "
              + (f"within {minutes} min" if minutes else "in the same poll"),
        detail=(f"{lost} of {before} VP/VC rows lost across {len(names)} devices between "
                f"{first:%Y-%m-%dT%H:%M:%SZ} and {last:%Y-%m-%dT%H:%M:%SZ} "
                f"(window {int(window.total_seconds() // 60)} min):\n"
                + "\n".join(f"  {r.evidence}" for r in evidence)),
        evidence=evidence)


def correlate(findings: Iterable[Finding], min_targets: int = 2) -> list[Finding]:
    """One fleet finding per destructive or suspicious job found on `min_targets` or more
    targets. Jobs are the same when their evidence is: the same rule matched the same line,
    whether the script sits at the same path or not, so a copied script is caught too."""
    groups: dict[tuple[tuple[str, str], ...], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.kind != "job" or f.severity < Severity.MEDIUM or not f.evidence:
            continue
        groups[tuple(sorted({(r.rule, r.evidence.strip()) for r in f.evidence}))].append(f)
    out: list[Finding] = []
    for signature, hits in sorted(groups.items()):
        targets = sorted({f.target for f in hits})
        if len(targets) < min_targets:
            continue
        verdict = (Verdict.DESTRUCTIVE if any(f.verdict is Verdict.DESTRUCTIVE for f in hits)
                   else Verdict.SUSPICIOUS)
        fires = [f.fire_at for f in hits if f.fire_at is not None]
        # Evidence paths name the target first, so a reader sees where each line was found.
        evidence = tuple(replace(r, path=f"{f.target}:{r.path}" if r.path else f.target)
                         for f in hits for r in f.evidence)[:_EVIDENCE]
        out.append(Finding(
            key=f"fleet:job:{_digest(repr(p) for p in signature)}", kind="fleet",
            severity=max(f.severity for f in hits), target=",".join(targets),
            title=f"the same {verdict} job is scheduled on {len(targets)} targets: "
                  f"{', '.join(targets)}",
            detail="\n".join([f"{len(hits)} job(s) doing the same thing:"]
                             + [f"  {f.target}: {f.title}" for f in hits]),
            fire_at=min(fires) if fires else None, evidence=evidence, verdict=verdict))
    return out
