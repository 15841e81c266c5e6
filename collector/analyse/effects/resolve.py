"""What a reader needs while it follows a job: the captured files, the variables known so far,
the gates and loops it is inside, what the job wrote or downloaded earlier (so running that file
is judged by its source), and where found effects go. Values are strings; parts that cannot be
known are markers (model.unknown / model.symbol)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from lineguard.collector.analyse.effects import bounds
from lineguard.collector.analyse.effects.model import (
    _BACK,
    _MARK,
    ARG_MARK,
    Effect,
    Gate,
    change_ref_in,
    is_known,
    markers,
    render,
    symbol,
    unknown,
)
from lineguard.formats.shells import script_text
from lineguard.formats.wire import MASKED, MASKED_PREFIX, Artifact, sha256_hex

MAX_DEPTH = 10            # nested programs (sh -c inside python inside a decoded payload …)
MAX_LOOP = 16             # literal loop items shown in a reason; more are counted
MAX_EACH = 256            # items of a list a loop goes over that are judged one by one
# Statements one reading may cost: a base for loops, calls and nested programs, plus one per
# two characters of every text handed to a reader (no statement is shorter: a long script, or
# a line of 30,000 `:;`, is read to its end, so padding cannot hide what comes last). What is
# left unread is an effect.
BUDGET = 20_000
_CHARS_PER_STATEMENT = 2
_DEVICE_LIST = re.compile(r"(?:^|[/_.-])(?:ne|nes|nodes?|devices?|hosts?|routers?|switch(?:es)?|"
                          r"inventory|targets?|atm|elements?|equipment)(?:[_.-]|$)", re.I)


@dataclass(frozen=True)
class Written:
    """A file the job itself produced before running it: its text when known, else its source."""

    content: str | None
    source: str
    # the file this one is, moved or compressed here with the original removed (mv, gzip,
    # zstd --rm): deleting this one deletes what that file held (commands._destroy)
    origin: str | None = None


_TEXTS: dict[str, tuple[str]] = {}      # artifact text by content hash (decoded once)


def fingerprint(art: Artifact | None) -> str | None:
    """All a reader can learn from looking a file up: None when it was not captured, else its
    content hash ("" when the agent kept no content)."""
    if art is None:
        return None
    if art.content is None:
        return ""
    return art.sha256 or sha256_hex(art.content.encode())


def _by_name(f: tuple[str, str | None]) -> tuple[str, str]:
    return f[0], f[1] or ""


@dataclass(frozen=True)
class Looked:
    """What following a program looked at outside itself: each captured file looked up, with
    its fingerprint; each search over the names (suffixes -> the names found); and each file
    it asked whether its caller had already followed, with the answer. A reading is reused
    only where all of these come out the same."""

    files: tuple[tuple[str, str | None], ...] = ()
    searches: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    followed: tuple[tuple[str, bool], ...] = ()
    # the files among `files` read for their content as a value (see Job.values): what the
    # reading needs, not what it depends on, so not compared by holds_for
    values: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # sorted once here, as every judgement of every job sharing the reading shows them
        object.__setattr__(self, "files", tuple(sorted(self.files, key=_by_name)))

    def holds_for(self, files: Mapping[str, Artifact], followed: FollowedFiles) -> bool:
        return all(fingerprint(files.get(name)) == fp for name, fp in self.files) and \
            all((name in followed) == was for name, was in self.followed) and \
            all(names_ending(files, suffixes) == found for suffixes, found in self.searches)


class FollowedFiles(set[str]):
    """The captured files a job has followed so far (a reader does not follow one twice). A
    program read for all its callers starts with its caller's: each name it asks about that it
    has not followed itself is noted with the answer, as its reading depends on it."""

    def __init__(self, callers: Iterable[str] = ()) -> None:
        super().__init__(callers)
        self._callers = frozenset(self)
        self._own: set[str] = set()
        self.asked: dict[str, bool] = {}

    def __contains__(self, name: object) -> bool:
        if name in self._own:
            return True
        was = name in self._callers
        if self._callers:
            self.asked.setdefault(name, was)  # type: ignore[arg-type]
        return was

    def add(self, name: str) -> None:
        self._own.add(name)
        super().add(name)

    @property
    def own(self) -> frozenset[str]:
        """The names followed here (not by the callers)."""
        return frozenset(self._own)


@dataclass(frozen=True)
class Reading:
    """What following a program or a job found, kept for reuse: its effects, whether it talks
    to devices, a change reference named on the way, and what it looked at."""

    effects: list[Effect]
    talks_to_devices: bool
    change_ref: str
    looked: Looked
    depth: int = 0          # the nesting depth it was read at
    deepest: int = 0        # the deepest nested program it reached or was refused at
    reached: frozenset[str] = frozenset()   # captured files it followed, nested ones included
    # stopped by the CPU bound of the job it was read for: what it holds depends on what that
    # job read before and on the machine, not on its text, so it is never reused for another
    # job nor stored (another job, or a later run, reads it again)
    cut: bool = False

    def fits(self, depth: int) -> bool:
        """Whether reading it at `depth` would reach the same programs: where no nested
        program was refused for depth (MAX_DEPTH), any depth that leaves room for the deepest."""
        if self.deepest > MAX_DEPTH:
            return depth == self.depth
        return self.deepest - self.depth + depth <= MAX_DEPTH


def names_ending(files: Mapping[str, Artifact], suffixes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(n for n in files if n.endswith(suffixes)))


@dataclass
class Job:
    """State shared by every reader while one job is followed. Readers reach the captured
    files only through artifact, text_of and names_ending, which note what was looked at (see
    looked): a cached reading is reused only where all of it is the same."""

    files: Mapping[str, Artifact]
    sink: list[Effect] = field(default_factory=list)
    written: dict[str, Written] = field(default_factory=dict)
    read: FollowedFiles = field(default_factory=FollowedFiles)
    talks_to_devices: bool = False
    change_ref: str = ""
    budget: int = BUDGET                                  # statements a job may cost
    exhausted: bool = False                               # the budget ran out (see spend)
    deadline: float = field(default_factory=bounds.deadline)   # CPU time reading stops at
    seen: dict[str, str | None] = field(default_factory=dict)     # name -> fingerprint
    deepest: int = 0                                      # see Reading.deepest
    searched: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    programs: int = 0                     # texts handed to a reader (nested ones included)
    reached: set[str] = field(default_factory=set)   # followed by nested readings (see saw)
    cut: bool = False                     # stopped by the CPU bound (see Reading.cut)
    # files read for their content as a value (a password, a setting), not as a program, a
    # list or an input a tool acts on: the agent does not capture them for the job's sake
    values: set[str] = field(default_factory=set)
    # texts read as code that hold an argument marker: a summary that counts one more than
    # before stands for a function that runs what it is handed (see Calls.runs_its_arguments)
    code_from_arguments: int = 0
    limits: set[tuple[str, str | None, int]] = field(default_factory=set)   # see cut_by_limit
    # the functions being followed, innermost last: a depth reached through a function that
    # calls itself is not a reading limit (its body was read further up)
    running: list[str] = field(default_factory=list)
    children: int = 0                     # processes started for its reading (see spawn)
    # what an inline program prints, while its output feeds a pipe (`perl -e 'print …' | sh`):
    # readers add each text they print to standard output; None when nothing reads it
    printed: list[str] | None = None
    # the job lets outgoing traffic through its firewall (an ACCEPT rule or policy): a
    # default-deny it sets is firewall management, not lineguard cut off (see firewall.py)
    lets_out: bool = False

    def spend(self, language: str, place: Place, line: int,
              evidence: str | Callable[[], str], cost: int = 1) -> bool:
        """`cost` statements read. True once the budget or the CPU time (bounds.READ_SECONDS,
        looked at whenever the budget passes a multiple of bounds.CHECK_EVERY) is spent: what
        follows is not read (stop). `evidence` may be a function giving the text: it is then
        only worked out when reading stops there."""
        if self.budget > 0:
            before, self.budget = self.budget, self.budget - cost
            if before // bounds.CHECK_EVERY == self.budget // bounds.CHECK_EVERY \
                    or not bounds.past(self.deadline):
                return False
        return self.stop(language, place, line, evidence)

    def stop(self, language: str, place: Place, line: int,
             evidence: str | Callable[[], str]) -> bool:
        """Read nothing more of this job. The first time, an effect saying where reading
        stopped and why: unread is never benign. True, for `if job.stop(…): return`."""
        if not self.exhausted:
            self.exhausted = True
            self.cut = self.budget > 0
            why = ("its reading budget was spent" if self.budget <= 0 else
                   f"too costly: {bounds.READ_SECONDS:g} s of CPU were spent")
            self.sink.append(place.effect(
                "unparsed", line, evidence() if callable(evidence) else evidence,
                target=language,
                how=f"the rest is not read: {why} here"))
        self.budget = 0
        return True

    def spawn(self, what: str) -> None:
        """One more process of its own for this job's reading (`what` it undoes): past
        bounds.MAX_CHILDREN, PastLimit, and the rest of the program is not read."""
        self.children += 1
        if self.children > bounds.MAX_CHILDREN:
            raise bounds.PastLimit(f"not read: more than {bounds.MAX_CHILDREN} {what} in one "
                                   f"job, each undone in a process of its own")

    def artifact(self, path: str) -> Artifact | None:
        name = path.lstrip("/")
        art = self.files.get(name)
        self.seen[name] = fingerprint(art)
        return art

    def names_ending(self, suffixes: tuple[str, ...]) -> tuple[str, ...]:
        """The captured files whose names end with one of `suffixes`, sorted."""
        found = self.searched[suffixes] = names_ending(self.files, suffixes)
        return found

    def looked(self) -> Looked:
        return Looked(tuple(self.seen.items()), tuple(self.searched.items()),
                      tuple(self.read.asked.items()), tuple(sorted(self.values)))

    def reading(self, depth: int = 0) -> Reading:
        return Reading(self.sink, self.talks_to_devices, self.change_ref, self.looked(), depth,
                       self.deepest, frozenset(self.reached) | self.read.own, self.cut)

    def saw(self, reading: Reading, depth: int) -> None:
        """What a nested reading (or its cached result), read at `depth`, looked at counts as
        looked at here."""
        looked = reading.looked
        self.seen.update(looked.files)
        self.searched.update(looked.searches)
        self.values.update(looked.values)
        for name, _ in looked.followed:
            name in self.read  # noqa: B015 — asked here too: this job's reading depends on it
        self.deepest = max(self.deepest, reading.deepest - reading.depth + depth)
        self.reached |= reading.reached
        self.cut |= reading.cut

    def value_of(self, path: str) -> str | None:
        """text_of a file whose content is read as a value (see values)."""
        self.values.add(path.lstrip("/"))
        return self.text_of(path)

    def texts_of(self, path: str) -> list[str | None]:
        """What the file at `path` may hold when the job reads it: what the job wrote there
        before (None where that is not known: downloaded, edited in place, copied from a file
        not captured) and, unless it is the same, its captured text — the write may sit in a
        branch that does not run (`[ -f X ] && echo … > LIST`), so neither hides the other. A
        file the job rewrites is not read as the agent found it alone: a settings file or a
        list captured harmless and replaced at run time would stand for what the job acts on."""
        name = path.lstrip("/")
        w = (self.written.get("/" + name) or self.written.get(name)) if self.written else None
        captured = self.text_of(path, captured=True)
        if w is None:
            return [captured]
        return [w.content] if captured is None or captured == w.content else [w.content, captured]

    def text_of(self, path: str, captured: bool = False) -> str | None:
        """What the file at `path` holds when the job reads it (see texts_of): one text, the
        lines of each it may hold (a list read either way lists them all); None where one is
        not known. `captured`: the file as the agent captured it, whatever the job wrote."""
        if self.written and not captured and (
                "/" + path.lstrip("/") in self.written or path.lstrip("/") in self.written):
            texts = self.texts_of(path)
            if any(t is None for t in texts):
                return None
            if len(texts) == 1:
                return texts[0]
            return "\n".join(dict.fromkeys(ln for t in texts for ln in (t or "").split("\n")))
        art = self.artifact(path)
        if art is None:
            return None
        if art.encoding == "utf-8" and art.content is not None:
            return script_text(art.content)
        key = art.sha256 or art.name
        hit = _TEXTS.get(key)
        if hit is None:
            read = art.text()
            hit = _TEXTS[key] = ((script_text(read) or "") if read is not None else "",)
            if len(_TEXTS) > 4096:
                del _TEXTS[next(iter(_TEXTS))]
        return hit[0] or None


# Where a distribution's packages put programs: a compiled program there is not a job's own,
# and one missing there (a package removed, its cron file left behind) runs nothing until a
# package manager puts it back.
PACKAGED = ("bin/", "sbin/", "lib/", "lib64/", "usr/bin/", "usr/sbin/", "usr/lib/", "usr/lib64/",
             "usr/libexec/", "usr/share/", "usr/games/", "snap/")


def unseen_program(job: Job, path: str, named_in: tuple[str | None, ...] = ()) -> str:
    """What makes the program a job runs at `path` code that cannot be read ("" when nothing
    does): a compiled program (the agent found it binary: an insider's own build), or one not
    on the host when the snapshot was taken (built, copied or downloaded at run time, or put in
    place the night before a job planted months ago) — outside the folders of PACKAGED — or
    one the agent never looked at, its path named in none of `named_in` (put together when the
    job runs). The one place lineguard decides this; the unseen-code effect names the program
    and why."""
    name = path.lstrip("/")
    art = job.artifact(name)
    if name.startswith(PACKAGED) or not path.startswith("/"):
        return ""
    if art is None:
        # the agent captures every path a job names literally; one named nowhere in what it
        # captured was put together only when the job runs (split, computed, read from a file)
        # (`named_in`: the texts the path was found in: the line, the file being read)
        if any(text and path in text for text in named_in):
            return ""
        return "named only when the job runs (the agent could not see the path to capture it)"
    if art.state == "binary":
        return "a compiled program" + (f" (sha256 {art.sha256[:16]}…)" if art.sha256 else "")
    if art.state == "missing":
        return "not on the host when the snapshot was taken"
    if art.state == "unread" and art.kind == "script":
        return f"not read: {art.meta.get('unread') or 'the agent did not capture it'}"
    return ""


def unseen_effect(place: Place, line: int, evidence: str, target: str, how: str) -> Effect:
    """The effect of running a program unseen_program named: unseen code, or — where a limit
    kept it from being read (its `how` begins "not read") — a reading limit, which is high."""
    if how.startswith("not read"):
        return place.effect("unparsed", line, evidence, target=target, how=how)
    return place.effect("unseen-code", line, evidence, target=target, how=how)


@dataclass(frozen=True)
class Place:
    """Where a reader is: the artifact and the line offset of the text it reads, or an anchor
    (a line of an outer file) that nested texts report at, plus the gates and notes in force."""

    path: str | None
    offset: int = 0
    anchor: tuple[int, str] | None = None     # (line, evidence) in `path`
    gates: tuple[Gate, ...] = ()
    via: tuple[str, ...] = ()
    function: str | None = None
    called: bool = True
    depth: int = 0

    def where(self, line: int, evidence: str) -> tuple[int, str]:
        if self.anchor is not None:
            return self.anchor
        return line + self.offset, evidence

    def but(self, **changes: object) -> Place:
        """This place with some fields changed: dataclasses.replace without its checks and
        per-field __init__, a sixth of the cost (readers make a place per gate, call and
        nested program)."""
        if not changes.keys() <= _PLACE_FIELDS:
            raise TypeError(f"Place has no field {sorted(changes.keys() - _PLACE_FIELDS)}")
        new = object.__new__(Place)
        fields = new.__dict__
        fields.update(self.__dict__)
        fields.update(changes)
        return new

    def nested(self, line: int, evidence: str, note: str) -> Place:
        """A place for a program found on this line (decoded, inline, remote)."""
        at = self.where(line, evidence)
        return self.but(anchor=at, via=self.via + (note,), depth=self.depth + 1)

    def effect(self, kind: str, line: int, evidence: str, **kw: object) -> Effect:
        ln, ev = self.where(line, evidence)
        return Effect(kind, self.path, ln, ev.strip(), gates=self.gates, via=self.via,
                      called=self.called, **kw)  # type: ignore[arg-type]


_PLACE_FIELDS = frozenset(Place.__dataclass_fields__)


MAX_TEXT = 2_000_000      # bytes of one program a parser is given


def source_bytes(language: str, text: str, job: Job, place: Place) -> bytes:
    """A program's text as the parsers take it. Past MAX_TEXT bytes the rest is not read, and
    an effect says so (a program padded past the limit does not end quietly)."""
    src = text.encode("utf-8", "replace")
    if len(src) <= MAX_TEXT:
        return src
    kept = src[:MAX_TEXT].decode("utf-8", "replace")
    line = kept.count("\n") + 1
    job.sink.append(place.effect("unparsed", line, kept.rsplit("\n", 1)[-1][:200],
                                 target=language, how=f"not read past {MAX_TEXT:,} bytes"))
    return src[:MAX_TEXT]


def file_lines(path: str, job: Job | None = None, whole: bool = False) -> str:
    """The value of reading a file line by line (a device list, a list of circuits): its
    entries (each line's first word, or the whole line when `whole`: Tcl's gets, a line of
    commands) when the file was captured, else a marker standing for every entry."""
    p = path.lstrip("/")
    text = job.text_of(p) if job is not None and is_known(path) else None
    if text is not None and len(text) < 65536:
        entries = [ln.strip() if whole else ln.split("#", 1)[0].split()[0]
                   for ln in text.split("\n") if ln.split("#", 1)[0].strip()]
        if 0 < len(entries) <= MAX_EACH:
            # every entry the file lists: expandable like a literal list, but the whole set
            return listed_in(entries, p)
    return symbol("lines", p, f"every {_member(p)} in {p}")


def _member(path: str) -> str:
    return "device" if _DEVICE_LIST.search(path.rsplit("/", 1)[-1]) else "entry"


def listed_in(values: list[str], path: str) -> str:
    """A loop variable over what a file lists (lines read, words of `$(cat FILE)`): each value,
    standing for the whole set: "every device in opt/ems/etc/ne.list: a, b"."""
    p = path.lstrip("/")
    return values[0] if len(values) == 1 else each_of(values, f"every {_member(p)} in {p}")


_LISTED = re.compile(r"^\s*\x01(?:lines:([^\x1d\x02]*)\x1d[^\x02]*|listed:[^\x1d\x02]*\x1devery"
                     r"\ue000(?:device|entry)\ue000in\ue000([^\x02]*?):\ue000[^\x02]*)\x02\s*$")


def listed_file(value: str) -> str | None:
    """The file a value stands for every entry of (see file_lines), when it is only that."""
    m = _LISTED.match(value) if "\x01" in value else None
    return (m.group(1) or m.group(2)).translate(_BACK) if m else None


EACH_SEP = "\x1e"
_EACH = re.compile(r"\x01(?:each|listed):([^\x1d\x02]*)\x1d[^\x02]*\x02")


def each_of(values: list[str], listed: str = "") -> str:
    """A loop variable over a literal list: it stands for each value, kept for expansion.
    `listed` names the file the values are every entry of (the whole set, not named items)."""
    shown = ", ".join(render(v) for v in values[:MAX_LOOP])
    more = f" and {len(values) - MAX_LOOP} more" if len(values) > MAX_LOOP else ""
    data = EACH_SEP.join(judged_values([render(v) for v in values]))
    if listed:
        return symbol("listed", data, f"{listed}: {shown}{more}")
    return symbol("each", data, f"each of {shown}{more}")


LIST_CUT = "the values of the list past"     # what stands for a list's values past the limit


def judged_values(values: list[str]) -> list[str]:
    """The values of a list judged one by one: every value up to MAX_EACH (the last of twenty
    may be the one that matters); past that, each value in a folder none of those is in (a
    list of 5,000 cache files cannot bury one line-data path), up to twice MAX_EACH; past
    that, one value stands for the rest, unknown."""
    kept = values[:MAX_EACH]
    if len(values) <= MAX_EACH:
        return kept
    folders = {posixpath.dirname(v) for v in kept}
    for v in values[MAX_EACH:]:
        folder = posixpath.dirname(v)
        if folder not in folders:
            folders.add(folder)
            kept.append(v)
            if len(kept) >= 2 * MAX_EACH:
                kept.append(render(unknown(f"{LIST_CUT} {len(kept)}")))
                break
    return kept


def expand_each(text: str) -> list[str]:
    """The text once per value of the first loop variable in it (itself when there is none)."""
    m = _EACH.search(text) if "\x01each:" in text or "\x01listed:" in text else None
    if m is None:
        return [text]
    values = m.group(1).translate(_BACK).split(EACH_SEP)
    return [text[:m.start()] + v + text[m.end():] for v in values]


def whole_each(text: str) -> bool:
    """Whether the text is one loop variable and nothing else (code run for each value)."""
    return text.lstrip().startswith(("\x01each:", "\x01listed:")) and \
        _EACH.fullmatch(text.strip()) is not None


def walked(oid_text: str, name: str, host: str) -> str:
    on = render(host).replace("<", "").replace(">", "") or "a device"
    return symbol("walk", oid_text, f"each row walked from {name} on {on}")


def unknown_var(name: str, unseen: str | None = None) -> str:
    """The value of a variable nothing captured sets. `unseen`: a file the job takes its
    variables from (`. FILE`, a unit's EnvironmentFile=) that is not on the host, so that
    whoever writes it later sets the variable (UNSEEN_SOURCE says so in the rules)."""
    if unseen:
        return unknown(f"${name} is not set in anything captured; {unseen} may set it, and it "
                       "is not on the host")
    return unknown(f"${name} is not set in anything captured")


def notes_of(*texts: str) -> tuple[str, ...]:
    """Resolution notes for a reason: which parts stayed unknown, which stand for a set."""
    out = []
    for t in texts:
        for kind, _data, desc in markers(t):
            out.append(f"unknown: {desc}" if kind == "?" else desc)
    return tuple(dict.fromkeys(out))


FREE_CONTEXTS = 4         # contexts a function is followed in before its summary is used
MAX_CONTEXTS = 16         # contexts a function whose globals differ is followed in


class Calls:
    """The calls of a program's functions followed so far. A call is known by its context:
    its arguments and the values of the variables its body (and the functions it names)
    reads; a call in a context already followed is not followed again (its effects are known,
    its value is remembered). A function is followed in FREE_CONTEXTS contexts; a further call
    takes the function's summary (its effects read once with its arguments standing as
    markers) bound to its own arguments, so four harmless calls cannot hide a fifth that
    deletes, and a helper called a thousand times is read five times. A function that runs
    what it is handed (`eval "$1"`, `"$@"`) or takes its arguments as a list (`for d in
    "$@"`, `for (@_)`) is followed in every context: no summary stands for what it is handed
    or for each item of its list, and a cap let the seventeenth call hide a deletion (the
    statement budget and the CPU bound still end a reading, and say so)."""

    def __init__(self) -> None:
        # function -> context -> the value it returned there (a context is any hashable key)
        self._values: dict[str, dict[Hashable, object]] = {}
        # function -> (the values of the globals it reads when summarised, its effects)
        self.summaries: dict[str, tuple[Hashable, list[Effect]]] = {}
        self.running: set[str] = set()      # functions found to run what they are handed

    def runs_its_arguments(self, name: str, context: Hashable) -> None:
        """A function whose summary read its arguments as code (a shell, an interpreter, a
        device session given "$1" or "$*"): no summary stands for what it is handed, so it is
        followed in every context from now on, this call first. A text rule cannot know every
        way of running what one is handed (`su -c "$*"`, `ssh host "$1"`, `echo "$1" | sh`)."""
        self.running.add(name)
        self._values.setdefault(name, {})[context] = None

    @staticmethod
    def ran_arguments(job: Job, code_before: int, effects: list[Effect]) -> bool:
        """Whether reading a summary read an argument as code: a text handed to a reader, or
        command lines sent to a device, holding an argument marker."""
        return job.code_from_arguments > code_before or any(
            e.kind == "device-command" and any(ARG_MARK in x for x in e.lines) for e in effects)

    def start(self, name: str, context: Hashable, globals_: Hashable, per_context: str = ""
              ) -> tuple[str, object]:
        """("follow", None), ("known", the value it returned then) or ("summary", None). A
        summary serves calls that differ only in their arguments: where the globals the
        function reads differ from those it was summarised with, and it has effects, it is
        followed (up to MAX_CONTEXTS). `per_context`: "runs" for a function that runs what it
        is handed, "list" for one that takes its arguments as a list: followed in every
        context (markers bound to a list's items do not stand for each item)."""
        seen = self._values.setdefault(name, {})
        if context in seen:
            return "known", seen[context]
        if name in self.running:
            per_context = "runs"
        summary = self.summaries.get(name)
        if len(seen) >= FREE_CONTEXTS and not per_context and (
                summary is None or summary[0] == globals_ or not summary[1]):
            return "summary", None
        if len(seen) >= MAX_CONTEXTS and not per_context:
            return "summary", None
        seen[context] = None
        return "follow", None

    def done(self, name: str, context: Hashable, value: object) -> None:
        self._values[name][context] = value


_SINGLE_QUOTED = re.compile(r"'[^']*'")


def unseen_source(text: str, within: bool = False) -> str:
    """What a program text stands for when all of it is the content of a file that was not
    captured (a `lines` marker) or something downloaded, else "": such a text is code nobody
    has seen, not an empty program. `within`: such content anywhere in the text (a shell
    parses what it splices into a command line as code: `eval "x$(cat F)"`, `eval "echo
    $(cat F)"` run whatever F says after a `;`), the other markers left aside."""
    if "\x01" not in text:
        return ""
    rest = _MARK.sub("", text).strip()
    found = markers(text)
    if within:
        # inside single quotes it is one word of data (`system(@cmd)` quotes each argument,
        # a marker holds no quote of its own), not code the shell parses
        found = [m for m in markers(_SINGLE_QUOTED.sub("", text))
                 if m[0] == "lines" or "downloaded" in m[2]]
    if (rest and not within) or not found or ARG_MARK in text or not all(
            k == "lines" or "downloaded" in d for k, _, d in found):
        return ""
    return "; ".join(dict.fromkeys(f"the content of /{d.lstrip('/')} (not captured)" if k == "lines"
                                   else desc for k, d, desc in found))


def too_deep(job: Job, place: Place, language: str, text: str) -> bool:
    """Whether a program at `place` is nested deeper than lineguard follows (MAX_DEPTH); if
    so, an effect says what is not read: seven `sh -c` around a deletion are not benign."""
    if place.depth <= MAX_DEPTH:
        return False
    line, evidence = place.where(1, text.split("\n", 1)[0][:200])
    job.sink.append(place.effect(
        "unparsed", line, evidence, target=language,
        how=f"nested more than {MAX_DEPTH} programs deep: not followed"))
    return True


def nested_too_deeply(job: Job, place: Place, language: str, line: int, evidence: str) -> None:
    """A program or one statement nested deeper than a reader's own recursion follows: said,
    never benign. Readers catch it per statement and go on with the next one, so that one line
    of a 3,000-term sum cannot leave the deletion after it unread."""
    job.sink.append(place.effect("unparsed", line, evidence,
                                 target=f"{language} (nested too deeply to follow)"))


def cut_by_limit(job: Job, place: Place, language: str, line: int, evidence: str,
                 limit: str) -> None:
    """What a reader's own limit (calls nested past a depth, blocks nested past a depth, items
    of a list past a count) left unread: an `unparsed` effect naming the limit, judged as a
    reading limit (lg.conceal.reading-limit, never lowered). A job padded or nested to reach a
    limit becomes louder, never benign. Said once per limit and line."""
    key = (limit, place.path, line)
    if key not in job.limits:
        job.limits.add(key)
        job.sink.append(place.effect("unparsed", line, evidence, target=language,
                                     how=f"{limit}: not followed"))


Reader = Callable[[str, "Job", Place, dict[str, str]], None]
READERS: dict[str, Reader] = {}


def read(language: str, text: str, job: Job, place: Place, env: dict[str, str] | None = None
         ) -> None:
    """Hand a program to the reader of its language (registered by each reader module)."""
    job.deepest = max(job.deepest, place.depth)
    job.programs += 1
    if ARG_MARK in text:
        job.code_from_arguments += 1
    if too_deep(job, place, language, text):
        return
    first = text[:200].split("\n", 1)[0]
    if MASKED_PREFIX in first and MASKED.fullmatch(text.strip()):
        # a program that is a secret's value as the agent masked it: a secret is never code
        job.sink.append(place.effect("unparsed", *place.where(1, first), target=language,
                                     how="not read: runs a value the agent masked as a secret"))
        return
    unseen = unseen_source(text)
    if unseen:
        # `eval "$(cat FILE)"`, `sh -c "$(< FILE)"`, exec(open(FILE).read()) of a file the agent
        # did not capture (it did not exist yet): the job runs code nobody has seen
        job.sink.append(place.effect("unseen-code", *place.where(1, first), target=unseen))
        return
    spliced = unseen_source(text, within=True) if language == "shell" else ""
    if spliced:
        # the rest of the text is read as well: what it does around that content is known
        job.sink.append(place.effect("unseen-code", *place.where(1, first), target=spliced))
    if job.budget > 0 and not bounds.past(job.deadline):
        job.budget += len(text) // _CHARS_PER_STATEMENT
    elif job.stop(language, place, *place.where(1, first)):
        return
    reader = READERS.get(language)
    if reader is None:
        return
    if not job.change_ref:
        job.change_ref = change_ref_in(text)   # a ticket in a decoded or generated text counts too
    try:
        reader(text, job, place, env if env is not None else {})
    except RecursionError:
        # nested deeper than the reader can follow: say so rather than call it benign
        nested_too_deeply(job, place, language, *place.where(1, first))
    except bounds.TooCostly as e:
        line, evidence = place.where(1, first)
        job.sink.append(place.effect("unparsed", line, evidence, target=language, how=str(e)))


def language_of(name: str, text: str) -> str:
    """shell | python | perl | expect | or the name of a language lineguard cannot read."""
    first = text[: text.find("\n")] if "\n" in text else text
    interp = ""
    if first.startswith("#!"):
        words = first[2:].split()
        interp = words[0].rsplit("/", 1)[-1] if words else ""
        if interp == "env" and len(words) > 1:
            interp = next((w for w in words[1:] if not w.startswith("-")), "")
    low = name.lower()
    if re.match(r"python[\d.]*$", interp) or low.endswith(".py"):
        return "python"
    if re.match(r"perl[\d.]*$", interp) or low.endswith((".pl", ".pm")):
        return "perl"
    if interp in ("expect", "tclsh", "wish") or low.endswith((".exp", ".tcl")):
        return "expect"
    if interp.rstrip("0123456789.") in ("ruby", "php", "node", "nodejs", "lua"):
        return interp.rstrip("0123456789.")       # lua5.4, php8.2: the language
    if interp in ("pwsh", "Rscript", "osascript") or \
            low.endswith((".rb", ".php", ".js", ".lua", ".ps1", ".go")):
        return interp or low.rsplit(".", 1)[-1]
    return "shell"


_UNREAD = unknown("not known before it runs")


def unknown_output(what: str) -> str:
    return unknown(f"output of `{render(what)[:80]}`") if what else _UNREAD
