"""Bringing an existing archive under lineguard: a RANCID base directory and Oxidized output
(file and git) become an inventory of saved configs, which are then snapshotted, ingested and
judged like polled ones."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from lineguard.agent.cli import main as agent
from lineguard.agent.devices import inventory
from lineguard.collector.baseline import line_data
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from lineguard.collector.jobs import latest_targets
from lineguard.sim.state import build_device, render_ios, render_junos

RANCID_IOS_HEAD = ("!RANCID-CONTENT-TYPE: cisco\n!\n!Chassis type: 7206VXR - a 7206VXR router\n"
                   "!Memory: main 917504K/65536K\n!\n")
RANCID_JUNOS_HEAD = "#RANCID-CONTENT-TYPE: juniper\n#\n# Chassis  M7i\n#\n"


def ios(name: str, site: str) -> str:
    return render_ios(build_device(name, "cisco_ios", site, 1, seed=5))


def junos(name: str, site: str) -> str:
    return render_junos(build_device(name, "juniper_junos", site, 2, seed=5))


def rancid_base(base: Path) -> Path:
    for group, rows in {"kobe": [("atm-kobe-01", "cisco", "up"), ("atm-kobe-02", "juniper", "up"),
                                 ("sw-kobe-09", "foundry", "up")],
                        "nara": [("ATM-NARA-01", "cisco", "down")]}.items():
        configs = base / group / "configs"
        configs.mkdir(parents=True)
        # RANCID 3 separates with ';', a comment and a blank line are allowed
        (base / group / "router.db").write_text(
            "# managed by the NOC\n\n" + "".join(f"{n};{t};{s}\n" for n, t, s in rows))
        for name, kind, _ in rows:
            text = (RANCID_IOS_HEAD + ios(name.lower(), group) if kind == "cisco" else
                    RANCID_JUNOS_HEAD + junos(name.lower(), group) if kind == "juniper" else
                    "!RANCID-CONTENT-TYPE: foundry\nhostname x\n")
            (configs / name.lower()).write_text(text)   # RANCID keeps lower-case file names
    return base


def snapshot_and_ingest(tmp_path: Path, home: Home, inv: Path) -> dict:
    key = tmp_path / "agent.key"
    agent(["keygen", "--out", str(key)])
    assert lineguard(["--home", str(home.root), "agents", "add", "ems-01", "--key",
                      f"{key}.pub"]) == 0
    root = tmp_path / "emptyroot"
    root.mkdir()
    assert agent(["snapshot", "--root", str(root), "--hostname", "ems-01", "--agent", "ems-01",
                  "--key", str(key), "--inventory", str(inv), "--out",
                  str(home.inbox / "s.lgsnap")]) == 0
    assert lineguard(["--home", str(home.root), "ingest"]) == 0
    return {t.name: t for _, t in latest_targets(home.open()) if t.kind == "device"}


def test_rancid_archive_becomes_an_inventory_judged_like_polls(tmp_path: Path, home: Home,
                                                               capsys) -> None:
    base = rancid_base(tmp_path / "rancid")
    inv = tmp_path / "etc" / "inventory.toml"
    inv.parent.mkdir()
    assert agent(["import", "rancid", str(base), "--out", str(inv)]) == 0
    out = capsys.readouterr()
    assert "3 device(s)" in out.out and "1 left as comments" in out.out
    assert "ATM-NARA-01: marked down in router.db" in out.err
    devices = {d.name: d for d in inventory.load(inv)}
    assert {n: (d.platform, d.site) for n, d in devices.items()} == {
        "atm-kobe-01": ("cisco_ios", "kobe"), "atm-kobe-02": ("juniper_junos", "kobe"),
        "ATM-NARA-01": ("cisco_ios", "nara")}
    assert "# sw-kobe-09: 'foundry'" in inv.read_text()
    targets = snapshot_and_ingest(tmp_path, home, inv)
    assert {n: t.status for n, t in targets.items()} == dict.fromkeys(devices, "ok")
    for name, t in targets.items():
        rows = line_data(t)
        assert rows and len(rows) >= 24, name       # every PVC of the archived config


def test_inventory_path_may_name_the_configs_folder(tmp_path: Path, home: Home) -> None:
    rancid_base(tmp_path / "rancid")
    inv = tmp_path / "inventory.toml"
    inv.write_text('[[device]]\nname = "atm-kobe-01"\nplatform = "cisco_ios"\nmethod = "file"\n'
                   'path = "rancid/kobe/configs"\n')
    targets = snapshot_and_ingest(tmp_path, home, inv)
    assert targets["atm-kobe-01"].status == "ok"


def oxidized_files(out: Path) -> Path:
    (out / "kobe").mkdir(parents=True)
    (out / "kobe" / "atm-kobe-03").write_text(ios("atm-kobe-03", "kobe"))
    (out / "kobe" / "atm-kobe-04").write_text(junos("atm-kobe-04", "kobe"))
    (out / "osaka-05").write_text(ios("osaka-05", "osaka"))
    return out


def test_oxidized_file_output_recognises_platforms_from_the_configs(tmp_path: Path,
                                                                      home: Home) -> None:
    out = oxidized_files(tmp_path / "oxidized")
    inv = tmp_path / "inventory.toml"
    assert agent(["import", "oxidized", str(out), "--out", str(inv)]) == 0
    devices = {d.name: (d.platform, d.site) for d in inventory.load(inv)}
    assert devices == {"atm-kobe-03": ("cisco_ios", "kobe"),
                       "atm-kobe-04": ("juniper_junos", "kobe"), "osaka-05": ("cisco_ios", None)}
    assert {t.status for t in snapshot_and_ingest(tmp_path, home, inv).values()} == {"ok"}


def test_oxidized_router_db_gives_models_and_groups(tmp_path: Path) -> None:
    out = oxidized_files(tmp_path / "oxidized")
    (tmp_path / "router.db").write_text("atm-kobe-03:ios:kobe\natm-kobe-04:junos\n"
                                        "osaka-05:procurve:osaka\n")
    inv = tmp_path / "inventory.toml"
    assert agent(["import", "oxidized", str(out), "--router-db", str(tmp_path / "router.db"),
                  "--out", str(inv)]) == 0
    assert [d.name for d in inventory.load(inv)] == ["atm-kobe-03", "atm-kobe-04"]
    assert "Oxidized model 'procurve'" in inv.read_text()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_oxidized_git_output_is_checked_out_and_imported(tmp_path: Path, home: Home) -> None:
    work = oxidized_files(tmp_path / "work")
    bare = tmp_path / "oxidized.git"
    env = {"GIT_AUTHOR_NAME": "oxidized", "GIT_AUTHOR_EMAIL": "o@x", "GIT_COMMITTER_NAME": "o",
           "GIT_COMMITTER_EMAIL": "o@x", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for cmd in (["git", "init", "-q", str(work)], ["git", "-C", str(work), "add", "-A"],
                ["git", "-C", str(work), "commit", "-qm", "update"],
                ["git", "clone", "-q", "--bare", str(work), str(bare)]):
        subprocess.run(cmd, check=True, env=env, timeout=60)
    inv = tmp_path / "inventory.toml"
    assert agent(["import", "oxidized", str(bare), "--out", str(inv)]) == 2   # where to?
    assert agent(["import", "oxidized", str(bare), "--configs", str(tmp_path / "configs"),
                  "--out", str(inv)]) == 0
    assert len(inventory.load(inv)) == 3
    assert {t.status for t in snapshot_and_ingest(tmp_path, home, inv).values()} == {"ok"}


def test_not_an_archive_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    assert agent(["import", "rancid", str(tmp_path), "--out", str(tmp_path / "i.toml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a RANCID base directory" in err
