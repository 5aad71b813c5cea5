"""gallerylint against json.load (and orjson, a real OPA, Checkov where present) on
large synthetic estates, side by side in one run.

    python benchmarks/run.py                       # the medium estate, start-up, template
    python benchmarks/run.py --estates medium,large --rounds 3

Estates (benchmarks/generate.py, full Resource Graph rows as `az graph query` prints
them, minified; generated once under benchmarks/data/, git-ignored):

- medium: 20,000 image versions, 200,000 VMs, 5,000 scale sets; half the VMs and
  scale sets on a Standard_LRS OS disk, linted with `reporting.group_over` raised so
  that each is its own finding (about 100,000 findings: writing them is measured);
- large: 100,000 versions, 1,000,000 VMs, 25,000 scale sets, default config.

Each round runs, each in a fresh process: `json.load` of every file (the floor any
Python tool pays to read the same input), `orjson.loads` when orjson is installed,
and `gallerylint lint` (all rules, embedded engine, SARIF rendered; JSON and text
renderings timed apart). Rounds alternate the tools, so a machine that slows down
slows all of them; the table shows medians and the median of each round's ratio. A
real OPA (`opa` on PATH) evaluates one rule over the VM file; Checkov (`checkov` on
PATH) scans the template. Figures, not assertions: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ESTATES = {  # name: (versions, VMs per version, finding rate, config)
    "medium": (20_000, 10, 0.5, {"reporting": {"group_over": 1_000_000_000}}),
    "large": (100_000, 10, 0.001, None),
}


def measure(mode: str, folder: Path, *args: str) -> dict:
    """One measurement: what measure.py reports from inside the process, and the whole
    process seen from outside (start-up and exit included), as `whole`."""
    if mode == "cli":
        return {"whole": whole_process([*command(), "lint", str(folder), "-f", "sarif", "-o",
                                        str(folder.parent / "bench-cli.sarif"), "-q", "--now",
                                        "2026-11-21T00:00:00Z",
                                        *(["-c", args[0]] if args else [])])}
    out: dict = {}
    found = whole_process([sys.executable, str(HERE / "measure.py"), mode, str(folder), *args],
                          out)
    return {**json.loads(out["stdout"].strip().splitlines()[-1]), "whole": found}


def whole_process(cmd: list[str], out: dict | None = None) -> dict:
    """Wall time and peak RSS of one process (its own `wait4` usage, not its siblings')."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            cwd=HERE.parent)
    stdout = proc.stdout.read() if proc.stdout else ""  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}")
    if out is not None:
        out["stdout"] = stdout
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024}


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
    load = f", load {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    return f"{cpu}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}{load}"


def has_orjson() -> bool:
    try:
        import orjson  # noqa: F401
    except ImportError:
        return False
    return True


def estate(name: str, data: Path, rounds: int) -> None:
    versions, per_version, rate, config = ESTATES[name]
    folder = data / f"estate-{name}"
    if not (folder / "virtual-machine-scale-sets.json").exists():
        sys.path.insert(0, str(HERE))
        from generate import generate
        print(f"generating the {name} estate under {folder} ...", flush=True)
        generate(folder, versions, per_version, full=True, minified=True, finding_rate=rate)
    args: list[str] = []
    if config is not None:
        path = data / f"{name}.gallerylint.yaml"
        path.write_text(json.dumps(config))
        args = [str(path)]
    mb = sum(p.stat().st_size for p in folder.glob("*.json")) / 1e6
    modes = ["json-load", *(["orjson-loads"] if has_orjson() else []), "lint"]
    runs: dict[str, list[dict]] = {m: [] for m in [*modes, "cli"]}
    for _ in range(rounds):
        for mode in [*modes, "cli"]:
            runs[mode].append(measure(mode, folder, *(args if mode in ("lint", "cli") else ())))
    lint = runs["lint"]
    base = runs["json-load"]
    print(f"\n{name} estate: {versions:,} versions, {versions * per_version:,} VMs, "
          f"{lint[0]['resources']:,} resources, {mb:,.0f} MB minified; {lint[0]['findings']:,} "
          f"findings; {rounds} round(s), medians")
    print("| tool | time s | peak RSS MB | time vs json.load | memory vs json.load |")
    print("|---|---:|---:|---:|---:|")
    for mode in modes:
        secs = [r["seconds"] for r in runs[mode]]
        rss = [r["peak_rss_mb"] for r in runs[mode]]
        t_ratio = statistics.median(r["seconds"] / b["seconds"] for r, b in zip(runs[mode], base))
        m_ratio = statistics.median(r["peak_rss_mb"] / b["peak_rss_mb"]
                                    for r, b in zip(runs[mode], base))
        label = {"json-load": "`json.load`", "orjson-loads": "`orjson.loads`",
                 "lint": "`gallerylint lint` (SARIF written)"}[mode]
        print(f"| {label} | {statistics.median(secs):.2f} | {statistics.median(rss):,.0f} "
              f"| {t_ratio:.2f}x | {m_ratio:.2f}x |")
    # Seen from outside: start-up, and the exit that frees what each process holds.
    base_whole = [r["whole"] for r in base]
    cli_whole = [r["whole"] for r in runs["cli"]]
    for label, whole in (("`json.load` of every file", base_whole),
                         ("`gallerylint lint DIR -f sarif -o FILE`", cli_whole)):
        t_ratio = statistics.median(r["seconds"] / b["seconds"]
                                    for r, b in zip(whole, base_whole))
        m_ratio = statistics.median(r["peak_rss_mb"] / b["peak_rss_mb"]
                                    for r, b in zip(whole, base_whole))
        print(f"| {label}, whole process | {statistics.median(r['seconds'] for r in whole):.2f} "
              f"| {statistics.median(r['peak_rss_mb'] for r in whole):,.0f} | {t_ratio:.2f}x "
              f"| {m_ratio:.2f}x |")
    opa = shutil.which("opa")
    if opa:
        vm_file = folder / "virtual-machines-000.json"
        start = time.perf_counter()
        subprocess.run([opa, "eval", "--format", "raw", "-d", str(HERE / "one_rule.rego"),
                        "-i", str(vm_file), "count(data.bench.violations)"],
                       capture_output=True, check=True)
        print(f"| real OPA, one rule over {vm_file.name} only | "
              f"{time.perf_counter() - start:.2f} | | | |")
    else:
        print("(no `opa` on PATH: the real OPA is not measured)")
    print("the command / json.load, whole processes, round by round: " + ", ".join(
        f"{r['seconds'] / b['seconds']:.2f}x time, {r['peak_rss_mb'] / b['peak_rss_mb']:.2f}x "
        f"memory" for r, b in zip(cli_whole, base_whole)))
    print("lint / json.load, round by round: " + ", ".join(
        f"{r['seconds'] / b['seconds']:.2f}x time, {r['peak_rss_mb'] / b['peak_rss_mb']:.2f}x "
        f"memory" for r, b in zip(lint, base)))
    print(f"lint, where its time goes (median round): {lint[len(lint) // 2]['timings']}")
    print(f"other reports of the same findings: {lint[len(lint) // 2]['other_reports']} s, "
          f"SARIF {lint[len(lint) // 2]['sarif_bytes'] / 1e6:.1f} MB")


def command() -> list[str]:
    """`gallerylint` as users run it: the console script beside this interpreter (a module
    run with -m is compiled from source on every start, never from its .pyc)."""
    script = Path(sys.executable).with_name("gallerylint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "linter.cli"]


def timed(cmd: list[str], runs: int) -> tuple[float, float]:
    """(min, median) wall time of a command, whole process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, cwd=HERE.parent)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--estates", default="medium",
                        help="comma-separated: medium, large (empty: none)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--template-lines", type=int, default=5000)
    parser.add_argument("--startup-runs", type=int, default=15,
                        help="whole-process runs of a lint of an empty input (0: skip)")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    if args.startup_runs:
        empty = args.data / "empty.json"
        empty.write_text('{"value": []}')
        low, middle = timed([*command(), "lint", str(empty), "--allow-empty", "-q"],
                            args.startup_runs)
        print(f"start-up, an empty input, whole process: min {low:.3f} s, median {middle:.3f} s "
              f"over {args.startup_runs} runs")
    if args.template_lines:
        sys.path.insert(0, str(HERE))
        from generate import generate_template
        path = args.data / f"template-{args.template_lines}" / "azuredeploy.json"
        lines = generate_template(path, args.template_lines)
        low, middle = timed([*command(), "lint", str(path), "--now", "2026-11-21T00:00:00Z"], 5)
        line = f"ARM template of {lines:,} lines, whole process: median {middle:.2f} s (min {low:.2f})"
        checkov = shutil.which("checkov")
        if checkov:
            c_low, c_mid = timed([checkov, "-f", str(path), "--framework", "arm", "--quiet",
                                  "--compact", "--skip-download"], 3)
            line += f"; Checkov on the same file: median {c_mid:.2f} s (min {c_low:.2f})"
        else:
            line += "; (no `checkov` on PATH)"
        print(line)
    for name in filter(None, args.estates.split(",")):
        estate(name, args.data, args.rounds)


if __name__ == "__main__":
    main()
