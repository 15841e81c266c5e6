"""Reading a device's CLI over SSH with netmiko: login, privileged mode, the profile's commands.

Commands are read with our own loop over netmiko's channel rather than ``send_command`` so that
a session that drops or stalls mid-output still yields what was read (kept, marked partial),
instead of an exception that loses it."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from netmiko import ConnectHandler
from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException, ReadTimeout

from lineguard.agent.devices import terminal
from lineguard.agent.devices.credentials import Credential
from lineguard.agent.devices.hostkeys import HostKeyError, KnownHosts
from lineguard.agent.devices.inventory import Device
from lineguard.agent.devices.profiles import Profile
from lineguard.agent.devices.result import Output, build, failed
from lineguard.formats.banners import Verbatim, no_banners
from lineguard.formats.wire import Target

_POLL_S = 0.01
# The most one command's output may hold: a device that never stops sending must not exhaust the
# agent's memory. Far beyond any real configuration.
MAX_OUTPUT_CHARS = 64 << 20


class ConnectFailure(Exception):
    """The session could not be opened; `status` is the poll status it means."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def connect(device: Device, cred: Credential, profile: Profile, *, timeout: float,
            known_hosts: KnownHosts | None = None):
    """An open netmiko session to the device, or ConnectFailure. With `known_hosts`, the
    device's SSH host key is recorded on first contact and must match on every later one,
    before the password is sent."""
    checking: dict = {"ssh_strict": False, "system_host_keys": False}
    if known_hosts is not None:
        assert device.host is not None and device.port is not None   # the inventory's rule
        try:
            known_hosts.ensure(device.host, device.port, timeout)
        except HostKeyError as e:
            raise ConnectFailure("unreachable", str(e)) from None
        checking = {"ssh_strict": True, "system_host_keys": False, "alt_host_keys": True,
                    "alt_key_file": str(known_hosts.path)}
    try:
        return ConnectHandler(
            device_type=profile.netmiko_type, host=device.host, port=device.port,
            username=cred.username or "", password=cred.password or "", secret=cred.secret or "",
            conn_timeout=timeout, auth_timeout=timeout, banner_timeout=timeout,
            blocking_timeout=timeout, read_timeout_override=timeout, fast_cli=True,
            allow_agent=False, use_keys=False, **checking)
    except NetmikoAuthenticationException:
        raise ConnectFailure("auth-failed", f"login refused for user {cred.username!r}") from None
    except NetmikoTimeoutException as e:
        if "does not match" in str(e) and known_hosts is not None:
            raise ConnectFailure(
                "auth-failed", f"SSH host key of {device.host}:{device.port} does not match the "
                               f"one recorded in {known_hosts.path}: possibly an impostor; no "
                               f"password was sent (if the device was replaced, remove its line "
                               f"there)") from None
        first = str(e).strip().splitlines()[0] if str(e).strip() else "connection failed"
        status = "unreachable" if "TCP connection" in first or "DNS" in first else "timeout"
        raise ConnectFailure(status, f"{first} ({device.host}:{device.port})") from None
    except ReadTimeout as e:
        raise ConnectFailure("timeout", f"no prompt after login: {_first_line(e)}") from None
    except (OSError, EOFError, ValueError) as e:
        raise ConnectFailure("unreachable",
                             f"session failed during login: {_first_line(e)}") from None


def poll(device: Device, cred: Credential, profile: Profile, *, timeout: float,
         mask_key: bytes, known_hosts: KnownHosts | None = None) -> Target:
    """One attempt at one device. Never raises for device behaviour: the status says it."""
    try:
        conn = connect(device, cred, profile, timeout=timeout, known_hosts=known_hosts)
    except ConnectFailure as e:
        return failed(device, e.status, e.message)
    try:
        return _collect(conn, device, cred, profile, timeout, mask_key)
    finally:
        disconnect(conn)


def disconnect(conn) -> None:
    try:
        conn.disconnect()
    except (OSError, EOFError, ValueError):
        pass    # the device may have dropped the session already; nothing is lost here


def _collect(conn, device: Device, cred: Credential, profile: Profile, timeout: float,
             mask_key: bytes) -> Target:
    try:
        if profile.enable and cred.secret:
            conn.enable()
        # netmiko's base prompt (hostname, or user@host on Junos) rather than the found prompt:
        # several prompts echoed onto one line would make that string never match again.
        prompt = conn.base_prompt
        # One Enter and its prompt, rather than netmiko's find_prompt(), which presses Enter
        # again whenever the device is slow to answer: each extra Enter leaves a prompt in
        # flight, and a device that echoes typed-ahead input as it arrives then prints that
        # prompt inside the next command's output.
        _, problem = read_command(conn, "", prompt, timeout)
        if problem:
            return failed(device, "timeout" if problem.startswith("timed out") else "partial",
                          f"no prompt after login: {problem}")
    except ValueError:
        return failed(device, "auth-failed", "enable secret refused (no privileged prompt)")
    except ReadTimeout as e:
        return failed(device, "timeout", f"no prompt: {_first_line(e)}")
    except (OSError, EOFError) as e:
        return failed(device, "unreachable", f"session dropped after login: {_first_line(e)}")
    outputs: list[Output] = []
    for command in profile.commands:
        started = time.monotonic()
        text, problem = read_command(conn, command.command, prompt, timeout, profile.verbatim)
        if problem is None and not text.strip():
            text, problem = in_flight(conn, command.command, prompt, timeout, profile.verbatim)
        if problem is None and prompt_inside(text, prompt, profile.verbatim):
            # The session was not settled when the command was sent; it is now, having just
            # shown its prompt: read once more rather than keep a capture with a prompt in it.
            text, problem = read_command(conn, command.command, prompt, timeout, profile.verbatim)
            line = prompt_inside(text, prompt, profile.verbatim) if problem is None else None
            if line:
                problem = f"device prompt inside the output at line {line}, twice"
        meta = {"command": command.command, "seconds": round(time.monotonic() - started, 3)}
        outputs.append(Output(command.artifact, text, meta, error=problem))
        if problem:
            status = "timeout" if problem.startswith("timed out") else "partial"
            return build(device, profile, outputs, mask_key, status=status,
                         error=f"{command.command!r}: {problem}")
    return build(device, profile, outputs, mask_key)


def read_command(conn, command: str, prompt: str, timeout: float,
                 verbatim: Callable[[str], Verbatim] = no_banners,
                 ) -> tuple[str, str | None]:
    """Send one command (or, with "", just Enter) and read until the prompt returns;
    (output, problem or None). A prompt-like line inside text the device prints verbatim (an
    IOS banner whose closing delimiter has not come yet) does not end the output."""
    end_prompt = _prompt_pattern(prompt)
    try:
        conn.write_channel(command + conn.RETURN)
    except OSError as e:
        return "", f"session dropped before the command was sent ({e})"
    buf = ""
    echo = -1
    # `timeout` is how long the device may stay silent; a big config that keeps flowing gets up
    # to ten times that in all.
    started = time.monotonic()
    deadline = started + timeout
    while True:
        try:
            chunk = conn.read_channel()
        except OSError as e:
            return _clean(buf, command, prompt), f"session dropped mid-output ({e})"
        if chunk:
            buf += chunk
            if len(buf) > MAX_OUTPUT_CHARS:
                return _clean(buf[:MAX_OUTPUT_CHARS], command, prompt), (
                    f"output over {MAX_OUTPUT_CHARS} characters: cut short")
            deadline = min(time.monotonic() + timeout, started + 10 * timeout)
            # Only a prompt after the echo of this command ends it: a late prompt left over
            # from before would otherwise end it at once, empty.
            if echo < 0:
                echo = buf.find(command)
            # Only the tail can hold the closing prompt: keeps a multi-megabyte config linear.
            if echo >= 0 and end_prompt.search(buf, max(echo + len(command), len(buf) - 512)) \
                    and not verbatim("\n".join(terminal.screen_lines(buf[echo:]))).open:
                return _clean(buf, command, prompt), None
            continue
        channel = conn.remote_conn
        if channel is None or channel.closed or channel.eof_received:
            return _clean(buf, command, prompt), "session dropped mid-output"
        if time.monotonic() > deadline:
            return _clean(buf, command, prompt), (f"timed out waiting for the prompt ({timeout:g}s "
                                                  f"without output, {len(buf)} bytes read)")
        time.sleep(_POLL_S)


def in_flight(conn, command: str, prompt: str, timeout: float,
              verbatim: Callable[[str], Verbatim] = no_banners) -> tuple[str, str | None]:
    """The output of `command` after a prompt came alone in its place: an Enter in flight, whose
    prompt the device sent at once, while the output comes only once the command has run. One
    Enter, and what comes before the first prompt is that output (empty if the device had
    nothing more to send: then the output was empty)."""
    text, problem = read_command(conn, "", prompt, timeout, verbatim)
    lines = text.split("\n")
    cut = prompt_inside(text, prompt, verbatim)
    if cut is not None:
        lines = lines[:cut - 1]
    while lines and lines[0].strip() in ("", command.strip()):
        lines = lines[1:]          # the line the stray prompt ended, and a repeated echo
    out = terminal.without_context("\n".join(lines))
    return (out.rstrip() + "\n" if out.strip() else ""), problem


def prompt_inside(text: str, prompt: str,
                  verbatim: Callable[[str], Verbatim] = no_banners) -> int | None:
    """The line number of the first line of `text` that begins with the device's prompt,
    outside the text the device prints verbatim (banners)."""
    start = re.compile(r"^" + re.escape(prompt.strip()) + r"[^\n]{0,60}?[>#%]")
    text_lines = verbatim(text).lines
    for number, line in enumerate(text.splitlines(), 1):
        if start.match(line) and number not in text_lines:
            return number
    return None


def _prompt_pattern(base_prompt: str) -> re.Pattern[str]:
    """A prompt line at the very end: `HOST>`, `HOST#`, `HOST(config)#`, `user@host> `."""
    return re.compile(r"(?m)^" + re.escape(base_prompt.strip()) + r"[^\n]{0,60}?[>#%]\s*\Z")


def _clean(raw: str, command: str, prompt: str) -> str:
    """The command's output as the terminal showed it (agent.devices.terminal): without the
    echoed command line and the closing prompt, nor the line above that prompt where Junos
    names the routing engine's role."""
    text = _prompt_pattern(prompt).sub("", "\n".join(terminal.command_output(raw, command)))
    text = terminal.without_context(text)
    return text.rstrip() + "\n" if text.strip() else ""


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else e.__class__.__name__
