"""What real devices and terminals put into a captured configuration besides the configuration,
switched on per device (`Faults.noise`, a set of the names below) so that tests can poll an
untouched fleet many times and see none of it as drift. Each poll draws new noise from the
device's own random generator (`Faults.noise_rng`).

Terminal noise, on every command's output over SSH (sim.ssh):
  paging      the pager's prompt every 23 lines, erased as the device does once the client
              pressed space: IOS ` --More-- ` and backspaces, Junos `---(more N%)---` and CR
  ansi        escape sequences: erase-to-end-of-line, reverse video around the pager prompt
  cr          lines ending in CR CR LF
  echo        the command line echoed once more at the top of its output
  banner      a `Last login:` line with the time of the session before the first prompt
  prompts     now and then a stray prompt before an output (an Enter pressed twice), sent at
              once and the output only after a pause, as the device runs the command
  trailing    blanks added at the end of some lines
  motd        the device's message of the day printed before the first prompt, holding lines
              that look like prompts (`HOST#`, `HOST>`, `user@HOST>`, `login:`), as operators
              write them into instructions and warnings

Configuration noise, in `show running-config` / `show configuration` (sim.ios, sim.junos):
  timestamps  IOS `! NVRAM config last updated at <now>` (a `write memory` without a change),
              Junos `## Last commit: <now>` (a `commit` without a change)
  ntp         IOS `ntp clock-period N`, which the clock discipline rewrites all the time
  crypto      an IOS self-signed certificate chain, its hex lines with or without the trailing
              blank IOS prints
  reorder     IOS `logging host` and `ntp server` lines in the order of the device's tables,
              which changes after a reload or a name's re-resolution
  restart     IOS `! No configuration change since last restart` in place of the `! Last
              configuration change at …` line, as after a reload with nothing changed since
  motd        the same message configured: IOS `banner motd ^C` … `^C` and a one-line
              `banner exec ^C…^C`, whose lines the device prints verbatim in running-config
              (a prompt-like line there is banner text, not a prompt); Junos `system login
              message "…\n…"`

Session context (sim.ssh): Junos on a box with two routing engines, in a virtual chassis or a
cluster prints the engine's role on a line of its own before every prompt:
  context     `{master:0}` (`{master:1}` after a switchover, `{master:member0-re0}`,
              `{primary:node0}`) above each prompt

Counters in the SNMP walk (sim.snmp):
  counters    the ATM-MIB's Counter32 columns a real switch keeps, the AAL5 CRC, SAR time-out
              and oversized-SDU errors of each VCC (aal5VccTable) and each interface's OCD
              events (atmInterfaceTCTable), counting up between and during walks
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

NOISES = ("paging", "ansi", "cr", "echo", "banner", "prompts", "timestamps", "ntp", "crypto",
          "trailing", "reorder", "restart", "context", "counters", "motd")
_CONTEXTS = ("{master:0}", "{master:1}", "{master:member0-re0}", "{primary:node0}")
_PAGE = 23
STRAY_PAUSE_S = 0.5
_IOS_MORE = " --More-- "
_CERT_HEX = 12


def terminal(text: str, platform: str, noise: frozenset[str], rng: random.Random,
             command: str) -> str:
    """A command's output as a noisy session shows it."""
    if not text or not noise:
        return text
    lines = text.split("\n")
    if "trailing" in noise:
        lines = [ln + " " * rng.randint(1, 3) if ln and rng.random() < 0.05 else ln
                 for ln in lines]
    if "ansi" in noise:
        lines = [ln + "\x1b[K" if ln and rng.random() < 0.1 else ln for ln in lines]
    if "paging" in noise and len(lines) > _PAGE:
        more = _IOS_MORE if platform == "cisco_ios" else "---(more {}%)---"
        for at in range(_PAGE, len(lines), _PAGE):
            prompt = more.format(100 * at // len(lines))
            if "ansi" in noise:
                prompt = f"\x1b[7m{prompt}\x1b[27m"
            width = len(re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", prompt))
            erase = ("\b" * width + " " * width + "\b" * width if platform == "cisco_ios"
                     else "\r" + " " * width + "\r")
            lines[at] = prompt + erase + lines[at]
    if "echo" in noise and command.strip():
        lines.insert(0, command.strip())
    out = "\n".join(lines)
    if "cr" in noise:
        out = out.replace("\n", "\r\r\n")
    return out


def banner(noise: frozenset[str], rng: random.Random) -> str:
    if "banner" not in noise:
        return ""
    when = f"{rng.choice(('Mon', 'Tue', 'Wed'))} Dec  {rng.randint(1, 9)} " \
           f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} 2026"
    return f"\nLast login: {when} from 127.0.0.1\n"


def motd_lines(hostname: str, platform: str) -> list[str]:
    """The message of the day an operator configured on this device: the same at every poll,
    with lines a reader of the capture could take for prompts or a login."""
    prompt = f"lgops@{hostname}>" if platform == "juniper_junos" else f"{hostname}#"
    return ["*" * 60,
            f" {hostname}: ATM access node. Authorised access only.",
            " Before any change, save the line data:",
            f"{prompt} show atm vc",
            f"{hostname}>",
            "login:",
            " Password: see the NOC runbook, chapter 4",
            "end",
            "*" * 60]


def session_motd(hostname: str, platform: str, noise: frozenset[str]) -> str:
    """The message of the day as a session prints it after login, before the first prompt."""
    if "motd" not in noise:
        return ""
    return "\n" + "\n".join(motd_lines(hostname, platform)) + "\n"


def context(platform: str, noise: frozenset[str], rng: random.Random) -> str:
    """The routing engine's role Junos prints on its own line before each prompt: which engine
    is master changes with a switchover, which is no change of the configuration."""
    if "context" not in noise or platform != "juniper_junos":
        return ""
    return "\n" + rng.choice(_CONTEXTS) + "\n"


def ios_config(text: str, hostname: str, noise: frozenset[str], rng: random.Random) -> str:
    """IOS running-config with the configuration noise; the size line counted again."""
    if not noise & {"timestamps", "ntp", "crypto", "reorder", "restart", "motd"}:
        return text
    lines = text.split("\n")
    if "restart" in noise and rng.random() < 0.5:
        at = next(i for i, ln in enumerate(lines) if ln.startswith("! Last configuration change"))
        lines[at] = "! No configuration change since last restart"
    if "timestamps" in noise:
        at = next(i for i, ln in enumerate(lines) if ln.startswith(
            ("! Last configuration change", "! No configuration change")))
        lines.insert(at + 1, f"! NVRAM config last updated at "
                             f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:"
                             f"{rng.randint(0, 59):02d} JST Wed Dec 2 2026 by lgops")
    tail = next(i for i, ln in enumerate(lines) if ln == "line con 0")
    extra: list[str] = []
    if "reorder" in noise:
        servers = [f"logging host 10.0.{n}.20" for n in range(1, 4)] + \
                  [f"ntp server 10.0.{n}.1" for n in range(1, 4)]
        logging, ntp = servers[:3], servers[3:]
        rng.shuffle(logging)
        rng.shuffle(ntp)
        extra += logging + ["!"] + ntp
    if "ntp" in noise:
        extra.append(f"ntp clock-period {17179869 + rng.randint(-99, 99)}")
    if "crypto" in noise:
        extra += _certificate(hostname, rng)
    if "motd" in noise:
        extra += ["banner exec ^CSessions are logged. Lost? Type exit at the " + hostname +
                  "# prompt^C", "banner motd ^C", *motd_lines(hostname, "cisco_ios"), "^C"]
    if extra:
        lines[tail:tail] = extra + ["!"]
    body_at = next(i for i, ln in enumerate(lines) if ln.startswith("Current configuration"))
    body = "\n".join(lines[body_at + 1:])
    lines[body_at] = f"Current configuration : {len(body)} bytes"
    return "\n".join(lines)


def _certificate(hostname: str, rng: random.Random) -> list[str]:
    """A self-signed certificate chain; the same hex every poll (seeded by the hostname), the
    blank IOS prints after each hex line there or not, as capture tools keep or strip it."""
    fixed = random.Random(hostname)
    tp = f"TP-self-signed-{fixed.randint(10**8, 10**9)}"
    hex_lines = [" ".join(f"{fixed.getrandbits(32):08X}" for _ in range(8))
                 for _ in range(_CERT_HEX)]
    blank = " " if rng.random() < 0.5 else ""
    return [f"crypto pki trustpoint {tp}", " enrollment selfsigned",
            f" subject-name cn=IOS-Self-Signed-Certificate-{tp[15:]}", " revocation-check none",
            f" rsakeypair {tp}", "!", f"crypto pki certificate chain {tp}",
            " certificate self-signed 01", *(f"  {h}{blank}" for h in hex_lines), "  \tquit"]


def junos_config(text: str, noise: frozenset[str], rng: random.Random, changed: datetime) -> str:
    """Junos `show configuration` with the configuration noise."""
    if "motd" in noise and "\nsystem {\n" in text:
        hostname = re.search(r"^    host-name (\S+);$", text, re.MULTILINE)
        message = "\\n".join(motd_lines(hostname[1] if hostname else "router", "juniper_junos"))
        text = text.replace("\nsystem {\n", "\nsystem {\n    login {\n"
                            f'        message "{message}";\n    }}\n', 1)
    if "timestamps" in noise and text.startswith("## Last commit: "):
        _, _, rest = text.partition("\n")
        at = changed + timedelta(minutes=rng.randint(1, 10_000))
        return f"## Last commit: {at:%Y-%m-%d %H:%M:%S} JST by lgops\n{rest}"
    return text
