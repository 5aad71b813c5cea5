"""What every rule uses to report: `make_finding` locates a finding on its subject."""

from __future__ import annotations

from typing import Any, Iterable

from ..facts import DefinitionFacts, DeploymentFacts, VersionFacts
from ..findings import Finding
from ..model import Gallery, Source


def subject_location(subject: Any) -> tuple[str, Source | None, str | None, Source | None, bool]:
    """(resource ID, its source, image resource ID, image source, groupable) of a rule subject."""
    if isinstance(subject, DeploymentFacts):
        dep = subject.deployment
        image = subject.image_resource_id
        image_source = None
        if subject.version is not None:
            image_source = subject.version.version.source
        elif subject.definition is not None:
            image_source = subject.definition.definition.source
        return dep.id, dep.source, image, image_source, not dep.source.from_iac
    if isinstance(subject, VersionFacts):
        return subject.version.id, subject.version.source, None, None, False
    if isinstance(subject, DefinitionFacts):
        return subject.definition.id, subject.definition.source, None, None, False
    if isinstance(subject, Gallery):
        return subject.id, subject.source, None, None, False
    raise TypeError(f"not a rule subject: {type(subject).__name__}")


def make_finding(rule: Any, subject: Any, message: str, *, region: str | None = None,
                 level: str | None = None, at: Iterable[str] = (),
                 properties: dict[str, Any] | None = None, resource_id: str | None = None,
                 source: Source | None = None) -> Finding:
    rid, src, image, image_source, groupable = (
        (resource_id, source, None, None, False) if subject is None else subject_location(subject))
    if region is None and isinstance(subject, DeploymentFacts):
        # rules.md: a deployment finding carries the deployment's region.
        location = subject.deployment.location
        region = location if isinstance(location, str) else None
    return Finding(
        rule_id=rule.id, rule_name=rule.name, level=level or rule.level,
        resource_id=resource_id or rid, region=region, message=message,
        source=source or src, at=tuple(at), properties=dict(properties or {}),
        group_resource=image, group_source=image_source, groupable=groupable,
        default_level=level is None or level == rule.level,
    )




DAY = 86400.0


def days_between(later: Any, earlier: Any) -> float:
    """(later - earlier) in days, exact."""
    return (later - earlier).total_seconds() / DAY


def date_text(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)


def replica_at(region_facts: Any) -> tuple[str, ...]:
    """Property location keys for a version's replicas in one region."""
    if region_facts is None or region_facts.index is None:
        return ("replicaCount",)
    i = region_facts.index
    return (f"targetRegions[{i}].regionalReplicaCount", f"targetRegions[{i}]", "replicaCount")
