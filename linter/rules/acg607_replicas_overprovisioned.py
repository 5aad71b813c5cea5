"""A version keeps far more replicas in a region than its deployments need.

## What it does
For each version and target region where deployments use it, computes
recommended = max(ceil(VMs / `replication.vms_per_replica`), scale sets,
ceil(scale-set instances / `replication.instances_per_replica`)) and fires
(`note`) when the effective replicas there exceed both 3 and twice the
recommended count.

## Why it matters
Each replica is billed as a snapshot in its storage type; replicas beyond
what creation needs cost money without making anything faster
(azure-compute-docs, azure-compute-gallery.md, Billing).

## Example
Ten replicas in westeurope for two VMs.

## Fix
`az sig image-version update … --target-regions westeurope=<recommended, at least 3>`.

## Config
`replication.vms_per_replica` (20), `replication.instances_per_replica` (600).

## Related
ACG601, ACG602.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding, replica_at
from .registry import RuleMeta
from .replication import recommended_replicas, used_target_regions

RULE = RuleMeta(id="ACG607", name="replicas-overprovisioned", level="note",
                tags=("replication", "cost"),
                config=("replication.vms_per_replica", "replication.instances_per_replica"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for vf, r, usage in used_target_regions(facts):
        recommended = recommended_replicas(usage, facts)
        if r.replicas > 3 and r.replicas > 2 * recommended:
            yield make_finding(
                rule, vf, f"{r.replicas} replicas in {r.region} for {usage.vms} VM(s) and "
                f"{usage.scale_sets} scale set(s) ({usage.scale_set_instances} instances): "
                f"recommended {recommended}", region=r.region, at=replica_at(r),
                properties={"replicas": r.replicas, "recommendedReplicas": recommended})
