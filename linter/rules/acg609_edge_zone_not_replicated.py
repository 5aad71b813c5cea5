"""A deployment in an edge zone is pinned to a version not replicated there.

## What it does
Fires on a VM or scale set with `extendedLocation.type` `EdgeZone` pinned to
a version (`…/versions/x.y.z`) whose
`publishingProfile.targetExtendedLocations[].extendedLocation.name` values
do not include the deployment's `extendedLocation.name` (compared
case-insensitively): the edge-zone analogue of ACG603. Inputs: live,
templates, plans (Terraform `edge_zone`, not verified against the provider).

## Why it matters
Azure can only create a VM in an edge zone from a replica there (GalleryRP
2026-03-03, `GalleryTargetExtendedLocation`).

## Example
A VM with `"extendedLocation": {"type": "EdgeZone", "name": "losangeles"}`
pinned to a version without `targetExtendedLocations`.

## Fix
Add the edge zone to the version's `targetExtendedLocations`.

## Config
`rules.ACG609.enabled`, `rules.ACG609.level`, `reporting.group_over`.

## Related
ACG603.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..model import UNKNOWN
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG609", name="edge-zone-not-replicated", level="error",
                tags=("replication", "deployments", "correctness"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for dep in facts.deployments:
        ext = dep.deployment.extended_location
        if not isinstance(ext, tuple) or ext[0] != "edgezone" or not isinstance(ext[1], str):
            continue
        vf = dep.version
        if not dep.pinned or vf is None or UNKNOWN in vf.version.edge_zones:
            continue
        zones = vf.version.edge_zones
        if ext[1] in zones:
            continue
        yield make_finding(rule, dep, f"in edge zone {ext[1]}, pinned to version "
                           f"{vf.version.name}, which is not replicated there (edge zones: "
                           f"{', '.join(zones) or 'none'})", at=("extendedLocation",),
                           properties={"edgeZone": ext[1], "targetEdgeZones": list(zones)})
