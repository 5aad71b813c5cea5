"""The OPA engine: an existing OPA server evaluates the same policies.

gallerylint uploads the library and each rule policy under policy IDs of its
own (`gallerylint/<run>/<file>`), queries each rule's `violations` with the
rule's compact items as input (in chunks that keep a request well under OPA's
body limit), and deletes what it uploaded, also when something fails. An
unreachable server or an error answer is an EngineError (exit 3) naming the
URL and the policy.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

from ..errors import EngineError
from ..rules.registry import RegoPolicy
from .base import RegoTestResult
from .embedded import check_violations, library_modules

CHUNK_BYTES = 4 << 20  # OPA's default request body limit is far above; stay modest


class OpaEngine:
    name = "opa"

    def __init__(self, url: str, token: str | None = None, timeout: float = 30.0,
                 retries: int = 2) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EngineError("(opa)", f"--opa-url '{url}' is not an http(s) URL")
        self.url = url.rstrip("/")
        try:
            from opa_client.opa import OpaClient
        except ImportError:
            raise EngineError("(opa)", "opa-python-client is not installed: "
                              "pip install 'gallerylint[opa]'") from None
        self.client = OpaClient(host=parts.hostname,
                                port=parts.port or (443 if parts.scheme == "https" else 80),
                                ssl=parts.scheme == "https", token=token, timeout=timeout,
                                retries=retries)
        self.prefix = f"gallerylint/{uuid.uuid4().hex[:12]}"

    def _call(self, what: str, policy: str, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except Exception as exc:  # requests, opa_client and JSON errors alike
            raise EngineError(policy, f"OPA at {self.url} failed to {what}: "
                              f"{type(exc).__name__}: {exc}") from None

    def evaluate(self, policies: Sequence[RegoPolicy],
                 inputs: Mapping[Path, Mapping[str, Any]]) -> dict[Path, list[dict[str, Any]]]:
        if not policies:
            return {}
        uploaded: list[str] = []
        try:
            for module in [*library_modules(), *(p.path for p in policies)]:
                policy_id = f"{self.prefix}/{module.parent.name}/{module.name}"
                source = module.read_text(encoding="utf-8")
                self._call("load the policy", module.name,
                           lambda: self.client.update_policy_from_string(
                               source, policy_id, rego_compat=False))
                uploaded.append(policy_id)
            results: dict[Path, list[dict[str, Any]]] = {}
            for p in policies:
                results[p.path] = self._query(p, inputs[p.path]["items"])
            return results
        finally:
            for policy_id in uploaded:
                try:
                    self.client.delete_policy(policy_id)
                except Exception:  # cleanup is best effort; the run's result stands
                    pass

    def _query(self, policy: RegoPolicy, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        violations: list[dict[str, Any]] = []
        for chunk in _chunks(items):
            answer = self._call("evaluate", policy.path.name,
                                self.client.query_rule, {"items": chunk},
                                policy.package.replace(".", "/"), "violations")
            if not isinstance(answer, dict) or "result" not in answer:
                raise EngineError(policy.path.name, f"OPA at {self.url} returned no result "
                                  "for 'violations' (is it defined for every input?)")
            violations.extend(check_violations(policy, answer["result"]))
        return violations

    def run_tests(self, policy: RegoPolicy) -> list[RegoTestResult]:
        raise EngineError(policy.path.name, "run the policy tests with 'opa test policies/'")


def _chunks(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    chunks: list[list[dict[str, Any]]] = [[]]
    size = 0
    for item in items:
        item_size = len(json.dumps(item)) + 1
        if chunks[-1] and size + item_size > CHUNK_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += item_size
    return chunks
