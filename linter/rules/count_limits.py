"""Per subscription and region counts against a limit (ACG201, ACG202, ACG203)."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from ..findings import Finding
from ..model import Source
from .base import make_finding
from .limits import limit_level


def count_findings(rule: Any, resources: Iterable[Any], limit: int, warn_ratio: float,
                   what: str, key: str) -> Iterator[Finding]:
    counts: dict[tuple[str, str], int] = {}
    first_source: dict[tuple[str, str], Source] = {}
    for r in resources:
        if not isinstance(r.location, str) or not r.subscription_id:
            continue
        k = (r.subscription_id, r.location)
        counts[k] = counts.get(k, 0) + 1
        first_source.setdefault(k, r.source)
    for (subscription, region), count in sorted(counts.items()):
        level = limit_level(count, limit, warn_ratio)
        if level is None:
            continue
        state = "above" if level == "error" else "near"
        yield make_finding(
            rule, None,
            f"{count} {what} in subscription {subscription}, region {region}: {state} the "
            f"limit of {limit} ({key})",
            region=region, level=level, resource_id=f"/subscriptions/{subscription}",
            source=first_source[(subscription, region)],
            properties={"count": count, "limit": limit, "warnRatio": warn_ratio})
