"""Joins and aggregates over the inventory, computed once, before any rule runs.

Everything the catalog's conventions define (rules.md, "Conventions") lives
here, so that each rule is a cheap predicate: valid versions, effective
replicas and storage types, exclude-from-latest per region, latest
resolution, reference resolution for deployments, usage per version and
region, counts per subscription and region, production, end of life.
"""

from __future__ import annotations

import fnmatch
import re
from datetime import datetime
from typing import Any, Iterable

from msgspec import Struct, field

from .config import Settings
from .model import (
    UNKNOWN,
    Application,
    AppReference,
    Deployment,
    Gallery,
    ImageDefinition,
    ImageVersion,
    Inventory,
    SoftDeletedEntry,
    Source,
)
from .names import (PLACEHOLDER_SUBSCRIPTION, definition_id_of, known_subscription,
                    parse_gallery_path)

INT32_MAX = 2147483647
_VERSION_PART = re.compile(r"[0-9]+")

# The security types each SecurityType feature value allows (rules.md, conventions).
SECURITY_TYPES_ALLOWED: dict[str, frozenset[str]] = {
    "standard": frozenset({"standard"}),
    "trustedlaunchsupported": frozenset({"standard", "trustedlaunch"}),
    "trustedlaunch": frozenset({"trustedlaunch"}),
    "confidentialvmsupported": frozenset({"standard", "confidentialvm"}),
    "confidentialvm": frozenset({"confidentialvm"}),
    "trustedlaunchandconfidentialvmsupported": frozenset(
        {"standard", "trustedlaunch", "confidentialvm"}),
}


def parse_version_name(name: Any) -> tuple[int, int, int] | None:
    """Major.Minor.Patch, each 0..2147483647 in decimal digits; None when invalid."""
    if not isinstance(name, str):
        return None
    parts = name.split(".")
    if len(parts) != 3:
        return None
    numbers = []
    for p in parts:
        if not p.isascii() or not _VERSION_PART.fullmatch(p):
            return None
        n = int(p)
        if n > INT32_MAX:
            return None
        numbers.append(n)
    return numbers[0], numbers[1], numbers[2]


def glob_match(patterns: Iterable[str], *candidates: Any) -> bool:
    """Shell-style, case-insensitive; `*` also matches `/` (rules.md, conventions)."""
    values = [c.lower() for c in candidates if isinstance(c, str) and c]
    for pattern in patterns:
        p = pattern.lower()
        if any(fnmatch.fnmatchcase(v, p) for v in values):
            return True
    return False


class RegionFacts(Struct, eq=False):
    region: str
    replicas: Any  # int | UNKNOWN: effective replicas
    storage_type: Any  # str | UNKNOWN: effective storage type
    excluded: Any  # bool | UNKNOWN: excluded from latest here
    index: int | None  # targetRegions index, None for the implicit source region


class Usage(Struct, eq=False):
    """Deployments of one version in one region (VMs of a Flexible scale set whose
    scale set is in the input count through that scale set only)."""

    vms: int = 0
    scale_sets: int = 0
    scale_set_instances: int = 0
    unknown_capacity: bool = False
    deployments: list["DeploymentFacts"] = field(default_factory=list)


class VersionFacts(Struct, eq=False):
    version: ImageVersion
    definition: "DefinitionFacts | None"
    gallery: Gallery | None
    number: tuple[int, int, int] | None  # None: not a valid version
    regions: dict[str, RegionFacts] | Any  # UNKNOWN when targetRegions is unreadable
    end_of_life: datetime | None | Any
    eligible: bool
    latest_in: set[str] = field(default_factory=set)
    usage: dict[str, Usage] = field(default_factory=dict)
    used: bool = False  # used by any deployment, Flexible members included
    production: bool = False
    soft_deleted: bool = False  # v2: imageState SoftDeleted, or in the soft-deleted listing
    consumption_end: Any = None  # v2: datetime | None (unknown)

    @property
    def total_replicas(self) -> Any:
        total = 0
        for r in self.regions.values():
            if r.replicas is UNKNOWN:
                return UNKNOWN
            total += r.replicas
        return total

    @property
    def total_instances(self) -> int:
        return sum(u.vms + u.scale_set_instances for u in self.usage.values())


class DefinitionFacts(Struct, eq=False):
    definition: ImageDefinition
    gallery: Gallery | None
    versions: list[VersionFacts] = field(default_factory=list)
    by_name: dict[str, VersionFacts] = field(default_factory=dict)
    latest_by_region: dict[str, VersionFacts] = field(default_factory=dict)
    latest: VersionFacts | None = None
    used: bool = False
    # v2: soft-deleted versions known only from the gallery's listing, by name lowercased
    soft_deleted_by_name: dict[str, SoftDeletedEntry] = field(default_factory=dict)

    def feature(self, name: str, number: tuple[int, int, int] | None | Any) -> Any:
        """The value of feature `name` (lowercase) that applies to a version with this
        number (rules.md, "features that apply to a version"): None when no entry
        applies, UNKNOWN when it cannot be told (an entry with `startsAtVersion` while
        the version is unknown, or S or V not a valid version)."""
        entries = self.definition.feature_entries
        if entries is UNKNOWN:
            return UNKNOWN
        best: tuple[int, int, int] | None = None
        value: Any = None
        for entry_name, entry_value, starts in entries:
            if entry_name != name:
                continue
            if starts is None or starts == "":
                at = (0, 0, 0)
            else:
                at = parse_version_name(starts)  # type: ignore[assignment]
                if at is None or not isinstance(number, tuple):
                    return UNKNOWN
                if number < at:
                    continue
            if best is None or at >= best:
                best, value = at, entry_value
        return value

    def allowed_security_types_for(self, number: Any) -> frozenset[str] | None:
        """The security types the definition allows for a version; None when unknown
        (a value outside the six known, or the applying entry cannot be told)."""
        d = self.definition
        if isinstance(d.hyper_v_generation, str) and d.hyper_v_generation.lower() == "v1":
            return SECURITY_TYPES_ALLOWED["standard"]
        if d.features is UNKNOWN:
            return None
        value = self.feature("securitytype", number)
        if value is UNKNOWN:
            return None
        if value is None:
            return SECURITY_TYPES_ALLOWED["standard"]
        if not isinstance(value, str):
            return None
        return SECURITY_TYPES_ALLOWED.get(value.lower())

    @property
    def allowed_security_types(self) -> frozenset[str] | None:
        """For features without `startsAtVersion` (the gate and the bundle's view)."""
        return self.allowed_security_types_for(None)


class DeploymentFacts(Struct, eq=False):
    deployment: Deployment
    reference: str | None  # the gallery image reference, as given
    gallery: Gallery | None = None
    definition: DefinitionFacts | None = None
    pinned: bool = False
    requested_version: str | None = None  # pinned or exactVersion name
    version: VersionFacts | None = None
    unresolved: str | None = None  # "gallery" | "definition" | "version"
    no_latest: bool = False  # unpinned and no latest in its region
    counted: bool = True  # False: a Flexible member counted through its scale set
    production: bool = False
    soft_deleted_entry: SoftDeletedEntry | None = None  # v2: resolved to a listing entry

    @property
    def version_number(self) -> Any:
        """The number of the version the deployment uses; None when unknown."""
        if self.version is not None:
            return self.version.number
        if self.soft_deleted_entry is not None:
            return parse_version_name(self.soft_deleted_entry.name)
        return None

    @property
    def image_resource_id(self) -> str | None:
        """The image resource this deployment refers to: the version when pinned or
        resolved, else the definition, else the reference as written."""
        if self.version is not None:
            return self.version.version.id
        if self.definition is not None:
            return self.definition.definition.id
        return self.reference


class AppVersionFacts(Struct, eq=False):
    version: ImageVersion  # an application version (kind "app")
    application: Application | None
    number: tuple[int, int, int] | None
    regions: dict[str, RegionFacts] | Any
    end_of_life: Any  # own publishingProfile.endOfLifeDate, else the application's


class AppEntryFacts(Struct, eq=False):
    entry: AppReference
    application: Application | None = None
    version: AppVersionFacts | None = None
    application_key: str | None = None  # .../galleries/{g}/applications/{a}, lowercased


class AppDeploymentFacts(Struct, eq=False):
    deployment: Deployment
    entries: list[AppEntryFacts]
    production: bool = False
    image: DeploymentFacts | None = None  # the gallery-image deployment facts, if any


class RegionCount(Struct, eq=False):
    count: int
    first: Source  # the first resource counted, where a subscription finding is located


class Facts(Struct, eq=False):
    now: datetime
    settings: Settings
    inventory: Inventory
    galleries: list[Gallery]
    gallery_production: dict[str, bool]
    definitions: list[DefinitionFacts]
    versions: list[VersionFacts]
    deployments: list[DeploymentFacts]  # gallery-image deployments only
    # (subscription, region) -> how many, and where the first one is (for locations)
    galleries_per_region: dict[tuple[str, str], "RegionCount"]
    definitions_per_region: dict[tuple[str, str], "RegionCount"]
    versions_per_region: dict[tuple[str, str], "RegionCount"]
    app_versions: list[AppVersionFacts] = field(default_factory=list)
    app_deployments: list[AppDeploymentFacts] = field(default_factory=list)
    app_versions_per_region: dict[tuple[str, str], "RegionCount"] = field(default_factory=dict)
    has_live_deployments: bool = False
    # v3: planned versions (what pipelines will publish): judged by the version rules
    # rules.md lists, never part of latest, usage or counts.
    planned: list[VersionFacts] = field(default_factory=list)
    sku_index: dict[str, list[Any]] | None = None  # Resource SKUs by size, built on first use
    _by_deployment: dict[int, "DeploymentFacts"] | None = None
    # rules/collections.py: a collection's subjects grouped by prekey, built once
    pregroups: dict[str, Any] = field(default_factory=dict)
    _production_pipelines: set[str] | None = None

    def production_pipeline(self, pipeline_id: str) -> bool:
        """v3: a pipeline is production when one of its planned versions targets a
        definition in a production gallery (rules.md, "Pipelines (v3)")."""
        if self._production_pipelines is None:
            self._production_pipelines = {str(vf.version.pipeline).lower()
                                          for vf in self.planned if vf.production}
        return pipeline_id.lower() in self._production_pipelines

    def planned_of(self, pipeline_id: str) -> list["VersionFacts"]:
        low = pipeline_id.lower()
        return [vf for vf in self.planned if str(vf.version.pipeline).lower() == low]

    def pipeline_versions(self) -> list[tuple[Any, "VersionFacts", dict[str, Any]]]:
        """v3: (pipeline, planned version, its raw settings) for every planned version:
        for AIB the `distribute[]` entry it comes from (with `index`), for Packer the
        `shared_image_gallery_destination` block (the pipeline's arguments are
        `pipeline.properties`)."""
        by_id: dict[str, list[VersionFacts]] = {}
        for vf in self.planned:
            by_id.setdefault(str(vf.version.pipeline).lower(), []).append(vf)
        out = []
        for p in self.inventory.pipelines:
            planned = by_id.get(p.id.lower(), [])
            if p.kind == "aib":
                entries = p.properties.get("distribute")
                shared = [(i, e) for i, e in enumerate(entries if isinstance(entries, list)
                                                       else [])
                          if isinstance(e, dict) and str(e.get("type", "")).lower()
                          == "sharedimage"]
                out += [(p, vf, {**e, "index": i}) for vf, (i, e) in zip(planned, shared)]
            else:
                dest = p.properties.get("shared_image_gallery_destination")
                block = dest[0] if isinstance(dest, list) and dest and \
                    isinstance(dest[0], dict) else {}
                out += [(p, vf, block) for vf in planned]
        return out

    def compute_facts(self, dep: Deployment) -> "ComputeFacts":
        """v3: a compute resource (VM or scale set, whatever its image) with its
        gallery-image facts when it has them and whether it is production. Rules filter
        the inventory's deployments first and ask this for the few that matter: an
        estate of a million VMs never gets a million of these."""
        if self._by_deployment is None:
            self._by_deployment = {id(df.deployment): df for df in self.deployments}
        df = self._by_deployment.get(id(dep))
        return ComputeFacts(dep, df, bool(df and df.production) or
                            is_production_compute(dep, self.settings))



class ComputeFacts(Struct, eq=False):
    deployment: Deployment
    facts: DeploymentFacts | None  # None: its image is not a gallery image
    production: bool

    @property
    def subject(self) -> Any:
        """What a finding about it is located on (make_finding)."""
        return self.facts if self.facts is not None else self.deployment


def _region_facts(v: ImageVersion) -> dict[str, RegionFacts] | Any:
    global_excluded = v.exclude_from_latest
    default_count = v.replica_count if v.replica_count is not None else 1
    if v.storage_account_type is not None:
        default_type = v.storage_account_type
    elif isinstance(v.storage_account_strategy, str):
        default_type = ("Standard_ZRS" if v.storage_account_strategy.lower() == "preferstandard_zrs"
                        else "Standard_LRS")
    elif v.storage_account_strategy is UNKNOWN:
        default_type = UNKNOWN
    elif v.api_version is not None and v.api_version >= "2025-03-03":
        default_type = "Standard_ZRS"
    else:
        default_type = "Standard_LRS"
    if v.target_regions is UNKNOWN:
        return UNKNOWN
    if v.target_regions is None:
        if v.location is None or v.location is UNKNOWN:
            return {}
        return {v.location: RegionFacts(v.location, default_count, default_type,
                                        global_excluded, None)}
    out: dict[str, RegionFacts] = {}
    for tr in v.target_regions:
        if tr.name is UNKNOWN:
            continue
        count = tr.regional_replica_count if tr.regional_replica_count is not None else default_count
        if count is UNKNOWN or tr.additional_replicas is UNKNOWN:
            replicas: Any = UNKNOWN
        else:
            replicas = count + tr.additional_replicas
        storage = tr.storage_account_type if tr.storage_account_type is not None else default_type
        if global_excluded is True or tr.exclude_from_latest is True:
            excluded: Any = True
        elif global_excluded is UNKNOWN or tr.exclude_from_latest is UNKNOWN:
            excluded = UNKNOWN
        else:
            excluded = False
        out[tr.name] = RegionFacts(tr.name, replicas, storage, excluded, tr.index)
    return out


def is_production_gallery(g: Gallery, settings: Settings) -> bool:
    env = settings.environments
    if glob_match(env.production_galleries, g.name, g.id):
        return True
    return _production_tag(g.tags, env.production_tag_values)


def in_production_scope(resource_id: Any, settings: Settings) -> bool:
    """v3: the resource's ARM ID lies in one of `environments.production_scopes`: equal
    to an entry, or below it, or matching a glob entry as a whole (rules.md,
    "Production scopes (v3)"); a bare subscription GUID stands for its subscription."""
    scopes = settings.environments.production_scopes
    if not scopes or not isinstance(resource_id, str):
        return False
    rid = resource_id.lower().rstrip("/")
    # v3: an entry never matches through a placeholder part; a glob matches on the
    # parts that are known
    placeholder = rid.startswith(f"/subscriptions/{PLACEHOLDER_SUBSCRIPTION}/") or \
        rid == f"/subscriptions/{PLACEHOLDER_SUBSCRIPTION}"
    for entry in scopes:
        scope = entry.lower().rstrip("/")
        if not scope:
            continue
        if any(c in scope for c in "*?["):
            if fnmatch.fnmatchcase(rid, scope) and not (
                    placeholder and PLACEHOLDER_SUBSCRIPTION in scope):
                return True
            continue
        if placeholder:
            continue
        if not scope.startswith("/"):
            scope = f"/subscriptions/{scope}"
        if rid == scope or rid.startswith(scope + "/"):
            return True
    return False


def is_production_compute(dep: Deployment, settings: Settings,
                          gallery_production: bool = False) -> bool:
    """A compute resource is production by its own `environment` tag, a production scope,
    or (for a gallery image) its gallery (rules.md, conventions and v3)."""
    return gallery_production or \
        _production_tag(dep.tags, settings.environments.production_tag_values) or \
        in_production_scope(dep.id, settings)


_MANAGED_IMAGE = re.compile(r"^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/"
                            r"microsoft\.compute/images/[^/]+$", re.IGNORECASE)


def image_source(dep: Deployment) -> Any:
    """v3: where a deployment's OS comes from, the first that applies (rules.md, "Image
    sources of a deployment"): ("gallery", ref) | ("managed", id) | ("marketplace",
    "publisher:offer:sku") | ("unmanaged", None) | ("attached", None); UNKNOWN when the
    input cannot tell, None when nothing applies."""
    refs = (dep.image_id, dep.shared_image_id, dep.community_image_id)
    for ref in refs:
        if ref.__class__ is str:
            m = parse_gallery_path(ref)
            if (m is not None and m.group("image")) or _SHARED_REF.match(ref):
                return ("gallery", ref)
    if isinstance(dep.image_id, str) and _MANAGED_IMAGE.match(dep.image_id.strip()):
        return ("managed", dep.image_id)
    if any(r is UNKNOWN for r in refs) or dep.marketplace is UNKNOWN:
        return UNKNOWN
    if isinstance(dep.marketplace, str):
        return ("marketplace", dep.marketplace)
    if isinstance(dep.image_id, str):
        return None  # an `id` of another kind: not a source the catalog names
    if dep.unmanaged is True:
        return ("unmanaged", None)
    if dep.attached is True:
        return ("attached", None)
    if UNKNOWN in (dep.unmanaged, dep.attached):
        return UNKNOWN
    return None


def _production_tag(tags: Any, values: Iterable[str]) -> bool:
    value = tags.get("environment") if tags else None
    return isinstance(value, str) and value.lower() in {v.lower() for v in values}


_SHARED_REF = re.compile(
    r"^/(?P<kind>sharedgalleries|communitygalleries)/(?P<gallery>[^/]+)/images/(?P<image>[^/]+)"
    r"(?:/versions/(?P<version>[^/]+))?/?$", re.IGNORECASE)


def build(inventory: Inventory, settings: Settings, now: datetime) -> Facts:
    galleries = inventory.galleries
    gallery_by_id = {g.id.lower(): g for g in galleries}
    gallery_by_unique = {g.unique_name.lower(): g for g in galleries
                         if isinstance(g.unique_name, str)}
    gallery_by_public: dict[str, Gallery] = {}
    for g in galleries:
        for n in g.public_names:
            gallery_by_public[n.lower()] = g
    gallery_production = {g.id.lower(): is_production_gallery(g, settings) for g in galleries}

    definitions: list[DefinitionFacts] = []
    definition_by_id: dict[str, DefinitionFacts] = {}
    for d in inventory.definitions:
        df = DefinitionFacts(d, gallery_by_id.get(d.gallery_id.lower()))
        definitions.append(df)
        definition_by_id[d.id.lower()] = df

    listing = {e.resource_arm_id.lower(): e for e in inventory.soft_deleted}
    versions: list[VersionFacts] = []
    for v in inventory.versions:
        df = definition_by_id.get(v.definition_id.lower())
        regions = _region_facts(v)
        number = parse_version_name(v.name)
        eol = v.end_of_life
        if eol is None and df is not None:
            eol = df.definition.end_of_life
        entry = listing.get(v.id.lower()) if listing else None
        soft = v.image_state == "softdeleted" or entry is not None
        consumption_end = v.consumption_end
        if consumption_end is None and entry is not None:
            consumption_end = entry.consumption_end
        eligible = not soft and number is not None and regions is not UNKNOWN and any(
            r.excluded is False for r in regions.values())
        gallery = df.gallery if df is not None else gallery_by_id.get(
            v.definition_id.rsplit("/images/", 1)[0].lower())
        vf = VersionFacts(v, df, gallery, number, regions, eol, eligible,
                          production=bool(gallery and gallery_production.get(gallery.id.lower())),
                          soft_deleted=soft, consumption_end=consumption_end)
        versions.append(vf)
        if df is not None:
            df.versions.append(vf)
            df.by_name.setdefault(v.name.lower(), vf)
    for e in inventory.soft_deleted:
        df = definition_by_id.get(definition_id_of(e.resource_arm_id).lower())
        if df is not None and e.name.lower() not in df.by_name:
            df.soft_deleted_by_name.setdefault(e.name.lower(), e)

    for df in definitions:
        _resolve_latest(df)

    deployments = _resolve_deployments(inventory, settings, gallery_by_id, gallery_by_unique,
                                       gallery_by_public, definition_by_id, gallery_production)

    def count(items: Iterable[Any]) -> dict[tuple[str, str], RegionCount]:
        out: dict[tuple[str, str], RegionCount] = {}
        for item in items:
            # v3: a placeholder subscription is unknown: counted under none
            if isinstance(item.location, str) and item.subscription_id and \
                    known_subscription(item.subscription_id, item.source) is not None:
                key = (item.subscription_id, item.location)
                found = out.get(key)
                if found is None:
                    out[key] = RegionCount(1, item.source)
                else:
                    found.count += 1
        return out

    facts = Facts(
        now=now, settings=settings, inventory=inventory, galleries=galleries,
        gallery_production=gallery_production, definitions=definitions, versions=versions,
        deployments=deployments,
        galleries_per_region=count(galleries),
        definitions_per_region=count(inventory.definitions),
        versions_per_region=count(inventory.versions),
        app_versions_per_region=count(inventory.app_versions),
        has_live_deployments=any(not d.source.from_iac for d in inventory.deployments),
    )
    if inventory.app_versions or any(d.applications for d in inventory.deployments):
        _resolve_applications(facts, gallery_by_id)
    if inventory.planned:
        facts.planned = _planned_facts(inventory, definition_by_id, gallery_by_id,
                                       gallery_production)
    return facts


def _planned_facts(inventory: Inventory, definition_by_id: dict[str, DefinitionFacts],
                   gallery_by_id: dict[str, Gallery],
                   gallery_production: dict[str, bool]) -> list[VersionFacts]:
    """Planned versions with their target definition from the run: by ARM ID, or, when
    the pipeline does not say the subscription, the one definition of the run whose
    resource group, gallery and name match (rules.md, "Planned versions")."""
    from msgspec.structs import replace as _replace

    from .sources.packer import UNKNOWN_SUBSCRIPTION
    out = []
    for v in inventory.planned:
        target = v.definition_id
        if f"/subscriptions/{UNKNOWN_SUBSCRIPTION}/" in target:
            tail = target.split(f"/subscriptions/{UNKNOWN_SUBSCRIPTION}", 1)[1].lower()
            matches = [df for key, df in definition_by_id.items() if key.endswith(tail)
                       and key.count("/") == target.count("/")]
            if len(matches) == 1:
                found = matches[0].definition.id
                v = _replace(v, definition_id=found, id=v.id.replace(target, found, 1))
        df = definition_by_id.get(v.definition_id.lower())
        if df is not None and v.location is UNKNOWN and isinstance(v.pipeline, str) and \
                not v.pipeline.startswith("packer:"):
            # Image Builder takes the version's location from its definition
            v = _replace(v, location=df.definition.location)
        eol = v.end_of_life
        if eol is None and df is not None:
            eol = df.definition.end_of_life
        gallery = df.gallery if df is not None else gallery_by_id.get(
            v.definition_id.rsplit("/images/", 1)[0].lower())
        out.append(VersionFacts(v, df, gallery, parse_version_name(v.name) if v.name else None,
                                _region_facts(v), eol, False,
                                production=bool(gallery and gallery_production.get(
                                    gallery.id.lower()))))
    return out


def _app_key(package_reference_id: str) -> str | None:
    low = package_reference_id.lower().rstrip("/")
    i = low.rfind("/versions/")
    if i < 0 or "/applications/" not in low:
        return None
    return low[:i]


def _resolve_applications(facts: Facts, gallery_by_id: dict[str, Gallery]) -> None:
    inventory = facts.inventory
    apps = {a.id.lower(): a for a in inventory.applications}
    by_app: dict[str, list[AppVersionFacts]] = {}
    for v in inventory.app_versions:
        app = apps.get(v.definition_id.lower())
        eol = v.end_of_life
        if eol is None and app is not None:
            eol = app.end_of_life
        avf = AppVersionFacts(v, app, parse_version_name(v.name), _region_facts(v), eol)
        facts.app_versions.append(avf)
        by_app.setdefault(v.definition_id.lower(), []).append(avf)
    image_facts = {id(d.deployment): d for d in facts.deployments}
    tag_values = {t.lower() for t in facts.settings.environments.production_tag_values}
    for dep in inventory.deployments:
        if dep.applications is UNKNOWN or not dep.applications:
            continue
        entries = []
        production = _production_tag(dep.tags, tag_values)
        image = image_facts.get(id(dep))
        if image is not None and image.production:
            production = True
        for ref in dep.applications:
            ef = AppEntryFacts(ref)
            entries.append(ef)
            rid = ref.package_reference_id
            if not isinstance(rid, str):
                continue
            key = _app_key(rid)
            if key is None:
                continue
            ef.application_key = key
            ef.application = apps.get(key)
            gallery_id = key[:key.rfind("/applications/")]
            if facts.gallery_production.get(gallery_id):
                production = True
            candidates = by_app.get(key, [])
            name = rid.rstrip("/").rsplit("/", 1)[-1].lower()
            if name == "latest":
                region = dep.location
                if not isinstance(region, str):
                    continue
                best = None
                for avf in candidates:
                    if avf.number is None or avf.regions is UNKNOWN:
                        continue
                    r = avf.regions.get(region)
                    if r is None or r.excluded is not False:
                        continue
                    if best is None or avf.number > best.number:
                        best = avf
                ef.version = best
            else:
                for avf in candidates:
                    if avf.version.name.lower() == name:
                        ef.version = avf
                        break
        facts.app_deployments.append(AppDeploymentFacts(dep, entries, production, image))


def _resolve_latest(df: DefinitionFacts) -> None:
    best: dict[str, VersionFacts] = {}
    overall: VersionFacts | None = None
    for vf in df.versions:
        if vf.number is None or vf.regions is UNKNOWN or vf.soft_deleted:
            continue
        for name, r in vf.regions.items():
            if r.excluded is not False:
                continue
            current = best.get(name)
            if current is None or vf.number > current.number:  # type: ignore[operator]
                best[name] = vf
        if vf.eligible and (overall is None or vf.number > overall.number):  # type: ignore[operator]
            overall = vf
    df.latest_by_region = best
    df.latest = overall
    for name, vf in best.items():
        vf.latest_in.add(name)


def _resolve_deployments(inventory: Inventory, settings: Settings,
                         gallery_by_id: dict[str, Gallery], gallery_by_unique: dict[str, Gallery],
                         gallery_by_public: dict[str, Gallery],
                         definition_by_id: dict[str, DefinitionFacts],
                         gallery_production: dict[str, bool]) -> list[DeploymentFacts]:
    scale_sets = {d.id.lower() for d in inventory.deployments if d.kind == "vmss"}
    definition_by_gallery_name: dict[tuple[str, str], DefinitionFacts] = {}
    for df in definition_by_id.values():
        definition_by_gallery_name[(df.definition.gallery_id.lower(),
                                    df.definition.name.lower())] = df
    tag_values = {v.lower() for v in settings.environments.production_tag_values}
    out: list[DeploymentFacts] = []
    append = out.append
    # Many deployments share one reference, and one (reference, exact version, region):
    # what follows from those alone is worked out once per distinct one.
    resolved: dict[tuple[Any, Any, Any], tuple[Any, ...]] = {}
    versions: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for dep in inventory.deployments:
        key = (dep.image_id, dep.shared_image_id, dep.community_image_id)
        found = resolved.get(key)
        if found is None:
            found = resolved[key] = _resolve_reference(
                _reference(dep, gallery_by_id, gallery_by_unique, gallery_by_public),
                definition_by_gallery_name, gallery_production)
        ref, gallery, gallery_prod, df, unresolved, pinned_name = found
        if ref is None:
            continue  # not a gallery image (marketplace, managed image, or no reference)
        member_of = dep.scale_set_id
        counted = member_of is None or member_of.lower() not in scale_sets
        if ref is UNKNOWN or unresolved == "gallery":
            append(DeploymentFacts(dep, ref, gallery, unresolved=unresolved, counted=counted))
            continue
        env = dep.tags.get("environment") if dep.tags else None
        production = gallery_prod or (isinstance(env, str) and env.lower() in tag_values) \
            or in_production_scope(dep.id, settings)
        if unresolved is not None:
            append(DeploymentFacts(dep, ref, gallery, unresolved=unresolved, counted=counted,
                                   production=production))
            continue
        df.used = True
        vkey = (key, dep.exact_version, dep.location)
        chosen = versions.get(vkey)
        if chosen is None:
            chosen = versions[vkey] = _choose_version(df, pinned_name, dep)
        pinned, requested, vf, entry, version_unresolved, no_latest = chosen
        # every field, in the model's order (positionally: once per VM of an estate)
        facts = DeploymentFacts(dep, ref, gallery, df, pinned, requested, vf,
                                version_unresolved, no_latest, counted, production, entry)
        append(facts)
        if vf is None:
            continue
        vf.used = True
        if not facts.counted or not isinstance(dep.location, str):
            continue
        usage = vf.usage.get(dep.location)
        if usage is None:
            usage = vf.usage[dep.location] = Usage()
        usage.deployments.append(facts)
        if dep.kind == "vm":
            usage.vms += 1
        else:
            usage.scale_sets += 1
            if isinstance(dep.capacity, int):
                usage.scale_set_instances += dep.capacity
            else:
                usage.unknown_capacity = True
    return out


def _resolve_reference(found: tuple[Any, Gallery | None, str, str | None],
                       definition_by_gallery_name: dict[tuple[str, str], DefinitionFacts],
                       gallery_production: dict[str, bool]) -> tuple[Any, ...]:
    """(reference, gallery, the gallery is production, definition, what does not resolve
    ("gallery", "definition" or None), the pinned version name or None) of one
    reference."""
    ref, gallery, image_name, version_name = found
    if ref is None or ref is UNKNOWN:
        return ref, None, False, None, None, None
    if gallery is None:
        return ref, None, False, None, "gallery", None
    production = gallery_production.get(gallery.id.lower(), False)
    df = definition_by_gallery_name.get((gallery.id.lower(), image_name.lower()))
    if df is None:
        return ref, gallery, production, None, "definition", None
    pinned = version_name if version_name is not None and version_name.lower() != "latest" \
        else None
    return ref, gallery, production, df, None, pinned


def _choose_version(df: DefinitionFacts, pinned_name: str | None, dep: Deployment
                    ) -> tuple[Any, ...]:
    """(pinned, requested version name, the version, its soft-deleted entry, "version" when
    it does not resolve, no latest in the region) of a deployment of the definition."""
    requested = pinned_name
    if requested is None and isinstance(dep.exact_version, str):
        requested = dep.exact_version
    if requested is not None:
        vf = df.by_name.get(requested.lower())
        if vf is None:
            entry = df.soft_deleted_by_name.get(requested.lower())
            if entry is not None:  # v2: a soft-deleted version still resolves by name
                return pinned_name is not None, requested, None, entry, None, False
            return pinned_name is not None, requested, None, None, "version", False
        return pinned_name is not None, requested, vf, None, None, False
    if not isinstance(dep.location, str):
        return False, None, None, None, None, False  # region unknown: latest unknown
    vf = df.latest_by_region.get(dep.location)
    if vf is None:
        return False, None, None, None, None, True
    return False, None, vf, None, None, False


def _reference(dep: Deployment, gallery_by_id: dict[str, Gallery],
               gallery_by_unique: dict[str, Gallery], gallery_by_public: dict[str, Gallery]
               ) -> tuple[Any, Gallery | None, str, str | None]:
    """(reference, gallery or None, image name, version name or None); reference None
    when the deployment does not use a gallery image, UNKNOWN when it cannot be read."""
    for ref in (dep.image_id, dep.shared_image_id, dep.community_image_id):
        if ref is UNKNOWN:
            return UNKNOWN, None, "", None
        if not isinstance(ref, str):
            continue
        m = parse_gallery_path(ref)
        if m is not None and m.group("image"):
            gallery_id = f"{m.group('prefix')}/galleries/{m.group('gallery')}".lower()
            return ref, gallery_by_id.get(gallery_id), m.group("image"), m.group("version")
        s = _SHARED_REF.match(ref)
        if s is not None:
            name = s.group("gallery").lower()
            table = gallery_by_unique if s.group("kind").lower() == "sharedgalleries" \
                else gallery_by_public
            return ref, table.get(name), s.group("image"), s.group("version")
    return None, None, "", None
