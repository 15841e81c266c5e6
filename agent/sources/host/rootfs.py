"""Reading a filesystem tree as if it were `/`: symlinks resolved inside the tree, loops detected,
and every file turned into an Artifact with its ownership, mode and times, within size limits."""

from __future__ import annotations

import errno
import hashlib
import os
import posixpath
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lineguard.formats.follow import artifact_name, escape_text
from lineguard.formats.shells import is_binary
from lineguard.formats.wire import Artifact

_MAX_SYMLINK_HOPS = 40          # the kernel's own limit (ELOOP after 40 links)
_SNIFF = 8192                   # bytes looked at to tell a binary from text


class RootPathError(OSError):
    """A path under the root could not be resolved (loop, missing, not a directory)."""


@dataclass(frozen=True)
class HostLimits:
    """How much the agent reads. Oversized files are hashed streaming up to `max_hash_bytes`;
    beyond that only their metadata is kept. Following stops at `max_followed_files` files or
    `max_followed_bytes` of kept text, whichever comes first, so that a host cannot make the
    agent hold 50,000 files of a megabyte each. Scripts are followed `follow_depth` programs
    deep, past the nesting the collector reads (resolve.MAX_DEPTH, 10), so that a deeper chain
    of scripts is reported by the collector's reading of the job itself (nested too deep: high)
    rather than ending in a script that was never captured (at 4, a chain of five scripts left
    the fifth, the one that deleted, out of the snapshot: the job was benign). Reading the jobs
    for the files they look for stops after `wanted_cpu_s` of CPU in all."""

    max_text_bytes: int = 1 << 20
    max_hash_bytes: int = 64 << 20
    follow_depth: int = 12
    max_followed_files: int = 50_000
    max_followed_bytes: int = 256 << 20
    long_sleep_s: int = 3600
    # CPU the collector's reading of the host's jobs may take on the agent, all jobs together
    # (host._capture_wanted: each job's own reading is bounded, not their number): past it the
    # snapshot goes out partial, saying so, rather than hours late or never
    wanted_cpu_s: float = 300.0


def iso_utc(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_binary(head: bytes) -> bool:
    return is_binary(head[:_SNIFF])


class RootFS:
    """A tree read as `/`. Paths given to it are host paths ("/etc/crontab" or "etc/crontab");
    names it returns are relative to the root without a leading slash."""

    def __init__(self, root: Path, limits: HostLimits) -> None:
        self.root = Path(os.path.abspath(root))
        self._root = str(self.root)
        self.limits = limits
        self._owners: dict[int, str] = {}
        self._groups: dict[int, str] = {}

    # --- names and users -------------------------------------------------------------------

    @staticmethod
    def name(path: str) -> str:
        return posixpath.normpath("/" + path).lstrip("/")

    def host(self, name: str) -> str:
        """The path on this machine of a name under the root (strings: pathlib is too slow
        for tens of thousands of files)."""
        return os.path.join(self._root, name) if name else self._root

    def load_users(self, passwd_text: str | None, group_text: str | None = None) -> None:
        """Owners are named from the root's own /etc/passwd, not the machine running the agent."""
        for text, table in ((passwd_text, self._owners), (group_text, self._groups)):
            for line in (text or "").splitlines():
                fields = line.split(":")
                if len(fields) >= 3 and fields[2].isdigit():
                    table.setdefault(int(fields[2]), fields[0])

    def user_names(self) -> set[str]:
        return set(self._owners.values())

    def owner(self, uid: int) -> str | None:
        return self._owners.get(uid)

    # --- resolution ------------------------------------------------------------------------

    def resolve(self, path: str) -> str:
        """The real name of `path` inside the root, following symlinks (absolute ones are read
        relative to the root; `..` stops at the root). Raises RootPathError."""
        if "\0" in path:       # no file system holds such a name (a job's `printf '%s\0'`)
            raise RootPathError(errno.EINVAL, "a NUL byte in the name", path)
        parts = [p for p in self.name(path).split("/") if p]
        done: list[str] = []
        hops = 0
        while parts:
            part = parts.pop(0)
            if part == "..":
                if done:
                    done.pop()
                continue
            candidate = "/".join([*done, part])
            try:
                st = os.lstat(self.host(candidate))
            except FileNotFoundError:
                raise RootPathError(errno.ENOENT, "not found", path) from None
            except PermissionError:
                raise RootPathError(errno.EACCES, "permission denied", path) from None
            except OSError as e:     # a name too long for the file system, an I/O error …
                raise RootPathError(e.errno or errno.EIO, e.strerror or "unreadable", path) from None
            if stat.S_ISLNK(st.st_mode):
                hops += 1
                if hops > _MAX_SYMLINK_HOPS:
                    raise RootPathError(errno.ELOOP, "symlink loop", path)
                link = os.readlink(self.host(candidate))
                link_parts = [p for p in link.split("/") if p]
                if link.startswith("/"):
                    done = []
                parts = link_parts + parts
                continue
            if parts and not stat.S_ISDIR(st.st_mode):
                raise RootPathError(errno.ENOTDIR, "not a directory", path)
            done.append(part)
        return "/".join(done)

    def unresolved(self, path: str) -> str:
        """The host path of `path` with only its parent resolved inside the root: lstat and
        readlink then see the last component itself, never a file outside the root that a
        symlinked parent folder would lead the kernel to. Raises RootPathError."""
        parent, _, last = self.name(path).rpartition("/")
        real_parent = self.resolve(parent) if parent else ""
        return self.host(f"{real_parent}/{last}" if real_parent else last)

    def readlink(self, path: str) -> str | None:
        """The text of the symlink at `path` (inside the root), or None when it is not one."""
        try:
            return os.readlink(self.unresolved(path))
        except OSError:
            return None

    def exists(self, path: str) -> bool:
        try:
            self.resolve(path)
        except RootPathError:
            return False
        return True

    def is_dir(self, path: str) -> bool:
        try:
            return os.path.isdir(self.host(self.resolve(path)))
        except (RootPathError, OSError):
            return False

    def listdir(self, path: str) -> list[str]:
        """Entry names of a directory (sorted, C-locale order); empty when it does not exist.
        Raises RootPathError when it exists but cannot be listed or is a loop."""
        try:
            real = self.resolve(path)
        except RootPathError as e:
            if e.errno == errno.ENOENT:
                return []
            raise
        try:
            names = os.listdir(self.host(real))
            return sorted(names, key=lambda n: n.encode("utf-8", "surrogateescape"))
        except NotADirectoryError:
            return []
        except PermissionError:
            raise RootPathError(errno.EACCES, "permission denied", path) from None

    def entries(self, path: str) -> list[str]:
        """Entry names of a directory as `listdir` gives them, but none when it cannot be listed:
        for folders whose contents only lead to what is captured elsewhere (an unreadable folder
        of captured files is reported by `capture_folder`)."""
        try:
            return self.listdir(path)
        except OSError:
            return []

    def read_text(self, path: str) -> str | None:
        """A small regular file's text (for passwd, group, hostname), or None when unreadable.
        Opened without blocking: a FIFO in its place must not hang the snapshot."""
        try:
            fd = os.open(self.host(self.resolve(path)), os.O_RDONLY | os.O_NONBLOCK)
            with os.fdopen(fd, "rb") as f:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    return None
                return f.read(self.limits.max_text_bytes).decode("utf-8", errors="replace")
        except OSError:
            return None

    # --- metadata and capture --------------------------------------------------------------

    def meta(self, name: str, st: os.stat_result) -> dict[str, Any]:
        return {"path": "/" + artifact_name(name), "owner": self.owner(st.st_uid), "uid": st.st_uid,
                "gid": st.st_gid, "group": self._groups.get(st.st_gid),
                "mode": f"{stat.S_IMODE(st.st_mode):04o}", "mtime": iso_utc(st.st_mtime),
                "ctime": iso_utc(st.st_ctime), "size": st.st_size}

    def link_artifact(self, path: str, kind: str) -> Artifact:
        """A symlink as itself (enablement links): its target, not the file it points to."""
        name = self.name(path)
        label = artifact_name(name)
        try:
            host = self.unresolved(name)
            st = os.lstat(host)
            meta = self.meta(name, st)
            meta["link"] = escape_text(os.readlink(host))
        except OSError as e:
            return _failure(label, kind, {"path": "/" + label}, e)
        if meta["link"] == "/dev/null":     # masked unit: the link is the whole story
            meta["target"] = "/dev/null"
            return Artifact(name=label, kind=kind, meta=meta)
        try:
            meta["target"] = "/" + artifact_name(self.resolve(name))
        except RootPathError as e:
            return Artifact(name=label, kind=kind, meta=meta, state="dangling",
                            error=f"dangling link: {e.strerror}")
        return Artifact(name=label, kind=kind, meta=meta)

    def capture(self, path: str, kind: str, schedule: bool = False) -> Artifact:
        """One file as evidence. Text up to max_text_bytes is kept whole; binaries and larger
        files are hashed streaming; problems are written on the artifact, never raised.
        A `schedule` file (crontab, cron.d, anacrontab, at job, unit) is never set aside as
        binary or too large: its lines are what runs (see read_schedule)."""
        name = self.name(path)
        label = artifact_name(name)
        meta: dict[str, Any] = {"path": "/" + label}
        try:
            host = self.unresolved(name)
            if stat.S_ISLNK(os.lstat(host).st_mode):
                meta["link"] = escape_text(os.readlink(host))
            real = self.resolve(name)
            fd = os.open(self.host(real), os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        except (RootPathError, OSError) as e:
            if "link" not in meta:
                meta.update(self._lstat_meta(name))
            return _failure(label, kind, meta, e)
        st = os.fstat(fd)
        meta.update(self.meta(name, st))
        if "link" in meta:
            meta["target"] = "/" + artifact_name(real)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            what = "directory" if stat.S_ISDIR(st.st_mode) else "fifo, socket or device"
            return Artifact(name=label, kind=kind, meta=meta, state="special",
                            error=f"not a regular file ({what}): not read")
        with os.fdopen(fd, "rb") as f:
            if schedule:
                return self._read_schedule(f, label, kind, meta, st.st_size)
            return self._read(f, label, kind, meta, st.st_size)

    def _read_schedule(self, f: Any, name: str, kind: str, meta: dict[str, Any],
                       size: int) -> Artifact:
        """A schedule file as text whatever it holds: a NUL in a comment must not hide the job
        lines (cron reads on past it), and padding it past the size limit must not either.
        Small files are kept whole; larger ones are streamed and only their job lines kept,
        each with its line number in meta["line_numbers"], in bounded memory."""
        limit = self.limits.max_text_bytes
        try:
            if size <= limit:
                data = f.read(limit + 1)
                if len(data) <= limit:
                    return Artifact.from_bytes(name, kind, data, meta)
                f.seek(0)
            if kind not in LINE_KINDS:
                return self._read(f, name, kind, meta, size)   # too large: hashed, flagged
            kept, numbers, problem = read_job_lines(f, limit)
        except OSError as e:
            return _failure(name, kind, meta, e)
        meta = {**meta, "line_numbers": numbers}
        note = f"too large ({size} bytes): comments and blank lines left out"
        return Artifact.from_bytes(name, kind, kept, meta,
                                   error=f"{note}; {problem}" if problem else None)

    def _read(self, f: Any, name: str, kind: str, meta: dict[str, Any], size: int) -> Artifact:
        limits = self.limits
        try:
            if size <= limits.max_text_bytes:
                data = f.read(limits.max_text_bytes + 1)
                if len(data) <= limits.max_text_bytes and not _is_binary(data):
                    return Artifact.from_bytes(name, kind, data, meta)
                head, digest = data, hashlib.sha256(data)
                digest_rest(f, digest, limits.max_hash_bytes - len(data))
            else:
                if size > limits.max_hash_bytes:
                    return Artifact(name=name, kind=kind, meta=meta, state="unreadable",
                                    error=f"too large ({size} bytes): not read")
                head = f.read(_SNIFF)
                digest = hashlib.sha256(head)
                digest_rest(f, digest, limits.max_hash_bytes - len(head))
        except OSError as e:
            return _failure(name, kind, meta, e)
        if _is_binary(head):
            return Artifact(name=name, kind=kind, meta=meta, sha256=digest.hexdigest(),
                            state="binary", error="binary: sha256 only")
        return Artifact(name=name, kind=kind, meta=meta, sha256=digest.hexdigest(),
                        state="hash_only", error=f"too large ({size} bytes): sha256 only")

    def _lstat_meta(self, name: str) -> dict[str, Any]:
        try:
            return self.meta(name, os.lstat(self.unresolved(name)))
        except OSError:
            return {}


# Schedule files read line by line, one entry a line, `#` comments (cron, anacron).
LINE_KINDS = frozenset({"crontab", "cron.d", "cron-spool", "anacrontab"})
_MAX_LINE = 64 << 10            # longer schedule lines are cut (cron's own limit is far lower)


def read_job_lines(f: Any, budget: int) -> tuple[bytes, list[int], str | None]:
    """Stream a schedule file: every line that is not blank or a `#` comment (or that a line
    ending in a backslash continues), up to `budget` bytes kept. Returns the kept text, the
    line number of each kept line, and what could not be kept (None when nothing)."""
    kept: list[bytes] = []
    numbers: list[int] = []
    problems: list[str] = []
    used, number, continued = 0, 0, False
    while True:
        line = f.readline(_MAX_LINE)
        if not line:
            return b"".join(kept), numbers, "; ".join(problems) or None
        number += 1
        cut = not line.endswith(b"\n") and len(line) == _MAX_LINE
        if cut:
            while (rest := f.readline(_MAX_LINE)) and not rest.endswith(b"\n"):
                pass   # the rest of an overlong line, read and dropped
            line += b"\n"
        stripped = line.strip()
        job_line = continued or (stripped and not stripped.startswith(b"#"))
        continued = line.rstrip(b"\r\n").endswith(b"\\")
        if not job_line:
            continue
        if cut and len(problems) < 10:
            problems.append(f"line {number} cut at {_MAX_LINE} bytes")
        if used + len(line) > budget:
            problems.append(f"job lines beyond {budget} bytes not kept (from line {number})")
            return b"".join(kept), numbers, "; ".join(problems)
        kept.append(line)
        numbers.append(number)
        used += len(line)


def digest_rest(f: Any, digest: Any, budget: int) -> None:
    """Hash the rest of a file in 1 MiB pieces so a huge file never sits in memory."""
    while budget > 0:
        chunk = f.read(min(1 << 20, budget))
        if not chunk:
            return
        digest.update(chunk)
        budget -= len(chunk)


def _failure(name: str, kind: str, meta: dict[str, Any], e: OSError) -> Artifact:
    """The artifact of a file that could not be opened or read: missing when nothing is there,
    otherwise unreadable, with why."""
    if isinstance(e, FileNotFoundError) or e.errno == errno.ENOENT:
        return Artifact(name=name, kind=kind, meta=meta, state="missing", error="not found")
    if isinstance(e, PermissionError) or e.errno == errno.EACCES:
        why = "permission denied"
    elif e.errno == errno.ELOOP:
        why = "symlink loop"
    else:
        why = e.strerror or str(e)
    return Artifact(name=name, kind=kind, meta=meta, state="unreadable", error=why)


def capture_folder(fs: RootFS, folder: str, kind: str, keep: Any = None) -> list[Artifact]:
    """Every regular entry of a folder (those `keep(name)` accepts) as artifacts of `kind`; a
    folder that exists but cannot be listed is one artifact saying so, never an empty list."""
    try:
        names = fs.listdir(folder)
    except RootPathError as e:
        label = artifact_name(folder)
        return [Artifact(name=label, kind=kind, meta={"path": "/" + label}, state="unreadable",
                         error=f"cannot list: {e.strerror}")]
    return [fs.capture(f"{folder}/{n}", kind) for n in names
            if (keep is None or keep(n)) and not fs.is_dir(f"{folder}/{n}")]


def capture_paths(fs: RootFS, paths: Iterable[str], kind: str,
                  keep: Any = None) -> list[Artifact]:
    """Each path that exists, as artifacts of `kind`: a folder as `capture_folder` captures it
    (the entries `keep(name)` accepts), a file as itself."""
    out: list[Artifact] = []
    for path in paths:
        if fs.is_dir(path):
            out += capture_folder(fs, path, kind, keep)
        elif fs.exists(path):
            out.append(fs.capture(path, kind))
    return out


def capture_tail(fs: RootFS, path: str, kind: str, max_bytes: int, record: int = 1) -> Artifact:
    """The last `max_bytes` of a log as raw bytes (binary logs such as wtmp too), cut at a
    whole record of `record` bytes, or at a line start for text (record=1)."""
    name = fs.name(path)
    label = artifact_name(name)
    try:
        fd = os.open(fs.host(fs.resolve(name)), os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except (RootPathError, OSError) as e:
        return _failure(label, kind, {"path": "/" + label}, e)
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        meta = fs.meta(name, st)
        if not stat.S_ISREG(st.st_mode):
            return Artifact(name=label, kind=kind, meta=meta, state="special",
                            error="not a regular file (fifo, socket or device): not read")
        start = max(0, st.st_size - max_bytes)
        start -= start % record
        try:
            f.seek(start)
            data = f.read(max_bytes)
        except OSError as e:
            return _failure(label, kind, meta, e)
    if start and record == 1:
        data = data[data.find(b"\n") + 1:]
    if start:
        meta["tail_from"] = start      # older records were not kept: a fact, not a failure
    return Artifact.from_bytes(label, kind, data, meta)
