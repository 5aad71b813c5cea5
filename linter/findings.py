"""Findings: what a rule reports, their fingerprints, grouping and level overrides.

Fingerprints are built here and nowhere else: rule ID, ARM ID (lowercased)
and region only, so an alert keeps its identity across runs and line moves.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable, Sequence

from msgspec import Struct, field

from .model import Source

LEVEL_ORDER = {"note": 1, "warning": 2, "error": 3}
EXAMPLES_IN_GROUP = 10


class Finding(Struct):
    rule_id: str
    rule_name: str
    level: str
    resource_id: str
    region: str | None
    message: str
    source: Source | None
    at: tuple[str, ...] = ()  # property paths, most specific first, for the line
    properties: dict[str, Any] = field(default_factory=dict)
    # Deployment findings: the image resource they refer to, for grouping.
    group_resource: str | None = None
    group_source: Source | None = None
    groupable: bool = False  # a deployment from live inventory (not a template or plan)
    suppression: Any = None  # the waiver that applies
    baseline_state: str | None = None
    default_level: bool = True  # emitted at the rule's default level (config may re-level)
    pipeline: str | None = None  # v3: a planned version's pipeline ID

    @property
    def fingerprint(self) -> str:
        if self.pipeline:  # two pipelines feeding one definition keep two alerts
            return fingerprint(self.rule_id, f"{self.resource_id}|{self.pipeline}",
                               self.region)
        return fingerprint(self.rule_id, self.resource_id, self.region)

    def position(self) -> tuple[int, int]:
        """(line, column) of what the finding is about in its file; (1, 1) without one."""
        return self.source.line_of(*self.at) if self.source is not None else (1, 1)

    @property
    def line(self) -> int:
        return self.position()[0]

    @property
    def column(self) -> int:
        return self.position()[1]


def fingerprint(rule_id: str, resource_id: str, region: str | None) -> str:
    text = f"{rule_id}|{resource_id.lower()}|{(region or '').lower()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def group_deployment_findings(findings: list[Finding], group_over: int) -> list[Finding]:
    """More than `group_over` live deployments sharing (rule, image resource, region)
    become one finding on that image resource (rules.md, "Where findings are located")."""
    if len(findings) <= group_over:
        return findings  # no group can be larger than all of them
    groups: dict[tuple[str, str, str | None], list[int]] = {}
    for i, f in enumerate(findings):
        if f.groupable and f.group_resource:
            groups.setdefault((f.rule_id, f.group_resource.lower(), f.region), []).append(i)
    replaced: dict[int, Finding | None] = {}
    for (rule_id, _, region), members in groups.items():
        if len(members) <= group_over:
            continue
        items = [findings[i] for i in members]
        first = items[0]
        ids = [f.resource_id for f in items]
        level = max((f.level for f in items), key=lambda lv: LEVEL_ORDER[lv])
        where = f" in {region}" if region else ""
        message = (f"{len(items)} deployments{where} share this finding on "
                   f"{first.group_resource}; for example {first.resource_id}: {first.message}")
        grouped = Finding(
            rule_id=rule_id, rule_name=first.rule_name, level=level,
            resource_id=first.group_resource or first.resource_id, region=region,
            message=message, source=first.group_source or first.source,
            properties={**first.properties, "deploymentCount": len(items),
                        "exampleDeployments": ids[:EXAMPLES_IN_GROUP], "deployments": ids},
            default_level=all(f.default_level for f in items),
        )
        replaced[members[0]] = grouped
        for i in members[1:]:
            replaced[i] = None
    if not replaced:
        return findings
    out = []
    for i, f in enumerate(findings):
        if i in replaced:
            r = replaced[i]
            if r is not None:
                out.append(r)
        else:
            out.append(f)
    return out


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.rule_id, f.resource_id.lower(), f.region or ""))


def at_or_above(findings: Sequence[Finding], threshold: str) -> list[Finding]:
    if threshold == "never":
        return []
    floor = LEVEL_ORDER[threshold]
    return [f for f in findings if LEVEL_ORDER[f.level] >= floor and f.suppression is None
            and f.baseline_state in (None, "new")]
