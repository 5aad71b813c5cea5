"""A VM or scale set installs a VM application made for another OS.

## What it does
Fires when an entry of the deployment's `galleryApplications[]` names an
application (`…/galleries/{g}/applications/{a}`, in the input) whose
`supportedOSType` is not the deployment's OS type: its image definition's
`osType` when the definition is in the input, else its
`storageProfile.osDisk.osType`, else (Terraform) Linux for
`azurerm_linux_*` and Windows for `azurerm_windows_*`; unknown keeps the
rule quiet. One finding per deployment naming each entry. Inputs: live,
templates, plans.

## Why it matters
Azure fails the install: "supports OS {OS}, while current OSDisk's OS is
{OS}" (vm-applications.md).

## Example
A Linux VM referencing an application with `"supportedOSType": "Windows"`.

## Fix
Publish the application for the right OS, or remove the entry.

## Config
`rules.ACG903.enabled`, `rules.ACG903.level`, `reporting.group_over`.

## Related
ACG901.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .apps import app_findings
from .registry import RuleMeta
from .v2facts import deployment_os_type

RULE = RuleMeta(id="ACG903", name="app-os-type-mismatch", level="error",
                tags=("applications", "correctness"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    def failing(ad: Any, ef: Any) -> str | None:
        app = ef.application
        if app is None or not isinstance(app.supported_os_type, str):
            return None
        df = ad.image.definition if ad.image is not None else None
        os_type = deployment_os_type(ad.deployment, df)
        if not isinstance(os_type, str) or os_type == app.supported_os_type:
            return None
        return (f"application {app.name} supports {app.supported_os_type}, the deployment's OS "
                f"is {os_type}")

    yield from app_findings(facts, rule, failing)
