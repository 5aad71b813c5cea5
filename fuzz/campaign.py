"""A fuzz campaign: the property tests with many more random examples, then the atheris
targets, for a given time; every failure lands where `make test` replays it.

    make fuzz                      # 30 minutes
    python fuzz/campaign.py --minutes 60 --scale 50

- Hypothesis: tests/test_properties.py with GALLERYLINT_FUZZ_CAMPAIGN=1 (random,
  not derandomized) and every test's examples multiplied by --scale, run again
  and again for half the time. A failing example is saved in
  fuzz/hypothesis-examples/, which every suite run replays (tests/conftest.py).
- atheris (coverage-guided, libFuzzer): each target of fuzz/targets.py for an
  equal share of the other half, from a copy of its seed corpus; a crash is
  written to fuzz/regressions/<target>/, which tests/test_fuzz_regressions.py
  replays.

It prints what ran (examples, executions) and what failed; exit 1 if anything did.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fuzz"))


def hypothesis_phase(seconds: float, scale: int) -> tuple[int, int, int]:
    """(rounds, examples, failed rounds) of the property tests within `seconds`."""
    env = {**os.environ, "GALLERYLINT_FUZZ_CAMPAIGN": "1", "GALLERYLINT_FUZZ_SCALE": str(scale)}
    deadline = time.monotonic() + seconds
    rounds = examples = failed = 0
    while time.monotonic() < deadline:
        result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                 "tests/test_properties.py", "--hypothesis-show-statistics"],
                                cwd=ROOT, env=env, capture_output=True, text=True)
        rounds += 1
        examples += sum(int(n) for n in re.findall(r"(\d+) passing", result.stdout))
        if result.returncode != 0:
            failed += 1
            print(result.stdout[-4000:])
        print(f"hypothesis round {rounds}: exit {result.returncode}, {examples} examples so far",
              flush=True)
    return rounds, examples, failed


def atheris_phase(seconds: float) -> tuple[int, list[Path]]:
    """(executions, new crash files) of every atheris target within `seconds`."""
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("atheris is not installed (pip install atheris): its targets were not run")
        return 0, []
    from targets import TARGETS
    executions = 0
    crashes: list[Path] = []
    share = max(10, int(seconds / len(TARGETS)))
    for target in TARGETS:
        regressions = ROOT / "fuzz" / "regressions" / target
        regressions.mkdir(parents=True, exist_ok=True)
        before = set(regressions.iterdir())
        with tempfile.TemporaryDirectory() as corpus:
            seeds = ROOT / "fuzz" / "corpus" / target
            if seeds.is_dir():
                shutil.copytree(seeds, corpus, dirs_exist_ok=True)
            result = subprocess.run(
                [sys.executable, str(ROOT / "fuzz" / "fuzz_inputs.py"), target,
                 f"-max_total_time={share}", "-print_final_stats=1",
                 f"-artifact_prefix={regressions}/", corpus],
                cwd=ROOT, capture_output=True, text=True)
        runs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", result.stderr)
        executions += int(runs[-1]) if runs else 0
        new = sorted(set(regressions.iterdir()) - before)
        crashes += new
        print(f"atheris {target}: {runs[-1] if runs else '?'} executions in {share} s, "
              f"{len(new)} crash(es)", flush=True)
    return executions, crashes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--scale", type=int, default=20,
                        help="multiply each property test's examples by this")
    args = parser.parse_args()
    total = args.minutes * 60
    start = time.monotonic()
    rounds, examples, failed = hypothesis_phase(total / 2, args.scale)
    executions, crashes = atheris_phase(total - (time.monotonic() - start))
    minutes = (time.monotonic() - start) / 60
    print(f"campaign: {minutes:.1f} min; hypothesis {examples} examples in {rounds} round(s), "
          f"{failed} failing round(s) (saved in fuzz/hypothesis-examples/); atheris "
          f"{executions} executions, {len(crashes)} crash(es) (in fuzz/regressions/)")
    for path in crashes:
        print(f"  crash: {path.relative_to(ROOT)}")
    sys.exit(1 if failed or crashes else 0)


if __name__ == "__main__":
    main()
