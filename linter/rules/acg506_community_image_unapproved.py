"""A deployment uses a community image that is not on the allow-list.

## What it does
Off unless `sharing.allowed_community_images` is set. Fires on a VM or
scale set whose `imageReference.communityGalleryImageId` is
`/CommunityGalleries/{publicName}/Images/{image}[/Versions/{version}]` when
neither `{publicName}` nor `{publicName}/{image}` matches an entry of the
list (globs, case-insensitive). An empty list fires on every community
reference. The community gallery itself need not be in the input. One
finding per deployment, never grouped. Inputs: live, templates, plans.

## Why it matters
Community images "aren't subject to certification, and they're not scanned
for malware or vulnerabilities", and their publisher can make the gallery
private at any time, which stops scale-out (share-gallery-community.md).

## Example
`"communityGalleryImageId": "/CommunityGalleries/someone-1a2b/Images/ubuntu/Versions/latest"`
with `sharing.allowed_community_images: ["contoso-*"]`.

## Fix
Use an approved image, or add the gallery's public name (or
`publicName/image`) to `sharing.allowed_community_images`.

## Config
`sharing.allowed_community_images` (default: unset, rule off).

## Related
ACG501, ACG801.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..facts import Facts, glob_match
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG506", name="community-image-unapproved", level="error",
                tags=("security", "sharing", "deployments"), security_severity=6.0,
                config=("sharing.allowed_community_images",))

_COMMUNITY = re.compile(r"^/communitygalleries/(?P<name>[^/]+)/images/(?P<image>[^/]+)"
                        r"(?:/versions/[^/]+)?/?$", re.IGNORECASE)


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    allowed = facts.settings.sharing.allowed_community_images
    if allowed is None:
        return
    for dep in facts.deployments:
        ref = dep.deployment.community_image_id
        if not isinstance(ref, str):
            continue
        m = _COMMUNITY.match(ref.strip())
        if m is None:
            continue
        name, image = m.group("name"), m.group("image")
        if glob_match(allowed, name, f"{name}/{image}"):
            continue
        yield make_finding(rule, dep, f"uses community image {name}/{image}, which is not in "
                           "sharing.allowed_community_images: community images are not "
                           "certified or scanned, and their publisher can withdraw them",
                           at=("imageReference",), never_grouped=True,
                           properties={"publicName": name, "image": image})
