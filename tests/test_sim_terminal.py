"""The simulated devices behave like devices for any SSH client: OpenSSH's `ssh` under several
terminal types and without a PTY, and RANCID's `clogin` at its TERM=network, all see the same
echo (after the prompt, no redraws) and CRLF line ends."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from lineguard.sim.fleet import CREDENTIALS, Fleet

SSH = shutil.which("ssh")
pytestmark = pytest.mark.skipif(SSH is None, reason="OpenSSH client (ssh) not installed")
IOS = CREDENTIALS["lab-ios"]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> Iterator[Fleet]:
    """One simulated IOS device."""
    with Fleet.start(sites=1, devices=1, out_dir=tmp_path_factory.mktemp("fleet")) as running:
        yield running


def _askpass(tmp_path: Path, password: str) -> Path:
    script = tmp_path / "askpass"
    script.write_text(f"#!/bin/sh\necho '{password}'\n")
    script.chmod(0o700)
    return script


def _ssh(tmp_path: Path, port: int, keys: bytes, term: str | None, tty: bool = True) -> bytes:
    """What `ssh` prints for a session typed ahead in one go (the device hangs up on `exit`)."""
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    if term is not None:
        env["TERM"] = term
    # OpenSSH asks this program for the password (no sshpass needed).
    env.update(SSH_ASKPASS=str(_askpass(tmp_path, IOS["password"])),
               SSH_ASKPASS_REQUIRE="force", DISPLAY=":0")
    done = subprocess.run(
        [SSH, "-tt" if tty else "-T", "-o", "StrictHostKeyChecking=no", "-o",
         f"UserKnownHostsFile={tmp_path / 'known_hosts'}", "-o", "LogLevel=ERROR",
         "-o", "PubkeyAuthentication=no", "-o", "ConnectTimeout=30", "-p", str(port),
         f"{IOS['username']}@127.0.0.1"],
        input=keys, capture_output=True, env=env, timeout=120)
    return done.stdout


def _ios(fleet):
    return fleet.by_platform("cisco_ios")[0]


KEYS = b"terminal length 0\rshow version\rshow verz\x7fsion | include register\rexit\r"


def test_openssh_sees_the_same_echo_whatever_the_terminal_type(fleet, tmp_path):
    dev = _ios(fleet)
    seen = {term: _ssh(tmp_path, dev.port, KEYS, term)
            for term in ("network", "xterm", "vt100", "dumb", "", None)}
    first = seen["network"]
    prompt = f"{dev.name}>".encode()
    # typed ahead in one go, yet each line is echoed after its prompt, as a device reads it
    assert first.startswith(b"\r\n" + prompt + b"terminal length 0\r\n" + prompt +
                            b"show version\r\nCisco IOS Software")
    assert prompt + b"show verz\b \bsion | include register\r\nConfiguration register is 0x2102\r\n" in first
    assert first.rstrip().endswith(prompt + b"exit")
    assert b"\x1b" not in first and first.count(b"\b") == 2     # the one erased character
    assert first.count(b"\n") == first.count(b"\r\n")           # every line ends in CRLF
    assert all(out == first for out in seen.values()), {t: o[:200] for t, o in seen.items()}


def test_without_a_pty_the_device_still_echoes_and_ends_lines_with_crlf(fleet, tmp_path):
    dev = _ios(fleet)
    out = _ssh(tmp_path, dev.port, b"show clock\nexit\n", None, tty=False)
    prompt = f"{dev.name}>".encode()
    assert out.startswith(b"\r\n" + prompt + b"show clock\r\n")
    assert out.count(b"\n") == out.count(b"\r\n") and b"JST" in out


def test_rancid_clogin_reads_every_command(fleet, tmp_path):
    clogin = shutil.which("clogin")
    if clogin is None:
        pytest.skip("RANCID's clogin not installed (Debian package rancid)")
    dev = _ios(fleet)
    wrapper = tmp_path / "lgssh"
    wrapper.write_text(f"#!/bin/sh\nexec {SSH} -o StrictHostKeyChecking=no "
                       f"-o UserKnownHostsFile={tmp_path / 'known_hosts'} \"$@\"\n")
    wrapper.chmod(0o700)
    rc = tmp_path / ".cloginrc"
    rc.write_text(f"add user 127.0.0.1 {IOS['username']}\n"
                  f"add password 127.0.0.1 {{{IOS['password']}}} {{{IOS['secret']}}}\n"
                  f"add method 127.0.0.1 {{ssh:{dev.port}}}\n"
                  f"add sshcmd 127.0.0.1 {{{wrapper}}}\n")
    rc.chmod(0o600)
    env = dict(os.environ, HOME=str(tmp_path), TERM="network")
    done = subprocess.run([clogin, "-c", "show clock;show running-config", "127.0.0.1"],
                          capture_output=True, text=True, env=env, timeout=180)
    out = done.stdout.replace("\r", "")
    assert done.returncode == 0, out[-2000:]
    assert f"{dev.name}#show clock\n" in out
    assert f"{dev.name}#show running-config\nBuilding configuration...\n" in out
    assert f"\nend\n{dev.name}#exit" in out
    assert "\b" not in out
