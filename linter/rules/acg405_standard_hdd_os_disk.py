"""A deployment's OS disk is Standard HDD, which Azure retires as an OS disk.

## What it does
Fires on a VM or scale set whose OS disk `managedDisk.storageAccountType`
is `Standard_LRS` (Standard HDD) and that is not an ephemeral OS disk
(`osDisk.diffDiskSettings` absent). `warning` while now is before
`storage.hdd_os_retirement` (default `2028-09-08T00:00:00Z`), `error` from
then on. Inputs: live, templates, plans (`os_disk.storage_account_type`).

## Why it matters
"On September 8, 2028, the ability to use Standard HDDs as OS disks will be
retired. After that date, all Standard HDDs being used as OS disks will be
automatically converted to Standard SSDs" (azure-compute-docs,
disks-hdd-os-retirement.md); ephemeral OS disks are not affected.

## Example
`"osDisk": {"managedDisk": {"storageAccountType": "Standard_LRS"}}`.

## Fix
Use `StandardSSD_LRS` or `Premium_LRS` for the OS disk.

## Config
`storage.hdd_os_retirement`.

## Related
ACG401.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..names import parse_time
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG405", name="standard-hdd-os-disk", level="warning",
                tags=("storage", "lifecycle"), config=("storage.hdd_os_retirement",))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    retirement = parse_time(facts.settings.storage.hdd_os_retirement)
    retired = hasattr(retirement, "year") and not facts.now < retirement
    for dep in facts.deployments:
        d = dep.deployment
        if not isinstance(d.os_disk_type, str) or d.os_disk_type.lower() != "standard_lrs":
            continue
        if d.ephemeral_os_disk is not False:
            continue
        yield make_finding(rule, dep, "OS disk is Standard HDD (Standard_LRS): from September 8, "
                           "2028 Azure retires Standard HDD OS disks and converts them to "
                           "Standard SSD", level="error" if retired else None,
                           at=("osDiskType",))
