"""Lint through `--engine opa` against a served bundle versus the embedded engine.

    python benchmarks/opa_bench.py [--versions 2000]

Generates the medium benchmark estate (generate.py, projected rows), writes its
bundle with `gallerylint bundle`'s code, serves it from a real `opa run
--server --bundle` when an `opa` binary is on PATH, else from the stand-in in
tests/fake_opa.py (it evaluates with regopy, so its time says little about a
real OPA), and lints the estate through both engines in this process. Prints
wall times, the HTTP requests and bytes the OPA engine sent, and the machine.
The requests and bytes are the engine's, whatever the server: each rule's
distinct projected items, in chunks of at most linter/engines/opa.CHUNK_BYTES.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=2000)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    args = parser.parse_args()
    from generate import generate
    from run import machine

    from linter import config
    from linter.engines import EmbeddedEngine
    from linter.engines.bundle import write_bundle
    from linter.engines.opa import OpaEngine
    from linter.facts import build
    from linter.lint import run
    from linter.rules.registry import load_registry
    from linter.sources import load_paths

    folder = args.data / f"estate-projected-{args.versions}"
    if not (folder / "image-versions.json").exists():
        generate(folder, args.versions, 10)
    now = datetime(2026, 11, 21, tzinfo=timezone.utc)
    settings = config.Settings()
    registry = load_registry()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        bundle = Path(tmp) / "bundle.tar.gz"
        write_bundle(str(bundle), build(load_paths([str(folder)]), settings, now))
        start = time.perf_counter()
        embedded = run([str(folder)], settings, now, registry=registry, engine=EmbeddedEngine())
        embedded_s = time.perf_counter() - start
        if shutil.which("opa"):
            from fake_opa import opa_server
            real = opa_server("--bundle", str(bundle))
            url, server_name = real.__enter__(), "opa (real)"
            stop = lambda: real.__exit__(None, None, None)  # noqa: E731
        else:
            from fake_opa import FakeOpa
            fake = FakeOpa(bundle=bundle).__enter__()
            url, server_name = fake.url, "tests/fake_opa.py (regopy; not a real OPA)"
            stop = lambda: fake.__exit__(None, None, None)  # noqa: E731
        try:
            engine = OpaEngine(url)
            start = time.perf_counter()
            served = run([str(folder)], settings, now, registry=registry, engine=engine)
            served_s = time.perf_counter() - start
        finally:
            stop()
    same = sorted((f.rule_id, f.resource_id, f.message) for f in served.findings) == sorted(
        (f.rule_id, f.resource_id, f.message) for f in embedded.findings)
    rego = sum(1 for r in registry.rules if r.rego is not None)
    print(f"estate: {args.versions} versions, {args.versions * 10} VMs; {rego} Rego rules")
    print(f"embedded engine:        lint {embedded_s:.2f} s "
          f"(Rego part {embedded.timings.get('rego:engine', 0):.2f} s)")
    print(f"--engine opa, served:   lint {served_s:.2f} s "
          f"(Rego part {served.timings.get('rego:engine', 0):.2f} s) against {server_name}")
    print(f"  HTTP requests: {engine.requests}, request bytes sent: {engine.bytes_sent:,}; "
          f"same findings as embedded: {same} ({len(served.findings)})")


if __name__ == "__main__":
    main()
