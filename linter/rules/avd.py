"""What the Azure Virtual Desktop rules (catalog v3) read: host pools with their
`vmTemplate`, session host configurations and session hosts (rules.md, "Resource types
(v3)")."""

from __future__ import annotations

import json
from typing import Any

from msgspec import Struct, field

from ..facts import Facts, in_production_scope
from ..model import UNKNOWN, Resource
from ..names import parse_gallery_path
from ..sources.azure import HOST_POOL, SESSION_HOST, SESSION_HOST_CONFIG



class HostPool(Struct):
    pool: Resource
    vm_template: Any  # dict with keys lowercased, None when absent, UNKNOWN when unreadable
    configurations: list[Resource] = field(default_factory=list)
    session_hosts: list[Resource] = field(default_factory=list)
    production: bool = False


def _parent(rid: str) -> str:
    """The host pool ID a child's ID is under: `.../hostPools/<pool>/<type>/<name>`."""
    parts = rid.rstrip("/").split("/")
    return "/".join(parts[:-2]).lower()


def vm_template(pool: Resource) -> Any:
    raw = pool.properties.get("vmTemplate")
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError):
            return UNKNOWN
    if not isinstance(raw, dict):
        return UNKNOWN
    return {str(k).lower(): v for k, v in raw.items()}


def host_pools(facts: Facts) -> list[HostPool]:
    tag_values = {v.lower() for v in facts.settings.environments.production_tag_values}
    pools = {}
    for r in facts.inventory.others:
        if r.kind == HOST_POOL:
            env = r.tags.get("environment") if r.tags else None
            production = (isinstance(env, str) and env.lower() in tag_values) or \
                in_production_scope(r.id, facts.settings)
            pools[r.id.lower()] = HostPool(r, vm_template(r), production=production)
    for r in facts.inventory.others:
        owner = pools.get(_parent(r.id)) if r.kind in (SESSION_HOST, SESSION_HOST_CONFIG) \
            else None
        if owner is None:
            continue
        (owner.session_hosts if r.kind == SESSION_HOST else owner.configurations).append(r)
    return list(pools.values())


def gallery_image(ref: Any) -> bool:
    """The ARM ID of a gallery definition or version."""
    if not isinstance(ref, str):
        return False
    m = parse_gallery_path(ref.strip())
    return bool(m and m.group("image") and ref.strip().lower().startswith("/subscriptions/"))
