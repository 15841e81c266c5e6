"""SSH front end of a simulated device: asyncssh around sim.ios / sim.junos, with the terminal
line discipline of a real box.

Like IOS and Junos, the device echoes what it reads when its CLI reads it: characters typed
ahead while a command runs are echoed after that command's output and the next prompt, never in
the middle of them. The echo is the same whatever the terminal type (TERM=network, xterm, none,
or no PTY at all): printable characters as typed, `\b \b` for an erased one, CRLF at the end of
a line; no redraws. Output lines end in CRLF. Enter may arrive as CR, LF, CRLF or CR NUL. Echo
is off while a secret is typed. One host key per process, made on first use, so starting sixty
devices costs one key generation.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncssh

from lineguard.sim import noise
from lineguard.sim.ios import IosCli
from lineguard.sim.junos import JunosCli
from lineguard.sim.state import DeviceState

_host_key: asyncssh.SSHKey | None = None


def host_key() -> asyncssh.SSHKey:
    global _host_key
    if _host_key is None:
        _host_key = asyncssh.generate_private_key("ssh-ed25519")
    return _host_key


@dataclass(frozen=True)
class Login:
    """What the device accepts: one local user, and the enable secret (IOS only)."""

    username: str
    password: str
    secret: str = ""


class _Server(asyncssh.SSHServer):
    def __init__(self, state: DeviceState, login: Login,
                 live: set[asyncssh.SSHServerConnection]) -> None:
        self._state = state
        self._login = login
        self._live = live
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._live.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        self._live.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        if self._state.faults.reject_auth:
            return False
        return (username, password) == (self._login.username, self._login.password)


def _cli(state: DeviceState, login: Login, peer: str) -> IosCli | JunosCli:
    if state.platform == "juniper_junos":
        return JunosCli(state, user=login.username, peer=peer)
    return IosCli(state, secret=login.secret, user=login.username, peer=peer)


_ERASE = ("\x7f", "\b")
_KILL_LINE = "\x15"          # Ctrl-U


class Terminal:
    """The device's side of an interactive session: input read and echoed a line at a time."""

    def __init__(self, process: asyncssh.SSHServerProcess) -> None:
        self._stdin = process.stdin
        self._stdout = process.stdout
        self._pending = ""
        self._after_cr = False
        self._eof = False

    def write(self, text: str) -> None:
        self._stdout.write(text.replace("\r\n", "\n").replace("\n", "\r\n"))

    async def readline(self, echo: bool = True) -> str | None:
        """The next line typed, echoed as it is consumed; None at end of input."""
        line: list[str] = []
        while True:
            if not self._pending:
                if self._eof:
                    return None
                try:
                    data = await self._stdin.read(4096)
                except (asyncssh.BreakReceived, asyncssh.SignalReceived,
                        asyncssh.TerminalSizeChanged):
                    continue
                if not data:
                    self._eof = True
                    return "".join(line) if line else None
                self._pending = data
            out: list[str] = []
            for i, ch in enumerate(self._pending):
                after_cr, self._after_cr = self._after_cr, False
                if ch in "\n\0" and after_cr:
                    continue                  # the LF of CRLF, the NUL of CR NUL
                if ch in "\r\n":
                    self._after_cr = ch == "\r"
                    self._pending = self._pending[i + 1:]
                    out.append("\r\n")
                    self._stdout.write("".join(out))
                    return "".join(line)
                if ch in _ERASE:
                    if line:
                        line.pop()
                        out.append("\b \b" if echo else "")
                elif ch == _KILL_LINE:
                    out.append("\b \b" * len(line) if echo else "")
                    line.clear()
                elif ch.isprintable():
                    line.append(ch)
                    if echo:
                        out.append(ch)
            self._pending = ""
            if out:
                self._stdout.write("".join(out))


async def _session(process: asyncssh.SSHServerProcess, state: DeviceState,
                   login: Login) -> None:
    peer = (process.get_extra_info("peername") or ("127.0.0.1",))[0]
    cli = _cli(state, login, peer)
    out = process.stdout
    try:
        if process.command:
            # `ssh host "show running-config"`: one command, no prompt
            if isinstance(cli, IosCli):
                cli.privileged = True
            reply = cli.handle(process.command)
            out.write(reply.text)
            process.exit(0)
            return
        term = Terminal(process)
        faults = state.faults
        term.write(noise.banner(faults.noise, faults.noise_rng) +
                   noise.session_motd(state.hostname, state.platform, faults.noise) +
                   ("\n" if isinstance(cli, IosCli) else "\n--- JUNOS 15.1R7.9 built "
                    "2019-05-17 04:13:22 UTC\n") +
                   noise.context(state.platform, faults.noise, faults.noise_rng) + cli.prompt)
        echo = True
        strayed = False
        while True:
            line = await term.readline(echo)
            if line is None:
                break
            reply = cli.handle(line)
            # at most once a session: an Enter in flight, which the client's next read settles
            stray = "prompts" in faults.noise and not strayed and line.strip() != "enable" \
                and faults.noise_rng.random() < 0.2
            strayed = strayed or stray
            if (state.faults.stray_prompts or stray) and line.strip() and reply.text:
                # what a device that echoes typed-ahead input on arrival shows when an Enter
                # was pressed twice: the second Enter's prompt glued to the next output
                if not stray:
                    state.faults.stray_prompts -= 1
                term.write(noise.context(state.platform, faults.noise, faults.noise_rng) +
                           cli.prompt)
                if stray:
                    # that Enter's prompt goes out at once, the output once the command ran:
                    # the client reads the prompt alone before any of the output
                    await out.drain()
                    await asyncio.sleep(noise.STRAY_PAUSE_S)
            if state.faults.delay_s and line.strip():
                # a slow box is slow to run commands; a bare Enter still gets its prompt at once
                await asyncio.sleep(state.faults.delay_s)
            term.write(noise.terminal(reply.text, state.platform, faults.noise,
                                      faults.noise_rng, line))
            if reply.hangup:
                await out.drain()
                if state.faults.drop_mid_config and reply.text:
                    # a cut link: no orderly close, the client just loses the connection
                    process.channel.get_extra_info("connection").abort()
                else:
                    process.exit(0)
                return
            echo = not reply.password
            if cli.awaiting is None:
                term.write(noise.context(state.platform, faults.noise, faults.noise_rng) +
                           cli.prompt)
        process.exit(0)
    except (asyncssh.Error, OSError, BrokenPipeError, ConnectionError):
        return


async def start_ssh(state: DeviceState, port: int, login: Login, host: str = "127.0.0.1",
                    live: set[asyncssh.SSHServerConnection] | None = None,
                    ) -> asyncssh.SSHAcceptor:
    """Listen for SSH on host:port for one device; close with `acceptor.close()`. Open
    connections are kept in `live`, so whoever stops the device can close them too."""
    sessions = live if live is not None else set()
    return await asyncssh.create_server(
        lambda: _Server(state, login, sessions), host, port,
        server_host_keys=[host_key()],
        process_factory=lambda proc: _session(proc, state, login),
        line_editor=False, encoding="utf-8", keepalive_interval=0,
        login_timeout=30)
