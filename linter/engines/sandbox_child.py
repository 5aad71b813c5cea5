"""The process a user Python rule runs in (started by linter/engines/sandbox.py).

It is a fresh interpreter (`python -I`), never a fork of gallerylint: nothing
of the parent's memory, environment or file descriptors is here. It reads its
request (the rule's source, and the facts for a check) from standard input,
imports everything a rule may use, and then closes itself in:

- `root` (gallerylint runs as root, or through `sudo -n`): new network and
  mount namespaces, `chroot` into an empty folder, all groups dropped, uid and
  gid `nobody`, no new privileges. No file (not `/proc/<parent>/environ`, not
  `$HOME`, not the workspace's `.git/config`) and no network is reachable.
- `userns` (an unprivileged user where user namespaces are allowed): new user,
  mount and network namespaces, then the same `chroot`.
- `none` (a trusted tree on a system with neither): the fresh interpreter with
  an empty environment and a temporary working folder only.

Only then does the rule's code run. The answer goes back as JSON on a
descriptor kept from standard output (the rule's own prints go to stderr); the
parent reads it as untrusted data.
"""

from __future__ import annotations

import json
import os
import pickle
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_NO_NEW_PRIVS = 38
NOBODY = 65534
MEMORY_BYTES = 4 << 30

# What a rule may import: loaded before the sandbox closes (no file is readable after).
PRELOADED = ("re", "json", "math", "datetime", "collections", "collections.abc", "itertools",
             "functools", "fnmatch", "ipaddress", "dataclasses", "typing", "string", "enum",
             "statistics", "decimal", "fractions", "hashlib", "textwrap", "operator",
             "linter.findings", "linter.model", "linter.facts", "linter.names",
             "linter.config", "linter.rules.base", "linter.rules.registry")


def _libc() -> object:
    import ctypes
    import ctypes.util
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _unshare(libc: object, flags: int) -> None:
    import ctypes
    if libc.unshare(flags) != 0:  # type: ignore[attr-defined]
        err = ctypes.get_errno()
        raise OSError(err, f"unshare: {os.strerror(err)}")


def close_in(method: str, jail: str) -> None:
    """Shut the process in (see the module's docstring); raises when it cannot."""
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    if method == "none":
        return
    libc = _libc()
    if method == "root":
        _unshare(libc, CLONE_NEWNET | CLONE_NEWNS)
    elif method == "userns":
        _unshare(libc, CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS)
    else:
        raise OSError(f"unknown sandbox method {method!r}")
    os.chroot(jail)
    os.chdir("/")
    if method == "root":
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)  # type: ignore[attr-defined]
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))  # no fork, no thread of its own


def _rule_module(source: str, filename: str) -> object:
    import types
    from pathlib import Path
    name = f"gallerylint_user_{Path(filename).stem}"
    module = types.ModuleType(name)
    module.__file__ = filename
    sys.modules[name] = module
    exec(compile(source, filename, "exec"), module.__dict__)  # noqa: S102 - the user's rule
    return module


def _source_key(source: object) -> list | None:
    if source is None:
        return None
    return [source.path, source.line, source.column]  # type: ignore[attr-defined]


def _answer(mode: str, module: object, payload: object) -> object:
    from linter.findings import Finding
    from linter.rules.registry import _from_module
    if mode == "meta":
        if not (hasattr(module, "RULE") and hasattr(module, "check")):
            return None
        rule = _from_module(module, False)
        return {"id": rule.id, "name": rule.name, "level": rule.level, "tags": list(rule.tags),
                "summary": rule.summary, "doc": rule.doc,
                "security_severity": rule.security_severity, "related": list(rule.related),
                "config": list(rule.config)}
    facts, rule = payload  # type: ignore[misc]
    out = []
    for finding in module.check(facts, rule):  # type: ignore[attr-defined]
        if not isinstance(finding, Finding):
            raise TypeError(f"check() yielded {type(finding).__name__}, not a Finding "
                            "(use linter.findings.make_finding)")
        out.append({"rule_id": finding.rule_id, "rule_name": finding.rule_name,
                    "level": finding.level, "resource_id": finding.resource_id,
                    "region": finding.region, "message": finding.message,
                    "at": list(finding.at), "properties": finding.properties,
                    "group_resource": finding.group_resource,
                    "groupable": finding.groupable,
                    "source": _source_key(finding.source),
                    "group_source": _source_key(finding.group_source)})
    return out


def main() -> None:
    answer = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # the rule's prints go to stderr, never into the answer
    os.environ.clear()  # started empty; Python's locale coercion may have set LC_CTYPE
    request = pickle.loads(sys.stdin.buffer.read())  # from the parent, before any user code
    sys.stdin.close()
    import importlib
    for name in PRELOADED:
        importlib.import_module(name)
    try:
        close_in(request["method"], request["jail"])
    except OSError as exc:
        answer.write(json.dumps({"status": "sandbox", "text": str(exc)}))
        answer.close()
        os._exit(0)
    try:
        module = _rule_module(request["source"], request["filename"])
        result = _answer(request["mode"], module, request.get("payload"))
        text = json.dumps({"status": "ok", "result": result})
    except BaseException as exc:  # SystemExit included: report, the parent decides
        text = json.dumps({"status": "error", "text": f"{type(exc).__name__}: {exc}"[:2000]})
    answer.write(text)
    answer.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
