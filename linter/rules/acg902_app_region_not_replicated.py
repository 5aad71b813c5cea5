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
    by_app: dict[str, list[Any]] = {}
    for avf in facts.app_versions:
        by_app.setdefault(avf.version.definition_id.lower(), []).append(avf)

    def failing(ad: Any, ef: Any) -> str | None:
        region = ad.deployment.location
        if ef.version is None and isinstance(region, str):
            return _no_latest(ef, region, by_app)
        if ef.version is None or ef.version.regions is UNKNOWN or not isinstance(region, str):
            return None
        if region in ef.version.regions:
            return None
        return (f"application version {ef.version.version.name} is not replicated to {region} "
                f"(targets: {', '.join(sorted(ef.version.regions)) or 'none'})")

    yield from app_findings(facts, rule, failing)


def _no_latest(ef: Any, region: str, by_app: dict[str, list[Any]]) -> str | None:
    """v3: an entry ending in `latest` whose application, or a version of it, is in the
    run, but no version of it resolves as latest in the deployment's region."""
    rid = ef.entry.package_reference_id
    key = getattr(ef, "application_key", None)
    if not isinstance(rid, str) or key is None or \
            rid.rstrip("/").rsplit("/", 1)[-1].lower() != "latest":
        return None
    versions = by_app.get(key, [])
    if ef.application is None and not versions:
        return None  # nothing of that application is in the run: unknown
    if any(v.regions is UNKNOWN for v in versions):
        return None
    name = key.rsplit("/", 1)[-1]
    return (f"no version of application {name} resolves as latest in {region} (none is "
            "replicated there and eligible)")
