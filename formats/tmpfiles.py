"""tmpfiles.d(5) lines as systemd-tmpfiles reads them: `Type Path Mode User Group Age Argument`,
and what each line removes. `R`/`r` remove the path and `D` empties it whenever
systemd-tmpfiles runs with --remove (systemd-tmpfiles-setup.service, at boot); an Age on
`d D e v q Q C` has `systemd-tmpfiles --clean` (systemd-tmpfiles-clean.timer, daily) delete
what under the path is older than it. Both are said as the shell commands that do the same."""

from __future__ import annotations

import re
import shlex
from typing import NamedTuple

from lineguard.formats.timespan import parse_timespan

# systemd-tmpfiles reads these folders; a name in an earlier one hides the same name later
TMPFILES_DIRS = ("etc/tmpfiles.d", "run/tmpfiles.d", "usr/local/lib/tmpfiles.d",
                 "usr/lib/tmpfiles.d", "lib/tmpfiles.d")
# systemd-tmpfiles --user: each user's own folders (`~` a home), run by the user's manager
USER_TMPFILES_DIRS = ("~/.config/user-tmpfiles.d", "~/.local/share/user-tmpfiles.d")
_AGED = frozenset("dDevqQC")
_TYPE = re.compile(r"^([A-Za-z])([!+=~^-]*)$")


class Removal(NamedTuple):
    """What one line removes: `when` is "boot" (--remove) or "clean" (--clean, by age)."""

    line: int
    when: str
    command: str
    text: str
    path: str


def removals(text: str, home: str = "") -> list[Removal]:
    """Every removal the file's lines ask for, in file order; lines it cannot split are
    skipped (systemd-tmpfiles logs and skips them too). `home`: the %h of a user's file."""
    out: list[Removal] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            fields = shlex.split(line)
        except ValueError:
            continue
        m = _TYPE.match(fields[0]) if fields else None
        if m is None or len(fields) < 2:
            continue
        kind, path = m.group(1), fields[1].replace("%h", home) if home else fields[1]
        age = fields[5] if len(fields) > 5 else "-"
        quoted = shlex.quote(path)
        if kind == "R":
            out.append(Removal(number, "boot", f"rm -rf {quoted}", line, path))
        elif kind == "r":
            out.append(Removal(number, "boot", f"rm -f {quoted}", line, path))
        elif kind == "D":
            out.append(Removal(number, "boot", f"find {quoted} -mindepth 1 -delete", line, path))
        if kind in _AGED and age not in ("-", ""):
            minutes = _minutes(age.lstrip("~"))
            if minutes is not None:
                depth = " -maxdepth 1" if age.startswith("~") else ""
                out.append(Removal(number, "clean", f"find {quoted} -mindepth 1{depth} "
                                                    f"-mmin +{minutes} -delete", line, path))
    return out


def _minutes(age: str) -> int | None:
    try:
        return max(0, int(parse_timespan(age) // 60))
    except ValueError:
        return None
