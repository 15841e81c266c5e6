"""Secrets in host text — job command lines, scripts, units, at jobs, process command lines —
replaced by the agent's keyed hash before anything leaves the host.

Only the value is replaced; the command, its options, hosts, OIDs and paths stay, because the
collector judges the job by them. The token is one plain shell word (no `<`, `>`, quotes or
spaces), so a masked command still parses the way the original did, and a masked value inside
quotes stays inside them. Equal secrets give equal tokens and a changed one changes the text.

What counts as a secret is declared here: options of the programs that take one on the command
line, credentials in URLs, password variables, and password literals in scripts.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace
from pathlib import Path

from lineguard.agent.devices.mask import keyed_digest
from lineguard.formats.shells import is_binary
from lineguard.formats.wire import MASKED as _TOKEN
from lineguard.formats.wire import MASKED_PREFIX as TOKEN_PREFIX
from lineguard.formats.wire import Artifact

# A secret on a command line is one word; a value with blanks or shell operators could be code
# an insider parks under a secret's name to have it masked out of the rules' sight.
_CODE = re.compile(r"[\s;|&`<>(){}]")
_VARIABLE = re.compile(r"\$(?:\{?[A-Za-z_][A-Za-z0-9_]*\}?|\d)")
# Artifact kinds whose text is a command line or a script (not passwd, timezone, stamps).
MASKED_KINDS = frozenset({"crontab", "cron.d", "cron-spool", "run-parts", "anacrontab", "at-job",
                          "systemd-unit", "script", "process", "unit", "rc-local", "init-script",
                          "net-hook", "interfaces", "udev-rules", "logrotate", "apt-conf",
                          "login-file", "authorized-keys", "pam", "scheduled-file",
                          "kernel-hook", "unit-generator", "tmpfiles", "kernel-conf",
                          "supervisor-conf", "python-site", "git-hook", "daemon-conf"})

# A value as a shell word: quoted whole, or up to the next blank or shell operator.
_WORD = r"""(?:'(?P<sq>[^'\n]*)'|"(?P<dq>[^"\n]*)"|(?P<bare>[^\s'";&|()<>`]+))"""
# Where a command line ends for the option scan: a newline or a shell separator.
_SEGMENT_END = re.compile(r"[\n;&|`]|\$\(")

# Programs and their options whose value is a secret: (option, glued allowed, separate allowed).
_PROGRAM_OPTIONS: tuple[tuple[re.Pattern[str], tuple[tuple[str, bool, bool], ...]], ...] = (
    # mysql -pSECRET (a separate word after -p is the database name, not the password)
    (re.compile(r"(?<![\w.-])(?:mysql\w*|mariadb\w*)(?![\w.-])"), (("-p", True, False),)),
    (re.compile(r"(?<![\w.-])snmp\w*(?![\w.-])"),
     (("-c", True, True), ("-A", True, True), ("-X", True, True))),
    (re.compile(r"(?<![\w.-])sshpass(?![\w.-])"), (("-p", True, True),)),
    (re.compile(r"(?<![\w.-])(?:ldap\w+)(?![\w.-])"), (("-w", True, True),)),
    (re.compile(r"(?<![\w.-])redis-cli(?![\w.-])"), (("-a", True, True),)),
)
# curl/wget-style `-u user:password`: only what follows the first colon is secret.
_USER_PASS_PROGRAMS = re.compile(r"(?<![\w.-])(?:curl|lftp|smbclient)(?![\w.-])")
_USER_PASS_OPTION = re.compile(r"(?<=\s)(?:-u|--user)(?:\s+|=)" + _WORD)

_PATTERNS = (
    # --password=X, --password X, --passwd, --http-password, --ftp-password, --auth-password …
    re.compile(r"(?<![\w-])--(?:[\w-]*-)?pass(?:word|wd)?(?:=|\s+(?!-))" + _WORD, re.I),
    # scheme://user:password@host
    re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@'\"]*:(?P<bare>[^\s@/'\"]+)@", re.I),
    # PGPASSWORD=X, export DB_PASSWORD=X, MYSQL_PWD=X, SNMP_COMMUNITY=X, API_TOKEN=X
    re.compile(r"(?<![\w$])(?:MYSQL_PWD|SSHPASS|[A-Za-z_]*(?:PASSWORD|PASSWD|PASS|SECRET|TOKEN"
               r"|API_?KEY|COMMUNITY)[A-Za-z0-9_]*)=" + _WORD),
    # password='X' / password => "X" / "password": "X" in Python, Perl, Ruby, JSON, YAML …
    re.compile(r"""(?<![\w$])['"]?(?:pass(?:word|wd)?|secret|community|auth_?key|priv_?key"""
               r"""|api_?key|token)['"]?\s*(?:=|=>|:)\s*(?:'(?P<sq>[^'\n]*)'|"(?P<dq>[^"\n]*)")""",
               re.I),
)


# Files that are secrets as a whole: a private key (PEM, OpenSSH, PGP: nothing but the key) and
# a shadow file (nothing but its lines). A job need only name one (`cat /etc/lineguard/agent.key`,
# `. /etc/shadow` in an operator's own crontab) for the agent, which runs as root, to capture it
# as the job's script, into a snapshot that any local user can read in the outbox: the agent's
# own key would sign snapshots in its name. Only such a file as a whole: a key-like block inside
# a script is not masked, or a line of code put in one would be masked out of the rules' sight.
_KEY_FILE = re.compile(r"\A\s*-----BEGIN (?P<label>[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----\r?\n"
                       r"(?P<block>(?:[A-Za-z0-9+/=]{1,76}\r?\n)+)-----END (?P=label)-----\s*\Z")
_SHADOW_LINE = re.compile(r"^[\w.-]+:(?P<hash>[^:\n]*)(?::\d*){5}:[^:\n]*:[^:\n]*$", re.M)


def _secret_file_spans(text: str) -> set[tuple[int, int]]:
    """The spans of a whole-file secret to mask (see _KEY_FILE): a key's body, each password
    hash of a shadow file; empty for any other text."""
    if "-----BEGIN" in text:
        m = _KEY_FILE.match(text)
        return {m.span("block")} if m else set()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    found = list(_SHADOW_LINE.finditer(text)) if ":" in text else []
    if not lines or len(found) != len(lines):
        return set()
    return {m.span("hash") for m in found if len(m.group("hash")) > 2}


def mask_token(value: str, key: bytes) -> str:
    return f"{TOKEN_PREFIX}{keyed_digest(value, key)}"


def mask_host_text(text: str, key: bytes) -> str:
    """`text` with every secret value replaced by its keyed token."""
    if not key:
        raise ValueError("mask key must not be empty: an unkeyed hash of a password can be guessed")
    spans: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        spans += [_value_span(m) for m in pattern.finditer(text)]
    spans += _program_spans(text)
    blocks = _secret_file_spans(text)
    out: list[str] = []
    at = 0
    for start, end in sorted(set(spans) | blocks):
        if start < at or start == end:
            continue   # overlapping a span already masked, or an empty value
        value = text[start:end]
        if (start, end) in blocks:
            out += [text[at:start], mask_token(value, key) + ("\n" if value.endswith("\n") else "")]
            at = end
            continue
        if _VARIABLE.fullmatch(value) and text[start - 1:start] != "'":
            continue   # `"$PW"`: a reference to a secret kept elsewhere, not the secret
        if _CODE.search(value):
            continue   # shell code under a secret's name (`PASSWORD='rm -rf …'; eval …`) stays
        out += [text[at:start], value if _TOKEN.fullmatch(value) else mask_token(value, key)]
        at = end
    return "".join(out) + text[at:]


def _value_span(m: re.Match[str]) -> tuple[int, int]:
    for group in ("sq", "dq", "bare"):
        if group in m.re.groupindex and m.group(group) is not None:
            return m.span(group)
    return m.end(), m.end()


def _program_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for program, options in _PROGRAM_OPTIONS:
        for m in program.finditer(text):
            segment_end = _SEGMENT_END.search(text, m.end())
            end = segment_end.start() if segment_end else len(text)
            for option, glued, separate in options:
                spans += _option_spans(text, m.end(), end, option, glued, separate)
    for m in _USER_PASS_PROGRAMS.finditer(text):
        segment_end = _SEGMENT_END.search(text, m.end())
        end = segment_end.start() if segment_end else len(text)
        for opt in _USER_PASS_OPTION.finditer(text, m.end(), end):
            start, stop = _value_span(opt)
            colon = text.find(":", start, stop)
            if colon != -1:
                spans.append((colon + 1, stop))
    return spans


def _option_spans(text: str, start: int, end: int, option: str, glued: bool,
                  separate: bool) -> list[tuple[int, int]]:
    forms = []
    if separate:
        forms.append(r"\s+(?!-)")   # `--password -e …`: the next option is not the value
    if glued:
        forms.append("")
    pattern = re.compile(r"(?<=\s)" + re.escape(option) + "(?:" + "|".join(forms) + ")" + _WORD)
    return [_value_span(m) for m in pattern.finditer(text, start, end)]


def masked_sha256(path: Path, key: bytes, text_limit: int = 1 << 20) -> str | None:
    """The sha256 a snapshot would record for the script at `path` now: of its masked text, or
    of its bytes when it is kept by hash only (binary, or larger than `text_limit`)."""
    try:
        with path.open("rb") as f:
            head = f.read(text_limit + 1)
            if len(head) > text_limit or is_binary(head[:8192]):
                digest = hashlib.sha256(head)
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
                return digest.hexdigest()
    except OSError:
        return None
    text = head.decode("utf-8", "surrogateescape")
    return hashlib.sha256(mask_host_text(text, key).encode("utf-8", "surrogateescape")).hexdigest()


def mask_artifact(art: Artifact, key: bytes) -> Artifact:
    """The artifact with its secrets masked; its sha256 then covers the masked bytes (a hash of
    the original would let a guessed password be confirmed), and meta says how many went."""
    if art.kind not in MASKED_KINDS or art.content is None:
        return art
    raw = art.raw() or b""
    text = raw.decode("utf-8", "surrogateescape")
    masked = mask_host_text(text, key)
    meta = dict(art.meta)
    if art.kind == "process" and isinstance(meta.get("argv"), list):
        meta["argv"] = [mask_host_text(str(a), key) for a in meta["argv"]]
    if masked == text and meta == art.meta:
        return art
    data = masked.encode("utf-8", "surrogateescape")
    meta["masked"] = len(_TOKEN.findall(masked)) - len(_TOKEN.findall(text))
    if art.encoding == "base64":
        return replace(art, content=base64.b64encode(data).decode("ascii"),
                       sha256=hashlib.sha256(data).hexdigest(), meta=meta)
    return replace(Artifact.from_bytes(art.name, art.kind, data, meta, art.error))
