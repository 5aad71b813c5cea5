"""Too few replicas for the scale sets deployed from a version in a region.

## What it does
For each version and target region, fires when the scale sets that use the
version there outnumber its effective replicas there, or their instances
(`sku.capacity` summed) exceed `replication.instances_per_replica` (600)
times the replicas.

## Why it matters
"For each scale set that you create concurrently, we recommend that you keep
one replica"; older guidance: one replica per 600 instances (azure-compute-docs,
azure-compute-gallery.md; azure-docs, shared-image-galleries include). Too few
replicas throttle scale-out.

## Example
Three scale sets in westeurope from a version with two replicas there.

## Fix
Raise the region's `regionalReplicaCount` to at least the recommended count.

## Config
`replication.instances_per_replica` (600).

## Related
ACG601, ACG607.
"""

from __future__ import annotations

import math
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding, replica_at
from .registry import RuleMeta
from .replication import deployment_ids, used_target_regions

RULE = RuleMeta(id="ACG602", name="replicas-for-scale-sets", level="warning",
                tags=("replication", "reliability"),
                config=("replication.instances_per_replica",))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    per_replica = facts.settings.replication.instances_per_replica
    for vf, r, usage in used_target_regions(facts):
        if not usage.scale_sets:
            continue
        reasons = []
        if usage.scale_sets > r.replicas:
            reasons.append(f"{usage.scale_sets} scale sets outnumber {r.replicas} replica(s)")
        if usage.scale_set_instances > per_replica * r.replicas:
            reasons.append(f"{usage.scale_set_instances} instances exceed {per_replica} per "
                           f"replica for {r.replicas} replica(s)")
        if reasons:
            recommended = max(usage.scale_sets,
                              math.ceil(usage.scale_set_instances / per_replica))
            yield make_finding(
                rule, vf, f"in {r.region}: {' and '.join(reasons)}; recommended {recommended} "
                "replicas", region=r.region, at=replica_at(r),
                properties={"scaleSets": usage.scale_sets,
                            "instances": usage.scale_set_instances, "replicas": r.replicas,
                            "recommendedReplicas": recommended,
                            "deployments": deployment_ids(usage, "vmss")})
