"""Drift: what changed on a target since its approved baseline (or, without one, since its
first complete poll, so that a change stays open until someone approves a baseline or waives
it): artifacts added, removed or changed, with unified diffs, and line data
rows lost, added or changed.

House rule: only complete data is diffed. A target whose newest poll is not ok yields a
poll-failed finding and nothing else; an unreachable device is never "line data lost".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from difflib import SequenceMatcher
from functools import partial
from pathlib import Path
from typing import Any, Literal

from lineguard.collector.analyse.fleet import LossEvent, correlate_losses
from lineguard.collector.approvals import DEFAULT_REQUIRED
from lineguard.collector.baseline import (
    Baseline,
    BaselineError,
    line_data,
    load_approved,
    row_order,
)
from lineguard.collector.model import Finding, LineDataRow, Reason, Severity, unreadable
from lineguard.collector.platforms import Platform, UnknownPlatform, for_facts, judged
from lineguard.collector.store import Store, StoredSnapshot
from lineguard.formats.wire import Target, canonical, sha256_hex

# Host artifacts that change by nature (process lists, anacron's run stamps); they would drown real
# drift. What they say that matters is judged by the jobs view; restore reports are the agent's
# own record of a restoration, kept in the audit log at ingest. A device's volatile artifacts and
# lines are its platform's to declare (collector.platforms).
HOST_VOLATILE_KINDS = frozenset({"process", "anacron-stamp", "restore-report"})
# Host files that decide what runs later: a change to one of these is a change to the job picture.
HOST_JOB_KINDS = frozenset({"crontab", "cron.d", "cron-spool", "run-parts", "anacrontab",
                            "at-job", "systemd-unit", "systemd-link", "script", "incron-table",
                            "incron-conf"})
_HISTORY_LIMIT = 200
_DIFF_LINES = 400
_EVIDENCE_LINES = 8


@dataclass(frozen=True)
class ArtifactChange:
    name: str
    kind: str
    change: str                       # added | removed | changed
    old_sha256: str | None
    new_sha256: str | None
    diff: str = ""                    # unified diff; "" when binary or the old bytes are not stored
    decisive: bool = False            # a configuration or a job-related file
    evidence: tuple[Reason, ...] = ()  # changed lines with their line numbers
    fingerprint: str | None = None    # the new content minus volatile lines: stable identity


@dataclass(frozen=True)
class RowChange:
    change: str                       # lost | added | changed
    before: LineDataRow | None
    after: LineDataRow | None

    @property
    def row(self) -> LineDataRow:
        """The row as it is now, or as it was for a lost one."""
        row = self.after or self.before
        if row is None:
            raise ValueError("a row change without a row")
        return row


@dataclass(frozen=True)
class TargetDiff:
    """A target's newest poll compared with its reference (baseline or previous ok poll)."""

    target: str
    kind: str
    site: str | None
    status: str                       # status of the newest poll
    error: str | None
    taken_at: str | None              # when the newest poll was taken
    current: str                      # which snapshot the newest poll is in
    against: str                      # baseline | first (no baseline: first ok poll) | none
    reference: str                    # what it was compared with, for a reader
    artifacts: tuple[ArtifactChange, ...] = ()
    rows: tuple[RowChange, ...] = ()
    rows_before: int | None = None    # None: line data unknown on that side
    rows_after: int | None = None
    config_artifact: str | None = None

    @property
    def complete(self) -> bool:
        return self.status == "ok"

    @property
    def changed(self) -> bool:
        """Something differs from the reference, or the newest poll could not be compared."""
        return bool(self.artifacts or self.rows) or not self.complete

    def rows_where(self, change: str) -> list[RowChange]:
        return [r for r in self.rows if r.change == change]


def row_text(row: LineDataRow | None) -> str:
    """A row as an operator names it: `vcl ATM0/0/0.100 1/100 BTS100`."""
    if row is None:
        return "-"
    end = f"{row.interface} {row.vpi}" + (f"/{row.vci}" if row.vci is not None else "")
    if row.peer_interface is not None:
        peer = f"{row.peer_interface} {row.peer_vpi}"
        end += f" <-> {peer}" + (f"/{row.peer_vci}" if row.peer_vci is not None else "")
    name = row.name or row.extra.get("name")
    return f"{row.kind} {end}" + (f" {name}" if name else "")


# --- comparing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Side:
    """One side of a comparison: artifacts by name as (kind, sha256), readable bytes, rows."""

    artifacts: dict[str, tuple[str, str | None]]
    text: dict[str, str]              # name -> text, where the bytes are text and at hand
    rows: tuple[LineDataRow, ...] | None


def platform_of(kind: str, facts: dict[str, Any]) -> Platform | None:
    """A device's collector platform; None for a host, or a device no platform reads."""
    if kind != "device":
        return None
    try:
        return for_facts(facts)
    except UnknownPlatform:
        return None


def _volatile_kinds(platform: Platform | None) -> frozenset[str]:
    return platform.volatile_artifacts if platform else HOST_VOLATILE_KINDS


def _from_target(target: Target) -> _Side:
    return _Side({a.name: (a.kind, a.sha256) for a in target.artifacts},
                 {a.name: a.text() or "" for a in target.artifacts
                  if a.content is not None and a.encoding == "utf-8"},
                 line_data(target))


def _from_baseline(store: Store, baseline: Baseline) -> _Side:
    text: dict[str, str] = {}
    volatile = _volatile_kinds(platform_of(baseline.kind, baseline.facts))
    for a in baseline.artifacts:
        if a.sha256 and a.kind not in volatile and store.has_blob(a.sha256):
            try:
                text[a.name] = store.blob(a.sha256).decode("utf-8")
            except UnicodeDecodeError:
                pass  # binary: compared by hash only
    return _Side({a.name: (a.kind, a.sha256) for a in baseline.artifacts}, text,
                 baseline.line_data)


def compare_rows(before: Iterable[LineDataRow], after: Iterable[LineDataRow]) -> list[RowChange]:
    """Rows lost, added, and changed (same link identity, different attributes)."""
    old = {r.key(): r for r in before}
    new = {r.key(): r for r in after}
    out = [RowChange("lost", old[k], None) for k in old if k not in new]
    out += [RowChange("added", None, new[k]) for k in new if k not in old]
    out += [RowChange("changed", old[k], new[k]) for k in old if k in new and old[k] != new[k]]
    order = {"lost": 0, "changed": 1, "added": 2}
    return sorted(out, key=lambda c: (order[c.change], row_order(c.before or c.row)))


def unified(name: str, old: str, new: str, label: str,
            platform: Platform | None = None) -> tuple[str, tuple[Reason, ...]]:
    """A unified diff of two texts without the platform's volatile lines, and the changed lines
    as evidence with their line numbers in the texts as stored (added lines in the new text,
    removed ones in the reference). Filler lines (a bare `!` separator) are shown but are never evidence."""
    before, after = _numbered(old, platform), _numbered(new, platform)
    a, b = [t for _, t in before], [t for _, t in after]
    lines = [f"--- {label}/{name}\n", f"+++ current/{name}\n"]
    evidence: list[Reason] = []
    for group in _Matcher(platform, a, b).get_grouped_opcodes(2):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        lines.append(f"@@ -{_span(before, i1, i2)} +{_span(after, j1, j2)} @@\n")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                lines += [f" {t}\n" for t in a[a1:a2]]
                continue
            for number, text in before[a1:a2]:
                lines.append(f"-{text}\n")
                if not (platform and platform.is_filler_line(text)):
                    evidence.append(Reason("lg.drift.line-removed", "- " + text, name, number,
                                           title=f"line removed (line number in the {label})"))
            for number, text in after[b1:b2]:
                lines.append(f"+{text}\n")
                if not (platform and platform.is_filler_line(text)):
                    evidence.append(Reason("lg.drift.line-added", "+ " + text, name, number,
                                           title="line added"))
    if len(lines) == 2:
        return "", ()
    if len(lines) > _DIFF_LINES:
        lines = lines[:_DIFF_LINES] + [f"... {len(lines) - _DIFF_LINES} more diff line(s)\n"]
    return "".join(lines), tuple(evidence)


_Opcode = tuple[Literal["replace", "delete", "insert", "equal"], int, int, int, int]


class _Matcher(SequenceMatcher[str]):
    """difflib's matcher, with each block of only removed or only added lines slid to where it
    reads as one unit (starting at its least indented, non-filler line), as git's diff does:
    removing an interface stanza shows that stanza, not the tail of the one before it and the
    separator lines around it, which did not change."""

    def __init__(self, platform: Platform | None, a: list[str], b: list[str]) -> None:
        super().__init__(None, a, b, autojunk=False)
        self._platform = platform
        self._lines = (a, b)
        self._slid: list[_Opcode] | None = None

    def get_opcodes(self) -> list[_Opcode]:
        if self._slid is None:
            ops: list[list[Any]] = [list(op) for op in super().get_opcodes()]
            for k in range(1, len(ops) - 1):
                if ops[k][0] in ("delete", "insert") and ops[k - 1][0] == ops[k + 1][0] == "equal":
                    self._slide(ops[k - 1], ops[k], ops[k + 1])
            self._slid = [(op[0], op[1], op[2], op[3], op[4]) for op in ops]
        return self._slid

    def _slide(self, before: list, block: list, after: list) -> None:
        side = 1 if block[0] == "delete" else 3          # index of the block's start in an op
        seq = self._lines[0] if side == 1 else self._lines[1]
        start, stop = block[side], block[side + 1]
        lowest, highest = start, start
        while lowest > before[side] and seq[lowest - 1] == seq[lowest - 1 + stop - start]:
            lowest -= 1
        while highest + stop - start < after[side + 1] and seq[highest] == seq[highest + stop - start]:
            highest += 1
        if lowest == highest:
            return
        best = min(range(lowest, highest + 1), key=lambda s: self._score(seq[s], s))
        shift = best - start
        before[2] += shift
        before[4] += shift
        block[1:] = [block[1] + shift, block[2] + shift, block[3] + shift, block[4] + shift]
        after[1] += shift
        after[3] += shift

    def _score(self, line: str, position: int) -> tuple[bool, int, int]:
        filler = bool(self._platform and self._platform.is_filler_line(line))
        return filler, len(line) - len(line.lstrip()), -position


def _numbered(text: str, platform: Platform | None) -> list[tuple[int, str]]:
    """The lines drift compares, numbered as stored: a device's as its platform normalises
    them (Platform.comparable), a host file's as they are."""
    if platform is not None:
        return platform.comparable(text)
    return list(enumerate(text.splitlines(), 1))


def _span(lines: list[tuple[int, str]], start: int, stop: int) -> str:
    """A hunk range in stored line numbers: first line and how many lines are shown."""
    if stop > start:
        return f"{lines[start][0]},{stop - start}"
    return f"{lines[start - 1][0] if start else 0},0"


def compare_artifacts(ref: _Side, cur: _Side, label: str,
                      platform: Platform | None) -> list[ArtifactChange]:
    volatile = _volatile_kinds(platform)
    job_kinds = platform.job_artifacts if platform else HOST_JOB_KINDS
    config_artifact = platform.config_artifact if platform and platform.has_config else None
    out: list[ArtifactChange] = []
    for name in sorted(set(ref.artifacts) | set(cur.artifacts)):
        old, new = ref.artifacts.get(name), cur.artifacts.get(name)
        kind = (new if new is not None else ref.artifacts[name])[0]
        if kind in volatile or (old and new and old[1] == new[1]):
            continue
        stable_new = _stable(cur.text[name], platform) if name in cur.text else None
        if old and new and name in ref.text and stable_new == _stable(ref.text[name], platform):
            continue
        decisive = kind in job_kinds or name == config_artifact
        change = "added" if old is None else "removed" if new is None else "changed"
        diff, evidence = "", tuple[Reason, ...]()
        if name in ref.text or name in cur.text:
            if change != "changed" or (name in ref.text and name in cur.text):
                diff, evidence = unified(name, ref.text.get(name, ""), cur.text.get(name, ""),
                                         label, platform)
        fingerprint = sha256_hex(stable_new.encode()) if stable_new is not None else new and new[1]
        out.append(ArtifactChange(name, kind, change, old and old[1], new and new[1], diff,
                                  decisive, evidence, fingerprint))
    return out


def compare_polls(old: Target, new: Target, label: str
                  ) -> tuple[list[ArtifactChange], list[RowChange]]:
    """Two complete polls of one target: artifacts added, removed or changed (volatile kinds
    and lines left out, per platform), and line data rows lost, added or changed."""
    ref, cur = _from_target(old), _from_target(new)
    rows = compare_rows(ref.rows, cur.rows) if ref.rows is not None and cur.rows is not None \
        else []
    return compare_artifacts(ref, cur, label, platform_of(new.kind, new.facts)), rows


def volatile_kinds(target: Target) -> frozenset[str]:
    """Artifact kinds of `target` that change by nature (clocks, processes), per platform."""
    return _volatile_kinds(platform_of(target.kind, target.facts))


def _stable(text: str, platform: Platform | None) -> str:
    return "\n".join(line for _, line in _numbered(text, platform))


# --- history -------------------------------------------------------------------------------


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _history(store: Store, target: str, now: datetime | None) -> Iterator[tuple[StoredSnapshot,
                                                                                 Target]]:
    for snap, tgt in store.target_history(target, limit=_HISTORY_LIMIT):
        try:
            taken = _parse_time(snap.taken_at)
        except ValueError:
            continue   # a time no reader can place (reported by `check` as unreadable evidence)
        if now is None or taken <= now:
            yield snap, judged(tgt)


def _label(snap: StoredSnapshot) -> str:
    return f"{snap.agent} #{snap.seq} taken {snap.taken_at}"


def _config_artifact(platform: Platform | None) -> str | None:
    """The artifact holding the device's configuration, as its platform names it."""
    return platform.config_artifact if platform and platform.has_config else None


def diff_target(store: Store, target: str, baselines_dir: Path,
                now: datetime | None = None, required: int = DEFAULT_REQUIRED) -> TargetDiff:
    """Compare `target`'s newest poll (as of `now`) with its approved baseline, or, when it has
    none, with its first complete poll. Raises BaselineError for an untrusted baseline and
    LookupError when no snapshot carries the target."""
    return _diff(store, target, load_approved(baselines_dir, target, required), now)


def _diff(store: Store, target: str, baseline: Baseline | None,
          now: datetime | None) -> TargetDiff:
    history = _history(store, target, now)
    newest = next(history, None)
    if newest is None:
        raise LookupError(f"no stored snapshot carries target {target!r}")
    snap, tgt = newest
    agent = store.agent(snap.agent)
    site = tgt.facts.get("site") or (agent.site if agent else None)   # hosts: the agent's site
    platform = platform_of(tgt.kind, tgt.facts)
    made = partial(TargetDiff, target=target, kind=tgt.kind, site=site, status=tgt.status,
                   error=tgt.error, taken_at=snap.taken_at, current=_label(snap),
                   config_artifact=_config_artifact(platform))
    if tgt.status != "ok":
        return made(against="none", reference="nothing (poll not complete)")
    if baseline is not None:
        ref = _from_baseline(store, baseline)
        against, label = "baseline", "baseline"
        reference = (f"the baseline approved by {baseline.approved_by} at {baseline.approved_at} "
                     f"(from {baseline.source.agent} #{baseline.source.seq})")
    else:
        # Not the previous poll: a change would then be reported once and gone on the next.
        until = None if now is None else now.strftime("%Y-%m-%dT%H:%M:%SZ")
        first = store.first_ok(target, until, accept=lambda t: judged(t).status == "ok")
        if first is None or first[0].id == snap.id:
            return made(against="none",
                        reference="nothing: no baseline and no earlier complete poll")
        ref = _from_target(first[1])
        against, label = "first", "first-poll"
        reference = (f"its first complete poll {_label(first[0])} (no approved baseline; "
                     f"approve one to accept the change)")
    cur = _from_target(tgt)
    rows: list[RowChange] = []
    if ref.rows is not None and cur.rows is not None:
        rows = compare_rows(ref.rows, cur.rows)
    return made(against=against, reference=reference,
                artifacts=tuple(compare_artifacts(ref, cur, label, platform)),
                rows=tuple(rows),
                rows_before=None if ref.rows is None else len(ref.rows),
                rows_after=None if cur.rows is None else len(cur.rows))


def _loss_since(store: Store, diff: TargetDiff, now: datetime | None) -> datetime:
    """When the rows lost now were first seen missing: the oldest poll of the unbroken run of
    complete polls, ending with the newest, in which all of them were already absent."""
    lost = {r.before.key() for r in diff.rows_where("lost") if r.before is not None}
    since = _parse_time(diff.taken_at or "1970-01-01T00:00:00Z")
    if diff.against == "none":
        return since
    for snap, tgt in _history(store, diff.target, now):
        if tgt.status != "ok":
            continue   # a failed poll says nothing either way
        rows = line_data(tgt)
        if rows is None or lost & {r.key() for r in rows}:
            break
        since = _parse_time(snap.taken_at)
    return since


# --- findings ------------------------------------------------------------------------------


def _digest(parts: Iterable[Any]) -> str:
    return sha256_hex(canonical([repr(p) for p in parts]))[:12]


def target_findings(diff: TargetDiff) -> list[Finding]:
    """poll-failed for an incomplete poll; otherwise line-data-loss and drift as found."""
    if not diff.complete:
        severity = Severity.HIGH if diff.kind == "device" else Severity.MEDIUM
        return [Finding(
            key=f"poll-failed:{diff.target}:{diff.status}", kind="poll-failed", severity=severity,
            target=diff.target,
            title=f"{diff.target}: newest poll {diff.status} ({diff.taken_at}); not compared",
            detail=(f"{diff.current}: {diff.status}: {diff.error or 'no detail'}\n"
                    "Only a complete poll is compared with the baseline; until one arrives, "
                    "the target's configuration and line data are unknown."))]
    out: list[Finding] = []
    lost = diff.rows_where("lost")
    if lost and diff.rows_before:
        out.append(_loss_finding(diff, lost))
    rest = [r for r in diff.rows if r.change != "lost"]
    if diff.artifacts or rest:
        out.append(_drift_finding(diff, rest))
    return out


def _loss_finding(diff: TargetDiff, lost: list[RowChange]) -> Finding:
    before = diff.rows_before or 0
    most = len(lost) * 2 >= before
    what = f"all {before}" if len(lost) == before else f"{len(lost)} of {before}"
    evidence = tuple(
        Reason("lg.line-data.lost", row_text(r.before), diff.config_artifact,
               _int(r.before.extra.get("line")) if r.before else None,
               title="line data row lost (line number in the reference config)",
               severity=Severity.CRITICAL if most else Severity.HIGH,
               explanation="A VP/VC link or cross-connect in the reference is gone from the "
                           "device: traffic over it (e.g. a base station's link) is cut.")
        for r in lost[:_EVIDENCE_LINES])
    listing = "\n".join(f"  lost {row_text(r.before)}" for r in lost[:50])
    more = f"\n  ... and {len(lost) - 50} more" if len(lost) > 50 else ""
    return Finding(
        key=f"line-data-loss:{diff.target}:"
            f"{_digest(sorted(repr(r.before.key()) for r in lost if r.before))}",
        kind="line-data-loss", severity=Severity.CRITICAL if most else Severity.HIGH, target=diff.target,
        title=f"line data lost on {diff.target}: {what} VP/VC rows gone "
              f"(vs {_against(diff)})",
        detail=(f"{diff.current} compared with {diff.reference}:\n"
                f"{before} row(s) before, {diff.rows_after} now.\n{listing}{more}"),
        evidence=evidence)


def _drift_finding(diff: TargetDiff, rows: list[RowChange]) -> Finding:
    decisive = [a for a in diff.artifacts if a.decisive]
    severity = Severity.HIGH if decisive else Severity.MEDIUM
    counts = {c: [a.name for a in diff.artifacts if a.change == c]
              for c in ("changed", "added", "removed")}
    summary = ", ".join(f"{len(names)} {c} ({_names(names)})" for c, names in counts.items()
                        if names)
    if rows:
        summary = ", ".join(filter(None, [summary, f"{len(rows)} line data row(s) added/changed"]))
    parts = [f"{diff.current} compared with {diff.reference}:"]
    for a in diff.artifacts:
        parts.append(f"{a.change} {a.name} ({a.kind})"
                     + (" - decides what runs or how the device is configured" if a.decisive
                        else ""))
        if a.diff:
            parts.append("\n".join(a.diff.splitlines()[:60]))
    parts += [f"  {r.change} {row_text(r.after or r.before)}" for r in rows[:30]]
    evidence = tuple(e for a in sorted(diff.artifacts, key=lambda a: not a.decisive)
                     for e in a.evidence)[:_EVIDENCE_LINES]
    ident: list[tuple[str | None, ...]] = [(a.name, a.change, a.fingerprint)
                                           for a in diff.artifacts]
    ident += [(r.change, repr(r.row.key())) for r in rows]
    return Finding(
        key=f"drift:{diff.target}:{diff.against}:{_digest(ident)}", kind="drift",
        severity=severity, target=diff.target,
        title=f"{diff.target} drifted from its {_against(diff)}: {summary}",
        detail="\n".join(parts), evidence=evidence)


def _against(diff: TargetDiff) -> str:
    return "approved baseline" if diff.against == "baseline" else "first complete poll"


def _names(names: list[str]) -> str:
    return ", ".join(names[:3]) + (f", +{len(names) - 3}" if len(names) > 3 else "")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def findings(store: Store, baselines_dir: Path, now: datetime,
             required: Callable[[str], int] = lambda target: DEFAULT_REQUIRED) -> list[Finding]:
    """Drift, line-data-loss and poll-failed findings for every target, plus one fleet finding
    per burst of line data loss across devices. An untrusted baseline is itself a finding, and
    its target is then compared with its first complete poll instead. `required` gives the
    number of approver signatures a target's baseline needs (its site's)."""
    out: list[Finding] = []
    losses: list[LossEvent] = []
    for name in store.target_names():
        try:
            out += _findings_of(store, name, baselines_dir, now, losses, required(name))
        except Exception as e:   # noqa: BLE001 — one unreadable target must not hide the others
            out.append(unreadable("history", name, "drift and line data", e))
    return out + correlate_losses(losses)


def _findings_of(store: Store, name: str, baselines_dir: Path, now: datetime,
                 losses: list[LossEvent], required: int) -> list[Finding]:
    out: list[Finding] = []
    try:
        baseline = load_approved(baselines_dir, name, required)
    except BaselineError as e:
        out.append(Finding(key=f"baseline:{name}:untrusted", kind="baseline", severity=Severity.HIGH,
                           target=name, title=f"baseline of {name} is not trusted",
                           detail=str(e)))
        baseline = None
    try:
        diff = _diff(store, name, baseline, now)
    except LookupError:
        return out   # every poll of it is after `now`
    found = target_findings(diff)
    for f in found:
        if f.kind == "line-data-loss":
            losses.append(LossEvent(target=name, site=diff.site, at=_loss_since(store, diff, now),
                                    lost=len(diff.rows_where("lost")),
                                    before=diff.rows_before or 0, key=f.key))
    return out + found
