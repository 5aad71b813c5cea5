"""One measurement in a fresh process: prints JSON with seconds and peak RSS.

    python benchmarks/measure.py json-loads DIR      # read + json.loads every file
    python benchmarks/measure.py lint DIR [ARGS...]  # gallerylint lint DIR ARGS
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    mode, folder, *rest = sys.argv[1:]
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".json"))
    start_rss = peak_rss_mb()
    start = time.perf_counter()
    if mode == "json-loads":
        held = []
        for path in files:
            with open(path, "rb") as fh:
                held.append(json.loads(fh.read().decode("utf-8")))
        extra: dict = {}
    else:
        from linter import config as config_module
        from linter.lint import run
        from linter.report.common import Report
        from linter.report import sarif
        from linter.rules.registry import load_registry
        from datetime import datetime, timezone
        import gc
        gc.disable()  # as the CLI does
        now = datetime(2026, 11, 21, tzinfo=timezone.utc)
        settings = config_module.Settings()
        result = run([folder], settings, now, registry=load_registry())
        t = time.perf_counter()
        report = Report(result.findings, result.rules, result.inventory, folder, "bench", now)
        text = sarif.render(report)
        result.timings["sarif"] = time.perf_counter() - t
        extra = {"findings": len(result.findings), "sarif_bytes": len(text),
                 "timings": {k: round(v, 3) for k, v in sorted(
                     result.timings.items(), key=lambda kv: -kv[1])[:12]}}
    elapsed = time.perf_counter() - start
    print(json.dumps({"mode": mode, "seconds": round(elapsed, 3),
                      "peak_rss_mb": round(peak_rss_mb(), 1),
                      "start_rss_mb": round(start_rss, 1), **extra}))


if __name__ == "__main__":
    main()
