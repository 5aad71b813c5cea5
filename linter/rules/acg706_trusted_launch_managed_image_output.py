"""A pipeline that captures a managed image from a Trusted Launch or confidential build VM.

## What it does
Judges each pipeline with a managed-image output (Packer
`managed_image_name`; an Image Builder `ManagedImage` distributor) whose
build VM is Trusted Launch or confidential: Packer `security_type`
`TrustedLaunch` or `ConfidentialVM`, or a gallery-version source whose
`SecurityType` (the entry that applies to the source version) is
`TrustedLaunch` or `ConfidentialVM`, which allow only such VMs (a `latest`
source: the definition's latest in the pipeline's region, else not
judged). One finding per pipeline. Inputs: live, templates, plans,
Terraform source (Image Builder as `azapi_resource`), Packer.

## Why it matters
Azure: "Creation of managed images are not supported for virtual machine
with TrustedLaunch security type" (trusted-launch-faq; packer-plugin-azure
issues). The build runs to the end and fails at capture.

## Example
A Packer source with `security_type = "TrustedLaunch"` and
`managed_image_name = "web"`.

## Fix
Publish to a gallery (`shared_image_gallery_destination`, an Image Builder
`SharedImage` distributor) instead of a managed image.

## Config
None.

## Related
ACG804, ACG702, ACG109.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .pipelines import source_image
from .registry import RuleMeta

RULE = RuleMeta(id="ACG706", name="trusted-launch-managed-image-output", level="error",
                tags=("security-features", "pipelines", "correctness"),
                related=("ACG804", "ACG702", "ACG109"))

_SECURE = {"trustedlaunch": "TrustedLaunch", "confidentialvm": "ConfidentialVM"}


def _managed_output(p: Any) -> str | None:
    a = p.properties
    if p.kind == "packer":
        name = a.get("managed_image_name")
        return "managed_image_name" if isinstance(name, str) and name else None
    distribute = a.get("distribute")
    for i, d in enumerate(distribute if isinstance(distribute, list) else []):
        if isinstance(d, dict) and str(d.get("type", "")).lower() == "managedimage":
            return f"distribute[{i}]"
    return None


def _build_security(p: Any, facts: Facts) -> str | None:
    if p.kind == "packer":
        value = p.properties.get("security_type")
        if isinstance(value, str) and value.lower() in _SECURE:
            return f"security_type {_SECURE[value.lower()]}"
    src = source_image(p, facts)
    if src.kind == "gallery" and src.definition is not None and \
            isinstance(src.number, tuple):
        value = src.definition.feature("securitytype", src.number)
        if isinstance(value, str) and value.lower() in _SECURE:
            return (f"its gallery source's SecurityType {_SECURE[value.lower()]}, which "
                    "allows only such VMs")
    return None


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for p in facts.inventory.pipelines:
        output = _managed_output(p)
        if output is None:
            continue
        why = _build_security(p, facts)
        if why is None:
            continue
        yield make_finding(rule, p, f"pipeline {p.name} captures a managed image "
                           f"({output}) from a build VM with {why}: creation of managed "
                           "images is not supported for Trusted Launch or confidential VMs",
                           at=(output, "security_type"), properties={"pipeline": p.id})
