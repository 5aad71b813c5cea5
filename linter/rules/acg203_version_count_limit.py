"""Too many image versions in one subscription and region.

## What it does
Counts image versions per subscription and region (the resource's
`location`). Fires `error` when the count is above `limits.versions`, and
`warning` when it is at or above `limits.warn_ratio` (0.8) times the limit (default 10,000)
but not above it. One finding per subscription and region, located on
`/subscriptions/<id>` with the region set.

## Why it matters
Azure limits versions per subscription and region (azure-compute-docs,
azure-compute-gallery.md, "Limits"; azure-subscription-service-limits.md);
creating one more fails until a support request raises the limit.

## Example
8,500 versions in one subscription's westeurope with the default limit.

## Fix
Delete unused versions (`az sig ... delete`), spread across regions or
subscriptions, or ask Azure support for a higher limit and set
`limits.versions` to it.

## Config
`limits.versions`, `limits.warn_ratio` (0.8).

## Related
ACG201 to ACG204.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .count_limits import count_findings
from .registry import RuleMeta

RULE = RuleMeta(id="ACG203", name="version-count-limit", level="error",
                tags=("limits", "reliability"), config=("limits.versions", "limits.warn_ratio"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    limits = facts.settings.limits
    yield from count_findings(rule, facts.versions_per_region, limits.versions, limits.warn_ratio,
                              "versions", "limits.versions")
