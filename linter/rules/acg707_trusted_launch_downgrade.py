"""A production VM or scale set runs a Trusted Launch image without Trusted Launch, or
without Secure Boot and vTPM.

## What it does
Judges each production deployment of a gallery image whose `SecurityType`
(the entry that applies to the version it uses) is `TrustedLaunchSupported`
or `TrustedLaunchAndConfidentialVmSupported` (no such entry: not judged):
(a) its security type is `Standard`: in a template,
`securityProfile.securityType` set to `Standard`; in live inventory,
`Standard` or absent (Azure reports `TrustedLaunch` and `ConfidentialVM` on
the VM); in plans and Terraform source it is unknown (azurerm has no
security-type argument; Azure's Trusted Launch default decides); (b) its
security type is `TrustedLaunch` and `securityProfile.uefiSettings.
secureBootEnabled` or `vTpmEnabled` is `false` (Terraform: one of
`secure_boot_enabled` and `vtpm_enabled` is true and the other false or
unset). Scale sets: under `virtualMachineProfile`. One finding per
deployment, naming the part. Inputs: live, templates, plans, Terraform
source.

## Why it matters
Without Trusted Launch with Secure Boot and vTPM the boot chain cannot be
attested: no protection against boot kits and rootkits, no guest
attestation (trusted-launch.md). The image supports it; only the
deployment turned it off.

## Example
A production VM from a `TrustedLaunchSupported` definition with
`"securityProfile": {"securityType": "TrustedLaunch", "uefiSettings":
{"secureBootEnabled": false, "vTpmEnabled": true}}`.

## Fix
Deploy with `securityType: TrustedLaunch`, `secureBootEnabled: true` and
`vTpmEnabled: true` (Terraform: `secure_boot_enabled = true`,
`vtpm_enabled = true`).

## Config
`environments.production_galleries`, `environments.production_tag_values`,
`environments.production_scopes`.

## Related
ACG701, ACG702. Peers: Azure Policy c95b54ad "Virtual Machine should have
TrustedLaunch enabled"; Defender for Cloud's Secure Boot, vTPM and Guest
Attestation recommendations.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..model import UNKNOWN
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG707", name="trusted-launch-downgrade", level="warning",
                tags=("security", "security-features", "deployments"), security_severity=5.5,
                related=("ACG701", "ACG702"),
                config=("environments.production_galleries",
                        "environments.production_tag_values",
                        "environments.production_scopes"))

_SUPPORTS = ("trustedlaunchsupported", "trustedlaunchandconfidentialvmsupported")


def _downgrade(dep: Any) -> str | None:
    form = dep.source.form
    security = dep.security_type
    if security is UNKNOWN:
        return None
    kind = security.lower() if isinstance(security, str) else None
    if kind == "standard" and form not in ("plan", "terraform"):
        return "(a) its security type is Standard"
    if kind is None and dep.source.live:
        return "(a) it runs without Trusted Launch (Standard)"
    if kind == "trustedlaunch":
        off = [name for name, value in (("secure boot", dep.secure_boot), ("vTPM", dep.vtpm))
               if value is False]
        if off:
            return f"(b) it runs Trusted Launch with {' and '.join(off)} off"
    return None


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for df in facts.deployments:
        if not df.production or df.definition is None:
            continue
        value = df.definition.feature("securitytype", df.version_number)
        if not isinstance(value, str) or value.lower() not in _SUPPORTS:
            continue
        why = _downgrade(df.deployment)
        if why is None:
            continue
        kind = "VM" if df.deployment.kind == "vm" else "scale set"
        yield make_finding(rule, df, f"production {kind} {df.deployment.name}: {why}, though "
                           f"its image supports Trusted Launch ({value}); the boot chain "
                           "cannot be attested", at=("securityType",),
                           properties={"securityType": df.deployment.security_type
                                       if isinstance(df.deployment.security_type, str)
                                       else None})
