"""Run a function in a forked child with a time limit; a crash stays in the child.

User Rego policies run this way: regopy evaluates in C++ and cannot be
interrupted from Python, and a failure inside it can abort the process. In a
child, a policy that never finishes is killed at the limit, and a crash
(a signal, an abort) becomes an EngineError naming the policy; the run stops
with exit 3 and a clear message instead of a dead process.
"""

from __future__ import annotations

import multiprocessing
import signal
from typing import Any, Callable

from ..errors import EngineError


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    # A user policy sees no environment: regopy's opa.runtime() returns the process
    # environment, and the job's secrets live there (clear() unsets the C environ too).
    import os
    os.environ.clear()
    try:
        conn.send(("ok", fn(*args)))
    except EngineError as exc:
        conn.send(("engine", exc.message))
    except BaseException as exc:  # report, do not raise: the parent decides
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_isolated(fn: Callable[..., Any], args: tuple[Any, ...], timeout: float,
                 name: str) -> Any:
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(sender, fn, args), daemon=True)
    proc.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            proc.kill()
            proc.join(5)
            raise EngineError(name, f"did not finish within {timeout:g} s and was stopped "
                              "(engine.timeout_seconds)")
        try:
            status, payload = receiver.recv()
        except (EOFError, OSError):
            proc.join(5)
            code = proc.exitcode
            how = (f"signal {signal.Signals(-code).name}" if code is not None and code < 0
                   else f"exit code {code}")
            raise EngineError(name, f"the embedded engine crashed while evaluating it ({how}); "
                              "the run was stopped, nothing else was affected") from None
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
    if status == "ok":
        return payload
    raise EngineError(name, str(payload))
