"""Image resources without the metadata tags the organisation requires.

## What it does
Off until `metadata.required_tags`, `metadata.tag_formats` or
`metadata.expiry_tag` is set; each part is judged when its own key is.
Judges the resources of the kinds in `metadata.apply_to` (default
`[versions]`; also `definitions`, `galleries`), planned versions counting as
versions, and with `metadata.scope: production` only those in production
galleries: (a) a key of `metadata.required_tags` is absent, or its value is
empty or white space (keys compared case-insensitively); (b) a tag whose
key is in `metadata.tag_formats` has a value its regular expression does
not match as a whole (case-sensitively); (c) with `metadata.expiry_tag`,
versions only and never Image Builder planned versions (which cannot set an
end of life): the tag holds a date (`YYYY-MM-DD` or an RFC 3339 date-time)
and the version's end of life (own, else its definition's) is absent or
differs from it by more than `metadata.expiry_tolerance_days` (1) days. The
tags are `tags`; for a version read through a direct-shared or community
view, `properties.artifactTags`; for a planned version, Image Builder
`artifactTags` or Packer `azure_tags` and `azure_tag`. One finding per
resource naming each missing or invalid key (never a value) and, for (c),
both dates: `warning` in a production gallery, else `note`. Inputs: live,
templates, plans, Terraform source, pipelines.

## Why it matters
Owner, pipeline and expiry as tags are how an estate answers "who builds
this, and until when"; Azure acts on `endOfLifeDate`, never on a tag, so an
expiry tag that disagrees with it misleads (shared-image-galleries.md).
Azure Policy's built-ins (871b6d14, 1e30110a) require a tag but check
neither its format nor a date.

## Example
`metadata: {required_tags: [owner, pipeline]}` and a version whose tags
are `{"owner": "platform"}`.

## Fix
Tag the resource (for pipelines: Image Builder `artifactTags`, Packer
`azure_tags`), and keep the expiry tag equal to `endOfLifeDate`.

## Config
`metadata.required_tags` ([]), `metadata.tag_formats` ({}),
`metadata.apply_to` ([versions]), `metadata.scope` (all),
`metadata.expiry_tag` (unset), `metadata.expiry_tolerance_days` (1).

## Related
ACG303. Peers: Azure Policy 871b6d14 and 1e30110a; PSRule AZR-000477.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from ..facts import Facts, glob_match
from ..findings import Finding
from ..names import parse_time
from ..patterns import full_matches
from .base import date_text, make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG106", name="required-metadata-tags", level="note",
                tags=("identity", "governance"), related=("ACG303",),
                config=("metadata.required_tags", "metadata.tag_formats",
                        "metadata.apply_to", "metadata.scope", "metadata.expiry_tag",
                        "metadata.expiry_tolerance_days"))


def _tags(resource: Any) -> dict[str, Any]:
    """Tag keys lowercased; a version seen through a shared or community view carries
    its tags as `properties.artifactTags`."""
    rid = resource.id.lower()
    if rid.startswith(("/communitygalleries/", "/sharedgalleries/")):
        props = resource.properties if isinstance(resource.properties, dict) else {}
        tags = props.get("artifactTags")
        return {str(k).lower(): v for k, v in tags.items()} if isinstance(tags, dict) else {}
    return {str(k).lower(): v for k, v in (resource.tags or {}).items()}


def _production(facts: Facts, gallery: Any, gallery_id: str) -> bool:
    if gallery is not None:
        return bool(facts.gallery_production.get(gallery.id.lower()))
    return glob_match(facts.settings.environments.production_galleries,
                      gallery_id.rsplit("/", 1)[-1], gallery_id)


def _subjects(facts: Facts) -> list[tuple[Any, Any, str, bool, Any]]:
    """(finding subject, resource, kind, production, version facts or None)."""
    apply_to = set(facts.settings.metadata.apply_to)
    out: list[tuple[Any, Any, str, bool, Any]] = []
    if "galleries" in apply_to:
        out += [(g, g, "gallery", _production(facts, g, g.id), None) for g in facts.galleries]
    if "definitions" in apply_to:
        out += [(df, df.definition, "definition",
                 _production(facts, df.gallery, df.definition.gallery_id), None)
                for df in facts.definitions]
    if "versions" in apply_to:
        for vf in (*facts.versions, *facts.planned):
            gallery_id = vf.version.definition_id.rsplit("/images/", 1)[0]
            out.append((vf, vf.version, "version", _production(facts, vf.gallery, gallery_id),
                        vf))
    return out


def _expiry(vf: Any, tags: dict[str, Any], key: str, tolerance_days: float) -> str | None:
    if isinstance(vf.version.pipeline, str) and not vf.version.pipeline.startswith("packer:"):
        return None  # Image Builder cannot set an end of life on what it publishes
    value = tags.get(key.lower())
    if not isinstance(value, str):
        return None
    when = parse_time(value.strip())
    if not isinstance(when, datetime):
        return None
    eol = vf.end_of_life
    if eol is None:
        return (f"(c) tag {key} says {date_text(when)} but the version has no end of life "
                "(Azure acts on endOfLifeDate, never on a tag)")
    if isinstance(eol, datetime) and \
            abs((eol - when).total_seconds()) > tolerance_days * 86400:
        return (f"(c) tag {key} says {date_text(when)} but the end of life is "
                f"{date_text(eol)}")
    return None


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    meta = facts.settings.metadata
    if not meta.required_tags and not meta.tag_formats and not meta.expiry_tag:
        return
    subjects = [s for s in _subjects(facts) if meta.scope != "production" or s[3]]
    tag_sets = [_tags(resource) for _, resource, _, _, _ in subjects]
    # (b): each format is matched once over every value it applies to (bounded in time)
    bad: dict[tuple[int, str], bool] = {}
    for key, pattern in meta.tag_formats.items():
        low = key.lower()
        where = [(i, tags[low]) for i, tags in enumerate(tag_sets)
                 if isinstance(tags.get(low), str)]
        results = full_matches(f"metadata.tag_formats.{key}", pattern, [v for _, v in where])
        for (i, _), ok in zip(where, results):
            if not ok:
                bad[(i, key)] = True
    for i, (subject, resource, kind, production, vf) in enumerate(subjects):
        tags = tag_sets[i]
        parts = []
        missing = [k for k in meta.required_tags
                   if not isinstance(tags.get(k.lower()), str) or not tags[k.lower()].strip()]
        if missing:
            parts.append(f"(a) missing or empty: {', '.join(missing)}")
        invalid = [k for k in meta.tag_formats if bad.get((i, k))]
        if invalid:
            parts.append(f"(b) not in the required format: {', '.join(invalid)}")
        if meta.expiry_tag and vf is not None:
            expiry = _expiry(vf, tags, meta.expiry_tag, meta.expiry_tolerance_days)
            if expiry:
                parts.append(expiry)
        if parts:
            yield make_finding(rule, subject, f"{kind} {resource.name or '(planned)'} tags: " +
                               "; ".join(parts), level="warning" if production else "note",
                               at=("tags",),
                               properties={"missing": missing, "invalid": invalid})
