"""Ingest against a hostile insider: files built to stop, blind or mislead the collector (issue
10). No single file may stop the others; what cannot be ingested is quarantined or reported, by a
name that cannot forge output lines; an enrolled agent speaks only for its own targets; the wire
format is checked field by field; two ingests at once do not trip over each other."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from lineguard.formats.wire import Artifact, Target, WireError, canonical, load
from tests.baselinekit import device
from tests.snapfactory import AgentChain

CLI = [sys.executable, "-m", "lineguard.collector.cli"]
BOUND_S = 120       # a hung ingest fails the test instead of hanging the suite


def run(home: Home, *args: str) -> int:
    return lineguard(["--home", str(home.root), *args])


def enrol(home: Home, chain: AgentChain, *extra: str) -> AgentChain:
    assert run(home, "agents", "add", chain.name, "--key", str(chain.pub_path), *extra) == 0
    return chain


def reasons(home: Home) -> dict[str, list[str]]:
    """Quarantine: each .reason file's lines, by the name of the kept file."""
    return {p.name[: -len(".reason")]: p.read_text().splitlines()
            for p in home.quarantine.glob("*.reason")}


def signed(chain: AgentChain, edit) -> bytes:
    """The chain's next snapshot with its body edited as a dict, then signed properly."""
    snap, _ = chain.snapshot(advance=False)
    body = snap.body()
    edit(body)
    sig = base64.b64encode(chain.key.sign(canonical(body))).decode()
    return canonical({"body": body, "sig": sig}) + b"\n"


# --- 1. no single file stops ingestion ------------------------------------------------------

WEIRD = {
    "lone-surrogate": lambda good: good.replace(b'"dialect":"debian"', b'"dialect":"deb\\udc80"'),
    "float-overflow": lambda good: good.replace(b'"dialect":"debian"', b'"dialect":1e999'),
    "5000-digit-int": lambda good: good.replace(b'"dialect":"debian"', b'"dialect":' + b"9" * 5000),
}


@pytest.mark.parametrize("case", sorted(WEIRD))
def test_a_file_no_parser_expects_is_quarantined_and_the_batch_goes_on(
        case: str, home: Home, enrolled: AgentChain, capsys) -> None:
    first = enrolled.write(home.inbox)
    weird = home.inbox / f"{case}.lgsnap"
    weird.write_bytes(WEIRD[case](enrolled.snapshot(advance=False)[1]))
    enrolled.write(home.inbox)
    enrolled.write(home.inbox)
    capsys.readouterr()

    assert run(home, "ingest") == 2

    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if case in line] == [line for line in err if "rejected" in line]
    assert len(err) == 1 and err[0].startswith(f"{weird}: rejected: malformed snapshot")
    assert home.open().agent(enrolled.name).last_seq == 3 and not first.exists()
    [(kept, lines)] = reasons(home).items()
    assert kept.endswith(weird.name) and lines[0] == str(weird)


def test_a_first_snapshot_with_a_seq_beyond_sqlite_is_rejected_not_a_traceback(
        home: Home, enrolled: AgentChain, tmp_path: Path, capsys) -> None:
    other = enrol(home, AgentChain.create(tmp_path / "k2", "mgmt-02"))
    huge = home.inbox / "huge.lgsnap"
    huge.write_bytes(other.snapshot(seq=2**63, prev="0" * 64)[1])
    enrolled.write(home.inbox)
    capsys.readouterr()

    assert run(home, "ingest") == 2

    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "seq must be" in err[0] and str(huge) in err[0]
    assert home.open().agent(enrolled.name).last_seq == 1
    assert home.open().agent("mgmt-02").last_seq is None


def test_a_file_name_too_long_to_prefix_is_quarantined_under_a_bounded_name(
        home: Home, enrolled: AgentChain, capsys) -> None:
    long = home.inbox / ("x" * 240 + ".lgsnap")
    long.write_bytes(b"not a snapshot")
    enrolled.write(home.inbox)
    capsys.readouterr()

    assert run(home, "ingest") == 2

    assert home.open().agent(enrolled.name).last_seq == 1
    [(kept, lines)] = reasons(home).items()
    assert len(kept) + len(".reason") <= 160 and lines[0] == str(long)
    assert (home.quarantine / kept).read_bytes() == b"not a snapshot"
    assert not long.exists()


def test_an_unforeseen_fault_on_one_file_quarantines_that_file_only(
        home: Home, enrolled: AgentChain, tmp_path: Path, monkeypatch, capsys) -> None:
    from lineguard.collector.store import Store
    other = enrol(home, AgentChain.create(tmp_path / "k2", "mgmt-02"))
    doomed = other.write(home.inbox)
    enrolled.write(home.inbox)
    real = Store.insert_snapshot

    def fault(self, snap, digest, signature):
        if snap.agent == "mgmt-02":
            raise RuntimeError("a bug this file happens to trigger")
        return real(self, snap, digest, signature)

    monkeypatch.setattr(Store, "insert_snapshot", fault)
    capsys.readouterr()
    assert run(home, "ingest") == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"{doomed}: rejected: internal error")
    assert "RuntimeError: a bug this file happens to trigger" in err[0]
    assert home.open().agent(enrolled.name).last_seq == 1
    assert [lines[0] for lines in reasons(home).values()] == [str(doomed)]


# --- 9. inbox handling ----------------------------------------------------------------------

def test_ingest_of_a_fifo_never_blocks(home: Home, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.lgsnap"
    os.mkfifo(fifo)
    os.mkfifo(home.inbox / "pipe.lgsnap")
    for args in ([str(fifo)], []):
        done = subprocess.run([*CLI, "--home", str(home.root), "ingest", *args],
                              capture_output=True, text=True, timeout=BOUND_S)
        assert done.returncode == 2
        assert "pipe.lgsnap" in done.stderr and "FIFO" in done.stderr
        assert done.stderr.count("\n") == 1
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_odd_entries_in_the_inbox_are_reported_on_every_run(home: Home, enrolled: AgentChain,
                                                            tmp_path: Path, capsys) -> None:
    outside = enrolled.write(tmp_path / "elsewhere")
    (home.inbox / "link.lgsnap").symlink_to(outside)
    (home.inbox / "folder").mkdir()
    os.mkfifo(home.inbox / "pipe.lgsnap")
    (home.inbox / "old.lgsnap.reason").write_text("left behind\n")
    enrolled.write(home.inbox)
    for _ in range(2):
        capsys.readouterr()
        assert run(home, "ingest") == 2
        err = capsys.readouterr().err
        for name, why in (("link.lgsnap", "symbolic link"), ("folder", "folder"),
                          ("pipe.lgsnap", "FIFO"), ("old.lgsnap.reason", "reason file")):
            [line] = [x for x in err.splitlines() if x.startswith(str(home.inbox / name) + ":")]
            assert "skipped" in line and why in line, line
    store = home.open()     # the inbox's #2 starts the chain; #1, behind the link, was not read
    assert store.agent(enrolled.name).last_seq == 2 and store.snapshot_at(enrolled.name, 1) is None
    assert outside.exists() and (home.inbox / "link.lgsnap").is_symlink()


def test_a_newline_in_a_file_name_cannot_forge_a_line(home: Home, enrolled: AgentChain,
                                                      capsys) -> None:
    forged = "x.lgsnap: accepted mgmt-01 #9"
    evil = home.inbox / f"evil\n{forged}"
    evil.write_bytes(b"not a snapshot")
    capsys.readouterr()
    assert run(home, "ingest") == 2
    captured = capsys.readouterr()
    lines = (captured.out + captured.err).splitlines()
    assert len(lines) == 1 and not any(line.startswith(forged) for line in lines)
    assert repr(str(evil)) in lines[0]
    [(_, kept)] = reasons(home).items()
    assert len(kept) == 2 and kept[0] == repr(str(evil))


# --- 2. targets belong to agents ------------------------------------------------------------

def test_an_agent_reporting_another_agents_device_is_rejected_as_critical(
        home: Home, enrolled: AgentChain, tmp_path: Path, capsys) -> None:
    healthy = device("atm-kobe-01", pvcs=20)
    assert run(home, "ingest", str(enrolled.write(tmp_path / "a", targets=(healthy,)))) == 0
    assert run(home, "ingest", str(enrolled.write(tmp_path / "a",
                                                  targets=(device("atm-kobe-01", pvcs=5),)))) == 0
    rogue = enrol(home, AgentChain.create(tmp_path / "k2", "ems-rogue"))
    rogue.taken = enrolled.taken + timedelta(minutes=5)
    copied = rogue.write(tmp_path / "r", targets=(healthy,))
    capsys.readouterr()

    assert run(home, "ingest", str(copied)) == 2

    err = capsys.readouterr().err
    assert "atm-kobe-01" in err and "belongs to agent mgmt-01" in err
    store = home.open()
    assert store.agent("ems-rogue").last_seq is None
    newest = next(store.target_history("atm-kobe-01", limit=1))[0]
    assert newest.agent == enrolled.name
    assert any(p.name.endswith(copied.name) for p in home.quarantine.iterdir())
    capsys.readouterr()
    assert run(home, "check", "--json", "--no-email") == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    [alarm] = [f for f in findings if "atm-kobe-01" in f["title"] and "ems-rogue" in f["title"]]
    assert alarm["severity"] == "critical"


def test_targets_pinned_at_enrolment_and_reassigned_on_the_record(
        home: Home, tmp_path: Path, capsys) -> None:
    a = enrol(home, AgentChain.create(tmp_path / "ka", "ems-a"), "--targets", "atm-osaka-01")
    b = enrol(home, AgentChain.create(tmp_path / "kb", "ems-b"))
    moved = b.write(tmp_path / "b", targets=(device("atm-osaka-01"),), advance=False)
    assert run(home, "ingest", str(moved)) == 2
    assert "belongs to agent ems-a" in capsys.readouterr().err

    assert run(home, "agents", "assign", "atm-osaka-01", "--to", "ems-b") == 0
    assert run(home, "ingest", str(moved)) == 0
    assert run(home, "ingest", str(a.write(tmp_path / "a", targets=(device("atm-osaka-01"),)))) == 2
    rows = home.open().audit_rows(20)
    [assign] = [r for r in rows if r["event"] == "assign"]
    assert assign["agent"] == "ems-b" and "atm-osaka-01" in assign["subject"]
    assert "ems-a" in assign["detail"]
    capsys.readouterr()
    assert run(home, "agents", "--json") == 0
    listed = {r["name"]: r["targets"] for r in json.loads(capsys.readouterr().out)}
    assert listed == {"ems-a": [], "ems-b": ["atm-osaka-01"]}


def test_assigning_to_an_unknown_agent_is_a_one_line_error(home: Home, capsys) -> None:
    assert run(home, "agents", "assign", "atm-osaka-01", "--to", "nobody") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "agent 'nobody' is not enrolled" in err


# --- 5. strict wire format, robust readers --------------------------------------------------

def test_an_impossible_taken_at_is_rejected(chain: AgentChain) -> None:
    data = signed(chain, lambda b: b.update(taken_at="2026-99-99T99:99:99Z"))
    with pytest.raises(WireError, match="taken_at"):
        load(data)


def test_a_taken_at_beyond_the_clock_skew_window_is_rejected(home: Home, enrolled: AgentChain,
                                                             tmp_path: Path, capsys) -> None:
    enrolled.taken = datetime.now(UTC) + timedelta(days=1)
    ahead = enrolled.write(tmp_path / "s")
    assert run(home, "ingest", str(ahead)) == 2
    assert "in the future" in capsys.readouterr().err
    (home.root / "config.toml").write_text("max_clock_skew_seconds = 172800\n")
    assert run(home, "ingest", str(ahead)) == 0


def test_a_taken_at_going_back_in_the_chain_is_rejected(home: Home, enrolled: AgentChain,
                                                        tmp_path: Path, capsys) -> None:
    assert run(home, "ingest", str(enrolled.write(tmp_path / "s"))) == 0
    enrolled.taken -= timedelta(days=3)
    assert run(home, "ingest", str(enrolled.write(tmp_path / "s"))) == 2
    assert "before its predecessor" in capsys.readouterr().err


@pytest.mark.parametrize("seq, ok", [(2**63 - 1, True), (2**63, False), (0, False)])
def test_seq_is_bounded_to_what_the_store_can_hold(chain: AgentChain, seq: int, ok: bool) -> None:
    data = chain.snapshot(seq=seq, prev=None if seq == 1 else "0" * 64)[1]
    if ok:
        assert load(data).snapshot.seq == seq
    else:
        with pytest.raises(WireError, match="seq must be"):
            load(data)


def test_duplicate_json_keys_are_rejected(chain: AgentChain) -> None:
    data = chain.snapshot()[1]
    with pytest.raises(WireError, match="duplicate key 'seq'"):
        load(data.replace(b'"seq":1', b'"seq":1,"seq":1'))


def test_names_equal_after_nfc_normalisation_are_rejected(chain: AgentChain) -> None:
    nfc, nfd = "etc/cron.d/caf\u00e9", "etc/cron.d/cafe\u0301"
    arts = tuple(Artifact.from_bytes(n, "cron.d", b"* * * * * root true\n") for n in (nfc, nfd))
    data = chain.snapshot((Target(kind="host", name="mgmt-01", status="ok", artifacts=arts),))[1]
    with pytest.raises(WireError, match="duplicate artifact names after NFC"):
        load(data)
    twice = (device("atm-kobe-01"), device("atm-kobe-01", status="unreachable"))
    with pytest.raises(WireError, match="duplicate target name"):
        load(chain.snapshot(twice)[1])


def test_the_agent_never_names_two_files_alike_after_nfc() -> None:
    from lineguard.formats.follow import artifact_name
    nfc, nfd = artifact_name("/etc/cron.d/caf\u00e9"), artifact_name("/etc/cron.d/cafe\u0301")
    assert nfc == "etc/cron.d/caf\u00e9" and nfd != nfc
    import unicodedata
    assert unicodedata.is_normalized("NFC", nfd) and "%" in nfd


@pytest.mark.parametrize("where, value", [
    ("host.timezone", 5), ("host.hostname", None), ("key_id", "not-a-fingerprint"),
    ("facts.site", ["kobe"]), ("meta.size", "big"), ("meta.mtime", 1700000000),
    ("artifact.kind", "x" * 200)])
def test_every_field_is_typed(chain: AgentChain, where: str, value) -> None:
    def edit(body: dict) -> None:
        head, _, key = where.rpartition(".")
        target = body["targets"][0]
        art = target["artifacts"][0]
        {"": body, "host": body["host"], "facts": target["facts"], "meta": art["meta"],
         "artifact": art}[head][key] = value
    with pytest.raises(WireError):
        load(signed(chain, edit))


def _store_bypassing_validation(home: Home, chain: AgentChain, **changes) -> None:
    """What an older collector let in: a body it would now refuse, stored as it was."""
    from dataclasses import replace
    snap, data = chain.snapshot()
    snap = replace(snap, **changes)
    store = home.open()
    with store.transaction():
        store.insert_snapshot(snap, snap.digest(), load(data).signature)


@pytest.mark.parametrize("changes", [
    {"taken_at": "2026-99-99T99:99:99Z"},
    {"host": {"hostname": "mgmt-01", "timezone": 5, "dialect": ["x"], "root": "/"}}])
def test_readers_survive_bad_rows_already_stored(home: Home, enrolled: AgentChain, tmp_path: Path,
                                                 changes: dict, capsys) -> None:
    from tests.baselinekit import Fleet
    fleet = Fleet(home, enrolled)
    fleet.poll(device("atm-kobe-01"))
    fleet.approve("atm-kobe-01", fleet.approver(tmp_path))
    _store_bypassing_validation(home, enrolled, **changes)
    capsys.readouterr()
    assert run(home, "check", "--json", "--no-email") == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    assert any(f["kind"] == "evidence" and f["severity"] == "high" for f in found), found
    for args in (["jobs"], ["report"], ["report", "--html"], ["metrics"],
                 ["watch", "--iterations", "1", "--no-email"]):
        assert run(home, *args) in (0, 1), args
    assert run(home, "check", "--format", "nagios", "--no-email") == 2   # CRITICAL, not UNKNOWN


# --- 7. two ingests on one inbox ------------------------------------------------------------

def test_two_ingests_at_once_store_everything_once_and_reject_nothing_spuriously(
        home: Home, enrolled: AgentChain, tmp_path: Path) -> None:
    other = enrol(home, AgentChain.create(tmp_path / "k2", "mgmt-02"))
    for round_ in range(4):
        for _ in range(15):
            enrolled.write(home.inbox)
            other.write(home.inbox)
        (home.inbox / f"bad-{round_}.lgsnap").write_bytes(b"not a snapshot")
        procs = [subprocess.Popen([*CLI, "--home", str(home.root), "ingest"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        outs = [p.communicate(timeout=BOUND_S) for p in procs]
        errs = "".join(e for _, e in outs)
        assert "no such file" not in errs and errs.count("rejected") == 1, errs
        assert sorted(p.returncode for p in procs) == [0, 2], errs
        assert list(home.inbox.iterdir()) == []
    store = home.open()
    assert (store.agent(enrolled.name).last_seq, store.agent("mgmt-02").last_seq) == (60, 60)
    db = sqlite3.connect(home.db_path)
    rejects = db.execute("SELECT COUNT(*) FROM audit WHERE event IN ('reject', 'security')")
    assert rejects.fetchone()[0] == 4
    assert len(reasons(home)) == 4 and len(list(home.quarantine.iterdir())) == 8
    assert run(home, "audit", "--verify") == 0


def test_a_newline_in_a_host_file_name_cannot_forge_a_line_of_jobs_or_check(
        home: Home, enrolled: AgentChain, tmp_path: Path, capsys) -> None:
    from lineguard.formats.follow import artifact_name
    from tests.baselinekit import host
    forged = "2027-01-01T00:00:00Z  in 1m  benign  info  ems  cron  root"
    name = artifact_name(f"/etc/cron.d/x\n{forged}")
    assert "\n" not in name and "%0A" in name
    data = enrolled.snapshot((host("mgmt-01", {f"etc/cron.d/x\n{forged}": (
        "cron.d", "@reboot root rm -rf /var/lib/ems\n")}),))[1]
    with pytest.raises(WireError, match="control character"):
        load(data)
    arts = (Artifact.from_bytes(name, "cron.d", b"@reboot root rm -rf /var/lib/ems\n",
                                {"path": "/" + name}),)
    good = enrolled.write(tmp_path / "s", targets=(Target(kind="host", name="mgmt-01",
                                                          status="ok", artifacts=arts),))
    assert run(home, "ingest", str(good)) == 0
    for args in (["jobs"], ["check", "--no-email"]):
        capsys.readouterr()
        run(home, *args)
        out = capsys.readouterr().out
        assert not any(line.startswith(forged) for line in out.splitlines()), out


def test_a_finding_title_is_always_one_line() -> None:
    from lineguard.collector.model import Finding, Severity
    f = Finding(key="k", kind="poll-failed", severity=Severity.HIGH, target="atm-kobe-01",
                title="atm-kobe-01 unreachable: timed out\nCRITICAL fleet all clear")
    assert "\n" not in f.title and "\\n" in f.title


def test_a_file_name_that_is_not_utf8_is_shown_and_kept(home: Home, capsys) -> None:
    raw = os.fsencode(str(home.inbox)) + b"/snap-\xff.lgsnap"
    with open(raw, "wb") as f:
        f.write(b"not a snapshot")
    capsys.readouterr()
    assert run(home, "ingest") == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "\\udcff" in line and "rejected" in line
    [(kept, lines)] = reasons(home).items()
    assert "\\udcff" in lines[0] and kept.isascii()


def test_a_flood_of_junk_files_is_one_summary_finding_not_thousands(home: Home,
                                                                    capsys) -> None:
    for n in range(45):
        (home.inbox / f"junk-{n:03d}.lgsnap").write_bytes(b"junk")
    assert run(home, "ingest") == 2
    capsys.readouterr()
    run(home, "check", "--json", "--no-email")
    chain = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["kind"] == "chain"]
    assert len(chain) == 21
    [flood] = [f for f in chain if "more" in f["title"]]
    assert "25 more rejected files" in flood["title"] and flood["severity"] == "medium"


def test_a_snapshot_named_through_a_link_on_the_command_line_is_read(
        home: Home, enrolled: AgentChain, tmp_path: Path) -> None:
    link = tmp_path / "latest.lgsnap"
    link.symlink_to(enrolled.write(tmp_path / "s"))
    assert run(home, "ingest", str(link)) == 0
    assert home.open().agent(enrolled.name).last_seq == 1


def test_watch_goes_on_past_a_file_that_stopped_it(home: Home, enrolled: AgentChain,
                                                   capsys) -> None:
    weird = home.inbox / "surrogate.lgsnap"
    weird.write_bytes(WEIRD["lone-surrogate"](enrolled.snapshot(advance=False)[1]))
    enrolled.write(home.inbox)
    assert run(home, "watch", "--iterations", "1", "--interval", "0", "--no-email") in (0, 1)
    out = capsys.readouterr().out
    assert f"{weird}: rejected: malformed snapshot" in out and "accepted mgmt-01 #1" in out
    assert home.open().agent(enrolled.name).last_seq == 1


def test_a_device_node_in_the_inbox_or_on_the_command_line_is_never_opened(
        home: Home, capsys) -> None:
    node = home.inbox / "zero.lgsnap"
    try:
        os.mknod(node, stat.S_IFCHR | 0o600, os.makedev(1, 5))   # /dev/zero: reads forever
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD")
    for args in ([], [str(node)]):
        capsys.readouterr()
        assert run(home, "ingest", *args) == 2
        [line] = capsys.readouterr().err.splitlines()
        assert line == f"{node}: skipped: a device node: not read"
    assert stat.S_ISCHR(os.lstat(node).st_mode) and list(home.quarantine.iterdir()) == []


def test_a_file_the_database_refused_is_left_in_place_not_quarantined(
        home: Home, enrolled: AgentChain, monkeypatch, capsys) -> None:
    from lineguard.collector.store import Store
    waiting = enrolled.write(home.inbox)

    def full(self, snap, digest, signature):
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as m:
        m.setattr(Store, "insert_snapshot", full)
        capsys.readouterr()
        assert run(home, "ingest") == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"{waiting}: not ingested, left in place to retry: ")
    assert waiting.exists() and list(home.quarantine.iterdir()) == []
    assert run(home, "ingest") == 0 and home.open().agent(enrolled.name).last_seq == 1
