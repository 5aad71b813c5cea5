"""A version's replication settings are ones Azure rejects.

## What it does
For an image version or an application version: (a) two
`publishingProfile.targetRegions[].name` are the same region after
normalising ("West US" and "westus"); (b) an image version sets both
`publishingProfile.storageAccountType` and
`publishingProfile.storageAccountStrategy`; (c) a target region listed in
`storage.regions_without_zones` whose `storageAccountType`, else
`publishingProfile.storageAccountType`, is `Standard_ZRS` (a
`PreferStandard_ZRS` strategy falls back to LRS there and is not judged).
One finding per version, naming each part. Inputs: live, templates, plans;
(b) in practice only templates and plans (Azure's GET omits the global type
when a strategy is used).

v3: also judges planned versions ((a) and (c); they have no storageAccountStrategy).

## Why it matters
Azure refuses each: "Duplicate regions are not allowed in target publishing
regions", "Cannot be specified along with storageAccountStrategy", "ZRS
storage account type is not supported in this region"
(troubleshooting-shared-images.md; GalleryRP 2026-03-03).

## Example
`"targetRegions": [{"name": "West Europe"}, {"name": "westeurope"}]`.

## Fix
List each region once; set either a storage type or a strategy; use
`Standard_LRS` (or the `PreferStandard_ZRS` strategy) in regions without
zones.

## Config
`storage.regions_without_zones` (default: none).

## Related
ACG402, ACG604.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..names import region
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG608", name="replication-config-invalid", level="error",
                tags=("replication", "correctness"), config=("storage.regions_without_zones",))


def _parts(v: Any, no_zones: set[str], image: bool) -> list[str]:
    parts = []
    regions = v.target_regions if isinstance(v.target_regions, tuple) else ()
    seen: set[str] = set()
    dupes = []
    for tr in regions:
        if not isinstance(tr.name, str):
            continue
        if tr.name in seen and tr.name not in dupes:
            dupes.append(tr.name)
        seen.add(tr.name)
    if dupes:
        parts.append(f"(a) target region(s) listed more than once: {', '.join(dupes)}")
    if image and isinstance(v.storage_account_type, str) and \
            isinstance(v.storage_account_strategy, str):
        parts.append(f"(b) both storageAccountType ({v.storage_account_type}) and "
                     f"storageAccountStrategy ({v.storage_account_strategy}) are set")
    zrs = []
    for tr in regions:
        if not isinstance(tr.name, str) or tr.name not in no_zones:
            continue
        storage = tr.storage_account_type if tr.storage_account_type is not None \
            else v.storage_account_type
        if isinstance(storage, str) and storage.lower() == "standard_zrs":
            zrs.append(tr.name)
    if zrs:
        parts.append(f"(c) Standard_ZRS in region(s) without zones: {', '.join(zrs)}")
    return parts


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    no_zones = {region(r) for r in facts.settings.storage.regions_without_zones}
    for subjects, image in (((*facts.versions, *facts.planned), True),
                            (facts.app_versions, False)):
        for vf in subjects:
            parts = _parts(vf.version, no_zones, image)
            if parts:
                yield make_finding(rule, vf, "; ".join(parts), at=("targetRegions",),
                                   properties={"parts": parts})
