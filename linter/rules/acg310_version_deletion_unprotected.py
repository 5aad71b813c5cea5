"""A version that production depends on can lose its replicas or be deleted.

## What it does
For a version that is not soft-deleted, and that a production deployment
uses or that is the latest in one of its target regions and lives in a
production gallery: (a) `safetyProfile.allowDeletionOfReplicatedLocations`
is `true` (its regions can be removed while deployments need them), fires at
`warning`; or (b), only when `lifecycle.require_block_deletion` is `true`:
`safetyProfile.blockDeletionBeforeEndOfLife` is `false`, the version's end
of life (own, else its definition's) is set and not past, and the gallery's
`softDeletePolicy.isSoftDeleteEnabled` is not `true`, fires at `note`. One
finding per version. An absent `blockDeletionBeforeEndOfLife` is unknown:
Azure's what's-new says "You can opt out by explicitly setting
`BlockDeletionBeforeEndOfLife` to `False`", and whether it defaults to true
is not verified. Inputs: live, templates, plans (Terraform
`deletion_of_replicated_locations_enabled`).

## Why it matters
Azure's best practices (azure-compute-gallery.md) set
`allowDeletionOfReplicatedLocations` to `false` and block deletion before
end of life; a deleted replica or version breaks scale-out of every scale
set built from it.

## Example
A version in a production gallery with
`"safetyProfile": {"allowDeletionOfReplicatedLocations": true}`.

## Fix
`az sig image-version update … --set safetyProfile.allowDeletionOfReplicatedLocations=false`
and, for (b), `--block-deletion-before-end-of-life true` or enable soft delete.

## Config
`lifecycle.require_block_deletion` (false), `environments.*`.

## Related
ACG206, ACG301.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..sources.azure import ci_path
from .base import make_finding
from .registry import RuleMeta
from .v2facts import production_users

RULE = RuleMeta(id="ACG310", name="version-deletion-unprotected", level="warning",
                tags=("lifecycle", "reliability"), config=("lifecycle.require_block_deletion",))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    used_in_production = production_users(facts)
    require_block = facts.settings.lifecycle.require_block_deletion
    now = facts.now
    for vf in facts.versions:
        if vf.soft_deleted:
            continue
        if id(vf) not in used_in_production and not (vf.latest_in and vf.production):
            continue
        v = vf.version
        why = "used by production deployments" if id(vf) in used_in_production else \
            "the latest in a production gallery"
        if v.allow_deletion_of_replicated_locations is True:
            yield make_finding(rule, vf, f"version is {why}, but "
                               "safetyProfile.allowDeletionOfReplicatedLocations is true: its "
                               "replicated regions can be removed while deployments need them",
                               at=("safetyProfile",))
            continue
        if not require_block or v.block_deletion_before_end_of_life is not False:
            continue
        eol = vf.end_of_life
        if not isinstance(eol, datetime) or eol < now:
            continue
        g = vf.gallery
        soft_delete = ci_path(g.properties, "softDeletePolicy", "isSoftDeleteEnabled") \
            if g is not None else None
        if soft_delete is True:
            continue
        yield make_finding(rule, vf, f"version is {why}, but "
                           "safetyProfile.blockDeletionBeforeEndOfLife is false before its end of "
                           "life and the gallery has no soft delete: it can be deleted while in "
                           "use", level="note", at=("safetyProfile",))
