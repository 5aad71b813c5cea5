"""Input forms 1, 2 and 5: recognised by content, merged, each resource with its file and line."""

import json
from datetime import datetime, timezone

import pytest

from builders import definition, estate, gallery, lint_resources, version, version_id, vm
from linter.errors import InputError
from linter.facts import build
from linter.config import Settings
from linter.sources import load_paths
from linter.sources.files import recognise

NOW = datetime(2026, 11, 21, tzinfo=timezone.utc)


def test_recognised_forms():
    assert recognise([{"id": "/subscriptions/s/x"}]) == "azure"
    assert recognise({"value": [], "nextLink": None}) == "azure"
    assert recognise({"count": 0, "data": [], "skip_token": None}) == "azure"
    assert recognise({"kind": "gallerylint.snapshot"}) == "snapshot"
    assert recognise({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                                 "deploymentTemplate.json#", "resources": []}) == "template"
    assert recognise({"format_version": "1.2", "resource_changes": []}) == "plan"
    assert recognise({"name": "x"}) is None
    assert recognise([{"name": "no id"}]) is None
    assert recognise("text") is None


def test_az_graph_query_projected_columns(tmp_path):
    """Rows projected as in the exporter's queries: flat columns, no properties."""
    gid = gallery()["id"]
    rows = [
        {"id": gid, "name": "acg", "location": "westeurope", "subscriptionId": "s",
         "permissions": "Community", "communityGalleryInfo": {"publicNames": ["p-1"]}},
        {"id": definition()["id"], "name": "img", "location": "westeurope",
         "publisher": "P", "offer": "O", "sku": "S", "osState": "Generalized",
         "hyperVGeneration": "V2", "features": [{"name": "SecurityType",
                                                 "value": "TrustedLaunchSupported"}],
         "disallowedDiskTypes": ["Standard_LRS"], "endOfLifeDate": "2030-01-01"},
        {"id": version_id(), "name": "1.0.0", "location": "westeurope",
         "publishedDate": "2026-11-01T00:00:00Z", "excludeFromLatest": False,
         "replicaCount": 1, "targetRegions": [{"name": "West Europe",
                                               "regionalReplicaCount": 1}],
         "osDiskSizeGB": 30},
        {"id": vm("v1")["id"], "name": "v1", "location": "westeurope",
         "imageId": definition()["id"], "sharedGalleryImageId": "",
         "communityGalleryImageId": "", "exactVersion": "1.0.0",
         "osDiskType": "Standard_LRS", "securityType": "", "vmssId": ""},
    ]
    path = tmp_path / "graph.json"
    path.write_text(json.dumps({"count": 4, "data": rows, "skip_token": None}, indent=2))
    inventory = load_paths([str(path)])
    assert [len(inventory.galleries), len(inventory.definitions), len(inventory.versions),
            len(inventory.deployments)] == [1, 1, 1, 1]
    facts = build(inventory, Settings(), NOW)
    dep = facts.deployments[0]
    assert dep.version is not None and dep.version.version.name == "1.0.0"
    assert facts.galleries[0].permissions == "community"
    assert facts.definitions[0].definition.disallowed_disk_types == ("standard_lrs",)
    assert facts.versions[0].regions["westeurope"].replicas == 1


def test_arm_list_display_name_regions_and_case(tmp_path):
    resources = estate(vm("v", location="West Europe"),
                       versions=[version(location="West Europe",
                                         regions=[{"name": "West Europe",
                                                   "regionalReplicaCount": 1}])])
    findings = lint_resources(tmp_path, resources, rules=["ACG603", "ACG604"])
    assert findings == []


def test_yaml_form_with_lines(tmp_path):
    path = tmp_path / "inventory.yaml"
    path.write_text(
        "value:\n"
        "  - id: " + gallery()["id"] + "\n"
        "    name: acg\n"
        "    location: westeurope\n"
        "  - id: " + definition()["id"] + "\n"
        "    name: img\n"
        "    properties: {identifier: {publisher: p, offer: o, sku: s}, osState: Generalized}\n"
        "  - id: " + version_id("v1") + "\n"
        "    name: v1\n"
        "    location: westeurope\n"
        "    properties:\n"
        "      publishingProfile: {publishedDate: 2026-11-01, endOfLifeDate: 2027-01-01}\n")
    inventory = load_paths([str(path)])
    assert [v.source.line for v in inventory.versions] == [8]
    assert inventory.versions[0].source.form == "yaml"
    assert isinstance(inventory.versions[0].published, datetime)


def test_json_lines_point_at_each_resource(tmp_path):
    resources = estate(vm("a"), vm("b"))
    path = tmp_path / "inv.json"
    text = json.dumps({"value": resources}, indent=2)
    path.write_text(text)
    inventory = load_paths([str(path)])
    lines = text.splitlines()
    for item in [*inventory.galleries, *inventory.versions, *inventory.deployments]:
        assert lines[item.source.line - 1].strip() == "{"
        assert f'"id": "{item.id}"' in lines[item.source.line]


def test_compact_json_lines_and_id_not_first(tmp_path):
    path = tmp_path / "inv.json"
    path.write_text('[{"name": "acg",\n "id": "' + gallery()["id"] + '"},\n'
                    '{"id": "' + definition()["id"] + '", "name": "img"}]')
    inventory = load_paths([str(path)])
    assert inventory.galleries[0].source.line == 2  # the id's line when id is not first
    assert inventory.definitions[0].source.line == 3


def test_inputs_merge_and_later_duplicates_win(tmp_path):
    first = tmp_path / "a.json"
    first.write_text(json.dumps([gallery(), definition(), version("1.0.0", eol="2027-01-01")]))
    second = tmp_path / "b.json"
    second.write_text(json.dumps([version("1.0.0", eol="2026-01-01"), vm("v")]))
    inventory = load_paths([str(first), str(second)])
    assert len(inventory.versions) == 1
    assert inventory.versions[0].end_of_life.year == 2026
    assert len(inventory.deployments) == 1


def test_snapshot_form(tmp_path):
    snapshot = {"kind": "gallerylint.snapshot", "schemaVersion": 1,
                "metadata": {"toolVersion": "0.1.0", "createdAt": "2026-11-21T00:00:00Z"},
                "galleries": [gallery()], "imageDefinitions": [definition()],
                "imageVersions": [version()], "virtualMachines": [vm("v")],
                "virtualMachineScaleSets": []}
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(snapshot, indent=2))
    inventory = load_paths([str(path)])
    assert inventory.files == {str(path): "snapshot"}
    assert [len(inventory.galleries), len(inventory.versions), len(inventory.deployments)] == [1, 1, 1]
    assert inventory.versions[0].source.form == "snapshot"


def test_snapshot_with_wrong_metadata_is_input_error(tmp_path):
    path = tmp_path / "snap.json"
    path.write_text(json.dumps({"kind": "gallerylint.snapshot", "schemaVersion": 1,
                                "metadata": {"toolVersion": 1}}, indent=2))
    with pytest.raises(InputError) as exc:
        load_paths([str(path)])
    assert "toolVersion" in str(exc.value) or "createdAt" in str(exc.value)


def test_odd_values_are_unknown_not_crashes(tmp_path):
    odd = version("1.0.0")
    odd["properties"]["publishingProfile"].update(
        {"targetRegions": "westeurope", "replicaCount": "many", "endOfLifeDate": "soon",
         "excludeFromLatest": "maybe"})
    weird_vm = vm("w")
    weird_vm["properties"]["storageProfile"] = ["not", "an", "object"]
    weird_vm["location"] = 42
    resources = [gallery(), definition(features="nope"), odd, weird_vm,
                 {"id": "/subscriptions/x/resourceGroups/r/providers/Microsoft.Storage/"
                        "storageAccounts/s", "name": "s"}]
    findings = lint_resources(tmp_path, resources)
    assert all(f.rule_id not in ("ACG601", "ACG603", "ACG605") for f in findings)


def test_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([gallery()]).encode())
    assert len(load_paths([str(path)]).galleries) == 1


def test_paths_exclude_and_hidden_folders(tmp_path):
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.json").write_text("{broken")
    (tmp_path / "skip").mkdir()
    (tmp_path / "skip" / "y.json").write_text("{broken")
    (tmp_path / "inv.json").write_text(json.dumps([gallery()]))
    inventory = load_paths([str(tmp_path)], exclude=["skip/*"])
    assert len(inventory.galleries) == 1
