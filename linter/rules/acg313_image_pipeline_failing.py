"""An Azure Image Builder template whose last run failed, or that has not run for long.

## What it does
Judges each AIB template from live inventory with at least one `SharedImage`
distributor, where: (a) `lastRunStatus.runState` is `Failed`,
`PartiallySucceeded` or `Canceled`; (b) `provisioningState` is `Failed`
(the message gives `provisioningError.provisioningErrorCode` and its
message); (c) `lastRunStatus.runState` is `Succeeded` and
`lastRunStatus.endTime` is more than `pipelines.max_run_age_days` (90) days
before now. A template with no `lastRunStatus` is not judged by (a) or (c).
One finding per template naming each part and the definitions it feeds.
Inputs: live only (templates and plans carry no run state).

## Why it matters
The definitions a failing template feeds are not being rebuilt: their
newest version ages, unpatched, while the pipeline looks configured.
Azure deactivates automatic builds by triggers after repeated consecutive
failures (azure-docs, image-builder-triggers-how-to.md).

## Example
`"lastRunStatus": {"runState": "Failed", "message": "customization
failed"}` on a template distributing to `contoso_prod/ubuntu-2204`.

## Fix
Read the build log (the `customization.log` in the staging group), fix the
customizer, and run the template again (`az image builder run`).

## Config
`pipelines.max_run_age_days` (90).

## Related
ACG305, ACG110.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..names import parse_time
from .base import days_between, make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG313", name="image-pipeline-failing", level="warning",
                tags=("lifecycle", "pipelines"), related=("ACG305", "ACG110"),
                config=("pipelines.max_run_age_days",))


_TARGET = re.compile(r"/galleries/([^/]+)/images/([^/]+)", re.IGNORECASE)


def _safe(text: Any) -> str:
    """An error text from Azure, on one line and bounded (it is not the user's file)."""
    if not isinstance(text, str):
        return ""
    return " ".join(text.split())[:300]


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    max_age = facts.settings.pipelines.max_run_age_days
    for p in facts.inventory.pipelines:
        if p.kind != "aib" or not p.live:
            continue
        props = p.properties
        distribute = props.get("distribute")
        targets = [d.get("galleryImageId") for d in distribute if isinstance(d, dict)
                   and str(d.get("type", "")).lower() == "sharedimage"] \
            if isinstance(distribute, list) else []
        if not targets:
            continue
        parts = []
        status = props.get("lastRunStatus")
        state = status.get("runState") if isinstance(status, dict) else None
        if isinstance(state, str) and state.lower() in ("failed", "partiallysucceeded",
                                                        "canceled"):
            parts.append(f"(a) its last run is {state} (Azure deactivates automatic builds "
                         "by triggers after repeated consecutive failures)")
        if str(props.get("provisioningState", "")).lower() == "failed":
            error = props.get("provisioningError")
            error = error if isinstance(error, dict) else {}
            code = _safe(error.get("provisioningErrorCode")) or "no code"
            message = _safe(error.get("message"))
            parts.append(f"(b) its provisioning failed ({code}{': ' + message if message else ''})")
        if isinstance(state, str) and state.lower() == "succeeded":
            ended = parse_time(status.get("endTime"))
            if hasattr(ended, "tzinfo") and days_between(facts.now, ended) > max_age:
                parts.append(f"(c) its last successful run ended "
                             f"{days_between(facts.now, ended):.0f} days ago (more than "
                             f"{max_age:g})")
        if not parts:
            continue
        fed = sorted({"/".join(m.groups()) if (m := _TARGET.search(str(t))) else "?"
                      for t in targets})
        yield make_finding(rule, p, f"Image Builder template {p.name}, which feeds "
                           f"{', '.join(fed)}: " + "; ".join(parts),
                           at=("lastRunStatus", "provisioningState"),
                           properties={"pipeline": p.id, "runState": state,
                                       "feeds": [t for t in targets if isinstance(t, str)]})
