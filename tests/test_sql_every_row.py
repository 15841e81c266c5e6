"""A DELETE whose WHERE every row meets empties the table, however the condition is spelled:
through the real engine, as a psql job on the management server."""

from __future__ import annotations

import pytest

from tests.test_change_control import _judge


@pytest.mark.parametrize("where", [
    "id > 0", "name LIKE '%'", "id IN (SELECT id FROM pvc)", "2 = 2", "5 > 3",
    "vpi >= 0 OR vci = 32", "(1=1)", "id <> -1", "id = 5 OR 1 = 1",
    "EXISTS (SELECT 1 FROM pvc)",
    # conditions on literals alone, however compared (session 8)
    "'x' LIKE '%'", "'ab' NOT LIKE 'c%'", "'b' > 'a'", "NOT 1 = 0", "NOT (2 < 1)",
    "vpi = 3 OR 'a' <> 'b'", "5", "NOT FALSE", "'ems' ILIKE 'E_S'",
])
def test_a_where_every_row_meets_wipes_line_data(where):
    j = _judge(f'psql -d ems -c "DELETE FROM pvc WHERE {where}"\n')
    assert j.verdict == "destructive"
    assert "lg.sql.linedata-wipe" in {r.rule for r in j.reasons}


@pytest.mark.parametrize("where", [
    "id = 5", "vpi = 0 AND vci = 32", "(id = 5) OR (id = 6)", "status = 'retired'",
    "vpi = 0 AND 1 = 1", "'a' = 'b'", "NOT 1", "name LIKE 'tmp%'", "NOT active", "0",
    "'x' NOT LIKE '%'",
])
def test_a_where_naming_rows_is_not_a_wipe(where):
    j = _judge(f'psql -d ems -c "DELETE FROM pvc WHERE {where}"\n')
    assert "lg.sql.linedata-wipe" not in {r.rule for r in j.reasons}


def test_old_rows_of_a_history_table_are_housekeeping():
    j = _judge("psql -d ems -c \"DELETE FROM alarm_history WHERE raised < now() - interval "
               "'90 days'\"\n")
    assert j.verdict == "benign"
