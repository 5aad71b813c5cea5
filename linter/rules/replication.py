"""Shared by the replication-against-deployments rules (ACG601, ACG602, ACG607)."""

from __future__ import annotations

import math
from typing import Iterator

from ..facts import Facts, RegionFacts, Usage, VersionFacts
from ..model import UNKNOWN


def used_target_regions(facts: Facts) -> Iterator[tuple[VersionFacts, RegionFacts, Usage]]:
    """(version, region, usage) for every target region where deployments use the
    version and its effective replicas are known; deployments elsewhere are ACG603's."""
    for vf in facts.versions:
        if not vf.usage or vf.regions is UNKNOWN:
            continue
        for name, usage in vf.usage.items():
            r = vf.regions.get(name)
            if r is None or r.replicas is UNKNOWN or not isinstance(r.replicas, int):
                continue
            yield vf, r, usage


def recommended_replicas(usage: Usage, facts: Facts) -> int:
    rep = facts.settings.replication
    return max(math.ceil(usage.vms / rep.vms_per_replica), usage.scale_sets,
               math.ceil(usage.scale_set_instances / rep.instances_per_replica))


def deployment_ids(usage: Usage, kind: str | None = None) -> list[str]:
    return [d.deployment.id for d in usage.deployments
            if kind is None or d.deployment.kind == kind]


