"""A gallery resource failed to provision, or a gallery's sharing failed.

## What it does
Fires when `properties.provisioningState` is `Failed` on a gallery, an
image definition, an image version or an application version; or when a
gallery's `properties.sharingStatus.aggregatedState` is `Failed`, or any of
its `sharingStatus.summary[].state` is `Failed` (the message names those
regions and their `details`). One finding per resource. Replication
failures are ACG308's. Inputs: live only (read-only fields).

## Why it matters
A failed resource is not usable, and in a gallery with soft delete a failed
version cannot be deleted (soft-delete.md, preview). A failed share leaves
consumers without access they are counting on (GalleryRP 2026-03-03,
`GalleryProvisioningState`, `SharingStatus`).

## Example
`"provisioningState": "Failed"` on an image version.

## Fix
Look at the resource's activity log, fix the cause and update or recreate
the resource; re-run the share action for a failed share.

## Config
`rules.ACG312.enabled`, `rules.ACG312.level`.

## Related
ACG308.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..names import region
from ..sources.azure import ci
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG312", name="provisioning-failed", level="error",
                tags=("reliability",))


def _failed(value: Any) -> bool:
    return isinstance(value, str) and value.lower() == "failed"


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for g in facts.galleries:
        parts = []
        if _failed(ci(g.properties, "provisioningState")):
            parts.append("provisioningState is Failed")
        status = ci(g.properties, "sharingStatus")
        failed_regions = []
        for s in ci(status, "summary") or []:
            if isinstance(s, dict) and _failed(ci(s, "state")):
                details = ci(s, "details")
                name = region(ci(s, "region")) if isinstance(ci(s, "region"), str) else "?"
                failed_regions.append(f"{name}" + (f" ({details})" if isinstance(details, str)
                                                   and details else ""))
        if _failed(ci(status, "aggregatedState")) or failed_regions:
            parts.append("sharing failed" + (f" in {', '.join(failed_regions)}"
                                              if failed_regions else
                                              " (sharingStatus.aggregatedState is Failed)"))
        if parts:
            yield make_finding(rule, g, "; ".join(parts), properties={"failedSharingRegions":
                                                                      failed_regions})
    for df in facts.definitions:
        if _failed(df.definition.provisioning_state):
            yield make_finding(rule, df, "image definition provisioningState is Failed")
    for vf in facts.versions:
        if _failed(vf.version.provisioning_state):
            yield make_finding(rule, vf, "image version provisioningState is Failed")
    for avf in facts.app_versions:
        if _failed(avf.version.provisioning_state):
            yield make_finding(rule, avf, "application version provisioningState is Failed")
