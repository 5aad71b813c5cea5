"""A deployment is pinned to a version that is not the latest in its region.

## What it does
Fires on a VM or scale set whose image reference is pinned (ends in
`/versions/x.y.z`) to a version that is not the latest in the deployment's
region, when that latest was published more than
`lifecycle.outdated_grace_days` (30) before now. No latest in the region:
quiet. `error` instead of `warning` when the pinned version is past its end
of life. More than `reporting.group_over` live deployments with the same
version and region are reported as one finding on the version.

## Why it matters
Pinned deployments never pick up rebuilt images: they miss every patch
published since, for as long as nobody edits the pin.

## Example
A scale set pinned to 1.0.0 in westeurope while 1.1.0, published 45 days
ago, is the latest there.

## Fix
Move the pin (`az vmss update … --set
virtualMachineProfile.storageProfile.imageReference.id=…/versions/1.1.0`) or
reference the definition without a version to follow latest.

## Config
`lifecycle.outdated_grace_days` (30), `reporting.group_over` (10).

## Related
ACG301, ACG305.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import date_text, days_between, make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG306", name="outdated-deployment", level="warning",
                tags=("lifecycle", "deployments"), config=("lifecycle.outdated_grace_days",))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    grace = facts.settings.lifecycle.outdated_grace_days
    now = facts.now
    for dep in facts.deployments:
        # v3: a version known only from the soft-deleted listing can be what a deployment
        # is pinned to; its end of life is then unknown, so never an error for it
        entry = dep.soft_deleted_entry if dep.version is None else None
        if not dep.pinned or (dep.version is None and entry is None) or dep.definition is None:
            continue
        region = dep.deployment.location
        if not isinstance(region, str):
            continue
        latest = dep.definition.latest_by_region.get(region)
        if latest is None or latest is dep.version:
            continue
        published = latest.version.published
        if not isinstance(published, datetime) or not days_between(now, published) > grace:
            continue
        name = dep.version.version.name if dep.version is not None else entry.name
        pinned_id = dep.version.version.id if dep.version is not None else entry.resource_arm_id
        eol = dep.version.end_of_life if dep.version is not None else None
        past_eol = isinstance(eol, datetime) and eol < now
        message = (f"pinned to {name}; the latest in {region} is "
                   f"{latest.version.name}, published {date_text(published)}")
        if past_eol:
            message += f", and {name} is past its end of life"
        yield make_finding(rule, dep, message, region=region,
                           level="error" if past_eol else None, at=("imageReference",),
                           properties={"pinned": pinned_id, "latest": latest.version.id})
