"""Lint large synthetic estates and compare with json.loads of the same files.

    python benchmarks/run.py [--sizes 10000,100000] [--data benchmarks/data]

For each size (image versions, 10 VMs per version): generates the estate once
(benchmarks/generate.py), then in fresh processes measures json.loads of every
file (read, decode, parse; the floor any Python tool pays) and a full lint
(all rules, embedded engine, SARIF rendered). Prints wall time, peak RSS and
the ratios, plus the machine. Figures, not assertions: machines here are noisy,
so compare the ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(mode: str, folder: Path) -> dict:
    out = subprocess.run([sys.executable, str(HERE / "measure.py"), mode, str(folder)],
                         capture_output=True, text=True, check=True, cwd=HERE.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--shapes", default="projected,full,full-minified",
                        help="row shapes: projected (the exporter's columns), full (whole "
                             "ARM rows as az graph query prints them), full-minified")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--template-lines", type=int, default=5000)
    parser.add_argument("--plan-vms", type=int, default=200)
    parser.add_argument("--startup-runs", type=int, default=15,
                        help="whole-process runs of a lint of an empty input (0: skip)")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"{'shape':>14} {'versions':>9} {'VMs':>9} {'MB':>6} {'json.loads s':>12} "
          f"{'lint s':>8} {'ratio':>6} {'loads RSS MB':>12} {'lint RSS MB':>11} {'ratio':>6} "
          "findings")
    if args.startup_runs:
        low, middle = startup(args.data, args.startup_runs)
        print(f"start-up, an empty input, whole process: min {low:.3f} s, median "
              f"{middle:.3f} s over {args.startup_runs} runs")
    for shape in args.shapes.split(",") if args.sizes else ():
        for size in (int(s) for s in args.sizes.split(",")):
            folder = args.data / f"estate-{shape}-{size}"
            if not (folder / "image-versions.json").exists():
                extra = [] if shape == "projected" else ["--shape", "full"]
                if shape.endswith("minified"):
                    extra.append("--minified")
                subprocess.run([sys.executable, str(HERE / "generate.py"), str(folder),
                                "--versions", str(size), *extra], check=True, capture_output=True)
            mb = sum(p.stat().st_size for p in folder.glob("*.json")) / 1e6
            loads = measure("json-loads", folder)
            lint = measure("lint", folder)
            print(f"{shape:>14} {size:>9} {size * 10:>9} {mb:>6.0f} {loads['seconds']:>12.2f} "
                  f"{lint['seconds']:>8.2f} {lint['seconds'] / loads['seconds']:>5.1f}x "
                  f"{loads['peak_rss_mb']:>12.0f} {lint['peak_rss_mb']:>11.0f} "
                  f"{lint['peak_rss_mb'] / loads['peak_rss_mb']:>5.1f}x {lint['findings']}")
            print(f"          where lint time goes: {lint['timings']}")
    if args.template_lines:
        sys.path.insert(0, str(HERE))
        from generate import generate_template
        folder = args.data / f"template-{args.template_lines}"
        lines = generate_template(folder / "azuredeploy.json", args.template_lines)
        lint = measure("lint", folder)
        print(f"ARM template of {lines} lines: lint {lint['seconds']:.2f} s "
              f"(in process, interpreter start excluded), {lint['findings']} findings; "
              f"{lint['timings']}")
        print(f"  whole process: {whole_process(folder / 'azuredeploy.json'):.2f} s")
    if args.plan_vms:
        sys.path.insert(0, str(HERE))
        from generate import generate_plan
        folder = args.data / f"plan-{args.plan_vms}"
        lines = generate_plan(folder / "plan.json", args.plan_vms)
        lint = measure("lint", folder)
        print(f"Terraform plan of {lines} lines ({args.plan_vms} VMs): lint "
              f"{lint['seconds']:.2f} s in process, whole process "
              f"{whole_process(folder / 'plan.json'):.2f} s, {lint['findings']} findings")


def command() -> list[str]:
    """`gallerylint` as users run it: the console script beside this interpreter (a module
    run with -m is compiled from source on every start, never from its .pyc)."""
    script = Path(sys.executable).with_name("gallerylint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "linter.cli"]


def startup(data: Path, runs: int) -> tuple[float, float]:
    """(min, median) wall time of `gallerylint lint` on an empty resources file."""
    import statistics
    import time
    data.mkdir(parents=True, exist_ok=True)
    empty = data / "empty.json"
    empty.write_text('{"value": []}')
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*command(), "lint", str(empty), "--allow-empty", "-q"],
                       capture_output=True, cwd=HERE.parent)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def whole_process(path: Path) -> float:
    """Wall time of `gallerylint lint PATH` as a user runs it (interpreter start included)."""
    import time
    start = time.perf_counter()
    subprocess.run([*command(), "lint", str(path), "--now", "2026-11-21T00:00:00Z"],
                   capture_output=True, cwd=HERE.parent)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
