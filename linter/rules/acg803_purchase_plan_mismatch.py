"""A deployment's purchase plan differs from its image's, or a plan image is public.

## What it does
(a) In a template or plan: a deployment's `plan` (`name`, `publisher`,
`product`; Terraform `plan` block) differs from its definition's
`purchasePlan`: any of the three differs (case-insensitively), or one side
has a plan and the other has none; `promotionCode` is ignored. Located on
the deployment. (b) Any input: a definition with a `purchasePlan` in a
gallery whose permissions are `Community`; located on the definition. That
a `purchasePlan` marks a Marketplace partner image is an inference, not
verified. Inputs: (a) templates, plans; (b) live, templates, plans.

## Why it matters
Azure rejects (a): "The resource with id … has a different plan … than the
parent gallery image plan" (troubleshooting-shared-images.md). For (b):
"You can't use a partner image from Azure Marketplace and publish it to the
community" (share-gallery-community.md).

## Example
A VM without `plan` from a definition with
`"purchasePlan": {"name": "byol", "publisher": "f5-networks", "product": "f5-big-ip"}`.

## Fix
Copy the definition's purchase plan into the deployment's `plan`; publish
plan images in private or directly shared galleries only.

## Config
`rules.ACG803.enabled`, `rules.ACG803.level`.

## Related
ACG801.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..model import UNKNOWN
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG803", name="purchase-plan-mismatch", level="error",
                tags=("deployments", "correctness"))


def _text(plan: Any) -> str:
    if plan is None:
        return "none"
    return "/".join(str(plan.get(k)) for k in ("publisher", "product", "name"))


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    for dep in facts.deployments:
        d = dep.deployment
        if not d.source.from_iac or dep.definition is None:
            continue
        image_plan = dep.definition.definition.purchase_plan
        if image_plan is UNKNOWN or d.plan is UNKNOWN:
            continue
        if image_plan == d.plan:
            continue
        yield make_finding(rule, dep, f"plan {_text(d.plan)} differs from the image "
                           f"definition's purchasePlan {_text(image_plan)}: Azure rejects the "
                           "deployment", at=("plan", "imageReference"))
    for df in facts.definitions:
        plan = df.definition.purchase_plan
        if plan is None or plan is UNKNOWN:
            continue
        g = df.gallery
        if g is not None and g.permissions == "community":
            yield make_finding(rule, df, f"definition has purchasePlan {_text(plan)} in a "
                               "community gallery: Marketplace partner images cannot be "
                               "shared with the community")
