"""Replay the fuzzing seed corpus and every crash reproducer the campaigns found."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fuzz"))
from targets import TARGETS  # noqa: E402

CASES = sorted((target, path) for target in TARGETS
               for folder in ("corpus", "regressions")
               for path in (ROOT / "fuzz" / folder / target).glob("*") if path.is_file())


def test_there_is_something_to_replay():
    assert len(CASES) >= 10


@pytest.mark.parametrize("target,path", CASES, ids=lambda v: getattr(v, "name", v))
def test_replay(target, path):
    TARGETS[target](path.read_bytes())  # raises on anything but a result or a clean refusal
