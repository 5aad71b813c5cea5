"""A VM or scale set installs a VM application version not replicated to its region.

## What it does
Fires when an entry of the deployment's `galleryApplications[]` resolves to
an application version (as in ACG901) none of whose target regions
(`publishingProfile.targetRegions[].name`; none: its own `location`) is the
deployment's region, compared normalised. One finding per deployment naming
each entry. Inputs: live, templates, plans.

## Why it matters
"The gallery application version exists, but it wasn't replicated to this
region": "Before you deploy an application to a VM, the version must be
replicated to the VM's region" (vm-applications.md).

## Example
A VM in eastus referencing an application version that targets westeurope
only.

## Fix
Add the region to the application version's target regions.

## Config
`rules.ACG902.enabled`, `rules.ACG902.level`, `reporting.group_over`.

## Related
ACG603, ACG901.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..model import UNKNOWN
from .apps import app_findings
from .registry import RuleMeta

RULE = RuleMeta(id="ACG902", name="app-region-not-replicated", level="error",
                tags=("applications", "replication", "correctness"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    def failing(ad: Any, ef: Any) -> str | None:
        region = ad.deployment.location
        if ef.version is None or ef.version.regions is UNKNOWN or not isinstance(region, str):
            return None
        if region in ef.version.regions:
            return None
        return (f"application version {ef.version.version.name} is not replicated to {region} "
                f"(targets: {', '.join(sorted(ef.version.regions)) or 'none'})")

    yield from app_findings(facts, rule, failing)
