"""An encrypted version lives in a gallery shared directly or with the community.

## What it does
Fires on an encrypted version (any `publishingProfile.targetRegions[]` or
`targetExtendedLocations[]` entry with a non-empty
`encryption.osDiskImage.diskEncryptionSetId`,
`encryption.osDiskImage.securityProfile.secureVMDiskEncryptionSetId` or
`encryption.dataDiskImages[].diskEncryptionSetId`) in a gallery whose
`sharingProfile.permissions` is `Groups` or `Community`. When
`encryption.require_cmk` is on, the message says that ACG404 and this rule
cannot both be satisfied for the gallery. Inputs: live, templates, plans.

v3: also judges planned versions (a Packer `target_region` with a disk encryption set).

## Why it matters
"A direct shared gallery can't contain encrypted image versions"
(azure-compute-gallery.md); for community galleries "Encrypted images are
not supported" (share-gallery-community.md).

## Example
A version with a disk encryption set in a gallery with
`"permissions": "Groups"`.

## Fix
Publish encrypted versions to an RBAC-shared (private) gallery, or publish
an unencrypted version for sharing.

## Config
`encryption.require_cmk`.

## Related
ACG404, ACG502, ACG501.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta
from .v2facts import is_encrypted

RULE = RuleMeta(id="ACG505", name="encrypted-version-shared", level="error",
                tags=("security", "sharing"), security_severity=5.0,
                config=("encryption.require_cmk",))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    cmk = facts.settings.encryption.require_cmk
    for vf in (*facts.versions, *facts.planned):  # v3: what a pipeline will publish too
        g = vf.gallery
        if g is None or g.permissions not in ("groups", "community"):
            continue
        if not is_encrypted(vf.version):
            continue
        how = "directly (Groups)" if g.permissions == "groups" else "with the community"
        extra = (" encryption.require_cmk is on, so ACG404 and this rule cannot both be "
                 "satisfied for this gallery." if cmk else "")
        yield make_finding(rule, vf, f"encrypted version in gallery {g.name}, which is shared "
                           f"{how}: Azure does not support encrypted versions in shared "
                           f"galleries.{extra}", at=("targetRegions",))
