"""Restore plans: from each device's approved baseline and its newest complete poll, exactly
the line data rows that are missing or changed, and the commands (rendered by the device's
platform module) that put those rows back and nothing else; signed with the collector key.

A device is refused as a whole when its baseline is not in force (absent, unsigned, altered,
without line data) or its newest poll is not complete; a row is refused when its platform
cannot render it from the baseline (e.g. a masked secret in its stanza)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lineguard.agent.restore.document import (
    DevicePlan,
    PlanBody,
    Refusal,
    RestoreRow,
    SignedPlan,
    sign,
)
from lineguard.collector.analyse.drift import diff_target, row_text
from lineguard.collector.baseline import Baseline, BaselineError, load_approved, row_order
from lineguard.collector.platforms import UnknownPlatform, for_facts
from lineguard.collector.store import Store
from lineguard.formats.wire import canonical, key_fingerprint, sha256_hex

DEFAULT_HOURS = 24.0


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def select(store: Store, targets: list[str], site: str | None, every: bool) -> list[str]:
    """Device names named, of a site (as their newest poll says), or every device an active
    agent reports."""
    if targets:
        return list(dict.fromkeys(targets))
    devices = [t for t in store.target_rows() if t.kind == "device"]
    chosen = [t.name for t in devices if every or t.facts.get("site") == site]
    if not chosen and not every:
        raise LookupError(f"no stored device belongs to site {site!r}")
    return chosen


def _baseline_text(store: Store, baseline: Baseline, artifact: str) -> str | None:
    art = baseline.artifact(artifact)
    if art is None or not art.sha256 or not store.has_blob(art.sha256):
        return None
    return store.blob(art.sha256).decode("utf-8", errors="replace")


def device_plan(store: Store, baselines_dir: Path, name: str, now: datetime,
                approvals_for: Callable[[str | None], int]) -> list[DevicePlan | Refusal]:
    """The plan of one device and its refusals; [] when nothing is missing or changed. A
    baseline is in force with the approvals its site requires (`approvals_for(site)`)."""
    newest = next(store.target_history(name, limit=1), None)
    if newest is None:
        return [Refusal(name, None, f"no stored snapshot carries target {name!r}")]
    required = approvals_for(newest[1].facts.get("site"))
    try:
        baseline = load_approved(baselines_dir, name, required)
    except BaselineError as e:
        return [Refusal(name, None, f"baseline not in force: {e}")]
    if baseline is None:
        return [Refusal(name, None, "no approved baseline: nothing says what its line data "
                                    "should be")]
    if baseline.line_data is None:
        return [Refusal(name, None, "the approved baseline holds no line data rows")]
    try:
        diff = diff_target(store, name, baselines_dir, now, required)
    except (LookupError, BaselineError) as e:
        return [Refusal(name, None, str(e))]
    if not diff.complete:
        return [Refusal(name, None, f"newest poll not complete ({diff.status}: "
                                    f"{diff.error or 'no detail'}); line data unknown, "
                                    f"nothing is planned from it")]
    snap, target = next(store.target_history(name, limit=1))
    lost = [c for c in diff.rows if c.change in ("lost", "changed") and c.before is not None]
    if not lost:
        return []
    try:
        platform = for_facts(target.facts)
    except UnknownPlatform as e:
        return [Refusal(name, None, str(e))]
    if platform.restore is None:
        return [Refusal(name, None, f"no restore commands for platform {platform.name}")]
    reference = _baseline_text(store, baseline, platform.config_artifact)
    if reference is None:
        return [Refusal(name, None, f"the baseline's {platform.config_artifact} is not in this "
                                    f"collector's store; its commands cannot be rendered")]
    current = target.artifact(platform.config_artifact)
    was = sorted(((c, c.before) for c in lost if c.before is not None),
                 key=lambda pair: row_order(pair[1]))
    rows = [RestoreRow(id=i, change="missing" if c.change == "lost" else "changed",
                       row=before, current=c.after, what=row_text(before))
            for i, (c, before) in enumerate(was, 1)]
    actions, refused = platform.restore(rows, reference,
                                        current.text() if current is not None else None)
    refusals: list[DevicePlan | Refusal] = [
        Refusal(name, next(r.what for r in rows if r.id == rid), why) for rid, why in refused]
    kept_ids = {i for a in actions for i in a.rows}
    kept = tuple(r for r in rows if r.id in kept_ids)
    if not kept:
        return refusals
    plan = DevicePlan(
        device=name, platform=platform.name,
        method="snmp" if platform.name == "atm_mib" else "cli",
        site=diff.site, agent=snap.agent,
        baseline={"approved_by": baseline.approved_by, "approved_at": baseline.approved_at,
                  "source": f"{baseline.source.agent} #{baseline.source.seq}",
                  "source_hash": baseline.source.hash,
                  "digest": sha256_hex(canonical(baseline.body()))},
        poll={"agent": snap.agent, "seq": snap.seq, "taken_at": snap.taken_at,
              "hash": snap.hash},
        rows=kept, actions=tuple(actions), commit=platform.restore_commit)
    return [plan, *refusals]


def make_plan(store: Store, baselines_dir: Path, names: list[str], key: Ed25519PrivateKey,
              now: datetime, approvals_for: Callable[[str | None], int],
              hours: float = DEFAULT_HOURS) -> SignedPlan:
    """A signed plan over `names` (devices with nothing to restore are left out). It needs the
    approvals the strictest of its devices' sites requires (the baseline rule)."""
    devices: list[DevicePlan] = []
    refused: list[Refusal] = []
    for name in names:
        for item in device_plan(store, baselines_dir, name, now, approvals_for):
            if isinstance(item, DevicePlan):
                devices.append(item)
            else:
                refused.append(item)
    body = PlanBody(id=f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}", created_at=_iso(now),
                    expires_at=_iso(now + timedelta(hours=hours)),
                    collector_key_id=key_fingerprint(key.public_key()),
                    required_approvals=max([approvals_for(d.site) for d in devices]
                                           or [approvals_for(None)]),
                    devices=tuple(devices),
                    refused=tuple(refused))
    return sign(body, key)


def create(store: Store, home_root: Path, baselines_dir: Path, names: list[str], now: datetime,
           approvals_for: Callable[[str | None], int], hours: float = DEFAULT_HOURS,
           out: Path | None = None) -> tuple[SignedPlan, Path]:
    """`restore plan`: make and sign the plan of `names` with the collector key, write it to
    `out` (default HOME/restore/ID.lgplan) and put it on the audit record."""
    from lineguard.collector.keys import collector_key
    from lineguard.collector.restore.approval import write_plan
    signed = make_plan(store, baselines_dir, names, collector_key(home_root), now, approvals_for,
                       hours)
    out = out or home_root / "restore" / f"{signed.body.id}.lgplan"
    write_plan(out, signed)
    store.audit("restore-plan", None, signed.body.id,
                f"{len(signed.body.devices)} device(s), {signed.body.row_count()} row(s), "
                f"{len(signed.body.refused)} refused; digest {signed.digest[:16]}; {out}")
    return signed, out
