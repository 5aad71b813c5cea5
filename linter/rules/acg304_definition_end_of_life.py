"""A definition past its end of life still offers or serves versions.

## What it does
Fires on a definition whose `endOfLifeDate` is before now while some version
of it is still eligible for latest or used by a deployment.

## Why it matters
The definition's end of life says the whole image line is retired, yet
consumers of `latest` or pinned deployments still get it (end of life is
informational in Azure: azure-docs, shared-image-galleries.md).

## Example
Definition `"endOfLifeDate": "2025-12-31"` with an eligible version 1.2.0.

## Fix
Exclude its versions from latest and move deployments to the successor
definition.

## Config
`rules.ACG304.enabled`, `rules.ACG304.level`.

## Related
ACG301.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import date_text, make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG304", name="definition-end-of-life", level="warning",
                tags=("lifecycle",))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for df in facts.definitions:
        eol = df.definition.end_of_life
        if not isinstance(eol, datetime) or not eol < facts.now:
            continue
        eligible = [vf.version.name for vf in df.versions if vf.eligible]
        used = [vf.version.name for vf in df.versions if vf.used]
        if not eligible and not used:
            continue
        parts = []
        if eligible:
            parts.append(f"{len(eligible)} version(s) still eligible for latest")
        if used:
            parts.append(f"{len(used)} version(s) used by deployments")
        yield make_finding(rule, df, f"definition end of life {date_text(eol)} has passed, but "
                           f"{' and '.join(parts)}", at=("endOfLifeDate",),
                           properties={"eligible": eligible, "used": used})
