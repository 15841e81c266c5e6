"""The collector as a library: its operations take a Store (and the home's settings, an instant)
and return records; nothing here reads what a command printed. The store is a real SQLite
database on disk, filled through the real ingest path; the last tests keep SQL inside the store
and printing out of the operations."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lineguard.agent.cli import main as agent
from lineguard.collector import baseline, render, render_json
from lineguard.collector.agents import enrol
from lineguard.collector.analyse.drift import TargetDiff, diff_target
from lineguard.collector.check import Judged, alerting, check, send_alerts
from lineguard.collector.evidence import verify_store
from lineguard.collector.home import Home
from lineguard.collector.html_report import render_html
from lineguard.collector.ingest import ingest_paths
from lineguard.collector.jobs import JobList, job_list
from lineguard.collector.markdown import render as markdown
from lineguard.collector.report import FleetReport, fleet_report
from lineguard.collector.restore import approval, plan
from lineguard.collector.store import Store
from tests.baselinekit import Fleet, device
from tests.snapfactory import AgentChain
from tests.test_check import AT_FILE, planted_root

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
FIRES = datetime(2027, 2, 10, 3, 0, tzinfo=UTC)   # the planted at job (reference §2)
REPO = Path(__file__).resolve().parent.parent
COLLECTOR = REPO / "collector"


@pytest.fixture
def planted(tmp_path: Path, home: Home) -> Store:
    """The planted at job's host, snapshotted by the real agent, enrolled and ingested through
    the library."""
    key = tmp_path / "agent.key"
    assert agent(["keygen", "--out", str(key)]) == 0
    snap = tmp_path / "s1.lgsnap"
    assert agent(["snapshot", "--root", str(planted_root(tmp_path / "root")), "--hostname",
                  "ems-01", "--agent", "ems-01", "--key", str(key), "--out", str(snap)]) == 0
    store = home.open()
    enrol(store, "ems-01", Path(f"{key}.pub"), "osaka")
    [result] = ingest_paths(home, store, [snap])
    assert (result.outcome, result.agent, result.seq) == ("accepted", "ems-01", 1)
    return store


@pytest.fixture
def fleet(home: Home, chain: AgentChain) -> Fleet:
    return Fleet(home, chain)


def test_jobs_are_records_filtered_by_the_library(home: Home, planted: Store, capsys) -> None:
    capsys.readouterr()
    listing = job_list(planted, home.settings(), NOW)
    assert isinstance(listing, JobList) and listing.now == NOW and listing.problems == []
    [at] = [v for v in listing.views if v.job.source == "at"]
    assert (at.job.target, at.job.origin_path) == ("ems-01",
                                                 f"var/spool/cron/atjobs/{AT_FILE}")
    assert (at.judgement.verdict, at.judgement.severity) == ("destructive", "critical")
    assert at.fire.at == FIRES
    assert listing.alerting                          # critical, at or above osaka's threshold

    critical = job_list(planted, home.settings(), NOW, min_severity="critical")
    assert [v.job.source for v in critical.views] == ["at"]
    assert critical.views[0].judgement.severity == "critical"
    booting = job_list(planted, home.settings(), NOW, trigger="boot")
    assert all(v.judgement.severity != "critical" for v in booting.views)
    assert not booting.alerting
    with pytest.raises(LookupError, match="atm-nara-01"):
        job_list(planted, home.settings(), NOW, target="atm-nara-01")
    assert capsys.readouterr() == ("", "")          # operations print nothing


def test_check_returns_judged_findings_and_records_them_only_when_asked(
        home: Home, planted: Store, capsys) -> None:
    capsys.readouterr()
    what_if = check(home, planted, NOW, record=False)
    assert planted.finding_rows() == []              # a what-if leaves no trace
    [job] = [j for j in what_if if j.finding.kind == "job"]
    assert isinstance(job, Judged) and not job.waived and job.waiver is None
    assert (job.finding.severity, job.finding.site, job.finding.fire_at) == ("critical", "osaka",
                                                                            FIRES)
    assert alerting(home.settings(), what_if)

    judged = check(home, planted, NOW, record=True)
    assert {r.key for r in planted.finding_rows()} == {j.finding.key for j in judged}
    assert capsys.readouterr() == ("", "")
    # the renderers take the same records
    assert render_json.finding(job.finding)["fire_at"] == "2027-02-10T03:00:00Z"
    assert render.check(judged, NOW).startswith("CRITICAL job")


def test_due_alerts_are_mailed_by_the_library_once(home: Home, planted: Store, smtp) -> None:
    """check() then send_alerts() over a real SMTP server: the keys sent come back, the alert
    state is kept in the store, and a second run finds nothing due."""
    port, inbox = smtp
    (home.root / "config.toml").write_text(f"smtp_port = {port}\n")
    now = datetime.now(UTC).replace(microsecond=0)    # alert state records real sends
    judged = check(home, planted, now, record=True)
    [job] = [j.finding for j in judged if j.finding.kind == "job"]
    sent = send_alerts(home, planted, judged, now, UTC)
    assert job.key in sent
    [(sender, rcpts, msg)] = inbox.messages          # one digest: site osaka's
    assert (sender, rcpts) == ("lineguard@localhost", ["soc@localhost"])
    assert msg["Subject"].startswith("[lineguard] CRITICAL: 1 destructive job fires in")
    [attached] = [p for p in msg.iter_attachments()]
    assert attached.get_filename() == "lineguard-report.html"
    assert "lineguard fleet report" in attached.get_content()
    assert planted.alert_state("site:osaka", job.key)["sent_count"] == 1
    assert send_alerts(home, planted, judged, now, UTC) == []
    assert len(inbox.messages) == 1


def test_report_is_one_record_that_every_format_renders(home: Home, planted: Store) -> None:
    report = fleet_report(home, planted, NOW)
    assert isinstance(report, FleetReport) and report.now == NOW
    assert [a.name for a in report.agents] == ["ems-01"]
    [target] = report.targets
    assert (target.name, target.kind, target.site, target.status) == ("ems-01", "host", "osaka",
                                                                      "ok")
    assert target.baseline == "none" and target.artifacts > 0
    assert report.sites["ems-01"] == "osaka"
    assert any(f.kind == "job" and f.fire_at == FIRES for f in report.open_findings)
    assert any(v.job.source == "at" for v in report.views)
    planted.close()                                  # rendering needs no store
    html, md = render_html(report), markdown(report)
    assert "lineguard fleet report" in html and f"{len(report.targets)} targets" in html
    assert md.startswith("# lineguard report, as of 2026-11-25T09:00:00Z")
    assert f"## Findings ({len(report.judged)})" in md


def test_baselines_diff_and_restore_plan_as_records(fleet: Fleet, tmp_path: Path) -> None:
    store, bdir = fleet.store, fleet.baselines
    fleet.poll(device("atm-kobe-03", pvcs=20))
    baseline.propose(store, "atm-kobe-03", bdir)
    first = baseline.sign(store, bdir, "atm-kobe-03", fleet.approver(tmp_path), "tanaka", 2,
                          judged_here=True)
    assert not first.in_force and first.missing == 1
    pending = baseline.status(bdir, "atm-kobe-03", 2)
    assert pending.approved is None and pending.untrusted is None
    assert pending.proposal is not None and pending.proposal_state is not None
    assert pending.proposal_state.approvers == ("tanaka",)
    second = baseline.sign(store, bdir, "atm-kobe-03", fleet.approver(tmp_path, "sato"), "sato",
                           2, judged_here=True)
    assert second.in_force
    events = [r["event"] for r in store.audit_events("baseline-sign", "baseline-in-force")]
    assert events == ["baseline-sign", "baseline-sign", "baseline-in-force"]
    in_force = baseline.status(bdir, "atm-kobe-03", 2)
    assert in_force.approved is not None and in_force.proposal is None
    assert in_force.approved.line_data is not None and len(in_force.approved.line_data) == 20

    fleet.poll(device("atm-kobe-03", pvcs=17))       # three PVCs deleted on the device
    d = diff_target(store, "atm-kobe-03", bdir, required=2)
    assert isinstance(d, TargetDiff) and d.against == "baseline" and d.changed
    assert (d.rows_before, d.rows_after, len(d.rows_where("lost"))) == (20, 17, 3)

    signed, path = plan.create(store, fleet.home.root, bdir, ["atm-kobe-03"], NOW,
                               lambda site: 2)
    assert path == fleet.home.root / "restore" / f"{signed.body.id}.lgplan" and path.is_file()
    [dev] = signed.body.devices
    assert (dev.device, dev.platform, len(dev.rows)) == ("atm-kobe-03", "cisco_ios", 3)
    assert signed.body.refused == () and signed.body.required_approvals == 2
    assert [r["subject"] for r in store.audit_events("restore-plan")] == [signed.body.id]
    review = approval.review(path, fleet.home.root, bdir)
    assert review.plan.digest == signed.digest and review.approved_by == []


def test_audit_verification_returns_problems_as_data(home: Home, planted: Store) -> None:
    assert verify_store(planted) == []
    import sqlite3
    db = sqlite3.connect(home.db_path)               # someone edits the database by hand
    db.execute("UPDATE agents SET site = 'lab'")
    db.commit()
    db.close()
    assert verify_store(planted) == ["agent ems-01: site 'lab' is not the enrolled site "
                                     "'osaka' (its alerts would go to another site)"]


# --- the layering stays true ---------------------------------------------------------------

_SQL_CALLS = {"execute", "executemany", "executescript", "query"}
_CONNECTIONS = {"db", "conn"}


def _sql_uses(tree: ast.AST) -> list[int]:
    """Lines that reach a database: `X.db` / `X.conn` (the store's connection), `.execute(...)`
    and friends on a `db` or `conn`, and opening a connection (sqlite3.connect,
    sqlite_utils.Database)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in _CONNECTIONS:
            lines.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            name = receiver.attr if isinstance(receiver, ast.Attribute) else \
                receiver.id if isinstance(receiver, ast.Name) else None
            if node.func.attr in _SQL_CALLS and name in _CONNECTIONS:
                lines.append(node.lineno)
            elif (name, node.func.attr) in {("sqlite3", "connect"), ("sqlite_utils", "Database")}:
                lines.append(node.lineno)
    return sorted(set(lines))


def test_sql_lives_only_in_the_store() -> None:
    found = {str(p.relative_to(REPO)): _sql_uses(ast.parse(p.read_text(), str(p)))
             for package in ("agent", "collector", "formats", "sim")
             for p in sorted((REPO / package).rglob("*.py"))}
    assert len(found["collector/store.py"]) > 20     # the scan sees SQL where it is
    assert {path: lines for path, lines in found.items()
            if lines and path != "collector/store.py"} == {}


def test_operations_take_the_store_from_their_caller() -> None:
    """No library module opens a store of its own (Home.open is the command line's)."""
    opened = {}
    for p in sorted(COLLECTOR.rglob("*.py")):
        if p.name in ("cli.py", "home.py", "store.py"):
            continue
        calls = [n.lineno for n in ast.walk(ast.parse(p.read_text()))
                 if isinstance(n, ast.Call) and (
                     (isinstance(n.func, ast.Attribute) and n.func.attr == "open"
                      and isinstance(n.func.value, ast.Name) and n.func.value.id == "home")
                     or (isinstance(n.func, ast.Name) and n.func.id == "Store"))]
        if calls:
            opened[str(p.relative_to(COLLECTOR))] = calls
    assert opened == {}
