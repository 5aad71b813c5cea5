"""What every rule uses to report: `make_finding` locates a finding on its subject."""

from __future__ import annotations

from typing import Any, Iterable

from ..facts import (
    AppDeploymentFacts,
    AppVersionFacts,
    DefinitionFacts,
    DeploymentFacts,
    VersionFacts,
)
from ..findings import Finding
from ..model import Application, Deployment, Gallery, Pipeline, Resource, Source


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
    if isinstance(subject, Deployment):  # v3: a compute resource without a gallery image
        return subject.id, subject.source, None, None, False
    if isinstance(subject, (Pipeline, Resource)):
        return subject.id, subject.source, None, None, False
    if isinstance(subject, AppDeploymentFacts):
        dep = subject.deployment
        return dep.id, dep.source, None, None, False
    if isinstance(subject, (VersionFacts, AppVersionFacts)):
        return subject.version.id, subject.version.source, None, None, False
    if isinstance(subject, Application):
        return subject.id, subject.source, None, None, False
    if isinstance(subject, DefinitionFacts):
        return subject.definition.id, subject.definition.source, None, None, False
    if isinstance(subject, Gallery):
        return subject.id, subject.source, None, None, False
    raise TypeError(f"not a rule subject: {type(subject).__name__}")


def make_finding(rule: Any, subject: Any, message: str, *, region: str | None = None,
                 level: str | None = None, at: Iterable[str] = (),
                 properties: dict[str, Any] | None = None, resource_id: str | None = None,
                 source: Source | None = None, group: Any = None,
                 never_grouped: bool = False) -> Finding:
    """`group`: (resource ID, source) of the image resource a live deployment finding is
    grouped under, when it is not the deployment's image (ACG9xx: the application
    version). `never_grouped`: the rule's deployment findings are never grouped."""
    rid, src, image, image_source, groupable = (
        (resource_id, source, None, None, False) if subject is None else subject_location(subject))
    if group is not None and isinstance(subject, AppDeploymentFacts):
        image, image_source = group
        groupable = not subject.deployment.source.from_iac
    if never_grouped:
        groupable = False
    if region is None and isinstance(subject, (DeploymentFacts, AppDeploymentFacts,
                                                Deployment)):
        # rules.md: a deployment finding carries the deployment's region.
        location = getattr(subject, "deployment", subject).location
        region = location if isinstance(location, str) else None
    # by position, in the model's order (once per finding: 100,000 on a large estate)
    return Finding(
        rule.id, rule.name, level or rule.level,  # rule_id, rule_name, level
        resource_id or rid, region, message, source or src,  # resource_id ... source
        at if at.__class__ is tuple else tuple(at),  # at
        dict(properties) if properties else {},  # properties
        image, image_source, groupable,  # group_resource, group_source, groupable
        None, None,  # suppression, baseline_state
        level is None or level == rule.level,  # default_level
    )




DAY = 86400.0


def days_between(later: Any, earlier: Any) -> float:
    """(later - earlier) in days, exact."""
    return (later - earlier).total_seconds() / DAY


def utc_seconds(value: Any) -> str:
    """A time in UTC ISO 8601 to the second: 2026-05-01T09:30:12Z."""
    if hasattr(value, "astimezone"):
        from datetime import timezone
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def date_text(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)


def replica_at(region_facts: Any) -> tuple[str, ...]:
    """Property location keys for a version's replicas in one region."""
    if region_facts is None or region_facts.index is None:
        return ("replicaCount",)
    i = region_facts.index
    return (f"targetRegions[{i}].regionalReplicaCount", f"targetRegions[{i}]", "replicaCount")
