"""A scale set on a managed image with more instances than a managed image serves.

## What it does
For a scale set whose image is a managed image (`imageReference.id` of
the form `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Compute/images/{name}`;
Terraform `source_image_id`), compares its instances (`sku.capacity`;
Terraform `instances`) with `sources.managed_image_max_scale_set` (600,
`error` above it) and `sources.managed_image_max_concurrent` (20,
`warning` above it). An unknown capacity is not judged. Inputs: live,
templates, plans, Terraform source.

## Why it matters
"A scale set built on the legacy managed image can have a capacity of up to
600 VMs when configured with Azure managed disks"
(virtual-machine-scale-sets-design-overview.md), and "one managed image
supports up to 20 simultaneous deployments. Attempting to create more than
20 VMs concurrently, from the same managed image, may result in
provisioning timeouts" (capture-image-resource.yml).

## Example
A scale set of 50 instances whose `imageReference.id` is
`/subscriptions/…/resourceGroups/images/providers/Microsoft.Compute/images/web-2026-05`.

## Fix
Publish the image to a gallery (a gallery version with one replica per 20
VMs scales to 1,000 instances per scale set) and deploy from it.

## Config
`sources.managed_image_max_concurrent` (20),
`sources.managed_image_max_scale_set` (600).

## Related
ACG804, ACG602.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts, image_source
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG611", name="managed-image-at-scale", level="warning",
                tags=("replication", "reliability", "deployments"),
                related=("ACG804", "ACG602"),
                config=("sources.managed_image_max_concurrent",
                        "sources.managed_image_max_scale_set"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    limits = facts.settings.sources
    for dep in facts.inventory.deployments:
        if dep.kind != "vmss" or isinstance(dep.capacity, bool) or \
                not isinstance(dep.capacity, int):
            continue
        found = image_source(dep)
        if not isinstance(found, tuple) or found[0] != "managed":
            continue
        cf = facts.compute_facts(dep)
        image = str(found[1]).rsplit("/", 1)[-1]
        if dep.capacity > limits.managed_image_max_scale_set:
            yield make_finding(
                rule, cf.subject,
                f"scale set {dep.name} has {dep.capacity} instances from the managed image "
                f"{image}: a scale set built on a managed image can have up to "
                f"{limits.managed_image_max_scale_set} VMs",
                level="error", at=("capacity",), never_grouped=True,
                properties={"capacity": dep.capacity, "managedImage": found[1],
                            "limit": limits.managed_image_max_scale_set})
        elif dep.capacity > limits.managed_image_max_concurrent:
            yield make_finding(
                rule, cf.subject,
                f"scale set {dep.name} has {dep.capacity} instances from the managed image "
                f"{image}: one managed image supports up to "
                f"{limits.managed_image_max_concurrent} simultaneous deployments, and more "
                "may result in provisioning timeouts",
                at=("capacity",), never_grouped=True,
                properties={"capacity": dep.capacity, "managedImage": found[1],
                            "limit": limits.managed_image_max_concurrent})
