"""Text a device prints verbatim inside its configuration: IOS `banner KIND ^C` … `^C` (motd,
login, exec, incoming, slip-ppp, prompt-timeout, config-save; `show running-config` prints the
delimiter as `^C` whatever was typed, archives keep the typed character). The lines between the
delimiters are whatever the operator wrote: a line there that looks like a prompt (`HOST#`,
`HOST>`), an echoed command, `end` or `interface …` is banner text, never a prompt, the end of
the configuration or a statement. The agent's reader (which must neither stop at nor reject a
prompt-like banner line), the collector's capture check and the IOS parser read it here."""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPEN = re.compile(r"^banner (?:motd|login|exec|incoming|slip-ppp|prompt-timeout|config-save)"
                   r"[ \t]+(\^C|\S)(.*)$")


@dataclass(frozen=True)
class Verbatim:
    lines: frozenset[int]      # 1-based numbers of the lines of banner text
    open: bool                 # the text ends inside a banner whose closing delimiter is not read


NONE = Verbatim(frozenset(), False)


def no_banners(text: str) -> Verbatim:
    """For platforms that print nothing verbatim."""
    return NONE


def verbatim(text: str) -> Verbatim:
    """The banner text lines of a configuration (or of the part of it read so far)."""
    if "banner " not in text:
        return NONE
    inside: list[int] = []
    delimiter: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if delimiter is not None:
            inside.append(number)
            if delimiter in line:
                delimiter = None
            continue
        m = _OPEN.match(line)
        if m and m[1] not in m[2]:
            delimiter = m[1]
    return Verbatim(frozenset(inside), delimiter is not None)
