"""Terraform plans (`terraform show -json`) into the inventory model.

Only `resource_changes[]` that create or update a resource of the azurerm
types below are read; deletes, reads and no-ops are not linted. A value known
only after apply (`after_unknown`) is UNKNOWN. A VM whose `source_image_id`
refers to a version created in the same plan is resolved through the plan's
`configuration` references. Attribute names follow the azurerm provider
(see shared/reference/azure-gallery-model.md, section 6).
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable


from ..errors import InputError
from ..model import UNKNOWN, Inventory, Source
from . import azure
from .parsed import dig
from .template import DEFAULT_SCOPE, _node_line, _position, read_positions

SUPPORTED_MAJOR = "1"
MAX_POSITIONED_BYTES = 64 << 20  # bigger plans get resource lines only
PROVIDER_API_VERSION = "2023-07-03"  # what azurerm sends for gallery images

GALLERY = "azurerm_shared_image_gallery"
IMAGE = "azurerm_shared_image"
VERSION = "azurerm_shared_image_version"
VMS = ("azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine")
SCALE_SETS = ("azurerm_linux_virtual_machine_scale_set",
              "azurerm_windows_virtual_machine_scale_set")
ORCHESTRATED = "azurerm_orchestrated_virtual_machine_scale_set"
LEGACY_VM = "azurerm_virtual_machine"
LEGACY_VMSS = "azurerm_virtual_machine_scale_set"
APPLICATION = "azurerm_gallery_application"
APP_VERSION = "azurerm_gallery_application_version"
MANAGED_IMAGE = "azurerm_image"  # v3
HOST_POOL = "azurerm_virtual_desktop_host_pool"  # v3
AZAPI = "azapi_resource"  # v3: Image Builder templates and AVD resources only
AZAPI_TYPES = ("microsoft.virtualmachineimages/imagetemplates",
               "microsoft.desktopvirtualization/hostpools",
               "microsoft.desktopvirtualization/hostpools/sessionhostconfigurations")
TYPES = (GALLERY, IMAGE, VERSION, *VMS, *SCALE_SETS, ORCHESTRATED, LEGACY_VM, LEGACY_VMSS,
         APPLICATION, APP_VERSION, MANAGED_IMAGE, HOST_POOL, AZAPI)


def azapi_type(value: Any) -> tuple[str, str] | None:
    """(ARM type, API version) of an azapi_resource `type` this catalog reads."""
    if not isinstance(value, str) or "@" not in value:
        return None
    arm_type, _, api = value.partition("@")
    return (arm_type, api) if arm_type.lower() in AZAPI_TYPES else None


def v3_id(rtype: str, values: dict, name: str, rg_base: str, scope_id: str) -> Any:
    """ARM IDs of the v3 types (reference: "ARM IDs of resources read from Terraform
    source"); `rg_base` is `/subscriptions/{s}/resourceGroups/{rg}`."""
    if rtype == MANAGED_IMAGE:
        return f"{rg_base}/providers/Microsoft.Compute/images/{name}"
    if rtype == HOST_POOL:
        return f"{rg_base}/providers/Microsoft.DesktopVirtualization/hostPools/{name}"
    if rtype == AZAPI:
        kind = azapi_type(values.get("type"))
        if kind is None:
            return None
        parent = values.get("parent_id")
        parent = parent.rstrip("/") if isinstance(parent, str) and \
            parent.lower().startswith("/subscriptions/") else scope_id
        segments = kind[0].split("/")
        if len(segments) > 2:  # a child type: under its parent resource
            return f"{parent}/{segments[-1]}/{name}"
        return f"{parent}/providers/{kind[0]}/{name}"
    return None


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


def _or_default(a: dict, key: str, default: Any) -> Any:
    """The argument, or the provider's default when it is absent, null or empty; an
    unknown value stays UNKNOWN (it is falsy, so `or` would replace it)."""
    value = a.get(key)
    if value is UNKNOWN:
        return UNKNOWN
    return value or default


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


def _strip_index(address: Any) -> str:
    return re.sub(r"\[[^\]]*\]", "", address) if isinstance(address, str) else ""


def _address(rc: Any, default: str = "") -> str:
    """A resource change's address: text, or the default where it is another type."""
    value = rc.get("address") if isinstance(rc, dict) else None
    return value if isinstance(value, str) else default


class _PlanReader:
    def __init__(self, path: str, doc: dict, positioned: Any, scope_id: str) -> None:
        self.path = path
        self.doc = doc
        self.positioned = positioned
        self.scope_id = "/" + scope_id.strip("/")
        self.ids: dict[str, str] = {}  # resource address (no index) -> planned ARM ID
        self.unknown = 0
        # The provider's subscription, when the plan's configuration names it literally.
        parts = self.scope_id.strip("/").split("/")
        self.subscription = parts[1] if len(parts) > 1 else "00000000-0000-0000-0000-000000000000"
        provider = dig(doc, "configuration", "provider_config", "azurerm", "expressions",
                        "subscription_id", "constant_value")
        if isinstance(provider, str) and re.fullmatch(r"[0-9a-fA-F-]{36}", provider):
            self.subscription = provider

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
            if not isinstance(rc.get("type"), str) or rc["type"] not in TYPES:
                continue
            change = rc.get("change")
            if not isinstance(change, dict):
                continue
            actions = change.get("actions")
            actions = actions if isinstance(actions, list) else []
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
        group = after.get("resource_group_name")
        if isinstance(group, str) and group and "/" not in group:
            # The resource's own group (and the provider's subscription): an update then
            # replaces the live resource it updates, and waivers written against real
            # groups match.
            return (f"/subscriptions/{self.subscription}/resourceGroups/{group}/providers/"
                    f"Microsoft.Compute/{path}")
        return f"{self.scope_id}/providers/Microsoft.Compute/{path}"

    @staticmethod
    def _name(after: dict, key: str, address: str) -> str:
        value = after.get(key)
        return value if isinstance(value, str) and value else f"unknown-{_strip_index(address)}"

    def plan_ids(self, changes: list[tuple[int, dict, Any]]) -> None:
        """Every planned gallery resource's ARM ID, for same-plan references."""
        self.by_address = {_address(rc): rc for _, rc, _ in changes}
        # Galleries and images first: applications and their versions name them.
        order = {APPLICATION: 1, APP_VERSION: 2}
        for _, rc, after in sorted(changes, key=lambda c: order.get(c[1].get("type"), 0)):
            address = _address(rc)
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
        if rtype in VMS or rtype == LEGACY_VM:
            return self._arm_id(after, f"virtualMachines/{n('name')}")
        if rtype in SCALE_SETS or rtype in (ORCHESTRATED, LEGACY_VMSS):
            return self._arm_id(after, f"virtualMachineScaleSets/{n('name')}")
        if rtype == APPLICATION:
            gallery = after.get("gallery_id")
            if isinstance(gallery, str) and gallery.startswith("/subscriptions/"):
                return f"{gallery.rstrip('/')}/applications/{n('name')}"
            gallery = self._configuration_reference(rc_of(self, address), "gallery_id")
            base = gallery if isinstance(gallery, str) else self._arm_id(
                after, f"galleries/unknown-{_strip_index(address)}")
            return f"{base}/applications/{n('name')}"
        if rtype in (MANAGED_IMAGE, HOST_POOL, AZAPI):
            known = after.get("id")
            if isinstance(known, str) and known.startswith("/subscriptions/"):
                return known
            group = after.get("resource_group_name")
            base = (f"/subscriptions/{self.subscription}/resourceGroups/{group}"
                    if isinstance(group, str) and group and "/" not in group
                    else self.scope_id)
            return v3_id(rtype, after, n("name"), base, self.scope_id)
        if rtype == APP_VERSION:
            app = after.get("gallery_application_id")
            if not (isinstance(app, str) and app.startswith("/subscriptions/")):
                app = self._configuration_reference(rc_of(self, address),
                                                    "gallery_application_id")
            if not isinstance(app, str):
                app = self._arm_id(after, f"galleries/unknown/applications/"
                                          f"unknown-{_strip_index(address)}")
            return f"{app.rstrip('/')}/versions/{n('name')}"
        return None

    def _configuration_reference(self, rc: dict, attribute: str) -> Any:
        """The planned ID another resource's attribute refers to, via `configuration`."""
        module = rc.get("module_address") if isinstance(rc.get("module_address"), str) else ""
        config_address = _strip_index(_address(rc))
        if module and config_address.startswith(module + "."):
            relative = config_address[len(module) + 1:]
        else:
            relative = config_address
        resources = self._config_resources(module)
        for res in resources:
            if not isinstance(res, dict) or res.get("address") != relative:
                continue
            refs = dig(res, "expressions", attribute, "references")
            for ref in refs if isinstance(refs, list) else []:
                if not isinstance(ref, str):
                    continue
                target = ref[:-3] if ref.endswith(".id") else ref
                full = f"{module}.{target}" if module else target
                if _strip_index(full) in self.ids:
                    return self.ids[_strip_index(full)]
        return UNKNOWN

    def _config_resources(self, module: str) -> list:
        node = dig(self.doc, "configuration", "root_module")
        for part in re.findall(r"module\.([^.\[]+)", module):
            node = dig(node, "module_calls", part, "module")
        resources = dig(node, "resources")
        return resources if isinstance(resources, list) else []

    def load(self, inventory: Inventory) -> None:
        self.check_version()
        changes = self.changes()
        self.plan_ids(changes)
        for index, rc, after in changes:
            rtype = rc["type"]
            address = _address(rc, rtype)
            builder = _BUILDERS[rtype if rtype in _BUILDERS else (
                "vm" if rtype in VMS else "vmss")]
            built = builder(self, rc, after)
            if built is None:
                continue  # an azapi_resource of a type this catalog does not read
            resource, locations = built
            resource["id"] = self._resource_id(rtype, after, address)
            if resource["id"] is None:
                continue
            self.unknown += _count_unknown(resource)
            path, line, column, positions = self.place(index, locations)
            kind = azure.resource_kind(resource)
            azure.add_resource(inventory, resource, Source(path, line, column, self.form,
                                                           positions), kind)
        inventory.unknown_values += self.unknown

    form = "plan"

    def place(self, index: int, locations: dict[str, tuple[Any, ...]]
              ) -> tuple[str, int, int, dict[str, tuple[int, int]]]:
        """The file, line and column of a resource change, and of each located key."""
        node = None
        if self.positioned is not None:
            seq = self.positioned.get("resource_changes")
            if isinstance(seq, list) and index < len(seq):
                node = seq[index]
        positions: dict[str, tuple[int, int]] = {}
        line, column = 1, 1
        if node is not None:
            line, column = _node_line(node)
            for key, path in locations.items():
                pos = _position(node, ("change", "after", *path))
                if pos:
                    positions[key] = pos
        return self.path, line, column, positions


class SourcePlanReader(_PlanReader):
    """Resources read from Terraform source, as resource changes of a plan
    (linter/sources/terraform.py builds them): located in their `.tf` files, at the
    argument's line, else the nearest enclosing block's, else the resource block's."""

    form = "terraform"

    def __init__(self, doc: dict, places: list[tuple[str, int, int, dict]],
                 scope_id: str) -> None:
        super().__init__(places[0][0] if places else "-", doc, None, scope_id)
        self.places = places

    def _resource_id(self, rtype: str, after: dict, address: str) -> str | None:
        known = after.get("id")
        if isinstance(known, str) and known.startswith("/subscriptions/"):
            return known
        return super()._resource_id(rtype, after, address)

    def place(self, index: int, locations: dict[str, tuple[Any, ...]]
              ) -> tuple[str, int, int, dict[str, tuple[int, int]]]:
        path, line, column, by_path = self.places[index]
        positions = {}
        for key, where in locations.items():
            for n in range(len(where), 0, -1):
                pos = by_path.get(tuple(where[:n]))
                if pos is not None:
                    positions[key] = pos
                    break
        return path, line, column, positions


def rc_of(reader: "_PlanReader", address: str) -> dict:
    return getattr(reader, "by_address", {}).get(address, {"address": address})


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
    nvme = a.get("disk_controller_type_nvme_enabled")
    if nvme is UNKNOWN:
        features = UNKNOWN
    elif nvme is True and features is not UNKNOWN:
        features = [*features, {"name": "DiskControllerTypes", "value": "SCSI, NVMe"}]
    ident = _block(a.get("identifier"))
    specialized = a.get("specialized")
    plan = _block(a.get("purchase_plan"))
    props = {
        "identifier": UNKNOWN if ident is UNKNOWN else {
            "publisher": ident.get("publisher"), "offer": ident.get("offer"),
            "sku": ident.get("sku")},
        "osType": a.get("os_type"),
        "osState": UNKNOWN if specialized is UNKNOWN else (
            "Specialized" if specialized else "Generalized"),
        "hyperVGeneration": _or_default(a, "hyper_v_generation", "V1"),
        "architecture": a.get("architecture"),
        "features": features,
        "disallowed": {"diskTypes": _or_default(a, "disk_types_not_allowed", [])},
        "endOfLifeDate": _or_default(a, "end_of_life_date", None),
        "eula": a.get("eula"), "privacyStatementUri": a.get("privacy_statement_uri"),
        "releaseNoteUri": a.get("release_note_uri"),
        "purchasePlan": UNKNOWN if plan is UNKNOWN else (
            {"name": plan.get("name"), "publisher": plan.get("publisher"),
             "product": plan.get("product")} if plan else None),
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
            if not isinstance(tr, dict):  # unknown, or a value of another type
                targets.append({"name": UNKNOWN})
                continue
            if tr is UNKNOWN:
                targets.append({"name": UNKNOWN})
                continue
            target = {"name": tr.get("name"),
                      "regionalReplicaCount": tr.get("regional_replica_count"),
                      "storageAccountType": tr.get("storage_account_type"),
                      "excludeFromLatest": tr.get("exclude_from_latest_enabled")}
            des = tr.get("disk_encryption_set_id")
            if des is UNKNOWN:
                target["encryption"] = UNKNOWN
            elif isinstance(des, str) and des:
                target["encryption"] = {"osDiskImage": {"diskEncryptionSetId": des}}
            targets.append(target)
            locations[f"targetRegions[{i}]"] = ("target_region", i)
            locations[f"targetRegions[{i}].regionalReplicaCount"] = (
                "target_region", i, "regional_replica_count")
            locations[f"targetRegions[{i}].storageAccountType"] = (
                "target_region", i, "storage_account_type")
    pp = {"targetRegions": targets, "excludeFromLatest": a.get("exclude_from_latest"),
          "endOfLifeDate": _or_default(a, "end_of_life_date", None),
          "replicationMode": a.get("replication_mode")}
    props: dict[str, Any] = {"publishingProfile": pp}
    source = a.get("managed_image_id")
    if source is UNKNOWN or source is None:
        resolved = reader._configuration_reference(rc, "managed_image_id")
        if resolved is not UNKNOWN or source is UNKNOWN:
            source = resolved
    if source is not None:  # a managed image or a VM (ACG407 (c))
        props["storageProfile"] = {"source": {"id": source}}
        locations["source"] = ("managed_image_id",)
    deletion = a.get("deletion_of_replicated_locations_enabled")
    if deletion is not None:
        props["safetyProfile"] = {"allowDeletionOfReplicatedLocations": deletion}
        locations["safetyProfile"] = ("deletion_of_replicated_locations_enabled",)
    return ({"name": a.get("name"), "type": "Microsoft.Compute/galleries/images/versions",
             "location": a.get("location"), "tags": a.get("tags"),
             "apiVersion": PROVIDER_API_VERSION, "properties": props},
            locations)


def _application(reader: _PlanReader, rc: dict, a: dict) -> tuple[dict, dict]:
    return ({"name": a.get("name"), "type": "Microsoft.Compute/galleries/applications",
             "location": a.get("location"), "tags": a.get("tags"),
             "properties": {"supportedOSType": a.get("supported_os_type"),
                            "endOfLifeDate": _or_default(a, "end_of_life_date", None)}},
            {"name": ("name",), "location": ("location",)})


def _app_version(reader: _PlanReader, rc: dict, a: dict) -> tuple[dict, dict]:
    regions = a.get("target_region")
    targets: Any = UNKNOWN if regions is UNKNOWN else [
        UNKNOWN if tr is UNKNOWN else {
            "name": tr.get("name"), "regionalReplicaCount": tr.get("regional_replica_count"),
            "storageAccountType": tr.get("storage_account_type"),
            "excludeFromLatest": tr.get("exclude_from_latest_enabled")}
        for tr in (regions if isinstance(regions, list) else [])]
    source = _block(a.get("source"))
    pp = {"targetRegions": targets, "excludeFromLatest": a.get("exclude_from_latest"),
          "endOfLifeDate": _or_default(a, "end_of_life_date", None),
          "source": UNKNOWN if source is UNKNOWN else {
              "mediaLink": source.get("media_link"),
              "defaultConfigurationLink": source.get("default_configuration_link")}}
    return ({"name": a.get("name"), "type": "Microsoft.Compute/galleries/applications/versions",
             "location": a.get("location"), "tags": a.get("tags"),
             "properties": {"publishingProfile": pp}},
            {"name": ("name",), "location": ("location",), "targetRegions": ("target_region",),
             "endOfLifeDate": ("end_of_life_date",)})


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


def _reference_object(ref: Any) -> dict:
    """`source_image_id` as an imageReference: a community or direct shared gallery path
    (`/communityGalleries/…`, `/sharedGalleries/…`) is that kind of reference, not an
    `id`, so the rules that judge such references (ACG506) read it in plans and
    Terraform source as they do in templates and live rows."""
    if isinstance(ref, str):
        low = ref.strip().lower()
        if low.startswith("/communitygalleries/"):
            return {"communityGalleryImageId": ref}
        if low.startswith("/sharedgalleries/"):
            return {"sharedGalleryImageId": ref}
    return {"id": ref}


def _storage(reader: _PlanReader, rc: dict, a: dict) -> dict:
    os_disk = _block(a.get("os_disk"))
    diff = _get(os_disk, "diff_disk_settings")
    disk: dict[str, Any] = {"managedDisk": {"storageAccountType": _get(
        os_disk, "storage_account_type")}}
    rtype = rc.get("type", "")
    disk["osType"] = ("Linux" if rtype.startswith("azurerm_linux_") else
                      "Windows" if rtype.startswith("azurerm_windows_") else None)
    if diff is UNKNOWN or (isinstance(diff, list) and diff):
        disk["diffDiskSettings"] = diff if diff is UNKNOWN else _diff_settings(_block(diff))
    size = _get(os_disk, "disk_size_gb")
    if size is not None:
        disk["diskSizeGB"] = size
    if _configured(reader, rc, a, "os_managed_disk_id"):
        disk["createOption"] = "Attach"  # rules.md: only where the configuration sets it
    reference = _reference_object(_image_reference(reader, rc, a))
    marketplace = _block(a.get("source_image_reference"))
    if reference == {"id": None} and isinstance(marketplace, dict):
        reference = {k: marketplace.get(k) for k in ("publisher", "offer", "sku")}
    out = {"imageReference": reference, "osDisk": disk}
    controller = a.get("disk_controller_type")
    if controller is not None:
        out["diskControllerType"] = controller
    return out


def _diff_settings(block: Any) -> Any:
    """`diff_disk_settings` as ARM's diffDiskSettings: placement defaults to `CacheDisk`
    in azurerm (rules.md, "Ephemeral OS disk")."""
    if not isinstance(block, dict):
        return {"option": "Local"}
    placement = block.get("placement")
    return {"option": "Local", "placement": "CacheDisk" if placement is None else placement}


def _configured(reader: "_PlanReader", rc: dict, a: dict, argument: str) -> bool:
    """The configuration sets `argument`: in Terraform source, the block has it; in a
    plan, the resource's `configuration` expressions name it (the provider also computes
    some such attributes, `os_managed_disk_id` for one, for resources that never set
    them)."""
    if reader.form == "terraform":
        return a.get(argument) is not None
    module = rc.get("module_address") if isinstance(rc.get("module_address"), str) else ""
    address = _strip_index(_address(rc))
    relative = address[len(module) + 1:] if module and address.startswith(module + ".") \
        else address
    return any(isinstance(res, dict) and res.get("address") == relative and
               isinstance(res.get("expressions"), dict) and argument in res["expressions"]
               for res in reader._config_resources(module))


def _uefi(a: dict) -> Any:
    """securityProfile.uefiSettings from `secure_boot_enabled` and `vtpm_enabled`
    (provider default false), when either is set."""
    secure_boot, vtpm = a.get("secure_boot_enabled"), a.get("vtpm_enabled")
    if secure_boot is None and vtpm is None:
        return None
    return {"secureBootEnabled": False if secure_boot is None else secure_boot,
            "vTpmEnabled": False if vtpm is None else vtpm}


# Arguments that make the provider send an osProfile (azurerm PR #7524 and #32345).
_OS_PROFILE_ARGS = ("admin_username", "admin_password", "admin_ssh_key", "custom_data", "secret")


def _os_profile(a: dict) -> Any:
    """v3: "set" includes a value known only after apply (`after_unknown`): the osProfile
    is absent only when every argument is absent from both `after` and `after_unknown`."""
    values = [a.get(k) for k in _OS_PROFILE_ARGS]
    if any(v not in (None, "", []) for v in values):
        return {"present": True}
    return None


def _plan_block(a: dict) -> Any:
    plan = _block(a.get("plan"))
    if plan is UNKNOWN:
        return UNKNOWN
    if not plan:
        return None
    return {"name": plan.get("name"), "publisher": plan.get("publisher"),
            "product": plan.get("product")}


def _applications(a: dict) -> Any:
    apps = a.get("gallery_application")
    if apps is UNKNOWN:
        return UNKNOWN
    if not isinstance(apps, list) or not apps:
        return None
    return {"galleryApplications": [
        UNKNOWN if app is UNKNOWN else {
            "packageReferenceId": app.get("version_id"), "order": app.get("order"),
            "treatFailureAsDeploymentFailure":
                app.get("treat_failure_as_deployment_failure_enabled")}
        for app in apps]}


def _deployment_extras(target: dict, a: dict) -> None:
    os_profile = _os_profile(a)
    if os_profile is not None:
        target["osProfile"] = os_profile
    apps = _applications(a)
    if apps is not None:
        target["applicationProfile"] = apps


def _top_level(resource: dict, a: dict) -> dict:
    plan = _plan_block(a)
    if plan is not None:
        resource["plan"] = plan
    zone = a.get("edge_zone")
    if isinstance(zone, str) and zone:
        resource["extendedLocation"] = {"type": "EdgeZone", "name": zone}
    elif zone is UNKNOWN:
        resource["extendedLocation"] = UNKNOWN
    return resource


_DEPLOYMENT_LOCATIONS = {"name": ("name",), "location": ("location",),
                         "osDiskType": ("os_disk", 0, "storage_account_type"),
                         "imageReference": ("source_image_id",),
                         "securityType": ("secure_boot_enabled",),
                         "vmSize": ("size",), "plan": ("plan",),
                         "osProfile": ("admin_username",),
                         "applications": ("gallery_application",),
                         "extendedLocation": ("edge_zone",)}


def _vm(reader: _PlanReader, rc: dict, a: dict) -> tuple[dict, dict]:
    security = _security_type(a)
    props: dict[str, Any] = {"storageProfile": _storage(reader, rc, a),
                             "hardwareProfile": {"vmSize": a.get("size")}}
    if security is not None:
        props["securityProfile"] = {"securityType": security}
        if _uefi(a) is not None:
            props["securityProfile"]["uefiSettings"] = _uefi(a)
    _deployment_extras(props, a)
    return (_top_level({"name": a.get("name"), "type": "Microsoft.Compute/virtualMachines",
                        "location": a.get("location"), "tags": a.get("tags"),
                        "properties": props}, a),
            _DEPLOYMENT_LOCATIONS)


def _vmss(reader: _PlanReader, rc: dict, a: dict) -> tuple[dict, dict]:
    security = _security_type(a)
    profile: dict[str, Any] = {"storageProfile": _storage(reader, rc, a)}
    if security is not None:
        profile["securityProfile"] = {"securityType": security}
        if _uefi(a) is not None:
            profile["securityProfile"]["uefiSettings"] = _uefi(a)
    _deployment_extras(profile, a)
    sku = a.get("sku") if rc.get("type") != ORCHESTRATED else a.get("sku_name")
    return (_top_level({"name": a.get("name"), "type": "Microsoft.Compute/virtualMachineScaleSets",
                        "location": a.get("location"), "tags": a.get("tags"),
                        "sku": {"name": sku, "capacity": a.get("instances")},
                        "properties": {"orchestrationMode": "Flexible"
                                       if rc.get("type") == ORCHESTRATED else "Uniform",
                                       "virtualMachineProfile": profile}}, a),
            {**_DEPLOYMENT_LOCATIONS, "capacity": ("instances",), "vmSize": ("sku",)})


def _legacy_reference(reader: _PlanReader, rc: dict, a: dict, block: str) -> Any:
    ref = _get(_block(a.get(block)), "id")
    if ref is UNKNOWN or ref is None:
        resolved = reader._configuration_reference(rc, f"{block}.0.id")
        if resolved is not UNKNOWN:
            return resolved
    return ref


def _legacy_image(reader: _PlanReader, rc: dict, a: dict, block: str) -> dict:
    """A legacy `storage_*image_reference` block: its `id`, else its Marketplace triple."""
    ref = _legacy_reference(reader, rc, a, block)
    body = _block(a.get(block))
    if ref is None and isinstance(body, dict) and body.get("publisher"):
        return {k: body.get(k) for k in ("publisher", "offer", "sku")}
    return {"id": ref}


def _legacy_os_profile(a: dict) -> Any:
    block = a.get("os_profile")
    if block is UNKNOWN:
        return UNKNOWN
    return {"present": True} if isinstance(block, list) and block else None


def _legacy_vm(reader: _PlanReader, rc: dict, a: dict) -> tuple[dict, dict]:
    """The legacy `azurerm_virtual_machine` (storage_* blocks, vm_size, os_profile)."""
    disk = _block(a.get("storage_os_disk"))
    os_disk = {"managedDisk": {"storageAccountType": _get(disk, "managed_disk_type")},
               "osType": _get(disk, "os_type"), "createOption": _get(disk, "create_option"),
               "vhd": {"uri": _get(disk, "vhd_uri")}, "image": {"uri": _get(disk, "image_uri")}}
    props: dict[str, Any] = {
        "hardwareProfile": {"vmSize": a.get("vm_size")},
        "storageProfile": {
            "imageReference": _legacy_image(reader, rc, a, "storage_image_reference"),
            "osDisk": os_disk}}
    profile = _legacy_os_profile(a)
    if profile is not None:
        props["osProfile"] = profile
    return (_top_level({"name": a.get("name"), "type": "Microsoft.Compute/virtualMachines",
                        "location": a.get("location"), "tags": a.get("tags"),
                        "properties": props}, a),
            {"name": ("name",), "location": ("location",), "vmSize": ("vm_size",),
             "osDiskType": ("storage_os_disk", 0, "managed_disk_type"),
             "imageReference": ("storage_image_reference",), "osProfile": ("os_profile",),
             "plan": ("plan",)})


def _legacy_vmss(reader: _PlanReader, rc: dict, a: dict) -> tuple[dict, dict]:
    """The legacy `azurerm_virtual_machine_scale_set` (sku block, storage_profile_*)."""
    sku = _block(a.get("sku"))
    disk = _block(a.get("storage_profile_os_disk"))
    profile: dict[str, Any] = {"storageProfile": {
        "imageReference": _legacy_image(reader, rc, a, "storage_profile_image_reference"),
        "osDisk": {"managedDisk": {"storageAccountType": _get(disk, "managed_disk_type")},
                   "osType": _get(disk, "os_type"), "image": {"uri": _get(disk, "image")},
                   "vhdContainers": _get(disk, "vhd_containers")}}}
    os_profile = _legacy_os_profile(a)
    if os_profile is not None:
        profile["osProfile"] = os_profile
    return (_top_level({"name": a.get("name"), "type": "Microsoft.Compute/virtualMachineScaleSets",
                        "location": a.get("location"), "tags": a.get("tags"),
                        "sku": {"name": _get(sku, "name"), "capacity": _get(sku, "capacity")},
                        "properties": {"orchestrationMode": "Uniform",
                                       "virtualMachineProfile": profile}}, a),
            {"name": ("name",), "location": ("location",), "vmSize": ("sku",),
             "capacity": ("sku", 0, "capacity"),
             "osDiskType": ("storage_profile_os_disk", 0, "managed_disk_type"),
             "imageReference": ("storage_profile_image_reference",),
             "osProfile": ("os_profile",), "plan": ("plan",)})


def _managed_image(reader: _PlanReader, rc: dict, a: dict) -> tuple[dict, dict]:
    return ({"name": a.get("name"), "type": "Microsoft.Compute/images",
             "location": a.get("location"), "tags": a.get("tags"),
             "properties": {"hyperVGeneration": _or_default(a, "hyper_v_generation", "V1")}},
            {"name": ("name",), "location": ("location",),
             "hyperVGeneration": ("hyper_v_generation",)})


def _host_pool(reader: _PlanReader, rc: dict, a: dict) -> tuple[dict, dict]:
    props: dict[str, Any] = {"hostPoolType": a.get("type")}
    if a.get("vm_template") is not None:
        props["vmTemplate"] = a.get("vm_template")
    return ({"name": a.get("name"), "type": "Microsoft.DesktopVirtualization/hostPools",
             "location": a.get("location"), "tags": a.get("tags"), "properties": props},
            {"name": ("name",), "location": ("location",), "vmTemplate": ("vm_template",),
             "hostPoolType": ("type",)})


def _azapi(reader: _PlanReader, rc: dict, a: dict) -> tuple[dict, dict] | None:
    """An azapi_resource of a type this catalog reads: its `body` (an object, or a JSON
    string as azapi 1.x writes it), with `location`, `tags` and `identity` from the
    arguments of those names when set (rules.md, "Resource types (v3)")."""
    kind = azapi_type(a.get("type"))
    if kind is None:
        return None
    body = a.get("body")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except (ValueError, RecursionError):
            body = UNKNOWN
    resource: dict[str, Any] = dict(body) if isinstance(body, dict) else {}
    if body is UNKNOWN:
        reader.unknown += 1
    for key in ("location", "tags"):
        if a.get(key) is not None:
            resource[key] = a.get(key)
    identity = _block(a.get("identity"))
    if isinstance(identity, dict):
        ids = identity.get("identity_ids")
        resource["identity"] = {"type": identity.get("type"), "userAssignedIdentities": {
            i: {} for i in ids if isinstance(i, str)} if isinstance(ids, list) else ids}
    resource.update({"name": a.get("name"), "type": kind[0], "apiVersion": kind[1]})
    locations = {"name": ("name",), "location": ("location",), "identity": ("identity",)}
    props = resource.get("properties")
    for key in (props if isinstance(props, dict) else {}):
        locations[key] = ("body", "properties", key)
    return resource, locations


_BUILDERS: dict[str, Callable[[_PlanReader, dict, dict], Any]] = {
    MANAGED_IMAGE: _managed_image, HOST_POOL: _host_pool, AZAPI: _azapi,
    GALLERY: _gallery, IMAGE: _image, VERSION: _version, "vm": _vm, "vmss": _vmss,
    LEGACY_VM: _legacy_vm, LEGACY_VMSS: _legacy_vmss, APPLICATION: _application,
    APP_VERSION: _app_version,
}


def load_plan(parsed: Any, inventory: Inventory, scope_id: str = DEFAULT_SCOPE) -> None:
    positioned = read_positions(parsed.text) if len(parsed.text) <= MAX_POSITIONED_BYTES \
        else None
    if not isinstance(positioned, dict):
        positioned = None
    _PlanReader(parsed.path, parsed.document, positioned, scope_id).load(inventory)
    inventory.plan_addresses.update(configured_addresses(parsed.document))


def configured_addresses(doc: Any) -> set[tuple[str, str]]:
    """(address without instance keys, type) of every resource a plan's `configuration`
    declares, module path included: a resource Terraform source declares at one of them
    is taken from the plan only (rules.md, "Terraform source (v3)")."""
    out: set[tuple[str, str]] = set()
    stack = [("", dig(doc, "configuration", "root_module"), 0)]
    while stack:
        prefix, node, depth = stack.pop()
        if not isinstance(node, dict) or depth > 64 or len(out) > 100_000:
            continue
        resources = node.get("resources")
        for res in resources if isinstance(resources, list) else []:
            if isinstance(res, dict) and isinstance(res.get("address"), str) and \
                    isinstance(res.get("type"), str) and res.get("mode", "managed") == "managed":
                out.add((prefix + res["address"], res["type"]))
        calls = node.get("module_calls")
        for name, call in (calls.items() if isinstance(calls, dict) else []):
            stack.append((f"{prefix}module.{name}.", dig(call, "module"), depth + 1))
    return out
