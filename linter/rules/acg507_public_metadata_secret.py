"""A public or committed URI carries a SAS token or a password.

## What it does
Fires when a URI field carries a SAS token (its query string has a `sig`
parameter and also `sv` or `se`, names compared case-insensitively) or
credentials (`scheme://user:password@host` with a non-empty password).
Fields: (a) in a gallery whose permissions are `Community`, from any input:
the gallery's `sharingProfile.communityGalleryInfo.eula` and
`publisherUri`, and each of its definitions' `eula`, `privacyStatementUri`
and `releaseNoteUri` (all public); (b) in templates and plans only (secrets
in source control): an application version's
`publishingProfile.source.mediaLink` and `defaultConfigurationLink`. The
finding is located on the resource whose field carries the secret, and
names the field and what was found, never the value.

## Why it matters
Community metadata is public: "Do not put secrets, passwords, share access
signature (SAS) URIs, or any other sensitive information in this URL"
(share-gallery-community.md). VM application packages are read through SAS
URLs (vm-applications.md); one committed to a repository is a leaked key.

## Example
`"eula": "https://contoso.blob.core.windows.net/legal/eula.txt?sv=2022-11-02&se=2030-01-01&sig=..."`.

## Fix
Use a URL without a token; for application packages pass the SAS at deploy
time (a secure parameter or Key Vault reference), and rotate the key that
leaked.

## Config
`rules.ACG507.enabled`, `rules.ACG507.level`.

## Related
ACG504.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta
from .v2facts import uri_secret

RULE = RuleMeta(id="ACG507", name="public-metadata-secret", level="error",
                tags=("security", "sharing", "secrets"), security_severity=8.0)


def _found(fields: list[tuple[str, Any]]) -> list[str]:
    out = []
    for name, value in fields:
        what = uri_secret(value)
        if what is not None:
            out.append(f"{name} carries {what}")
    return out


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    community = {g.id.lower() for g in facts.galleries if g.permissions == "community"}
    for g in facts.galleries:
        if g.id.lower() not in community:
            continue
        info = g.community_info or {}
        found = _found([("sharingProfile.communityGalleryInfo.eula", info.get("eula")),
                        ("sharingProfile.communityGalleryInfo.publisherUri",
                         info.get("publisherUri"))])
        if found:
            yield make_finding(rule, g, "; ".join(found) + " (community metadata is public)",
                               at=("communityGalleryInfo",))
    for df in facts.definitions:
        if df.definition.gallery_id.lower() not in community:
            continue
        d = df.definition
        found = _found([("eula", d.eula), ("privacyStatementUri", d.privacy_statement_uri),
                        ("releaseNoteUri", d.release_note_uri)])
        if found:
            yield make_finding(rule, df, "; ".join(found) + " (community metadata is public)")
    for avf in facts.app_versions:
        v = avf.version
        if not v.source.from_iac:
            continue
        found = _found([("publishingProfile.source.mediaLink", v.media_link),
                        ("publishingProfile.source.defaultConfigurationLink",
                         v.default_configuration_link)])
        if found:
            yield make_finding(rule, avf, "; ".join(found) + " in source control")
