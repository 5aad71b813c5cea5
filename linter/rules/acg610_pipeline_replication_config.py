"""A pipeline's replication settings that Packer or Azure refuse, or that are not what
they say.

## What it does
For each planned version (what an Image Builder distributor or a Packer
build will publish): (a) Image Builder sets both a non-empty
`replicationRegions` and a non-empty `targetRegions`, or the distributor's
`storageAccountType` together with `targetRegions`; Packer sets both
`replication_regions` and `target_region`, or a non-zero
`shared_image_gallery_replica_count` with `target_region`; (b) Image
Builder's `replicationRegions` is non-empty and lacks the target gallery's
region; (c) the deprecated `replicationRegions` (Image Builder) or
`replication_regions` (Packer) is used; (d) Packer's
`use_shallow_replication` is true with more than one target region, a
target region other than the build `location`, or a
`shared_image_gallery_replica_count` above 1; (e) Packer's `replicas` or
`shared_image_gallery_replica_count` is below 0 or above 100 (Packer then
silently publishes 1 or 100). One finding per planned version naming each
part: `error` for (a), (b), (d); else `warning` for (e); else `note`.
Inputs: templates, live, plans, Terraform source (Image Builder), Packer.

## Why it matters
Each of `replicationRegions` and `targetRegions` "can be specified only if"
the other "is not specified", and "one of the regions must be the region
where the Gallery is deployed" (bicep-types-az imagebuilder types); Packer
refuses both region lists together and a shallow build with more than one
region or replica ("When using shallow replication the replica count can
only be 1"; packer-plugin-azure config.go). A clamped replica count is a
different estate from the one the template describes.

## Example
An Image Builder distributor with `"replicationRegions": ["eastus"]` into a
gallery in `westeurope`.

## Fix
Use `targetRegions` (with per-region replica counts and storage types) and
include the gallery's region; in Packer use `target_region` blocks alone,
with `replicas` from 1 to 100.

## Config
None.

## Related
ACG608, ACG204. Peer: APRL 21fb841b (a secondary region for image templates).
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..model import UNKNOWN
from ..names import region
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG610", name="pipeline-replication-config", level="error",
                tags=("replication", "pipelines", "correctness"), related=("ACG608", "ACG204"))


def _set(value: Any) -> bool:
    """Set to a non-empty value, resolved or not."""
    return value is UNKNOWN or (value not in (None, "", [], {}))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _aib(entry: dict[str, Any], gallery: Any) -> list[tuple[str, str]]:
    out = []
    replication, targets = entry.get("replicationRegions"), entry.get("targetRegions")
    if _set(replication) and _set(targets):
        out.append(("error", "(a) replicationRegions and targetRegions are both set; each "
                             "can be specified only if the other is not"))
    elif _set(entry.get("storageAccountType")) and _set(targets):
        out.append(("error", "(a) storageAccountType is set with targetRegions; set the "
                             "storage type per target region"))
    if isinstance(replication, list) and replication and gallery is not None and \
            isinstance(gallery.location, str) and \
            all(isinstance(r, str) for r in replication) and \
            gallery.location not in {region(r) for r in replication}:
        out.append(("error", f"(b) replicationRegions lacks the gallery's region "
                             f"{gallery.location}; one of the regions must be the gallery's"))
    if _set(replication):
        out.append(("note", "(c) replicationRegions is deprecated; use targetRegions"))
    return out


def _packer(args: Any, dest: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    replication, targets = dest.get("replication_regions"), dest.get("target_region")
    count = args.get("shared_image_gallery_replica_count")
    if _set(replication) and _set(targets):
        out.append(("error", "(a) replication_regions and target_region are both set; "
                             "Packer refuses the template"))
    elif _set(targets) and (count is UNKNOWN or (_number(count) or 0) != 0):
        if count is not UNKNOWN:
            out.append(("error", "(a) shared_image_gallery_replica_count is set with "
                                 "target_region; Packer refuses the template"))
    if _set(replication):
        out.append(("note", "(c) replication_regions is deprecated; use target_region blocks"))
    if dest.get("use_shallow_replication") is True:
        location = args.get("location")
        blocks = targets if isinstance(targets, list) else []
        names = [b.get("name") for b in blocks if isinstance(b, dict)]
        names += list(replication) if isinstance(replication, list) else []
        where = {region(n) for n in names if isinstance(n, str)}
        build = region(location) if isinstance(location, str) else None
        reasons = []
        if len(where) > 1:
            reasons.append("more than one target region")
        elif build and where and where != {build}:
            reasons.append("a target region other than the build location")
        if (_number(count) or 0) > 1:
            reasons.append("a shared_image_gallery_replica_count above 1")
        if reasons:
            out.append(("error", "(d) use_shallow_replication is true with " +
                        " and ".join(reasons) + "; a shallow build has one region, the "
                        "build location, with one replica"))
    counts = [("shared_image_gallery_replica_count", count)] + [
        (f"target_region[{i}].replicas", b.get("replicas"))
        for i, b in enumerate(targets if isinstance(targets, list) else [])
        if isinstance(b, dict)]
    for name, value in counts:
        n = _number(value)
        if n is not None and (n < 0 or n > 100):
            out.append(("warning", f"(e) {name} is {n:g}; Packer silently publishes "
                                   f"{1 if n < 0 else 100} instead"))
    return out


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for p, vf, raw in facts.pipeline_versions():
        parts = _aib(raw, vf.gallery) if p.kind == "aib" else _packer(p.properties, raw)
        if not parts:
            continue
        levels = {lv for lv, _ in parts}
        level = "error" if "error" in levels else "warning" if "warning" in levels else "note"
        yield make_finding(rule, vf, f"pipeline {p.name} publishing into "
                           f"{vf.version.definition_id.rsplit('/', 1)[-1]}: " +
                           "; ".join(t for _, t in parts), level=level,
                           at=("targetRegions", "distribute"),
                           properties={"parts": sorted({t[1:2] for _, t in parts})})
