"""A short fuzzing pass in the normal suite over every reader of untrusted input (the wire
format, ingest, host schedule files, device configs and walks, the agent's text readers): no
crash, no traceback. Derandomised and without per-example deadlines, so it is the same run on a
loaded machine; bench/fuzz.py runs the long one (100,000+ cases)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzzing import TARGETS, FuzzTarget

SHORT = settings(max_examples=25, derandomize=True, deadline=None, database=None,
                 suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_no_input_crashes_the_reader(target: FuzzTarget) -> None:
    @SHORT
    @given(target.strategy)
    def reads_without_crashing(value) -> None:
        target.check(value)

    reads_without_crashing()


def test_a_digit_python_cannot_count_with_is_a_bad_field_not_a_crash() -> None:
    """Found by bench/fuzz.py: '²' passes str.isdigit() but not int()."""
    from tests.fuzzing import _judge_host
    _judge_host("anacrontab", "etc/anacrontab", "1 ² job1 /bin/true\n² 5 job2 /bin/true\n")
    _judge_host("crontab", "etc/crontab", "² * * * * root /bin/true\n")
