"""A VM or scale set whose OS does not come from a gallery image.

## What it does
Reads where each VM's and scale set's OS comes from, in the catalog's order
(gallery image, managed image, Marketplace image, unmanaged disk, attached
OS disk) and fires when it is: (a) a Marketplace image whose
`publisher:offer:sku` matches no glob of `sources.allowed_marketplace`;
(b) a managed image (`Microsoft.Compute/images`), unless
`sources.allow_managed_images` is true; (c) an unmanaged disk (a VHD URI);
(d) an attached OS disk (`createOption: Attach`), unless
`sources.allow_attached_os_disk` is true. Gallery images, direct-shared and
community ones included, never fire. A VM of a Flexible scale set is not
judged when its scale set is in the input: the scale set is. `error` for a
production deployment (its `environment` tag, or a production scope), else
`note`. Inputs: live, templates, plans, Terraform source.

## Why it matters
A managed image is the older technology: new features "like ARM64, Trusted
Launch, and Confidential VM are only supported through Azure Compute
Gallery", and one managed image "supports up to 20 simultaneous
deployments" (azure-compute-docs, capture-image-resource.yml). Unmanaged
disks were retired on March 31, 2026 (Azure, unmanaged disks deprecation).
A Marketplace image bypasses the gallery's versioning, end of life and
replication controls.

## Example
A production VM with `imageReference: {publisher: Canonical, offer:
0001-com-ubuntu-server-jammy, sku: 22_04-lts-gen2, version: latest}`.

## Fix
Publish the image into a gallery and deploy from its definition, or allow
the Marketplace image with `sources.allowed_marketplace:
["canonical:0001-com-ubuntu-server-jammy:*"]`.

## Config
`sources.allowed_marketplace` ([]), `sources.allow_managed_images` (false),
`sources.allow_attached_os_disk` (false), `environments.production_scopes`
([]), `environments.production_tag_values`.

## Related
ACG506 (community images), ACG611. Peers: Azure Policy samples
allowed-custom-images and allowed-image-publishers, 06a78e20 (managed
disks); PSRule Azure.VM.UseManagedDisks; CloudSploit approvedVmImage.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts, glob_match, image_source
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG804", name="non-gallery-image-in-production", level="note",
                tags=("references", "deployments"),
                related=("ACG506", "ACG611"),
                config=("sources.allowed_marketplace", "sources.allow_managed_images",
                        "sources.allow_attached_os_disk", "environments.production_scopes",
                        "environments.production_tag_values"))

_WHY = {
    "marketplace": "a Marketplace image bypasses the gallery's versioning, end of life and "
                   "replication controls",
    "managed": "a managed image is the legacy technology: new features like ARM64, Trusted "
               "Launch and Confidential VM are only supported through Azure Compute Gallery, "
               "and one managed image supports up to 20 simultaneous deployments",
    "unmanaged": "unmanaged disks were retired on March 31, 2026",
    "attached": "an attached OS disk bypasses the gallery's versioning and end of life",
}
_PART = {"marketplace": "a", "managed": "b", "unmanaged": "c", "attached": "d"}


def noun(dep: Any) -> str:
    return "VM" if dep.kind == "vm" else "scale set"


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    sources = facts.settings.sources
    scale_sets = {d.id.lower() for d in facts.inventory.deployments if d.kind == "vmss"}
    sources_of: dict[tuple[Any, ...], Any] = {}  # deployments alike share their source
    for dep in facts.inventory.deployments:
        if dep.scale_set_id is not None and dep.scale_set_id.lower() in scale_sets:
            continue  # judged through its scale set
        key = (dep.image_id, dep.shared_image_id, dep.community_image_id, dep.marketplace,
               dep.unmanaged, dep.attached)
        found = sources_of.get(key, sources_of)
        if found is sources_of:
            found = sources_of[key] = image_source(dep)
        if not isinstance(found, tuple) or found[0] == "gallery":
            continue
        cf = facts.compute_facts(dep)
        kind, detail = found
        if kind == "marketplace" and glob_match(sources.allowed_marketplace, detail):
            continue
        if (kind == "managed" and sources.allow_managed_images) or \
                (kind == "attached" and sources.allow_attached_os_disk):
            continue
        what = {"marketplace": f"the Marketplace image {detail}",
                "managed": f"the managed image {str(detail).rsplit('/', 1)[-1]}",
                "unmanaged": "an unmanaged disk (a VHD URI)",
                "attached": "an attached OS disk"}[kind]
        where = "production " if cf.production else ""
        yield make_finding(
            rule, cf.subject,
            f"({_PART[kind]}) {where}{noun(dep)} {dep.name} takes its OS from {what}, not from a gallery image: {_WHY[kind]}",
            level="error" if cf.production else "note", at=("imageReference",),
            properties={"imageSource": kind, "source": detail, "production": cf.production},
            never_grouped=True)
