"""Catalog version 2: each new rule fires, and stays quiet at its boundaries (rules.md)."""

import json
from datetime import datetime, timezone

from builders import (NOW, SUB, RG, definition, definition_id, estate, gallery, gallery_id,
                      lint_resources, of_rule, target, version, version_id, vm, vmss)

OTHER_SUB = "00000000-0000-4000-8000-00000000000b"


def ids(findings):
    return sorted(f.resource_id.rsplit("/", 1)[-1] for f in findings)


# ACG105 ------------------------------------------------------------------------------

def test_acg105_note_in_private_error_in_community(tmp_path):
    resources = [gallery(location="westeurope"), definition(location="West Europe"),
                 definition("far", location="eastus"), version(location="eastus"),
                 version("1.0.1", image="far", location="westeurope")]
    found = of_rule(lint_resources(tmp_path, resources, rules=["ACG105"]), "ACG105")
    assert sorted((f.resource_id.rsplit("/", 1)[-1], f.level) for f in found) == [
        ("1.0.0", "note"), ("far", "note")]
    resources[0] = gallery(location="westeurope", permissions="Community",
                           community={"publicNames": ["acg-1"]})
    found = of_rule(lint_resources(tmp_path, resources, rules=["ACG105"]), "ACG105")
    assert {f.level for f in found} == {"error"}


# ACG206 ------------------------------------------------------------------------------

def _aged(name, published="2025-01-01T00:00:00Z", **kw):
    kw.setdefault("safetyProfile", {"blockDeletionBeforeEndOfLife": False})
    return version(name, published=published, **kw)


def test_acg206_v3_an_absent_deletion_block_blocks_until_the_end_of_life(tmp_path):
    """rules.md v3: blocked when blockDeletionBeforeEndOfLife is true or absent and the end
    of life is absent or not past; the newest kept are counted without soft-deleted ones."""
    absent = {"safetyProfile": {}}
    versions = [_aged("1.0.0", **absent), _aged("1.1.0", eol="2026-01-01", **absent),
                _aged("1.2.0", eol="2027-06-01", **absent), _aged("1.3.0"),
                _aged("2.0.0", imageState="SoftDeleted"), _aged("2.1.0"), _aged("2.2.0"),
                _aged("2.3.0")]
    resources = estate(vm("other", version_id("2.3.0")), versions=versions)
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG206"]), "ACG206")
    # 1.0.0 (no end of life) and 1.2.0 (not past) are blocked; 1.1.0's end of life passed;
    # the soft-deleted 2.0.0 is not among the three newest kept (2.1.0 to 2.3.0), so 1.3.0
    # is a candidate
    assert f.properties["candidateNames"] == ["1.1.0", "1.3.0"]


def test_acg206_candidates_only_with_live_deployments(tmp_path):
    versions = [_aged("1.0.0"), _aged("1.1.0"), _aged("1.2.0"), _aged("1.3.0"),
                _aged("1.4.0"), _aged("1.5.0")]
    # Without any VM or scale set nothing is a candidate, and 6 <= 50 versions.
    assert of_rule(lint_resources(tmp_path, estate(versions=versions), rules=["ACG206"]),
                   "ACG206") == []
    resources = estate(vm("pinned", version_id("1.0.0")), versions=versions)
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG206"]), "ACG206")
    assert f.level == "note"
    # 1.0.0 is used; 1.3.0..1.5.0 are the three newest (1.5.0 is also latest).
    assert f.properties["candidateNames"] == ["1.1.0", "1.2.0"]
    assert "1.1.0, 1.2.0" in f.message


def test_acg206_boundaries(tmp_path):
    young = _aged("1.1.0", published="2026-05-25T00:00:00Z")  # 180 days before now exactly
    blocked = _aged("1.2.0", eol="2030-01-01",
                    safetyProfile={"blockDeletionBeforeEndOfLife": True})
    soft = _aged("0.9.0", imageState="SoftDeleted")
    versions = [soft, _aged("1.0.0"), young, blocked, _aged("2.0.0"), _aged("2.1.0"),
                _aged("2.2.0")]
    resources = estate(vm("other", version_id("2.2.0")), versions=versions)
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG206"]), "ACG206")
    assert f.properties["candidateNames"] == ["1.0.0"]
    assert f.properties["count"] == 6  # the soft-deleted one is not counted


def test_acg206_too_many_is_a_warning_and_shared_galleries_list_no_candidates(tmp_path):
    versions = [_aged(f"1.0.{i}") for i in range(51)]
    resources = [gallery(permissions="Groups", groups=[]), definition(), *versions,
                 vm("v", version_id("1.0.50"))]
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG206"]), "ACG206")
    assert f.level == "warning" and f.properties["count"] == 51
    assert f.properties["candidates"] == []
    config = "retention:\n  max_versions_per_definition: 51\n"
    assert of_rule(lint_resources(tmp_path, resources, config, rules=["ACG206"]), "ACG206") == []


# ACG310 ------------------------------------------------------------------------------

def test_acg310_allow_deletion_on_production_use(tmp_path):
    v = version(safetyProfile={"allowDeletionOfReplicatedLocations": True})
    prod_vm = vm("p", tags={"environment": "prod"})
    [f] = of_rule(lint_resources(tmp_path, estate(prod_vm, versions=[v]), rules=["ACG310"]),
                  "ACG310")
    assert f.level == "warning"
    dev_vm = vm("d", tags={"environment": "dev"})
    assert of_rule(lint_resources(tmp_path, estate(dev_vm, versions=[v]), rules=["ACG310"]),
                   "ACG310") == []
    # Latest in a production gallery, no deployment at all.
    resources = [gallery(tags={"environment": "production"}), definition(), v]
    assert len(of_rule(lint_resources(tmp_path, resources, rules=["ACG310"]), "ACG310")) == 1


def test_acg310_block_deletion_only_when_required(tmp_path):
    v = version(eol="2030-01-01", safetyProfile={"blockDeletionBeforeEndOfLife": False})
    resources = [gallery(tags={"environment": "prod"}), definition(), v]
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG310"]), "ACG310") == []
    config = "lifecycle:\n  require_block_deletion: true\n"
    [f] = of_rule(lint_resources(tmp_path, resources, config, rules=["ACG310"]), "ACG310")
    assert f.level == "note"
    # An absent flag is unknown; soft delete on the gallery protects it.
    absent = [gallery(tags={"environment": "prod"}), definition(), version(eol="2030-01-01")]
    assert of_rule(lint_resources(tmp_path, absent, config, rules=["ACG310"]), "ACG310") == []
    g = gallery(tags={"environment": "prod"})
    g["properties"]["softDeletePolicy"] = {"isSoftDeleteEnabled": True}
    assert of_rule(lint_resources(tmp_path, [g, definition(), v], config, rules=["ACG310"]),
                   "ACG310") == []


# ACG311 and soft-deleted latest ------------------------------------------------------

def _listing(name, consumption_end=None, image="img"):
    props = {"resourceArmId": version_id(name, image), "softDeletedArtifactType": "Images"}
    if consumption_end:
        props["consumptionEndTime"] = consumption_end
    return {"id": f"{gallery_id()}/softDeletedArtifactTypes/Images/artifacts/{image}/versions/"
                  f"{name}", "name": name,
            "type": "Microsoft.Compute/galleries/softDeletedArtifactTypes/artifacts/versions",
            "properties": props}


def test_acg311_listing_entry_resolves_a_pinned_reference(tmp_path):
    resources = estate(vm("gone", version_id("0.9.0")),
                       vm("ended", version_id("0.8.0")),
                       _listing("0.9.0", "2026-12-20T00:00:00Z"),
                       _listing("0.8.0", "2026-11-20T23:59:59Z"))
    findings = lint_resources(tmp_path, resources, rules=["ACG311", "ACG801"])
    assert of_rule(findings, "ACG801") == []
    found = {f.resource_id.rsplit("/", 1)[-1]: f for f in of_rule(findings, "ACG311")}
    assert found["gone"].level == "warning" and "2026-12-20T00:00:00Z" in found["gone"].message
    assert found["ended"].level == "error"


def test_soft_deleted_version_is_never_latest(tmp_path):
    resources = estate(vm("latest", definition_id()), versions=[
        version("1.0.0"), version("2.0.0", imageState="SoftDeleted")])
    findings = lint_resources(tmp_path, resources, rules=["ACG311", "ACG306", "ACG307"])
    assert of_rule(findings, "ACG311") == []  # unpinned: latest is 1.0.0
    assert of_rule(findings, "ACG307") == []
    record = estate(vm("exact", definition_id(), exact="2.0.0"), versions=[
        version("1.0.0"), version("2.0.0", imageState="SoftDeleted")])
    [f] = of_rule(lint_resources(tmp_path, record, rules=["ACG311"]), "ACG311")
    assert f.level == "warning" and "unknown" in f.message


# ACG312 ------------------------------------------------------------------------------

def test_acg312_provisioning_and_sharing(tmp_path):
    g = gallery()
    g["properties"]["sharingStatus"] = {"aggregatedState": "Failed", "summary": [
        {"region": "West Europe", "state": "Failed", "details": "quota"},
        {"region": "eastus", "state": "Succeeded"}]}
    d = definition(provisioningState="Failed")
    v = version(provisioningState="failed")
    ok = version("1.0.1", provisioningState="Succeeded")
    found = of_rule(lint_resources(tmp_path, [g, d, v, ok], rules=["ACG312"]), "ACG312")
    assert ids(found) == ["1.0.0", "acg", "img"]
    assert "westeurope (quota)" in [f for f in found if f.resource_id.endswith("acg")][0].message


# ACG404 and ACG505 -------------------------------------------------------------------

def _des(name, sub=SUB):
    return (f"/subscriptions/{sub}/resourceGroups/{RG}/providers/Microsoft.Compute/"
            f"diskEncryptionSets/{name}")


def _enc(os=None, data=()):
    e = {}
    if os:
        e["osDiskImage"] = {"diskEncryptionSetId": os}
    if data:
        e["dataDiskImages"] = [{"lun": lun, "diskEncryptionSetId": des} for lun, des in data]
    return e


def test_acg404_parts(tmp_path):
    a = version("1.0.0", data_gb=[10], regions=[
        target("westeurope", encryption=_enc(_des("w"), [(0, _des("w"))])),
        target("northeurope", encryption=_enc(None, []))])
    c = version("1.0.1", regions=[target("westeurope", encryption=_enc(_des("x", OTHER_SUB)))])
    d = version("1.0.2", data_gb=[10], regions=[
        target("westeurope", encryption=_enc(None, [(0, _des("w")), (0, _des("w")),
                                                    (3, _des("w"))]))])
    same = version("1.0.3", regions=[target("westeurope", encryption=_enc(_des("w"))),
                                     target("northeurope", encryption=_enc(_des("n")))])
    found = {f.resource_id.rsplit("/", 1)[-1]: f for f in of_rule(
        lint_resources(tmp_path, estate(versions=[a, c, d, same]), rules=["ACG404"]), "ACG404")}
    assert sorted(found) == ["1.0.0", "1.0.1", "1.0.2"]
    assert "(a)" in found["1.0.0"].message and "(b)" in found["1.0.0"].message
    assert "(c)" in found["1.0.1"].message
    assert "twice" in found["1.0.2"].message and "LUN 3" in found["1.0.2"].message
    assert all(f.level == "error" for f in found.values())


def test_acg404_require_cmk_is_a_warning(tmp_path):
    plain = version("1.0.0", regions=[target("westeurope"), target("northeurope")])
    resources = estate(versions=[plain])
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG404"]), "ACG404") == []
    [f] = of_rule(lint_resources(tmp_path, resources, "encryption:\n  require_cmk: true\n",
                                 rules=["ACG404"]), "ACG404")
    assert f.level == "warning" and "(e)" in f.message


def test_acg505_encrypted_in_shared_gallery(tmp_path):
    enc = version("1.0.0", regions=[target("westeurope", encryption={"osDiskImage": {
        "securityProfile": {"secureVMDiskEncryptionSetId": _des("s")}}})])
    plain = version("1.0.1")
    for permissions, expected in (("Groups", ["1.0.0"]), ("Community", ["1.0.0"]),
                                  ("Private", [])):
        resources = [gallery(permissions=permissions, groups=[]), definition(), enc, plain]
        assert ids(of_rule(lint_resources(tmp_path, resources, rules=["ACG505"]),
                           "ACG505")) == expected, permissions


# ACG405 ------------------------------------------------------------------------------

def test_acg405_hdd_os_disk_levels(tmp_path):
    eph = vm("eph", disk="Standard_LRS")
    eph["properties"]["storageProfile"]["osDisk"]["diffDiskSettings"] = {"option": "Local"}
    resources = estate(vm("hdd", disk="standard_lrs"), vm("ssd", disk="StandardSSD_LRS"), eph,
                       vmss("set", disk="Standard_LRS"))
    found = of_rule(lint_resources(tmp_path, resources, rules=["ACG405"]), "ACG405")
    assert ids(found) == ["hdd", "set"] and {f.level for f in found} == {"warning"}
    later = datetime(2028, 9, 8, tzinfo=timezone.utc)
    found = of_rule(lint_resources(tmp_path, resources, now=later, rules=["ACG405"]), "ACG405")
    assert {f.level for f in found} == {"error"}


# ACG506 and ACG507 -------------------------------------------------------------------

def test_acg506_off_until_configured(tmp_path):
    resources = [vm("c", "/CommunityGalleries/other-1a2b/Images/ubuntu/Versions/latest",
                    ref_key="communityGalleryImageId"),
                 vm("ok", "/CommunityGalleries/contoso-9f/Images/base/Versions/1.0.0",
                    ref_key="communityGalleryImageId"),
                 vm("img", "/CommunityGalleries/partner-1/Images/win/Versions/1.0.0",
                    ref_key="communityGalleryImageId")]
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG506"]), "ACG506") == []
    config = "sharing:\n  allowed_community_images: ['contoso-*', 'PARTNER-1/win']\n"
    assert ids(of_rule(lint_resources(tmp_path, resources, config, rules=["ACG506"]),
                       "ACG506")) == ["c"]
    empty = "sharing:\n  allowed_community_images: []\n"
    assert len(of_rule(lint_resources(tmp_path, resources, empty, rules=["ACG506"]),
                       "ACG506")) == 3


SAS = "https://acct.blob.core.windows.net/c/eula.txt?sv=2022-11-02&se=2030-01-01&SIG=abc123"


def test_acg507_public_metadata_and_never_the_value(tmp_path):
    g = gallery(permissions="Community", community={
        "eula": SAS, "publisherUri": "https://user:hunter2@contoso.example/",
        "publisherContact": "a@b.c", "publicNames": ["acg-1"]})
    d = definition(releaseNoteUri="https://contoso.example/notes?sig=only")
    found = of_rule(lint_resources(tmp_path, [g, d], rules=["ACG507"]), "ACG507")
    assert ids(found) == ["acg"]
    text = json.dumps([f.message for f in found]) + json.dumps([f.properties for f in found])
    assert "SAS token" in text and "password" in text
    assert "abc123" not in text and "hunter2" not in text
    private = [gallery(), definition(eula=SAS)]
    assert of_rule(lint_resources(tmp_path, private, rules=["ACG507"]), "ACG507") == []


# ACG608 and ACG609 -------------------------------------------------------------------

def test_acg608_parts(tmp_path):
    dup = version("1.0.0", regions=[target("West Europe"), target("westeurope")])
    both = version("1.0.1")
    both["properties"]["publishingProfile"].update(
        {"storageAccountType": "Standard_LRS", "storageAccountStrategy": "PreferStandard_ZRS"})
    zrs = version("1.0.2", regions=[target("westeurope", storage=None)])
    zrs["properties"]["publishingProfile"]["storageAccountType"] = "Standard_ZRS"
    fine = version("1.0.3", regions=[target("westeurope", storage="Standard_LRS"),
                                     target("northeurope")])
    config = "storage:\n  regions_without_zones: [West Europe]\n"
    found = {f.resource_id.rsplit("/", 1)[-1]: f for f in of_rule(lint_resources(
        tmp_path, estate(versions=[dup, both, zrs, fine]), config, rules=["ACG608"]), "ACG608")}
    assert "(a)" in found["1.0.0"].message and "(b)" in found["1.0.1"].message
    assert "(c)" in found["1.0.2"].message
    assert "1.0.3" not in found


def test_acg609_edge_zone(tmp_path):
    zoned = version("1.0.0", targetExtendedLocations=[])
    zoned["properties"]["publishingProfile"]["targetExtendedLocations"] = [
        {"name": "westeurope", "extendedLocation": {"name": "LosAngeles", "type": "EdgeZone"},
         "extendedLocationReplicaCount": 1}]
    inside = vm("in")
    inside["extendedLocation"] = {"type": "EdgeZone", "name": "losangeles"}
    outside = vm("out")
    outside["extendedLocation"] = {"type": "EdgeZone", "name": "perth"}
    found = of_rule(lint_resources(tmp_path, estate(inside, outside, versions=[zoned]),
                                   rules=["ACG609"]), "ACG609")
    assert ids(found) == ["out"]


# ACG703, ACG704, ACG705 --------------------------------------------------------------

def _sized(name, size, **kw):
    r = vm(name, **kw)
    r["properties"]["hardwareProfile"] = {"vmSize": size}
    return r


def test_acg703_builtin_table(tmp_path):
    resources = [gallery(), definition(hyperv="V2"), definition("gen1", hyperv="V1"),
                 definition("nvme", DiskControllerTypes=None, features=[
                     {"name": "SecurityType", "value": "TrustedLaunchSupported"},
                     {"name": "DiskControllerTypes", "value": "SCSI, NVMe"}]),
                 version(), version(image="gen1"), version(image="nvme"),
                 _sized("scsi-on-v6", "Standard_D2as_v6"),
                 _sized("gen1-on-arm", "Standard_D2ps_v5", image_id=version_id(image="gen1")),
                 _sized("nvme-ok", "Standard_E4as_v6", image_id=version_id(image="nvme")),
                 _sized("unknown-size", "Standard_D2s_v5", image_id=version_id(image="gen1"))]
    found = {f.resource_id.rsplit("/", 1)[-1]: f for f in of_rule(
        lint_resources(tmp_path, resources, rules=["ACG703"]), "ACG703")}
    assert sorted(found) == ["gen1-on-arm", "scsi-on-v6"]
    assert "(c)" in found["scsi-on-v6"].message
    assert "(a)" in found["gen1-on-arm"].message and "(b)" in found["gen1-on-arm"].message


def test_acg703_resource_skus_override_the_table(tmp_path):
    skus = [{"resourceType": "virtualMachines", "name": "Standard_D2as_v6",
             "locations": ["westeurope"], "capabilities": [
                 {"name": "HyperVGenerations", "value": "V1,V2"},
                 {"name": "DiskControllerTypes", "value": "SCSI,NVMe"}]},
            {"resourceType": "disks", "name": "Premium_LRS", "locations": [], "capabilities": []}]
    (tmp_path / "skus.json").write_text(json.dumps(skus))
    from linter import config as config_module
    from linter.lint import run
    from linter.rules.registry import load_registry
    resources = estate(_sized("scsi", "Standard_D2as_v6"),
                       _sized("nvme-set", "Standard_D2as_v6"))
    resources[-1]["properties"]["storageProfile"]["diskControllerType"] = "NVMe"
    path = tmp_path / "resources.json"
    path.write_text(json.dumps(resources))
    findings = run([str(path), str(tmp_path / "skus.json")], config_module.Settings(), NOW,
                   registry=load_registry(), only=["ACG703"]).findings
    # The SKU allows SCSI: only the set NVMe controller the image lacks still fires.
    assert ids(of_rule(findings, "ACG703")) == ["nvme-set"]


def test_acg704_parts_and_levels(tmp_path):
    def features(*pairs):
        return [{"name": n, "value": v} for n, v in pairs]
    resources = [gallery(permissions="Groups", groups=[]),
                 definition("strict", security=None,
                            features=features(("SecurityType", "TrustedLaunch"))),
                 definition("cvm-nvme", security=None, features=features(
                     ("SecurityType", "ConfidentialVmSupported"), ("DiskControllerTypes", "NVMe"))),
                 definition("arm-v1", hyperv="V1", architecture="Arm64"),
                 definition("v1-nvme", hyperv="V1", security=None,
                            features=features(("DiskControllerTypes", "SCSI,NVMe"))),
                 definition("fine", security=None, features=features(
                     ("SecurityType", "TrustedLaunchSupported"), ("DiskControllerTypes", "SCSI, NVMe")))]
    found = {f.resource_id.rsplit("/", 1)[-1]: f for f in of_rule(
        lint_resources(tmp_path, resources, rules=["ACG704"]), "ACG704")}
    assert sorted(found) == ["arm-v1", "cvm-nvme", "strict", "v1-nvme"]
    assert found["cvm-nvme"].level == "warning"
    assert {found[k].level for k in ("arm-v1", "strict", "v1-nvme")} == {"error"}


def test_acg705_validation_failed(tmp_path):
    failed = {"validationsProfile": {"executedValidations": [
        {"type": "TrustedLaunch", "status": "Failed", "version": "1"}]}}
    resources = [gallery(), definition(), definition("std", security="Standard"),
                 version(**failed), version("1.0.1", **{"validationsProfile": {
                     "executedValidations": [{"type": "TrustedLaunch", "status": "Succeeded"}]}}),
                 version(image="std", **failed)]
    found = of_rule(lint_resources(tmp_path, resources, rules=["ACG705"]), "ACG705")
    assert [f.resource_id for f in found] == [version_id()]


# startsAtVersion (ACG702) ------------------------------------------------------------

def test_acg702_features_that_apply_to_the_version(tmp_path):
    d = definition(security=None, features=[
        {"name": "SecurityType", "value": "TrustedLaunchSupported"},
        {"name": "SecurityType", "value": "TrustedLaunch", "startsAtVersion": "2.0.0"}])
    resources = [gallery(), d, version("1.5.0"), version("2.10.0"),
                 vm("old-standard", version_id("1.5.0")),
                 vm("new-standard", version_id("2.10.0")),
                 vm("new-tl", version_id("2.10.0"), security="TrustedLaunch")]
    found = of_rule(lint_resources(tmp_path, resources, rules=["ACG702"]), "ACG702")
    assert ids(found) == ["new-standard"]


# ACG9xx ------------------------------------------------------------------------------

def app_id(app="agent", gallery_name="acg"):
    return f"{gallery_id(gallery_name)}/applications/{app}"


def application(app="agent", os="Linux", eol=None):
    props = {"supportedOSType": os}
    if eol:
        props["endOfLifeDate"] = eol
    return {"id": app_id(app), "name": app, "type": "Microsoft.Compute/galleries/applications",
            "location": "westeurope", "properties": props}


def app_version(name="1.0.0", app="agent", regions=("westeurope",), eol=None, **pp):
    profile = {"targetRegions": [{"name": r} for r in regions],
               "source": {"mediaLink": "https://acct.blob.core.windows.net/p/agent.tgz"}}
    if eol:
        profile["endOfLifeDate"] = eol
    profile.update(pp)
    return {"id": f"{app_id(app)}/versions/{name}", "name": name, "location": "westeurope",
            "type": "Microsoft.Compute/galleries/applications/versions",
            "properties": {"publishingProfile": profile}}


def with_apps(resource, *refs, treat=None):
    entries = []
    for i, ref in enumerate(refs):
        e = {"packageReferenceId": ref, "order": i + 1}
        if treat is not None:
            e["treatFailureAsDeploymentFailure"] = treat
        entries.append(e)
    profile = resource["properties"]
    if "virtualMachineProfile" in profile:
        profile = profile["virtualMachineProfile"]
    profile["applicationProfile"] = {"galleryApplications": entries}
    return resource


def test_acg901_to_903(tmp_path):
    resources = [gallery(), definition(), version(), application(),
                 application("winapp", os="Windows"),
                 app_version("1.0.0", eol="2026-01-01"), app_version("2.0.0"),
                 app_version("3.0.0", regions=("eastus",)),
                 app_version("1.0.0", app="winapp"),
                 with_apps(vm("eol"), f"{app_id()}/versions/1.0.0"),
                 with_apps(vm("latest"), f"{app_id()}/versions/latest"),
                 with_apps(vm("region"), f"{app_id()}/versions/3.0.0"),
                 with_apps(vmss("os"), f"{app_id('winapp')}/versions/1.0.0")]
    findings = lint_resources(tmp_path, resources, rules=["ACG901", "ACG902", "ACG903"])
    assert ids(of_rule(findings, "ACG901")) == ["eol"]
    [f] = of_rule(findings, "ACG901")
    assert "order 1" in f.message and "/versions/1.0.0" in f.message
    assert ids(of_rule(findings, "ACG902")) == ["region"]
    assert ids(of_rule(findings, "ACG903")) == ["os"]


def test_acg904_and_acg906(tmp_path):
    many = with_apps(vm("many"), *[f"{app_id(f'a{i}')}/versions/1.0.0" for i in range(26)])
    twice = with_apps(vm("twice"), f"{app_id()}/versions/1.0.0",
                      f"{app_id().upper()}/versions/latest")
    fine = with_apps(vm("fine", tags={"environment": "prod"}), f"{app_id()}/versions/1.0.0",
                     treat=True)
    ignored = with_apps(vm("ignored", tags={"environment": "prod"}),
                        f"{app_id()}/versions/1.0.0")
    resources = [gallery(), definition(), version(), application(), app_version(),
                 many, twice, fine, ignored]
    findings = lint_resources(tmp_path, resources, rules=["ACG904", "ACG906"])
    assert ids(of_rule(findings, "ACG904")) == ["many", "twice"]
    assert ids(of_rule(findings, "ACG906")) == ["ignored"]
    assert of_rule(lint_resources(tmp_path, resources, "limits:\n  apps_per_vm: 26\n",
                                  rules=["ACG904"]), "ACG904")[0].resource_id.endswith("twice")


def test_acg905_app_version_count(tmp_path):
    resources = [gallery(), application(), *[app_version(f"1.0.{i}") for i in range(8)]]
    config = "limits:\n  app_versions: 10\n"
    [f] = of_rule(lint_resources(tmp_path, resources, config, rules=["ACG905"]), "ACG905")
    assert f.level == "warning" and f.resource_id == f"/subscriptions/{SUB}"
    config = "limits:\n  app_versions: 7\n"
    [f] = of_rule(lint_resources(tmp_path, resources, config, rules=["ACG905"]), "ACG905")
    assert f.level == "error"


# v1 corrections ----------------------------------------------------------------------

def test_acg103_first_and_last_characters(tmp_path):
    names = {"_acg": True, "acg_": True, "acg.": True, "a": False, "_": True, "ok.acg_1": False}
    for name, fires in names.items():
        found = of_rule(lint_resources(tmp_path, [gallery(name)], rules=["ACG103"]), "ACG103")
        assert bool(found) == fires, name
    for name, fires in {"-img": True, "img-": True, "img_": True, "img.1-a": False}.items():
        found = of_rule(lint_resources(tmp_path, [gallery(), definition(name)],
                                       rules=["ACG103"]), "ACG103")
        assert bool(found) == fires, name


def test_acg104_times_to_the_second(tmp_path):
    resources = estate(versions=[version("2.0.0", published="2026-05-01T09:30:12Z"),
                                 version("1.0.5", published="2026-05-01T17:04:59Z")])
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG104"]), "ACG104")
    assert "2026-05-01T09:30:12Z" in f.message and "2026-05-01T17:04:59Z" in f.message


def test_acg501_warning_while_not_public(tmp_path):
    g = gallery(permissions="Community", community={"communityGalleryEnabled": False,
                                                    "publicNames": ["x"]})
    [f] = of_rule(lint_resources(tmp_path, [g], rules=["ACG501"]), "ACG501")
    assert f.level == "warning" and "not yet public" in f.message
    g = gallery(permissions="Community", community={"communityGalleryEnabled": True})
    [f] = of_rule(lint_resources(tmp_path, [g], rules=["ACG501"]), "ACG501")
    assert f.level == "error"


def test_acg502_own_subscription_is_never_unapproved(tmp_path):
    g = gallery(permissions="Groups", groups=[{"type": "Subscriptions", "ids": [SUB]}])
    assert of_rule(lint_resources(tmp_path, [g], rules=["ACG502"]), "ACG502") == []
    g = gallery(permissions="Groups", groups=[{"type": "Subscriptions", "ids": [SUB, OTHER_SUB]}])
    [f] = of_rule(lint_resources(tmp_path, [g], rules=["ACG502"]), "ACG502")
    assert OTHER_SUB in f.message and SUB not in f.message.replace(OTHER_SUB, "")


def test_acg902_v3_a_latest_that_resolves_to_nothing_in_the_region(tmp_path):
    resources = [gallery(), definition(), version(), application(),
                 app_version("1.0.0", regions=("eastus",)),
                 with_apps(vm("nowhere"), f"{app_id()}/versions/latest"),
                 with_apps(vm("stranger"), f"{app_id('other')}/versions/latest")]
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG902"]), "ACG902")
    assert ids([f]) == ["nowhere"]
    assert "no version of application agent resolves as latest in westeurope" in f.message


def test_acg104_v3_compares_whole_seconds(tmp_path):
    resources = estate(versions=[version("2.0.0", published="2026-10-01T08:00:00.100Z"),
                                 version("1.0.5", published="2026-10-01T08:00:00.900Z")])
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG104"]), "ACG104") == []
    resources[-1] = version("1.0.5", published="2026-10-01T08:00:01Z")
    assert len(of_rule(lint_resources(tmp_path, resources, rules=["ACG104"]), "ACG104")) == 1


def test_v3_listing_only_versions_count_and_can_be_pinned(tmp_path):
    """rules.md v3: a version known only from the soft-deleted listing counts as a version
    of its definition (ACG307's "has versions") and can be what a deployment is pinned
    to (ACG306 then takes its end of life as unknown: never an error for it)."""
    resources = estate(vm("old", version_id("0.9.0")), _listing("0.9.0", "2026-12-20T00:00:00Z"),
                       versions=[version("1.0.0", published="2026-09-01T00:00:00Z")])
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG306"]), "ACG306")
    assert f.level == "warning" and "pinned to 0.9.0" in f.message
    shared = [gallery(permissions="Groups", groups=[]), definition(), _listing("0.9.0")]
    [f] = of_rule(lint_resources(tmp_path, shared, rules=["ACG307"]), "ACG307")
    assert "1 version(s)" in f.message
