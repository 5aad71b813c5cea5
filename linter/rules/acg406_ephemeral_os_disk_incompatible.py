"""A VM or scale set asks for an ephemeral OS disk that its image or its size cannot
hold.

## What it does
For each deployment in a template, plan or Terraform source with an
ephemeral OS disk (`diffDiskSettings.option: Local`): (a) its image is a
gallery image whose definition is `Specialized`; (b) with its OS disk size
S (`osDisk.diskSizeGB`, else the size of the live version it uses) and the
ephemeral capacity C of its VM size for its placement (`CachedDiskBytes`
for `CacheDisk`, `MaxResourceVolumeMB` for `ResourceDisk`,
`NvmeDiskSizeInMiB` for `NvmeDisk`, from Resource SKUs, capped at
`storage.ephemeral_max_os_disk_gib`): without full caching, S (plus 1 GiB
for Trusted Launch or confidential VMs, for the guest state) is greater
than C; with full caching, C is not greater than 2 x S + 1 GiB; without a
placement, for every placement the size supports; (c) the size's
`EphemeralOSDiskSupported` is `False`, or the placement (in Terraform, its
default `CacheDisk` included) is not among its
`SupportedEphemeralOSDiskPlacements`. A part whose capability, size or
definition is unknown is skipped; live VMs are not judged (Azure accepted
them). One finding per deployment, naming each part, the size, the
placement and the numbers.

## Why it matters
Ephemeral OS disks do not support specialized images ("Specialized OS disk
support: No"), and the OS disk must fit the size's cache, resource or NVMe
disk (ephemeral-os-disks.md); Azure refuses the deployment otherwise.
Resource SKUs is where the capacities are (Microsoft's own sizing script
reads the same three capabilities).

## Example
A `Standard_D2s_v5` VM (no local disk) with `diffDiskSettings: {option:
Local, placement: ResourceDisk}`.

## Fix
Choose a size whose cache, resource or NVMe disk holds the OS disk, a
smaller `diskSizeGB`, another placement, or a managed OS disk.

## Config
`storage.ephemeral_max_os_disk_gib` (2040); Resource SKUs as input
(`gallerylint export` fetches them).

## Related
ACG407, ACG703.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from ..model import UNKNOWN
from .base import make_finding
from .registry import RuleMeta
from .v2facts import size_capabilities, split_list

RULE = RuleMeta(id="ACG406", name="ephemeral-os-disk-incompatible", level="error",
                tags=("storage", "deployments", "correctness"), related=("ACG407", "ACG703"),
                config=("storage.ephemeral_max_os_disk_gib",))

_IAC = ("template", "plan", "terraform")
_CAPACITY = {"cachedisk": ("cacheddiskbytes", 2 ** 30), "resourcedisk": ("maxresourcevolumemb", 1024),
             "nvmedisk": ("nvmedisksizeinmib", 1024)}
_NAMES = {"cachedisk": "CacheDisk", "resourcedisk": "ResourceDisk", "nvmedisk": "NvmeDisk"}


def _capacity(caps: dict[str, str], placement: str, cap: float) -> float | None:
    key, unit = _CAPACITY[placement]
    raw = caps.get(key)
    try:
        value = float(raw) / unit if raw is not None else None
    except (TypeError, ValueError):
        return None
    return None if value is None else min(value, cap)


def _os_disk_gb(cf: Any) -> Any:
    dep = cf.deployment
    if isinstance(dep.os_disk_gb, int):
        return dep.os_disk_gb
    df = cf.facts
    if df is not None and df.version is not None and not df.version.version.source.from_iac \
            and isinstance(df.version.version.os_disk_gb, (int, float)):
        return df.version.version.os_disk_gb
    return None


def _too_small(size_gb: float, capacity: float, full: bool, extra: tuple[float, ...]) -> bool:
    if full:
        return capacity <= 2 * size_gb + 1
    return all(size_gb + e > capacity for e in extra)


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    cap = facts.settings.storage.ephemeral_max_os_disk_gib
    for dep in facts.inventory.deployments:
        if dep.ephemeral_os_disk is not True or dep.source.form not in _IAC:
            continue
        cf = facts.compute_facts(dep)
        parts = []
        df = cf.facts
        if df is not None and df.definition is not None and \
                str(df.definition.definition.os_state).lower() == "specialized":
            parts.append("(a) its image's definition is Specialized; ephemeral OS disks do not "
                         "support specialized images")
        caps = size_capabilities(facts, dep.vm_size, dep.location) or {}
        placement = dep.diff_placement.lower() if isinstance(dep.diff_placement, str) else None
        supported = split_list(caps.get("supportedephemeralosdiskplacements"))
        if str(caps.get("ephemeralosdisksupported", "")).lower() == "false":
            parts.append(f"(c) size {dep.vm_size} does not support ephemeral OS disks")
        elif placement is not None and supported is not None and placement not in supported:
            parts.append(f"(c) placement {_NAMES.get(placement, dep.diff_placement)} is not "
                         f"among size {dep.vm_size}'s "
                         f"({', '.join(_NAMES.get(p, p) for p in sorted(supported))})")
        size_gb = _os_disk_gb(cf)
        full = dep.full_caching is True
        security = dep.security_type.lower() if isinstance(dep.security_type, str) else None
        if security in ("trustedlaunch", "confidentialvm"):
            extra: tuple[float, ...] = (1.0,)
        elif security is None and dep.source.form in ("plan", "terraform"):
            extra = (0.0, 1.0)  # unknown: it must hold both with and without the 1 GiB
        else:
            extra = (0.0,)
        if isinstance(size_gb, (int, float)) and dep.full_caching is not UNKNOWN and \
                dep.diff_placement is not UNKNOWN:
            # without a placement, every placement the size supports (each one known)
            placements = [placement] if placement in _CAPACITY else (
                sorted(supported) if placement is None and supported and
                all(p in _CAPACITY for p in supported) else [])
            known = [(p, _capacity(caps, p, cap)) for p in placements]
            if known and all(c is not None for _, c in known) and \
                    all(_too_small(size_gb, c, full, extra) for _, c in known):
                shown = ", ".join(f"{_NAMES[p]} {c:g} GiB" for p, c in known)
                if full:
                    parts.append(f"(b) with full caching the ephemeral capacity ({shown}) is "
                                 f"not greater than 2 x {size_gb:g} GiB + 1 GiB")
                else:
                    parts.append(f"(b) the OS disk of {size_gb:g} GiB"
                                 f"{' plus 1 GiB of guest state' if max(extra) else ''} does "
                                 f"not fit size {dep.vm_size}'s ephemeral capacity ({shown})")
        if parts:
            yield make_finding(rule, cf.subject, f"ephemeral OS disk of {dep.name}: " +
                               "; ".join(parts), at=("diffDiskSettings", "vmSize"),
                               never_grouped=df is None,
                               properties={"vmSize": dep.vm_size,
                                           "placement": dep.diff_placement
                                           if isinstance(dep.diff_placement, str) else None,
                                           "osDiskSizeGB": size_gb})
