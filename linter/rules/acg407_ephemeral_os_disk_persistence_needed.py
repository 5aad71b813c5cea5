"""An ephemeral OS disk where the OS disk must persist.

## What it does
(a) A session host (a live VM that a `hostPools/sessionHosts` record names)
with an ephemeral OS disk, in a host pool whose `hostPoolType` is not
`Pooled`; (b) only when `storage.persistent_os_disk` is set: a deployment
with an ephemeral OS disk that an entry selects (`tag:<key>=<value>`
selects by tag, both compared case-insensitively; any other entry is a glob
against the deployment's ARM ID and its name); (c) an image version in a
template, plan or Terraform source whose source
(`storageProfile.source.virtualMachineId`, or `storageProfile.source.id` or
Terraform `managed_image_id` naming a VM) is a VM of the run with an
ephemeral OS disk. (a) and (b) are judged on the deployment, one finding
naming each part, at `warning`; (c) on the image version, at `error`.
Inputs: (a) live; (b) live, templates, plans, Terraform source; (c)
templates, plans, Terraform source.

## Why it matters
An ephemeral OS disk is lost on deallocation and reimage. Azure Virtual
Desktop supports ephemeral OS disks "only in pooled host pools configured
with session host configuration" (preview), and a version cannot be
captured from such a VM: "Source virtual machine <resourceID> cannot
contain an ephemeral OS disk" (troubleshooting-shared-images.md).

## Example
A personal host pool's session host with `diffDiskSettings: {option:
Local}`.

## Fix
Use a managed OS disk for personal session hosts and for the VMs named in
`storage.persistent_os_disk`; capture versions from a VM with a managed OS
disk.

## Config
`storage.persistent_os_disk` ([]).

## Related
ACG406, ACG805.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts, glob_match
from ..findings import Finding
from .avd import host_pools
from .base import make_finding
from .registry import RuleMeta

RULE = RuleMeta(id="ACG407", name="ephemeral-os-disk-persistence-needed", level="warning",
                tags=("storage", "deployments", "reliability"), related=("ACG406", "ACG805"),
                config=("storage.persistent_os_disk",))

def _selected(dep: Any, entries: tuple[str, ...]) -> str | None:
    tags = {str(k).lower(): v for k, v in (dep.tags or {}).items()}
    for entry in entries:
        if entry.lower().startswith("tag:") and "=" in entry:
            key, _, value = entry[4:].partition("=")
            found = tags.get(key.strip().lower())
            if isinstance(found, str) and found.lower() == value.strip().lower():
                return entry
        elif glob_match([entry], dep.id, dep.name):
            return entry
    return None


def _version_source(props: Any) -> str | None:
    source = props.get("storageProfile", {}).get("source") if isinstance(
        props.get("storageProfile"), dict) else None
    if not isinstance(source, dict):
        return None
    for key in ("virtualMachineId", "id"):
        value = source.get(key)
        if isinstance(value, str) and "/providers/microsoft.compute/virtualmachines/" in \
                value.lower():
            return value
    return None


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    entries = facts.settings.storage.persistent_os_disk
    personal: dict[str, str] = {}  # session host VM ID -> its host pool's name and type
    for hp in host_pools(facts):
        kind = hp.pool.properties.get("hostPoolType")
        if not isinstance(kind, str) or kind.lower() == "pooled":
            continue
        for sh in hp.session_hosts:
            vm_id = sh.properties.get("resourceId")
            if isinstance(vm_id, str):
                personal[vm_id.lower()] = f"{hp.pool.name} ({kind})"
    ephemeral = {}
    for dep in facts.inventory.deployments:
        if dep.ephemeral_os_disk is not True:
            continue
        ephemeral[dep.id.lower()] = dep
        parts = []
        pool = personal.get(dep.id.lower())
        if pool is not None and dep.source.live:
            parts.append(f"(a) it is a session host of the host pool {pool}, which is not "
                         "Pooled: AVD supports ephemeral OS disks only in pooled host pools")
        entry = _selected(dep, entries) if entries else None
        if entry is not None:
            parts.append(f"(b) storage.persistent_os_disk entry {entry!r} says its OS disk "
                         "must persist")
        if parts:
            cf = facts.compute_facts(dep)
            yield make_finding(rule, cf.subject, f"ephemeral OS disk of {dep.name}: " +
                               "; ".join(parts), at=("diffDiskSettings",),
                               never_grouped=cf.facts is None)
    for vf in facts.versions:
        v = vf.version
        if not v.source.from_iac:
            continue
        source = _version_source(v.properties)
        dep = ephemeral.get(source.lower()) if source else None
        if dep is None:
            continue
        yield make_finding(rule, vf, f"(c) version {v.name} is captured from VM {dep.name}, "
                           "which has an ephemeral OS disk: Azure refuses a source VM with "
                           "an ephemeral OS disk", level="error", at=("source",),
                           properties={"sourceVirtualMachine": dep.id})
