"""Too many replicas of one version, in a region or in total.

## What it does
For each version, the effective replicas in each target region (the
region's `regionalReplicaCount`, else `publishingProfile.replicaCount`, else
1, plus every `additionalReplicaSets[].regionalReplicaCount`) against
`limits.replicas_per_region` (50), and their sum over the regions against
`limits.replicas_per_version` (100). `error` above a limit, `warning` at or
above `limits.warn_ratio` of it. Located on the version; the region is set
for the per-region limit and null for the total.

v3: also judges planned versions (what an Image Builder distributor or a Packer build
will publish), with the replicas they ask for.

## Why it matters
"You can have a maximum of 50 replicas per region" and 100 replicas per
image version (azure-compute-docs, azure-compute-gallery.md, Limits and Best
practices). A template asking for more fails.

## Example
`"targetRegions": [{"name": "westeurope", "regionalReplicaCount": 60}]`.

## Fix
Lower `regionalReplicaCount`
(`az sig image-version update … --target-regions westeurope=40`).

## Config
`limits.replicas_per_region` (50), `limits.replicas_per_version` (100),
`limits.warn_ratio` (0.8).

## Related
ACG601, ACG607.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..model import UNKNOWN
from .base import make_finding, replica_at
from .limits import limit_level
from .registry import RuleMeta

RULE = RuleMeta(id="ACG204", name="replica-count-limit", level="error",
                tags=("limits", "replication"),
                config=("limits.replicas_per_region", "limits.replicas_per_version",
                        "limits.warn_ratio"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    limits = facts.settings.limits
    for vf in (*facts.versions, *facts.planned):  # v3: planned versions too
        if vf.regions is UNKNOWN:
            continue
        for name, r in vf.regions.items():
            if r.replicas is UNKNOWN:
                continue
            level = limit_level(r.replicas, limits.replicas_per_region, limits.warn_ratio)
            if level:
                yield make_finding(
                    rule, vf, f"{r.replicas} replicas in {name}: "
                    f"{'above' if level == 'error' else 'near'} the limit of "
                    f"{limits.replicas_per_region} per region", region=name, level=level,
                    at=replica_at(r),
                    properties={"replicas": r.replicas, "limit": limits.replicas_per_region})
        total = vf.total_replicas
        if total is UNKNOWN:
            continue
        level = limit_level(total, limits.replicas_per_version, limits.warn_ratio)
        if level:
            yield make_finding(
                rule, vf, f"{total} replicas over {len(vf.regions)} regions: "
                f"{'above' if level == 'error' else 'near'} the limit of "
                f"{limits.replicas_per_version} per version", level=level,
                at=("targetRegions",),
                properties={"replicas": total, "limit": limits.replicas_per_version})
