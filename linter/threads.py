"""Work on a daemon thread that the calling thread only waits for.

The caller waits in short joins, so Ctrl-C and SIGTERM (raised in the main
thread) act at once, and the process can exit without joining a thread stuck
on the network. Used for the exporter's total deadline (cli.py) and, under a
small `ulimit -s`, for regopy, which needs a stack of its own (engines/embedded.py).
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

DEFAULT_STACK = 8 << 20  # Linux's usual `ulimit -s`; below it the stack counts as small


def small_stack() -> bool:
    """Whether the process stack limit (ulimit -s) is below the usual 8 MiB."""
    import resource
    soft, _ = resource.getrlimit(resource.RLIMIT_STACK)
    return soft != resource.RLIM_INFINITY and soft < DEFAULT_STACK


def call_in_thread(fn: Callable[..., Any], *args: Any, timeout: float | None = None,
                   stack_size: int | None = None, name: str = "gallerylint-worker") -> Any:
    """fn(*args) on a daemon thread; its result, or its exception raised here. Past
    `timeout` seconds, TimeoutError (the thread is left to die with the process)."""
    return Pending(fn, args, name, stack_size).result(timeout)


class Pending:
    """fn(*args) running on a daemon thread (`start_thread`); `result()` waits for it in
    short joins, so signals act, and returns its value or raises its error."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], name: str,
                 stack_size: int | None = None) -> None:
        self._outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                self._outcome["value"] = fn(*args)
            except BaseException as exc:  # noqa: BLE001 - raised again in the caller
                self._outcome["error"] = exc

        previous = threading.stack_size(stack_size) if stack_size else None
        try:
            self._thread = threading.Thread(target=run, daemon=True, name=name)
            self._thread.start()
        finally:
            if previous is not None:
                threading.stack_size(previous)

    def wait(self, timeout: float | None = None) -> None:
        """Until the call is done; past `timeout` seconds, TimeoutError."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._thread.is_alive():
            left = 0.2 if deadline is None else deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"did not finish within {timeout:g} s")
            self._thread.join(min(0.2, left))

    def result(self, timeout: float | None = None) -> Any:
        self.wait(timeout)
        if "error" in self._outcome:
            raise self._outcome["error"]
        return self._outcome.get("value")


def start_thread(fn: Callable[..., Any], *args: Any,
                 name: str = "gallerylint-worker") -> Pending:
    """fn(*args) started on a daemon thread, while the caller goes on."""
    return Pending(fn, args, name)
