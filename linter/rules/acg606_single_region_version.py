"""A version that deployments use is replicated to one region only.

## What it does
Fires (`note`) on a version used by at least one deployment that has exactly
one target region.

## Why it matters
With one region, a regional outage leaves nothing to deploy or scale from;
"replicate images to at least one other region" (APRL b14ee8ed).

## Example
`"targetRegions": [{"name": "westeurope"}]` with VMs using the version.

## Fix
`az sig image-version update … --add publishingProfile.targetRegions name=northeurope`.

## Config
`rules.ACG606.enabled`, `rules.ACG606.level`.

## Related
APRL b14ee8ed.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..model import UNKNOWN
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG606", name="single-region-version", level="note",
                tags=("replication", "reliability"), related=("APRL b14ee8ed",))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for vf in facts.versions:
        if vf.used and vf.regions is not UNKNOWN and len(vf.regions) == 1:
            (only,) = vf.regions
            yield make_finding(rule, vf, f"used by deployments but replicated only to {only}",
                               at=("targetRegions",), properties={"region": only})
