"""Terraform plans (`terraform show -json`) into the inventory model.

Only `resource_changes[]` that create or update a resource of the azurerm
types below are read; deletes, reads and no-ops are not linted. A value known
only after apply (`after_unknown`) is UNKNOWN. A VM whose `source_image_id`
refers to a version created in the same plan is resolved through the plan's
`configuration` references. Attribute names follow the azurerm provider
(see shared/reference/azure-gallery-model.md, section 6).
"""

from __future__ import annotations

import re
from typing import Any, Callable

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import InputError
from ..model import UNKNOWN, Inventory, Source
from . import azure
from .template import DEFAULT_SCOPE, _node_line, _position, read_positions

SUPPORTED_MAJOR = "1"
MAX_POSITIONED_BYTES = 8 << 20  # bigger plans get resource lines only (ruamel is slow)
PROVIDER_API_VERSION = "2023-07-03"  # what azurerm sends for gallery images

GALLERY = "azurerm_shared_image_gallery"
IMAGE = "azurerm_shared_image"
VERSION = "azurerm_shared_image_version"
VMS = ("azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine")
SCALE_SETS = ("azurerm_linux_virtual_machine_scale_set",
              "azurerm_windows_virtual_machine_scale_set")
ORCHESTRATED = "azurerm_orchestrated_virtual_machine_scale_set"
TYPES = (GALLERY, IMAGE, VERSION, *VMS, *SCALE_SETS, ORCHESTRATED)


def _merge_unknown(after: Any, unknown: Any) -> Any:
    """`after` with every value flagged in `after_unknown` replaced by UNKNOWN."""
    if unknown is True:
        return UNKNOWN
    if isinstance(unknown, dict):
        base = dict(after) if isinstance(after, dict) else {}
        for key, flag in unknown.items():
            base[key] = _merge_unknown(base.get(key), flag)
        return base
    if isinstance(unknown, list):
        base_list = list(after) if isinstance(after, list) else []
        while len(base_list) < len(unknown):
            base_list.append(None)
        return [_merge_unknown(base_list[i], unknown[i]) if i < len(unknown) else v
                for i, v in enumerate(base_list)]
    return after


def _block(value: Any) -> Any:
    """The first element of a Terraform block list, {} when absent, UNKNOWN when unknown."""
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, list) and value:
        return value[0] if isinstance(value[0], dict) or value[0] is UNKNOWN else {}
    return {}


def _get(block: Any, key: str) -> Any:
    if block is UNKNOWN:
        return UNKNOWN
    return block.get(key) if isinstance(block, dict) else None


def _strip_index(address: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", address)


class _PlanReader:
    def __init__(self, path: str, doc: dict, positioned: Any, scope_id: str) -> None:
        self.path = path
        self.doc = doc
        self.positioned = positioned
        self.scope_id = "/" + scope_id.strip("/")
        self.ids: dict[str, str] = {}  # resource address (no index) -> planned ARM ID
        self.unknown = 0

    def check_version(self) -> None:
        version = self.doc.get("format_version")
        if not isinstance(version, str) or version.split(".")[0] != SUPPORTED_MAJOR:
            raise InputError(self.path, f"Terraform plan JSON format {version!r} is not "
                             f"supported: gallerylint reads plan JSON format "
                             f"{SUPPORTED_MAJOR}.x (format_version \"{SUPPORTED_MAJOR}.0\" or "
                             "later)",
                             line=_position(self.positioned, ("format_version",))[0]
                             if self.positioned is not None and
                             _position(self.positioned, ("format_version",)) else 1,
                             hint="write the plan again with 'terraform show -json', which "
                                  f"writes format {SUPPORTED_MAJOR}.x")

    def changes(self) -> list[tuple[int, dict, Any]]:
        out = []
        changes = self.doc.get("resource_changes")
        if not isinstance(changes, list):
            return out
        for i, rc in enumerate(changes):
            if not isinstance(rc, dict) or rc.get("mode", "managed") != "managed":
                continue
            if rc.get("type") not in TYPES:
                continue
            change = rc.get("change")
            if not isinstance(change, dict):
                continue
            actions = change.get("actions") or []
            if "create" not in actions and "update" not in actions:
                continue
            after = _merge_unknown(change.get("after"), change.get("after_unknown"))
            if not isinstance(after, dict):
                continue
            out.append((i, rc, after))
        return out

    def _arm_id(self, after: dict, path: str) -> str:
        known = after.get("id")
        if isinstance(known, str) and known.startswith("/subscriptions/"):
            return known
        return f"{self.scope_id}/providers/Microsoft.Compute/{path}"

    @staticmethod
    def _name(after: dict, key: str, address: str) -> str:
        value = after.get(key)
        return value if isinstance(value, str) and value else f"unknown-{_strip_index(address)}"

    def plan_ids(self, changes: list[tuple[int, dict, Any]]) -> None:
        """Every planned gallery resource's ARM ID, for same-plan references."""
        for _, rc, after in changes:
            address = rc.get("address", "")
            rid = self._resource_id(rc.get("type"), after, address)
            if rid:
                self.ids[_strip_index(address)] = rid

    def _resource_id(self, rtype: str, after: dict, address: str) -> str | None:
        n = lambda key: self._name(after, key, address)  # noqa: E731
        if rtype == GALLERY:
            return self._arm_id(after, f"galleries/{n('name')}")
        if rtype == IMAGE:
            return self._arm_id(after, f"galleries/{n('gallery_name')}/images/{n('name')}")
        if rtype == VERSION:
            return self._arm_id(after, f"galleries/{n('gallery_name')}/images/"
                                       f"{n('image_name')}/versions/{n('name')}")
        if rtype in VMS:
            return self._arm_id(after, f"virtualMachines/{n('name')}")
        if rtype in SCALE_SETS or rtype == ORCHESTRATED:
            return self._arm_id(after, f"virtualMachineScaleSets/{n('name')}")
        return None

    def _configuration_reference(self, rc: dict, attribute: str) -> Any:
        """The planned ID another resource's attribute refers to, via `configuration`."""
        module = rc.get("module_address") or ""
        config_address = _strip_index(rc.get("address", ""))
        if module and config_address.startswith(module + "."):
            relative = config_address[len(module) + 1:]
        else:
            relative = config_address
        resources = self._config_resources(module)
        for res in resources:
            if not isinstance(res, dict) or res.get("address") != relative:
                continue
            refs = ((res.get("expressions") or {}).get(attribute) or {}).get("references") or []
            for ref in refs:
                if not isinstance(ref, str):
                    continue
                target = ref[:-3] if ref.endswith(".id") else ref
                full = f"{module}.{target}" if module else target
                if _strip_index(full) in self.ids:
                    return self.ids[_strip_index(full)]
        return UNKNOWN

    def _config_resources(self, module: str) -> list:
        node = (self.doc.get("configuration") or {}).get("root_module") or {}
        for part in re.findall(r"module\.([^.\[]+)", module):
            node = ((node.get("module_calls") or {}).get(part) or {}).get("module") or {}
        return node.get("resources") or []

    def load(self, inventory: Inventory) -> None:
        self.check_version()
        changes = self.changes()
        self.plan_ids(changes)
        for index, rc, after in changes:
            rtype = rc["type"]
            address = rc.get("address", rtype)
            builder = _BUILDERS[rtype if rtype in _BUILDERS else (
                "vm" if rtype in VMS else "vmss")]
            resource, locations = builder(self, rc, after)
            resource["id"] = self._resource_id(rtype, after, address)
            self.unknown += _count_unknown(resource)
            node = None
            if self.positioned is not None:
                seq = self.positioned.get("resource_changes")
                if isinstance(seq, CommentedSeq) and index < len(seq):
                    node = seq[index]
            positions: dict[str, tuple[int, int]] = {}
            line, column = 1, 1
            if node is not None:
                line, column = _node_line(node)
                for key, path in locations.items():
                    pos = _position(node, ("change", "after", *path))
                    if pos:
                        positions[key] = pos
            kind = azure.resource_kind(resource)
            azure.add_resource(inventory, resource, Source(self.path, line, column, "plan",
                                                           positions), kind)
        inventory.unknown_values += self.unknown


def _count_unknown(value: Any) -> int:
    if value is UNKNOWN:
        return 1
    if isinstance(value, dict):
        return sum(_count_unknown(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count_unknown(v) for v in value)
    return 0


def _gallery(reader: _PlanReader, rc: dict, a: dict) -> tuple[dict, dict]:
    sharing = _block(a.get("sharing"))
    community = _block(_get(sharing, "community_gallery"))
    profile: Any = None
    if sharing is UNKNOWN:
        profile = UNKNOWN
    elif sharing:
        profile = {"permissions": _get(sharing, "permission")}
        if community:
            profile["communityGalleryInfo"] = UNKNOWN if community is UNKNOWN else {
                "eula": community.get("eula"), "publicNamePrefix": community.get("prefix"),
                "publisherContact": community.get("publisher_email"),
                "publisherUri": community.get("publisher_uri")}
    props: dict[str, Any] = {"description": a.get("description")}
    if profile is not None:
        props["sharingProfile"] = profile
    return ({"name": a.get("name"), "type": "Microsoft.Compute/galleries",
             "location": a.get("location"), "tags": a.get("tags"), "properties": props},
            {"name": ("name",), "location": ("location",),
             "permissions": ("sharing", 0, "permission"),
             "communityGalleryInfo": ("sharing", 0, "community_gallery")})


_SECURITY_FLAGS = (("trusted_launch_supported", "TrustedLaunchSupported"),
                   ("trusted_launch_enabled", "TrustedLaunch"),
                   ("confidential_vm_supported", "ConfidentialVmSupported"),
                   ("confidential_vm_enabled", "ConfidentialVM"))


def _image(reader: _PlanReader, rc: dict, a: dict) -> tuple[dict, dict]:
    features: Any = []
    for attr, value in _SECURITY_FLAGS:
        flag = a.get(attr)
        if flag is UNKNOWN:
            features = UNKNOWN
            break
        if flag is True:
            features = [{"name": "SecurityType", "value": value}]
            break
    ident = _block(a.get("identifier"))
    specialized = a.get("specialized")
    props = {
        "identifier": UNKNOWN if ident is UNKNOWN else {
            "publisher": ident.get("publisher"), "offer": ident.get("offer"),
            "sku": ident.get("sku")},
        "osType": a.get("os_type"),
        "osState": UNKNOWN if specialized is UNKNOWN else (
            "Specialized" if specialized else "Generalized"),
        "hyperVGeneration": a.get("hyper_v_generation") or "V1",
        "architecture": a.get("architecture"),
        "features": features,
        "disallowed": {"diskTypes": a.get("disk_types_not_allowed") or []},
        "endOfLifeDate": a.get("end_of_life_date") or None,
        "eula": a.get("eula"), "privacyStatementUri": a.get("privacy_statement_uri"),
        "releaseNoteUri": a.get("release_note_uri"),
    }
    return ({"name": a.get("name"), "type": "Microsoft.Compute/galleries/images",
             "location": a.get("location"), "tags": a.get("tags"), "properties": props},
            {"name": ("name",), "location": ("location",), "identifier": ("identifier",),
             "osState": ("specialized",), "hyperVGeneration": ("hyper_v_generation",),
             "features": ("trusted_launch_supported",),
             "endOfLifeDate": ("end_of_life_date",)})


def _version(reader: _PlanReader, rc: dict, a: dict) -> tuple[dict, dict]:
    regions = a.get("target_region")
    targets: Any
    locations: dict[str, tuple[Any, ...]] = {
        "name": ("name",), "location": ("location",), "targetRegions": ("target_region",),
        "endOfLifeDate": ("end_of_life_date",)}
    if regions is UNKNOWN:
        targets = UNKNOWN
    else:
        targets = []
        for i, tr in enumerate(regions if isinstance(regions, list) else []):
            if tr is UNKNOWN:
                targets.append({"name": UNKNOWN})
                continue
            targets.append({"name": tr.get("name"),
                            "regionalReplicaCount": tr.get("regional_replica_count"),
                            "storageAccountType": tr.get("storage_account_type"),
                            "excludeFromLatest": tr.get("exclude_from_latest_enabled")})
            locations[f"targetRegions[{i}]"] = ("target_region", i)
            locations[f"targetRegions[{i}].regionalReplicaCount"] = (
                "target_region", i, "regional_replica_count")
            locations[f"targetRegions[{i}].storageAccountType"] = (
                "target_region", i, "storage_account_type")
    pp = {"targetRegions": targets, "excludeFromLatest": a.get("exclude_from_latest"),
          "endOfLifeDate": a.get("end_of_life_date") or None,
          "replicationMode": a.get("replication_mode")}
    return ({"name": a.get("name"), "type": "Microsoft.Compute/galleries/images/versions",
             "location": a.get("location"), "tags": a.get("tags"),
             "apiVersion": PROVIDER_API_VERSION, "properties": {"publishingProfile": pp}},
            locations)


def _security_type(a: dict) -> Any:
    os_disk = _block(a.get("os_disk"))
    encryption = _get(os_disk, "security_encryption_type")
    secure_boot, vtpm = a.get("secure_boot_enabled"), a.get("vtpm_enabled")
    if UNKNOWN in (encryption, secure_boot, vtpm):
        return UNKNOWN
    if encryption:
        return "ConfidentialVM"
    if secure_boot or vtpm:
        return "TrustedLaunch"
    return None


def _image_reference(reader: _PlanReader, rc: dict, a: dict) -> Any:
    ref = a.get("source_image_id")
    if ref is UNKNOWN or ref is None:
        resolved = reader._configuration_reference(rc, "source_image_id")
        if resolved is not UNKNOWN or ref is UNKNOWN:
            return resolved
    return ref


def _storage(reader: _PlanReader, rc: dict, a: dict) -> dict:
    os_disk = _block(a.get("os_disk"))
    return {"imageReference": {"id": _image_reference(reader, rc, a)},
            "osDisk": {"managedDisk": {"storageAccountType": _get(
                os_disk, "storage_account_type")}}}


_DEPLOYMENT_LOCATIONS = {"name": ("name",), "location": ("location",),
                         "osDiskType": ("os_disk", 0, "storage_account_type"),
                         "imageReference": ("source_image_id",),
                         "securityType": ("secure_boot_enabled",)}


def _vm(reader: _PlanReader, rc: dict, a: dict) -> tuple[dict, dict]:
    security = _security_type(a)
    props: dict[str, Any] = {"storageProfile": _storage(reader, rc, a)}
    if security is not None:
        props["securityProfile"] = {"securityType": security}
    return ({"name": a.get("name"), "type": "Microsoft.Compute/virtualMachines",
             "location": a.get("location"), "tags": a.get("tags"), "properties": props},
            _DEPLOYMENT_LOCATIONS)


def _vmss(reader: _PlanReader, rc: dict, a: dict) -> tuple[dict, dict]:
    security = _security_type(a)
    profile: dict[str, Any] = {"storageProfile": _storage(reader, rc, a)}
    if security is not None:
        profile["securityProfile"] = {"securityType": security}
    sku = a.get("sku") if rc.get("type") != ORCHESTRATED else a.get("sku_name")
    return ({"name": a.get("name"), "type": "Microsoft.Compute/virtualMachineScaleSets",
             "location": a.get("location"), "tags": a.get("tags"),
             "sku": {"name": sku, "capacity": a.get("instances")},
             "properties": {"orchestrationMode": "Flexible" if rc.get("type") == ORCHESTRATED
                            else "Uniform", "virtualMachineProfile": profile}},
            {**_DEPLOYMENT_LOCATIONS, "capacity": ("instances",)})


_BUILDERS: dict[str, Callable[[_PlanReader, dict, dict], tuple[dict, dict]]] = {
    GALLERY: _gallery, IMAGE: _image, VERSION: _version, "vm": _vm, "vmss": _vmss,
}


def load_plan(parsed: Any, inventory: Inventory, scope_id: str = DEFAULT_SCOPE) -> None:
    positioned = read_positions(parsed.text) if len(parsed.text) <= MAX_POSITIONED_BYTES \
        else None
    if not isinstance(positioned, CommentedMap):
        positioned = None
    _PlanReader(parsed.path, parsed.document, positioned, scope_id).load(inventory)
