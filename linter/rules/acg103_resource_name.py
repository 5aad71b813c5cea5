"""A gallery, image definition or identifier name breaks Azure's naming rules.

## What it does
Fires when a gallery name is not `[A-Za-z0-9._]{1,80}`; an image definition
name is not `[A-Za-z0-9._-]{1,80}`; an identifier publisher is longer than
128 characters, an offer or SKU longer than 64, or any of the three has
characters outside `[A-Za-z0-9._-]` or ends with `.`. The organisation's own
patterns (`naming.gallery`, `naming.definition`: regular expressions that
must match the whole name, case-sensitively; off by default) fire it too.

## Why it matters
Azure rejects such names at deployment: gallery names allow letters, digits,
dots and underscores, no dashes (azure-compute-docs, create-gallery.md);
definition names also allow dashes; identifier limits as in the azurerm
provider (`shared_image_resource.go`). A template with them fails late.

## Example
A gallery named `contoso-images` (dash) or an offer ending in `.`.

## Fix
Choose a valid name; galleries cannot be renamed, so create a new one
(`az sig create --gallery-name contoso_images …`) and re-publish.

## Config
`naming.gallery`, `naming.definition` (regexes, default none). They are Python regular
expressions of at most 1,000 characters; the names are matched in an isolated child
with a 10 s limit, so a pattern that backtracks without end is exit 2, never a hang.

## Related
azurerm `validate/compute.go` (`SharedImageGalleryName`, `SharedImageName`).
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..patterns import full_matches
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG103", name="resource-name", level="error", tags=("identity", "correctness"),
                config=("naming.gallery", "naming.definition"))

GALLERY_NAME = re.compile(r"[A-Za-z0-9._]{1,80}")
DEFINITION_NAME = re.compile(r"[A-Za-z0-9._-]{1,80}")
IDENTIFIER_CHARS = re.compile(r"[A-Za-z0-9._-]+")
ALNUM = re.compile(r"[A-Za-z0-9]")


def _ends(kind: str, name: str) -> list[str]:
    """v2: the first and the last character must be an English letter or digit."""
    if not name:
        return []
    problems = []
    if not ALNUM.fullmatch(name[0]):
        problems.append(f"{kind} name '{name}' starts with '{name[0]}' (must start with an "
                        "English letter or digit)")
    if len(name) > 1 and not ALNUM.fullmatch(name[-1]):
        problems.append(f"{kind} name '{name}' ends with '{name[-1]}' (must end with an "
                        "English letter or digit)")
    return problems


def _identifier_problems(label: str, value: Any, limit: int) -> list[str]:
    if not isinstance(value, str):
        return []
    problems = []
    if len(value) > limit:
        problems.append(f"{label} is {len(value)} characters (at most {limit})")
    if not IDENTIFIER_CHARS.fullmatch(value):
        problems.append(f"{label} '{value}' has characters outside A-Z a-z 0-9 . _ -")
    if value.endswith("."):
        problems.append(f"{label} '{value}' ends with '.'")
    return problems


def _pattern_misses(key: str, pattern: str | None, names: list[str]) -> set[str]:
    if pattern is None:
        return set()
    return {n for n, ok in zip(names, full_matches(key, pattern, names)) if not ok}


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    naming = facts.settings.naming
    gallery_misses = _pattern_misses("naming.gallery", naming.gallery,
                                     sorted({g.name for g in facts.galleries}))
    definition_misses = _pattern_misses("naming.definition", naming.definition,
                                        sorted({df.definition.name for df in facts.definitions}))
    for g in facts.galleries:
        problems = []
        if not GALLERY_NAME.fullmatch(g.name):
            problems.append(f"gallery name '{g.name}' is not 1-80 of A-Z a-z 0-9 . _ "
                            "(no dashes)")
        problems += _ends("gallery", g.name)
        if g.name in gallery_misses:
            problems.append(f"gallery name '{g.name}' does not match naming.gallery "
                            f"'{naming.gallery}'")
        if problems:
            yield make_finding(rule, g, "; ".join(problems), at=("name",))
    for df in facts.definitions:
        d = df.definition
        problems = []
        if not DEFINITION_NAME.fullmatch(d.name):
            problems.append(f"image definition name '{d.name}' is not 1-80 of "
                            "A-Z a-z 0-9 . _ -")
        problems += _ends("image definition", d.name)
        if d.name in definition_misses:
            problems.append(f"image definition name '{d.name}' does not match "
                            f"naming.definition '{naming.definition}'")
        at = ("name",) if problems else ()
        ident = (_identifier_problems("publisher", d.publisher, 128)
                 + _identifier_problems("offer", d.offer, 64)
                 + _identifier_problems("SKU", d.sku, 64))
        if ident and not at:
            at = ("identifier",)
        problems += ident
        if problems:
            yield make_finding(rule, df, "; ".join(problems), at=at)
