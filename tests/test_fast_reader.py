"""The fast reader of Azure's lists (linter/sources/fastrows.py) reads every file it
accepts exactly as the general reader does: the same records, field by field, at the
same lines and columns; what it does not accept, the general reader reads."""

import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from linter.errors import InputError
from linter.model import UNKNOWN, Inventory
from linter.sources import fastrows
from linter.sources.files import (SNAPSHOT_ARRAYS, SNAPSHOT_KIND, Limits, _read_fast,
                                  load_document, load_paths, parse, recognise)

from test_properties import COMMON, examples, odd_value

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def plain(value):
    """A record as plain data, to compare two inventories field by field."""
    fields = getattr(value, "__struct_fields__", None)
    if fields is not None:
        return {"@": type(value).__name__, **{f: plain(getattr(value, f)) for f in fields}}
    if value is UNKNOWN:
        return "<UNKNOWN>"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    return value


def general(path: str) -> Inventory:
    inventory = Inventory()
    parsed = parse(path, Limits())
    form = recognise(parsed.document)
    load_document(parsed, form, inventory)
    inventory.files[path] = form  # as load_paths records it
    return inventory


def fast(path: str) -> Inventory | None:
    inventory = Inventory()
    with open(path, "rb") as fh:
        data = fh.read()
    return inventory if _read_fast(path, data, inventory) else None


def assert_same(path: str, expect_fast: bool = True) -> None:
    quick = fast(path)
    if quick is None:
        assert not expect_fast, f"{path}: the fast reader gave it up"
        return
    slow = general(path)
    assert plain(quick) == plain(slow), path


def lists_we_ship() -> list[Path]:
    """Every JSON file of the repository's tests, samples and benchmarks, and of the real
    corpus when it is here, whose form is a resource list or a snapshot."""
    found = []
    roots = [ROOT / "samples", ROOT / "tests", ROOT / "fuzz"]
    if SHARED.is_dir():
        roots.append(SHARED / "corpus")
    for root in roots:
        for path in sorted(root.rglob("*.json")):
            if path.stat().st_size > 5_000_000:
                continue
            try:
                form = recognise(parse(str(path), Limits()).document)
            except Exception:  # noqa: BLE001 - files the general reader refuses
                continue
            if form in ("azure", "snapshot"):
                found.append(path)
    return found


LISTS = lists_we_ship()


def test_there_are_lists_to_compare():
    own = [p for p in LISTS if ROOT in p.parents]
    assert len(own) >= 5, own  # the contoso sample's lists
    if (SHARED / "corpus").is_dir():
        assert len(LISTS) > len(own) + 5, LISTS  # and the real corpus's


@pytest.mark.parametrize("path", LISTS, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_every_list_we_have_reads_the_same(path):
    assert_same(str(path))


VM = {
    "id": "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/"
          "Microsoft.Compute/virtualMachines/vm1",
    "name": "vm1", "type": "Microsoft.Compute/virtualMachines", "location": "westeurope",
    "tags": {"Environment": "prod"},
    "properties": {
        "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
        "storageProfile": {
            "imageReference": {"id": "/subscriptions/00000000-0000-4000-8000-000000000001/"
                                     "resourceGroups/rg/providers/Microsoft.Compute/galleries/g/"
                                     "images/i/versions/1.0.0"},
            "osDisk": {"osType": "Linux", "createOption": "FromImage", "diskSizeGB": 30,
                       "managedDisk": {"storageAccountType": "Standard_LRS"},
                       "diffDiskSettings": {"option": "Local", "placement": "ResourceDisk"}},
            "dataDisks": [{"managedDisk": {"storageAccountType": "Premium_LRS"}}]},
        "osProfile": {"computerName": "vm1"},
        "securityProfile": {"securityType": "TrustedLaunch",
                            "uefiSettings": {"secureBootEnabled": True, "vTpmEnabled": False}},
        "virtualMachineScaleSet": {"id": "/subscriptions/00000000-0000-4000-8000-000000000001/"
                                         "resourceGroups/rg/providers/Microsoft.Compute/"
                                         "virtualMachineScaleSets/ss"}},
}
VMSS = {
    "id": "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/"
          "Microsoft.Compute/virtualMachineScaleSets/ss",
    "name": "ss", "type": "Microsoft.Compute/virtualMachineScaleSets", "location": "West Europe",
    "sku": {"name": "Standard_D2s_v5", "capacity": 4}, "plan": {"name": "p", "publisher": "x",
                                                               "product": "y"},
    "properties": {"virtualMachineProfile": {
        "storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "ubuntu",
                                              "sku": "22_04-lts"},
                           "osDisk": {"vhdContainers": ["https://x"], "createOption": "FromImage"}},
        "applicationProfile": {"galleryApplications": [{"packageReferenceId": "/a", "order": 1}]},
        "osProfile": {}}},
}
VERSION = {
    "id": "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/"
          "Microsoft.Compute/galleries/g/images/i/versions/1.0.0",
    "name": "1.0.0", "type": "Microsoft.Compute/galleries/images/versions",
    "location": "westeurope", "properties": {"publishingProfile": {
        "targetRegions": [{"name": "westeurope", "regionalReplicaCount": 2}]}}}


def write(tmp_path, document, name="rows.json", **dump) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document, **dump), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("dump", [{}, {"indent": 2}, {"separators": (",", ":")},
                                  {"indent": 4, "ensure_ascii": False}])
@pytest.mark.parametrize("shape", ["data", "value", "array", "count-first", "snapshot"])
def test_each_shape_and_layout_reads_the_same(tmp_path, shape, dump):
    rows = [VERSION, VM, {**VM, "id": VM["id"] + "ä", "name": "名前"}, VMSS]
    document = {"data": rows, "count": 4}
    if shape == "value":
        document = {"value": rows, "nextLink": None}
    elif shape == "array":
        document = rows
    elif shape == "count-first":  # as `az graph query` prints it: keys sorted
        document = {"count": 4, "data": rows, "skip_token": None, "total_records": 4}
    elif shape == "snapshot":
        document = {"kind": SNAPSHOT_KIND, "schemaVersion": 1,
                    "metadata": {"createdAt": "2026-11-20T00:00:00Z", "toolVersion": "0.1.0",
                                 "failedScopes": [{"scope": "/subscriptions/x", "error": "403"}]},
                    "resourceSkus": [{"resourceType": "virtualMachines", "name": "Standard_D2s_v5",
                                      "locations": ["westeurope"], "capabilities": [
                                          {"name": "EphemeralOSDiskSupported", "value": "True"}]}],
                    "imageVersions": [VERSION], "virtualMachines": [VM, rows[2]],
                    "virtualMachineScaleSets": [VMSS]}
    assert_same(write(tmp_path, document, **dump))


def test_a_snapshot_the_schema_refuses_is_refused_by_the_general_reader(tmp_path):
    path = write(tmp_path, {"kind": SNAPSHOT_KIND, "schemaVersion": 1, "metadata": {},
                            "virtualMachines": [VM]})
    assert fast(path) is None
    with pytest.raises(InputError, match="inventory schema"):
        load_paths([path])


def test_rows_are_placed_where_the_general_reader_places_them(tmp_path):
    # id not the first key (placed at the key), a BOM, and a non-ASCII name before a
    # row on the same line (columns in characters, not bytes).
    rows = [{"name": "é" * 5, **VM}, {**VM, "id": VM["id"].replace("vm1", "vm2")}]
    text = "\ufeff" + json.dumps({"data": rows}, ensure_ascii=False)
    path = tmp_path / "placed.json"
    path.write_bytes(text.encode("utf-8"))
    quick = fast(str(path))
    assert quick is not None
    got = [(d.source.line, d.source.column) for d in quick.deployments]
    assert got == [(d.source.line, d.source.column) for d in general(str(path)).deployments]
    assert got[0] == (1, text.index('"id"'))  # 1-based column of the key, BOM dropped


@pytest.mark.parametrize("text", [
    '{"data": [{"id": "/s/x", "properties": {"a": NaN}}]}',  # Python reads NaN
    '{"data": [], "data": [{"id": "/subscriptions/s/resourceGroups/r/providers/'
    'Microsoft.Compute/virtualMachines/v"}]}',  # a duplicate key: Python keeps the last
    '{"data": [{"id": "/s/x", "x": "\\ud800"}]}',  # a lone surrogate
    '{"data": [{"id": "/s/x", "n": ' + "9" * 5000 + '}]}',  # more digits than Python reads
    '{"data": []}',  # empty: the general reader says what it says of one
    '{"data": [{"name": "not a resource"}]}',
    '[{"resourceType": "virtualMachines", "name": "Standard_D2s_v5", "capabilities": []}]',
    '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
    'deploymentTemplate.json#", "resources": []}',
])
def test_what_it_does_not_expect_goes_to_the_general_reader(tmp_path, text):
    path = tmp_path / "odd.json"
    path.write_text(text, encoding="utf-8")
    assert fast(str(path)) is None


def test_a_byte_that_is_not_utf8_in_a_skipped_string_is_still_refused(tmp_path):
    path = tmp_path / "bad.json"
    row = json.dumps(VM).replace('"computerName": "vm1"', '"computerName": "vm\\u00e9"')
    path.write_bytes(b'{"data": [' + row.encode().replace(b"\\u00e9", b"\xff") + b"]}")
    with pytest.raises(InputError, match="not UTF-8"):
        load_paths([str(path)])


@pytest.mark.parametrize("at", [(1 << 20) - 1, (1 << 20) - 2, 3 << 20])
def test_utf8_is_checked_across_the_file(tmp_path, at):
    """Text that is not ASCII anywhere in a large file (a character across the boundary
    of the parts checked, or a bad byte after megabytes of ASCII) is read as Python
    reads it."""
    import re
    rows = [{**VM, "id": VM["id"] + str(i), "tags": {"note": "x" * 200}} for i in range(3000)]
    plain = json.dumps({"data": rows}).encode()
    # a padding member first, as long as it takes to bring a tag's middle to `at`
    run = max(m.start() for m in re.finditer(b"x{200}", plain) if m.start() <= at - 112)
    body = b'{"pad": "' + b" " * (at - 112 - run) + b'", ' + plain[1:]
    where = at - 1
    assert body[where:where + 2] == b"xx"  # "é" (two bytes) across `at`
    good = bytes(body[:where]) + "é".encode() + bytes(body[where + 2:])
    (tmp_path / "good.json").write_bytes(good)
    assert_same(str(tmp_path / "good.json"))
    bad = bytes(body[:where]) + b"\xc3x" + bytes(body[where + 2:])
    (tmp_path / "bad.json").write_bytes(bad)
    assert fast(str(tmp_path / "bad.json")) is None
    with pytest.raises(InputError, match="not UTF-8"):
        load_paths([str(tmp_path / "bad.json")])


def test_a_sequence_left_open_before_ascii_is_not_utf8():
    """The check skips ASCII parts only when no sequence is left open before them: a lead
    byte at the end of one part, ASCII after it, a continuation byte parts later."""
    mb = 1 << 20
    data = b"a" * (mb - 1) + b"\xc3" + b"a" * mb + b"\xa9" + b"a" * 10
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        fastrows._check_utf8(data, 0)
    fastrows._check_utf8(data.replace(b"\xc3", b"a").replace(b"\xa9", "é".encode()), 0)


def test_a_row_of_another_shape_is_read_whole(tmp_path):
    odd = {**VM, "properties": {**VM["properties"], "storageProfile": "not an object"}}
    odd2 = {**VM, "properties": {"storageProfile": {"osDisk": 7}}}
    path = write(tmp_path, {"value": [odd, odd2, VMSS]})
    assert_same(path)


json_leaf = st.one_of(odd_value, st.just({}), st.just([]))


@st.composite
def deployment_rows(draw):
    """A VM or scale-set row whose every part the readers read may be any JSON value."""
    def maybe(d, key, strategy):
        if draw(st.booleans()):
            d[key] = draw(strategy)

    os_disk: dict = {}
    for key in ("managedDisk", "diffDiskSettings", "osType", "createOption", "diskSizeGB",
                "vhd", "image", "vhdContainers"):
        maybe(os_disk, key, json_leaf | st.fixed_dictionaries(
            {"storageAccountType": json_leaf, "uri": json_leaf, "placement": json_leaf}))
    storage: dict = {}
    maybe(storage, "osDisk", st.just(os_disk) | json_leaf)
    for key in ("imageReference", "dataDisks", "diskControllerType"):
        maybe(storage, key, json_leaf | st.fixed_dictionaries(
            {"id": json_leaf, "publisher": json_leaf, "offer": json_leaf, "sku": json_leaf},
            optional={"sharedGalleryImageId": json_leaf, "exactVersion": json_leaf,
                      "managedDisk": json_leaf}))
    profile: dict = {}
    uefi = json_leaf | st.fixed_dictionaries(
        {}, optional={"secureBootEnabled": json_leaf, "vTpmEnabled": json_leaf})
    maybe(profile, "storageProfile", st.just(storage) | json_leaf)
    for key in ("securityProfile", "osProfile", "applicationProfile", "hardwareProfile",
                "virtualMachineScaleSet"):
        maybe(profile, key, json_leaf | st.fixed_dictionaries(
            {"securityType": json_leaf, "uefiSettings": json_leaf, "vmSize": json_leaf,
             "id": json_leaf, "galleryApplications": json_leaf},
            # other spellings the general reader accepts, and what the parts read
            optional={"UefiSettings": uefi, "VMSize": json_leaf, "VmSize": json_leaf}))
    vmss = draw(st.booleans())
    row = dict(VMSS if vmss else VM)
    row["properties"] = {"virtualMachineProfile": profile} if vmss else profile
    for key in ("name", "location", "tags", "sku", "plan", "extendedLocation", "imageId",
                "osDiskType", "securityType", "vmssId", "capacity", "dataDiskTypes"):
        maybe(row, key, json_leaf)
    if draw(st.booleans()):
        row["properties"] = draw(json_leaf)
    return row


@settings(max_examples=examples(150), **COMMON)
@given(rows=st.lists(deployment_rows(), min_size=1, max_size=4))
def test_any_deployment_row_reads_the_same(tmp_path_factory, rows):
    path = write(tmp_path_factory.mktemp("rows"), {"value": rows}, indent=1)
    assert_same(path)


def test_the_benchmark_shape_is_read_fast(tmp_path):
    """The estate shape benchmarks/ measures takes the fast path (a guard: were it to
    fall back, the figures would measure the general reader)."""
    import sys
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate
    out = tmp_path / "estate"
    generate(out, 20, 2, full=True, minified=True)
    for path in sorted(out.glob("*.json")):
        data = path.read_bytes()
        assert fastrows.split(data, SNAPSHOT_KIND, SNAPSHOT_ARRAYS) is not None, path
        assert_same(str(path))
    assert os.path.getsize(out / "image-versions.json") > 0


def test_the_deployment_fields_assemble_passes_by_position():
    """`azure.assemble` passes every field of a Deployment by position, and the projected
    reader the required ones (half the cost of keywords, once per VM): this is the order
    they assume."""
    from linter.model import Deployment
    assert Deployment.__struct_fields__ == (
        "id", "kind", "name", "subscription_id", "location", "tags", "image_id",
        "shared_image_id", "community_image_id", "exact_version", "os_disk_type",
        "data_disk_types", "security_type", "capacity", "scale_set_id", "source",
        "vm_size", "disk_controller_type", "os_type", "ephemeral_os_disk", "os_profile",
        "plan", "extended_location", "applications", "marketplace", "unmanaged", "attached",
        "diff_placement", "full_caching", "os_disk_gb", "secure_boot", "vtpm")


def test_the_deployment_facts_are_built_by_position():
    """facts._resolve_deployments builds each DeploymentFacts with every field by
    position (once per VM): this is the order it assumes."""
    from linter.facts import DeploymentFacts
    assert DeploymentFacts.__struct_fields__ == (
        "deployment", "reference", "gallery", "definition", "pinned", "requested_version",
        "version", "unresolved", "no_latest", "counted", "production", "soft_deleted_entry")


def _changed(row: dict, path: str, value) -> dict:
    """A deep copy of `row` with the value at dotted `path` set (or removed for ...)."""
    out = json.loads(json.dumps(row))
    *parents, last = path.split(".")
    node = out
    for key in parents:
        node = node.setdefault(key, {})
    if value is ...:
        node.pop(last, None)
    else:
        node[last] = value
    return out


_DISK = "properties.storageProfile.osDisk."
_ALIKE_BUT = [
    ("location", "northeurope"), ("location", 1), ("tags", {"Owner": "x"}), ("tags", ...),
    ("plan", {"name": "p", "publisher": "x", "product": "y"}), ("plan", True),
    ("extendedLocation", {"type": "EdgeZone", "name": "z"}), ("name", ""), ("name", ...),
    ("capacity", 1), ("capacity", True), ("vmssId", "/x"), ("imageId", "/y"),
    ("exactVersion", "1.0.0"), ("osDiskType", "Premium_LRS"), ("securityType", "Standard"),
    ("properties.virtualMachineScaleSet", {"id": "/ss"}), ("properties.virtualMachineScaleSet", 0),
    ("properties.hardwareProfile.vmSize", "Standard_B2s"), ("properties.hardwareProfile", ...),
    ("properties.securityProfile.securityType", "ConfidentialVM"),
    ("properties.securityProfile.uefiSettings.vTpmEnabled", True),
    ("properties.osProfile", {}), ("properties.osProfile", ...),
    ("properties.applicationProfile", {"galleryApplications": [{"packageReferenceId": "/a"}]}),
    ("properties.storageProfile.imageReference.id", "/subscriptions/s/x"),
    ("properties.storageProfile.imageReference.exactVersion", "1.0.0"),
    ("properties.storageProfile.imageReference", ...),
    ("properties.storageProfile.diskControllerType", "NVMe"),
    ("properties.storageProfile.dataDisks", []), ("properties.storageProfile.dataDisks", ...),
    ("properties.storageProfile.dataDisks",
     [{"name": "d", "managedDisk": {"storageAccountType": "Standard_LRS", "id": "/d"}}]),
    (_DISK + "managedDisk.storageAccountType", "Premium_ZRS"), (_DISK + "managedDisk", ...),
    (_DISK + "diffDiskSettings", {"option": "Local"}), (_DISK + "diffDiskSettings", "Local"),
    (_DISK + "osType", "Windows"), (_DISK + "createOption", "Attach"),
    (_DISK + "diskSizeGB", 30.0), (_DISK + "diskSizeGB", True), (_DISK + "diskSizeGB", 1),
    (_DISK + "diskSizeGB", "30"), (_DISK + "vhd", {"uri": "https://x"}),
    (_DISK + "image", {"uri": "https://y"}), ("properties.storageProfile.osDisk", ...),
]


@pytest.mark.parametrize("path,value", _ALIKE_BUT, ids=[f"{p}={v!r}" for p, v in _ALIKE_BUT])
def test_rows_alike_but_one_input_read_the_same(tmp_path, path, value):
    """The fast reader copies a Deployment to rows alike but for ID and name: every
    input it reads must tell rows apart (a VM differing in one, between two alike)."""
    # every part hashable (no object among the parts kept as values), as most rows are
    vm = _changed(_changed(_changed(VM, _DISK + "diffDiskSettings", ...),
                           "properties.virtualMachineScaleSet", ...),
                  _DISK + "diskSizeGB", True if value == 1 else 1)
    rows = [vm, _changed({**vm, "id": vm["id"] + "b"}, path, value),
            {**vm, "id": vm["id"] + "c", "name": "c"}]
    assert_same(write(tmp_path, {"data": rows}, separators=(",", ":")))


@pytest.mark.parametrize("path,value", [
    ("sku", {"name": "Standard_B2s", "capacity": 4}), ("sku", 3), ("capacity", True),
    ("capacity", 1.0), ("capacity", "1"), ("plan", "x"),
    ("properties.virtualMachineProfile.storageProfile.osDisk.vhdContainers", ["https://x"]),
    ("properties.virtualMachineProfile.osProfile", ...)])
def test_scale_sets_alike_but_one_input_read_the_same(tmp_path, path, value):
    vmss = VMSS  # every part hashable: no object among the parts kept as values
    for part, was in (("sku", None), ("capacity", 1), ("plan", ...),
                      ("properties.virtualMachineProfile.applicationProfile", ...),
                      ("properties.virtualMachineProfile.storageProfile.osDisk.vhdContainers",
                       ...)):
        vmss = _changed(vmss, part, was)
    rows = [vmss, _changed({**vmss, "id": vmss["id"] + "b"}, path, value),
            {**vmss, "id": vmss["id"] + "c"}]
    assert_same(write(tmp_path, {"data": rows}, separators=(",", ":")))


def test_a_vm_and_a_scale_set_alike_read_the_same(tmp_path):
    """A VM and a scale set whose every other input is alike are still told apart."""
    profile = {k: v for k, v in VM["properties"].items()
               if k not in ("hardwareProfile", "virtualMachineScaleSet")}
    profile["storageProfile"] = {**profile["storageProfile"], "osDisk": {
        "osType": "Linux", "managedDisk": {"storageAccountType": "Standard_LRS"}}}
    vm = {"id": VM["id"], "type": VM["type"], "location": "westeurope", "properties": profile}
    vmss = {"id": VMSS["id"], "type": VMSS["type"], "location": "westeurope",
            "properties": {"virtualMachineProfile": profile}}
    assert_same(write(tmp_path, {"data": [vm, vmss, vm, vmss]}, separators=(",", ":")))


def test_a_finding_is_built_by_position():
    """rules/base.make_finding builds each Finding by position: the order it assumes."""
    from linter.findings import Finding
    assert Finding.__struct_fields__ == (
        "rule_id", "rule_name", "level", "resource_id", "region", "message", "source", "at",
        "properties", "group_resource", "group_source", "groupable", "suppression",
        "baseline_state", "default_level", "pipeline")
