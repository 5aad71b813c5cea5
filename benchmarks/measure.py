"""One measurement in a fresh process: prints JSON with seconds and peak RSS.

    python benchmarks/measure.py json-load DIR      # json.load of every file (read, parse)
    python benchmarks/measure.py orjson-loads DIR   # read + orjson.loads of every file
    python benchmarks/measure.py lint DIR [CONFIG]  # gallerylint's lint of DIR, reports rendered

`lint` runs what `gallerylint lint DIR` runs (all rules, embedded engine, the garbage
collector off as the CLI has it), then renders SARIF, writes it to a temporary file,
and renders JSON and text, timing each. `seconds` counts the lint and the SARIF (what
a code-scanning run writes); the JSON and text renderings are reported apart. Peak
RSS is the whole process's.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    mode, folder, *rest = sys.argv[1:]
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".json"))
    start_rss = peak_rss_mb()
    extra: dict = {}
    start = time.perf_counter()
    if mode == "json-load":
        held = []
        for path in files:
            with open(path, encoding="utf-8") as fh:
                held.append(json.load(fh))
    elif mode == "orjson-loads":
        import orjson
        held = []
        for path in files:
            with open(path, "rb") as fh:
                held.append(orjson.loads(fh.read()))
    else:
        import gc
        from datetime import datetime, timezone

        from linter import config as config_module
        from linter.lint import run
        from linter.report import json_report, sarif, text
        from linter.report.common import Report
        from linter.rules.registry import load_registry
        gc.disable()  # as the CLI does
        now = datetime(2026, 11, 21, tzinfo=timezone.utc)
        settings = config_module.load(rest[0], explicit=True) if rest else \
            config_module.Settings()
        result = run([folder], settings, now, registry=load_registry())
        report = Report(result.findings, result.rules, result.inventory, folder, "bench", now)
        t = time.perf_counter()
        data = sarif.render_bytes(report)  # what the CLI writes to a file, written
        with tempfile.TemporaryFile() as fh:
            fh.write(data)
        size = len(data)
        del data
        result.timings["sarif"] = time.perf_counter() - t
        elapsed = time.perf_counter() - start
        rendered = {}
        for name, render in (("json", json_report.render_bytes), ("text", text.render)):
            t = time.perf_counter()
            render(report)
            rendered[name] = round(time.perf_counter() - t, 3)
        extra = {"findings": len(result.findings), "sarif_bytes": size,
                 "resources": result.inventory.resource_count, "other_reports": rendered,
                 "timings": {k: round(v, 3) for k, v in sorted(
                     result.timings.items(), key=lambda kv: -kv[1])[:8]}}
        print(json.dumps({"mode": mode, "seconds": round(elapsed, 3),
                          "peak_rss_mb": round(peak_rss_mb(), 1),
                          "start_rss_mb": round(start_rss, 1), **extra}))
        return
    elapsed = time.perf_counter() - start
    print(json.dumps({"mode": mode, "seconds": round(elapsed, 3),
                      "peak_rss_mb": round(peak_rss_mb(), 1),
                      "start_rss_mb": round(start_rss, 1), **extra}))


if __name__ == "__main__":
    main()
