"""What an interactive session puts around a command's output, taken out the way the terminal
itself would show it: escape sequences dropped, backspaces and carriage returns applied as
cursor moves (so a pager prompt the device erased is gone, as it is from the screen), a pager
prompt left standing removed, line ends made LF, and the command's echo (once or repeated) cut
from the top. What this does not know stays in the text, and the collector's capture checks
(collector.platforms) then call the poll partial: nothing unexplained is smoothed over."""

from __future__ import annotations

import re

# CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), and two-character escapes (ESC 7, ESC =, …)
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_78=>]")
# Pager prompts a device prints between pages: IOS `--More--`, Junos `---(more 45%)---`
_PAGER = re.compile(r"^ ?(?:--More--|---\(more(?: \d{1,3}%)?\)---) ?")
_LINE_END = re.compile(r"\r*\n")
# The line Junos prints above each prompt on a box with two routing engines, in a virtual
# chassis or a cluster: `{master:0}`, `{backup:1}`, `{master:member0-re0}`, `{primary:node0}`
# (netmiko's strip_context_items knows the same). Which engine is master changes with a
# switchover, which changes nothing configured.
CONTEXT = re.compile(r"^\{(?:master|backup|linecard|primary|secondary|hold|ineligible|"
                     r"disabled)(?::[\w-]+)?\}$")


def _as_shown(line: str) -> str:
    """One line as a terminal shows it: a backspace moves the cursor left, a CR to the start,
    and what follows overwrites what was there."""
    if "\b" not in line and "\r" not in line:
        return line
    cells: list[str] = []
    col = 0
    for ch in line:
        if ch == "\b":
            col = max(0, col - 1)
        elif ch == "\r":
            col = 0
        elif col < len(cells):
            cells[col] = ch
            col += 1
        else:
            cells.append(ch)
            col += 1
    return "".join(cells)


def screen_lines(raw: str) -> list[str]:
    """The lines of `raw` as the screen shows them, pager prompts left standing removed."""
    text = _ESCAPE.sub("", raw) if "\x1b" in raw else raw
    lines = [_as_shown(ln) for ln in _LINE_END.split(text)]
    return [_PAGER.sub("", ln) if "-" in ln[:4] else ln for ln in lines]


def command_output(raw: str, command: str) -> list[str]:
    """The output lines of `command` in what a session showed: from the command's echo on,
    without the echo, nor the same command echoed again at the top."""
    echo = raw.find(command) if command else -1
    lines = screen_lines(raw[echo:] if echo >= 0 else raw)
    if command and lines and command in lines[0]:
        lines = lines[1:]
        while lines and command.strip() and lines[0].strip() == command.strip():
            lines = lines[1:]
    return lines


def without_context(text: str) -> str:
    """The output without the routing-engine role lines at its end or beginning (a prompt in
    flight leaves one above the output), nor the blank lines around them; a role line inside
    the output is data and stays, and an output with none is returned as it is."""
    if "{" not in text:
        return text
    lines = text.split("\n")
    end = len(lines)
    while end and (not lines[end - 1].strip() or CONTEXT.match(lines[end - 1].strip())):
        end -= 1
    start = 0
    while start < end and (not lines[start].strip() or CONTEXT.match(lines[start].strip())):
        start += 1
    if not any(CONTEXT.match(ln.strip()) for ln in lines[:start] + lines[end:]):
        return text
    return "\n".join(lines[start:end])
