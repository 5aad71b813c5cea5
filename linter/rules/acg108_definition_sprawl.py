"""Image definitions that hold nothing, or near-empty look-alikes that should be one.

## What it does
Judged only for definitions read from a gallerylint snapshot (which lists
every version of each definition, soft-deleted ones included), and never
for a definition that a planned version in the run targets: (a) the
definition has no version that is not soft-deleted; (b) only when
`sprawl.similar_definitions` is 2 or more: the definition is one of at
least that many definitions of one gallery that share a name stem and a
technical signature and each have at most `sprawl.max_versions_for_similar`
(1) versions that are not soft-deleted. The stem is the name with the first
match of `sprawl.name_stem_pattern` removed (`ubuntu-2204-v3` gives
`ubuntu-2204`), compared case-insensitively; the signature is `osType`,
`osState`, `hyperVGeneration`, `architecture`, the `SecurityType` values
and the purchase plan. One finding on each definition concerned, naming
each part and, for (b), the others of its set. Inputs: live (snapshots).

## Why it matters
"Image definitions are a logical grouping for versions of an image"
(shared-image-galleries.md): a definition per build, or one left empty,
spreads the versions deployments should follow over names nobody updates,
and counts against the 1,000 definitions per subscription and region.

## Example
Definitions `web-v1`, `web-v2` and `web-v3` of one gallery, each with one
version.

## Fix
Publish new versions into one definition and delete the empty or
superseded ones.

## Config
`sprawl.similar_definitions` (0, off), `sprawl.max_versions_for_similar`
(1), `sprawl.name_stem_pattern`.

## Related
ACG202, ACG206.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..patterns import first_match_removed
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG108", name="definition-sprawl", level="note",
                tags=("identity", "governance"), related=("ACG202", "ACG206"),
                config=("sprawl.similar_definitions", "sprawl.max_versions_for_similar",
                        "sprawl.name_stem_pattern"))


def _low(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _signature(df: Any) -> tuple[Any, ...]:
    d = df.definition
    entries = d.feature_entries if isinstance(d.feature_entries, tuple) else ()
    security = frozenset(_low(v) for n, v, _ in entries if n == "securitytype")
    plan = d.purchase_plan
    plan_key = tuple(_low(plan.get(k)) for k in ("name", "publisher", "product")) \
        if isinstance(plan, dict) else None
    return (_low(d.os_type), _low(d.os_state), _low(d.hyper_v_generation),
            _low(d.architecture), security, plan_key)


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    sprawl = facts.settings.sprawl
    targeted = {vf.version.definition_id.lower() for vf in facts.planned}
    judged = [df for df in facts.definitions if df.definition.source.form == "snapshot"
              and df.definition.id.lower() not in targeted]
    live = {id(df): sum(1 for v in df.versions if not v.soft_deleted) for df in judged}
    parts: dict[int, list[str]] = {}
    for df in judged:
        if live[id(df)] == 0:
            parts.setdefault(id(df), []).append("(a) it has no version that is not "
                                                "soft-deleted")
    if sprawl.similar_definitions >= 2:
        small = [df for df in judged if live[id(df)] <= sprawl.max_versions_for_similar]
        stems = first_match_removed("sprawl.name_stem_pattern", sprawl.name_stem_pattern,
                                    [df.definition.name for df in small])
        sets: dict[tuple[Any, ...], list[Any]] = {}
        for df, stem in zip(small, stems):
            if stem:
                sets.setdefault((df.definition.gallery_id.lower(), stem.lower(),
                                 _signature(df)), []).append(df)
        for members in sets.values():
            if len(members) < sprawl.similar_definitions:
                continue
            for df in members:
                others = sorted(o.definition.name for o in members if o is not df)
                parts.setdefault(id(df), []).append(
                    f"(b) it is one of {len(members)} near-empty definitions of one gallery "
                    f"with the same stem and signature (also {', '.join(others)})")
    for df in judged:
        if id(df) in parts:
            yield make_finding(rule, df, f"definition {df.definition.name}: " +
                               "; ".join(parts[id(df)]),
                               properties={"versions": live[id(df)]})
