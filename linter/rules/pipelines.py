"""What the pipeline rules (catalog v3) read from a pipeline: its source image, resolved
against the run (rules.md, "Pipelines (v3)")."""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from ..facts import DefinitionFacts, Facts, VersionFacts, glob_match, parse_version_name
from ..model import UNKNOWN, Pipeline
from ..names import definition_id_of, region


class SourceImage(Struct):
    kind: str | None  # "marketplace" | "managed" | "gallery" | "vhd" | None (unknown)
    id: Any = None  # ARM ID (managed image, gallery version or definition reference)
    sku: Any = None  # Marketplace
    definition: DefinitionFacts | None = None  # gallery: its definition, when in the run
    version: VersionFacts | None = None  # gallery: the version it resolves to in the run
    number: Any = None  # gallery: the version's number, when known


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value and isinstance(value[0], dict) else None
    return value if isinstance(value, dict) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def source_image(p: Pipeline, facts: Facts) -> SourceImage:
    a = p.properties
    if p.kind == "aib":
        source = a.get("source") if isinstance(a.get("source"), dict) else {}
        kind = str(source.get("type", "")).lower()
        if kind == "platformimage":
            return SourceImage("marketplace", sku=source.get("sku"))
        if kind == "managedimage":
            return SourceImage("managed", id=_text(source.get("imageId")))
        if kind == "sharedimageversion":
            return _gallery(_text(source.get("imageVersionId")), p, facts)
        return SourceImage(None)
    gallery = _first(a.get("shared_image_gallery"))
    if gallery:
        ref = _text(gallery.get("id"))
        if ref is None and all(_text(gallery.get(k)) for k in
                               ("subscription", "resource_group", "gallery_name", "image_name")):
            ref = (f"/subscriptions/{gallery['subscription']}/resourceGroups/"
                   f"{gallery['resource_group']}/providers/Microsoft.Compute/galleries/"
                   f"{gallery['gallery_name']}/images/{gallery['image_name']}/versions/"
                   f"{_text(gallery.get('image_version')) or 'latest'}")
        return _gallery(ref, p, facts)
    if _text(a.get("custom_managed_image_name")):
        group = _text(a.get("custom_managed_image_resource_group_name"))
        sub = p.subscription_id
        if group and sub:
            return SourceImage("managed", id=f"/subscriptions/{sub}/resourceGroups/{group}/"
                               f"providers/Microsoft.Compute/images/"
                               f"{a['custom_managed_image_name']}")
        return SourceImage("managed")
    if _text(a.get("image_publisher")) or _text(a.get("image_sku")):
        return SourceImage("marketplace", sku=a.get("image_sku"))
    if _text(a.get("image_url")):
        return SourceImage("vhd", id=a.get("image_url"))
    return SourceImage(None)


def _gallery(ref: str | None, p: Pipeline, facts: Facts) -> SourceImage:
    if ref is None:
        return SourceImage("gallery")
    definition_id = definition_id_of(ref).lower()
    df = next((d for d in facts.definitions if d.definition.id.lower() == definition_id), None)
    out = SourceImage("gallery", id=ref, definition=df)
    name = ref.rstrip("/").rsplit("/", 1)[-1] if "/versions/" in ref.lower() else "latest"
    if df is None:
        return out
    if name.lower() == "latest":
        where = region(p.location) if isinstance(p.location, str) and p.location else None
        out.version = df.latest_by_region.get(where) if where else None
        out.number = out.version.number if out.version else UNKNOWN
    else:
        out.version = df.by_name.get(name.lower())
        out.number = parse_version_name(name)
    return out


def managed_image(facts: Facts, image_id: str) -> Any:
    """The managed image (`Microsoft.Compute/images`) of the run with that ARM ID, or None."""
    low = image_id.lower()
    return next((r for r in facts.inventory.others if r.kind == "microsoft.compute/images"
                 and r.id.lower() == low), None)


def definition_generation(d: Any) -> Any:
    """A definition's Hyper-V generation, lowercased, as ACG703 reads it: absent is V1
    below API 2025-03-03 and V2 from it, unknown without an API version."""
    if isinstance(d.hyper_v_generation, str):
        return d.hyper_v_generation.lower()
    if d.hyper_v_generation is not None or d.api_version is None:
        return UNKNOWN
    return "v2" if d.api_version >= "2025-03-03" else "v1"


def source_generation(src: SourceImage, facts: Facts) -> Any:
    """The generation of a pipeline's source image when the run tells it (ACG109)."""
    if src.kind == "gallery" and src.definition is not None:
        return definition_generation(src.definition.definition)
    if src.kind == "managed" and isinstance(src.id, str):
        image = managed_image(facts, src.id)
        value = image.properties.get("hyperVGeneration") if image is not None else None
        return value.lower() if isinstance(value, str) else UNKNOWN
    if src.kind == "marketplace" and isinstance(src.sku, str) and \
            glob_match(facts.settings.pipelines.gen2_sku_patterns, src.sku):
        return "v2"
    return UNKNOWN
