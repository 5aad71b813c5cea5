"""Neither the version nor its definition has an end-of-life date.

## What it does
Fires (`note`) when a version has no `publishingProfile.endOfLifeDate` and its
definition has no `endOfLifeDate`. Quiet when the definition is not in the
input (its date is unknown).

v3: also judges planned versions; for an Image Builder one the message says that Image
Builder cannot set an end of life on the versions it creates.

## Why it matters
Without an end of life, nothing tells consumers when to move on, and ACG301
and ACG302 cannot protect them.

## Example
A version and definition with no `endOfLifeDate`.

## Fix
`az sig image-version update … --set publishingProfile.endOfLifeDate=2027-06-30`,
or set it on the definition for all its versions.

## Config
`rules.ACG303.enabled`, `rules.ACG303.level`.

## Related
ACG301, ACG302.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG303", name="end-of-life-missing", level="note", tags=("lifecycle",))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for vf in (*facts.versions, *facts.planned):
        if vf.definition is None:
            continue
        if vf.version.end_of_life is None and vf.definition.definition.end_of_life is None:
            pipeline = vf.version.pipeline
            if isinstance(pipeline, str) and not pipeline.startswith("packer:"):
                yield make_finding(rule, vf, "no end-of-life date on the definition, and Azure "
                                   "Image Builder cannot set one on the versions it creates")
            else:
                yield make_finding(rule, vf, "no end-of-life date on the version or its "
                                   "definition")
