"""A pipeline's version name that collides, or that never becomes the latest.

## What it does
For each planned version: (a) Image Builder, in a template declared with an
API version before 2022-07-01 (no `versioning`): the distributor's
`galleryImageId` names no version, so Image Builder generates one with its
deprecated generator (Major 0, such as `0.24105.52755`), below any version
of Major 1 or more; (b) Image Builder `versioning.scheme` `Latest` with
`major` M, `excludeFromLatest` not true, while the target definition has a
version eligible for latest with a Major above M: every generated M.x.y
stays below it and never becomes the latest; (c) the planned version's name
(Image Builder `.../versions/<name>`, Packer `image_version`) is already a
version of the target definition in the run that is not soft-deleted
(compared case-insensitively); not judged for a template from live
inventory, whose own earlier run may have created it. One finding per
planned version naming each part: `error` when (c) holds, else `warning`
for (a), else `note`. Inputs: (a) templates, plans, Terraform source; (b)
live, templates, plans, Terraform source; (c) templates, plans, Terraform
source, Packer.

## Why it matters
"The image version ID needs to be distinct or different from any image
versions that are in the existing Azure Compute Gallery"
(image-builder-json.md); Packer stops with "a gallery image version ...
already exists", and with `-force` deletes that version first
(packer-plugin-azure builder.go). A version that sorts below the latest is
published and never used by deployments that follow `latest`.

## Example
`shared_image_gallery_destination { image_version = "1.2.0" }` while the
gallery already holds `1.2.0`.

## Fix
Give each build a new version name (a build number, a date), or use
`versioning: {scheme: Latest, major: <the current Major>}`.

## Config
None.

## Related
ACG101, ACG104.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG107", name="pipeline-version-naming", level="error",
                tags=("versions", "pipelines", "correctness"), related=("ACG101", "ACG104"))


def _whole(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for p, vf, raw in facts.pipeline_versions():
        v = vf.version
        df = vf.definition
        parts: list[tuple[str, str]] = []
        if p.kind == "aib" and not v.name and p.api_version is not None and \
                p.api_version < "2022-07-01":
            parts.append(("warning", f"(a) the template's API version {p.api_version} has no "
                                     "versioning and the distributor names no version: Image "
                                     "Builder generates a Major 0 version, below any 1.x"))
        versioning = raw.get("versioning") if p.kind == "aib" else None
        if isinstance(versioning, dict) and \
                str(versioning.get("scheme", "")).lower() == "latest" and df is not None and \
                raw.get("excludeFromLatest") is not True:
            major = _whole(versioning.get("major"))
            above = [o for o in df.versions if o.eligible and o.number is not None
                     and major is not None and major >= 0 and o.number[0] > major]
            if above:
                top = max(above, key=lambda o: o.number)
                parts.append(("note", f"(b) versioning major {major} generates {major}.x.y, "
                                      f"below {top.version.name}: it never becomes the "
                                      "definition's latest"))
        if v.name and df is not None and not p.live:
            existing = df.by_name.get(v.name.lower())
            if existing is not None and not existing.soft_deleted:
                parts.append(("error", f"(c) version {v.name} already exists in "
                                       f"{df.definition.name}: the pipeline fails, or with "
                                       "Packer's -force deletes it first"))
        if not parts:
            continue
        levels = {lv for lv, _ in parts}
        level = "error" if "error" in levels else "warning" if "warning" in levels else "note"
        yield make_finding(rule, vf, f"pipeline {p.name}: " + "; ".join(t for _, t in parts),
                           level=level, at=("name",),
                           properties={"parts": sorted({t[1:2] for _, t in parts})})
