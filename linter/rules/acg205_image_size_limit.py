"""An image version is larger than replication allows.

## What it does
Adds the OS disk and data disk `sizeInGB` of a version (1 TB = 1024 GB; Azure
reports GiB) and fires when the total is over `limits.full_replication_tb`
(2 TB) with Full replication (the default mode), over
`limits.shallow_replication_tb` (32 TB) with `replicationMode: Shallow`, or
when any single data disk is over `limits.data_disk_tb` (1 TB). Error only,
no warn ratio. Unknown sizes (templates, plans) stay quiet.

## Why it matters
"The image size should be less than 2 TB, but you can use shallow
replication to support larger image sizes (up to 32 TB)" (azure-compute-docs,
azure-compute-gallery.md); "data disk size cannot be more than 1 TB"
(azure-compute-docs, image-version.md). Larger images fail to replicate.

## Example
An OS disk of 1024 GB and a data disk of 1100 GB, Full replication.

## Fix
Shrink the disks, move data off the image, or publish with
`--replication-mode Shallow` (dev and test only, see ACG403).

## Config
`limits.full_replication_tb` (2), `limits.shallow_replication_tb` (32),
`limits.data_disk_tb` (1).

## Related
ACG403.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG205", name="image-size-limit", level="error", tags=("limits", "storage"),
                config=("limits.full_replication_tb", "limits.shallow_replication_tb",
                        "limits.data_disk_tb"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    limits = facts.settings.limits
    for vf in facts.versions:
        v = vf.version
        sizes = [v.os_disk_gb, *v.data_disk_gb]
        problems = []
        for i, size in enumerate(v.data_disk_gb):
            if isinstance(size, int) and size > limits.data_disk_tb * 1024:
                problems.append(f"data disk {i} is {size} GB, over {limits.data_disk_tb} TB")
        if all(isinstance(s, int) for s in sizes) and v.os_disk_gb is not None:
            total = sum(sizes)
            shallow = v.replication_mode == "shallow"
            limit_tb = limits.shallow_replication_tb if shallow else limits.full_replication_tb
            if total > limit_tb * 1024:
                mode = "Shallow" if shallow else "Full"
                problems.insert(0, f"image is {total} GB (OS plus data disks), over "
                                f"{limit_tb} TB for {mode} replication")
        if problems:
            yield make_finding(rule, vf, "; ".join(problems), at=("storageProfile",),
                               properties={"sizesGB": [s for s in sizes if isinstance(s, int)]})
