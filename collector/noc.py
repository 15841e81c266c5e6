"""What a NOC's monitoring reads: a Nagios/Icinga plugin status line and an OpenMetrics text file
for node_exporter's textfile collector. Both are renderings of the same findings `check` computes.

Nagios plugin convention: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, and one status line with
performance data after a `|`. lineguard's own exit codes (1 findings, 2 usage error) would be read
the wrong way round by such a NOC, hence this separate rendering.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lineguard.collector.jobs import parse_now
from lineguard.collector.model import Finding, Severity, Verdict
from lineguard.collector.store import AgentRecord

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
STATE_NAMES = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL", UNKNOWN: "UNKNOWN"}


@dataclass(frozen=True)
class PluginStatus:
    code: int
    line: str


def nagios_status(findings: list[Finding], now: datetime,
                  threshold: Callable[[str | None], Severity]) -> PluginStatus:
    """CRITICAL when any finding is at or above its own site's alert threshold (`threshold`:
    site -> severity name), WARNING for other findings of medium severity or above, else OK.
    The worst finding names the problem."""
    counts = Counter(f.severity for f in findings)
    worst = max(findings, key=lambda f: f.severity, default=None)
    if any(f.severity >= threshold(f.site) for f in findings):
        code = CRITICAL
    elif worst is not None and worst.severity >= Severity.MEDIUM:
        code = WARNING
    else:
        code = OK
    if code == OK:
        text = "no findings at medium or above"
    else:
        summary = ", ".join(f"{counts[s]} {s}" for s in reversed(Severity)
                            if s >= Severity.MEDIUM and counts[s])
        assert worst is not None
        text = f"{summary}; worst: {_one_line(worst.title)}"
    fire = next_destructive_fire(findings, now)
    perf = [f"{s}={counts[s]};;;0" for s in reversed(Severity)]
    if fire is not None:
        perf.append(f"next_destructive_fire={fire:.0f}s;;;0")
    return PluginStatus(code, f"LINEGUARD {STATE_NAMES[code]} - {text} | {' '.join(perf)}")


def unknown_status(message: str) -> PluginStatus:
    return PluginStatus(UNKNOWN, f"LINEGUARD UNKNOWN - {_one_line(message)}")


def next_destructive_fire(findings: Iterable[Finding], now: datetime) -> float | None:
    """Seconds until the soonest destructive job fires (0 when it is overdue), or None."""
    times = [f.fire_at for f in findings if _destructive_job(f) and f.fire_at is not None]
    return max(0.0, (min(times) - now).total_seconds()) if times else None


def _destructive_job(f: Finding) -> bool:
    """An open finding of a destructive job with a clock time."""
    return f.kind == "job" and f.fire_at is not None and f.verdict is Verdict.DESTRUCTIVE


def openmetrics(findings: list[Finding], agents: list[AgentRecord],
                sites: Mapping[str, str], now: datetime) -> str:
    """The OpenMetrics exposition of the open findings: by site, severity and kind; the next
    destructive fire per site and target (a waived job is not counted down: it is not open);
    agents' report ages. Sites without findings still show 0 per severity, so
    an alert rule can tell "no findings" from "no data"."""
    out: list[str] = []
    by_key = Counter((f.site or sites.get(f.target, "unknown"), f.severity, f.kind)
                     for f in findings)
    known_sites = sorted(set(sites.values()) | {k[0] for k in by_key}) or ["unknown"]
    out += ["# TYPE lineguard_findings gauge",
            "# HELP lineguard_findings Open findings by site, severity and kind."]
    for site in known_sites:
        for sev in Severity:
            kinds = {k[2]: n for k, n in by_key.items() if k[0] == site and k[1] == sev}
            if not kinds:
                out.append(_sample("lineguard_findings", {"site": site, "severity": sev,
                                                          "kind": "any"}, 0))
            for kind, n in sorted(kinds.items()):
                out.append(_sample("lineguard_findings", {"site": site, "severity": sev,
                                                          "kind": kind}, n))
    out += ["# TYPE lineguard_next_destructive_fire_seconds gauge",
            "# HELP lineguard_next_destructive_fire_seconds Seconds until the soonest "
            "destructive job fires, per site and target."]
    soonest: dict[tuple[str, str], float] = {}
    for f in findings:
        if not _destructive_job(f):
            continue
        assert f.fire_at is not None
        key = (f.site or sites.get(f.target, "unknown"), f.target)
        secs = max(0.0, (f.fire_at - now).total_seconds())
        soonest[key] = min(secs, soonest.get(key, secs))
    for (site, target), secs in sorted(soonest.items()):
        out.append(_sample("lineguard_next_destructive_fire_seconds",
                           {"site": site, "target": target}, secs))
    out += ["# TYPE lineguard_agent_reported gauge",
            "# HELP lineguard_agent_reported 1 when the agent has ever reported, else 0."]
    out += [_sample("lineguard_agent_reported", _agent_labels(a), 0 if a.last_seen is None else 1)
            for a in agents]
    out += ["# TYPE lineguard_agent_report_age_seconds gauge",
            "# HELP lineguard_agent_report_age_seconds Seconds since each agent's newest "
            "accepted snapshot (absent for an agent that never reported)."]
    out += [_sample("lineguard_agent_report_age_seconds", _agent_labels(a),
                    max(0.0, (now - parse_now(a.last_seen)).total_seconds()))
            for a in agents if a.last_seen is not None]
    out.append("# EOF")
    return "\n".join(out) + "\n"


def _agent_labels(a: AgentRecord) -> dict[str, str]:
    return {"agent": a.name, "site": a.site or "unknown"}


def write_textfile(path: Path, text: str) -> None:
    """Atomically: node_exporter must never read a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lineguard-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sample(name: str, labels: Mapping[str, str], value: float) -> str:
    body = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
    number = repr(float(value)) if isinstance(value, float) else str(value)
    return f"{name}{{{body}}} {number}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _one_line(text: str) -> str:
    # a `|` would start the performance data; a line break would end the plugin output
    return re.sub(r"\s+", " ", text).replace("|", "/").strip()
