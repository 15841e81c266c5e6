"""What a job's trigger adds to the engine's judgement (destructive.judge), applied after it:

- Dormancy without a clock: a destructive job that waits for a boot, an interface going down,
  a unit failing or a package install can sit unseen for months, like one dated far ahead. The
  engine judges dormancy by the fire date; this raises the same context rule for triggers that
  happen rarely.
- A shell start-up file is read by its conventional dot-name (~/.bashrc): that name is not a
  hiding place, so the hidden-path rule is not counted against the file itself (a hidden
  script it runs still is)."""

from __future__ import annotations

from dataclasses import replace

from lineguard.collector.analyse.destructive import RuleSet, default_rules
from lineguard.collector.analyse.effects.judge import unread_floor
from lineguard.collector.model import (
    BootTrigger,
    EventTrigger,
    HookTrigger,
    Job,
    Judgement,
    Reason,
    Severity,
    Trigger,
    Verdict,
)


def rarity(trigger: Trigger) -> str | None:
    """Why the trigger happens rarely on a server, or None when it is routine or a clock."""
    if isinstance(trigger, BootTrigger):
        return f"fires only at boot ({trigger.note}), which a server sees rarely"
    if isinstance(trigger, EventTrigger) and trigger.rare:
        return f"fires only {trigger.event}, which happens rarely"
    if isinstance(trigger, HookTrigger) and trigger.rare:
        return f"fires only with {trigger.host_job}: {trigger.operation}, which happens rarely"
    return None


HIDDEN_PATH = "lg.conceal.hidden-path"


def adjust(job: Job, judgement: Judgement, rules: RuleSet | None = None) -> Judgement:
    """The engine's judgement with the trigger's context applied."""
    rs = rules or default_rules()
    return with_trigger_dormancy(job, without_own_dot_name(job, judgement, rs), rs)


def without_own_dot_name(job: Job, judgement: Judgement, rules: RuleSet) -> Judgement:
    if job.source != "login" or not any(r.rule == HIDDEN_PATH and r.path == job.origin_path
                                        for r in judgement.reasons):
        return judgement
    rest = tuple(r for r in judgement.reasons
                 if not (r.rule == HIDDEN_PATH and r.path == job.origin_path))
    if all(r.severity is Severity.INFO for r in rest):
        return Judgement(verdict=Verdict.BENIGN, severity=Severity.INFO, reasons=rest)
    verdict = max(rules.verdicts.get(r.rule, Verdict.BENIGN) for r in rest)
    return replace(judgement, verdict=verdict, reasons=rest)


def with_trigger_dormancy(job: Job, judgement: Judgement, rules: RuleSet) -> Judgement:
    """The judgement with the dormancy context added (one severity step up) when the job does
    something flagged and waits for a rare trigger."""
    if judgement.verdict is Verdict.BENIGN or job.state != "active":
        return judgement
    why = rarity(job.trigger)
    dormant = rules.context.get("dormant")
    if why is None or dormant is None or any(r.rule == dormant.id for r in judgement.reasons):
        return judgement
    reason = Reason(rule=dormant.id, evidence=f"{job.schedule} — {why}", path=job.origin_path,
                    line=job.origin_line, title=f"{dormant.title}: {why}",
                    explanation=dormant.description, severity=dormant.severity,
                    references=dormant.references)
    severity = judgement.severity.step(1)
    if judgement.verdict is not Verdict.DESTRUCTIVE:
        # as in the engine: context makes a finding more urgent, never more certain (and
        # never below what a reading limit left unread)
        severity = max(min(severity, Severity.MEDIUM), unread_floor(judgement.reasons, rules))
    return replace(judgement, severity=severity, reasons=(*judgement.reasons, reason))
