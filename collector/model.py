"""Records that cross module boundaries in the collector: jobs, their triggers, when they fire,
what they would do, and line data rows. Parsers build them; analysers judge them."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Self, get_args

# --- triggers: how a scheduler decides to run a job (input to collector.analyse.timing) -------


@dataclass(frozen=True)
class CronTrigger:
    """A five-field cron expression or @shorthand, judged with one dialect's semantics.

    dialect: "debian" (Vixie/Debian cron), "cronie" (RHEL), or "ios" (EEM cron-entry)."""

    expr: str
    dialect: str = "debian"


@dataclass(frozen=True)
class CalendarTrigger:
    """systemd timer triggers after drop-ins were merged: OnCalendar expressions (wall clock)
    and monotonic settings as (name, timespan), e.g. ("OnBootSec", "15min")."""

    calendars: tuple[str, ...] = ()
    monotonic: tuple[tuple[str, str], ...] = ()
    randomized_delay_s: float = 0.0
    persistent: bool = False


@dataclass(frozen=True)
class AbsoluteTrigger:
    """Runs once at a known instant (at job, kron/reload `at`, EEM absolute, a sleeping process)."""

    when: datetime                    # timezone-aware
    note: str = ""


@dataclass(frozen=True)
class IntervalTrigger:
    """Repeats every `seconds` from an anchor that may be unknown (EEM watchdog, kron `in ... recurring`,
    Junos time-interval)."""

    seconds: int
    anchor: datetime | None = None
    once: bool = False
    # a one-shot that had not run yet when the device was read at this instant (kron drops a
    # oneshot occurrence from the config once it ran): it fires within `seconds` of it
    unrun_at: datetime | None = None


@dataclass(frozen=True)
class CountedTrigger:
    """An event policy that runs on a count of a clock event within a sliding window (Junos
    `within W { trigger on|after|until N; }` over a generated event): `base` is when that event
    occurs, every `period_s` seconds. on N runs when the count is N, after N when it exceeds N,
    until N while it is below N. `note` names correlations the clock cannot see (other events
    that must, or must not, have occurred)."""

    base: Trigger
    period_s: int
    window_s: int
    mode: str                         # on | after | until, as written (timing refuses others)
    count: int
    note: str = ""


@dataclass(frozen=True)
class DelayedTrigger:
    """Does its work `seconds` after `base` fires: an EEM `trigger delay`, an applet's `wait`
    before its effect, a script that sleeps first. `note` says why. `clock`: the shift is a
    device clock set off (negative when it runs ahead), not a wait."""

    base: Trigger
    seconds: float
    note: str = ""
    clock: bool = False


@dataclass(frozen=True)
class ConditionalTrigger:
    """Runs when `base` fires, but only under a condition the clock cannot decide (a Junos
    policy's `within W events [X]` / `not events [X]`, an EEM `correlate ... and ...`)."""

    base: Trigger
    condition: str


@dataclass(frozen=True)
class AnacronTrigger:
    """anacron: due when today - last_run >= period, then starts after delay minutes.
    period is a number of days as text, or "@daily", "@weekly", "@monthly", "@yearly"."""

    period: str
    delay_min: int
    last_run: date | None = None
    start_hours: tuple[int, int] | None = None   # cronie START_HOURS_RANGE


@dataclass(frozen=True)
class BootTrigger:
    """Runs at boot or daemon start (@reboot, system-startup, OnBootSec handled as monotonic)."""

    note: str = "at boot"


@dataclass(frozen=True)
class EventTrigger:
    """Runs when something happens on the host rather than at a time: a watched path changes, a
    connection reaches a socket, a unit starts or fails, an interface comes up, udev sees a
    device. `rare`: the event happens seldom on a server (an interface going up, a unit
    failing), so a job waiting for it can lie dormant for months."""

    event: str
    rare: bool = False


@dataclass(frozen=True)
class LoginTrigger:
    """Runs when someone logs in or starts a shell: `who` (a user, or "any user") and `how`
    (login shell, interactive bash, ssh with a given key, a PAM service)."""

    who: str
    how: str


@dataclass(frozen=True)
class HookTrigger:
    """Runs inside another job: a logrotate script when logrotate rotates its log, an apt/dpkg
    hook when apt runs. `via` is the trigger of the job that runs the hook, when the host
    schedules it (logrotate.timer, apt-daily.timer); `not_before` the earliest instant the hook
    can be due (a weekly log rotated yesterday). `rare`: the operation happens seldom (package
    installs). `also`: the triggers of other jobs that run the hook too (every cron job runs
    cron's PAM session); it fires with whichever of them comes first."""

    host_job: str
    operation: str
    via: Trigger | None = None
    not_before: datetime | None = None
    rare: bool = False
    also: tuple[Trigger, ...] = ()


@dataclass(frozen=True)
class UnparsableTrigger:
    """The schedule could not be understood; the job is still listed. `kind` is the trigger kind
    the mechanism has (a broken crontab line is still a clock job)."""

    reason: str
    kind: TriggerKind = "clock"


Trigger = (CronTrigger | CalendarTrigger | AbsoluteTrigger | IntervalTrigger | AnacronTrigger
           | BootTrigger | EventTrigger | LoginTrigger | HookTrigger | UnparsableTrigger
           | CountedTrigger | DelayedTrigger | ConditionalTrigger)

TriggerKind = Literal["clock", "boot", "event", "login", "hook"]
TRIGGER_KINDS: tuple[TriggerKind, ...] = get_args(TriggerKind)


def trigger_kind(trigger: Trigger) -> TriggerKind:
    """What makes the job run: clock | boot | event | login | hook. A trigger built on another
    (counted, delayed, conditional) has the kind of the one it is built on."""
    if isinstance(trigger, CountedTrigger | DelayedTrigger | ConditionalTrigger):
        return trigger_kind(trigger.base)
    if isinstance(trigger, BootTrigger):
        return "boot"
    if isinstance(trigger, EventTrigger):
        return "event"
    if isinstance(trigger, LoginTrigger):
        return "login"
    if isinstance(trigger, HookTrigger):
        return "hook"
    if isinstance(trigger, UnparsableTrigger):
        return trigger.kind
    return "clock"


FireKind = Literal["exact", "window", "relative", "boot", "event", "login", "hook", "never",
                   "running", "unknown"]


@dataclass(frozen=True)
class Fire:
    """When a job fires next, as of some instant.

    kind: exact (at), window (earliest..latest), relative (note says after what), boot,
    event, login, hook (no clock time: the note says what it waits for), never (can never
    fire: note says why), running (already started), unknown (unparsable)."""

    kind: FireKind
    at: datetime | None = None        # UTC; earliest for a window
    latest: datetime | None = None    # UTC; end of a window
    note: str = ""


# --- jobs ----------------------------------------------------------------------------------

JobState = Literal["active", "inert", "running", "unparsable", "disabled"]


@dataclass(frozen=True)
class Job:
    """Something a target will run later by itself."""

    target: str                       # host or device name
    source: str                       # cron | at | systemd | anacron | run-parts | process | eem | kron | reload | junos-event
    origin_path: str                  # host path relative to root (no leading /), or device artifact name
    origin_line: int | None
    owner: str | None
    schedule: str                     # the schedule as written
    command: str                      # what runs
    trigger: Trigger
    files: tuple[str, ...] = ()       # artifact names of files it executes, followed transitively
    state: JobState = "active"        # inert: the scheduler ignores it
    problem: str | None = None        # why inert/unparsable/not captured
    actions: tuple[tuple[str, int | None], ...] = ()   # device-side commands it runs, with their line
    timezone: str = "UTC"             # the zone the schedule is read in
    provenance: Provenance | None = None   # who put it there, from where, when
    defined_in: tuple[str, ...] = ()  # other files that define it (drop-ins), for provenance
    # where each line of `command` is written, (path, line), when its lines come from several
    # places (a unit's Exec lines and those its drop-ins add); () when the origin says it all
    command_at: tuple[tuple[str, int], ...] = ()
    # what the agent could not read (an error, a FIFO, a text past its size limit): files the
    # job runs, or the file that defines it (its origin) when nothing of it could be read
    unread: tuple[str, ...] = ()


# --- provenance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileStamp:
    """A file a job is defined in or runs, with who owns it and when it last changed."""

    path: str                         # artifact name
    owner: str | None
    mtime: str | None                 # ISO-8601 UTC as the agent read it
    ctime: str | None


@dataclass(frozen=True)
class Session:
    """A login session (wtmp, btmp for failed attempts, auth log)."""

    user: str
    host: str                         # remote host or address; "" for a console login
    line: str                         # tty (pts/0) or service (sshd)
    start: datetime
    end: datetime | None              # None: still open when the record was taken
    source: str                       # artifact name it was read from


@dataclass(frozen=True)
class HistoryLine:
    """A shell-history line naming one of the job's files."""

    user: str | None
    path: str                         # the history file (artifact name)
    line: int
    text: str
    at: datetime | None = None        # from HISTTIMEFORMAT "#EPOCH" lines when present


@dataclass(frozen=True)
class Provenance:
    """Who put a job there. `changed` is the newest change time (ctime, which `touch` cannot set
    back) of the files defining or run by the job; `sessions` the logins open at that instant;
    `submitter` the account an at job's spool records."""

    owner: str | None
    files: tuple[FileStamp, ...] = ()
    changed: datetime | None = None
    changed_path: str | None = None
    submitter: str | None = None
    sessions: tuple[Session, ...] = ()
    history: tuple[HistoryLine, ...] = ()
    unknown: tuple[str, ...] = ()     # evidence that was not there to read (no wtmp, ...)

    def planted_by(self) -> str:
        """One line for a finding: "planted by X from HOST at T" with what is known."""
        who = (self.sessions[0].user if self.sessions
               else self.history[0].user if self.history and self.history[0].user
               else self.submitter or self.owner or "an unknown account")
        text = f"planted by {who}"
        if self.sessions and self.sessions[0].host:
            text += f" from {self.sessions[0].host}"
        elif self.sessions:
            text += f" on {self.sessions[0].line or 'the console'}"
        if self.changed is not None:
            text += f" at {self.changed.strftime('%Y-%m-%dT%H:%M:%SZ')}"
        if self.changed_path:
            text += f" ({self.changed_path} changed)"
        if not self.sessions:
            text += "; no login session covers that time"
        return text


# --- judgement -----------------------------------------------------------------------------

class _Ranked(enum.StrEnum):
    """A vocabulary whose words are ordered by rank, in the order the members are declared.
    Values are the words themselves, so what is stored, printed and written in rule files does
    not change; only members compare, never a member and a bare string (that would compare
    letters)."""

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def _other(self, other: object) -> int:
        if type(other) is not type(self):
            raise TypeError(f"cannot order {type(self).__name__} against {other!r}")
        return _RANKS[other]

    def __lt__(self, other: object) -> bool:
        return _RANKS[self] < self._other(other)

    def __le__(self, other: object) -> bool:
        return _RANKS[self] <= self._other(other)

    def __gt__(self, other: object) -> bool:
        return _RANKS[self] > self._other(other)

    def __ge__(self, other: object) -> bool:
        return _RANKS[self] >= self._other(other)

    @classmethod
    def stored(cls, word: str | None, default: Self) -> Self:
        """The member a stored word names, or `default` for a word this version does not know
        (a row written by hand or by another version)."""
        return cls(word) if word is not None and word in cls._value2member_map_ else default

    def step(self, steps: int, lowest: Self | None = None) -> Self:
        """The member `steps` ranks up (down when negative), kept within lowest..the top."""
        members = list(type(self))
        floor = lowest.rank if lowest is not None else 0
        return members[max(floor, min(len(members) - 1, self.rank + steps))]


class Severity(_Ranked):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Verdict(_Ranked):
    BENIGN = "benign"
    SUSPICIOUS = "suspicious"
    DESTRUCTIVE = "destructive"


# Looked up on every comparison (sorting and judging compare often): a dict, not a list search.
_RANKS: dict[_Ranked, int] = {m: i for cls in (Severity, Verdict) for i, m in enumerate(cls)}
SEVERITIES = tuple(s.value for s in Severity)
VERDICTS = tuple(v.value for v in Verdict)


@dataclass(frozen=True)
class Reason:
    rule: str                         # rule id, e.g. "lg.ios.no-pvc"
    evidence: str                     # the exact line (or decoded text) that matched
    path: str | None                  # file the evidence stands in (artifact name), None for the command
    line: int | None                  # 1-based
    title: str = ""
    explanation: str = ""
    severity: Severity = Severity.INFO
    references: tuple[str, ...] = ()
    effect: str = ""                  # kind of the effect the rule judged ("" for context reasons)
    subject: str = ""                 # what that effect acts on, for people (a path, the source)


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict = Verdict.BENIGN
    severity: Severity = Severity.INFO
    reasons: tuple[Reason, ...] = ()
    # every captured file reading the job looked at, with its content hash (None: not
    # captured): a waiver binds to them (jobs.content_hash)
    looked: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class JobOrigin:
    """Where a job is defined, who owns that file and since when, and how to stop it (built by
    collector.remedy, rendered by mail and reports)."""

    source: str
    path: str                         # artifact name, as in Job.origin_path
    line: int | None
    text: str                         # the defining line as written ("" when unknown)
    command: str                      # what runs
    runs_as: str | None
    timezone: str                     # the zone the target reads its schedule in
    file_owner: str | None = None
    mtime: str | None = None          # ISO-8601 UTC, as the agent read it
    ctime: str | None = None
    stop: tuple[str, ...] = ()        # commands/steps that stop the job, in order


# --- line data -----------------------------------------------------------------------------

LineDataKind = Literal["vcl", "vpl", "vc-xc", "vp-xc"]


@dataclass(frozen=True)
class LineDataRow:
    """One VP/VC link or cross-connect, the same shape whether read from CLI, SNMP or a file.

    kind: vcl | vpl | vc-xc | vp-xc. For a cross-connect, interface/vpi/vci is the low end and
    peer_* the high end."""

    device: str
    kind: LineDataKind
    interface: str
    vpi: int
    vci: int | None = None
    name: str | None = None
    encapsulation: str | None = None
    service_class: str | None = None
    peak_kbps: int | None = None
    avg_kbps: int | None = None
    peer_interface: str | None = None
    peer_vpi: int | None = None
    peer_vci: int | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def key(self) -> tuple:
        """Identity of the link, independent of its attributes."""
        return (self.kind, self.interface, self.vpi, self.vci, self.peer_interface,
                self.peer_vpi, self.peer_vci)


# --- findings ------------------------------------------------------------------------------

FindingKind = Literal["job", "line-data-loss", "drift", "poll-failed", "silence", "chain",
                      "fleet", "baseline", "waiver", "evidence", "alert-mail", "integrity",
                      "trust", "site", "source", "clock", "config", "approvers", "watch"]
# Findings no waiver closes: a change of who may approve would be waived by the very approvers
# it reports on.
UNWAIVABLE: frozenset[FindingKind] = frozenset({"approvers"})


@dataclass(frozen=True)
class Notify:
    """Who must hear of a finding whatever the settings now route, from which severity: a change
    of the routing itself goes to the recipients before it and after it (config_audit)."""

    recipients: tuple[str, ...]
    threshold: Severity


@dataclass(frozen=True)
class Finding:
    """Something a person should know, with a stable key so alerts can be deduplicated.

    kind: job (destructive/suspicious scheduled job), line-data-loss, drift, poll-failed,
    silence, chain (security event on ingest), fleet (the same thing on many targets), baseline
    (an untrusted baseline), waiver (a waiver file that cannot be used), evidence (stored
    evidence that cannot be read: see `unreadable`), alert-mail (an alert email refused for some
    recipients, or interrupted before its outcome was recorded), integrity (the collector's own
    audit log or store does not verify), trust (a key or enrolment change), site (a target
    moved between sites), source (a device now read another way or from elsewhere than in its
    reference), clock (a device's own clock is off from the agent's), config (the collector's
    own config.toml changed: see collector/config_audit.py), approvers (the approvers file
    changed: same module; never waived), watch (a step of `lineguard watch` keeps failing:
    see collector/watch.py).

    verdict: for a judged job, what its judgement said (None for every other finding)."""

    key: str                          # stable identity, e.g. "job:mgmt-01:etc/cron.d/x:3"
    kind: FindingKind
    severity: Severity
    target: str
    title: str                        # one line
    detail: str = ""                  # several lines: evidence, explanation
    fire_at: datetime | None = None   # for jobs: when it fires (UTC), for a countdown
    evidence: tuple[Reason, ...] = ()
    site: str | None = None           # the site (tenant) it belongs to; None: fleet-wide
    fingerprint: str | None = None    # what a waiver binds to (the evidence's content); None: key
    origin: JobOrigin | None = None   # for jobs: where it is defined and how to stop it
    verdict: Verdict | None = None
    notify: Notify | None = None      # mailed on a route of its own, not its site's (see Notify)

    def __post_init__(self) -> None:
        # One line whatever it quotes (an error text, a name): every list, table and mail shows
        # titles line by line, and a newline in one would forge the next.
        if not self.title.isprintable():
            object.__setattr__(self, "title", "".join(
                c if c.isprintable() else repr(c)[1:-1] for c in self.title))

    @property
    def binding(self) -> str:
        return self.fingerprint or self.key


def unreadable(where: str, target: str, what: str, error: Exception | str) -> Finding:
    """Stored evidence a reader could not use (a row an older collector let in, a damaged
    blob): a HIGH finding in its own right, never a reason for `check` to stop or to go quiet.
    `where` identifies the row (e.g. "mgmt-01#12"), `what` says which reading failed."""
    why = error if isinstance(error, str) else f"{error.__class__.__name__}: {error}"
    return Finding(key=f"evidence:{where}:{target}:{what}", kind="evidence",
                   severity=Severity.HIGH,
                   target=target,
                   title=f"stored evidence of {target} ({where}) cannot be read for {what}: "
                         f"{' '.join(why.split())[:160]}",
                   detail="What lineguard cannot read it cannot judge; check it with "
                          "`lineguard audit --verify` and look at the agent that sent it.")
