"""A version past its end of life is still in use or still the latest.

## What it does
Takes a version's end of life (its own `publishingProfile.endOfLifeDate`,
else its definition's `endOfLifeDate`). When that is before now and the
version is used by a deployment (pinned, `exactVersion` or resolved
`latest`) or is the latest in one of its target regions, it fires at
`error`. A past-end-of-life version that is neither is reported at `note`
as a clean-up candidate.

## Why it matters
End of life is informational in Azure: VMs can still be created from such a
version, and `latest` still hands it out (azure-docs,
shared-image-galleries.md). Nothing stops an unsupported, unpatched image
from spreading unless a check like this one does.

## Example
Version 1.0.0 with `"endOfLifeDate": "2025-01-01T00:00:00Z"`, pinned by a VM.

## Fix
Move deployments to a supported version and exclude this one from latest:
`az sig image-version update … --set publishingProfile.excludeFromLatest=true`;
delete it once nothing uses it.

## Config
`rules.ACG301.enabled`, `rules.ACG301.level` (re-levels the error; the
clean-up note stays a note).

## Related
ACG302, ACG304, ACG306.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import date_text, make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG301", name="version-end-of-life", level="error",
                tags=("lifecycle", "patching"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    now = facts.now
    for vf in facts.versions:
        eol = vf.end_of_life
        if not isinstance(eol, datetime) or not eol < now:
            continue
        own = vf.version.end_of_life is not None
        at = ("endOfLifeDate",) if own else ()
        props = {"endOfLife": eol.isoformat(), "latestIn": sorted(vf.latest_in),
                 "used": vf.used}
        source = "" if own else " (the definition's)"
        if vf.used or vf.latest_in:
            why = []
            if vf.used:
                why.append("used by deployments")
            if vf.latest_in:
                why.append(f"latest in {', '.join(sorted(vf.latest_in))}")
            yield make_finding(rule, vf, f"end of life {date_text(eol)}{source} has passed, "
                               f"but the version is {' and '.join(why)}", at=at,
                               properties=props)
        else:
            yield make_finding(rule, vf, f"end of life {date_text(eol)}{source} has passed and "
                               "nothing uses the version: a clean-up candidate", level="note",
                               at=at, properties=props)
