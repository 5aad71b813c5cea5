"""A production VM or scale set ignores VM application install failures.

## What it does
Fires at `note` on a production app deployment (its `environment` tag, the
gallery of its image, or the gallery of any application it references is
production) with a `galleryApplications[]` entry whose
`treatFailureAsDeploymentFailure` is not `true` (absent means `false`;
Terraform `treat_failure_as_deployment_failure_enabled`). One finding per
deployment naming each entry. Inputs: live, templates, plans.

## Why it matters
"By default, if an application fails to install, update, or remove, the VM
Application extension still reports its status as success"
(vm-applications.md): a production VM can come up without its agent and
nobody notices.

## Example
An entry without `"treatFailureAsDeploymentFailure": true` on a VM tagged
`environment: prod`.

## Fix
Set `treatFailureAsDeploymentFailure: true` on each entry.

## Config
`environments.*`, `rules.ACG906.enabled`, `rules.ACG906.level`.

## Related
ACG901.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .apps import app_findings
from .registry import RuleMeta

RULE = RuleMeta(id="ACG906", name="app-failure-ignored", level="note",
                tags=("applications", "reliability"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    def failing(ad: Any, ef: Any) -> str | None:
        if ef.entry.treat_failure_as_deployment_failure is True:
            return None
        return "treatFailureAsDeploymentFailure is not true: a failed install still reports success"

    yield from app_findings(facts, rule, failing, only=lambda ad: ad.production)
