"""ifupdown's /etc/network/interfaces (interfaces(5)): the pre-up, up, post-up, pre-down, down
and post-down options of an interface stanza run a shell command when the interface changes
state. The agent follows those commands; the collector lists them as event jobs."""

from __future__ import annotations

INTERFACE_HOOKS = ("pre-up", "up", "post-up", "pre-down", "down", "post-down")


def interface_commands(text: str) -> list[tuple[int, str, str]]:
    """(line, option, command) of every pre-up/up/post-up/down/... line of an interfaces file."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        words = line.strip().split(None, 1)
        if len(words) == 2 and words[0] in INTERFACE_HOOKS:
            out.append((number, words[0], words[1]))
    return out
