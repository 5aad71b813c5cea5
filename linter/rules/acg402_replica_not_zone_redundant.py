"""A replica in a zone-redundant region is not stored zone-redundantly.

## What it does
For each version and each of its target regions listed in
`storage.zone_redundant_regions`, fires when the effective storage type (the
region's `storageAccountType`, else `publishingProfile.storageAccountType`,
else `Standard_ZRS` under `storageAccountStrategy: PreferStandard_ZRS`, else
`Standard_LRS`; `Standard_ZRS` for a resource declared with API 2025-03-03 or
later that says neither) is not a `*_ZRS` type. Additional replica sets are
not judged. Off until the config lists regions.

v3: also judges planned versions, with the storage type each target region gets.

## Why it matters
An LRS replica lives in one datacenter: a zone outage takes it away and VM
creation in the region falls back to other replicas or fails. "Use ZRS
wherever available for high availability" (APRL 488dcc8b).

## Example
`"targetRegions": [{"name": "westeurope", "storageAccountType": "Standard_LRS"}]`
with `storage.zone_redundant_regions: [westeurope]`.

## Fix
`az sig image-version update … --target-regions westeurope=2=standard_zrs`.

## Config
`storage.zone_redundant_regions` (default: none).

## Related
APRL 488dcc8b.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..model import UNKNOWN
from ..names import region as normalise_region
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG402", name="replica-not-zone-redundant", level="warning",
                tags=("storage", "reliability"), related=("APRL 488dcc8b",),
                config=("storage.zone_redundant_regions",))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    zrs_regions = {normalise_region(r) for r in facts.settings.storage.zone_redundant_regions}
    if not zrs_regions:
        return
    for vf in (*facts.versions, *facts.planned):  # v3: planned versions too
        if vf.regions is UNKNOWN:
            continue
        for name, r in vf.regions.items():
            if name not in zrs_regions or not isinstance(r.storage_type, str):
                continue
            if not r.storage_type.lower().endswith("_zrs"):
                at = (f"targetRegions[{r.index}].storageAccountType", "storageAccountType") \
                    if r.index is not None else ("storageAccountType",)
                yield make_finding(rule, vf, f"replicas in {name} use {r.storage_type}, not a "
                                   "zone-redundant (_ZRS) type", region=name, at=at,
                                   properties={"storageAccountType": r.storage_type})
