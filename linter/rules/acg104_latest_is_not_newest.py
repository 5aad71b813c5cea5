"""The definition's latest version was published before another eligible version.

## What it does
Fires on a definition when its latest (the highest eligible version, by
Major, Minor, Patch as numbers) has a `publishedDate` before that of another
version of the same definition that is also eligible for latest.

## Why it matters
`latest` is the highest version number, not the newest build (azure-docs,
shared-image-galleries.md). A hotfix published as 1.0.5 after 2.0.0 exists is
never handed to consumers of `latest`: they keep getting 2.0.0.

## Example
2.0.0 published 2026-01-01 and 1.0.5 published 2026-03-01, both eligible.

## Fix
Publish the fix under a number above the latest (`2.0.1`), or exclude the
stale one: `az sig image-version update … --set publishingProfile.excludeFromLatest=true`.

## Config
`rules.ACG104.enabled`, `rules.ACG104.level`.

## Related
ACG305.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding, utc_seconds
from .registry import RuleMeta

RULE = RuleMeta(id="ACG104", name="latest-is-not-newest", level="warning",
                tags=("versions", "lifecycle"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for df in facts.definitions:
        latest = df.latest
        if latest is None or not isinstance(latest.version.published, datetime):
            continue
        # v3: compared to the whole second (two versions published within one second
        # are not "before" each other)
        latest_at = latest.version.published.replace(microsecond=0)
        newer = [vf for vf in df.versions
                 if vf is not latest and vf.eligible
                 and isinstance(vf.version.published, datetime)
                 and vf.version.published.replace(microsecond=0) > latest_at]
        if not newer:
            continue
        newest = max(newer, key=lambda vf: vf.version.published)
        yield make_finding(
            rule, df,
            f"latest version {latest.version.name} (published "
            f"{utc_seconds(latest.version.published)}) is older than eligible version "
            f"{newest.version.name} (published {utc_seconds(newest.version.published)}): "
            f"consumers of latest get {latest.version.name}",
            properties={"latest": latest.version.id,
                        "newer": [vf.version.id for vf in newer]})
