"""Run a function in a forked child with a time and memory limit; a crash stays there.

User policies run this way, Rego and Python alike: regopy evaluates in C++ and
cannot be interrupted from Python, a failure inside it can abort the process,
and a Python rule can call `sys.exit`, `os._exit` or sleep. In a child:

- the environment is empty (regopy's `opa.runtime()` returns the process
  environment, and the job's secrets live there);
- a run past the time limit is killed; the limit is the config's
  `engine.timeout_seconds`, but never above MAX_SECONDS, which a repository's
  config cannot raise;
- a child whose resident memory passes MAX_MEMORY_MB is killed (an address
  space rlimit cannot be used: regopy's allocator reserves about 256 GiB of
  address space when it starts, see embedded.py);
- a child that exits, or dies by a signal, without sending a result is an
  EngineError (exit 3): the run fails closed, it never reads as clean.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from typing import Any, Callable

from ..errors import EngineError

MAX_SECONDS = 300.0  # the tool's own ceiling for one user policy
MAX_MEMORY_MB = 4096  # resident memory of the child
POLL_SECONDS = 0.05


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    os.environ.clear()  # clear() unsets the C environ too
    try:
        result = fn(*args)
    except EngineError as exc:
        conn.send(("engine", exc.message))
    except BaseException as exc:  # SystemExit included: report, the parent decides
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    else:
        conn.send(("ok", result))
    finally:
        conn.close()
    os._exit(0)  # never return into the parent's code (pytest, atexit handlers)


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux /proc), None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            resident_pages = int(fh.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


def run_isolated(fn: Callable[..., Any], args: tuple[Any, ...], timeout: float,
                 name: str, max_memory_mb: float = MAX_MEMORY_MB) -> Any:
    limit = min(float(timeout), MAX_SECONDS)
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(sender, fn, args), daemon=True)
    proc.start()
    sender.close()
    try:
        waited = 0.0
        while not receiver.poll(POLL_SECONDS):
            waited += POLL_SECONDS
            if waited >= limit:
                _kill(proc)
                capped = " (the tool's maximum)" if limit < timeout else ""
                raise EngineError(name, f"did not finish within {limit:g} s{capped} and was "
                                  "stopped (engine.timeout_seconds)")
            used = rss_mb(proc.pid) if proc.pid else None
            if used is not None and used > max_memory_mb:
                _kill(proc)
                raise EngineError(name, f"used more than {max_memory_mb:g} MB of memory and "
                                  "was stopped")
            if not proc.is_alive() and not receiver.poll(0):
                break
        try:
            status, payload = receiver.recv()
        except (EOFError, OSError):
            proc.join(5)
            code = proc.exitcode
            how = (f"signal {signal.Signals(-code).name}" if code is not None and code < 0
                   else f"exit code {code}")
            raise EngineError(name, f"it crashed or exited without a result ({how}); the run "
                              "was stopped and fails closed, nothing else was affected"
                              ) from None
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
    if status == "ok":
        return payload
    raise EngineError(name, str(payload))


def _kill(proc: Any) -> None:
    proc.kill()
    proc.join(5)
