"""Regular expressions from the config (`naming.*`), run in linear time.

A config is written by whoever controls the repository's tree; Python's `re`
backtracks, so `^(a|a)*$` against a 35-character name runs for minutes. RE2
(google-re2) never backtracks: matching time is linear in the name's length.
RE2 has no backreferences or look-around; a pattern that needs them is refused
with the reason.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

MAX_PATTERN_CHARS = 1000


class PatternError(ValueError):
    pass


@lru_cache(maxsize=64)
def compile_pattern(pattern: str) -> Any:
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternError(f"it is {len(pattern):,} characters (at most {MAX_PATTERN_CHARS:,})")
    import re2
    options = re2.Options()
    options.max_mem = 8 << 20  # a compiled program of at most 8 MiB
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        # RE2's text is "<what>: <the part of the pattern>"; only the what is shown
        text = exc.args[0] if exc.args else b""
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        raise PatternError(text.split(":")[0].strip() or "RE2 cannot compile it") from None


def full_match(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).fullmatch(text) is not None
