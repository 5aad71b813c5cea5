"""A template or plan sets an osProfile its image's OS state does not allow.

## What it does
In a template or plan: fires on a deployment whose definition's `osState`
is `Specialized` and that sets an `osProfile`, or whose definition is
`Generalized` and that sets none. The `osProfile` is
`properties.osProfile` (scale set:
`properties.virtualMachineProfile.osProfile`) in a template; in a plan it
is present when the resource sets `admin_username`, `admin_password`,
`admin_ssh_key`, `custom_data` or `secret` (legacy
`azurerm_virtual_machine` and `azurerm_virtual_machine_scale_set`: an
`os_profile` block), and absent when none is set; unknown values keep the
rule quiet. That mapping for every azurerm resource is an inference from the
provider's behaviour, not verified per resource. Live deployments are not
judged: they exist, so Azure accepted them. Inputs: templates, plans.

## Why it matters
Azure rejects both: "Parameter 'osProfile' is not allowed" (specialized
image with admin credentials) and "Required parameter 'osProfile' is
missing (null)" (generalized image without them)
(troubleshooting-shared-images.md; azurerm PR #7524).

## Example
A VM from a Specialized definition with
`"osProfile": {"adminUsername": "azureuser", …}`.

## Fix
Drop the `osProfile` (and `admin_*` arguments) for a specialized image;
give one for a generalized image.

## Config
`rules.ACG802.enabled`, `rules.ACG802.level`.

## Related
ACG503.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG802", name="os-state-profile-mismatch", level="error",
                tags=("deployments", "correctness"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for dep in facts.deployments:
        d = dep.deployment
        if not d.source.from_iac or dep.definition is None:
            continue
        state = dep.definition.definition.os_state
        if not isinstance(state, str) or not isinstance(d.os_profile, bool):
            continue
        state = state.lower()
        if state == "specialized" and d.os_profile:
            yield make_finding(rule, dep, "sets an osProfile, but its image definition is "
                               "Specialized: Azure rejects it (\"Parameter 'osProfile' is not "
                               "allowed\")", at=("osProfile", "imageReference"))
        elif state == "generalized" and not d.os_profile:
            yield make_finding(rule, dep, "sets no osProfile, but its image definition is "
                               "Generalized: Azure rejects it (\"Required parameter "
                               "'osProfile' is missing\")", at=("imageReference",))
