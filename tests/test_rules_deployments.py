"""ACG4xx, ACG5xx, ACG6xx, ACG7xx, ACG801: disks, sharing, replication, security, references."""

import pytest

from builders import (SUB, definition, definition_id, estate, gallery, gallery_id,
                      lint_resources, of_rule, target, version, version_id, vm, vmss)


def test_acg401_os_and_data_disks_case_insensitive(tmp_path):
    resources = [gallery(), definition(disallowed=["Standard_LRS"]), version(),
                 vm("os", disk="standard_lrs"),
                 vm("data", data_disks=["Premium_LRS", "STANDARD_LRS"]),
                 vm("fine", disk="Premium_LRS"),
                 vmss("set", disk="Standard_LRS")]
    findings = of_rule(lint_resources(tmp_path, resources, rules=["ACG401"]), "ACG401")
    assert sorted(f.resource_id.rsplit("/", 1)[1] for f in findings) == ["data", "os", "set"]
    assert all(f.region == "westeurope" for f in findings)


def test_acg402_only_in_configured_regions(tmp_path):
    resources = estate(versions=[version(regions=[
        target("West Europe", storage="Standard_LRS"), target("northeurope", storage="Standard_LRS"),
        target("eastus", storage=None)])])
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG402"]), "ACG402") == []
    config = "storage:\n  zone_redundant_regions: [westeurope, eastus]\n"
    findings = of_rule(lint_resources(tmp_path, resources, config, rules=["ACG402"]), "ACG402")
    # eastus has no type: the version default Standard_LRS applies.
    assert sorted(f.region for f in findings) == ["eastus", "westeurope"]


def test_acg402_strategy_and_api_version_defaults(tmp_path):
    zrs = version("1.0.0", regions=[target("westeurope", storage=None)])
    zrs["properties"]["publishingProfile"]["storageAccountStrategy"] = "PreferStandard_ZRS"
    config = "storage:\n  zone_redundant_regions: [westeurope]\n"
    assert of_rule(lint_resources(tmp_path, estate(versions=[zrs]), config, rules=["ACG402"]),
                   "ACG402") == []


def _shallow(*deployments):
    return estate(*deployments, versions=[version(mode="Shallow")])


def test_acg403_instances_boundary(tmp_path):
    twenty = _shallow(vmss("s", capacity=19), vm("v"))
    assert of_rule(lint_resources(tmp_path, twenty, rules=["ACG403"]), "ACG403") == []
    over = _shallow(vmss("s", capacity=20), vm("v"))
    assert len(of_rule(lint_resources(tmp_path, over, rules=["ACG403"]), "ACG403")) == 2


def test_acg403_production_deployment_alone(tmp_path):
    resources = _shallow(vm("prod", tags={"Environment": "Production"}), vm("dev"))
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG403"]), "ACG403")
    assert f.resource_id.endswith("/prod")


def test_acg403_flexible_members_count_through_their_scale_set(tmp_path):
    flex_id = vmss("flex", capacity=15, mode="Flexible")["id"]
    resources = _shallow(vmss("flex", capacity=15, mode="Flexible"),
                         *[vm(f"m{i}", scale_set=flex_id) for i in range(15)])
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG403"]), "ACG403") == []


def test_acg501_community_unless_allowed(tmp_path):
    community = {"publicNames": ["contoso-1234"], "publisherUri": "u", "publisherContact": "c",
                 "eula": "e"}
    resources = [gallery("pub", permissions="community", community=community),
                 gallery("priv", permissions="Private")]
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG501"]), "ACG501")
    assert f.resource_id == gallery_id("pub") and f.level == "error"
    for entry in ("PUB", "contoso-*", gallery_id("pub"), "*/galleries/pub"):
        config = f"sharing:\n  allowed_community_galleries: ['{entry}']\n"
        assert of_rule(lint_resources(tmp_path, resources, config, rules=["ACG501"]),
                       "ACG501") == [], entry


def test_acg502_groups(tmp_path):
    groups = [{"type": "Subscriptions", "ids": ["AAAA", "bbbb"]},
              {"type": "AADTenants", "ids": ["t1"]}, {"type": "Other", "ids": ["x"]}]
    resources = [gallery(permissions="Groups", groups=groups)]
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG502"]), "ACG502")
    assert f.level == "error" and "aaaa" in f.message and "t1" in f.message
    config = ("sharing:\n  allowed_subscriptions: [aaaa, /subscriptions/BBBB]\n"
              "  allowed_tenants: [T1]\n")
    assert of_rule(lint_resources(tmp_path, resources, config, rules=["ACG502"]), "ACG502") == []


def test_acg502_groups_not_in_input_is_a_note_and_empty_groups_quiet(tmp_path):
    [f] = of_rule(lint_resources(tmp_path, [gallery(permissions="Groups")], rules=["ACG502"]),
                  "ACG502")
    assert f.level == "note"
    empty = [gallery(permissions="Groups", groups=[])]
    assert of_rule(lint_resources(tmp_path, empty, rules=["ACG502"]), "ACG502") == []


@pytest.mark.parametrize("permissions,state,fires", [
    ("Community", "Specialized", True), ("Groups", "specialized", True),
    ("Private", "Specialized", False), ("Community", "Generalized", False)])
def test_acg503(tmp_path, permissions, state, fires):
    resources = [gallery(permissions=permissions, community={"eula": "e"}),
                 definition(os_state=state)]
    assert len(of_rule(lint_resources(tmp_path, resources, rules=["ACG503"]), "ACG503")) == fires


def test_acg504_community_metadata(tmp_path):
    resources = [gallery(permissions="Community", community={"publisherUri": "u",
                                                             "publisherContact": ""}),
                 definition(eula="e", privacyStatementUri="p")]
    findings = of_rule(lint_resources(tmp_path, resources, rules=["ACG504"]), "ACG504")
    messages = sorted(f.message for f in findings)
    assert messages == ["community gallery lacks publisherContact, eula",
                        "definition in a community gallery lacks releaseNoteUri"]


def _vms(n, ref=None, location="westeurope"):
    return [vm(f"vm{i:03d}", ref or version_id(), location=location) for i in range(n)]


def test_acg601_twenty_per_replica_boundary(tmp_path):
    quiet = estate(*_vms(20), versions=[version(regions=[target("westeurope", 1)])])
    assert of_rule(lint_resources(tmp_path, quiet, rules=["ACG601"]), "ACG601") == []
    fires = estate(*_vms(21), versions=[version(regions=[target("westeurope", 1)])])
    [f] = of_rule(lint_resources(tmp_path, fires, rules=["ACG601"]), "ACG601")
    assert f.region == "westeurope" and f.properties["recommendedReplicas"] == 2
    assert "recommended 2" in f.message


def test_acg601_counts_latest_and_exact_version_and_ignores_scale_sets(tmp_path):
    resources = estate(*_vms(15, definition_id()), *_vms(6, ref=None)[:0],
                       *[vm(f"x{i}", definition_id(), exact="1.0.0") for i in range(6)],
                       vmss("big", capacity=500),
                       versions=[version(regions=[target("westeurope", 1)])])
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG601"]), "ACG601")
    assert f.properties["vms"] == 21


def test_acg601_replica_fallbacks_and_threshold(tmp_path):
    # no regionalReplicaCount: publishingProfile.replicaCount applies
    resources = estate(*_vms(41), versions=[version(replica_count=2,
                                                    regions=[target("westeurope", None)])])
    assert len(of_rule(lint_resources(tmp_path, resources, rules=["ACG601"]), "ACG601")) == 1
    config = "replication:\n  vms_per_replica: 50\n"
    assert of_rule(lint_resources(tmp_path, resources, config, rules=["ACG601"]), "ACG601") == []


def test_acg601_only_target_regions_count(tmp_path):
    resources = estate(*_vms(30, location="eastus"), versions=[version()])
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG601"]), "ACG601") == []


def test_acg602_scale_sets_and_instances(tmp_path):
    two = estate(vmss("a", capacity=10), vmss("b", capacity=10),
                 versions=[version(regions=[target("westeurope", 2)])])
    assert of_rule(lint_resources(tmp_path, two, rules=["ACG602"]), "ACG602") == []
    three = estate(vmss("a"), vmss("b"), vmss("c"),
                   versions=[version(regions=[target("westeurope", 2)])])
    assert len(of_rule(lint_resources(tmp_path, three, rules=["ACG602"]), "ACG602")) == 1
    big = estate(vmss("a", capacity=601), versions=[version(regions=[target("westeurope", 1)])])
    assert len(of_rule(lint_resources(tmp_path, big, rules=["ACG602"]), "ACG602")) == 1
    exact = estate(vmss("a", capacity=600), versions=[version(regions=[target("westeurope", 1)])])
    assert of_rule(lint_resources(tmp_path, exact, rules=["ACG602"]), "ACG602") == []


def test_acg603_pinned_outside_target_regions(tmp_path):
    resources = estate(vm("east", location="East US"), vm("west"),
                       vm("follows", definition_id(), location="eastus"))
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG603"]), "ACG603")
    assert f.resource_id.endswith("/east") and f.region == "eastus"


def test_acg604_source_region(tmp_path):
    resources = estate(versions=[
        version("1.0.0", location="westeurope", regions=[target("northeurope")]),
        version("1.0.1", location="West Europe", regions=[target("westeurope")]),
        version("1.0.2", location="westeurope", regions=None)])
    resources[-1]["properties"]["publishingProfile"].pop("targetRegions")
    findings = of_rule(lint_resources(tmp_path, resources, rules=["ACG604"]), "ACG604")
    assert [f.resource_id.rsplit("/", 1)[1] for f in findings] == ["1.0.0"]


def test_acg605_production_by_config_or_tag(tmp_path):
    resources = [gallery("prod_g", tags={"environment": "PROD"}), gallery("other"),
                 definition(gallery="prod_g"), definition(gallery="other"),
                 version(gallery="prod_g", regions=[target("westeurope", 2),
                                                    target("northeurope", 3)]),
                 version(gallery="other", regions=[target("westeurope", 1)])]
    findings = of_rule(lint_resources(tmp_path, resources, rules=["ACG605"]), "ACG605")
    assert [(f.resource_id.split("/")[8], f.region) for f in findings] == [("prod_g", "westeurope")]
    config = "environments:\n  production_galleries: ['oth*']\n  production_tag_values: []\n"
    findings = of_rule(lint_resources(tmp_path, resources, config, rules=["ACG605"]), "ACG605")
    assert [f.resource_id.split("/")[8] for f in findings] == ["other"]


def test_acg606_single_region_used(tmp_path):
    used = estate(vm("v"), versions=[version()])
    assert len(of_rule(lint_resources(tmp_path, used, rules=["ACG606"]), "ACG606")) == 1
    unused = estate(versions=[version()])
    assert of_rule(lint_resources(tmp_path, unused, rules=["ACG606"]), "ACG606") == []
    two = estate(vm("v"), versions=[version(regions=[target("westeurope"), target("eastus")])])
    assert of_rule(lint_resources(tmp_path, two, rules=["ACG606"]), "ACG606") == []


@pytest.mark.parametrize("replicas,vms,fires", [(3, 0, False), (4, 1, True), (4, 21, False),
                                                (5, 41, False), (7, 41, True)])
def test_acg607_overprovisioned(tmp_path, replicas, vms, fires):
    deployments = _vms(vms) if vms else [vmss("s", capacity=1)]
    resources = estate(*deployments, versions=[version(regions=[target("westeurope", replicas)])])
    assert len(of_rule(lint_resources(tmp_path, resources, rules=["ACG607"]), "ACG607")) == fires


def test_acg701_definitions(tmp_path):
    resources = [gallery(), definition("v1", hyperv="V1", security="TrustedLaunchSupported"),
                 definition("none", security=None), definition("std", security="Standard"),
                 definition("tl", security="trustedlaunchsupported"),
                 definition("cvm", security="ConfidentialVM")]
    findings = of_rule(lint_resources(tmp_path, resources, rules=["ACG701"]), "ACG701")
    assert sorted(f.resource_id.rsplit("/", 1)[1] for f in findings) == ["none", "std", "v1"]


@pytest.mark.parametrize("feature,hyperv,security,fires", [
    ("TrustedLaunchSupported", "V2", "ConfidentialVM", True),
    ("TrustedLaunchSupported", "V2", "TrustedLaunch", False),
    ("TrustedLaunchSupported", "V2", None, False),
    ("TrustedLaunch", "V2", None, True),
    ("TrustedLaunchSupported", "V1", "TrustedLaunch", True),
    ("ConfidentialVmSupported", "V2", "confidentialvm", False),
    ("TrustedLaunchAndConfidentialVmSupported", "V2", "ConfidentialVM", False),
    (None, "V2", "TrustedLaunch", True),
    ("SomethingNew", "V2", "TrustedLaunch", False),
])
def test_acg702_security_type(tmp_path, feature, hyperv, security, fires):
    resources = [gallery(), definition(security=feature, hyperv=hyperv), version(),
                 vm("v", security=security)]
    assert len(of_rule(lint_resources(tmp_path, resources, rules=["ACG702"]), "ACG702")) == fires


def test_acg801_unresolved_references(tmp_path):
    resources = estate(
        vm("missing-version", version_id("9.9.9")),
        vm("missing-definition", definition_id("nope")),
        vm("missing-gallery", definition_id("img", gallery="elsewhere")),
        vm("bad-exact", definition_id(), exact="3.0.0"),
        vm("shared-ok", f"/SharedGalleries/{SUB}-ACG/Images/img", ref_key="sharedGalleryImageId"),
        vm("shared-missing", "/sharedgalleries/unknown/images/img/versions/1.0.0",
           ref_key="sharedGalleryImageId"),
        vm("ok", version_id("1.0.0")),
        vm("case", version_id("1.0.0").upper().replace("/VERSIONS/", "/versions/")))
    findings = of_rule(lint_resources(tmp_path, resources, rules=["ACG801"]), "ACG801")
    assert sorted(f.resource_id.rsplit("/", 1)[1] for f in findings) == [
        "bad-exact", "missing-definition", "missing-gallery", "missing-version", "shared-missing"]


def test_acg801_community_reference_by_public_name(tmp_path):
    resources = [gallery(permissions="Community", community={"publicNames": ["Pub-123"]}),
                 definition(), version(),
                 vm("c", "/CommunityGalleries/pub-123/Images/img/Versions/latest",
                    ref_key="communityGalleryImageId")]
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG801"]), "ACG801") == []
