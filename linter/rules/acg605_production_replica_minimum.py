"""A production version has fewer than three replicas in a region.

## What it does
For a version in a production gallery (its name or ID matches
`environments.production_galleries`, or its `environment` tag is one of
`environments.production_tag_values`, default prod/production), fires per
target region with fewer than `replication.production_min_replicas` (3)
effective replicas.

v3: also judges planned versions that publish into a production gallery.

## Why it matters
"Keep a minimum of three replicas for production images" (azure-compute-docs,
azure-compute-gallery.md, Best practices): fewer replicas throttle scale-out
and leave no slack when one is unavailable.

## Example
A version in gallery `acg_prod` (tag environment=prod) with one replica in
westeurope.

## Fix
`az sig image-version update … --target-regions westeurope=3`.

## Config
`replication.production_min_replicas` (3), `environments.*`.

## Related
APRL b49a39fd.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..model import UNKNOWN
from .base import make_finding, replica_at
from .registry import RuleMeta

RULE = RuleMeta(id="ACG605", name="production-replica-minimum", level="warning",
                tags=("replication", "reliability"), related=("APRL b49a39fd",),
                config=("replication.production_min_replicas",
                        "environments.production_galleries", "environments.production_tag_values"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    minimum = facts.settings.replication.production_min_replicas
    for vf in (*facts.versions, *facts.planned):
        if not vf.production or vf.regions is UNKNOWN:
            continue
        for name, r in vf.regions.items():
            if isinstance(r.replicas, int) and r.replicas < minimum:
                yield make_finding(rule, vf, f"production version has {r.replicas} replica(s) "
                                   f"in {name}, fewer than {minimum}", region=name,
                                   at=replica_at(r),
                                   properties={"replicas": r.replicas, "minimum": minimum})
