"""A VM or scale set installs a VM application version past its end of life.

## What it does
For each entry of a VM's `applicationProfile.galleryApplications[]` (scale
set: under `virtualMachineProfile`), resolves `packageReferenceId` to an
application version (a last segment `latest` means the application's
highest valid version that targets the deployment's region and is not
excluded from latest there). Fires when that version's end of life (its
`publishingProfile.endOfLifeDate`, else its application's
`endOfLifeDate`) is before now. One finding per deployment naming each
entry (`order`, `packageReferenceId`). Inputs: live, templates, plans
(`gallery_application.version_id`).

## Why it matters
Azure fails the deployment: "Current VM Application Version {name} was
deprecated at {date}" (vm-applications.md; the same page also says end of
life "isn't enforced", and the catalog treats it like ACG301).

## Example
A VM with a `packageReferenceId` naming version 1.0.0 whose
`endOfLifeDate` is 2025-01-01.

## Fix
Reference a supported version, or `latest`.

## Config
`rules.ACG901.enabled`, `rules.ACG901.level`, `reporting.group_over`.

## Related
ACG301, ACG902.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .apps import app_findings
from .base import date_text
from .registry import RuleMeta

RULE = RuleMeta(id="ACG901", name="app-version-end-of-life", level="error",
                tags=("applications", "lifecycle"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    now = facts.now

    def failing(ad: Any, ef: Any) -> str | None:
        if ef.version is None:
            return None
        eol = ef.version.end_of_life
        if isinstance(eol, datetime) and eol < now:
            return (f"application version {ef.version.version.name} reached its end of life "
                    f"on {date_text(eol)}")
        return None

    yield from app_findings(facts, rule, failing)
