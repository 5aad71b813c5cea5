"""Too many VM application versions in one subscription and region.

## What it does
Counts application versions (`Microsoft.Compute/galleries/applications/versions`)
per subscription and region (the version's `location`; template or plan
application versions in the same run count too). Fires `error` above
`limits.app_versions` (300) and `warning` at or above `limits.warn_ratio`
(0.8) of it. One finding per subscription and region, located on
`/subscriptions/<id>` with the region set. Reading the documented limit as
per subscription and region is an inference (the docs say "per region").
Inputs: live.

## Why it matters
vm-applications.md: "Up to 300 versions per region: … you can have up to
300 application versions per region across all applications".

## Example
301 application versions in westeurope of one subscription.

## Fix
Delete old application versions.

## Config
`limits.app_versions` (300), `limits.warn_ratio` (0.8).

## Related
ACG203.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .count_limits import count_findings
from .registry import RuleMeta

RULE = RuleMeta(id="ACG905", name="app-version-count-limit", level="error",
                tags=("applications", "limits", "reliability"),
                config=("limits.app_versions", "limits.warn_ratio"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    limits = facts.settings.limits
    yield from count_findings(rule, facts.app_versions_per_region, limits.app_versions,
                              limits.warn_ratio, "application versions", "limits.app_versions")
