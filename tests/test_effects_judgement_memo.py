"""A judgement is kept per reading and per job (judge._JUDGED): the same packaged job on many
hosts is judged once per schedule. What the judgement depends on must still make two jobs two
judgements: the owner, the fire time, the job's state, the schedule, the files it runs."""

from __future__ import annotations

from dataclasses import replace

from lineguard.collector.analyse.effects.judge import clear_cache, judge
from lineguard.collector.model import Provenance
from tests.test_rules import NOW, _fire, _script_job

_DELETES = "#!/bin/sh\nrm -rf /srv/ems/linedata\n"
_SETS = ("#!/bin/sh\nsnmpset -v2c -c private atm-kobe-03 "
         "1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32 i 6\n")


def _rules(j) -> set[str]:
    return {r.rule for r in j.reasons}


def test_the_same_job_on_two_hosts_is_judged_once():
    clear_cache()
    job, files = _script_job(_DELETES)
    first = judge(job, files, _fire(), NOW)
    other = replace(job, target="ems2", provenance=Provenance(owner="oper"),
                    defined_in=("etc/cron.d/ems.dpkg-dist",))
    assert judge(other, files, _fire(), NOW) is first
    assert first.verdict == "destructive"


def test_a_far_fire_time_is_judged_apart_from_a_near_one():
    clear_cache()
    job, files = _script_job(_DELETES)
    near = judge(job, files, _fire(1), NOW)
    far = judge(job, files, _fire(75), NOW)
    assert "lg.context.dormant" not in _rules(near)
    assert "lg.context.dormant" in _rules(far)
    assert far.severity >= near.severity


def test_an_owner_outside_the_admins_is_judged_apart():
    clear_cache()
    job, files = _script_job(_SETS)
    admin = judge(job, files, _fire(), NOW)
    oper = judge(replace(job, owner="oper"), files, _fire(), NOW)
    assert "lg.context.non-admin-owner" not in _rules(admin)
    assert "lg.context.non-admin-owner" in _rules(oper)


def test_an_inert_job_is_judged_apart_from_an_active_one():
    clear_cache()
    job, files = _script_job(_DELETES)
    active = judge(job, files, _fire(), NOW)
    inert = judge(replace(job, state="inert", problem="the scheduler ignores this file"), files,
                  _fire(), NOW)
    assert "lg.context.cannot-fire" in _rules(inert) and "lg.context.cannot-fire" not in _rules(active)


def test_a_changed_script_is_a_new_judgement():
    clear_cache()
    job, files = _script_job(_DELETES)
    assert judge(job, files, _fire(), NOW).verdict == "destructive"
    _, benign = _script_job("#!/bin/sh\nfind /var/tmp/ems -mtime +7 -delete\n")
    assert judge(job, benign, _fire(), NOW).verdict != "destructive"
