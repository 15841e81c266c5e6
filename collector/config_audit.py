"""The collector's own settings (HOME/config.toml) decide who is mailed, from which severity, how
often, and how many approvers a baseline needs: an insider who edits them can silence every
alert without touching a job. Every version of the file that the collector sees is appended to
the signed audit log (its full text, so any two versions can be compared later), and a change
is a finding for a week: HIGH when it weakens alerting or approval (and never below the fleet-wide
threshold the new version sets, so raising the threshold cannot silence its own report), CRITICAL when it
takes recipients away (so `security_to` hears of it, whoever is left on the site's list), MEDIUM
otherwise. A change of the mail relay is also mailed through the relay in force before it
(check.send_alerts): one that drops everything must not carry the only word of itself. A
version that cannot be read or compared is treated as weakening.

The approvers file (HOME/baselines/approvers) decides whose signatures put a baseline, a waiver
or a restore plan in force: one person who can write it and lists two keys they hold has the
two-person rule to themselves. Every version is kept the same way, and a change is a finding
of its own kind (`approvers`) for a week: HIGH when someone may now sign who could not (an
approver added, a key replaced), MEDIUM when approvers only left. It cannot be waived: the
approvers it reports on would be the ones to waive it. Setting the file up the first time (no
earlier version with an approver in it) is not a change."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from lineguard.collector.approvals import APPROVERS
from lineguard.collector.home import ConfigError, Home, Settings, SitePolicy, settings_from
from lineguard.collector.model import Finding, Notify, Severity
from lineguard.collector.store import Store
from lineguard.formats.wire import parse_utc

EVENT = "config"                  # audit event: the text of config.toml as the collector saw it
OPEN_FOR = timedelta(days=7)      # how long a change stays a finding (a waiver can close it)
RUN_SLACK = timedelta(minutes=10)   # a version recorded during this run, after `now` was taken
ABSENT = "(no config.toml: every setting at its default)"
APPROVERS_EVENT = "approvers"     # audit event: the text of baselines/approvers
NO_APPROVERS = "(no approvers file: nobody can approve)"


@dataclass(frozen=True)
class Change:
    what: str            # "site kobe alert_threshold: high -> critical"
    weakens: bool        # fewer alerts, later alerts, fewer approvers, mail sent elsewhere
    drops_recipients: bool


def version_text(path: Path, absent: str = ABSENT) -> str:
    """A watched file as a version on record: its text, or what stands for it when it is
    missing or cannot be read."""
    try:
        return path.read_text(encoding="utf-8") if path.exists() else absent
    except (OSError, UnicodeDecodeError) as e:
        return f"(unreadable: {e})"


def record(home: Home, store: Store, text: str | None = None) -> None:
    """Append the current config.toml (or `text`, a version `watch` read as it was written)
    and approvers file to the audit log, each when it differs from its last version."""
    config = version_text(home.config_path) if text is None else text
    approvers = version_text(home.baselines / APPROVERS, NO_APPROVERS)
    for event, version in ((EVENT, config), (APPROVERS_EVENT, approvers)):
        digest = hashlib.sha256(version.encode()).hexdigest()

        def known(event: str = event, digest: str = digest) -> bool:
            seen = store.audit_since("", (event,))
            return bool(seen) and seen[-1]["subject"] == digest
        if known():
            continue
        with store.transaction():      # `watch` and a `check` beside it record a version once
            if not known():
                store.audit(event, None, digest, version)


def findings(home: Home, store: Store, now: datetime) -> list[Finding]:
    """Record the current versions, then one finding per change seen within the last week."""
    record(home, store)
    return _config_findings(store, now) + _approver_findings(store, now)


def _recent(now: datetime, at: str) -> bool:
    when = parse_utc(at)
    return not (now - when > OPEN_FOR or when - now > RUN_SLACK)


def _approver_findings(store: Store, now: datetime) -> list[Finding]:
    out = []
    before: dict[str, str] = {}       # the last version that listed anyone
    for version in store.audit_since("", (APPROVERS_EVENT,)):
        listed = approver_keys(version["detail"])
        changes = compare_approvers(before, listed) if before else []
        if changes and _recent(now, version["at"]):
            gained = any(c.weakens for c in changes)
            out.append(Finding(
                key=f"approvers-change:{version['subject'][:16]}", kind="approvers",
                severity=Severity.HIGH if gained else Severity.MEDIUM, target="collector",
                site=None,
                title=f"approvers file changed at {version['at']}: "
                      f"{'; '.join(c.what for c in changes)}"[:400],
                detail=(f"audit row {version['id']} holds the new version in full (lineguard "
                        "audit). Whoever is listed can sign baselines, waivers and restore "
                        "plans: confirm the change with the approvers who were listed before. "
                        "This finding cannot be waived; it closes a week after the change.")))
        if listed:
            before = listed
    return out


def approver_keys(text: str) -> dict[str, str]:
    """NAME -> key text of each approver line, read as leniently as a reader of the file
    would; a line that cannot be an approver is kept under its own text, so a change to it
    still shows."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, key = line.strip().partition(" ")
        out[name] = " ".join(key.split()[:2])
    return out


def compare_approvers(old: dict[str, str], new: dict[str, str]) -> list[Change]:
    out = [Change(f"adds approver {n}", True, False) for n in sorted(new.keys() - old.keys())]
    out += [Change(f"replaces the key of approver {n}", True, False)
            for n in sorted(new.keys() & old.keys()) if new[n] != old[n]]
    out += [Change(f"removes approver {n}", False, False) for n in sorted(old.keys() - new.keys())]
    return out


# How alert mail leaves the collector.
_RELAY = ("smtp_host", "smtp_port", "mail_from")


def last_readable(store: Store) -> tuple[str, Settings] | None:
    """(when it was recorded, the settings) of the newest version of config.toml on record
    that can be read, for a collector whose config.toml cannot (Home.settings)."""
    for version in reversed(store.audit_since("", (EVENT,))):
        settings = _settings(version["detail"])
        if settings is not None:
            return version["at"], settings
    return None


def previous_relay(store: Store, now: datetime) -> tuple[Settings, str] | None:
    """The settings in force before the newest change of the mail relay within the last week,
    and the key of the finding that reports the change (None when the relay did not change, or
    how mail left before cannot be read)."""
    versions = store.audit_since("", (EVENT,))
    for before, after in reversed(list(zip(versions, versions[1:], strict=False))):
        if not _recent(now, after["at"]):
            continue
        old, new = _settings(before["detail"]), _settings(after["detail"])
        if old is not None and (new is None or any(getattr(old, k) != getattr(new, k)
                                                    for k in _RELAY)):
            return old, _config_key(after)
    return None


def _config_key(version: dict) -> str:
    """Keyed by the version's row, not only its text: a change back to an earlier version (an
    edit undone) is a change of its own, mailed and waived on its own."""
    return f"config-change:{version['id']}:{version['subject'][:16]}"


def _config_findings(store: Store, now: datetime) -> list[Finding]:
    versions = store.audit_since("", (EVENT,))
    out = []
    for before, after in zip(versions, versions[1:], strict=False):
        if not _recent(now, after["at"]):
            continue
        changes = compare(before["detail"], after["detail"])
        weakens = any(c.weakens for c in changes)
        drops = any(c.drops_recipients for c in changes)
        severity = Severity.CRITICAL if drops else _loud_enough(after["detail"]) if weakens \
            else Severity.MEDIUM
        listed = "; ".join(c.what for c in changes) or "layout or comments only"
        # keyed by the version's row, not only its text: a change back to an earlier version
        # (an edit undone) is a change of its own, mailed and waived on its own
        out.append(Finding(
            key=_config_key(after), kind="config", severity=severity,
            notify=notify(before["detail"], after["detail"]),
            target="collector", site=None,
            title=f"collector settings (config.toml) changed at {after['at']}: {listed}"[:400],
            detail=(f"audit rows {before['id']} and {after['id']} hold both versions in full "
                    "(lineguard audit); "
                    + ("the change weakens alerting or approval: confirm who made it"
                       if weakens else "confirm the change was intended")),
            fingerprint=f"config-change:{after['id']}:{after['subject']}"))
    return out


def notify(old_text: str, new_text: str) -> Notify:
    """Who hears of a change, whatever the new version routes: the fleet-wide recipients
    (mail_to, security_to) of the version before it, as the audit log holds it, and of the new
    one, and the recipients of every site the change touches, before and after; from the lower
    of the two default alert thresholds. Removing the security team from security_to is
    mailed to the security team."""
    old, new = _settings(old_text), _settings(new_text)
    # a version that cannot be read routes nothing known: the other one (or the defaults) does
    versions = [v for v in (old, new) if v is not None] or [Settings()]
    addresses = {a for v in versions for a in (*v.default.mail_to, *v.security_to)}
    for name in {name for v in versions for name in v.sites}:
        if old is None or new is None or old.site(name) != new.site(name):
            addresses |= {a for v in versions for a in v.site(name).mail_to}
    return Notify(tuple(sorted(addresses)), min(v.default.alert_threshold for v in versions))


def _loud_enough(text: str) -> Severity:
    """A weakening change is at least HIGH and at least the alert threshold the new version
    sets for the fleet-wide findings (this one has no site): a threshold raised to critical must
    not silence the finding that reports it."""
    new = _settings(text)
    if new is None:
        return Severity.CRITICAL     # what the collector now mails is not known
    return max(Severity.HIGH, new.default.alert_threshold)


def _settings(text: str) -> Settings | None:
    if text == ABSENT:
        return Settings()
    try:
        return settings_from(tomllib.loads(text), "config.toml")
    except (tomllib.TOMLDecodeError, ConfigError):
        return None


def compare(old_text: str, new_text: str) -> list[Change]:
    """What changed from one version of config.toml to the next, setting by setting."""
    old, new = _settings(old_text), _settings(new_text)
    if old is None or new is None:
        which = "the earlier" if old is None else "the new"
        return [Change(f"{which} version cannot be read, so what changed is unknown", True, False)]
    out = _policy_changes("default", old.default, new.default)
    inherited = {c.what.removeprefix("default ") for c in out}
    for name in sorted({*old.sites, *new.sites}, key=str):
        out += [c for c in _policy_changes(f"site {name}", old.site(name), new.site(name))
                if c.what.removeprefix(f"site {name} ") not in inherited]
    lost = sorted(set(old.security_to) - set(new.security_to))
    if lost:
        out.append(Change(f"security_to no longer mails {', '.join(lost)}", True, True))
    if set(new.security_to) - set(old.security_to):
        out.append(Change(f"security_to now {', '.join(new.security_to)}", False, False))
    for key, more_is_weaker in (("smtp_host", None), ("smtp_port", None), ("mail_from", None),
                                ("max_snapshot_bytes", True), ("max_clock_skew_seconds", True),
                                ("display_tz", False), ("report_url", False),
                                ("max_waiver_days", True)):
        was, now = getattr(old, key), getattr(new, key)
        if was != now:
            weakens = bool(more_is_weaker is None or (more_is_weaker and now > was))
            out.append(Change(f"{key}: {was} -> {now}", weakens, False))
    return out


def _policy_changes(scope: str, was: SitePolicy, now: SitePolicy) -> list[Change]:
    out = []
    if was.alert_threshold != now.alert_threshold:
        out.append(Change(f"{scope} alert_threshold: {was.alert_threshold} -> "
                          f"{now.alert_threshold}", now.alert_threshold > was.alert_threshold,
                          False))
    lost = sorted(set(was.mail_to) - set(now.mail_to))
    if lost:
        out.append(Change(f"{scope} mail_to no longer mails {', '.join(lost)}", True, True))
    added = sorted(set(now.mail_to) - set(was.mail_to))
    if added:
        out.append(Change(f"{scope} mail_to adds {', '.join(added)}", False, False))
    for key, weaker in (("realert_hours", lambda a, b: b > a), ("silence_hours", lambda a, b: b > a),
                        ("approvals", lambda a, b: b < a)):
        a, b = getattr(was, key), getattr(now, key)
        if a != b:
            out.append(Change(f"{scope} {key}: {a:g} -> {b:g}", weaker(a, b), False))
    return out
