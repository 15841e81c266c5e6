"""An insider with write access to the collector's baselines folder against the two-person
rule: approvers sign with `baseline approve --all` what the store polled, not whatever the
proposal file says by the time they sign. A real home and SQLite store on disk, real signed
polls through ingest, the real CLI. Every test here failed before its fix."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from lineguard.collector import baseline
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from lineguard.collector.platforms import judged
from tests.baselinekit import Fleet, device
from tests.snapfactory import AgentChain


def _findings(home: Home, capsys) -> list[dict]:
    capsys.readouterr()
    lineguard(["--home", str(home.root), "check", "--json", "--no-email"])
    return json.loads(capsys.readouterr().out)["findings"]


def test_a_proposal_edited_before_the_approvers_sign_is_refused(tmp_path: Path, home: Home,
                                                                chain: AgentChain, capsys):
    """The insider rewrites the pending proposal so that it already lacks the five circuits
    they will delete (rows and config digest of the poll after the deletion): signed with
    `approve --all`, the deletion then matched the approved baseline — no loss, no drift."""
    fleet = Fleet(home, chain)
    fleet.poll(device("atm-kobe-01", pvcs=20))
    alice = fleet.approver(tmp_path / "keys", "alice")
    bob = fleet.approver(tmp_path / "keys", "bob")
    assert lineguard(["--home", str(home.root), "baseline", "propose", "atm-kobe-01"]) == 0
    proposal = baseline.proposal_path(fleet.baselines, "atm-kobe-01")
    doc = json.loads(proposal.read_text())
    after = judged(device("atm-kobe-01", pvcs=15))
    body = doc["body"] if "body" in doc else doc
    body["line_data"] = [asdict(r) for r in baseline.line_data(after) or ()]
    body["artifacts"] = [{**a, "sha256": next(x.sha256 for x in after.artifacts
                                              if x.name == a["name"])} for a in body["artifacts"]]
    assert len(body["line_data"]) == 15
    proposal.write_text(json.dumps(doc))
    capsys.readouterr()
    signed = [lineguard(["--home", str(home.root), "baseline", "approve", "--all", "--key",
                         str(key), "--by", name]) for key, name in ((alice, "alice"), (bob, "bob"))]
    err = capsys.readouterr().err
    assert signed == [2, 2], err
    assert "does not match the poll it names" in err and len(err.strip().splitlines()) == 2
    assert not baseline.approved_path(fleet.baselines, "atm-kobe-01").exists()
    # the deletion is a loss against the first complete poll, as with no baseline at all
    fleet.poll(device("atm-kobe-01", pvcs=15))
    kinds = {f["kind"] for f in _findings(home, capsys) if f["target"] == "atm-kobe-01"}
    assert "line-data-loss" in kinds


def test_a_proposal_as_proposed_is_signed_into_force(tmp_path: Path, home: Home,
                                                     chain: AgentChain, capsys):
    fleet = Fleet(home, chain)
    fleet.poll(device("atm-kobe-01", pvcs=20))
    alice = fleet.approver(tmp_path / "keys", "alice")
    bob = fleet.approver(tmp_path / "keys", "bob")
    assert lineguard(["--home", str(home.root), "baseline", "propose", "--all"]) == 0
    for key, name in ((alice, "alice"), (bob, "bob")):
        assert lineguard(["--home", str(home.root), "baseline", "approve", "--all", "--key",
                          str(key), "--by", name]) == 0
    assert baseline.load_approved(fleet.baselines, "atm-kobe-01") is not None
