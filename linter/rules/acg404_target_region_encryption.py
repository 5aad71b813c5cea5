"""A version's encryption differs between its target regions in ways Azure rejects.

## What it does
Compares a version's `publishingProfile.targetRegions[]`: (a) some target
region has `encryption.osDiskImage.diskEncryptionSetId` and another has
none; (b) some data-disk LUN has a `diskEncryptionSetId` in one region's
`encryption.dataDiskImages[]` and none in another's; (c) a disk encryption
set (OS or data) whose subscription, from its ARM ID, is not the version's
subscription; (d) a LUN listed twice in one region's
`encryption.dataDiskImages[]`, or a LUN there that is not among the
version's `storageProfile.dataDiskImages[].lun` (judged only when the input
has that list). (e) Only when `encryption.require_cmk` is `true`: some
target region lacks an OS-disk encryption set, or lacks one for a LUN of
`storageProfile.dataDiskImages[]`. One finding per version naming the
regions and LUNs: `error` when any of (a) to (d) holds, else `warning`.
Inputs: live, templates, plans (Terraform `target_region.disk_encryption_set_id`).

v3: also judges planned versions ((a), (c) and (e); an Image Builder planned version
never has an encryption set).

## Why it matters
Azure rejects (a) to (d) when the version is created or updated
(troubleshooting-shared-images.md: "A disk encryption set is required for
disk … in target region …", "must be in the same subscription", "Duplicate
luns", "An invalid lun"). (e) is what Azure Policy
702dd420-7fcc-42c5-afe8-4026edd20fe0 requires everywhere.

## Example
Target regions westeurope with a disk encryption set for the OS disk and
northeurope without one.

## Fix
Give every target region an encryption set for the same disks, from the
version's subscription.

## Config
`encryption.require_cmk` (false).

## Related
ACG505. Peer: Azure Policy 702dd420-7fcc-42c5-afe8-4026edd20fe0.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..model import UNKNOWN
from ..names import subscription_of
from ..sources.azure import ci
from .base import make_finding
from ..names import known_subscription
from .registry import RuleMeta
from .v2facts import des_ids

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

RULE = RuleMeta(id="ACG404", name="target-region-encryption", level="error",
                tags=("encryption", "correctness"), config=("encryption.require_cmk",))


def _luns(encryption: Any) -> list[Any]:
    data = ci(encryption, "dataDiskImages") if isinstance(encryption, dict) else None
    return [ci(d, "lun") for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    require_cmk = facts.settings.encryption.require_cmk
    # v3: planned versions too; they have no data disk images, so only (a), (c) and (e)
    for vf in (*facts.versions, *facts.planned):
        v = vf.version
        regions = v.target_regions
        if not isinstance(regions, tuple) or not regions:
            continue
        if any(tr.encryption is UNKNOWN or tr.name is UNKNOWN for tr in regions):
            continue
        if not require_cmk and all(tr.encryption is None for tr in regions):
            continue  # no set anywhere: nothing differs, and none is required
        os_with, os_without = [], []
        data_des: dict[str, dict[Any, str]] = {}
        errors, warnings = [], []
        for tr in regions:
            sets = list(des_ids(tr.encryption))
            (os_with if any(k == "os" for k, _, _ in sets) else os_without).append(tr.name)
            data_des[tr.name] = {lun: des for k, lun, des in sets if k == "data"}
            for _, _, des in sets:
                sub = subscription_of(des)
                # Only real subscriptions are compared (documentation examples carry
                # placeholders such as {subscriptionId}).
                if _GUID.fullmatch(sub) and _GUID.fullmatch(v.subscription_id) and \
                        known_subscription(v.subscription_id, v.source) is not None and \
                        known_subscription(sub, v.source) is not None and \
                        sub != v.subscription_id.lower():
                    errors.append(f"(c) disk encryption set {des} in {tr.name} is in subscription "
                                  f"{sub}, not the version's {v.subscription_id}")
            luns = _luns(tr.encryption)
            seen = set()
            for lun in luns:
                if lun in seen:
                    errors.append(f"(d) LUN {lun} is listed twice in {tr.name}")
                seen.add(lun)
                if isinstance(v.data_disk_luns, tuple) and lun not in v.data_disk_luns:
                    errors.append(f"(d) LUN {lun} in {tr.name} is not a data disk of the version")
        if os_with and os_without:
            errors.append(f"(a) OS disk encryption set in {', '.join(os_with)} but none in "
                          f"{', '.join(os_without)}")
        all_luns = sorted({lun for m in data_des.values() for lun in m}, key=str)
        for lun in all_luns:
            missing = [r for r, m in data_des.items() if lun not in m]
            if missing:
                errors.append(f"(b) LUN {lun} has a disk encryption set in some regions but "
                              f"none in {', '.join(missing)}")
        if require_cmk:
            if os_without and not os_with:  # with some sets, the gap is already (a)
                warnings.append(f"(e) no OS disk encryption set in {', '.join(os_without)}")
            for lun in v.data_disk_luns if isinstance(v.data_disk_luns, tuple) else ():
                missing = [r for r, m in data_des.items() if lun not in m]
                if missing and lun not in all_luns:
                    warnings.append(f"(e) no disk encryption set for LUN {lun} in "
                                    f"{', '.join(missing)}")
        errors, warnings = list(dict.fromkeys(errors)), list(dict.fromkeys(warnings))
        if errors or warnings:
            yield make_finding(rule, vf, "; ".join(errors + warnings),
                               level=None if errors else "warning", at=("targetRegions",),
                               properties={"parts": errors + warnings})
