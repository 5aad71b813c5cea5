"""What ACG901 to ACG903 and ACG906 share: one finding per app deployment, naming the
entries that fail, grouped (live inventory, over `reporting.group_over`) under the
application version of the first."""

from __future__ import annotations

from typing import Any, Callable, Iterator

from ..facts import AppDeploymentFacts, AppEntryFacts, Facts
from ..findings import Finding
from .base import make_finding


def entry_text(ef: AppEntryFacts) -> str:
    order = ef.entry.order
    order_text = f"order {order}, " if order is not None else ""
    return f"galleryApplications[{ef.entry.index}] ({order_text}{ef.entry.package_reference_id})"


def app_findings(facts: Facts, rule: Any,
                 failing: Callable[[AppDeploymentFacts, AppEntryFacts], str | None],
                 only: Callable[[AppDeploymentFacts], bool] = lambda ad: True
                 ) -> Iterator[Finding]:
    for ad in facts.app_deployments:
        if not only(ad):
            continue
        found = []
        for ef in ad.entries:
            why = failing(ad, ef)
            if why is not None:
                found.append((ef, why))
        if not found:
            continue
        first = found[0][0]
        group = None
        if first.version is not None:
            group = (first.version.version.id, first.version.version.source)
        message = "; ".join(f"{entry_text(ef)}: {why}" for ef, why in found)
        yield make_finding(rule, ad, message, at=("applications",), group=group,
                           properties={"entries": [ef.entry.index for ef, _ in found]})
