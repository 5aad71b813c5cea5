import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Property tests are derandomized (a fixed seed per test) unless a fuzz campaign asks for
# random examples: CI and a fresh clone's `make test` see the same examples every run, and
# an example that once failed stays in the suite (tests/test_fuzz_regressions.py).
try:
    import os

    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("deterministic", derandomize=True,
                                          print_blob=True)
    _hypothesis_settings.register_profile("campaign", derandomize=False, print_blob=True)
    _hypothesis_settings.load_profile(
        "campaign" if os.environ.get("GALLERYLINT_FUZZ_CAMPAIGN") == "1" else "deterministic")
except ImportError:  # hypothesis is a test dependency; without it those tests are skipped
    pass
