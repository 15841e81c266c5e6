"""Host watch: a snapshot within seconds of a change where a job can be planted.

Each host source declares the paths it reads (`WATCH`, relative to the root); the scripts a
snapshot captured are added after each snapshot. inotify through watchdog where the kernel has
it, watchdog's polling observer where it does not (or where inotify's watch limit is reached).
A burst of changes (an editor's temporary files, `crontab -e`, a package install) is one call:
the callback runs once the paths have been quiet for `debounce_s`, and at most `max_wait_s`
after the first change of the burst, so a stream of changes cannot postpone it for ever."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

log = logging.getLogger("lineguard.agent.watch")


class _Handler(FileSystemEventHandler):
    def __init__(self, watch: HostWatch) -> None:
        self.watch = watch

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return                                  # reads, not changes
        new_folder = event.is_directory and event.event_type in ("created", "moved")
        for p in (event.src_path, getattr(event, "dest_path", "")):
            if p:
                self.watch.changed(Path(p if isinstance(p, str) else p.decode()), new_folder)


def _sha256(path: Path, limit: int = 64 * 1024 * 1024) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 16):
                digest.update(chunk)
                limit -= len(chunk)
                if limit < 0:
                    return None
    except OSError:
        return None
    return digest.hexdigest()


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class HostWatch:
    """Calls `on_change(paths)` once per burst of changes to the watched paths (absolute)."""

    def __init__(self, root: Path, paths: Iterable[str], on_change: Callable[[set[Path]], None],
                 *, debounce_s: float = 2.0, max_wait_s: float = 10.0,
                 polling: bool = False, poll_interval_s: float = 2.0,
                 sweep_s: float = 60.0, account_dirs: Iterable[str] = ()) -> None:
        self.root = root
        self.on_change = on_change
        self.debounce_s, self.max_wait_s = debounce_s, max_wait_s
        self._polling, self._poll_interval = polling, poll_interval_s
        self._wanted: set[Path] = set()
        self._verified: dict[Path, str | None] = {}
        self._captured: dict[str, str] = {}
        # folders whose new subfolders are new accounts (home, run/user): a change, since the
        # paths to watch (their unit folders) follow from them
        self._accounts = {(root / d.lstrip("/")).resolve() for d in account_dirs}
        self.sweep_s = sweep_s
        self._next_sweep = time.monotonic() + sweep_s
        self._grown: set[Path] = set()
        self._arm_lock = threading.Lock()
        self._pending: set[Path] = set()
        self._first = self._last = 0.0
        self._lock = threading.Condition()
        self._stop = False
        self._observer: BaseObserver | None = None
        self._handler = _Handler(self)
        self._watches: dict[Path, tuple[bool, ObservedWatch]] = {}
        self._identity: dict[Path, tuple[int, int] | None] = {}
        self._armed = False
        self._worker = threading.Thread(target=self._run, name="lineguard-watch", daemon=True)
        self.set_paths(paths)

    @property
    def paths(self) -> frozenset[Path]:
        return frozenset(self._wanted)

    @property
    def kind(self) -> str:
        return "polling" if isinstance(self._observer, PollingObserver) else "inotify"

    def set_paths(self, paths: Iterable[str]) -> None:
        """Watch exactly these root-relative paths (files or folders; missing ones too: their
        nearest existing folder is watched, so creating them is a change)."""
        wanted = {w for p in paths for w in self._expand(p)}
        with self._lock:
            self._wanted = wanted
        if self._observer is not None:
            self._rearm()      # also when unchanged: a watched folder may have been swapped

    def _expand(self, relative: str) -> set[Path]:
        """The path as written and where it leads, and every symbolic link on the way: re-
        pointing a link (`ln -sfn`) changes what runs without touching the file it pointed to."""
        root = Path(os.path.normpath(self.root))
        written = Path(os.path.normpath(root / relative.lstrip("/")))
        out = {written, written.resolve()}
        for step in (written, *written.parents):
            if step == root or root not in step.parents:
                break
            if step.is_symlink():
                out.add(step)
        return out

    def verify(self, captured: dict[str, str]) -> None:
        """A file can change between being read for a snapshot and being watched: those whose
        content (root-relative name -> sha256 the snapshot holds) differs now count as changed.
        The same check runs every `sweep_s`: a write through a hard link elsewhere (inotify
        reports it only under the folder of the name used) or an event lost in an overflowing
        queue still changes the bytes."""
        self._captured = dict(captured)
        for name, sha in captured.items():
            path = (self.root / name).resolve()
            now = _sha256(path)
            # once per content: a file the snapshot records differently from its bytes (masked
            # secrets, a file over the hash limit) must not cause a snapshot after every snapshot
            if now != sha and self._verified.get(path) != now:
                self._verified[path] = now
                self.changed(path)

    def start(self) -> None:
        self._rearm()
        self._worker.start()

    def stop(self) -> None:
        with self._lock:
            self._stop = True
            self._lock.notify_all()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=10)
        if self._worker.is_alive():
            self._worker.join(timeout=10)

    def changed(self, path: Path, new_folder: bool = False) -> None:
        account = new_folder and path.parent in self._accounts
        if not account and not self._is_wanted(path):
            if new_folder and any(path in w.parents for w in self._wanted):
                # a folder on the way to a watched path appeared (mkdir -p of a spool): watch
                # deeper, and what is already inside counts as changed
                with self._lock:
                    self._grown.add(path)
                    self._lock.notify_all()
            return
        with self._lock:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending.add(path)
            self._last = now
            self._lock.notify_all()

    def _is_wanted(self, path: Path) -> bool:
        return any(path == w or w in path.parents for w in self._wanted)

    def _folders(self) -> dict[Path, bool]:
        """Folder -> recursive, for the wanted paths: a folder itself (recursively: unit
        drop-ins and .wants links live in subfolders), a file's folder (not recursively)."""
        out: dict[Path, bool] = {}
        for w in sorted(self._wanted):
            if w.is_dir() and not w.is_symlink():   # a link: its own folder sees it re-pointed
                out[w] = True
                continue
            parent = w.parent
            while not parent.is_dir() and parent != parent.parent:
                parent = parent.parent
            out.setdefault(parent, False)
        for folder in self._accounts:
            if folder.is_dir():
                out.setdefault(folder, False)
        return out

    def _rearm(self) -> None:
        """Bring the observer's watches in line with the wanted paths, adding and removing
        watches on the running observer: no moment in which a change would go unseen."""
        with self._arm_lock:
            self._rearm_locked()

    def _rearm_locked(self) -> None:
        if self._observer is None:
            self._observer = self._new_observer()
        wanted = self._folders()
        # `mv /etc/cron.d aside; mkdir /etc/cron.d`: inotify follows the moved folder, so a
        # watch whose folder is no longer the one at its path is dropped and set up again
        for folder in [f for f in self._watches if f not in wanted or
                       self._watches[f][0] != wanted[f] or
                       self._identity.get(f) != _identity(f)]:
            self._observer.unschedule(self._watches.pop(folder)[1])
        for folder, recursive in wanted.items():
            if folder not in self._watches:
                try:
                    handle = self._observer.schedule(self._handler, str(folder),
                                                     recursive=recursive)
                except OSError as e:    # inotify's watch limit: poll from now on
                    log.warning("inotify cannot watch %s (%s); watching by polling every "
                                "%.0f s", folder, e, self._poll_interval)
                    self._polling = True
                    self._restart_polling()
                    return
                self._watches[folder] = (recursive, handle)
                self._identity[folder] = _identity(folder)
                if self._armed and self._is_wanted(folder):
                    # written to between the snapshot that saw it appear and this watch: look
                    # once more, so nothing planted in that moment waits for the schedule
                    self.changed(folder)
        self._armed = True

    def _new_observer(self) -> BaseObserver:
        observer: BaseObserver = (PollingObserver(timeout=self._poll_interval) if self._polling
                                  else Observer())
        observer.start()
        return observer

    def _restart_polling(self) -> None:
        old, self._watches = self._observer, {}
        self._observer = self._new_observer()
        for folder, recursive in self._folders().items():
            self._watches[folder] = (recursive, self._observer.schedule(
                self._handler, str(folder), recursive=recursive))
        if old is not None:
            old.stop()
            old.join(timeout=10)

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._stop and not self._pending and not self._grown:
                    left = self._next_sweep - time.monotonic()
                    if left <= 0:
                        break
                    self._lock.wait(timeout=left)
                if self._stop:
                    return
                grown, self._grown = self._grown, set()
                sweep = not self._pending and not grown
            if sweep:
                self._next_sweep = time.monotonic() + self.sweep_s
                self.verify(self._captured)
                continue
            if grown:
                self._rearm()
                for w in list(self._wanted):
                    if any(g in w.parents for g in grown) and w.exists():
                        self.changed(w)
                continue
            with self._lock:
                now = time.monotonic()
                due = min(self._last + self.debounce_s, self._first + self.max_wait_s)
                if now < due:
                    self._lock.wait(timeout=due - now)
                    continue
                batch, self._pending = self._pending, set()
            try:
                self.on_change(batch)
            except Exception:   # the watch must outlive a failed snapshot; the daemon logs it
                log.exception("snapshot after a change failed")
