"""The inventory: what every input form is normalised into before any rule runs.

Frozen msgspec `Struct`s: an estate of a million VMs is a million `Deployment`
objects, so the model keeps only what rules and reports use, plus a reference to
the resource's raw ARM `properties` (kept, not copied, so that a user rule can read
a property no built-in rule needs). A Struct is built in C, about five times faster
than a frozen dataclass, and creating its class compiles no code at import (issue
#24). The records most numerous in an estate (`Source`, `Deployment`, versions and
their regions) hold no cycles and are not tracked by the garbage collector.

Records compare by identity (`eq=False`); `Source` keeps value equality: locations
are compared.

Values that an input cannot carry (a template expression that could not be
evaluated, a Terraform value known only after apply) are `UNKNOWN`; rules
treat an unknown value as "not a violation".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, Mapping

from msgspec import Struct, field


class _Unknown:
    """A value the input cannot tell (unevaluated expression, known after apply)."""

    __slots__ = ()
    _instance: "_Unknown | None" = None

    def __new__(cls) -> "_Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Final = _Unknown()


def is_unknown(value: object) -> bool:
    return value is UNKNOWN


class Source(Struct, frozen=True, gc=False):
    """Where a resource came from: the file, the line of the resource, and the
    lines of individual properties when the input form can tell them
    (templates and plans: keyed by a dotted path such as
    ``properties.publishingProfile.targetRegions.0.regionalReplicaCount``)."""

    path: str
    line: int = 1
    column: int = 1
    form: str = "azure"  # snapshot | azure | yaml | template | plan | terraform
    properties: Mapping[str, tuple[int, int]] | None = None

    @property
    def from_iac(self) -> bool:
        return self.form in ("template", "plan", "terraform")

    @property
    def live(self) -> bool:
        """Read from what Azure holds (a snapshot, raw Azure JSON or YAML), not from a file
        people write (templates, plans, Terraform source, Packer templates)."""
        return self.form in ("azure", "snapshot", "yaml")

    def line_of(self, *paths: str) -> tuple[int, int]:
        """The (line, column) of the first property path known, else the resource's."""
        if self.properties:
            for p in paths:
                pos = self.properties.get(p)
                if pos is not None:
                    return pos
        return self.line, self.column


class Gallery(Struct, frozen=True, eq=False):
    id: str
    name: str
    subscription_id: str
    location: str  # normalised region
    tags: Mapping[str, str]
    permissions: str | None  # lowercased: private | groups | community | other / None
    # Sharing groups: None when the input does not carry them (Resource Graph
    # never does); {type(lowercase): [ids lowercased]} otherwise.
    groups: Mapping[str, tuple[str, ...]] | None
    unique_name: str | None
    public_names: tuple[str, ...]
    community_info: Mapping[str, Any] | None
    properties: Mapping[str, Any]
    source: Source


class ImageDefinition(Struct, frozen=True, eq=False):
    id: str
    gallery_id: str
    name: str
    subscription_id: str
    location: str
    tags: Mapping[str, str]
    publisher: Any
    offer: Any
    sku: Any
    os_state: Any  # as given; compare lowercased
    hyper_v_generation: Any
    features: Mapping[str, Any]  # feature name lowercased -> value as given
    disallowed_disk_types: Any  # tuple of lowercased names, or UNKNOWN
    end_of_life: datetime | None | Any
    eula: Any
    privacy_statement_uri: Any
    release_note_uri: Any
    api_version: str | None
    properties: Mapping[str, Any]
    source: Source
    # v2: every features[] entry as (name lowercased, value, startsAtVersion or None);
    # UNKNOWN when the list cannot be read.
    feature_entries: Any = ()
    os_type: Any = None
    architecture: Any = None
    purchase_plan: Any = None  # {"name", "publisher", "product"} lowercased | None | UNKNOWN
    provisioning_state: Any = None


class TargetRegion(Struct, frozen=True, eq=False, gc=False):
    name: str  # normalised
    regional_replica_count: Any  # int | None | UNKNOWN
    storage_account_type: Any  # str | None | UNKNOWN
    exclude_from_latest: Any  # bool | None | UNKNOWN
    additional_replicas: Any  # int (sum of additionalReplicaSets) | UNKNOWN
    index: int  # position in targetRegions, for property locations
    encryption: Any = None  # the region's `encryption` object as given, None when absent


class ImageVersion(Struct, frozen=True, eq=False, gc=False):
    id: str
    definition_id: str
    name: str
    subscription_id: str
    location: str
    tags: Mapping[str, str]
    published: datetime | None | Any
    end_of_life: datetime | None | Any
    exclude_from_latest: Any  # bool | UNKNOWN
    replica_count: Any  # int | None | UNKNOWN
    storage_account_type: Any
    storage_account_strategy: Any
    replication_mode: Any  # lowercased or None
    # None when the version has no targetRegions (then: its own location).
    target_regions: tuple[TargetRegion, ...] | None | Any
    os_disk_gb: Any
    data_disk_gb: tuple[Any, ...]
    reported_for_policy_violation: Any
    policy_violations: tuple[Any, ...]
    replication_state: Any  # aggregatedState, as given, or None
    region_replication_states: Mapping[str, str]  # normalised region -> state
    api_version: str | None
    properties: Mapping[str, Any]
    source: Source
    # v2
    image_state: Any = None  # lowercased imageState | None
    consumption_end: Any = None  # datetime | None | UNKNOWN
    allow_deletion_of_replicated_locations: Any = None  # bool | None | UNKNOWN
    block_deletion_before_end_of_life: Any = None  # bool | None | UNKNOWN
    provisioning_state: Any = None
    edge_zones: Any = ()  # targetExtendedLocations[].extendedLocation.name, lowercased
    extended_encryptions: tuple[Any, ...] = ()  # targetExtendedLocations[].encryption
    data_disk_luns: Any = None  # storageProfile.dataDiskImages[].lun, None when absent
    validations: tuple[Any, ...] = ()  # executedValidations[] as (type, status) lowercased
    # Application versions share this model (kind "app"): their source links.
    media_link: Any = None
    # v3: a planned version (rules.md, "Planned versions"): the pipeline ID that will
    # create it (an AIB template's ARM ID, or packer:<path>#source.azure-arm.<name>).
    pipeline: Any = None
    default_configuration_link: Any = None
    kind: str = "image"  # "image" | "app"


class Deployment(Struct, frozen=True, eq=False, gc=False):
    """A VM or a scale set whose image reference may name a gallery image."""

    id: str
    kind: str  # "vm" | "vmss"
    name: str
    subscription_id: str
    location: str
    tags: Mapping[str, str]
    image_id: Any  # imageReference.id, or None
    shared_image_id: Any
    community_image_id: Any
    exact_version: Any
    os_disk_type: Any
    data_disk_types: tuple[Any, ...]
    security_type: Any  # as given, None when absent
    capacity: Any  # sku.capacity for scale sets; 1 for a VM
    scale_set_id: str | None  # a VM of a Flexible scale set
    source: Source
    # v2
    vm_size: Any = None
    disk_controller_type: Any = None  # lowercased | None
    os_type: Any = None  # storageProfile.osDisk.osType (or the Terraform resource), lowercased
    ephemeral_os_disk: Any = False
    os_profile: Any = None  # True | False | UNKNOWN; None when the input cannot tell
    plan: Any = None  # {"name", "publisher", "product"} lowercased | None | UNKNOWN
    extended_location: Any = None  # (type, name) lowercased | None
    applications: Any = ()  # tuple[AppReference, ...] | UNKNOWN
    # v3 (rules.md, "Image sources of a deployment" and "Ephemeral OS disk")
    marketplace: Any = None  # "publisher:offer:sku" when imageReference names one | UNKNOWN
    unmanaged: Any = False  # an OS disk from a VHD URI (vhd.uri, image.uri, vhdContainers)
    attached: Any = False  # osDisk.createOption Attach
    diff_placement: Any = None  # diffDiskSettings.placement as given | None | UNKNOWN
    full_caching: Any = None  # diffDiskSettings.enableFullCaching
    os_disk_gb: Any = None  # osDisk.diskSizeGB
    secure_boot: Any = None  # securityProfile.uefiSettings.secureBootEnabled
    vtpm: Any = None  # securityProfile.uefiSettings.vTpmEnabled


class AppReference(Struct, frozen=True, eq=False):
    """One `applicationProfile.galleryApplications[]` entry."""

    package_reference_id: Any
    order: Any
    treat_failure_as_deployment_failure: Any
    index: int


class Application(Struct, frozen=True, eq=False):
    """A VM application (`Microsoft.Compute/galleries/applications`)."""

    id: str
    gallery_id: str
    name: str
    subscription_id: str
    location: Any
    supported_os_type: Any  # lowercased
    end_of_life: Any
    properties: Mapping[str, Any]
    source: Source


class SoftDeletedEntry(Struct, frozen=True, eq=False):
    """An entry of a gallery's soft-deleted listing (recycle bin)."""

    id: str
    resource_arm_id: str
    name: str
    consumption_end: Any
    source: Source


class SizeSku(Struct, frozen=True, eq=False):
    """A `virtualMachines` item of the Resource SKUs list."""

    name: str  # lowercased
    locations: tuple[str, ...]  # normalised
    capabilities: Mapping[str, str]  # name lowercased -> value
    source: Source


class Pipeline(Struct, frozen=True, eq=False):
    """v3: a pipeline that publishes images (rules.md, "Pipelines (v3)"): an Azure Image
    Builder template, or a Packer `azure-arm` source as one build runs it.

    `properties` is the AIB template's `properties`, or the Packer pipeline's arguments
    as they resolved (UNKNOWN where they did not); `source.properties` locates them
    (AIB: ``distribute[0].runOutputName``; Packer: ``shared_image_gallery_destination.0.
    replication_regions``)."""

    id: str  # an AIB template's ARM ID, or packer:<path>#source.azure-arm.<name>
    kind: str  # "aib" | "packer"
    name: str
    subscription_id: str | None
    location: Any  # normalised region, UNKNOWN, or None
    tags: Mapping[str, str]
    api_version: str | None
    properties: Mapping[str, Any]
    source: Source
    identity: Any = None  # AIB: the template's `identity` as given

    @property
    def live(self) -> bool:
        return self.source.live


class Resource(Struct, frozen=True, eq=False):
    """v3: a resource that rules read as given: an AVD host pool, session host or
    session host configuration, or a managed image (`Microsoft.Compute/images`)."""

    id: str
    kind: str  # the ARM type, lowercased
    name: str
    subscription_id: str | None
    location: Any
    tags: Mapping[str, str]
    properties: Mapping[str, Any]
    api_version: str | None
    source: Source


class Inventory(Struct, eq=False):
    galleries: list[Gallery] = field(default_factory=list)
    definitions: list[ImageDefinition] = field(default_factory=list)
    versions: list[ImageVersion] = field(default_factory=list)
    deployments: list[Deployment] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    app_versions: list[ImageVersion] = field(default_factory=list)
    soft_deleted: list[SoftDeletedEntry] = field(default_factory=list)
    planned: list[ImageVersion] = field(default_factory=list)  # v3: what pipelines publish
    pipelines: list[Pipeline] = field(default_factory=list)  # v3: AIB templates, Packer
    others: list[Resource] = field(default_factory=list)  # v3: AVD resources, managed images
    skus: list[SizeSku] = field(default_factory=list)
    # Files read, by form, and files skipped while walking (no recognised form).
    files: dict[str, str] = field(default_factory=dict)
    skipped_files: list[str] = field(default_factory=list)
    skipped_special: list[str] = field(default_factory=list)  # FIFOs, devices, broken links
    unparsed_files: list[str] = field(default_factory=list)  # walked, not ours, do not parse
    duplicate_ids: list[tuple[str, str, str]] = field(default_factory=list)  # (id, first, then)
    # Snapshots read: (path, metadata.createdAt as datetime or UNKNOWN, failedScopes)
    snapshots: list[tuple[str, Any, list[Any]]] = field(default_factory=list)
    unknown_values: int = 0
    notes: list[str] = field(default_factory=list)  # what the reading should say (stderr)
    # v3: (address, type) of the resources that plans of the run configure
    plan_addresses: set[tuple[str, str]] = field(default_factory=set)

    def extend(self, other: "Inventory") -> None:
        self.galleries.extend(other.galleries)
        self.definitions.extend(other.definitions)
        self.versions.extend(other.versions)
        self.deployments.extend(other.deployments)
        self.applications.extend(other.applications)
        self.app_versions.extend(other.app_versions)
        self.soft_deleted.extend(other.soft_deleted)
        self.planned.extend(other.planned)
        self.pipelines.extend(other.pipelines)
        self.others.extend(other.others)
        self.skus.extend(other.skus)
        self.files.update(other.files)
        self.skipped_files.extend(other.skipped_files)
        self.skipped_special.extend(other.skipped_special)
        self.unparsed_files.extend(other.unparsed_files)
        self.duplicate_ids.extend(other.duplicate_ids)
        self.snapshots.extend(other.snapshots)
        self.unknown_values += other.unknown_values
        self.notes.extend(other.notes)
        self.plan_addresses.update(other.plan_addresses)

    @property
    def resource_count(self) -> int:
        return (
            len(self.galleries) + len(self.definitions) + len(self.versions)
            + len(self.deployments) + len(self.applications) + len(self.app_versions)
            + len(self.soft_deleted) + len(self.pipelines)
            + len(self.others)
        )
