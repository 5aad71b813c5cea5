"""An Azure Image Builder template that Azure refuses, or that cannot build.

## What it does
Judges each AIB template (`Microsoft.VirtualMachineImages/imageTemplates`)
where: (a) `buildTimeoutInMinutes` is below 0 or above
`pipelines.build_timeout_max_minutes` (960), or is at least 1 and below
`pipelines.build_timeout_min_minutes` (6) (0 or absent means the default,
240 minutes); (b) a `distribute[].runOutputName` is not 1 to 64 ASCII
letters, digits, `-`, `_` and `.`, or two distributors share one; (c) the
template's `identity` is absent, not `UserAssigned`, or has not exactly one
user-assigned identity; (d) `vmProfile.vnetConfig.containerInstanceSubnetId`
is set without `subnetId`, equals it, is in another virtual network, or is
set with a non-empty `proxyVmSize`; (e) `stagingResourceGroup` is in another
subscription than the template; (f) the source cannot be read where the
template builds: a `ManagedImage` in another subscription, or a managed
image of the run in another region than the template's `location`; a
`SharedImageVersion` pinned to a version of the run not replicated to that
location, or `.../versions/latest` whose definition (in the run) has no
latest there. One finding per template naming each part: `error`, or
`warning` when the only part is (a) below the minimum. Inputs: live,
templates, plans, Terraform source (`azapi_resource`).

## Why it matters
Azure's schema bounds `buildTimeoutInMinutes` to 0–960 and documents a
minimum of 6 minutes; `runOutputName` "must be unique to each distribution
target"; the template's identity "supports a single identity only";
`containerInstanceSubnetId` "may be specified only if `subnetId` is also
specified and must be on the same Virtual Network", "must not be the same
subnet", and `proxyVmSize` "must not be specified" with it; the staging
group must be "in the same subscription as the image template"; a managed
image source "must reside in the same subscription and region", an image
version source "in the same region" (bicep-types-az imagebuilder types;
azure-docs linux/image-builder-json.md). Each is a failed submission or a
failed 40-minute build.

## Example
`"buildTimeoutInMinutes": 1200` and two distributors with
`"runOutputName": "ubuntu"`.

## Fix
Keep the timeout within 6 to 960 minutes, give each distributor its own run
output name, assign exactly one user-assigned identity, and keep sources,
subnets and the staging group where the template builds.

## Config
`pipelines.build_timeout_min_minutes` (6),
`pipelines.build_timeout_max_minutes` (960).

## Related
ACG508, ACG313, ACG109.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..model import Pipeline
from ..names import known_subscription, subscription_of
from .base import make_finding
from .pipelines import managed_image
from .registry import RuleMeta

RULE = RuleMeta(id="ACG110", name="image-template-invalid", level="error",
                tags=("pipelines", "correctness"), related=("ACG508", "ACG313", "ACG109"),
                config=("pipelines.build_timeout_min_minutes",
                        "pipelines.build_timeout_max_minutes"))

_RUN_OUTPUT = re.compile(r"[A-Za-z0-9\-_.]{1,64}")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _timeout(p: Pipeline, facts: Facts) -> tuple[str, str] | None:
    limits = facts.settings.pipelines
    t = _number(p.properties.get("buildTimeoutInMinutes"))
    if t is None:
        return None
    if t < 0 or t > limits.build_timeout_max_minutes:
        return ("error", f"(a) buildTimeoutInMinutes {t:g} is outside 0 to "
                         f"{limits.build_timeout_max_minutes:g}")
    if 1 <= t < limits.build_timeout_min_minutes:
        return ("warning", f"(a) buildTimeoutInMinutes {t:g} is below Azure's minimum of "
                           f"{limits.build_timeout_min_minutes:g} minutes")
    return None


def _run_outputs(p: Pipeline) -> list[str]:
    distribute = p.properties.get("distribute")
    names = [d.get("runOutputName") for d in distribute if isinstance(d, dict)] \
        if isinstance(distribute, list) else []
    out = []
    bad = [i for i, n in enumerate(names) if isinstance(n, str) and not _RUN_OUTPUT.fullmatch(n)]
    if bad:
        out.append(f"(b) distribute[{bad[0]}].runOutputName is not 1 to 64 letters, digits, "
                   "'-', '_' or '.'")
    seen: set[str] = set()
    twice = sorted({n for n in names if isinstance(n, str) and (n in seen or seen.add(n))})
    if twice:
        out.append(f"(b) runOutputName {twice[0]!r} is used by two distributors; it must be "
                   "unique to each distribution target")
    return out


def _identity(p: Pipeline) -> str | None:
    identity = p.identity
    if identity is None:
        return "(c) the template has no identity; Image Builder needs one user-assigned identity"
    if not isinstance(identity, dict):
        return None
    kind = identity.get("type")
    if isinstance(kind, str) and kind.lower() != "userassigned":
        return f"(c) identity type is {kind}, not UserAssigned"
    users = identity.get("userAssignedIdentities")
    if isinstance(users, dict) and len(users) != 1:
        return (f"(c) identity has {len(users)} user-assigned identities; the template "
                "supports a single identity only")
    if users is None and isinstance(kind, str):
        return "(c) identity has no user-assigned identity"
    return None


def _vnet(p: Pipeline) -> list[str]:
    vnet = (p.properties.get("vmProfile") or {}).get("vnetConfig") \
        if isinstance(p.properties.get("vmProfile"), dict) else None
    if not isinstance(vnet, dict):
        return []
    aci, subnet, proxy = (vnet.get("containerInstanceSubnetId"), vnet.get("subnetId"),
                          vnet.get("proxyVmSize"))
    if not isinstance(aci, str) or not aci:
        return []
    out = []
    if subnet is None or subnet == "":
        out.append("(d) containerInstanceSubnetId is set without subnetId")
    elif isinstance(subnet, str):
        if subnet.lower() == aci.lower():
            out.append("(d) containerInstanceSubnetId is the same subnet as subnetId")
        elif aci.lower().split("/subnets/")[0] != subnet.lower().split("/subnets/")[0]:
            out.append("(d) containerInstanceSubnetId is in another virtual network than "
                       "subnetId")
    if isinstance(proxy, str) and proxy:
        out.append("(d) proxyVmSize must not be set with containerInstanceSubnetId")
    return out


def _staging(p: Pipeline) -> str | None:
    staging = p.properties.get("stagingResourceGroup")
    if not isinstance(staging, str) or not staging.lower().startswith("/subscriptions/") \
            or known_subscription(p.subscription_id, p.source) is None:
        return None
    if subscription_of(staging) != p.subscription_id.lower():
        return "(e) stagingResourceGroup is in another subscription than the template"
    return None


def _source(p: Pipeline, facts: Facts) -> list[str]:
    source = p.properties.get("source")
    if not isinstance(source, dict):
        return []
    kind = str(source.get("type", "")).lower()
    where = p.location if isinstance(p.location, str) and p.location else None
    out = []
    if kind == "managedimage":
        image = source.get("imageId")
        if not isinstance(image, str) or not image.lower().startswith("/subscriptions/"):
            return []
        if known_subscription(p.subscription_id, p.source) is not None and \
                subscription_of(image) != p.subscription_id.lower():
            out.append("(f) the ManagedImage source is in another subscription than the "
                       "template")
        managed = managed_image(facts, image)
        if managed is not None and where and isinstance(managed.location, str) and \
                managed.location and managed.location != where:
            out.append(f"(f) the ManagedImage source is in {managed.location}, the template "
                       f"builds in {where}")
    elif kind == "sharedimageversion" and where:
        ref = source.get("imageVersionId")
        if not isinstance(ref, str):
            return []
        low = ref.lower()
        if low.endswith("/versions/latest"):
            df = next((d for d in facts.definitions
                       if d.definition.id.lower() == low[:-len("/versions/latest")]), None)
            if df is not None and where not in df.latest_by_region:
                out.append(f"(f) the source definition {df.definition.name} has no latest "
                           f"version in {where}, where the template builds")
        else:
            vf = next((v for v in facts.versions if v.version.id.lower() == low), None)
            if vf is not None and isinstance(vf.regions, dict) and where not in vf.regions:
                out.append(f"(f) the source version {vf.version.name} is not replicated to "
                           f"{where}, where the template builds")
    return out


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for p in facts.inventory.pipelines:
        if p.kind != "aib":
            continue
        parts: list[tuple[str, str, str]] = []  # (level, text, located key)
        timeout = _timeout(p, facts)
        if timeout:
            parts.append((*timeout, "buildTimeoutInMinutes"))
        parts += [("error", t, "distribute") for t in _run_outputs(p)]
        identity = _identity(p)
        if identity:
            parts.append(("error", identity, "identity"))
        parts += [("error", t, "vmProfile.vnetConfig") for t in _vnet(p)]
        staging = _staging(p)
        if staging:
            parts.append(("error", staging, "stagingResourceGroup"))
        parts += [("error", t, "source") for t in _source(p, facts)]
        if not parts:
            continue
        level = "error" if any(lv == "error" for lv, _, _ in parts) else "warning"
        yield make_finding(rule, p, f"Image Builder template {p.name}: " +
                           "; ".join(t for _, t, _ in parts),
                           level=level, at=tuple(k for _, _, k in parts),
                           region=p.location if isinstance(p.location, str) and p.location
                           else None,
                           properties={"pipeline": p.id,
                                       "parts": sorted({t[1:2] for _, t, _ in parts})})
