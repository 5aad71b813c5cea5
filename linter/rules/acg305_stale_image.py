"""The definition's latest version is old: nobody has rebuilt it with current patches.

## What it does
Fires on a definition whose latest (highest eligible version) was published
more than `lifecycle.max_image_age_days` (90) before now
(`now - publishedDate > 90 x 24 h`). Quiet when the date is unknown.

## Why it matters
An image is a snapshot of its patches: every day after the build, new VMs
start further behind and patch themselves at first boot, if at all.

## Example
Latest 3.1.0 published 120 days ago.

## Fix
Rebuild and publish (Azure Image Builder, Packer) on a schedule shorter than
the threshold.

## Config
`lifecycle.max_image_age_days` (90).

## Related
ACG104, ACG306.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import date_text, days_between, make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG305", name="stale-image", level="warning", tags=("lifecycle", "patching"),
                config=("lifecycle.max_image_age_days",))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    limit = facts.settings.lifecycle.max_image_age_days
    for df in facts.definitions:
        latest = df.latest
        if latest is None or not isinstance(latest.version.published, datetime):
            continue
        age = days_between(facts.now, latest.version.published)
        if age > limit:
            yield make_finding(
                rule, df, f"latest version {latest.version.name} was published "
                f"{date_text(latest.version.published)}, {age:.0f} days ago (more than {limit:g})",
                properties={"latest": latest.version.id, "ageDays": round(age, 1)})
