"""A community gallery or one of its definitions lacks the public metadata.

## What it does
Fires on a gallery shared with `Community` that lacks
`communityGalleryInfo.publisherUri`, `publisherContact` or `eula`, and on each
definition in such a gallery that lacks `eula`, `privacyStatementUri` or
`releaseNoteUri`.

## Why it matters
Community images are public; Azure requires a publisher URL, support email
and legal agreement for the gallery (azure-compute-docs,
share-gallery-community.md), and users need the definition's terms, privacy
statement and release notes to trust an image.

## Example
A Community gallery whose `communityGalleryInfo` has no `eula`.

## Fix
`az sig update … --set sharingProfile.communityGalleryInfo.eula=<url>`;
`az sig image-definition update … --set eula=<url> privacyStatementUri=<url>
releaseNoteUri=<url>`.

## Config
`rules.ACG504.enabled`, `rules.ACG504.level`.

## Related
ACG501.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..model import UNKNOWN
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG504", name="community-metadata-missing", level="warning",
                tags=("sharing", "security"), security_severity=3.0)


def _missing(value: Any) -> bool:
    return value is not UNKNOWN and not (isinstance(value, str) and value.strip())


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for g in facts.galleries:
        if g.permissions != "community":
            continue
        info = g.community_info or {}
        missing = [k for k in ("publisherUri", "publisherContact", "eula")
                   if _missing(info.get(k))]
        if missing:
            yield make_finding(rule, g, f"community gallery lacks {', '.join(missing)}",
                               at=("communityGalleryInfo", "permissions"),
                               properties={"missing": missing})
    for df in facts.definitions:
        if df.gallery is None or df.gallery.permissions != "community":
            continue
        d = df.definition
        missing = [name for name, value in (("eula", d.eula),
                                            ("privacyStatementUri", d.privacy_statement_uri),
                                            ("releaseNoteUri", d.release_note_uri))
                   if _missing(value)]
        if missing:
            yield make_finding(rule, df, f"definition in a community gallery lacks "
                               f"{', '.join(missing)}", properties={"missing": missing})
