"""An image definition or version is not in its gallery's region.

## What it does
Compares an image definition's `location`, and an image version's
`location`, with its gallery's `location` (normalised: "West US" is
"westus"). Fires at `error` when the gallery's `sharingProfile.permissions`
is `Community`, else at `note`. Quiet when the gallery is not in the input
or a location is unknown (a template expression that did not evaluate).
Inputs: live, templates, plans.

v3: a Packer planned version's build `location` is compared too (Image Builder takes its
definition's location, so it never differs).

## Why it matters
Azure does not make image resources created outside the gallery's region
available to the community (azure-compute-docs, share-gallery-community.md:
"Image resources need to be created in the same region as the gallery").
Soft delete cannot be enabled while the gallery, definition and version are
in different locations (soft-delete.md, preview).

## Example
A gallery in `westeurope` with a definition whose `location` is `eastus`.

## Fix
Create the definition and its versions in the gallery's region; replicate
versions to other regions with `publishingProfile.targetRegions`.

## Config
`rules.ACG105.enabled`, `rules.ACG105.level`.

## Related
ACG501, ACG604.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG105", name="artifact-location-mismatch", level="note",
                tags=("identity", "correctness"))


def _level(gallery: Any) -> str:
    return "error" if gallery.permissions == "community" else "note"


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    subjects = [*((df, df.gallery, df.definition, "image definition") for df in facts.definitions),
                *((vf, vf.gallery, vf.version, "image version") for vf in facts.versions),
                # v3: a Packer planned version is built in its `location` (Image Builder
                # takes its definition's, so it never differs)
                *((vf, vf.gallery, vf.version, "planned image version (the build location)")
                  for vf in facts.planned if str(vf.version.pipeline).startswith("packer:"))]
    for subject, g, resource, what in subjects:
        if g is None or not isinstance(g.location, str) or \
                not isinstance(resource.location, str) or resource.location == g.location:
            continue
        yield make_finding(rule, subject, f"{what} is in {resource.location} but its gallery "
                           f"{g.name} is in {g.location}" + _why(g), level=_level(g),
                           at=("location",), properties={"location": resource.location,
                                                         "galleryLocation": g.location})


def _why(g: Any) -> str:
    if g.permissions == "community":
        return ": Azure does not make it available to the community"
    return " (soft delete cannot be enabled across locations)"
