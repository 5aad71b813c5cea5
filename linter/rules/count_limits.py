"""Per subscription and region counts against a limit (ACG201, ACG202, ACG203)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from ..findings import Finding
from ..facts import RegionCount
from .base import make_finding
from .limits import limit_level


def count_findings(rule: Any, counts: Mapping[tuple[str, str], RegionCount], limit: int,
                   warn_ratio: float, what: str, key: str) -> Iterator[Finding]:
    """Findings for the (subscription, region) counts computed in facts."""
    for (subscription, region), counted in sorted(counts.items()):
        count = counted.count
        level = limit_level(count, limit, warn_ratio)
        if level is None:
            continue
        state = "above" if level == "error" else "near"
        yield make_finding(
            rule, None,
            f"{count} {what} in subscription {subscription}, region {region}: {state} the "
            f"limit of {limit} ({key})",
            region=region, level=level, resource_id=f"/subscriptions/{subscription}",
            source=counted.first,
            properties={"count": count, "limit": limit, "warnRatio": warn_ratio})
