"""Host watch: a snapshot within seconds of a change where a job can be planted.

Each host source declares the paths it reads (`WATCH`, relative to the root); the scripts a
snapshot captured are added after each snapshot. inotify through watchdog where the kernel has
it, watchdog's polling observer where it does not (or where inotify's watch limit is reached).
A burst of changes (an editor's temporary files, `crontab -e`, a package install) is one call:
the callback runs once the paths have been quiet for `debounce_s`, and at most `max_wait_s`
after the first change of the burst, so a stream of changes cannot postpone it for ever."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

log = logging.getLogger("lineguard.agent.watch")


class _Handler(FileSystemEventHandler):
    def __init__(self, watch: HostWatch) -> None:
        self.watch = watch

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return                                  # reads, not changes
        for p in (event.src_path, getattr(event, "dest_path", "")):
            if p:
                self.watch.changed(Path(p if isinstance(p, str) else p.decode()))


class HostWatch:
    """Calls `on_change(paths)` once per burst of changes to the watched paths (absolute)."""

    def __init__(self, root: Path, paths: Iterable[str], on_change: Callable[[set[Path]], None],
                 *, debounce_s: float = 2.0, max_wait_s: float = 10.0,
                 polling: bool = False, poll_interval_s: float = 2.0) -> None:
        self.root = root
        self.on_change = on_change
        self.debounce_s, self.max_wait_s = debounce_s, max_wait_s
        self._polling, self._poll_interval = polling, poll_interval_s
        self._wanted: set[Path] = set()
        self._pending: set[Path] = set()
        self._first = self._last = 0.0
        self._lock = threading.Condition()
        self._stop = False
        self._observer: BaseObserver | None = None
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
        wanted = {(self.root / p.lstrip("/")).resolve() for p in paths}
        with self._lock:
            if wanted == self._wanted and self._observer is not None:
                return
            self._wanted = wanted
        if self._observer is not None:
            self._rearm()

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

    def changed(self, path: Path) -> None:
        if not self._is_wanted(path):
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
            if w.is_dir():
                out[w] = True
                continue
            parent = w.parent
            while not parent.is_dir() and parent != parent.parent:
                parent = parent.parent
            out.setdefault(parent, False)
        return out

    def _rearm(self) -> None:
        old = self._observer
        if old is not None:
            old.stop()
            old.join(timeout=10)
        observer: BaseObserver = (PollingObserver(timeout=self._poll_interval) if self._polling
                                  else Observer())
        handler = _Handler(self)
        try:
            for folder, recursive in self._folders().items():
                observer.schedule(handler, str(folder), recursive=recursive)
            observer.start()
        except OSError as e:         # inotify missing or its watch limit reached
            log.warning("inotify unavailable (%s); watching by polling every %.0f s", e,
                        self._poll_interval)
            observer = PollingObserver(timeout=self._poll_interval)
            for folder, recursive in self._folders().items():
                observer.schedule(handler, str(folder), recursive=recursive)
            observer.start()
        self._observer = observer

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._stop and not self._pending:
                    self._lock.wait()
                if self._stop:
                    return
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
