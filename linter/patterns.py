"""Regular expressions from the config (`naming.*`), with a bound on their time.

A config is written by whoever controls the repository's tree, and Python's `re`
backtracks: `^(a|a)*$` against a 35-character name runs for minutes. The
matching of every name against a pattern therefore runs in one isolated child
(linter/engines/isolation.py) with a time limit; a pattern that does not finish
is exit 2 naming the key. Patterns are at most 1,000 characters.

(A linear-time engine, google-re2, was tried first: loaded in the same process as
regopy, whose allocator replaces the C++ one, re2 aborted in `free()`.)
"""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence

from .errors import EngineError, InputError

MAX_PATTERN_CHARS = 1000
MATCH_SECONDS = 10.0


class PatternError(ValueError):
    pass


def check_pattern(pattern: str) -> None:
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternError(f"it is {len(pattern):,} characters (at most {MAX_PATTERN_CHARS:,})")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise PatternError(exc.msg) from None  # the message, never the pattern's text


def _match_all(pattern: str, names: list[str]) -> list[bool]:
    compiled = re.compile(pattern)
    return [compiled.fullmatch(name) is not None for name in names]


def _bounded(key: str, function: Callable[..., list[Any]], pattern: str,
             names: Sequence[str]) -> list[Any]:
    """function(pattern, names) in the isolated child, within MATCH_SECONDS."""
    if not names:
        return []
    from .engines.isolation import run_isolated
    try:
        return run_isolated(function, (pattern, list(names)), MATCH_SECONDS, key)
    except EngineError:
        raise InputError(None, f"{key}: matching the names took more than {MATCH_SECONDS:g} s "
                         "(a pattern that backtracks: nested or overlapping repetition)",
                         hint=f"simplify {key}, e.g. no (a|a)* or (a+)+") from None


def full_matches(key: str, pattern: str, names: Sequence[str]) -> list[bool]:
    """Whether each name matches the whole pattern, computed within MATCH_SECONDS."""
    return _bounded(key, _match_all, pattern, names)


def _remove_first(pattern: str, names: list[str]) -> list[str]:
    compiled = re.compile(pattern)
    return [compiled.sub("", name, count=1) for name in names]


def first_match_removed(key: str, pattern: str, names: Sequence[str]) -> list[str]:
    """Each name with the first match of the pattern removed, within MATCH_SECONDS."""
    return _bounded(key, _remove_first, pattern, names)
