"""Azure's Trusted Launch validation failed for a version of a Trusted Launch image.

## What it does
Fires on a version whose `validationsProfile.executedValidations[]` has an
entry with `type` `TrustedLaunch` and `status` `Failed`, when the
`SecurityType` feature that applies to the version is
`TrustedLaunchSupported` or `TrustedLaunchAndConfidentialVmSupported`.
Inputs: live only (`GET …?$expand=ValidationProfile`; the feature is in
preview).

## Why it matters
Only successfully validated versions make deployments default to Trusted
Launch (azure-compute-gallery.md, "Trusted Launch validation"): VMs built
from this one silently run without Secure Boot and vTPM.

## Example
`"validationsProfile": {"executedValidations": [{"type": "TrustedLaunch", "status": "Failed"}]}`.

## Fix
Rebuild the image so that it boots with Secure Boot (signed boot chain,
generation 2), and publish a new version.

## Config
`rules.ACG705.enabled`, `rules.ACG705.level`.

## Related
ACG701, ACG702.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG705", name="trusted-launch-validation-failed", level="warning",
                tags=("security", "deployments"), security_severity=5.0)

_SUPPORTED = ("trustedlaunchsupported", "trustedlaunchandconfidentialvmsupported")


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for vf in facts.versions:
        if ("trustedlaunch", "failed") not in vf.version.validations or vf.definition is None:
            continue
        value = vf.definition.feature("securitytype", vf.number)
        if not isinstance(value, str) or value.lower() not in _SUPPORTED:
            continue
        yield make_finding(rule, vf, f"Trusted Launch validation failed for this version of a "
                           f"{value} image: deployments from it do not get Trusted Launch by "
                           "default")
