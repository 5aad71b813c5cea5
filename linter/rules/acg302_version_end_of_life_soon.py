"""A version reaches its end of life soon.

## What it does
Fires when a version's end of life (its own, else its definition's) is within
`lifecycle.eol_warning_days` (30) after now: `0 <= eol - now <= 30 x 24 h`.

## Why it matters
Teams need time to build and roll out a replacement before the image falls
out of support (see ACG301).

## Example
`"endOfLifeDate"` ten days from now.

## Fix
Publish the successor and move deployments to it before the date.

## Config
`lifecycle.eol_warning_days` (30).

## Related
ACG301.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import DAY, date_text, make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG302", name="version-end-of-life-soon", level="warning",
                tags=("lifecycle",), config=("lifecycle.eol_warning_days",))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    window = facts.settings.lifecycle.eol_warning_days * DAY
    now = facts.now
    for vf in facts.versions:
        eol = vf.end_of_life
        if not isinstance(eol, datetime):
            continue
        ahead = (eol - now).total_seconds()
        if 0 <= ahead <= window:
            yield make_finding(
                rule, vf, f"end of life {date_text(eol)} is {ahead / DAY:.1f} days away "
                f"(within {facts.settings.lifecycle.eol_warning_days:g})",
                at=("endOfLifeDate",) if vf.version.end_of_life is not None else (),
                properties={"endOfLife": eol.isoformat()})
