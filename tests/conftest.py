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

    from hypothesis.database import DirectoryBasedExampleDatabase, ReadOnlyDatabase

    # Failing examples a campaign finds are saved in fuzz/hypothesis-examples/ (kept in
    # git); every run of the suite replays them first, read-only.
    # Outside a campaign the seed is fixed (derandomize=True would rule the database out).
    _examples = DirectoryBasedExampleDatabase(str(ROOT / "fuzz" / "hypothesis-examples"))
    _hypothesis_settings.register_profile("deterministic", print_blob=True,
                                          database=ReadOnlyDatabase(_examples))
    _hypothesis_settings.register_profile("campaign", print_blob=True, database=_examples)
    if os.environ.get("GALLERYLINT_FUZZ_CAMPAIGN") == "1":
        _hypothesis_settings.load_profile("campaign")
    else:
        _hypothesis_settings.load_profile("deterministic")
        import hypothesis.core as _hypothesis_core
        _hypothesis_core.global_force_seed = 20261201  # what `pytest --hypothesis-seed` sets
except ImportError:  # hypothesis is a test dependency; without it those tests are skipped
    pass
