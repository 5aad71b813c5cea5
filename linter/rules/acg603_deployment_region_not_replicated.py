"""A deployment is pinned to a version that is not replicated to its region.

## What it does
Fires on a VM or scale set pinned to a version (`…/versions/x.y.z`) when the
deployment's region is not among the version's target regions (compared
normalised). An unpinned reference with no version in its region is ACG307's.

## Why it matters
Azure can only create a VM from a replica in the VM's region: the
deployment fails (azure-compute-docs, azure-compute-gallery.md, replication).

## Example
A VM in eastus pinned to a version that targets westeurope only.

## Fix
Replicate the version: `az sig image-version update … --add
publishingProfile.targetRegions name=eastus`.

## Config
`rules.ACG603.enabled`, `rules.ACG603.level`, `reporting.group_over`.

## Related
ACG307.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..model import UNKNOWN
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG603", name="deployment-region-not-replicated", level="error",
                tags=("replication", "deployments", "correctness"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for dep in facts.deployments:
        vf = dep.version
        if not dep.pinned or vf is None or vf.regions is UNKNOWN:
            continue
        region = dep.deployment.location
        if not isinstance(region, str) or region in vf.regions:
            continue
        yield make_finding(rule, dep, f"pinned to version {vf.version.name}, which is not "
                           f"replicated to {region} (targets: {', '.join(sorted(vf.regions))})",
                           region=region, at=("location", "imageReference"),
                           properties={"version": vf.version.id,
                                       "targetRegions": sorted(vf.regions)})
