"""A definition declares a feature combination Azure does not support.

## What it does
Fires on an image definition that declares any of: (a) `SecurityType`
`TrustedLaunch` or `ConfidentialVM` (the values without "Supported", which
Azure supports in private galleries only) in a gallery whose permissions
are `Groups` or `Community`; (b) `SecurityType` `ConfidentialVM` or
`ConfidentialVmSupported` with a `DiskControllerTypes` entry that lists
`NVMe` but not `SCSI`; (c) `architecture` `Arm64` with `hyperVGeneration`
`V1`; (d) `hyperVGeneration` `V1` with a `DiskControllerTypes` entry that
lists `NVMe`. Every feature entry counts, whatever its `startsAtVersion`.
One finding per definition naming each part: `error` when (a), (c) or (d)
holds, else `warning`. Inputs: live, templates, plans.

## Why it matters
shared-image-galleries.md lists `TrustedLaunch` and `ConfidentialVM` as
supported in private galleries only; NVMe is supported on generation 2 only
(nvme-overview.md), and "Only Gen2 VM images with security type Standard
and Trusted Launch support NVMe"
(https://github.com/MicrosoftDocs/azure-compute-docs/pull/248); Arm64 sizes
boot generation 2 only (kubermatic/kubermatic#13184).

## Example
A definition with `"hyperVGeneration": "V1"` and
`{"name": "DiskControllerTypes", "value": "SCSI, NVMe"}`.

## Fix
Publish a generation 2 definition; use the "Supported" security types in
shared galleries; keep SCSI for confidential images.

## Config
`rules.ACG704.enabled`, `rules.ACG704.level`.

## Related
ACG701, ACG703.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta
from .v2facts import every_controller_entry, every_feature_value

RULE = RuleMeta(id="ACG704", name="definition-feature-conflict", level="error",
                tags=("correctness",))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for df in facts.definitions:
        d = df.definition
        security = every_feature_value(df, "securitytype")
        controllers = every_controller_entry(df)
        generation = d.hyper_v_generation.lower() if isinstance(d.hyper_v_generation, str) \
            else None
        arch = d.architecture.lower() if isinstance(d.architecture, str) else None
        errors, warnings = [], []
        g = df.gallery
        strict = sorted({s for s in security if s in ("trustedlaunch", "confidentialvm")})
        if strict and g is not None and g.permissions in ("groups", "community"):
            errors.append(f"(a) SecurityType {', '.join(strict)} is supported in private "
                          f"galleries only, and the gallery is shared ({g.permissions})")
        if generation == "v1" and arch == "arm64":
            errors.append("(c) Arm64 with Hyper-V generation V1 (Arm64 boots generation 2 only)")
        if generation == "v1" and any("nvme" in c for c in controllers):
            errors.append("(d) DiskControllerTypes lists NVMe on a generation V1 image (NVMe "
                          "needs generation 2)")
        if any(s in ("confidentialvm", "confidentialvmsupported") for s in security) and \
                any("nvme" in c and "scsi" not in c for c in controllers):
            warnings.append("(b) a confidential VM security type with NVMe-only disk "
                            "controllers (Azure documents NVMe for Standard and Trusted Launch "
                            "images only)")
        if errors or warnings:
            yield make_finding(rule, df, "; ".join(errors + warnings),
                               level=None if errors else "warning", at=("features",),
                               properties={"parts": errors + warnings})
