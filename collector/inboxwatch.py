"""`lineguard watch` wakes when a snapshot arrives in the inbox, not only on its schedule.

An agent delivers by writing a dot-named temporary file and renaming it into place (locally or
over SFTP), so the rename (or a plain create of a visible name) is the moment to ingest. inotify
through watchdog; where it is unavailable, watchdog's polling observer."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

log = logging.getLogger("lineguard.watch")


class _Arrivals(FileSystemEventHandler):
    def __init__(self, signal: threading.Event) -> None:
        self.signal = signal

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in ("created", "moved", "closed"):
            return
        path = getattr(event, "dest_path", "") or event.src_path
        name = Path(path if isinstance(path, str) else path.decode()).name
        if not name.startswith("."):
            self.signal.set()


class InboxWatch:
    """`wait(timeout)` returns True as soon as a snapshot file arrived (or had arrived since the
    last wait), False when the timeout passed first."""

    def __init__(self, inbox: Path) -> None:
        self.arrived = threading.Event()
        inbox.mkdir(parents=True, exist_ok=True)
        handler = _Arrivals(self.arrived)
        observer: BaseObserver = Observer()
        try:
            observer.schedule(handler, str(inbox), recursive=False)
            observer.start()
        except OSError as e:
            log.warning("inotify unavailable (%s); polling the inbox every 2 s", e)
            observer = PollingObserver(timeout=2)
            observer.schedule(handler, str(inbox), recursive=False)
            observer.start()
        self._observer = observer

    def wait(self, timeout: float) -> bool:
        arrived = self.arrived.wait(timeout)
        self.arrived.clear()
        return arrived

    def close(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=10)
