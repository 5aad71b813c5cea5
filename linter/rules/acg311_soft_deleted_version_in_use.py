"""A deployment is pinned to a soft-deleted version.

## What it does
Fires on a VM or scale set pinned to a version (`…/versions/x.y.z`), or
whose `imageReference.exactVersion` names one, when that version is
soft-deleted: its record carries `imageState: SoftDeleted`, or the gallery's
soft-deleted listing (`Microsoft.Compute/galleries/softDeletedArtifactTypes/artifacts/versions`)
has an entry whose `properties.resourceArmId` is the version. `error` when
the version's consumption end (`consumptionEndTime`) is known and past;
`warning` otherwise, with the message giving the consumption end or saying
it is unknown. Inputs: live; templates and plans for pinned references,
resolved against live inventory in the same run.

## Why it matters
A soft-deleted version "is available for use only when a specific version
is requested" until its consumption end, after which it can no longer
create VMs or scale a scale set out (GalleryRP 2026-03-03,
`GalleryImageVersionState`, `consumptionEndTime`).

## Example
A scale set pinned to 1.2.0 while the listing shows 1.2.0 soft-deleted with
`"consumptionEndTime": "2026-04-20T09:12:28Z"`.

## Fix
Move the deployment to an active version, or restore the version from the
recycle bin before its consumption end.

## Config
`rules.ACG311.enabled`, `rules.ACG311.level`, `reporting.group_over`.

## Related
ACG801, ACG306.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding, utc_seconds
from .registry import RuleMeta

RULE = RuleMeta(id="ACG311", name="soft-deleted-version-in-use", level="error",
                tags=("lifecycle", "deployments", "reliability"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    now = facts.now
    for dep in facts.deployments:
        if dep.requested_version is None:
            continue
        if dep.version is not None and dep.version.soft_deleted:
            end, name = dep.version.consumption_end, dep.version.version.name
        elif dep.soft_deleted_entry is not None:
            end, name = dep.soft_deleted_entry.consumption_end, dep.soft_deleted_entry.name
        else:
            continue
        how = "pinned to" if dep.pinned else "built from (exactVersion)"
        if isinstance(end, datetime) and end < now:
            yield make_finding(rule, dep, f"{how} soft-deleted version {name}, whose consumption "
                               f"ended {utc_seconds(end)}: Azure no longer creates VMs or scales "
                               "out from it", at=("imageReference",),
                               properties={"consumptionEndTime": utc_seconds(end)})
        else:
            when = (f"until {utc_seconds(end)}" if isinstance(end, datetime)
                    else "until an unknown consumption end")
            yield make_finding(rule, dep, f"{how} soft-deleted version {name}, consumable only "
                               f"{when}", level="warning", at=("imageReference",),
                               properties={"consumptionEndTime": utc_seconds(end)
                                           if isinstance(end, datetime) else None})
