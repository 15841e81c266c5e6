"""Approved baselines: proposed only from complete polls, in force only once two distinct listed
approvers have signed (the two-person rule), and never trusted once altered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lineguard.collector import baseline, render
from lineguard.collector.baseline import BaselineError
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from lineguard.formats.wire import canonical
from tests.baselinekit import Fleet, device
from tests.snapfactory import AgentChain


@pytest.fixture
def fleet(home: Home, chain: AgentChain) -> Fleet:
    return Fleet(home, chain)


def test_proposal_comes_from_newest_complete_poll_and_approval_signs_it(fleet: Fleet,
                                                                       tmp_path: Path) -> None:
    fleet.poll(device("atm-kobe-03", pvcs=30))
    fleet.poll(device("atm-kobe-03", pvcs=31))
    fleet.poll(device("atm-kobe-03", status="unreachable"))
    proposal = baseline.propose(fleet.store, "atm-kobe-03", fleet.baselines)
    assert proposal.name == "atm-kobe-03.proposed.json"
    doc = json.loads(proposal.read_text())
    assert doc["signatures"] == []
    assert doc["body"]["source"]["seq"] == 2            # the newest ok poll, not the failed #3
    assert len(doc["body"]["line_data"]) == 31
    assert {a["name"] for a in doc["body"]["artifacts"]} == {"running-config", "show-clock"}
    assert proposal.read_text().startswith('{\n  "body": {\n')   # reviewable, one field a line

    key = fleet.approver(tmp_path)
    sato = fleet.approver(tmp_path, "sato")
    assert baseline.path_for(fleet.baselines, "atm-kobe-03") == proposal
    state = baseline.approve(proposal, key, "tanaka")
    assert not state.in_force and state.missing == 1 and proposal.exists()
    assert baseline.load_approved(fleet.baselines, "atm-kobe-03") is None
    shown = render.baseline_status(baseline.status(fleet.baselines, "atm-kobe-03"))
    assert "PENDING: signed by tanaka (1 of 2 required); needs 1 more approver(s)" in shown
    assert baseline.approve(proposal, sato, "sato").in_force
    assert not proposal.exists()
    approved = baseline.load_approved(fleet.baselines, "atm-kobe-03")
    assert approved is not None and approved.approved_by == "tanaka, sato"
    assert approved.source.seq == 2 and len(approved.line_data) == 31
    row = next(r for r in approved.line_data if r.vci == 100)
    assert (row.kind, row.interface, row.vpi, row.extra.get("name")) == ("vcl", "ATM0/0/0", 1,
                                                                         "BTS100")
    shown = render.baseline_status(baseline.status(fleet.baselines, "atm-kobe-03"))
    assert "in force, approved by tanaka, sato (2 of 2 required)" in shown
    assert "line data: 31 row(s)" in shown


def test_one_approver_cannot_sign_twice_or_stand_in_for_two(fleet: Fleet, tmp_path: Path) -> None:
    fleet.poll(device("atm-kobe-03"))
    key = fleet.approver(tmp_path)
    proposal = baseline.propose(fleet.store, "atm-kobe-03", fleet.baselines)
    baseline.approve(proposal, key, "tanaka")
    with pytest.raises(BaselineError, match="tanaka has already signed"):
        baseline.approve(proposal, key, "tanaka")
    doc = json.loads(proposal.read_text())
    doc["signatures"].append(dict(doc["signatures"][0]))   # the same signature pasted twice
    approved = baseline.approved_path(fleet.baselines, "atm-kobe-03")
    approved.write_text(json.dumps(doc))
    with pytest.raises(BaselineError, match=r"1 of 2 required.*not trusted"):
        baseline.load_approved(fleet.baselines, "atm-kobe-03")
    assert baseline.load_approved(fleet.baselines, "atm-kobe-03", required=1) is not None


@pytest.mark.parametrize("status", ["unreachable", "auth-failed", "timeout", "partial"])
def test_baseline_is_never_proposed_from_a_failed_or_partial_poll(fleet: Fleet,
                                                                  status: str) -> None:
    truncated = "hostname atm-kobe-03\ninterface ATM0/0/0.100 point-to-point\n pvc A 1/100\n"
    fleet.poll(device("atm-kobe-03", status=status, config=truncated, error="cut short"))
    with pytest.raises(BaselineError, match=f"no complete poll of atm-kobe-03.*{status}"):
        baseline.propose(fleet.store, "atm-kobe-03", fleet.baselines)
    assert not list(fleet.baselines.glob("*.json"))


def test_unknown_target_cannot_be_proposed(fleet: Fleet) -> None:
    fleet.poll(device("atm-kobe-03"))
    with pytest.raises(BaselineError, match="no stored snapshot carries target 'atm-nara-01'"):
        baseline.propose(fleet.store, "atm-nara-01", fleet.baselines)


def test_altered_baseline_is_not_trusted_but_reformatting_is_harmless(fleet: Fleet,
                                                                      tmp_path: Path) -> None:
    fleet.poll(device("atm-kobe-03", pvcs=12))
    path = fleet.approve("atm-kobe-03", fleet.approver(tmp_path))
    doc = json.loads(path.read_text())
    path.write_text(json.dumps(doc, indent=4))               # a reviewer's editor reflows it
    assert baseline.load_approved(fleet.baselines, "atm-kobe-03") is not None

    doc["body"]["line_data"] = doc["body"]["line_data"][:-1]   # quietly drop one PVC
    path.write_text(json.dumps(doc, indent=2))
    with pytest.raises(BaselineError, match="bad signature.*not trusted"):
        baseline.load_approved(fleet.baselines, "atm-kobe-03")
    assert "NOT TRUSTED" in render.baseline_status(baseline.status(fleet.baselines, "atm-kobe-03"))


def test_unsigned_or_unlisted_baseline_is_not_trusted(fleet: Fleet, tmp_path: Path) -> None:
    fleet.poll(device("atm-kobe-03"))
    proposal = baseline.propose(fleet.store, "atm-kobe-03", fleet.baselines)
    approved = baseline.approved_path(fleet.baselines, "atm-kobe-03")
    approved.write_text(proposal.read_text())                  # installed without approval
    with pytest.raises(BaselineError, match="not signed"):
        baseline.load_approved(fleet.baselines, "atm-kobe-03")

    fleet.approve("atm-kobe-03", fleet.approver(tmp_path, "sato"), "sato")
    lines = (fleet.baselines / "approvers").read_text().splitlines()
    (fleet.baselines / "approvers").write_text(                # sato left the team
        "\n".join(ln for ln in lines if not ln.startswith("sato ")) + "\n")
    with pytest.raises(BaselineError, match="'sato', who is not a listed approver"):
        baseline.load_approved(fleet.baselines, "atm-kobe-03")


def test_only_a_listed_approver_with_their_own_key_can_approve(fleet: Fleet,
                                                               tmp_path: Path) -> None:
    fleet.poll(device("atm-kobe-03"))
    tanaka = fleet.approver(tmp_path, "tanaka")
    fleet.approver(tmp_path, "sato")
    proposal = baseline.propose(fleet.store, "atm-kobe-03", fleet.baselines)
    with pytest.raises(BaselineError, match="'mallory' is not listed"):
        baseline.approve(proposal, tanaka, "mallory")
    with pytest.raises(BaselineError, match="not the key listed for approver 'sato'"):
        baseline.approve(proposal, tanaka, "sato")
    assert baseline.load_approved(fleet.baselines, "atm-kobe-03") is None


def test_signature_covers_the_canonical_body(fleet: Fleet, tmp_path: Path) -> None:
    fleet.poll(device("atm-kobe-03"))
    path = fleet.approve("atm-kobe-03", fleet.approver(tmp_path))
    doc = json.loads(path.read_text())
    b = baseline.load_approved(fleet.baselines, "atm-kobe-03")
    assert canonical(b.body()) == canonical(doc["body"])
    assert [s["approver"] for s in doc["signatures"]] == ["tanaka", "second"]
    assert all(s["key_id"].startswith("SHA256:") for s in doc["signatures"])


def test_baseline_commands_propose_approve_show(fleet: Fleet, tmp_path: Path, capsys) -> None:
    fleet.poll(device("atm-kobe-03", pvcs=8))
    key = fleet.approver(tmp_path)
    sato = fleet.approver(tmp_path, "sato")
    root = str(fleet.home.root)
    assert lineguard(["--home", root, "baseline", "propose", "atm-kobe-03"]) == 0
    capsys.readouterr()
    assert lineguard(["--home", root, "baseline", "approve", "atm-kobe-03", "--key", str(key),
                      "--by", "tanaka"]) == 0
    assert "atm-kobe-03: PENDING: signed by tanaka (1 of 2 required)" in capsys.readouterr().out
    assert lineguard(["--home", root, "baseline", "approve", "atm-kobe-03", "--key", str(sato),
                      "--by", "sato"]) == 0
    assert "atm-kobe-03: in force, approved by tanaka, sato" in capsys.readouterr().out
    assert lineguard(["--home", root, "baseline", "show", "atm-kobe-03"]) == 0
    out = capsys.readouterr().out
    assert "approved by tanaka, sato" in out and "line data: 8 row(s)" in out
    assert "signed by sato (SHA256:" in out
    assert lineguard(["--home", root, "baseline", "approve", "atm-kobe-03", "--key", str(key),
                      "--by", "mallory"]) == 2
    assert "not listed" in capsys.readouterr().err


def test_the_example_baseline_in_the_repository_verifies() -> None:
    example = Path(__file__).resolve().parents[1] / "baselines" / "example"
    b = baseline.load_approved(example, "atm-kobe-03")
    assert b is not None and b.approved_by == "tanaka, sato"
    assert [r.extra["name"] for r in b.line_data] == ["BTS100", "BTS101", "BTS102"]


def test_a_proposal_naming_a_path_cannot_be_approved_outside_the_folder(fleet: Fleet,
                                                                       tmp_path: Path,
                                                                       capsys) -> None:
    fleet.poll(device("atm-kobe-03"))
    key = fleet.approver(tmp_path)
    proposal = baseline.propose(fleet.store, "atm-kobe-03", fleet.baselines)
    doc = json.loads(proposal.read_text())
    doc["body"]["target"] = "../../escaped"            # a hand-edited proposal under review
    proposal.write_text(json.dumps(doc, indent=2))
    with pytest.raises(BaselineError, match="not a target name"):
        baseline.approve(proposal, key, "tanaka")
    assert not list(fleet.home.root.parent.rglob("escaped*"))
    capsys.readouterr()
    assert lineguard(["--home", str(fleet.home.root), "diff", "../../escaped"]) == 2
    assert "not a target name" in capsys.readouterr().err
