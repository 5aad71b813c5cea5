"""The compact facts Rego rules see.

A Rego rule names one collection and the fields it reads (METADATA
`custom.collection` / `custom.fields`). Each resource of the collection is
projected onto those fields and identical projections are sent once: a
million VMs with a handful of distinct (disk type, disallowed types) pairs
are a handful of Rego items. Each item carries `k`, its group number;
violations name `k` and are expanded back to every resource of the group.

Field values are plain JSON: strings lowercased where the catalog compares
case-insensitively, lists sorted. A value the input cannot tell is left out
of the item, so a rule that reads it stays quiet ("unknown is never a
violation").
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from msgspec import Struct

from ..facts import DefinitionFacts, DeploymentFacts, Facts, VersionFacts, glob_match
from ..model import UNKNOWN, Gallery
from ..names import known_subscription


def _low(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    return UNKNOWN if value is UNKNOWN else value


def _has(value: Any) -> Any:
    if value is UNKNOWN:
        return UNKNOWN
    return isinstance(value, str) and value.strip() != ""


def _sorted_low(values: Iterable[Any]) -> Any:
    out = []
    for v in values:
        if not isinstance(v, str):
            return UNKNOWN
        out.append(v.lower())
    return tuple(sorted(out))


def _subscription_entries(entries: Iterable[str]) -> set[str]:
    return {e.lower().rsplit("/", 1)[-1] if e.lower().startswith("/subscriptions/")
            else e.lower() for e in entries}


def _gallery_fields(facts: Facts) -> dict[str, Callable[[Gallery], Any]]:
    sharing = facts.settings.sharing
    subs = _subscription_entries(sharing.allowed_subscriptions)
    tenants = {t.lower() for t in sharing.allowed_tenants}

    def unapproved(g: Gallery, kind: str, allowed: set[str]) -> Any:
        if g.groups is None:
            return UNKNOWN
        if kind == "subscriptions" and known_subscription(g.subscription_id, g.source) is None:
            return ()  # v3: its own subscription is unknown (a placeholder): quiet
        own = {g.subscription_id.lower()} if kind == "subscriptions" else set()
        # v2: the gallery's own subscription is never unapproved.
        return tuple(sorted(i for i in g.groups.get(kind, ())
                            if i not in allowed and _subscription_entries([i]) - own))

    def info(g: Gallery, key: str) -> Any:
        return _has((g.community_info or {}).get(key))

    return {
        "name": lambda g: g.name,
        "permissions": lambda g: g.permissions,
        "groups_known": lambda g: g.groups is not None,
        "unapproved_subscriptions": lambda g: unapproved(g, "subscriptions", subs),
        "unapproved_tenants": lambda g: unapproved(g, "aadtenants", tenants),
        "community_allowed": lambda g: glob_match(sharing.allowed_community_galleries,
                                                  g.name, g.id, *g.public_names),
        "has_publisher_uri": lambda g: info(g, "publisherUri"),
        "has_publisher_contact": lambda g: info(g, "publisherContact"),
        "has_eula": lambda g: info(g, "eula"),
        "community_enabled": lambda g: (
            (g.community_info or {}).get("communityGalleryEnabled")
            if isinstance((g.community_info or {}).get("communityGalleryEnabled"), bool)
            else UNKNOWN),
        "matches_naming_pattern": lambda g: _naming(facts.settings.naming.gallery, g.name),
    }


def _naming(pattern: str | None, name: Any) -> Any:
    import re
    if pattern is None or not isinstance(name, str):
        return UNKNOWN
    return re.fullmatch(pattern, name) is not None


def _security_feature(df: DefinitionFacts) -> Any:
    if df.definition.features is UNKNOWN:
        return UNKNOWN
    value = df.definition.features.get("securitytype")
    return _low(value) if value is not None else None


def _definition_fields(facts: Facts) -> dict[str, Callable[[DefinitionFacts], Any]]:
    def gallery_permissions(df: DefinitionFacts) -> Any:
        return df.gallery.permissions if df.gallery is not None else UNKNOWN

    return {
        "name": lambda df: df.definition.name,
        "publisher": lambda df: df.definition.publisher,
        "offer": lambda df: df.definition.offer,
        "sku": lambda df: df.definition.sku,
        "os_state": lambda df: _low(df.definition.os_state),
        "hyper_v_generation": lambda df: _low(df.definition.hyper_v_generation),
        "security_feature": _security_feature,
        "gallery_permissions": gallery_permissions,
        "has_eula": lambda df: _has(df.definition.eula),
        "has_privacy_statement_uri": lambda df: _has(df.definition.privacy_statement_uri),
        "has_release_note_uri": lambda df: _has(df.definition.release_note_uri),
        "matches_naming_pattern": lambda df: _naming(facts.settings.naming.definition,
                                                     df.definition.name),
    }


def _failed_regions(vf: VersionFacts) -> Any:
    return tuple(sorted(r for r, s in vf.version.region_replication_states.items()
                        if s.lower() == "failed"))


def _applied_security_feature(vf: VersionFacts) -> Any:
    """The SecurityType value that applies to the version (features with startsAtVersion)."""
    if vf.definition is None:
        return UNKNOWN
    return _low(vf.definition.feature("securitytype", vf.number))


def _version_fields(facts: Facts) -> dict[str, Callable[[VersionFacts], Any]]:
    def regions(vf: VersionFacts) -> Any:
        if vf.regions is UNKNOWN:
            return UNKNOWN
        return tuple(sorted(vf.regions))

    return {
        "name": lambda vf: vf.version.name,
        "location": lambda vf: vf.version.location,
        "target_regions": regions,
        "explicit_target_regions": lambda vf: vf.version.target_regions is not None,
        "replication_state": lambda vf: _low(vf.version.replication_state),
        "failed_regions": _failed_regions,
        "reported_for_policy_violation": lambda vf: vf.version.reported_for_policy_violation,
        "trusted_launch_validation_failed":
            lambda vf: ("trustedlaunch", "failed") in vf.version.validations,
        "security_feature_applied": _applied_security_feature,
        "policy_violation_count": lambda vf: len(vf.version.policy_violations),
        "planned": lambda vf: vf.version.pipeline is not None,
    }


def _deployment_fields(facts: Facts) -> dict[str, Callable[[DeploymentFacts], Any]]:
    def disallowed(dep: DeploymentFacts) -> Any:
        if dep.definition is None:
            return UNKNOWN
        types = dep.definition.definition.disallowed_disk_types
        return types if types is UNKNOWN else tuple(sorted(types, key=str))

    def allowed_security(dep: DeploymentFacts) -> Any:
        if dep.definition is None:
            return UNKNOWN
        # v2: the SecurityType entry that applies to the version the deployment uses.
        allowed = dep.definition.allowed_security_types_for(dep.version_number)
        return UNKNOWN if allowed is None else tuple(sorted(allowed))

    def security_type(dep: DeploymentFacts) -> Any:
        value = dep.deployment.security_type
        return "standard" if value is None else _low(value)

    return {
        "os_disk_type": lambda dep: _low(dep.deployment.os_disk_type),
        "data_disk_types": lambda dep: _sorted_low(dep.deployment.data_disk_types),
        "disallowed_disk_types": disallowed,
        "security_type": security_type,
        "allowed_security_types": allowed_security,
        "security_feature": lambda dep: (_security_feature(dep.definition)
                                         if dep.definition is not None else UNKNOWN),
        "hyper_v_generation": lambda dep: (_low(dep.definition.definition.hyper_v_generation)
                                           if dep.definition is not None else UNKNOWN),
    }


def _deployment_prekey(dep: DeploymentFacts) -> tuple[Any, ...]:
    d = dep.deployment
    return (id(dep.definition), id(dep.version), id(dep.soft_deleted_entry), d.os_disk_type,
            d.data_disk_types, d.security_type)


def _gallery_deployment_fields(facts: Facts) -> dict[str, Callable[[DeploymentFacts], Any]]:
    from ..names import parse_time
    retirement = parse_time(facts.settings.storage.hdd_os_retirement)
    retired = (not facts.now < retirement) if hasattr(retirement, "year") else UNKNOWN

    def ephemeral(dep: DeploymentFacts) -> Any:
        value = dep.deployment.ephemeral_os_disk
        return value if isinstance(value, bool) else UNKNOWN

    return {
        "os_disk_type": lambda dep: _low(dep.deployment.os_disk_type),
        "ephemeral_os_disk": ephemeral,
        "hdd_os_retired": lambda dep: retired,
    }


class Collection(Struct, frozen=True):
    name: str
    subjects: Callable[[Facts], Iterable[Any]]
    fields: Callable[[Facts], Mapping[str, Callable[[Any], Any]]]
    # A cheap key such that equal keys give equal fields: getters then run once
    # per distinct key instead of once per resource (a million VMs).
    prekey: Callable[[Any], Any] | None = None


COLLECTIONS: dict[str, Collection] = {
    "galleries": Collection("galleries", lambda f: f.galleries, _gallery_fields),
    "definitions": Collection("definitions", lambda f: f.definitions, _definition_fields),
    # v3: planned versions that have a name join them (ACG101, ACG604 judge them; the
    # other version policies read facts a planned version never has).
    "versions": Collection("versions", lambda f: (
        [*f.versions, *(p for p in f.planned if p.version.name)] if f.planned
        else f.versions), _version_fields),
    # Every gallery-image deployment, resolved or not (rules.md, "deployment").
    "gallery_deployments": Collection(
        "gallery_deployments", lambda f: f.deployments, _gallery_deployment_fields,
        lambda dep: (dep.deployment.os_disk_type, dep.deployment.ephemeral_os_disk)),
    # Deployments whose reference resolved to a definition in the inventory.
    "deployments": Collection(
        "deployments", lambda f: (d for d in f.deployments if d.definition is not None),
        _deployment_fields, _deployment_prekey),
}


# regopy writes `"`, `\` and control characters unescaped into its JSON output, which
# then fails to parse: strings reach Rego with them replaced by U+FFFD. No built-in
# rule compares such a character (a version name holding one is invalid either way).
_REGO_UNSAFE = {ord('"'): "\ufffd", ord("\\"): "\ufffd",
                **{c: "\ufffd" for c in range(0x20)}, 0x7f: "\ufffd",
                **{c: "\ufffd" for c in range(0xD800, 0xE000)}}  # lone surrogates


def _rego_value(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_REGO_UNSAFE)
    if isinstance(value, (tuple, list)):  # an unknown element is left out, never guessed
        return [_rego_value(v) for v in value if v is not UNKNOWN]
    if isinstance(value, dict):
        return {k: _rego_value(v) for k, v in value.items() if v is not UNKNOWN}
    return value


class Projection(Struct):
    items: list[dict[str, Any]]
    groups: list[list[Any]]  # subjects per item, by k


def project(facts: Facts, collection: str, fields: tuple[str, ...]) -> Projection:
    """The deduplicated Rego items of one collection for one set of fields."""
    spec = COLLECTIONS.get(collection)
    if spec is None:
        raise KeyError(collection)
    getters_by_name = spec.fields(facts)
    unknown = [f for f in fields if f not in getters_by_name]
    if unknown:
        raise KeyError(", ".join(unknown))
    getters = [getters_by_name[f] for f in fields]
    index: dict[tuple[Any, ...], int] = {}
    groups: list[list[Any]] = []
    keys: list[tuple[Any, ...]] = []

    def slot(key: tuple[Any, ...]) -> int:
        try:
            k = index.get(key)
        except TypeError:  # a list or object among the values (an odd input): as text
            key = tuple(v if v is UNKNOWN or isinstance(v, (str, int, float, bool, tuple))
                        or v is None else UNKNOWN for v in key)
            k = index.get(key)
        if k is None:
            k = index[key] = len(groups)
            groups.append([])
            keys.append(key)
        return k

    if spec.prekey is None:
        for subject in spec.subjects(facts):
            groups[slot(tuple(g(subject) for g in getters))].append(subject)
    else:
        # The getters run once per distinct prekey; the subjects are grouped by prekey
        # once per collection (a million VMs), not once per policy.
        subjects, by_prekey = _pregroups(facts, spec)
        merged: dict[int, list[list[int]]] = {}
        for members in by_prekey:
            k = slot(tuple(g(subjects[members[0]]) for g in getters))
            merged.setdefault(k, []).append(members)
        for k, parts in merged.items():
            order = parts[0] if len(parts) == 1 else sorted(i for p in parts for i in p)
            groups[k] = [subjects[i] for i in order]  # in the collection's order
    items = []
    for k, key in enumerate(keys):
        item: dict[str, Any] = {"k": k}
        for name, value in zip(fields, key):
            if value is UNKNOWN:
                continue
            item[name] = _rego_value(value)
        items.append(item)
    return Projection(items, groups)


def _pregroups(facts: Facts, spec: Collection) -> tuple[list[Any], list[list[int]]]:
    """A collection's subjects, and their positions grouped by prekey in order of first
    appearance: built once per collection and kept with the facts."""
    cache = facts.pregroups
    found = cache.get(spec.name)
    if found is None:
        prekey = spec.prekey
        assert prekey is not None
        subjects = list(spec.subjects(facts))
        by_key: dict[Any, list[int]] = {}
        for i, subject in enumerate(subjects):
            pk = prekey(subject)
            members = by_key.get(pk)
            if members is None:
                by_key[pk] = [i]
            else:
                members.append(i)
        found = cache[spec.name] = (subjects, list(by_key.values()))
    return found


def field_names() -> dict[str, list[str]]:
    """Every collection's fields, for the docs and for checking METADATA."""
    from datetime import datetime, timezone

    from ..config import Settings
    from ..facts import build
    from ..model import Inventory
    facts = build(Inventory(), Settings(), datetime.now(timezone.utc))
    return {name: sorted(c.fields(facts)) for name, c in COLLECTIONS.items()}
