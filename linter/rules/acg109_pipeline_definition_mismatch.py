"""A pipeline publishes into a definition whose generation, OS state or OS type its
image cannot have.

## What it does
For each planned version whose target definition is in the run: (a) the
pipeline's source image has a known Hyper-V generation that differs from the
definition's (a gallery source whose definition is in the run, a managed
image of the run with `hyperVGeneration`, or a Marketplace source whose SKU
matches `pipelines.gen2_sku_patterns`, which means V2; a definition without
`hyperVGeneration` is V1 below API 2025-03-03 and V2 from it); (b) OS
state: a Packer build with `specialized = true` into a `Generalized`
definition, or without it into a `Specialized` one; an Image Builder
template whose gallery source's definition is `Specialized`; (c) OS type:
Packer `os_type` differs from the definition's `osType`, or a gallery
source's definition has another `osType`. One finding per planned version,
naming each part and both values. Inputs: live, templates, plans, Terraform
source (Image Builder as `azapi_resource`), Packer.

## Why it matters
Azure refuses the version when the build is over: "has a different
Hypervisor generation ... than the parent gallery image", "the OS State in
the parent gallery image ... is not ...", "has a different OS type"
(azure-compute-docs, troubleshooting-shared-images.md); Image Builder "only
supports generalized images as source images" (image-builder-json.md).

## Example
A Packer build from `22_04-lts-gen2` (with `pipelines.gen2_sku_patterns:
["*gen2*"]`) into a definition with `"hyperVGeneration": "V1"`.

## Fix
Publish into a definition of the source's generation, OS state and OS type,
or change the source.

## Config
`pipelines.gen2_sku_patterns` ([]).

## Related
ACG802, ACG703, ACG110.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .pipelines import definition_generation, source_generation, source_image
from .registry import RuleMeta

RULE = RuleMeta(id="ACG109", name="pipeline-definition-mismatch", level="error",
                tags=("pipelines", "correctness"), related=("ACG802", "ACG703", "ACG110"),
                config=("pipelines.gen2_sku_patterns",))


def _low(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) and value else None


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for p, vf, _ in facts.pipeline_versions():
        target = vf.definition
        if target is None:
            continue
        d = target.definition
        src = source_image(p, facts)
        parts = []
        ours, theirs = source_generation(src, facts), definition_generation(d)
        if isinstance(ours, str) and isinstance(theirs, str) and ours != theirs:
            parts.append(f"(a) the source image is Hyper-V generation {ours.upper()}, the "
                         f"definition {theirs.upper()}")
        state = _low(d.os_state)
        if p.kind == "packer" and state is not None:
            specialized = p.properties.get("specialized")
            if specialized is True and state == "generalized":
                parts.append("(b) the build is specialized (specialized = true), the "
                             "definition Generalized")
            elif specialized in (None, False) and state == "specialized":
                parts.append("(b) the build is generalized (specialized is not set), the "
                             "definition Specialized")
        if p.kind == "aib" and src.definition is not None and \
                _low(src.definition.definition.os_state) == "specialized":
            parts.append("(b) the gallery source's definition is Specialized; Image Builder "
                         "only supports generalized images as sources")
        os_type = _low(d.os_type)
        if os_type is not None:
            mine = _low(p.properties.get("os_type")) if p.kind == "packer" else None
            if mine is not None and mine != os_type:
                parts.append(f"(c) the build's os_type is {p.properties['os_type']}, the "
                             f"definition's osType {d.os_type}")
            elif src.definition is not None:
                theirs_type = _low(src.definition.definition.os_type)
                if theirs_type is not None and theirs_type != os_type:
                    parts.append(f"(c) the source's OS type is "
                                 f"{src.definition.definition.os_type}, the definition's "
                                 f"{d.os_type}")
        if parts:
            yield make_finding(rule, vf, f"pipeline {p.name} publishes into {d.name}: " +
                               "; ".join(parts), at=("name", "distribute"),
                               properties={"parts": sorted({t[1:2] for t in parts})})
