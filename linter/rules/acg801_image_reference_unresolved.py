"""A deployment references a gallery, definition or version the inventory lacks.

## What it does
Fires on a VM or scale set whose image reference (`id`,
`sharedGalleryImageId` by the gallery's unique name, or
`communityGalleryImageId` by its public names; case-insensitive) names a
gallery, definition or version that is not in the inventory, including a
pinned or `exactVersion` name the definition does not have. `warning` in
`lint`, `error` in `gate`.

## Why it matters
Either the deployment will fail (the image is gone or misspelt) or the
inventory is incomplete and every other deployment rule is blind to it.

## Example
A VM pinned to `…/images/ubuntu/versions/9.9.9` when the definition has 1.0.0 only.

## Fix
Correct the reference, or export the subscription that holds the gallery
(`gallerylint export --subscription …`).

## Config
`rules.ACG801.enabled`, `rules.ACG801.level`, `reporting.group_over`.

## Related
ACG307.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG801", name="image-reference-unresolved", level="warning",
                tags=("references", "deployments"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for dep in facts.deployments:
        if dep.unresolved is None:
            continue
        what = {"gallery": "a gallery", "definition": "an image definition",
                "version": f"version '{dep.requested_version}'"}[dep.unresolved]
        yield make_finding(rule, dep, f"image reference {dep.reference} names {what} that is "
                           "not in the inventory", at=("imageReference",),
                           properties={"reference": dep.reference, "missing": dep.unresolved})
