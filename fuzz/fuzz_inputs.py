"""Coverage-guided fuzzing of the input loaders and the template expression evaluator.

    pip install atheris
    python fuzz/fuzz_inputs.py loaders -atheris_runs=100000 <corpus copy of fuzz/corpus/loaders>
    python fuzz/fuzz_inputs.py expressions -atheris_runs=500000 <copy of fuzz/corpus/expressions>

Each input goes through the real pipeline (fuzz/targets.py: parse, recognise,
read, facts; or the expression evaluator). Allowed outcomes: a result, or an
InputError / ExpressionError (exit 2 material). Anything else is a crash:
atheris writes the input as crash-<hash>; copy it to fuzz/regressions/<target>/
and tests/test_fuzz_regressions.py replays it in `make test` from then on.
Pass a copy of the seed corpus: libFuzzer adds what it finds to that folder.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["linter"]):
    import linter.facts  # noqa: F401  (instrumented for coverage)
    import linter.sources.azure  # noqa: F401
    import linter.sources.expressions  # noqa: F401
    import linter.sources.files  # noqa: F401
    import linter.sources.plan  # noqa: F401
    import linter.sources.template  # noqa: F401

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from targets import TARGETS  # noqa: E402


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(TARGETS)}}} [libFuzzer options]")
    target = TARGETS[sys.argv.pop(1)]
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
