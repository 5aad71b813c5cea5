"""The OPA engine: an existing OPA server evaluates the same policies.

An OPA server is one of two kinds, and `engine.mode` (`--opa-mode`) says which
to expect; `auto`, the default, asks the server:

- **served**: the server already serves a bundle written by `gallerylint
  bundle` (how fleets run: OPA pulls bundles, clients only query). OPA refuses
  `PUT /v1/policies` under a root an activated bundle claims, so nothing is
  uploaded: each rule is queried where the bundle puts it
  (`POST /v1/data/gallerylint/rules/<pkg>/violations`). First the bundle's
  identity (its manifest metadata, kept by OPA at
  `data.system.bundles[<name>].manifest`, or the bundle's own
  `data.gallerylint.bundle`) must name the policies this gallerylint
  evaluates; another digest is an EngineError naming both and what to do.
  User policies (`rules.paths`) are not in the bundle: they run in the
  embedded engine, isolated as always, and the run says so.
- **upload**: a bare server. gallerylint uploads the library and each rule
  policy under policy IDs of its own (`gallerylint/<run>/<file>`), queries,
  and deletes what it uploaded, also when something fails.

Queries carry each rule's compact items as input, in chunks that keep a
request well under OPA's body limit. Every failure (unreachable, an error
answer, a bundle that owns gallerylint/ but is not ours) is an EngineError
(exit 3) naming the URL, in one line.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

from ..errors import EngineError, InputError
from ..rules.registry import RegoPolicy
from .base import RegoTestResult

RESPONSE_BYTES = 256 << 20  # the largest answer read from an OPA server
from .embedded import check_violations, library_modules

CHUNK_BYTES = 4 << 20  # OPA's default request body limit is far above; stay modest
MODES = ("auto", "upload", "served")
ROOT = "gallerylint"


@dataclass(frozen=True)
class ServedBundle:
    """The bundle a server serves under gallerylint/ and the policies it says it holds."""
    name: str
    revision: str
    policies: str | None  # the policies digest in its metadata; None if it has none


def _describe(exc: BaseException) -> str:
    """One line for an exception of requests or opa_client, with OPA's own message."""
    response = getattr(exc, "response", None)
    if response is not None:
        try:
            body = response.json()
            message = body.get("message") if isinstance(body, dict) else None
        except ValueError:
            message = None
        status = getattr(response, "status_code", "?")
        return f"HTTP {status}" + (f": {message}" if message else "")
    code = getattr(exc, "expression", None)
    message = getattr(exc, "message", None)
    if code is not None or message is not None:
        return f"{type(exc).__name__}: {code}: {message}"
    return f"{type(exc).__name__}: {exc}"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:500]


def owns(roots: Any, path: str) -> bool:
    """Whether a bundle with these manifest roots owns `path` (OPA's rule: no roots, or
    the root "", owns everything; otherwise a root owns what lies under or above it)."""
    if roots is None or not isinstance(roots, list):
        return True
    parts = path.split("/")
    for root in roots:
        if not isinstance(root, str) or root == "":
            return True
        segments = root.strip("/").split("/")
        if all(a == b for a, b in zip(parts, segments)):
            return True
    return False


class OpaEngine:
    name = "opa"

    def __init__(self, url: str, token: str | None = None, timeout: float = 30.0,
                 retries: int = 2, mode: str = "auto",
                 user_policy_timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(None, "the OPA URL is not an http(s) URL with a host",
                             hint="e.g. --opa-url https://opa.example.com:8181")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise InputError(None, "the OPA URL has a port that is not a number") from None
        # Shown in every message: scheme, host and port only, never credentials or a query.
        self.url = f"{parts.scheme}://{parts.hostname}:{port}"
        if parts.username is not None or parts.password is not None or parts.query \
                or parts.fragment:
            raise InputError(None, f"the OPA URL for {self.url} carries credentials, a query or "
                             "a fragment, which gallerylint would not send",
                             hint="give the token through engine.token_env or "
                                  "GALLERYLINT_OPA_TOKEN_ENV, and the URL without them")
        if mode not in MODES:
            raise EngineError("(opa)", f"engine mode '{mode}' is not one of {', '.join(MODES)}")
        self.timeout = timeout
        self.mode = mode
        self.user_policy_timeout = user_policy_timeout
        try:
            from opa_client.opa import OpaClient
        except ImportError:
            raise EngineError("(opa)", "opa-python-client is not installed: "
                              "pip install 'gallerylint[opa]'") from None
        self.client = OpaClient(host=parts.hostname, port=port,
                                ssl=parts.scheme == "https", token=token, timeout=timeout,
                                retries=retries)
        self.prefix = f"{ROOT}/{uuid.uuid4().hex[:12]}"
        self.requests = 0
        self.bytes_sent = 0
        self.notices: list[str] = []
        self._served: ServedBundle | None | bool = False  # False: not asked yet
        session = getattr(self.client, "_session", None)
        if session is not None:
            # read each answer here, at most RESPONSE_BYTES of it, before the client does
            session.hooks.setdefault("response", []).insert(0, self._capped)
            # count what goes over the wire (benchmarks, tests)
            session.hooks["response"].append(self._count)

    def _capped(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        chunks, total = [], 0
        for chunk in response.iter_content(1 << 16):
            total += len(chunk)
            if total > RESPONSE_BYTES:
                response.close()
                raise ValueError(f"the server answered more than {RESPONSE_BYTES:,} bytes")
            chunks.append(chunk)
        response._content = b"".join(chunks)
        return response

    def _count(self, response: Any, *args: Any, **kwargs: Any) -> None:
        self.requests += 1
        body = getattr(response.request, "body", None) or b""
        self.bytes_sent += len(body)

    def _deadline(self) -> float:
        return self.timeout * 3 + 5  # the client's own retries fit in it

    def _bounded(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """fn(*args) on a daemon thread, for at most the call's total deadline."""
        from ..threads import call_in_thread
        return call_in_thread(lambda: fn(*args, **kwargs), timeout=self._deadline(),
                              name="gallerylint-opa")

    def _call(self, what: str, policy: str, fn: Any, *args: Any) -> Any:
        """One call to the server, within a total deadline: a server that sends its
        headers and then a byte a second cannot hold the run (read timeouts restart at
        every byte); the call is left to die on its daemon thread."""
        try:
            return self._bounded(fn, *args)
        except TimeoutError:
            raise EngineError(policy, f"OPA at {self.url} did not {what} within "
                              f"{self._deadline():g} s (engine.timeout_seconds)") from None
        except Exception as exc:  # requests, opa_client and JSON errors alike
            raise EngineError(policy, f"OPA at {self.url} failed to {what}: "
                              f"{_one_line(_describe(exc))}") from None

    # -- which kind of server ------------------------------------------------------------

    def _get_data(self, path: str) -> tuple[bool, Any]:
        """(defined, value) of `GET /v1/data/<path>`; an error answer raises."""
        from opa_client.errors import PolicyNotFoundError
        try:
            answer = self._bounded(self.client.get_data, path)
        except PolicyNotFoundError as exc:
            if exc.expression == "PolicyNotFoundError":  # 200 without a result: undefined
                return False, None
            raise
        return True, answer.get("result")

    def served_bundle(self) -> ServedBundle | None:
        """The bundle that owns gallerylint/ on this server, or None on a bare server."""
        if self._served is not False:
            return self._served  # type: ignore[return-value]
        try:
            defined, bundles = self._get_data("system/bundles")
            readable = True
        except Exception as exc:
            if type(exc).__module__.startswith("requests"):  # unreachable: no fallback
                raise EngineError("(opa)", f"OPA at {self.url} failed to answer "
                                  f"GET /v1/data/system/bundles: {_one_line(_describe(exc))}"
                                  ) from None
            defined, bundles, readable = False, None, False  # e.g. hidden by authorization
        owners = []
        if defined and isinstance(bundles, dict):
            for name, info in bundles.items():
                manifest = info.get("manifest") if isinstance(info, dict) else None
                manifest = manifest if isinstance(manifest, dict) else {}
                if owns(manifest.get("roots"), ROOT):
                    metadata = manifest.get("metadata")
                    ours = metadata.get("gallerylint") if isinstance(metadata, dict) else None
                    digest = ours.get("policies") if isinstance(ours, dict) else None
                    owners.append(ServedBundle(str(name), str(manifest.get("revision") or "-"),
                                               digest if isinstance(digest, str) else None))
        if not owners or all(o.policies is None for o in owners):
            # The bundle's own data document says who wrote it, also where data.system is
            # hidden from this client.
            try:
                defined, identity = self._get_data(f"{ROOT}/bundle")
            except Exception as exc:
                if owners or not readable:
                    raise EngineError("(opa)", f"OPA at {self.url} failed to answer "
                                      f"GET /v1/data/{ROOT}/bundle: "
                                      f"{_one_line(_describe(exc))}") from None
                defined, identity = False, None
            digest = identity.get("policies") if defined and isinstance(identity, dict) else None
            if isinstance(digest, str):
                name = owners[0].name if owners else "(unnamed)"
                revision = owners[0].revision if owners else "-"
                owners = [ServedBundle(name, revision, digest)]
        chosen = next((o for o in owners if o.policies is not None), owners[0] if owners else None)
        self._served = chosen
        return chosen

    def resolve_mode(self) -> str:
        """'served' or 'upload', from engine.mode and what the server serves."""
        if self.mode == "upload":
            return "upload"
        served = self.served_bundle()
        if served is None:
            if self.mode == "served":
                raise EngineError("(opa)", f"OPA at {self.url} serves no gallerylint bundle "
                                  "(engine.mode served): load one written by 'gallerylint "
                                  "bundle', or use --opa-mode upload on a bare server")
            return "upload"
        self.check_identity(served)
        return "served"

    def check_identity(self, served: ServedBundle) -> None:
        from .bundle import policies_digest
        ours = policies_digest()
        if served.policies is None:
            raise EngineError("(opa)", f"OPA at {self.url} serves bundle '{served.name}' "
                              f"(revision {served.revision}), which owns {ROOT}/ but was not "
                              "written by 'gallerylint bundle' (no gallerylint metadata in its "
                              "manifest): serve a bundle written by 'gallerylint bundle', or "
                              f"point --opa-url at a server whose bundles leave {ROOT}/ free")
        if served.policies != ours:
            raise EngineError("(opa)", f"OPA at {self.url} serves bundle '{served.name}' "
                              f"(revision {served.revision}) with policies {served.policies}, "
                              f"but this gallerylint evaluates policies {ours}: rebuild the "
                              "bundle with this gallerylint ('gallerylint bundle') and let the "
                              "fleet load it, or run the gallerylint version that wrote it")

    # -- evaluation ----------------------------------------------------------------------

    def prepare(self, policies: Sequence[RegoPolicy],
                inputs: Mapping[Path, Mapping[str, Any]]) -> Mapping[Path, Any]:
        return inputs  # each request encodes its document

    def evaluate(self, policies: Sequence[RegoPolicy],
                 inputs: Mapping[Path, Mapping[str, Any]]) -> dict[Path, list[dict[str, Any]]]:
        if not policies:
            return {}
        if self.resolve_mode() == "upload":
            return self._evaluate_uploaded(policies, inputs)
        builtin = [p for p in policies if p.trusted]
        user = [p for p in policies if not p.trusted]
        results = {p.path: self._query(p, inputs[p.path]["items"]) for p in builtin}
        if user:
            from .embedded import EmbeddedEngine
            results.update(EmbeddedEngine(self.user_policy_timeout).evaluate(user, inputs))
            names = ", ".join(p.path.name for p in user)
            self.notices.append(f"user policies ({names}) are not in the bundle served at "
                                f"{self.url}; they ran in the embedded engine, isolated")
        return results

    def _evaluate_uploaded(self, policies: Sequence[RegoPolicy],
                           inputs: Mapping[Path, Mapping[str, Any]]
                           ) -> dict[Path, list[dict[str, Any]]]:
        # Policies that are not built in never go to a server: a server may run
        # http.send or opa.runtime() for them. They run embedded, isolated.
        user = [p for p in policies if not p.trusted]
        policies = [p for p in policies if p.trusted]
        results: dict[Path, list[dict[str, Any]]] = {}
        if user:
            from .embedded import EmbeddedEngine
            results.update(EmbeddedEngine(self.user_policy_timeout).evaluate(user, inputs))
            names = ", ".join(p.path.name for p in user)
            self.notices.append(f"user policies ({names}) are never sent to an OPA server; "
                                "they ran in the embedded engine, isolated")
        if not policies:
            return results
        uploaded: list[str] = []
        try:
            for module in [*library_modules(), *(p.path for p in policies)]:
                policy_id = f"{self.prefix}/{module.parent.name}/{module.name}"
                source = module.read_text(encoding="utf-8")
                try:
                    self._bounded(self.client.update_policy_from_string, source, policy_id,
                                  rego_compat=False)
                except Exception as exc:
                    detail = _one_line(_describe(exc))
                    hint = (": the server serves a bundle that owns this path; use "
                            "--opa-mode auto or served" if "owned by bundle" in detail else "")
                    raise EngineError(module.name, f"OPA at {self.url} failed to load the "
                                      f"policy: {detail}{hint}") from None
                uploaded.append(policy_id)
            for p in policies:
                results[p.path] = self._query(p, inputs[p.path]["items"])
            return results
        finally:
            for policy_id in uploaded:
                try:
                    self._bounded(self.client.delete_policy, policy_id)
                except Exception:  # cleanup is best effort; the run's result stands
                    pass

    def _query(self, policy: RegoPolicy, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        violations: list[dict[str, Any]] = []
        pending = _chunks(items)
        while pending:
            chunk = pending.pop(0)
            try:
                answer = self._bounded(self.client.query_rule, {"items": chunk},
                                                policy.package.replace(".", "/"), "violations")
            except Exception as exc:
                status = getattr(getattr(exc, "response", None), "status_code", None)
                if status == 413 and len(chunk) > 1:
                    # The server's body limit (OPA: server.decoding.max_length) is below
                    # ours: halve the request and go on, as a client of a fleet must.
                    half = len(chunk) // 2
                    pending[:0] = [chunk[:half], chunk[half:]]
                    continue
                raise EngineError(policy.path.name, f"OPA at {self.url} failed to evaluate: "
                                  f"{_one_line(_describe(exc))}") from None
            if not isinstance(answer, dict) or "result" not in answer:
                raise EngineError(policy.path.name, f"OPA at {self.url} returned no result "
                                  f"for data.{policy.package}.violations (is it defined for "
                                  "every input, and in the policies the server holds?)")
            violations.extend(check_violations(policy, answer["result"]))
        return violations

    def decide(self, deployment: Mapping[str, Any]) -> dict[str, Any]:
        """The served bundle's gate decision for one deployment (its ARM JSON)."""
        answer = self._call("answer the gate decision", "gate.rego", self.client.query_rule,
                            dict(deployment), f"{ROOT}/gate", "decision")
        decision = answer.get("result") if isinstance(answer, dict) else None
        if not (isinstance(decision, dict) and isinstance(decision.get("allow"), bool)
                and isinstance(decision.get("reasons"), list)
                and all(isinstance(r, str) for r in decision["reasons"])):
            raise EngineError("gate.rego", f"OPA at {self.url} gave no decision "
                              f"{{allow, reasons}} at data.{ROOT}.gate.decision")
        return decision

    def bundle_snapshots(self) -> list[dict[str, Any]]:
        """The snapshots the served bundle's facts came from (data.gallerylint.facts.snapshots):
        path, createdAt and failed scopes, as `gallerylint bundle` recorded them."""
        try:
            defined, value = self._get_data(f"{ROOT}/facts/snapshots")
        except Exception as exc:
            raise EngineError("(opa)", f"OPA at {self.url} failed to answer GET /v1/data/"
                              f"{ROOT}/facts/snapshots: {_one_line(_describe(exc))}") from None
        if not defined or not isinstance(value, list):
            return []
        out = []
        for snap in value:  # a server's answer: each field only when its type is right
            if not isinstance(snap, dict) or not isinstance(snap.get("path"), str):
                continue
            failed = snap.get("failedScopes")
            created = snap.get("createdAt")
            out.append({"path": snap["path"],
                        "createdAt": created if isinstance(created, str) else None,
                        "failedScopes": [f for f in failed if isinstance(f, dict)]
                        if isinstance(failed, list) else []})
        return out

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
