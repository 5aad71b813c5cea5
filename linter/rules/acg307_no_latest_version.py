"""A deployment follows latest but there is no latest for it.

## What it does
Fires on a deployment that references a definition without a version (or
with `latest`) when the definition has no latest in the deployment's region
(no valid version targets the region without being excluded from latest).
Also fires on a definition in a gallery shared by `Groups` or `Community`
that has versions but none eligible for latest.

## Why it matters
Azure resolves `latest` per region; with nothing eligible there, VM and scale
set creation and scale-out fail. Consumers of a shared gallery can only use
`latest` of what is eligible.

## Example
A VM in eastus referencing `…/images/ubuntu` whose only version targets
westeurope.

## Fix
Replicate a version to the region (`az sig image-version update …
--add publishingProfile.targetRegions name=eastus`) or clear its
exclude-from-latest flag.

## Config
`rules.ACG307.enabled`, `rules.ACG307.level`, `reporting.group_over`.

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

RULE = RuleMeta(id="ACG307", name="no-latest-version", level="error",
                tags=("versions", "deployments", "reliability"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for dep in facts.deployments:
        if dep.no_latest:
            region = dep.deployment.location
            yield make_finding(rule, dep, f"references {dep.definition.definition.name} "  # type: ignore[union-attr]
                               f"without a version, and no version of it is the latest in "
                               f"{region}", region=region, at=("imageReference",))
    for df in facts.definitions:
        gallery = df.gallery
        if gallery is None or gallery.permissions not in ("groups", "community"):
            continue
        if any(vf.regions is UNKNOWN or any(r.excluded is UNKNOWN for r in vf.regions.values())
               for vf in df.versions):
            continue  # eligibility unknown
        # v3: a version known only from the soft-deleted listing counts as a version
        count = len(df.versions) + len(df.soft_deleted_by_name)
        if count and not any(vf.eligible for vf in df.versions):
            yield make_finding(rule, df, f"gallery shared by {gallery.permissions} offers "
                               f"{count} version(s) of this definition, but none is "
                               "eligible for latest")
