"""What reading one job may cost. A planted script chooses its own shape, and some shapes make
tree-sitter or a walker take minutes (tree-sitter-perl is quadratic in nested calls, for one):
a parse is halted after PARSE_SECONDS of CPU, and a job's reading after READ_SECONDS of CPU or
its statement budget (resolve.Job.budget). What was not read becomes an `unparsed` effect that
says why (resolve.give_up): a script built to exhaust the reader is never judged benign.

CPU time of this process, not wall time: a loaded machine does not make a script unreadable."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from tree_sitter import Parser, Tree

PARSE_SECONDS = 5.0       # CPU one tree-sitter parse may take (a 2 MB script takes well under 1 s)
READ_SECONDS = 30.0       # CPU reading one job may take, nested programs included
# processes of their own one job's reading may start (decode.unmarshalled_calls): CPU time
# counts this process only, and a process costs a start-up each, so a job holding thousands of
# marshalled objects would take hours of the collector's (and the agent's) time
MAX_CHILDREN = 8
CHECK_EVERY = 64          # statements between two looks at the clock (a look is a system call)
# Below this size a parse is not bounded: tree-sitter is linear on real scripts, and the worst
# shapes known (tree-sitter-perl on nested subscripts, chained ?:, runs of stray closers) are
# quadratic, about 3 s for 32 KB. Above it they grow out of reach (64 KB of `} ) ] ;` take
# 5 s, 2 MB would take hours), so every larger text is parsed under the bound. Not lower: a
# bounded parse costs more (tree-sitter calls back for the text at every lexer reset).
BOUNDED_FROM = 32_768
_COSTLY: dict[tuple[int, bytes], str] = {}     # (parser, sha256) a parse gave up on


class TooCostly(Exception):
    """A text tree-sitter gave up parsing at the bound; the message says so."""


class PastLimit(TooCostly):
    """A payload a decoder will not undo whole: larger than its limit once undone (padding put
    before the line that matters), or one only a process of its own may undo and that process
    could not. The program it was found in is not read past it, and the message, which begins
    "not read", says which limit: a reading limit, never a benign job."""


class Trees:
    """Parse trees of one language by content, each parsed within the bound: a library many
    scripts source is parsed once; past `size` texts the oldest is dropped.

    A text that is a near-copy of one parsed before (a packaged script with a line changed or
    added: the site-edited copies a fleet holds, and what a planted line makes of a script) is
    parsed incrementally from that one's tree, as tree-sitter does after an edit: about ten
    times faster. Only between trees without errors: tree-sitter's error recovery may place
    a stretch it cannot parse differently from scratch than after an edit, and a job's reading
    must not depend on which jobs were read before it. A tree with errors is parsed anew."""

    def __init__(self, parser: Callable[[], Parser], size: int) -> None:
        self._parser = parser
        self._size = size
        self._trees: dict[bytes, Tree] = {}
        # the first and the last SIMILAR_ENDS bytes of a clean text -> that text
        self._ends: dict[bytes, bytes] = {}
        self.edited = 0           # texts parsed from a near-copy's tree since the last clear

    def parse(self, src: bytes) -> Tree:
        tree = self._trees.get(src)
        if tree is None:
            tree = self._edited(src) or parse_within(self._parser(), src)
            if len(self._trees) >= self._size:
                gone = next(iter(self._trees))
                del self._trees[gone]
                for end in (b"<" + gone[:SIMILAR_ENDS], b">" + gone[-SIMILAR_ENDS:]):
                    if self._ends.get(end) is gone:
                        del self._ends[end]
            self._trees[src] = tree
            if len(src) >= SIMILAR_FROM and not tree.root_node.has_error:
                self._ends[b"<" + src[:SIMILAR_ENDS]] = src
                self._ends[b">" + src[-SIMILAR_ENDS:]] = src
        return tree

    def _edited(self, src: bytes) -> Tree | None:
        """The tree of `src` parsed from the tree of a clean text it shares its start or its
        end with, where the two differ in less than half of `src`; None where there is none,
        or the result has errors."""
        if len(src) < SIMILAR_FROM:
            return None
        old = self._ends.get(b"<" + src[:SIMILAR_ENDS]) or self._ends.get(b">" + src[-SIMILAR_ENDS:])
        old_tree = self._trees.get(old) if old is not None else None
        if old is None or old_tree is None:
            return None
        head = _common_head(old, src)
        tail = _common_tail(old, src, min(len(old), len(src)) - head)
        if 2 * (head + tail) < len(src):
            return None
        edited = old_tree.copy()
        edited.edit(start_byte=head, old_end_byte=len(old) - tail, new_end_byte=len(src) - tail,
                    start_point=_point(old, head), old_end_point=_point(old, len(old) - tail),
                    new_end_point=_point(src, len(src) - tail))
        tree = parse_within(self._parser(), src, edited)
        if tree.root_node.has_error:
            return None
        self.edited += 1
        return tree

    def clear(self) -> None:
        self._trees.clear()
        self._ends.clear()
        self.edited = 0


SIMILAR_FROM = 1024       # bytes from which a text is looked for among near-copies
SIMILAR_ENDS = 128        # bytes at each end a near-copy is found by


def _common_head(a: bytes, b: bytes) -> int:
    """How many bytes a and b start with in common (a binary search over slice compares)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_tail(a: bytes, b: bytes, most: int) -> int:
    """How many bytes (at most `most`) a and b end with in common."""
    lo, hi = 0, most
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid:] == b[len(b) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _point(text: bytes, at: int) -> tuple[int, int]:
    """The (row, byte column) of byte offset `at`, as tree-sitter counts them."""
    return text.count(b"\n", 0, at), at - (text.rfind(b"\n", 0, at) + 1)


def deadline() -> float:
    """The process CPU time at which a reading started now must stop."""
    return time.process_time() + READ_SECONDS


def past(at: float) -> bool:
    return time.process_time() > at


def parse_within(parser: Parser, src: bytes, old: Tree | None = None) -> Tree:
    """parser.parse(src), for a text of BOUNDED_FROM bytes or more halted by tree-sitter's
    progress callback after PARSE_SECONDS of CPU: TooCostly then (and at once for a text halted
    before). py-tree-sitter takes a progress callback only with a read callback, and a tree read
    that way answers node.text, which the walkers read all the time, by calling back for the
    bytes: a text that parses in time is parsed again from bytes with that tree as the old one
    (a clean text reuses nearly all of it; one full of errors costs about as much again, so a
    parse costs at most about twice the bound). `old`: the edited tree of a near-copy, parsed
    from (see Trees)."""
    if len(src) < BOUNDED_FROM:
        return parser.parse(src, old_tree=old) if old is not None else parser.parse(src)
    key = (id(parser), hashlib.sha256(src).digest())
    if key in _COSTLY:
        raise TooCostly(_COSTLY[key])
    seconds = PARSE_SECONDS
    stop = time.process_time() + seconds
    view = memoryview(src)     # tree-sitter asks for text again at every lexer reset: no copies
    calls = 0

    def progress(_at: int, _error: bool) -> bool:
        # called at every lexer reset (about once per 10 bytes): the clock, a system call, is
        # looked at once every CHECK_EVERY calls
        nonlocal calls
        calls += 1
        return calls % CHECK_EVERY == 0 and past(stop)

    try:
        probe = (parser.parse(lambda at, _point: view[at:], old_tree=old,
                              progress_callback=progress) if old is not None else
                 parser.parse(lambda at, _point: view[at:], progress_callback=progress))
    except ValueError:
        parser.reset()         # else the next parse would resume this one
        why = (f"too costly to parse: tree-sitter gave up after {seconds:g} s of CPU on "
               f"{len(src):,} bytes")
        if len(_COSTLY) >= 16:
            del _COSTLY[next(iter(_COSTLY))]
        _COSTLY[key] = why
        raise TooCostly(why) from None
    return parser.parse(src, old_tree=probe)
