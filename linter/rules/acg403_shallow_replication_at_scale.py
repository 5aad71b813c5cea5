"""A shallow-replicated version serves many instances or production.

## What it does
Fires on each deployment of a version with `replicationMode: Shallow` when
the version is used by more than `storage.shallow_max_instances` (20)
instances in total (VMs count 1, scale sets their `sku.capacity`; VMs of a
Flexible scale set count through the scale set), or, for that deployment
alone, when the deployment is production (its `environment` tag, or its
gallery, is production).

## Why it matters
Shallow replication skips the full copy to speed up publishing; it is meant
for dev and test, not for scale (azure-rest-api-specs,
GalleryImageVersion_Create_WithShallowReplicationMode.json; azure-compute-docs,
azure-compute-gallery.md).

## Example
A scale set of 50 instances from a version with
`"replicationMode": "Shallow"`.

## Fix
Publish the image again with Full replication (the mode cannot be updated)
and move deployments to it.

## Config
`storage.shallow_max_instances` (20), `environments.*`.

## Related
ACG205.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG403", name="shallow-replication-at-scale", level="warning",
                tags=("storage", "reliability", "deployments"),
                config=("storage.shallow_max_instances", "environments.production_galleries",
                        "environments.production_tag_values"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    limit = facts.settings.storage.shallow_max_instances
    totals: dict[int, int] = {}
    for dep in facts.deployments:
        vf = dep.version
        if vf is None or vf.version.replication_mode != "shallow":
            continue
        key = id(vf)
        if key not in totals:
            totals[key] = vf.total_instances
        total = totals[key]
        reasons = []
        if total > limit:
            reasons.append(f"the version serves {total} instances (more than {limit})")
        if dep.production:
            reasons.append("the deployment is production")
        if reasons:
            yield make_finding(rule, dep, f"uses shallow-replicated version "
                               f"{vf.version.name}, and {' and '.join(reasons)}",
                               region=dep.deployment.location if isinstance(
                                   dep.deployment.location, str) else None,
                               at=("imageReference",),
                               properties={"instances": total, "production": dep.production})
