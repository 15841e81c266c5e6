"""Judging what a job will do: the public entry point the rest of the collector uses.

The work is done by the effects engine (collector.analyse.effects): the job is reduced to typed
effects with resolved arguments and the rules in collector/rules/*.yaml judge those effects.

Public: `load_rules(path=None) -> list[Rule]`, `judge(job, files, fire, now) -> Judgement`."""

from __future__ import annotations

from lineguard.collector.analyse.effects.judge import DEFAULT_ADMINS, effects_of, judge
from lineguard.collector.analyse.effects.rules import (
           Rule,
           RuleError,
           RuleSet,
           default_rules,
           load_rules,
)

__all__ = ["DEFAULT_ADMINS", "Rule", "RuleError", "RuleSet", "default_rules", "effects_of",
           "judge", "load_rules"]
