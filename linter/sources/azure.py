"""Raw Azure resources (ARM GET bodies, `az resource list`, `az sig ... list`,
`az graph query` rows, projected or not) into the inventory model.

Resource Graph rows may be projected: instead of `properties` they carry
flat columns (`imageId`, `osDiskType`, `capacity`, ... as in the exporter's
queries, see `linter/export/queries.py`). Both shapes are read; a column is
used only where `properties` does not say.

Every reader here is total: a value of the wrong type becomes UNKNOWN (so no
rule fires on it), never an exception.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Callable, Iterable, Mapping, NamedTuple

from ..model import (
    UNKNOWN,
    Application,
    AppReference,
    Deployment,
    Gallery,
    ImageDefinition,
    ImageVersion,
    Inventory,
    Resource,
    SizeSku,
    SoftDeletedEntry,
    Source,
    TargetRegion,
)
from ..names import definition_id_of, gallery_id_of, parse_time, region, subscription_of

GALLERY = "microsoft.compute/galleries"
DEFINITION = "microsoft.compute/galleries/images"
VERSION = "microsoft.compute/galleries/images/versions"
VM = "microsoft.compute/virtualmachines"
VMSS = "microsoft.compute/virtualmachinescalesets"
APPLICATION = "microsoft.compute/galleries/applications"
APP_VERSION = "microsoft.compute/galleries/applications/versions"
SOFT_DELETED = "microsoft.compute/galleries/softdeletedartifacttypes/artifacts/versions"
IMAGE_TEMPLATE = "microsoft.virtualmachineimages/imagetemplates"  # v3: a pipeline
# v3: read as given (model.Resource)
MANAGED_IMAGE = "microsoft.compute/images"
HOST_POOL = "microsoft.desktopvirtualization/hostpools"
SESSION_HOST = "microsoft.desktopvirtualization/hostpools/sessionhosts"
SESSION_HOST_CONFIG = "microsoft.desktopvirtualization/hostpools/sessionhostconfigurations"
OTHER_KINDS = (MANAGED_IMAGE, HOST_POOL, SESSION_HOST, SESSION_HOST_CONFIG)
KINDS = (GALLERY, DEFINITION, VERSION, VM, VMSS, APPLICATION, APP_VERSION, SOFT_DELETED,
         IMAGE_TEMPLATE, *OTHER_KINDS)

_EMPTY: Mapping[str, Any] = {}


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else _EMPTY


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# ARM property names are case-insensitive; the readers use these spellings.
_CANONICAL = {n.lower(): n for n in (
    "additionalReplicaSets", "aggregatedState", "allowDeletionOfReplicatedLocations",
    "apiVersion", "applicationProfile", "architecture", "blockDeletionBeforeEndOfLife",
    "capacity", "communityGalleryImageId", "communityGalleryInfo", "communityGalleryEnabled",
    "consumptionEndTime", "dataDiskImages", "dataDisks", "defaultConfigurationLink",
    "diffDiskSettings", "disallowed", "diskControllerType", "diskTypes", "diskEncryptionSetId",
    "secureVMDiskEncryptionSetId", "encryption", "endOfLifeDate", "eula", "exactVersion",
    "excludeFromLatest", "executedValidations", "extendedLocation", "features",
    "galleryApplications", "groups", "hardwareProfile", "hyperVGeneration", "id", "identifier",
    "ids", "imageReference", "imageState", "location", "lun", "managedDisk", "mediaLink",
    "name", "offer", "order", "osDisk", "osDiskImage", "osProfile", "osState", "osType",
    "packageReferenceId", "permissions", "plan", "policyViolations", "privacyStatementUri",
    "product", "properties", "provisioningState", "publicNames", "publishedDate", "publisher",
    "publisherUri", "publisherContact", "publishingProfile", "purchasePlan", "region",
    "regionalExcludeFromLatest", "regionalReplicaCount", "releaseNoteUri", "replicaCount",
    "replicationMode", "replicationStatus", "reportedForPolicyViolation", "resourceArmId",
    "safetyProfile", "securityProfile", "securityType", "sharedGalleryImageId",
    "sharingProfile", "sharingStatus", "sizeInGB", "sku", "softDeletePolicy",
    "isSoftDeleteEnabled", "source", "startsAtVersion", "state", "details", "status",
    "storageAccountStrategy", "storageAccountType", "storageProfile", "summary",
    "supportedOSType", "tags", "targetExtendedLocations", "targetRegions",
    "treatFailureAsDeploymentFailure", "type", "uniqueName", "validationsProfile", "value",
    "virtualMachineProfile", "virtualMachineScaleSet", "vmSize", "orchestrationMode",
)}


def canonical_keys(value: Any, depth: int = 0) -> Any:
    """A resource with its property names in the spellings the readers use
    (`"Properties": {"SharingProfile": ...}` reads like `properties.sharingProfile`).
    Applied to user-written forms (templates, plans, single bodies, YAML); Azure's own
    list responses already use these spellings."""
    if depth > 200:
        return value
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            key = _CANONICAL.get(k.lower(), k) if isinstance(k, str) else k
            if key in out and key != k:
                continue  # the canonical spelling given too: it wins
            out[key] = canonical_keys(v, depth + 1)
        return out
    if isinstance(value, list):
        return [canonical_keys(v, depth + 1) for v in value]
    return value


def ci(obj: Any, key: str) -> Any:
    """obj[key] with ARM's case-insensitive property names (`Properties`, `SharingProfile`)."""
    if not isinstance(obj, dict):
        return None
    value = obj.get(key)
    if value is not None:
        return value
    low = key.lower()
    n = len(key)
    for k, v in obj.items():
        # Only a key of the same length can match (the names here are ASCII; the one
        # character whose lowercase is longer, U+0130, lowercases to no ASCII letter).
        if isinstance(k, str) and len(k) == n and k.lower() == low:
            return v
    return None


def ci_path(obj: Any, *keys: str) -> Any:
    for key in keys:
        obj = ci(obj, key)
        if obj is None:
            return None
    return obj


def _low_str(value: Any) -> Any:
    v = _str(value)
    return v.lower() if isinstance(v, str) else v


def _plan_of(value: Any) -> Any:
    """A purchase plan {name, publisher, product}, lowercased; None when absent."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return UNKNOWN
    out = {}
    for key in ("name", "publisher", "product"):
        v = ci(value, key)
        if v is None or v == "":
            out[key] = None
        elif isinstance(v, str):
            out[key] = v.lower()
        else:
            return UNKNOWN
    if not any(out.values()):
        return None
    return out


def _str(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    return UNKNOWN


def _when(value: Any) -> Any:
    """A date as given: text, or a date YAML already parsed."""
    if isinstance(value, (date, datetime)):
        return value
    return _str(value)


_COUNT_TEXT = re.compile(r"[0-9]{1,12}")
MAX_COUNT = 10**12  # far above any Azure count or size; larger is not a real value


def _int(value: Any) -> Any:
    """A count or size (replicas, capacity, GB, LUN): a non-negative integer; None when
    absent. The one strict reader: only ASCII decimal digits count as digits
    (`str.isdigit()` and `int()` accept superscripts and other scripts), booleans,
    fractions, NaN, infinities, negative and absurd values are UNKNOWN, never an
    exception and never summed."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return UNKNOWN
    if isinstance(value, int):
        return value if 0 <= value <= MAX_COUNT else UNKNOWN
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or not value.is_integer():
            return UNKNOWN
        return int(value) if 0 <= value <= MAX_COUNT else UNKNOWN
    if isinstance(value, str):
        text = value.strip()
        if _COUNT_TEXT.fullmatch(text):
            return int(text)
    return UNKNOWN


def _bool(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return UNKNOWN


def _first(*values: Any) -> Any:
    """The first value that is present (not None); UNKNOWN counts as present."""
    for v in values:
        if v is not None:
            return v
    return None


def tags_of(value: Any) -> Mapping[str, str]:
    if not value or not isinstance(value, dict):
        return _EMPTY
    return {str(k).lower(): v if isinstance(v, str) else str(v) for k, v in value.items()}


def resource_kind(resource: Mapping[str, Any]) -> str | None:
    """Which of the five resource types a dict is, by `type` or else by its ID."""
    rtype = resource.get("type")
    if isinstance(rtype, str) and "/" in rtype:
        t = rtype.lower()
        return t if t in KINDS else None
    rid = resource.get("id")
    if isinstance(rid, str):
        return _kind_from_id(rid)
    return None


_COMPUTE = "/providers/microsoft.compute/"
_KIND_BY_PARENT: dict[str, str | None] = {}


def _kind_from_id(rid: str) -> str | None:
    # Resources of one type in one group share everything but the last segment.
    parent = rid[:rid.rfind("/")]
    if parent in _KIND_BY_PARENT:
        return _KIND_BY_PARENT[parent]
    kind = _kind_from_full_id(rid)
    if len(_KIND_BY_PARENT) < 100_000:
        _KIND_BY_PARENT[parent] = kind
    return kind


_TRAILING = re.compile(r"/(galleries|communitygalleries|sharedgalleries)/[^/]+"
                       r"((?:/(?:images|applications|versions|softdeletedartifacttypes|"
                       r"artifacts)/[^/]+)*)/?$")


_AIB = "/providers/microsoft.virtualmachineimages/imagetemplates/"
_AVD = "/providers/microsoft.desktopvirtualization/"


def _kind_from_full_id(rid: str) -> str | None:
    low = rid.lower()
    i = low.rfind(_COMPUTE)
    if i < 0:
        at = low.rfind(_AIB)
        if at >= 0 and "/" not in low[at + len(_AIB):].strip("/"):
            return IMAGE_TEMPLATE
        at = low.rfind(_AVD)
        if at >= 0:
            segments = low[at + len(_AVD):].strip("/").split("/")
            if len(segments) % 2 == 0:
                kind = "microsoft.desktopvirtualization/" + "/".join(segments[0::2])
                return kind if kind in OTHER_KINDS else None
        return None
    segments = low[i + len(_COMPUTE):].split("/")
    if len(segments) % 2 == 0:
        kind = "microsoft.compute/" + "/".join(segments[0::2])
        if kind in KINDS:
            return kind
    # REST documentation examples: `.../locations/westus/Galleries/g/Images/i`, or a
    # community gallery's own ID: the type follows from the trailing gallery segments.
    m = _TRAILING.search(low)
    if m is None:
        return None
    tail = m.group(2).split("/")[1::2]
    kind = "microsoft.compute/galleries" + "".join(f"/{t}" for t in tail)
    return kind if kind in KINDS else None


def gallery(res: Mapping[str, Any], source: Source) -> Gallery:
    rid = res["id"]
    props = _obj(res.get("properties"))
    sharing = _obj(props.get("sharingProfile"))
    permissions = _first(_str(sharing.get("permissions")), _str(res.get("permissions")))
    groups: dict[str, tuple[str, ...]] | None = None
    if "groups" in sharing and isinstance(sharing.get("groups"), list):
        groups = {}
        for g in sharing["groups"]:
            g = _obj(g)
            gtype = g.get("type")
            if not isinstance(gtype, str):
                continue
            ids = tuple(str(i).lower() for i in _list(g.get("ids")))
            groups[gtype.lower()] = groups.get(gtype.lower(), ()) + ids
    info = sharing.get("communityGalleryInfo")
    if info is None:
        info = res.get("communityGalleryInfo")
    info = info if isinstance(info, dict) else None
    public_names = tuple(str(n) for n in _list((info or _EMPTY).get("publicNames")))
    ident = _obj(props.get("identifier"))
    return Gallery(
        id=rid,
        name=_str(res.get("name")) or rid.rsplit("/", 1)[-1],
        subscription_id=subscription_of(rid),
        location=region(_str(res.get("location"))),
        tags=tags_of(res.get("tags")),
        permissions=permissions.lower() if isinstance(permissions, str) else permissions,
        groups=groups,
        unique_name=_first(_str(ident.get("uniqueName")), _str(res.get("uniqueName"))),
        public_names=public_names,
        community_info=info,
        properties=props,
        source=source,
    )


def _features(value: Any) -> Any:
    if value is None:
        return _EMPTY
    if not isinstance(value, list):
        return UNKNOWN
    out: dict[str, Any] = {}
    for f in value:
        f = _obj(f)
        name = f.get("name")
        if isinstance(name, str):
            out[name.lower()] = f.get("value")
    return out


def _feature_entries(value: Any) -> Any:
    if value is None:
        return ()
    if not isinstance(value, list):
        return UNKNOWN
    out = []
    for f in value:
        if f is UNKNOWN:
            return UNKNOWN
        name = ci(f, "name")
        if name is UNKNOWN:
            return UNKNOWN
        if isinstance(name, str):
            out.append((name.lower(), ci(f, "value"), ci(f, "startsAtVersion")))
    return tuple(out)


def _disk_types(value: Any) -> Any:
    if value is None:
        return ()
    if not isinstance(value, list):
        return UNKNOWN
    return tuple(v.lower() if isinstance(v, str) else UNKNOWN for v in value)


def definition(res: Mapping[str, Any], source: Source) -> ImageDefinition:
    rid = res["id"]
    props = _obj(res.get("properties"))
    ident = _obj(props.get("identifier"))
    disallowed = props.get("disallowed")
    disk_types = _obj(disallowed).get("diskTypes") if disallowed is not None else res.get(
        "disallowedDiskTypes")
    features = props.get("features") if "features" in props else res.get("features")
    return ImageDefinition(
        id=rid,
        gallery_id=gallery_id_of(rid),
        name=_str(res.get("name")) or rid.rsplit("/", 1)[-1],
        subscription_id=subscription_of(rid),
        location=region(_str(res.get("location"))),
        tags=tags_of(res.get("tags")),
        publisher=_first(_str(ident.get("publisher")), _str(res.get("publisher"))),
        offer=_first(_str(ident.get("offer")), _str(res.get("offer"))),
        sku=_first(_str(ident.get("sku")), _str(res.get("sku")) if not isinstance(
            res.get("sku"), dict) else None),
        os_state=_first(_str(props.get("osState")), _str(res.get("osState"))),
        hyper_v_generation=_first(_str(props.get("hyperVGeneration")),
                                  _str(res.get("hyperVGeneration"))),
        features=_features(features),
        disallowed_disk_types=_disk_types(disk_types),
        end_of_life=parse_time(_first(_when(props.get("endOfLifeDate")),
                                      _when(res.get("endOfLifeDate")))),
        eula=_str(props.get("eula")),
        privacy_statement_uri=_str(props.get("privacyStatementUri")),
        release_note_uri=_str(props.get("releaseNoteUri")),
        api_version=_str(res.get("apiVersion")) if isinstance(res.get("apiVersion"), str) else None,
        properties=props,
        source=source,
        feature_entries=_feature_entries(features),
        os_type=_low_str(_first(ci(props, "osType"), res.get("osType"))),
        architecture=_low_str(_first(ci(props, "architecture"), res.get("architecture"))),
        purchase_plan=_plan_of(ci(props, "purchasePlan")),
        provisioning_state=_low_str(ci(props, "provisioningState")),
    )


def _target_regions(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, list):
        return UNKNOWN
    regions = []
    for i, tr in enumerate(value):
        tr = _obj(tr)
        name = _str(tr.get("name"))
        if name is None:
            continue
        additional: Any = 0
        for extra in _list(tr.get("additionalReplicaSets")):
            n = _int(_obj(extra).get("regionalReplicaCount"))
            if n is UNKNOWN or additional is UNKNOWN:
                additional = UNKNOWN
            elif isinstance(n, int):
                additional += n
        exclude = _bool(tr.get("excludeFromLatest"))
        if exclude is None:
            exclude = _bool(tr.get("regionalExcludeFromLatest"))
        regions.append(TargetRegion(
            name=region(name),
            regional_replica_count=_int(tr.get("regionalReplicaCount")),
            storage_account_type=_str(tr.get("storageAccountType")),
            exclude_from_latest=exclude,
            additional_replicas=additional,
            index=i,
            encryption=ci(tr, "encryption"),
        ))
    return tuple(regions)


def version(res: Mapping[str, Any], source: Source) -> ImageVersion:
    rid = res["id"]
    props = _obj(res.get("properties"))
    pp = props.get("publishingProfile")
    if isinstance(pp, dict):
        col = _EMPTY
    else:
        pp, col = _EMPTY, res  # projected Resource Graph columns
    storage = _obj(props.get("storageProfile"))
    os_disk = _obj(storage.get("osDiskImage"))
    data_disks = _list(storage.get("dataDiskImages"))
    safety = props.get("safetyProfile")
    if safety is None:
        safety = res.get("safetyProfile")
    safety = _obj(safety)
    status = _obj(props.get("replicationStatus"))
    region_states = {}
    for s in _list(status.get("summary")):
        s = _obj(s)
        if isinstance(s.get("region"), str) and isinstance(s.get("state"), str):
            region_states[region(s["region"])] = s["state"]
    return ImageVersion(
        id=rid,
        definition_id=definition_id_of(rid),
        name=_str(res.get("name")) or rid.rsplit("/", 1)[-1],
        subscription_id=subscription_of(rid),
        location=region(_str(res.get("location"))),
        tags=tags_of(res.get("tags")),
        published=parse_time(_when(_first(pp.get("publishedDate"), col.get("publishedDate")))),
        end_of_life=parse_time(_when(_first(pp.get("endOfLifeDate"), col.get("endOfLifeDate")))),
        exclude_from_latest=_first(_bool(_first(pp.get("excludeFromLatest"),
                                                col.get("excludeFromLatest"))), False),
        replica_count=_int(_first(pp.get("replicaCount"), col.get("replicaCount"))),
        storage_account_type=_str(_first(pp.get("storageAccountType"),
                                         col.get("storageAccountType"))),
        storage_account_strategy=_str(_first(pp.get("storageAccountStrategy"),
                                             col.get("storageAccountStrategy"))),
        replication_mode=_lower(_str(_first(pp.get("replicationMode"),
                                            col.get("replicationMode")))),
        target_regions=_target_regions(_first(pp.get("targetRegions"), col.get("targetRegions"))),
        os_disk_gb=_int(_first(os_disk.get("sizeInGB"), res.get("osDiskSizeGB"))),
        data_disk_gb=tuple(_int(_obj(d).get("sizeInGB")) for d in data_disks) if data_disks
        else tuple(_int(x) for x in _list(res.get("dataDiskSizesGB"))),
        reported_for_policy_violation=_bool(safety.get("reportedForPolicyViolation")),
        policy_violations=tuple(_list(safety.get("policyViolations"))),
        replication_state=_first(_str(status.get("aggregatedState")),
                                 _str(res.get("replicationState"))),
        region_replication_states=region_states,
        api_version=res.get("apiVersion") if isinstance(res.get("apiVersion"), str) else None,
        properties=props,
        source=source,
        **_version_v2(res, props, pp, safety, storage),
    )


def _version_v2(res: Mapping[str, Any], props: Mapping[str, Any], pp: Mapping[str, Any],
                safety: Mapping[str, Any], storage: Mapping[str, Any]) -> dict[str, Any]:
    edge_zones: list[Any] = []
    extended_encryptions: list[Any] = []
    for t in _list(ci(pp, "targetExtendedLocations")):
        name = ci_path(t, "extendedLocation", "name")
        if name is UNKNOWN:
            edge_zones.append(UNKNOWN)
        elif isinstance(name, str):
            edge_zones.append(name.lower())
        extended_encryptions.append(ci(t, "encryption"))
    luns: Any = None
    data_images = ci(storage, "dataDiskImages")
    if isinstance(data_images, list):
        luns = tuple(_int(ci(d, "lun")) for d in data_images)
    validations = []
    for v in _list(ci_path(props, "validationsProfile", "executedValidations")):
        validations.append((_low_str(ci(v, "type")), _low_str(ci(v, "status"))))
    source = ci(pp, "source")
    return {
        "image_state": _low_str(_first(ci(props, "imageState"), res.get("imageState"))),
        "consumption_end": parse_time(_when(ci(props, "consumptionEndTime"))),
        "allow_deletion_of_replicated_locations": _bool(
            ci(safety, "allowDeletionOfReplicatedLocations")),
        "block_deletion_before_end_of_life": _bool(ci(safety, "blockDeletionBeforeEndOfLife")),
        "provisioning_state": _low_str(ci(props, "provisioningState")),
        "edge_zones": tuple(edge_zones),
        "extended_encryptions": tuple(extended_encryptions),
        "data_disk_luns": luns,
        "validations": tuple(validations),
        "media_link": ci(source, "mediaLink") if isinstance(source, dict) else None,
        "default_configuration_link": ci(source, "defaultConfigurationLink")
        if isinstance(source, dict) else None,
    }


def application(res: Mapping[str, Any], source: Source) -> Application:
    rid = res["id"]
    props = _obj(ci(res, "properties"))
    return Application(
        id=rid,
        gallery_id=rid[:rid.lower().rfind("/applications/")],
        name=_str(res.get("name")) or rid.rsplit("/", 1)[-1],
        subscription_id=subscription_of(rid),
        location=region(_str(res.get("location"))),
        supported_os_type=_low_str(ci(props, "supportedOSType")),
        end_of_life=parse_time(_when(ci(props, "endOfLifeDate"))),
        properties=props,
        source=source,
    )


def app_version(res: Mapping[str, Any], source: Source) -> ImageVersion:
    rid = res["id"]
    # An application version is read like an image version; its "definition" is the
    # application.
    v = version(res, source)
    from msgspec.structs import replace
    return replace(v, definition_id=rid[:rid.lower().rfind("/versions/")], kind="app")


def soft_deleted(res: Mapping[str, Any], source: Source) -> SoftDeletedEntry | None:
    props = _obj(ci(res, "properties"))
    target = ci(props, "resourceArmId")
    if not isinstance(target, str):
        return None
    return SoftDeletedEntry(
        id=res["id"], resource_arm_id=target,
        name=_str(res.get("name")) or target.rsplit("/", 1)[-1],
        consumption_end=parse_time(_when(ci(props, "consumptionEndTime"))),
        source=source)


def size_sku(item: Mapping[str, Any], source: Source) -> SizeSku | None:
    """A Resource SKUs item of resourceType virtualMachines, else None."""
    if not isinstance(item, dict):
        return None
    rtype, name = item.get("resourceType"), item.get("name")
    if not isinstance(rtype, str) or rtype.lower() != "virtualmachines" or \
            not isinstance(name, str):
        return None
    caps = {}
    for c in _list(item.get("capabilities")):
        cn, cv = ci(c, "name"), ci(c, "value")
        if isinstance(cn, str) and isinstance(cv, str):
            caps[cn.lower()] = cv
    locations = tuple(region(x) for x in _list(item.get("locations")) if isinstance(x, str))
    return SizeSku(name=name.lower(), locations=locations, capabilities=caps, source=source)


def _applications(profile: Any) -> Any:
    if profile is UNKNOWN:
        return UNKNOWN
    apps = ci(profile, "galleryApplications")
    if apps is None:
        return ()
    if not isinstance(apps, list):
        return UNKNOWN
    out = []
    for i, a in enumerate(apps):
        if not isinstance(a, dict):
            out.append(AppReference(UNKNOWN, UNKNOWN, UNKNOWN, i))
            continue
        ref = ci(a, "packageReferenceId")
        out.append(AppReference(
            package_reference_id=ref if isinstance(ref, str) else (
                None if ref is None else UNKNOWN),
            order=ci(a, "order"),
            treat_failure_as_deployment_failure=_bool(ci(a, "treatFailureAsDeploymentFailure")),
            index=i))
    return tuple(out)


def _extended_location(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, dict):
        return UNKNOWN
    t, n = _low_str(ci(value, "type")), _low_str(ci(value, "name"))
    if t is UNKNOWN or n is UNKNOWN:
        return UNKNOWN
    return (t, n)


def _marketplace(ref: Any) -> Any:
    """`publisher:offer:sku` of an imageReference that names a Marketplace image and no
    gallery or managed image (rules.md, "Image sources of a deployment")."""
    if ref is UNKNOWN:
        return UNKNOWN
    if not isinstance(ref, dict):
        return None
    if ref.get("id") or ref.get("sharedGalleryImageId") or ref.get("communityGalleryImageId"):
        return None
    parts = [ref.get(k) for k in ("publisher", "offer", "sku")]
    if any(p is UNKNOWN for p in parts):
        return UNKNOWN
    if all(isinstance(p, str) and p for p in parts):
        return ":".join(parts).lower()
    return None


def _any_set(*values: Any) -> Any:
    """Whether any of the URIs or lists is set: True, else UNKNOWN when one is unknown,
    else False."""
    unknown = False
    for value in values:
        if value is UNKNOWN:
            unknown = True
        elif value:
            return True
    return UNKNOWN if unknown else False


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _text(value: Any) -> Any:
    """Inline-able _str for the hot path: str as is, None and "" as None."""
    if value.__class__ is str:
        return value or None
    return None if value is None else UNKNOWN


def _disk_type(value: Any) -> Any:
    """A data disk type column: the type itself, or the disk object Resource Graph projects."""
    if isinstance(value, dict):
        return _str(_obj(value.get("managedDisk")).get("storageAccountType"))
    return _text(value)


def _projected_deployment(res: Mapping[str, Any], source: Source, kind: str,
                          rid: str) -> Deployment:
    """A Resource Graph row projected to columns (the exporter's queries): the hot path
    of a million-VM estate, so it reads each column once and calls little."""
    get = res.get
    is_vmss = kind == VMSS
    sku = get("sku")
    if is_vmss:
        capacity = _int(sku.get("capacity")) if isinstance(sku, dict) else _int(get("capacity"))
        scale_set_id = None
    else:
        capacity = 1
        scale_set_id = _text(get("vmssId"))
        if scale_set_id is UNKNOWN:
            scale_set_id = None
    data = get("dataDiskTypes")
    name = get("name")
    tags = get("tags")
    return Deployment(  # the required fields positionally, as in `assemble`
        rid,  # id
        "vmss" if is_vmss else "vm",  # kind
        name if name.__class__ is str and name else rid.rsplit("/", 1)[-1],  # name
        subscription_of(rid),  # subscription_id
        region(_text(get("location"))),  # location
        tags_of(tags) if tags else _EMPTY,  # tags
        _text(get("imageId")),  # image_id
        _text(get("sharedGalleryImageId")),  # shared_image_id
        _text(get("communityGalleryImageId")),  # community_image_id
        _text(get("exactVersion")),  # exact_version
        _text(get("osDiskType")),  # os_disk_type
        tuple(_disk_type(t) for t in data) if data.__class__ is list else (),  # data_disk_types
        _text(get("securityType")),  # security_type
        capacity, scale_set_id, source,
        vm_size=_text(get("skuName") if is_vmss else get("vmSize")) or (
            _str(sku.get("name")) if is_vmss and isinstance(sku, dict) else None),
        disk_controller_type=_low_str(get("diskControllerType")),
        os_type=_low_str(get("osType")),
        ephemeral_os_disk=bool(get("diffDiskSettings")),
        extended_location=_extended_location(get("extendedLocation")),
        applications=() if get("galleryApplications") is None else _applications(
            {"galleryApplications": get("galleryApplications")}),
        **(_projected_v3(get, is_vmss) if get("imagePublisher") is not None else {}),
    )


def _projected_v3(get: Any, is_vmss: bool) -> dict[str, Any]:
    """The catalog v3 columns of a projected row (exports before v3 have none)."""
    diff = get("diffDiskSettings")
    settings = diff if isinstance(diff, dict) else {}
    publisher = get("imagePublisher")
    marketplace = None
    if publisher:  # most rows name a gallery image: no reference to build for them
        marketplace = _marketplace({
            "publisher": publisher, "offer": get("imageOffer"), "sku": get("imageSku"),
            "id": get("imageId"), "sharedGalleryImageId": get("sharedGalleryImageId"),
            "communityGalleryImageId": get("communityGalleryImageId")})
    create = _text(get("osDiskCreateOption"))
    return {
        "marketplace": marketplace,
        "unmanaged": bool(get("osDiskVhdUri") or get("osDiskImageUri") or (
            is_vmss and get("vhdContainers"))),
        "attached": not is_vmss and isinstance(create, str) and create.lower() == "attach",
        "diff_placement": settings.get("placement"),
        "full_caching": settings.get("enableFullCaching"),
        "os_disk_gb": _int(get("osDiskSizeGB")),
        "secure_boot": get("secureBootEnabled"),
        "vtpm": get("vTpmEnabled"),
    }


class DeploymentParts(NamedTuple):
    """What a VM or scale-set body says, found where its form keeps it: `deployment`
    finds it in a dict (any input form), `fastrows` in the typed records it decodes
    Azure's own lists into. The parts many VMs spell alike (an image reference, a
    security profile, a size, tags) come read by the functions below, which `fastrows`
    calls once per distinct spelling. `assemble` makes the one Deployment of either."""

    member_of: Any  # VM: properties.virtualMachineScaleSet
    size: Any  # VM: vm_size(properties.hardwareProfile)
    security: tuple[Any, Any, Any]  # security_fields(securityProfile)
    os_profile: Any  # True when osProfile is a non-empty object; False; UNKNOWN
    application_profile: Any
    reference: tuple[Any, Any, Any, Any, Any]  # image_fields(storageProfile.imageReference)
    tags: Mapping[str, str]  # tags_of(the row's tags)
    controller: Any  # storageProfile.diskControllerType
    data_types: tuple[Any, ...]  # data_disk_types(storageProfile.dataDisks)
    os_disk: bool  # storageProfile.osDisk is an object
    disk_type: Any  # osDisk.managedDisk.storageAccountType, and the rest of osDisk below
    diff: Any
    os_type: Any
    create: Any
    size_gb: Any
    vhd: Any
    image: Any
    vhd_containers: Any


def vm_size(hardware: Any) -> Any:
    """A VM's size from its hardwareProfile."""
    return _str(ci(hardware, "vmSize"))


def security_fields(security: Any, get: Callable[[str], Any]) -> tuple[Any, Any, Any]:
    """(security type, secure boot, vTPM) of a securityProfile; the type from a projected
    row's column when the profile is not an object."""
    security_type = _str(security.get("securityType") if isinstance(security, dict)
                         else get("securityType"))
    uefi = ci(security, "uefiSettings")
    if uefi is UNKNOWN:
        return security_type, UNKNOWN, UNKNOWN
    uefi = _obj(uefi)
    return security_type, uefi.get("secureBootEnabled"), uefi.get("vTpmEnabled")


def storage_types(types: Iterable[Any]) -> tuple[Any, ...]:
    """Disk storage account types as given (None when absent, UNKNOWN when not text)."""
    return tuple(_str(t) for t in types)


def data_disk_types(data_disks: Any, get: Callable[[str], Any]) -> tuple[Any, ...]:
    """The storage account types of `storageProfile.dataDisks`; of a projected row's
    `dataDiskTypes` column when that is not a list."""
    if isinstance(data_disks, list):
        return storage_types(_obj(_obj(d).get("managedDisk")).get("storageAccountType")
                             for d in data_disks) if data_disks else ()
    return storage_types(_list(get("dataDiskTypes")))


def deployment_name(name: Any, rid: str) -> Any:
    """A deployment's name: its `name`, else the last segment of its ID."""
    return name if name.__class__ is str and name else _str(name) or rid.rsplit("/", 1)[-1]


def image_fields(ref: Any, get: Callable[[str], Any]) -> tuple[Any, Any, Any, Any, Any]:
    """(image ID, shared gallery image ID, community gallery image ID, exact version,
    Marketplace image) of an imageReference; of a projected row's columns when the
    reference is not an object."""
    if isinstance(ref, dict):
        return (_str(ref.get("id")), _str(ref.get("sharedGalleryImageId")),
                _str(ref.get("communityGalleryImageId")), _str(ref.get("exactVersion")),
                _marketplace(ref))
    return (_str(get("imageId")), _str(get("sharedGalleryImageId")),
            _str(get("communityGalleryImageId")), _str(get("exactVersion")), _marketplace(ref))


def deployment(res: Mapping[str, Any], source: Source, kind: str) -> Deployment:
    rid = res["id"]
    props = res.get("properties")
    if not isinstance(props, dict):
        return _projected_deployment(res, source, kind, rid)
    get = res.get
    profile = _obj(props.get("virtualMachineProfile")) if kind == VMSS else props
    storage = _obj(profile.get("storageProfile"))
    disk = ci(storage, "osDisk")
    os_disk = _obj(disk)
    os_profile = ci(profile, "osProfile")
    return assemble(get, rid, source, kind, DeploymentParts(
        member_of=props.get("virtualMachineScaleSet") if kind == VM else None,
        size=vm_size(ci(props, "hardwareProfile")) if kind == VM else None,
        security=security_fields(profile.get("securityProfile"), get),
        os_profile=UNKNOWN if os_profile is UNKNOWN else (
            isinstance(os_profile, dict) and bool(os_profile)),
        application_profile=ci(profile, "applicationProfile"),
        reference=image_fields(storage.get("imageReference"), get),
        tags=tags_of(get("tags")),
        controller=ci(storage, "diskControllerType"),
        data_types=data_disk_types(storage.get("dataDisks"), get),
        os_disk=isinstance(disk, dict),
        disk_type=_obj(os_disk.get("managedDisk")).get("storageAccountType"),
        diff=ci(os_disk, "diffDiskSettings"),
        os_type=ci(os_disk, "osType"),
        create=ci(os_disk, "createOption"),
        size_gb=ci(os_disk, "diskSizeGB"),
        vhd=ci(os_disk, "vhd"),
        image=ci(os_disk, "image"),
        vhd_containers=ci(os_disk, "vhdContainers")))


def assemble(get: Callable[[str], Any], rid: str, source: Source, kind: str,
             parts: DeploymentParts) -> Deployment:
    """The Deployment of a VM or scale-set body; `get` reads the row's own keys (`name`,
    `sku`, and the projected columns read where the body does not say)."""
    (member_of, size, (security_type, secure_boot, vtpm), os_profile, application_profile,
     (image_id, shared_id, community_id, exact, marketplace), tags, controller, data_types,
     os_disk, disk_type, diff, os_type, create, size_gb, vhd, image, vhd_containers) = parts
    is_vmss = kind == VMSS
    if is_vmss:
        sku = get("sku")
        capacity = _int(sku.get("capacity")) if isinstance(sku, dict) else _int(get("capacity"))
        scale_set_id = None
        size = _str(ci(sku, "name")) if isinstance(sku, dict) else None
    else:
        capacity = 1
        scale_set_id = (_str(_obj(member_of).get("id")) if member_of is not None
                        else _str(get("vmssId")))
        if scale_set_id is UNKNOWN:
            scale_set_id = None
    os_disk_type = _str(disk_type if os_disk else get("osDiskType"))
    if diff is None:
        diff_placement = full_caching = None
    elif diff is UNKNOWN:
        diff_placement = full_caching = UNKNOWN
    else:
        settings = diff if isinstance(diff, dict) else _EMPTY
        diff_placement, full_caching = settings.get("placement"), settings.get("enableFullCaching")
    # Every field in the model's order, positionally: a Struct built so takes half the
    # time it takes by keyword (this runs once per VM of an estate).
    return Deployment(
        rid,  # id
        "vmss" if is_vmss else "vm",  # kind
        deployment_name(get("name"), rid),  # name
        subscription_of(rid),  # subscription_id
        region(_str(get("location"))),  # location
        tags,
        image_id, shared_id, community_id, exact,  # image_id ... exact_version
        os_disk_type, data_types, security_type, capacity, scale_set_id, source,
        size,  # vm_size
        None if controller is None else _low_str(controller),  # disk_controller_type
        None if os_type is None else _low_str(os_type),  # os_type
        UNKNOWN if diff is UNKNOWN else bool(diff),  # ephemeral_os_disk
        os_profile,
        _plan_of(get("plan")),  # plan
        _extended_location(get("extendedLocation")),  # extended_location
        () if application_profile is None else _applications(application_profile),
        marketplace,
        _any_set(None if is_vmss else _obj(vhd).get("uri"), _obj(image).get("uri"),
                 vhd_containers if is_vmss else None),  # unmanaged
        UNKNOWN if create is UNKNOWN else (  # attached
            not is_vmss and isinstance(create, str) and create.lower() == "attach"),
        diff_placement, full_caching,
        _int(size_gb),  # os_disk_gb
        secure_boot, vtpm,
    )


def add_resource(inventory: Inventory, res: Mapping[str, Any], source: Source,
                 kind: str | None = None) -> bool:
    """Add one raw resource to the inventory; False when it is not one of ours."""
    kind = kind or resource_kind(res)
    if kind is None or not isinstance(res.get("id"), str):
        return False
    if kind == GALLERY:
        inventory.galleries.append(gallery(res, source))
    elif kind == DEFINITION:
        inventory.definitions.append(definition(res, source))
    elif kind == VERSION:
        inventory.versions.append(version(res, source))
    elif kind == APPLICATION:
        inventory.applications.append(application(res, source))
    elif kind == APP_VERSION:
        inventory.app_versions.append(app_version(res, source))
    elif kind == IMAGE_TEMPLATE:
        from .imagebuilder import pipeline, planned_versions
        inventory.pipelines.append(pipeline(res, source))
        inventory.planned.extend(planned_versions(res, source))
    elif kind in OTHER_KINDS:
        inventory.others.append(other_resource(res, source, kind))
    elif kind == SOFT_DELETED:
        entry = soft_deleted(res, source)
        if entry is None:
            return False
        inventory.soft_deleted.append(entry)
    else:
        inventory.deployments.append(deployment(res, source, kind))
    return True


def other_resource(res: Mapping[str, Any], source: Source, kind: str) -> Resource:
    rid = res["id"]
    props = res.get("properties")
    return Resource(id=rid, kind=kind, name=_str(res.get("name")) or rid.rsplit("/", 1)[-1],
                    subscription_id=subscription_of(rid) or None,
                    location=region(_str(res.get("location"))), tags=tags_of(res.get("tags")),
                    properties=props if isinstance(props, dict) else {},
                    api_version=res.get("apiVersion") if isinstance(res.get("apiVersion"), str)
                    else None, source=source)


def looks_like_resource(value: Any) -> bool:
    """An ARM resource as Azure returns it: an object whose `id` is an ARM ID."""
    return isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"].startswith("/")

