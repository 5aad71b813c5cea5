"""An Azure Virtual Desktop host pool whose session hosts run different images, or lag
the latest version.

## What it does
For each host pool from live inventory, over those of its session hosts
(`hostPools/sessionHosts`, whose `resourceId` names the VM) whose VMs are in
the run and use a gallery image: (a) they use more than one image
definition (compared by the definition each reference names, resolved or
not); (b) a session host's reference names no version (a definition, or
`latest`), its `exactVersion` is not the latest in the VM's region, and that
latest was published more than `avd.host_drift_days` (45) days before now.
Pinned references are ACG306's. One finding per host pool, with the number
of session hosts per definition and version: `warning` when (a) holds, else
`note`. Inputs: live only.

## Why it matters
A host pool's session hosts are meant to be identical: users land on any of
them, and "all session hosts in a host pool are standardized" when they are
updated (azure-docs, virtual-desktop/session-host-update.md). A host that
never got the new image keeps its old patches; APRL 2831dab9 advises to
replace session hosts with an updated image version rather than update them.

## Example
Ten session hosts on `win11-23h2` 1.4.0 and two on `win11-22h2`.

## Fix
Replace the lagging session hosts from the definition's latest version
(session host update, or a replacement pipeline).

## Config
`avd.host_drift_days` (45).

## Related
ACG805, ACG306.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .avd import host_pools
from .base import days_between, make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG806", name="avd-session-host-image-drift", level="warning",
                tags=("lifecycle", "avd", "deployments"), related=("ACG805", "ACG306"),
                config=("avd.host_drift_days",))

def _definition_key(df: Any) -> str:
    if df.definition is not None:
        return df.definition.definition.id
    ref = str(df.reference)
    low = ref.lower()
    return ref[:low.rindex("/versions/")] if "/versions/" in low else ref


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    drift_days = facts.settings.avd.host_drift_days
    by_vm: dict[str, Any] | None = None  # built once there is a live host pool to judge
    for hp in host_pools(facts):
        if not hp.pool.source.live:
            continue
        if by_vm is None:
            by_vm = {df.deployment.id.lower(): df for df in facts.deployments}
        hosts = []
        for sh in hp.session_hosts:
            vm_id = sh.properties.get("resourceId")
            df = by_vm.get(vm_id.lower()) if isinstance(vm_id, str) else None
            if df is not None and isinstance(df.reference, str):
                hosts.append(df)
        if not hosts:
            continue
        per_definition = Counter(_definition_key(df) for df in hosts)
        per_version = Counter(f"{_definition_key(df).rsplit('/', 1)[-1]}/"
                              f"{df.version.version.name if df.version else '?'}"
                              for df in hosts)
        parts: list[str] = []
        if len(per_definition) > 1:
            parts.append(f"(a) its session hosts use {len(per_definition)} image definitions: "
                         + ", ".join(f"{k.rsplit('/', 1)[-1]} ({n})"
                                     for k, n in sorted(per_definition.items())))
        lagging = []
        for df in hosts:
            dep = df.deployment
            if df.pinned or df.definition is None or not isinstance(dep.location, str) or \
                    not isinstance(dep.exact_version, str):
                continue
            latest = df.definition.latest_by_region.get(dep.location)
            if latest is None or latest.version.name.lower() == dep.exact_version.lower():
                continue
            published = latest.version.published
            if isinstance(published, datetime) and \
                    days_between(facts.now, published) > drift_days:
                lagging.append((dep.name, dep.exact_version, latest.version.name))
        if lagging:
            name, exact, newest = lagging[0]
            parts.append(f"(b) {len(lagging)} session host(s) lag the latest version for more "
                         f"than {drift_days:g} days ({name} runs {exact}, the latest is "
                         f"{newest})")
        if not parts:
            continue
        yield make_finding(rule, hp.pool, f"host pool {hp.pool.name}: " + "; ".join(parts),
                           level="warning" if len(per_definition) > 1 else "note",
                           properties={"sessionHostsPerDefinition": dict(per_definition),
                                       "sessionHostsPerVersion": dict(per_version),
                                       "lagging": len(lagging)})
