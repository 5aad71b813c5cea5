"""Run a user Python rule in a sandboxed fresh interpreter (linter/engines/sandbox_child.py).

The child gets an empty environment, no inherited descriptors, a temporary
working folder, a time limit (engine.timeout_seconds, capped by the tool) and
4 GiB of address space. Where the system allows it, it is shut into an empty
root with no network, as `nobody` (see the child's docstring): gallerylint
running as root does it directly, an unprivileged user in a user namespace or
through passwordless `sudo -n` (GitHub's hosted runners). Where none of these
is possible, a trusted tree's rule runs in the fresh interpreter alone, and an
untrusted tree's rule does not run (exit 2, saying why).

What comes back is untrusted JSON, checked field by field.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import EngineError, InputError
from .isolation import MAX_SECONDS

ANSWER_BYTES = 64 << 20
_BOOT = ("import sys; sys.path.insert(0, sys.argv[1]); "
         "from linter.engines.sandbox_child import main; main()")
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent.parent)


def _probe(prefix: list[str], method: str) -> bool:
    """Does a child manage to close itself in with this method?"""
    request = pickle.dumps({"method": method, "jail": tempfile.mkdtemp(prefix="gl-jail-"),
                            "source": "RULE = None\n", "filename": "probe.py",
                            "mode": "meta"})
    try:
        proc = subprocess.run([*prefix, sys.executable, "-I", "-c", _BOOT, _PACKAGE_PARENT],
                              input=request, capture_output=True, env={}, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    try:
        return json.loads(proc.stdout or b"{}").get("status") == "ok"
    except ValueError:
        return False


@lru_cache(maxsize=1)
def sandbox_method() -> tuple[list[str], str]:
    """(command prefix, method): the strongest sandbox this system allows."""
    if os.geteuid() == 0:
        return [], "root"
    if _probe([], "userns"):
        return [], "userns"
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True).returncode == 0:
        if _probe([sudo, "-n", "--"], "root"):
            return [sudo, "-n", "--"], "root"
    return [], "none"


def describe() -> str:
    prefix, method = sandbox_method()
    return {"root": "an empty root with no network, as nobody" + (" (through sudo)"
                                                                    if prefix else ""),
            "userns": "an empty root with no network, in a user namespace",
            "none": "a fresh interpreter with an empty environment (no sandbox: neither "
                    "root, sudo -n nor user namespaces are available)"}[method]


def run_rule(file: str, source: str, mode: str, payload: Any, timeout: float) -> Any:
    """The JSON answer of the rule's child: its metadata (mode 'meta') or its findings."""
    from ..config import untrusted
    prefix, method = sandbox_method()
    name = Path(file).name
    if method == "none" and untrusted():
        raise InputError(file, "Python rules of an untrusted tree run only sandboxed, and this "
                         "system allows no sandbox (not root, no passwordless sudo, no user "
                         "namespaces): the rule was not run", hint="run where one of these is "
                         "available, or trust the config (trust-config: true)")
    limit = min(float(timeout), MAX_SECONDS)
    jail = tempfile.mkdtemp(prefix="gl-jail-")
    os.chmod(jail, 0o555)
    work = tempfile.mkdtemp(prefix="gl-rule-")
    request = pickle.dumps({"method": method, "jail": jail, "source": source,
                            "filename": file, "mode": mode, "payload": payload})
    try:
        proc = subprocess.Popen([*prefix, sys.executable, "-I", "-c", _BOOT, _PACKAGE_PARENT],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env={}, cwd=work, close_fds=True,
                                start_new_session=True)
        try:
            out, err = proc.communicate(request, timeout=limit)
        except subprocess.TimeoutExpired:
            _kill(proc, prefix)
            capped = " (the tool's maximum)" if limit < timeout else ""
            raise EngineError(name, f"did not finish within {limit:g} s{capped} and was "
                              "stopped (engine.timeout_seconds)") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
        os.chmod(jail, 0o755)
        shutil.rmtree(jail, ignore_errors=True)
    if len(out) > ANSWER_BYTES:
        raise EngineError(name, f"answered more than {ANSWER_BYTES:,} bytes; the run fails closed")
    try:
        answer = json.loads(out or b"null")
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or answer.get("status") not in ("ok", "error", "sandbox"):
        code = proc.returncode
        how = (f"signal {signal.Signals(-code).name}" if code is not None and code < 0
               else f"exit code {code}")
        raise EngineError(name, f"it crashed or exited without a result ({how}); the run was "
                          "stopped and fails closed, nothing else was affected")
    if answer["status"] == "sandbox":
        raise EngineError(name, f"the sandbox could not be set up ({str(answer.get('text'))[:200]})")
    if answer["status"] == "error":
        raise EngineError(name, str(answer.get("text"))[:2000])
    return answer.get("result")


def _kill(proc: subprocess.Popen[bytes], prefix: list[str]) -> None:
    try:
        if prefix:  # the child runs as another user: kill its process group through sudo
            subprocess.run([*prefix, "kill", "-KILL", "--", f"-{proc.pid}"],
                           capture_output=True, timeout=10)
        os.killpg(proc.pid, signal.SIGKILL)
    except (OSError, subprocess.SubprocessError):
        pass
    proc.kill()
    proc.communicate()
