"""OPA servers for the tests: a stand-in for OPA's REST API (FakeOpa), for the OPA
engine's protocol tests, and `opa_server`, a real `opa run --server` when one is on PATH.

It speaks the part of OPA's v1 API that gallerylint uses, and behaves like OPA
where a client can tell the difference:

- `PUT /v1/policies/{id}` and `DELETE`: compile errors are 400 with
  `invalid_parameter`; a module whose package lies under a root that a loaded
  bundle claims is 400 with OPA's message ("path gallerylint/lib is owned by
  bundle \"bundle.tar.gz\"", or "all paths owned by bundle" for a bundle
  without roots), as OPA's server checks it (`checkPathScope`); deleting a
  policy that is not there is 404 `resource_not_found`.
- `GET` and `POST /v1/data/{path}`: `{"result": ...}`, or `{}` when undefined;
  an evaluation error is 500 `internal_error`. A loaded bundle's manifest is
  at `data.system.bundles[<name>].manifest`, with `roots` defaulting to
  `[""]` as OPA sets it.
- A request body above `max_body` bytes is refused (413), like OPA's
  `server.decoding.max_length`; `token` makes every request need
  `Authorization: Bearer <token>` (401 otherwise), and `hide_system` answers
  401 for `data.system`, like an authorization policy that hides it.

Evaluation is regopy's, not OPA's: conformance with OPA itself is
tests/test_conformance.py, which runs against a real `opa` when one is present.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import socket
import subprocess
import tarfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_PACKAGE = re.compile(r"^package\s+([A-Za-z0-9_.]+)", re.MULTILINE)


def _path_owned(path: list[str], root: list[str]) -> bool:
    return all(a == b for a, b in zip(path, root))


def _lookup(document: Any, parts: list[str]) -> tuple[bool, Any]:
    for part in parts:
        if not isinstance(document, dict) or part not in document:
            return False, None
        document = document[part]
    return True, document


class FakeOpa:
    def __init__(self, bundle: str | Path | None = None, bundle_name: str = "bundle.tar.gz",
                 max_body: int = 256 << 20, token: str | None = None,
                 hide_system: bool = False) -> None:
        self.policies: dict[str, str] = {}
        self.bundle_policies: dict[str, str] = {}
        self.data: dict[str, Any] = {}
        self.bundles: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, int]] = []  # (method, path, body bytes)
        self.max_body = max_body
        self.token = token
        self.hide_system = hide_system
        self.lock = threading.Lock()
        self._compiled: dict[Any, tuple[Any, Any]] = {}
        if bundle is not None:
            self.load_bundle(bundle, bundle_name)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _body(self) -> bytes | None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > owner.max_body:
                    self.rfile.read(length)
                    owner.requests.append((self.command, self.path, length))
                    self._send(413, {"code": "invalid_parameter",
                                     "message": "request body too large"})
                    return None
                return self.rfile.read(length) if length else b""

            def _send(self, status: int, doc: Any) -> None:
                data = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if owner.token is None:
                    return True
                if self.headers.get("Authorization") == f"Bearer {owner.token}":
                    return True
                self._send(401, {"code": "unauthorized",
                                 "message": "request rejected by administrative policy"})
                return False

            def do_PUT(self) -> None:  # noqa: N802
                body = self._body()
                if body is None:
                    return
                owner.requests.append(("PUT", self.path, len(body)))
                if not self._authorised():
                    return
                policy_id = self.path.split("/v1/policies/", 1)[1]
                text = body.decode()
                package = _PACKAGE.search(text)
                if package is not None:
                    refusal = owner.scope_refusal(package.group(1).replace(".", "/"))
                    if refusal:
                        self._send(400, {"code": "invalid_parameter", "message": refusal})
                        return
                import regopy
                try:
                    regopy.Interpreter().add_module(policy_id, text)
                except Exception:
                    self._send(400, {"code": "invalid_parameter",
                                     "message": "error(s) occurred while compiling module(s)",
                                     "errors": [{"code": "rego_parse_error",
                                                 "message": "unexpected token"}]})
                    return
                with owner.lock:
                    owner.policies[policy_id] = text
                self._send(200, {})

            def do_DELETE(self) -> None:  # noqa: N802
                owner.requests.append(("DELETE", self.path, 0))
                if not self._authorised():
                    return
                policy_id = self.path.split("/v1/policies/", 1)[1]
                with owner.lock:
                    found = owner.policies.pop(policy_id, None)
                if found is None:
                    self._send(404, {"code": "resource_not_found",
                                     "message": "storage_not_found_error: policy id "
                                                f'"{policy_id}"'})
                else:
                    self._send(200, {})

            def _data(self, document: dict[str, Any]) -> None:
                path = self.path.split("/v1/data", 1)[1].split("?")[0].strip("/")
                if owner.hide_system and (path == "system" or path.startswith("system/")):
                    self._send(401, {"code": "unauthorized",
                                     "message": "request rejected by administrative policy"})
                    return
                status, answer = owner.evaluate(path, document.get("input"))
                self._send(status, answer)

            def do_POST(self) -> None:  # noqa: N802
                body = self._body()
                if body is None:
                    return
                owner.requests.append(("POST", self.path, len(body)))
                if not self._authorised():
                    return
                try:
                    document = json.loads(body or b"{}")
                except ValueError:
                    self._send(400, {"code": "invalid_parameter",
                                     "message": "body contains malformed input document"})
                    return
                self._data(document if isinstance(document, dict) else {})

            def do_GET(self) -> None:  # noqa: N802
                owner.requests.append(("GET", self.path, 0))
                if not self._authorised():
                    return
                if self.path.startswith("/v1/data"):
                    self._data({})
                elif self.path.startswith("/v1/policies"):
                    with owner.lock:
                        ids = sorted({*owner.policies, *owner.bundle_policies})
                    self._send(200, {"result": [{"id": i} for i in ids]})
                else:
                    self._send(200, {})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def load_bundle(self, path: str | Path, name: str = "bundle.tar.gz") -> None:
        """Activate a bundle the way `opa run --bundle` does: its modules, its data, and
        its manifest at data.system.bundles[name]."""
        manifest: dict[str, Any] = {}
        with tarfile.open(path, "r:gz") as tar:
            for member in tar.getmembers():
                content = tar.extractfile(member)
                if content is None:
                    continue
                raw = content.read()
                member_name = member.name.removeprefix("./").lstrip("/")
                if member_name == ".manifest":
                    manifest = json.loads(raw)
                elif member_name.endswith(".rego"):
                    self.bundle_policies[f"{name}/{member_name}"] = raw.decode()
                elif member_name.endswith("data.json"):
                    target = self.data
                    for part in [p for p in member_name.split("/")[:-1] if p]:
                        target = target.setdefault(part, {})
                    target.update(json.loads(raw))
        if "roots" not in manifest:
            manifest["roots"] = [""]  # OPA: a bundle without roots owns all of data
        self.bundles[name] = {"manifest": manifest, "etag": ""}

    def scope_refusal(self, package_path: str) -> str | None:
        """OPA's answer to writing a policy of this package while bundles are active."""
        parts = package_path.split("/")
        for name, info in self.bundles.items():
            roots = info["manifest"].get("roots")
            if roots is None:
                return f'all paths owned by bundle "{name}"'
            for root in roots:
                if root == "":
                    return f'all paths owned by bundle "{name}"'
                if _path_owned(parts, root.split("/")):
                    return f'path {package_path} is owned by bundle "{name}"'
        return None

    def evaluate(self, path: str, input_document: Any) -> tuple[int, dict[str, Any]]:
        import regopy
        parts = [p for p in path.split("/") if p]
        with self.lock:
            modules = {**self.bundle_policies, **self.policies}
            data: dict[str, Any] = {**self.data}
            if self.bundles:
                data["system"] = {"bundles": self.bundles}
            found, value = _lookup(data, parts)
            if found:  # a base document: no policy can add to it under OPA's rules
                return 200, {"result": value}
            state = (tuple(sorted(modules)), id(self.data), len(self.bundles), path)
            entry = self._compiled.get(state)
            if entry is None:
                # Compiled once per policy set and path, as OPA prepares queries.
                interp = regopy.Interpreter()
                for module_id, text in modules.items():
                    interp.add_module(module_id, text)
                interp.add_data_json(json.dumps(data))
                try:
                    entry = (interp.build(None, ["/".join(parts)]), regopy.Interpreter())
                except Exception:
                    entry = (None, interp)  # not a rule: the plain query says undefined
                self._compiled[state] = entry
            bundle, runner = entry
            runner.set_input(input_document if input_document is not None else {})
            if bundle is not None:
                out = runner.query_bundle_entrypoint(bundle, "/".join(parts))
            else:
                out = runner.query("x = data" + "".join(f'["{p}"]' for p in parts))
            if not out.ok():
                return 500, {"code": "internal_error", "message": "evaluation failed"}
            text = str(out)
        if text == "undefined":
            return 200, {}
        doc = json.loads(text)
        value = doc["expressions"][0] if bundle is not None else doc["bindings"]["x"]
        return 200, {"result": value}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "FakeOpa":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def opa_server(*extra: str):
    """A real `opa run --server` on a free loopback port, stopped afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([shutil.which("opa") or "opa", "run", "--server", "--addr",
                             f"127.0.0.1:{port}", "--disable-telemetry", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
