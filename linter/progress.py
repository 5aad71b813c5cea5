"""What a long lint is doing, on stderr (as export shows its pages): on a terminal, the
first phase once ("reading 3 path(s)…"); off a terminal (a CI log), the current phase
every few seconds, so a 20 s lint never looks hung."""

from __future__ import annotations

import os
import sys
import threading
import time


class Heartbeat:
    def __init__(self, terminal: bool, log_every: float | None) -> None:
        self.terminal = terminal
        self.log_every = log_every
        self.current = "starting"
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @classmethod
    def for_stderr(cls, quiet: bool) -> "Heartbeat":
        terminal = not quiet and sys.stderr.isatty()
        every: float | None = None
        if not quiet and not terminal:
            try:
                every = max(0.05, float(os.environ.get("GALLERYLINT_PROGRESS_SECONDS", "10")))
            except ValueError:
                every = 10.0
        return cls(terminal, every)

    def phase(self, text: str) -> None:
        with self._lock:
            first = self.current == "starting"
            self.current = text
            if self.terminal and first:
                sys.stderr.write(f"gallerylint: {text}…\n")
                sys.stderr.flush()

    def start(self) -> "Heartbeat":
        if self.log_every is not None:
            self._thread = threading.Thread(target=self._beat, name="gallerylint-progress",
                                            daemon=True)
            self._thread.start()
        return self

    def _beat(self) -> None:
        while not self._stop.wait(self.log_every):
            with self._lock:
                elapsed = time.monotonic() - self.started
                sys.stderr.write(f"gallerylint: {self.current} ({elapsed:.0f} s so far)\n")
                sys.stderr.flush()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1)


class Silent:
    """No progress (library calls, the gate)."""

    def phase(self, text: str) -> None:
        pass
