"""Scheduled command files of a site's own application (an EMS scheduler), declared in the
agent config, so lineguard reads them like cron. The declaration travels with each captured
file (artifact meta "format"); the agent reads the entries to follow their commands and the
collector to build jobs.

    [[scheduled_file]]
    name = "ems-scheduler"            # shown as the job's source
    path = "/opt/ems/etc/schedule.tab" # a file, or a folder whose files all hold entries
    separator = "|"                    # field separator; default: runs of white space
    schedule = [1, 5]                  # fields (1-based, first and last) holding the schedule
    syntax = "cron"                    # cron | calendar | datetime | interval | boot
    command = 7                        # the field where the command starts (it runs to the end)
    owner = 6                          # optional: the field naming the user it runs as
    comment = "#"                      # optional: lines starting with this are skipped
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SYNTAXES = ("cron", "calendar", "datetime", "interval", "boot")


class ScheduledFileError(ValueError):
    """A scheduled_file declaration is not usable; the message says which and why."""


@dataclass(frozen=True)
class ScheduledFile:
    name: str
    path: str
    schedule: tuple[int, int]
    command: int
    syntax: str = "cron"
    separator: str | None = None
    owner: int | None = None
    comment: str = "#"

    @classmethod
    def from_doc(cls, doc: Any) -> ScheduledFile:
        """From a config table (or the meta it travels in); raises ScheduledFileError."""
        if not isinstance(doc, dict):
            raise ScheduledFileError("each [[scheduled_file]] must be a table")
        name = doc.get("name")
        where = f"scheduled_file {name!r}"
        if not isinstance(name, str) or not name.strip():
            raise ScheduledFileError("scheduled_file needs a name")
        if not isinstance(doc.get("path"), str) or not doc["path"].startswith("/"):
            raise ScheduledFileError(f"{where}: path must be an absolute path")
        sched = doc.get("schedule")
        if isinstance(sched, int) and not isinstance(sched, bool):
            sched = [sched, sched]
        if not (isinstance(sched, list) and len(sched) == 2
                and all(isinstance(n, int) and n >= 1 for n in sched) and sched[0] <= sched[1]):
            raise ScheduledFileError(f"{where}: schedule must be a field number or "
                                     f"[first, last] (1-based)")
        syntax = doc.get("syntax", "cron")
        if syntax not in SYNTAXES:
            raise ScheduledFileError(f"{where}: syntax must be one of {', '.join(SYNTAXES)}")
        command, owner = doc.get("command"), doc.get("owner")
        if not isinstance(command, int) or command <= sched[1] and syntax != "boot":
            raise ScheduledFileError(f"{where}: command must be the number of a field after "
                                     f"the schedule")
        if owner is not None and (not isinstance(owner, int) or owner < 1 or owner >= command):
            raise ScheduledFileError(f"{where}: owner must be a field number before the command")
        sep = doc.get("separator")
        if sep is not None and (not isinstance(sep, str) or not sep):
            raise ScheduledFileError(f"{where}: separator must be a non-empty string")
        comment = doc.get("comment", "#")
        if not isinstance(comment, str):
            raise ScheduledFileError(f"{where}: comment must be a string")
        unknown = set(doc) - {"name", "path", "schedule", "syntax", "command", "owner",
                              "separator", "comment"}
        if unknown:
            raise ScheduledFileError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
        return cls(name=name.strip(), path=doc["path"], schedule=(sched[0], sched[1]),
                   command=command, syntax=syntax, separator=sep, owner=owner, comment=comment)

    def to_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"name": self.name, "path": self.path,
                               "schedule": list(self.schedule), "syntax": self.syntax,
                               "command": self.command, "comment": self.comment}
        if self.separator is not None:
            doc["separator"] = self.separator
        if self.owner is not None:
            doc["owner"] = self.owner
        return doc

    def entries(self, text: str) -> list[tuple[int, str, str | None, str] | tuple[int, str]]:
        """(line, schedule, owner, command) per entry; (line, problem) for a line that does not
        have the declared fields."""
        out: list[tuple[int, str, str | None, str] | tuple[int, str]] = []
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or (self.comment and line.startswith(self.comment)):
                continue
            if self.separator is None:
                fields = line.split(None, self.command - 1)
            else:
                fields = [f.strip() for f in line.split(self.separator, self.command - 1)]
            if len(fields) < self.command or not fields[self.command - 1]:
                out.append((number, f"expected at least {self.command} fields"))
                continue
            first, last = self.schedule
            schedule = " ".join(fields[first - 1:last])
            owner = fields[self.owner - 1] if self.owner else None
            out.append((number, schedule, owner, fields[self.command - 1]))
        return out
