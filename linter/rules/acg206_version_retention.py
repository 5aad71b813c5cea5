"""A definition has too many versions, or versions nobody uses any more.

## What it does
For each image definition: (a) it has more than
`retention.max_versions_per_definition` (50) versions, soft-deleted ones not
counted; or (b) it has clean-up candidates. A candidate is a version that is
not soft-deleted, is used by no deployment in the input (pinned,
`exactVersion` or resolved latest; a template or plan deployment in the same
run counts as use), is not the latest in any of its target regions, is not
among the `retention.keep_newest` (3) highest valid versions, was published
more than `retention.unused_days` (180) days before now, and is not blocked
from deletion (`safetyProfile.blockDeletionBeforeEndOfLife` true with an end
of life that is not past). Candidates are listed only when the run holds at
least one VM or scale set from live inventory, and never for a definition in
a gallery shared by `Groups` or `Community` (its consumers are outside the
inventory, and so is a gallery not in the input). One finding per
definition: `warning` when (a) holds, else `note`; the message gives the
count, the limit and the candidates in ascending version order, and the
finding's properties list all of them. Inputs: live.

## Why it matters
Version sprawl hits the 10,000-versions-per-region quota
(https://github.com/Azure/AgentBaker/pull/8434), and clean-up scripts that do
not know what is in use delete versions that VMs still scale from
(https://github.com/Azure/AgentBaker/pull/9397). Keeping a few newest
versions is common practice (YannickRe/azuredevops-buildagents PR #46).

## Example
A definition with 60 versions, or one whose 1.0.0 was published a year ago,
is not latest anywhere and no VM uses it.

## Fix
Delete the candidates (`az sig image-version delete …`), or raise the
thresholds.

## Config
`retention.max_versions_per_definition` (50), `retention.keep_newest` (3),
`retention.unused_days` (180).

## Related
ACG203, ACG301, ACG310.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from ..facts import Facts, VersionFacts
from ..findings import Finding
from ..model import UNKNOWN
from .base import days_between, make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG206", name="version-retention", level="warning",
                tags=("limits", "lifecycle", "cost"),
                config=("retention.max_versions_per_definition", "retention.keep_newest",
                        "retention.unused_days"))


def _order(vf: VersionFacts) -> tuple[Any, ...]:
    return (0, vf.number, "") if vf.number is not None else (1, (0, 0, 0), vf.version.name)


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    settings = facts.settings.retention
    now = facts.now
    for df in facts.definitions:
        live = [vf for vf in df.versions if not vf.soft_deleted]
        count = len(live)
        too_many = count > settings.max_versions_per_definition
        candidates: list[VersionFacts] = []
        g = df.gallery
        if facts.has_live_deployments and g is not None and \
                g.permissions not in ("groups", "community") and g.permissions is not UNKNOWN:
            # v3: the newest kept are counted among versions that are not soft-deleted
            valid = sorted((vf for vf in live if vf.number is not None),
                           key=lambda vf: vf.number, reverse=True)  # type: ignore[arg-type]
            newest = {id(vf) for vf in valid[:max(settings.keep_newest, 0)]}
            for vf in live:
                v = vf.version
                if vf.used or vf.latest_in or id(vf) in newest:
                    continue
                if not isinstance(v.published, datetime) or \
                        not days_between(now, v.published) > settings.unused_days:
                    continue
                # v3: blocked when blockDeletionBeforeEndOfLife is true or absent and the
                # end of life is absent or not past (a candidate must be safe to delete)
                block = v.block_deletion_before_end_of_life
                if block is not False:
                    if block not in (True, None):
                        continue  # unknown
                    if not (isinstance(vf.end_of_life, datetime) and vf.end_of_life < now):
                        continue
                candidates.append(vf)
        if not too_many and not candidates:
            continue
        candidates.sort(key=_order)
        names = [vf.version.name for vf in candidates]
        parts = [f"{count} versions (limit {settings.max_versions_per_definition}, "
                 "retention.max_versions_per_definition)"]
        if candidates:
            shown = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20
                                             else "")
            parts.append(f"{len(names)} clean-up candidate(s), unused, not latest, older than "
                         f"{settings.unused_days:g} days and not among the "
                         f"{settings.keep_newest} newest: {shown}")
        yield make_finding(rule, df, "; ".join(parts), level=None if too_many else "note",
                           properties={"count": count,
                                       "limit": settings.max_versions_per_definition,
                                       "candidates": [vf.version.id for vf in candidates],
                                       "candidateNames": names})
