"""Too few replicas for the VMs deployed from a version in a region.

## What it does
For each version and target region, counts the VMs (not scale sets) that use
the version there (pinned, `exactVersion` or resolved `latest`; VMs of a
Flexible scale set in the input count through the scale set). Fires when VMs
divided by the effective replicas there exceed
`replication.vms_per_replica` (20). The message gives the recommended count,
ceil(VMs / 20). Only deployments in the version's target regions count.

## Why it matters
"For every 20 VMs that you create concurrently, we recommend you keep one
replica" (azure-compute-docs, azure-compute-gallery.md, Best practices; the
same page's Scaling section says 50, hence the setting). Too few replicas
throttle VM creation and slow scale-out.

## Example
21 VMs in westeurope from a version with one replica there.

## Fix
`az sig image-version update … --target-regions westeurope=<recommended>`.

## Config
`replication.vms_per_replica` (20).

## Related
APRL b3c3ba1d; ACG602, ACG607.
"""

from __future__ import annotations

import math
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding, replica_at
from .registry import RuleMeta
from .replication import deployment_ids, used_target_regions

RULE = RuleMeta(id="ACG601", name="replicas-for-vms", level="warning",
                tags=("replication", "reliability"), related=("APRL b3c3ba1d",),
                config=("replication.vms_per_replica",))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    per_replica = facts.settings.replication.vms_per_replica
    for vf, r, usage in used_target_regions(facts):
        if usage.vms > per_replica * r.replicas:
            recommended = math.ceil(usage.vms / per_replica)
            yield make_finding(
                rule, vf, f"{usage.vms} VMs use this version in {r.region} with "
                f"{r.replicas} replica(s): more than {per_replica} per replica; recommended "
                f"{recommended} replicas", region=r.region, at=replica_at(r),
                properties={"vms": usage.vms, "replicas": r.replicas,
                            "recommendedReplicas": recommended,
                            "deployments": deployment_ids(usage, "vm")})
