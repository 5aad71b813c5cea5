"""Two image definitions in one gallery share publisher, offer and SKU.

## What it does
Fires when two or more image definitions in the same gallery have the same
`identifier` publisher, offer and SKU (compared case-insensitively). Each
definition of a duplicate set gets one finding naming the others.

## Why it matters
Azure requires the (publisher, offer, SKU) triple to be unique in a gallery;
definitions may share one or two of the values, never all three
(azure-docs, shared-image-galleries.md). A template that creates the second
one fails, and tooling that finds images by the triple picks either.

## Example
Definitions `ubuntu-a` and `ubuntu-b` in gallery `acg`, both with
`{"publisher": "Contoso", "offer": "Ubuntu", "sku": "22_04"}`.

## Fix
Give one of them a distinct SKU (a new definition:
`az sig image-definition create … --sku 22_04-gen2`) and move its versions.

## Config
`rules.ACG102.enabled`, `rules.ACG102.level`.

## Related
azurerm `shared_image.identifier`.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG102", name="definition-identity-duplicate", level="error",
                tags=("identity", "correctness"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    sets: dict[tuple[str, str, str, str], list[Any]] = {}
    for df in facts.definitions:
        d = df.definition
        if not all(isinstance(x, str) for x in (d.publisher, d.offer, d.sku)):
            continue
        key = (d.gallery_id.lower(), d.publisher.lower(), d.offer.lower(), d.sku.lower())
        sets.setdefault(key, []).append(df)
    for members in sets.values():
        if len(members) < 2:
            continue
        for df in members:
            others = [o.definition.name for o in members if o is not df]
            d = df.definition
            yield make_finding(
                rule, df,
                f"publisher/offer/SKU {d.publisher}/{d.offer}/{d.sku} is also used by "
                f"{', '.join(others)} in the same gallery",
                at=("identifier",),
                properties={"duplicates": [o.definition.id for o in members if o is not df]})
