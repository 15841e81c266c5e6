"""The artifact `state` on the wire: written by the agent for each artifact, checked against the
other fields by the collector, and derived from the error text for snapshots signed before the
field existed — which still verify, as stored, byte for byte."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from lineguard.agent.sources.host import collect
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from lineguard.collector.parse.host import jobs
from lineguard.formats.wire import WireError, canonical, load, sha256_hex
from tests.hostroot import add_bad_input, debian_root, write
from tests.snapfactory import AgentChain

EXPECTED = {
    "etc/cron.d/badinput": "ok",
    "opt/bad/latin1.sh": "ok",
    "opt/bad/tool.bin": "binary",
    "opt/bad/loop-a": "unreadable",        # symlink loop
    "opt/bad/huge.bin": "unreadable",      # too large even to hash
    "opt/bad/pipe.sh": "special",          # a FIFO is never opened
    "opt/bad/gone.sh": "missing",
}


def _stateless(body: dict) -> dict:
    """The body as an agent before the state field would have written it."""
    doc = json.loads(canonical(body))
    for target in doc["targets"]:
        for art in target["artifacts"]:
            del art["state"]
    return doc


def _signed(chain: AgentChain, body: dict) -> bytes:
    sig = base64.b64encode(chain.key.sign(canonical(body))).decode("ascii")
    return canonical({"body": body, "sig": sig}) + b"\n"


@pytest.fixture
def host(tmp_path: Path):
    root = debian_root(tmp_path / "root", None)
    add_bad_input(root)
    write(root, "opt/bad/tool.bin", b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)), 0o755)
    write(root, "etc/cron.d/tool", "6 6 * * * root /opt/bad/tool.bin\n")
    target, _ = collect(root)
    return target


def test_old_and_new_snapshots_give_every_artifact_the_same_state(
        home: Home, enrolled: AgentChain, host, tmp_path: Path) -> None:
    # seq 1 as an older agent wrote it (no state), seq 2 as this agent writes it
    first, _ = enrolled.snapshot(targets=(host,), advance=False)
    old_body = _stateless(first.body())
    old = tmp_path / "old.lgsnap"
    old.write_bytes(_signed(enrolled, old_body))
    enrolled.seq, enrolled.prev = 1, sha256_hex(canonical(old_body))
    new = enrolled.write(tmp_path / "new", targets=(host,))

    new_wire = json.loads(new.read_bytes())["body"]["targets"][0]["artifacts"]
    written = {a["name"]: a["state"] for a in new_wire}
    assert {n: written[n] for n in EXPECTED} == EXPECTED
    assert all("state" not in a for a in old_body["targets"][0]["artifacts"])

    assert lineguard(["--home", str(home.root), "ingest", str(old)]) == 0
    assert lineguard(["--home", str(home.root), "ingest", str(new)]) == 0
    store = home.open()
    [(old_id,), (new_id,)] = store.db.execute("SELECT id FROM snapshots ORDER BY seq").fetchall()
    [old_target], [new_target] = store.targets_of(old_id), store.targets_of(new_id)
    derived = {a.name: a.state for a in old_target.artifacts}
    assert derived == {a.name: a.state for a in new_target.artifacts}
    assert {n: derived[n] for n in EXPECTED} == EXPECTED
    assert not any(a.stated for a in old_target.artifacts)
    assert all(a.stated for a in new_target.artifacts)
    # the same jobs and the same not-captured problems, whichever agent wrote the snapshot
    facts = {"timezone": "UTC", "dialect": "debian"}
    assert [(j.origin_path, j.state, j.problem) for j in jobs(old_target, facts)] == \
        [(j.origin_path, j.state, j.problem) for j in jobs(new_target, facts)]
    # the stored old snapshot re-assembles to the body its agent signed, without a state
    body, sig = store.snapshot_body(old_id)
    assert canonical(body) == canonical(old_body)
    enrolled.key.public_key().verify(bytes(sig), canonical(body))
    store.close()
    assert lineguard(["--home", str(home.root), "audit", "--verify"]) == 0


def _with_artifact(chain: AgentChain, host, **change) -> bytes:
    snap, _ = chain.snapshot(targets=(host,), advance=False)
    body = json.loads(canonical(snap.body()))
    art = next(a for a in body["targets"][0]["artifacts"] if a["name"] == "opt/bad/gone.sh")
    art.update(change)
    return _signed(chain, body)


@pytest.mark.parametrize("change, message", [
    ({"state": "ok"}, "'opt/bad/gone.sh': a ok artifact cannot have an error"),
    ({"state": "fine"}, "'opt/bad/gone.sh': state must be one of ok, partial, binary"),
    ({"state": 1}, "'opt/bad/gone.sh': state must be a string"),
    ({"state": "missing", "error": None}, "'opt/bad/gone.sh': a missing artifact needs an error"),
    ({"state": "hash_only", "error": "too large"},
     "'opt/bad/gone.sh': a hash_only artifact needs its sha256"),
])
def test_a_state_that_contradicts_the_artifact_is_refused(chain: AgentChain, host, change: dict,
                                                         message: str) -> None:
    with pytest.raises(WireError) as e:
        load(_with_artifact(chain, host, **change))
    assert message in str(e.value)


def test_a_missing_file_cannot_claim_content(chain: AgentChain, host) -> None:
    data = b"#!/bin/sh\necho hidden\n"
    with pytest.raises(WireError, match="a missing artifact cannot have content"):
        load(_with_artifact(chain, host, content=data.decode(), sha256=sha256_hex(data)))
