"""A small stand-in for an OPA server's REST API, for the OPA engine's protocol tests.

It speaks the part of OPA's v1 API that opa-python-client uses (PUT/DELETE
/v1/policies/{id}, POST /v1/data/{path}) and evaluates with regopy, so the
client's requests, chunking, errors and cleanup are exercised over real HTTP.
It is not OPA: conformance with OPA itself is tests/test_conformance.py, which
runs against a real `opa` when one is available.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeOpa:
    def __init__(self) -> None:
        self.policies: dict[str, str] = {}
        self.requests: list[tuple[str, str, int]] = []  # (method, path, body bytes)
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _send(self, status: int, doc: Any) -> None:
                data = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_PUT(self) -> None:  # noqa: N802
                body = self._body()
                owner.requests.append(("PUT", self.path, len(body)))
                policy_id = self.path.split("/v1/policies/", 1)[1]
                text = body.decode()
                import regopy
                try:
                    regopy.Interpreter().add_module(policy_id, text)
                except Exception as exc:
                    self._send(400, {"code": "invalid_parameter", "message": str(exc)[:200],
                                     "errors": [{"code": "rego_parse_error",
                                                 "message": "parse error"}]})
                    return
                with owner.lock:
                    owner.policies[policy_id] = text
                self._send(200, {})

            def do_DELETE(self) -> None:  # noqa: N802
                owner.requests.append(("DELETE", self.path, 0))
                policy_id = self.path.split("/v1/policies/", 1)[1]
                with owner.lock:
                    found = owner.policies.pop(policy_id, None)
                self._send(200 if found is not None else 404, {})

            def do_POST(self) -> None:  # noqa: N802
                body = self._body()
                owner.requests.append(("POST", self.path, len(body)))
                path = self.path.split("/v1/data/", 1)[1].split("?")[0]
                document = json.loads(body or b"{}")
                import regopy
                interp = regopy.Interpreter()
                with owner.lock:
                    for name, text in owner.policies.items():
                        interp.add_module(name, text)
                interp.set_input(document.get("input", {}))
                out = interp.query("x = data." + path.replace("/", "."))
                if not out.ok():
                    self._send(500, {"code": "internal_error", "message": "evaluation failed"})
                    return
                text = str(out)
                if text == "undefined":
                    self._send(200, {})
                    return
                self._send(200, {"result": json.loads(text)["bindings"]["x"]})

            def do_GET(self) -> None:  # noqa: N802
                self._send(200, {})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "FakeOpa":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
