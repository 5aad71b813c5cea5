"""An Azure Virtual Desktop host pool whose session hosts do not come from a gallery
image, or from one session host management cannot use.

## What it does
For each host pool: (a) its session hosts' image is not a gallery image:
its `vmTemplate` has an `imageType` other than `CustomImage` (`Gallery`
means a Marketplace image), a `customImageId` that is not a gallery
definition or version (a managed image, say), or an `imageUri` (a VHD); or
its session host configuration's `imageInfo.type` is `Marketplace`, or
`Custom` with a `customInfo.resourceId` that is not a gallery definition or
version; (b) its session host configuration's `customInfo.resourceId` is a
gallery image in another subscription than the host pool; (c) that gallery
definition is in the run and has a `purchasePlan`. One finding per host
pool naming each part and the field, at the highest level of its parts:
`error` for (b), and for (a) in a production host pool (its `environment`
tag, or a production scope); `warning` for (c); `note` for (a) elsewhere.
Inputs: (a) from `vmTemplate`: live, templates, plans and Terraform source;
from session host configurations: live, templates, plans, Terraform source
(`azapi_resource`); (c) needs the definition in the run.

## Why it matters
Session hosts from a Marketplace image or a managed image bypass the
gallery's versioning, end of life and replication. Session host
configurations "don't currently support accessing an Azure Compute Gallery
shared image that's located in a different Azure subscription than the host
pool", and with a purchase plan "the plan isn't retained when the session
hosts are updated" (azure-docs, virtual-desktop/session-host-update.md,
preview).

## Example
A production host pool whose `vmTemplate` is `{"imageType": "Gallery",
"galleryImagePublisher": "MicrosoftWindowsDesktop", ...}`.

## Fix
Build session hosts from a gallery definition in the host pool's
subscription (`imageType: CustomImage`, `customImageId`: the definition or
version), without a purchase plan.

## Config
`environments.production_tag_values`, `environments.production_scopes`.

## Related
ACG804, ACG806.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..names import definition_id_of, known_subscription, subscription_of
from .avd import gallery_image, host_pools
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG805", name="avd-host-pool-image-source", level="error",
                tags=("references", "avd", "deployments"), related=("ACG804", "ACG806"),
                config=("environments.production_tag_values", "environments.production_scopes"))

_RANK = {"note": 0, "warning": 1, "error": 2}


def _template_parts(template: Any) -> list[str]:
    if not isinstance(template, dict):
        return []
    out = []
    kind = template.get("imagetype")
    if isinstance(kind, str) and kind and kind.lower() != "customimage":
        detail = ""
        if kind.lower() == "gallery":
            parts = [template.get(k) for k in ("galleryimagepublisher", "galleryimageoffer",
                                               "galleryimagesku")]
            if all(isinstance(p, str) for p in parts):
                detail = f" ({':'.join(parts)}, a Marketplace image)"
        out.append(f"(a) vmTemplate.imageType is {kind}{detail}")
    custom = template.get("customimageid")
    if isinstance(custom, str) and custom.strip() and not gallery_image(custom):
        out.append("(a) vmTemplate.customImageId is not a gallery definition or version")
    uri = template.get("imageuri")
    if isinstance(uri, str) and uri.strip():
        out.append("(a) vmTemplate.imageUri is a VHD, not a gallery image")
    return out


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    definitions = {df.definition.id.lower(): df for df in facts.definitions}
    for hp in host_pools(facts):
        parts: list[tuple[str, str]] = []
        a_level = "error" if hp.production else "note"
        parts += [(a_level, t) for t in _template_parts(hp.vm_template)]
        for config in hp.configurations:
            info = config.properties.get("imageInfo")
            info = info if isinstance(info, dict) else {}
            kind = str(info.get("type", "")).lower()
            custom = info.get("customInfo") if isinstance(info.get("customInfo"), dict) else {}
            ref = custom.get("resourceId")
            if kind == "marketplace":
                parts.append((a_level, "(a) its session host configuration's imageInfo.type "
                                       "is Marketplace"))
            elif kind == "custom" and isinstance(ref, str) and ref and not gallery_image(ref):
                parts.append((a_level, "(a) its session host configuration's "
                                       "customInfo.resourceId is not a gallery definition or "
                                       "version"))
            if not gallery_image(ref):
                continue
            pool_sub = known_subscription(subscription_of(hp.pool.id), hp.pool.source)
            if pool_sub and subscription_of(ref) != pool_sub:
                parts.append(("error", "(b) its session host configuration's "
                                       "customInfo.resourceId is a gallery image in another "
                                       "subscription than the host pool, which session host "
                                       "configurations do not support"))
            df = definitions.get(definition_id_of(ref).lower())
            if df is not None and df.definition.purchase_plan:
                parts.append(("warning", f"(c) the definition {df.definition.name} has a "
                                         "purchasePlan, which is not retained when session "
                                         "hosts are updated"))
        if not parts:
            continue
        level = max((lv for lv, _ in parts), key=_RANK.__getitem__)
        yield make_finding(rule, hp.pool, f"host pool {hp.pool.name}: " +
                           "; ".join(t for _, t in parts), level=level, at=("vmTemplate",),
                           properties={"production": hp.production,
                                       "parts": sorted({t[1:2] for _, t in parts})})
