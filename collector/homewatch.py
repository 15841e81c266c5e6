"""`lineguard watch` wakes when something it acts on changes in its home, not only on its
schedule: a snapshot arriving in the inbox, and config.toml being written, replaced or removed.

An agent delivers by writing a dot-named temporary file and renaming it into place (locally or
over SFTP), so the rename (or a plain create of a visible name) is the moment to ingest.
config.toml decides who is mailed: each version is read the moment it is written and kept for
the loop, which puts every one in the signed audit log (config_audit.record), so an edit undone
before the next round is still a version on record and a change finding. inotify through
watchdog; where it is unavailable, watchdog's polling observer (every 2 s: an edit undone within
that is missed)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from lineguard.collector.config_audit import version_text

log = logging.getLogger("lineguard.watch")


class _Events(FileSystemEventHandler):
    def __init__(self, watch: HomeWatch) -> None:
        self.watch = watch

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        paths = [Path(os.fsdecode(p)) for p in (event.src_path, getattr(event, "dest_path", ""))
                 if p]
        if self.watch.config in paths:
            if event.event_type in self.watch.written:
                self.watch.config_written()
            return
        if event.event_type in ("created", "moved", "closed") and any(
                p.parent == self.watch.inbox and not p.name.startswith(".") for p in paths[-1:]):
            self.watch.wake.set()


class HomeWatch:
    """`wait(timeout)` returns True as soon as a snapshot arrived or config.toml changed (or had,
    since the last wait), False when the timeout passed first; `config_versions()` hands over
    the texts config.toml had, in order, since the last call."""

    def __init__(self, inbox: Path, config: Path) -> None:
        self.inbox, self.config = inbox.absolute(), config.absolute()
        self.wake = threading.Event()
        self._versions: deque[str] = deque()
        self._lock = threading.Lock()
        inbox.mkdir(parents=True, exist_ok=True)
        handler = _Events(self)
        observer: BaseObserver = Observer()
        # A version is taken when a write is complete (closed, renamed into place, removed), not
        # at the truncation that starts one, which would be an empty file on record; polling
        # sees no closes, only states 2 s apart.
        self.written: tuple[str, ...] = ("closed", "moved", "deleted")
        try:
            self._schedule(observer, handler)
        except OSError as e:
            log.warning("inotify unavailable (%s); polling the inbox and config.toml every 2 s", e)
            observer = PollingObserver(timeout=2)
            self.written = ("created", "modified", "moved", "deleted")
            self._schedule(observer, handler)
        self._observer = observer

    def _schedule(self, observer: BaseObserver, handler: _Events) -> None:
        observer.schedule(handler, str(self.inbox), recursive=False)
        observer.schedule(handler, str(self.config.parent), recursive=False)
        observer.start()

    def config_written(self) -> None:
        """Read config.toml now, from the observer's thread: the version must be taken before
        the next write replaces it."""
        text = version_text(self.config)
        with self._lock:
            if not self._versions or self._versions[-1] != text:
                self._versions.append(text)
        self.wake.set()

    def config_versions(self) -> list[str]:
        with self._lock:
            out = list(self._versions)
            self._versions.clear()
        return out

    def wait(self, timeout: float) -> bool:
        # in slices: Ctrl-C may be delivered to an observer thread, and the main thread only
        # acts on it when it wakes
        end = time.monotonic() + timeout
        woke = self.wake.wait(min(timeout, 1.0))
        while not woke and time.monotonic() < end:
            woke = self.wake.wait(min(end - time.monotonic(), 1.0))
        self.wake.clear()
        return woke

    def close(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=10)
