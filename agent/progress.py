"""A progress bar on standard error (rich) for long runs — a fleet poll, a large ingest — drawn
only when a person is watching a terminal; to a pipe, a file or a service journal it writes
nothing. Shared by both programs."""

from __future__ import annotations

import sys
import threading
from typing import IO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class Bar:
    """`what` done out of `total`, how many were not ok, and the last one's name and state."""

    def __init__(self, what: str, total: int, *, enabled: bool | None = None,
                 stream: IO[str] | None = None) -> None:
        stream = stream or sys.stderr
        self.enabled = (stream.isatty() if enabled is None else enabled) and total > 0
        self.count, self.failed = 0, 0
        self._lock = threading.Lock()
        self._progress: Progress | None = None
        if self.enabled:
            console = Console(file=stream, force_terminal=True)
            self._progress = Progress(
                TextColumn("{task.description}"), MofNCompleteColumn(), BarColumn(bar_width=24),
                TextColumn("not ok {task.fields[failed]}"), TimeElapsedColumn(),
                TextColumn("{task.fields[last]}"), console=console, transient=False)
            self._task = self._progress.add_task(what, total=total, failed=0, last="")
            self._progress.start()

    def advance(self, name: str, state: str, ok: bool) -> None:
        with self._lock:
            self.count += 1
            self.failed += not ok
            if self._progress is not None:
                self._progress.update(self._task, advance=1, failed=self.failed,
                                      last=_clip(f"last {name}: {state}"))

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def _clip(text: str, width: int = 48) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1):]
