"""The agent's host source over realistic roots: what it captures, with which metadata, and how it
survives bad input (the snapshot completes and the problem sits on the artifact)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import tracemalloc
from pathlib import Path

import pytest

from lineguard.agent.sources.host import HostLimits, collect
from lineguard.formats.wire import Target, _parse_target
from tests.hostroot import add_bad_input, debian_packages, debian_root, link, rhel_root, write


@pytest.fixture(scope="module")
def debian(tmp_path_factory: pytest.TempPathFactory) -> tuple[Target, dict, Path]:
    root = debian_root(tmp_path_factory.mktemp("debian"), debian_packages())
    target, facts = collect(root)
    return target, facts, root


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> tuple[Target, dict, Path]:
    root = debian_root(tmp_path_factory.mktemp("bad"), None)
    add_bad_input(root)
    tracemalloc.start()
    target, facts = collect(root)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    facts = {**facts, "peak_bytes": peak}
    return target, facts, root


def _names(target: Target, kind: str) -> set[str]:
    return {a.name for a in target.artifacts if a.kind == kind}


def test_debian_host_facts_and_dialect(debian: tuple[Target, dict, Path]) -> None:
    target, facts, root = debian
    assert facts == {"hostname": "ems-kobe-01", "timezone": "Asia/Tokyo", "dialect": "debian",
                     "root": str(root)}
    assert target.kind == "host" and target.name == "ems-kobe-01"
    assert target.status == "ok", target.error
    localtime = target.artifact("etc/localtime")
    assert localtime is not None and localtime.meta["link"] == "/usr/share/zoneinfo/Asia/Tokyo"


Snap = tuple[Target, dict, Path]


def test_every_cron_source_of_the_real_packages_is_captured(debian: Snap) -> None:
    target, _, _ = debian
    assert "etc/crontab" in _names(target, "crontab")
    # from the real cron-daemon-common, anacron, apt and dpkg packages
    assert {"etc/cron.d/anacron", "etc/cron.d/has.dot",
            "etc/cron.d/broken"} <= _names(target, "cron.d")
    assert {"etc/cron.daily/0anacron", "etc/cron.daily/apt-compat", "etc/cron.daily/dpkg",
            "etc/cron.daily/persistevil",
            "etc/cron.daily/.placeholder"} <= _names(target, "run-parts")
    assert {"var/spool/cron/crontabs/oper",
            "var/spool/cron/crontabs/ghost"} <= _names(target, "cron-spool")
    assert "etc/anacrontab" in _names(target, "anacrontab")
    assert "var/spool/anacron/cron.daily" in _names(target, "anacron-stamp")
    assert {"var/spool/cron/atjobs/z0000601ca4ed6", "var/spool/cron/atjobs/=0000501c8a6bc",
            "var/spool/cron/atjobs/not-a-job"} == _names(target, "at-job")


def test_systemd_timers_services_dropins_links_in_all_unit_paths(debian: Snap) -> None:
    target, _, _ = debian
    units = _names(target, "systemd-unit")
    assert {"lib/systemd/system/anacron.timer", "lib/systemd/system/anacron.service",
            "lib/systemd/system/apt-daily.timer", "lib/systemd/system/logrotate.timer",
            "etc/systemd/system/ems-purge.timer", "etc/systemd/system/ems-purge.service",
            "etc/systemd/system/ems-purge.timer.d/override.conf",
            "etc/systemd/system/backup@.timer", "etc/systemd/system/backup@.service",
            "run/systemd/transient/run-r3f1c.timer", "run/systemd/transient/run-r3f1c.service",
            "home/oper/.config/systemd/user/sync.timer",
            "home/oper/.config/systemd/user/sync.service"} <= units
    links = {a.name: a for a in target.artifacts if a.kind == "systemd-link"}
    wants = "etc/systemd/system/timers.target.wants/"
    assert links[wants + "ems-purge.timer"].meta["target"] == "/etc/systemd/system/ems-purge.timer"
    assert links[wants + "backup@db1.timer"].meta["link"] == "/etc/systemd/system/backup@.timer"
    assert "home/oper/.config/systemd/user/timers.target.wants/sync.timer" in links


def test_followed_scripts_are_captured_with_metadata(debian: tuple[Target, dict, Path]) -> None:
    target, _, root = debian
    scripts = _names(target, "script")
    # cron spool -> cleanup.sh -> `. lib.sh` and `cd /opt/ems && python3 purge.py`
    assert {"home/oper/bin/cleanup.sh", "home/oper/bin/lib.sh", "opt/ems/purge.py"} <= scripts
    # timer -> service ExecStart; at job -> `cd /srv` + ./wipe-line-data.sh
    assert {"opt/ems/wipe-vc.sh", "srv/wipe-line-data.sh",
            "usr/lib/apt/apt.systemd.daily"} <= scripts
    art = target.artifact("home/oper/bin/cleanup.sh")
    assert art is not None and art.text().startswith("#!/bin/bash\n. /home/oper/bin/lib.sh")
    st = os.stat(root / "home/oper/bin/cleanup.sh")
    assert art.meta["mode"] == "0755" and art.meta["owner"] == "root" and art.meta["uid"] == 0
    assert art.meta["size"] == st.st_size and art.meta["path"] == "/home/oper/bin/cleanup.sh"
    assert art.meta["mtime"].endswith("Z") and art.meta["ctime"].endswith("Z")
    spool = target.artifact("var/spool/cron/crontabs/oper")
    assert spool is not None and spool.meta["mode"] == "0600"
    anacron = target.artifact("usr/sbin/anacron")   # a real ELF binary: hash only
    assert anacron is not None and anacron.content is None
    assert anacron.error == "binary: sha256 only"
    assert len(anacron.sha256 or "") == 64


def test_owner_names_come_from_the_roots_passwd(tmp_path: Path) -> None:
    root = rhel_root(tmp_path)
    os.chown(root / "var/spool/cron/oper", 1000, 1000)
    target, facts = collect(root)
    assert facts["dialect"] == "cronie" and facts["hostname"] == "nms-osaka-02"
    assert facts["timezone"] == "Asia/Tokyo"   # from the relative localtime link
    spool = target.artifact("var/spool/cron/oper")
    assert spool is not None and spool.meta["owner"] == "oper" and spool.meta["uid"] == 1000
    assert "var/spool/at/a0000101c8b79b" in _names(target, "at-job")
    assert "opt/ems/bin/purge-pvc.sh" in _names(target, "script")   # inside the heredoc


def test_snapshot_target_is_valid_on_the_wire(debian: Snap) -> None:
    target, _, _ = debian
    again = _parse_target(json.loads(json.dumps(target.to_wire())))
    assert again == target


def test_bad_input_completes_with_problems_on_the_artifacts(bad: tuple[Target, dict, Path]) -> None:
    target, _, _ = bad
    # each unreadable file is flagged on its own artifact (and by the collector on the job that
    # runs it); none of them makes the rest of the host uncomparable
    assert target.status == "ok"
    assert target.error == "3 artifact(s) not read"
    errors = {a.name: a.error for a in target.artifacts if a.error}
    assert errors["opt/bad/loop-a"] == "symlink loop"
    assert errors["opt/bad/huge.bin"] == "too large (2147483648 bytes): not read"
    assert errors["opt/bad/pipe.sh"] == "not a regular file (fifo, socket or device): not read"
    assert errors["opt/bad/gone.sh"] == "not found"
    latin1 = target.artifact("opt/bad/latin1.sh")
    assert latin1 is not None and latin1.error is None and latin1.encoding == "base64"
    assert latin1.raw() == (Path(target.facts["root"]) / "opt/bad/latin1.sh").read_bytes()
    huge = target.artifact("opt/bad/huge.bin")
    assert huge is not None and huge.meta["size"] == 2 * 1024**3 and huge.sha256 is None


def test_a_2gb_file_is_never_read_into_memory(bad: tuple[Target, dict, Path]) -> None:
    _, facts, _ = bad
    assert facts["peak_bytes"] < 64 * 1024 * 1024


def test_an_oversized_text_file_is_hashed_streaming(tmp_path: Path) -> None:
    root = debian_root(tmp_path, None)
    big = write(root, "opt/ems/big.sh", "#!/bin/sh\n" + "echo filler\n" * 300_000, 0o755)
    write(root, "etc/cron.d/big", "0 1 * * * root /opt/ems/big.sh\n")
    target, _ = collect(root, limits=HostLimits(max_text_bytes=1 << 20))
    art = target.artifact("opt/ems/big.sh")
    assert art is not None and art.content is None
    assert art.error == f"too large ({big.stat().st_size} bytes): sha256 only"
    import hashlib
    assert art.sha256 == hashlib.sha256(big.read_bytes()).hexdigest()
    assert target.status == "ok"


def test_symlinks_never_escape_the_root(tmp_path: Path) -> None:
    root = debian_root(tmp_path / "root", None)
    outside = write(tmp_path, "outside/secret.sh", "#!/bin/sh\necho host secret\n", 0o755)
    write(root, "opt/inside/secret.sh", "#!/bin/sh\necho root copy\n", 0o755)
    link(root, "opt/abs.sh", str(outside))                    # absolute: read inside the root
    link(root, "opt/rel.sh", "../../../../../../../../outside/secret.sh")
    link(root, "opt/inside-abs.sh", "/opt/inside/secret.sh")
    write(root, "etc/cron.d/links", "1 * * * * root /opt/abs.sh\n2 * * * * root /opt/rel.sh\n"
          "3 * * * * root /opt/inside-abs.sh\n")
    target, _ = collect(root)
    for name in ("opt/abs.sh", "opt/rel.sh"):
        art = target.artifact(name)
        assert art is not None and art.content is None and art.error == "not found", name
    inside = target.artifact("opt/inside-abs.sh")
    assert inside is not None and inside.text() == "#!/bin/sh\necho root copy\n"
    assert inside.meta["link"] == "/opt/inside/secret.sh"
    assert inside.meta["target"] == "/opt/inside/secret.sh"


def test_a_symlinked_folder_never_shows_files_outside_the_root(tmp_path: Path) -> None:
    """The kernel would follow /opt/site -> /HOST/outside on this machine; lstat, readlink and the
    metadata of a missing file must come from inside the root only."""
    root = debian_root(tmp_path / "root", None)
    outside = tmp_path / "outside"
    write(outside, "wipe.sh", "#!/bin/sh\necho host file\n", 0o4755)
    link(outside, "ems.sh", "/etc/host-only-target")
    link(root, "opt/site", str(outside))                     # absolute: the root's own /tmp/...
    write(root, "etc/cron.d/links",
          "1 * * * * root /opt/site/wipe.sh\n2 * * * * root /opt/site/ems.sh\n")
    target, _ = collect(root)
    for name in ("opt/site/wipe.sh", "opt/site/ems.sh"):
        art = target.artifact(name)
        assert art is not None and art.error == "not found", name
        assert art.meta == {"path": "/" + name}, name


def test_a_fifo_in_place_of_a_small_file_never_hangs_the_snapshot(tmp_path: Path) -> None:
    import threading

    root = debian_root(tmp_path, None)
    for name in ("etc/hostname", "etc/group"):
        (root / name).unlink(missing_ok=True)
        os.mkfifo(root / name)
    done: list[Target] = []
    worker = threading.Thread(target=lambda: done.append(collect(root, hostname=None)[0]),
                              daemon=True)
    worker.start()
    worker.join(120)   # a bound for a hang, not a speed target
    assert done, "collect() blocked on a FIFO"
    assert done[0].artifact("etc/passwd") is not None


def test_follow_depth_is_bounded(tmp_path: Path) -> None:
    root = debian_root(tmp_path, None)
    for i in range(8):
        write(root, f"opt/chain/{i}.sh", f"#!/bin/sh\n/opt/chain/{i + 1}.sh\n", 0o755)
    write(root, "etc/cron.d/chain", "0 1 * * * root /opt/chain/0.sh\n")
    target, _ = collect(root, limits=HostLimits(follow_depth=4))
    chain = sorted(n for n in _names(target, "script") if n.startswith("opt/chain/"))
    # the job's own script is level 1; three more levels of what it runs are followed
    assert chain == [f"opt/chain/{i}.sh" for i in range(4)]


def test_followed_text_is_bounded_in_bytes_not_only_in_files(tmp_path: Path) -> None:
    root = debian_root(tmp_path, None)
    for i in range(6):
        write(root, f"opt/parts/{i}.sh", "#!/bin/sh\n" + "# padding\n" * 60, 0o755)
    write(root, "etc/cron.d/parts", "0 1 * * * root run-parts /opt/parts\n")
    target, _ = collect(root, limits=HostLimits(max_followed_bytes=1000))
    parts = {a.name: a.state for a in target.artifacts if a.name.startswith("opt/parts/")}
    assert sorted(n for n, state in parts.items() if state == "ok") == ["opt/parts/0.sh",
                                                                        "opt/parts/1.sh"]
    # the rest are recorded as not read: what runs them is a finding, not a job running nothing
    assert sorted(n for n, state in parts.items() if state == "unread") == [
        f"opt/parts/{i}.sh" for i in range(2, 6)]
    assert target.status == "partial" and "bytes of text (limit)" in target.error


def test_unreadable_file_is_recorded_as_permission_denied() -> None:
    """Root reads everything, so the agent runs in a child process that dropped to nobody."""
    base = Path(tempfile.mkdtemp(prefix="lg-unreadable-", dir="/tmp"))
    try:
        os.chmod(base, 0o755)
        root = debian_root(base / "root", None)
        write(root, "opt/ems/secret.sh", "#!/bin/sh\nems-cli no pvc all\n", 0o000)
        write(root, "etc/cron.d/secret", "0 1 * * * root /opt/ems/secret.sh\n")
        for spool in ("var/spool/cron/crontabs", "var/spool/cron/atjobs"):
            os.chmod(root / spool, 0o700)     # as on Debian: not listable by others
        for d, _, files in os.walk(root):
            os.chmod(d, 0o700 if d.endswith(("crontabs", "atjobs")) else 0o755)
            for f in files:
                p = Path(d) / f
                if not p.is_symlink() and p.name != "secret.sh":
                    os.chmod(p, os.stat(p).st_mode | 0o444)
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:   # child: drop privileges, snapshot, send the wire form back
            code = 1
            try:
                os.close(reader)
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                target, _ = collect(root)
                with os.fdopen(writer, "w") as out:
                    json.dump(target.to_wire(), out)
                code = 0
            finally:
                os._exit(code)
        os.close(writer)
        with os.fdopen(reader) as inp:
            data = inp.read()
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0
        target = _parse_target(json.loads(data))
        assert target.status == "ok" and target.error == "3 artifact(s) not read"
        secret = target.artifact("opt/ems/secret.sh")
        assert secret is not None and secret.error == "permission denied" and secret.content is None
        assert secret.meta["mode"] == "0000"
        spool = target.artifact("var/spool/cron/crontabs")
        assert spool is not None and spool.error == "cannot list: permission denied"
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_live_collect_of_this_machine_completes() -> None:
    """How fast is bench/host_snapshot.py's to say; this one says it finishes and reads /proc."""
    target, facts = collect(Path("/"), live=True)
    assert facts["root"] == "/" and target.artifact("etc/passwd") is not None
    assert target.status in ("ok", "partial") and target.artifacts


def test_odd_file_names_cannot_break_the_snapshot(tmp_path: Path) -> None:
    from lineguard.collector.parse.host import jobs
    from lineguard.formats.wire import canonical

    root = debian_root(tmp_path, None)
    write(root, "etc/cron.d/evil\\name", "0 1 * * * root /bin/true\n")
    (root / "etc/cron.d").joinpath(os.fsdecode(b"caf\xe9")).write_text("0 2 * * * root /bin/true\n")
    write(root, "opt/ems/100%.sh", "#!/bin/sh\n/opt/ems/wipe-vc.sh\n", 0o755)
    write(root, "etc/cron.d/percent", "0 3 * * * root /opt/ems/100\\%.sh\n")
    target, facts = collect(root)
    canonical(target.to_wire())                                  # encodable as UTF-8 JSON
    assert _parse_target(json.loads(json.dumps(target.to_wire()))) == target
    names = _names(target, "cron.d")
    assert {"etc/cron.d/evil%5Cname", "etc/cron.d/caf%E9"} <= names
    assert "opt/ems/100%25.sh" in _names(target, "script")
    found = {j.origin_path: j for j in jobs(target, facts)}
    assert found["etc/cron.d/evil%5Cname"].state == "inert"     # Debian's cron.d name rule
    assert found["etc/cron.d/percent"].files == ("opt/ems/100%25.sh", "opt/ems/wipe-vc.sh")
