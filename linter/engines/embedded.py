"""The embedded engine: regopy (rego-cpp) in process, nothing to start.

regopy's traps, and how this module avoids each (see
shared/reference/libraries.md and policies/lib/README.md):
- reading a failed Output (`str()`, `node()`, `expressions()`) can abort the
  process, so only `ok()` is called on a failure and the error says which
  policy failed;
- `query()` compiles on every call, so the policies are built once into a
  bundle and each rule is queried through its entrypoint;
- large inputs load slowly, so each rule sees its compact, deduplicated
  collection (linter/rules/collections.py), loaded once per collection;
- a set of objects is slow to build in regopy, so `violations` is an array.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..errors import EngineError
from ..resources import policies_dir
from ..rules.registry import RegoPolicy
from .base import RegoTestResult

_TEST_RULE = re.compile(r"^(test_[A-Za-z0-9_]+)\s+if\b", re.MULTILINE)


def library_modules() -> list[Path]:
    lib = policies_dir() / "lib"
    return sorted(p for p in lib.glob("*.rego") if not p.name.endswith("_test.rego"))


# regopy's allocator (snmalloc) reserves about 256 GiB of address space when it starts,
# and aborts the process ("Failed to initialise snmalloc.") when an address-space or data
# limit (ulimit -v, RLIMIT_AS / RLIMIT_DATA) is lower: measured here, 256 GiB fails and
# 257 GiB works. Say so before loading it, instead of dying by a signal.
REGOPY_ADDRESS_SPACE = 260 << 30


def address_space_problem() -> str | None:
    import resource
    for name, how in (("RLIMIT_AS", "ulimit -v"), ("RLIMIT_DATA", "ulimit -d")):
        soft, _ = resource.getrlimit(getattr(resource, name))
        if soft != resource.RLIM_INFINITY and soft < REGOPY_ADDRESS_SPACE:
            return (f"the embedded engine (regopy) reserves about 256 GiB of address space "
                    f"when it starts, and this process is limited to {soft / (1 << 30):.1f} GiB "
                    f"({how}, {name}): raise the limit ('{how} unlimited'), or use "
                    "--engine opa with an OPA server")
    return None


BIG_STACK = 256 << 20


def on_a_big_stack(fn: Any, *args: Any) -> Any:
    """Call fn on a thread with a stack of its own when the process stack is small
    (ulimit -s below 8 MiB): regopy's C++ evaluator recurses, and at 128 KiB it
    overflows (a segfault) on ordinary policies. A thread's stack is sized here, not by
    the limit; the caller only waits, so signals still land (linter/threads.py)."""
    from ..threads import call_in_thread, small_stack
    if not small_stack():
        return fn(*args)
    return call_in_thread(fn, *args, stack_size=BIG_STACK, name="gallerylint-rego")


def _regopy() -> Any:
    import sys
    if "regopy" not in sys.modules:
        problem = address_space_problem()
        if problem:
            raise EngineError("(embedded engine)", problem)
    try:
        import regopy
    except ImportError as exc:  # pragma: no cover - a broken install
        raise EngineError("(embedded engine)", f"regopy is not importable: {exc}") from None
    return regopy


def _rego_error_text(exc: Exception) -> str:
    text = str(exc)
    msgs = re.findall(r"\(errormsg \d+:([^)]*)\)", text)
    if msgs:
        return "; ".join(dict.fromkeys(m.strip() for m in msgs))
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def _add_module(interp: Any, name: str, source: str) -> None:
    try:
        interp.add_module(name, source)
    except Exception as exc:  # regopy raises RegoError with an s-expression of errors
        raise EngineError(name, f"the policy does not compile: {_rego_error_text(exc)}") from None


class EmbeddedEngine:
    name = "embedded"

    def __init__(self, timeout_seconds: float = 30.0) -> None:
        self.timeout_seconds = timeout_seconds

    def _compile(self, policies: Sequence[RegoPolicy]) -> Any:
        regopy = _regopy()
        interp = regopy.Interpreter()
        for lib in library_modules():
            _add_module(interp, str(lib), lib.read_text(encoding="utf-8"))
        for p in policies:
            _add_module(interp, str(p.path), p.source)
        try:
            return interp.build(None, [p.entrypoint for p in policies])
        except Exception as exc:
            names = ", ".join(p.path.name for p in policies)
            raise EngineError(names, f"the policies do not build: {_rego_error_text(exc)}") from None

    def prepare(self, policies: Sequence[RegoPolicy],
                inputs: Mapping[Path, Mapping[str, Any]]) -> dict[Path, Any]:
        """Each distinct input document as a regopy `Input`, made on the calling thread.
        regopy converts a document with one foreign call (ctypes) per JSON value, and
        ctypes lets go of the interpreter at each: on the engine's thread, beside the
        Python rules, every call waited to take it back, and 10,002 items took 1.8 s
        instead of 0.3 s. A query is one call, and runs beside Python at full speed."""
        regopy = _regopy()
        made: dict[int, Any] = {}
        prepared: dict[Path, Any] = {}
        for p in policies:
            document = inputs[p.path]
            if id(document) not in made:
                try:
                    made[id(document)] = regopy.Input(document)
                except Exception as exc:
                    raise EngineError(p.path.name,
                                      f"the engine refused the input: {exc}") from None
            prepared[p.path] = made[id(document)]
        return prepared

    def evaluate(self, policies: Sequence[RegoPolicy],
                 inputs: Mapping[Path, Any]) -> dict[Path, list[dict[str, Any]]]:
        """`inputs` holds each policy's document, or what `prepare` made of it."""
        return on_a_big_stack(self._evaluate_all, policies, inputs)

    def _evaluate_all(self, policies: Sequence[RegoPolicy],
                      inputs: Mapping[Path, Mapping[str, Any]]
                      ) -> dict[Path, list[dict[str, Any]]]:
        trusted = [p for p in policies if p.trusted]
        results = self._evaluate(trusted, inputs) if trusted else {}
        for policy in policies:
            if not policy.trusted:
                from .isolation import run_isolated
                one = run_isolated(on_a_big_stack, (self._evaluate, [policy],
                                                    {policy.path: inputs[policy.path]}),
                                   self.timeout_seconds, policy.path.name)
                results.update(one)
        return results

    def _evaluate(self, policies: Sequence[RegoPolicy],
                  inputs: Mapping[Path, Mapping[str, Any]]) -> dict[Path, list[dict[str, Any]]]:
        if not policies:
            return {}
        bundle = self._compile(policies)
        regopy = _regopy()
        runner = regopy.Interpreter()
        results: dict[Path, list[dict[str, Any]]] = {}
        loaded: int | None = None
        for p in policies:
            document = inputs[p.path]
            if id(document) != loaded:
                try:
                    runner.set_input(document)
                except Exception as exc:
                    raise EngineError(p.path.name, f"the engine refused the input: {exc}") from None
                loaded = id(document)
            results[p.path] = self._query(runner, bundle, p)
        return results

    @staticmethod
    def _query(runner: Any, bundle: Any, policy: RegoPolicy) -> list[dict[str, Any]]:
        try:
            out = runner.query_bundle_entrypoint(bundle, policy.entrypoint)
        except Exception as exc:
            raise EngineError(policy.path.name, f"evaluation failed: {exc}") from None
        if not out.ok():
            # Reading a failed output can abort the process: say what we know.
            raise EngineError(policy.path.name, "evaluation failed in regopy (a runtime error "
                              "such as conflicting values for one rule); 'opa eval' on the same "
                              "policy prints the details")
        text = str(out)
        if text == "undefined":
            raise EngineError(policy.path.name, "'violations' is undefined: it must always be an "
                              "array (see policies/README.md)")
        try:
            value = json.loads(text)["expressions"][0]
        except (ValueError, KeyError, IndexError, TypeError):
            raise EngineError(policy.path.name, f"unreadable engine output: {text[:200]}") from None
        return check_violations(policy, value)

    def run_tests(self, policy: RegoPolicy) -> list[RegoTestResult]:
        if policy.test_path is None:
            return []
        regopy = _regopy()
        interp = regopy.Interpreter()
        for lib in library_modules():
            _add_module(interp, str(lib), lib.read_text(encoding="utf-8"))
        _add_module(interp, str(policy.path), policy.source)
        test_source = policy.test_path.read_text(encoding="utf-8")
        _add_module(interp, str(policy.test_path), test_source)
        package = re.search(r"^package\s+([A-Za-z0-9_.]+)", test_source, re.MULTILINE)
        if package is None:
            raise EngineError(str(policy.test_path), "no package line")
        results = []
        for name in dict.fromkeys(_TEST_RULE.findall(test_source)):
            out = interp.query(f"x = data.{package.group(1)}.{name}")
            passed = bool(out.ok()) and str(out).endswith('"bindings":{"x":true}}')
            results.append(RegoTestResult(policy.path.name, name, passed))
        return results


def check_violations(policy: RegoPolicy, value: Any) -> list[dict[str, Any]]:
    """Violations must be an array of objects with an integer `k` and a `message`."""
    if not isinstance(value, list):
        raise EngineError(policy.path.name, "'violations' must be an array")
    for v in value:
        if not (isinstance(v, dict) and isinstance(v.get("k"), int)
                and isinstance(v.get("message"), str)):
            raise EngineError(policy.path.name, f"malformed violation {json.dumps(v)[:200]}: "
                              "each needs an integer 'k' and a string 'message'")
    return value
