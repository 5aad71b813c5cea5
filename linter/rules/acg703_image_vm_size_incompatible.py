"""A deployment's VM size cannot boot its image.

## What it does
For a VM or scale set from a definition in the input, with a known VM size
(`hardwareProfile.vmSize`; scale set `sku.name`; Terraform `size`, `sku`,
`sku_name`, `vm_size`), fires when any of:
(a) the definition's `hyperVGeneration` (absent: `V1` below API 2025-03-03,
`V2` from it, unknown without an API version) is not among the size's
`HyperVGenerations`;
(b) the definition's `architecture` (absent: `x64`) is not the size's
`CpuArchitectureType`;
(c) disk controllers, with the image's disk controller types from the
`DiskControllerTypes` feature that applies to the version the deployment
uses (no entry: SCSI only): the deployment's
`storageProfile.diskControllerType`, when set, is not among the image's
types or not among the size's `DiskControllerTypes`; when it is not set,
the image's and the size's types have none in common.
A part whose size capability is unknown is skipped, except that a set
`diskControllerType` the image lacks still fires. Size capabilities come
from the Resource SKUs input (`az vm list-skus -o json`), else the built-in
table in `linter/_data/vm_sizes.json` (Arm64 `p` sizes: V2, Arm64; x64 v6
sizes: V2, x64, NVMe only); a size in neither is unknown. That every Intel
v6 size is NVMe-only and every Arm v6 size generation 2 only is an
inference from the sources below, not verified per size. One finding per
deployment naming each part, the size and both values.

## Why it matters
Azure refuses to boot such a VM: "The selected VM size 'Standard_D2ps_v5'
cannot boot Hypervisor Generation '1'" (kubermatic/kubermatic#13184, also
for Standard_D8s_v6, Standard_D2ads_v6, Standard_D2ls_v6); v6 sizes need an
image marked NVMe (nvme-overview.md: "For v6, Ebsv5, and greater VMs; you
need to transition from SCSI to NVMe").

## Example
A VM of size `Standard_D2as_v6` from a definition without a
`DiskControllerTypes` feature (SCSI only).

## Fix
Pick a size the image supports, or publish a generation 2 image with
`DiskControllerTypes` `SCSI, NVMe`.

## Config
`rules.ACG703.enabled`, `rules.ACG703.level`; the Resource SKUs input
overrides the built-in table.

## Related
ACG702, ACG704.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..model import UNKNOWN
from .base import make_finding
from .pipelines import definition_generation
from .registry import RuleMeta
from .v2facts import image_controller_types, size_capabilities, split_list

RULE = RuleMeta(id="ACG703", name="image-vm-size-incompatible", level="error",
                tags=("deployments", "correctness"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    # What is judged depends on these alone: VMs alike (most of an estate) are judged once.
    judged: dict[tuple[Any, ...], list[str]] = {}
    for dep in facts.deployments:
        df = dep.definition
        d = dep.deployment
        if df is None or not isinstance(d.vm_size, str):
            continue
        key = (id(df), dep.version_number, d.vm_size, d.location, d.disk_controller_type)
        parts = judged.get(key)
        if parts is None:
            parts = judged[key] = _parts(facts, dep)
        if parts:
            yield make_finding(rule, dep, f"VM size {d.vm_size} cannot boot this image: "
                               + "; ".join(parts), at=("vmSize", "imageReference"),
                               properties={"vmSize": d.vm_size, "parts": list(parts)})


def _parts(facts: Facts, dep: Any) -> list[str]:
    df = dep.definition
    d = dep.deployment
    caps = size_capabilities(facts, d.vm_size, d.location) or {}
    parts = []
    generation = definition_generation(df.definition)
    size_generations = split_list(caps.get("hypervgenerations"))
    if isinstance(generation, str) and size_generations is not None and \
            generation not in size_generations:
        parts.append(f"(a) the image is Hyper-V generation {generation.upper()}, size "
                     f"{d.vm_size} boots {', '.join(sorted(g.upper() for g in size_generations))}")
    arch = df.definition.architecture
    arch = "x64" if arch is None else arch
    size_arch = caps.get("cpuarchitecturetype")
    if isinstance(arch, str) and isinstance(size_arch, str) and \
            arch.lower() != size_arch.lower():
        parts.append(f"(b) the image is {arch}, size {d.vm_size} is {size_arch}")
    image_types = image_controller_types(df, dep.version_number)
    size_types = split_list(caps.get("diskcontrollertypes"))
    chosen = d.disk_controller_type
    if isinstance(chosen, str):
        if image_types is not UNKNOWN and chosen not in image_types:
            parts.append(f"(c) diskControllerType {chosen} is not among the image's "
                         f"disk controller types ({_names(image_types)})")
        elif size_types is not None and chosen not in size_types:
            parts.append(f"(c) diskControllerType {chosen} is not among size "
                         f"{d.vm_size}'s ({_names(size_types)})")
    elif chosen is None and image_types is not UNKNOWN and size_types is not None and \
            not image_types & size_types:
        parts.append(f"(c) the image supports {_names(image_types)} disk controllers, size "
                     f"{d.vm_size} only {_names(size_types)}")
    return parts


_DISPLAY = {"scsi": "SCSI", "nvme": "NVMe"}


def _names(types: Any) -> str:
    return ", ".join(_DISPLAY.get(t, t) for t in sorted(types))
