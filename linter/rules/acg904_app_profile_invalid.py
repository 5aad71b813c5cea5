"""A VM or scale set lists too many VM applications, or one application twice.

## What it does
Fires when a deployment's `galleryApplications[]` has more than
`limits.apps_per_vm` (25) entries, or two entries whose
`packageReferenceId` names the same application (the same
`…/galleries/{g}/applications/{a}`, whatever the version, compared
case-insensitively). One finding per deployment naming each part, never
grouped. Inputs: live, templates, plans.

## Why it matters
vm-applications.md: "Up to 25 applications per VM" (an error text of the
same page still says "max=5"), and "Single version of the application per
VM": "More than one VM Application was specified with the same
packageReferenceId".

## Example
Two entries referencing `…/applications/agent/versions/1.0.0` and
`…/applications/agent/versions/latest`.

## Fix
Keep one entry per application; split installs across fewer, larger
applications.

## Config
`limits.apps_per_vm` (25).

## Related
ACG901.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG904", name="app-profile-invalid", level="error",
                tags=("applications", "correctness"), config=("limits.apps_per_vm",))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    limit = facts.settings.limits.apps_per_vm
    for ad in facts.app_deployments:
        parts = []
        if len(ad.entries) > limit:
            parts.append(f"{len(ad.entries)} galleryApplications entries (at most {limit}, "
                         "limits.apps_per_vm)")
        seen: dict[str, int] = {}
        for ef in ad.entries:
            key = ef.application_key
            if key is None:
                continue
            if key in seen:
                parts.append(f"galleryApplications[{seen[key]}] and [{ef.entry.index}] name the "
                             f"same application {key.rsplit('/', 1)[-1]}")
            else:
                seen[key] = ef.entry.index
        if parts:
            yield make_finding(rule, ad, "; ".join(parts), at=("applications",),
                               never_grouped=True)
