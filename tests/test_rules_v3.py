"""Catalog version 3: each new rule fires, and stays quiet at its boundaries (rules.md),
in the input forms the rule lists."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from builders import (NOW, RG, SUB, definition, definition_id, estate, gallery, gallery_id,
                      lint_resources, of_rule, version, version_id, vm, vmss)

OTHER_SUB = "00000000-0000-4000-8000-00000000000b"
MANAGED = (f"/subscriptions/{SUB}/resourceGroups/images/providers/Microsoft.Compute/images/"
           "web-2026-05")


def lint_files(tmp_path: Path, files: dict[str, str], config: str | None = None,
               rules=()) -> list:
    """Write files (a folder of .tf, .pkr.hcl, templates ...) and lint the folder."""
    from linter import config as config_module
    from linter.lint import run
    from linter.rules.registry import load_registry
    folder = tmp_path / "src"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    settings = config_module.Settings()
    if config is not None:
        cfg = tmp_path / ".gallerylint.yaml"
        cfg.write_text(config, encoding="utf-8")
        settings = config_module.load(cfg)
    registry = load_registry(settings.rule_paths, settings.allow_python)
    return run([str(folder)], settings, NOW, registry=registry, only=list(rules)).findings


def lint_path(path: Path, rules=()) -> list:
    from linter.config import Settings
    from linter.lint import run
    from linter.rules.registry import load_registry
    return run([str(path)], Settings(), NOW, registry=load_registry(),
               only=list(rules)).findings


def names(findings):
    return sorted(f.resource_id.rsplit("/", 1)[-1] for f in findings)


def marketplace_vm(name="mkt", **kw):
    body = vm(name, **kw)
    body["properties"]["storageProfile"]["imageReference"] = {
        "publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy",
        "sku": "22_04-lts-gen2", "version": "latest"}
    return body


# ACG804 ------------------------------------------------------------------------------

def test_acg804_each_non_gallery_source_fires_and_gallery_images_never_do(tmp_path):
    unmanaged = vm("vhd")
    unmanaged["properties"]["storageProfile"] = {"osDisk": {
        "osType": "Linux", "createOption": "Attach",
        "vhd": {"uri": "https://disks.blob.core.windows.net/vhds/vhd.vhd"}}}
    attached = vm("attach")
    attached["properties"]["storageProfile"] = {"osDisk": {
        "osType": "Linux", "createOption": "Attach", "managedDisk": {"id": "/x/disks/d"}}}
    resources = estate(vm("galleryvm"), marketplace_vm(tags={"environment": "prod"}),
                       vm("managed", MANAGED), unmanaged, attached,
                       vm("community", "/communityGalleries/pub-1/images/img/versions/latest",
                          ref_key="communityGalleryImageId"))
    found = of_rule(lint_resources(tmp_path, resources, rules=["ACG804"]), "ACG804")
    assert sorted((f.resource_id.rsplit("/", 1)[-1], f.level, f.properties["imageSource"])
                  for f in found) == [
        ("attach", "note", "attached"), ("managed", "note", "managed"),
        ("mkt", "error", "marketplace"), ("vhd", "note", "unmanaged")]
    mkt = next(f for f in found if f.properties["imageSource"] == "marketplace")
    assert "canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2" in mkt.message
    assert "(a) production VM mkt" in mkt.message


def test_acg804_allow_lists_and_production_scopes(tmp_path):
    resources = estate(marketplace_vm(), vm("managed", MANAGED))
    config = (f"sources:\n  allowed_marketplace: ['canonical:0001-com-ubuntu-server-jammy:*']\n"
              f"  allow_managed_images: true\n")
    assert of_rule(lint_resources(tmp_path, resources, config, rules=["ACG804"]),
                   "ACG804") == []
    # a subscription GUID as a production scope makes both production
    config = f"environments:\n  production_scopes: ['{SUB}']\n"
    found = of_rule(lint_resources(tmp_path, resources, config, rules=["ACG804"]), "ACG804")
    assert {f.level for f in found} == {"error"} and len(found) == 2
    # a resource group of another subscription is not their scope
    config = f"environments:\n  production_scopes: ['/subscriptions/{OTHER_SUB}/resourceGroups/rg']\n"
    found = of_rule(lint_resources(tmp_path, resources, config, rules=["ACG804"]), "ACG804")
    assert {f.level for f in found} == {"note"}
    # a glob must match the ARM ID as a whole
    config = "environments:\n  production_scopes: ['/subscriptions/*/resourcegroups/rg/*']\n"
    found = of_rule(lint_resources(tmp_path, resources, config, rules=["ACG804"]), "ACG804")
    assert {f.level for f in found} == {"error"}


def test_acg804_a_flexible_member_is_judged_through_its_scale_set(tmp_path):
    ss = vmss("flex", MANAGED, mode="Flexible")
    member = vm("member", MANAGED, scale_set=ss["id"])
    found = of_rule(lint_resources(tmp_path, estate(ss, member), rules=["ACG804"]), "ACG804")
    assert names(found) == ["flex"]
    found = of_rule(lint_resources(tmp_path, estate(member), rules=["ACG804"]), "ACG804")
    assert names(found) == ["member"]


def test_acg804_reads_terraform_source_marketplace_and_managed_images(tmp_path):
    found = lint_files(tmp_path, {"main.tf": """
        resource "azurerm_linux_virtual_machine" "web" {
          name                = "web"
          resource_group_name = "rg"
          location            = "westeurope"
          size                = "Standard_D2s_v5"
          tags                = { environment = "production" }
          source_image_reference {
            publisher = "Canonical"
            offer     = "ubuntu-24_04-lts"
            sku       = "server"
            version   = "latest"
          }
        }
        resource "azurerm_linux_virtual_machine_scale_set" "pool" {
          name                = "pool"
          resource_group_name = "rg"
          location            = "westeurope"
          sku                 = "Standard_D2s_v5"
          instances           = 30
          source_image_id     = "%s"
        }
        """ % MANAGED}, rules=["ACG804", "ACG611"])
    assert sorted((f.rule_id, f.resource_id.rsplit("/", 1)[-1], f.level) for f in found) == [
        ("ACG611", "pool", "warning"), ("ACG804", "pool", "note"),
        ("ACG804", "web", "error")]
    web = next(f for f in found if f.resource_id.endswith("/web"))
    assert web.source.path.endswith("main.tf") and web.source.line > 1


# ACG611 ------------------------------------------------------------------------------

def test_acg611_boundaries(tmp_path):
    resources = estate(vmss("at20", MANAGED, capacity=20), vmss("at21", MANAGED, capacity=21),
                       vmss("at600", MANAGED, capacity=600),
                       vmss("at601", MANAGED, capacity=601),
                       vmss("gallery", capacity=900))
    found = of_rule(lint_resources(tmp_path, resources, rules=["ACG611"]), "ACG611")
    assert sorted((f.resource_id.rsplit("/", 1)[-1], f.level) for f in found) == [
        ("at21", "warning"), ("at600", "warning"), ("at601", "error")]
    config = "sources:\n  managed_image_max_concurrent: 601\n  managed_image_max_scale_set: 1000\n"
    assert of_rule(lint_resources(tmp_path, resources, config, rules=["ACG611"]),
                   "ACG611") == []


# Image Builder templates ---------------------------------------------------------------

AIB_ID = (f"/subscriptions/{SUB}/resourceGroups/rg-aib/providers/"
          "Microsoft.VirtualMachineImages/imageTemplates/ubuntu-nightly")
IDENTITY = {"type": "UserAssigned", "userAssignedIdentities": {
    f"/subscriptions/{SUB}/resourceGroups/rg-aib/providers/Microsoft.ManagedIdentity/"
    "userAssignedIdentities/aib": {}}}


def aib_properties(**extra):
    props = {"buildTimeoutInMinutes": 80,
             "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "o",
                        "sku": "s", "version": "latest"},
             "customize": [{"type": "Shell", "name": "patch", "inline": ["apt-get -y upgrade"]}],
             "distribute": [{"type": "SharedImage", "runOutputName": "sig",
                             "galleryImageId": definition_id(),
                             "targetRegions": [{"name": "westeurope", "replicaCount": 1,
                                                "storageAccountType": "Standard_ZRS"}]}]}
    props.update(extra)
    return props


def aib(properties=None, *, identity=IDENTITY, location="westeurope", name="ubuntu-nightly",
        **extra):
    body = {"id": AIB_ID.replace("ubuntu-nightly", name), "name": name,
            "type": "Microsoft.VirtualMachineImages/imageTemplates", "location": location,
            "properties": properties or aib_properties()}
    if identity is not None:
        body["identity"] = identity
    body.update(extra)
    return body


def aib_template(tmp_path, *resources):
    """An ARM template holding Image Builder resources, written and linted."""
    doc = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                      "deploymentTemplate.json#", "contentVersion": "1.0.0.0",
           "resources": [{"apiVersion": "2024-02-01", **{k: v for k, v in r.items()
                                                         if k != "id"}} for r in resources]}
    return json.dumps(doc, indent=2)


def test_acg110_a_valid_template_is_quiet_and_each_part_fires(tmp_path):
    assert of_rule(lint_resources(tmp_path, estate(aib()), rules=["ACG110"]), "ACG110") == []
    vnet = f"/subscriptions/{SUB}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks"
    cases = {
        "timeout-high": (aib_properties(buildTimeoutInMinutes=961), IDENTITY, "(a)", "error"),
        "timeout-low": (aib_properties(buildTimeoutInMinutes=5), IDENTITY, "(a)", "warning"),
        "outputs": (aib_properties(distribute=[
            {"type": "SharedImage", "runOutputName": "same", "galleryImageId": definition_id(),
             "replicationRegions": ["westeurope"]},
            {"type": "VHD", "runOutputName": "same"}]), IDENTITY, "(b)", "error"),
        "identity": (aib_properties(), {"type": "SystemAssigned"}, "(c)", "error"),
        "vnet": (aib_properties(vmProfile={"vnetConfig": {
            "subnetId": f"{vnet}/a/subnets/build",
            "containerInstanceSubnetId": f"{vnet}/b/subnets/aci"}}), IDENTITY, "(d)", "error"),
        "staging": (aib_properties(
            stagingResourceGroup=f"/subscriptions/{OTHER_SUB}/resourceGroups/staging"),
            IDENTITY, "(e)", "error"),
        "source": (aib_properties(source={
            "type": "ManagedImage",
            "imageId": MANAGED.replace(SUB, OTHER_SUB)}), IDENTITY, "(f)", "error"),
    }
    resources = estate(*(aib(props, identity=ident, name=name)
                         for name, (props, ident, _, _) in cases.items()))
    found = of_rule(lint_resources(tmp_path, resources, rules=["ACG110"]), "ACG110")
    got = {f.resource_id.rsplit("/", 1)[-1]: f for f in found}
    assert sorted(got) == sorted(cases)
    for name, (_, _, part, level) in cases.items():
        assert part in got[name].message and got[name].level == level, name
    # the boundaries: 6 and 960 minutes, and 0 (the default) are fine
    for minutes in (0, 6, 960):
        ok = aib(aib_properties(buildTimeoutInMinutes=minutes))
        assert of_rule(lint_resources(tmp_path, estate(ok), rules=["ACG110"]), "ACG110") == []


def test_acg110_a_pinned_source_version_must_reach_the_build_region(tmp_path):
    source = {"type": "SharedImageVersion", "imageVersionId": version_id("1.0.0")}
    resources = estate(aib(aib_properties(source=source), location="eastus"))
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG110"]), "ACG110")
    assert "(f)" in f.message and "eastus" in f.message
    resources = estate(aib(aib_properties(source=source), location="westeurope"))
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG110"]), "ACG110") == []


def test_acg110_is_located_on_the_property_in_a_template(tmp_path):
    path = tmp_path / "aib.json"
    path.write_text(aib_template(tmp_path, aib(aib_properties(buildTimeoutInMinutes=2000))))
    [f] = of_rule(lint_path(path, ["ACG110"]), "ACG110")
    lines = path.read_text().splitlines()
    assert '"buildTimeoutInMinutes": 2000' in lines[f.line - 1]


def test_acg508_unpinned_scripts_failing_validation_and_secrets(tmp_path):
    script = "https://raw.githubusercontent.com/contoso/scripts/main/harden.sh"
    sas = "https://acct.blob.core.windows.net/s/x.sh?sv=2024-01-01&se=2027-01-01&sig=abc"
    cases = {
        "unpinned": (aib_properties(customize=[{"type": "Shell", "name": "h",
                                                "scriptUri": script}]), "(a)", "warning"),
        "pinned": (aib_properties(customize=[{"type": "Shell", "name": "h",
                                              "scriptUri": script,
                                              "sha256Checksum": "ab" * 32}]), None, None),
        "continue": (aib_properties(validate={"continueDistributeOnFailure": True}), "(b)",
                     "warning"),
        "sas": (aib_properties(customize=[{"type": "Shell", "name": "h", "inline": [
            f"curl -sSL '{sas}' | bash"]}]), "(c)", "error"),
    }
    resources = estate(*(aib(props, name=name) for name, (props, _, _) in cases.items()))
    found = of_rule(lint_resources(tmp_path, resources, rules=["ACG508"]), "ACG508")
    got = {f.resource_id.rsplit("/", 1)[-1]: f for f in found}
    assert sorted(got) == ["continue", "sas", "unpinned"]
    for name, (_, part, level) in cases.items():
        if part:
            assert part in got[name].message and got[name].level == level, name
    assert "sig=abc" not in got["sas"].message and "SAS token" in got["sas"].message
    assert "customize[0].inline[0]" in got["sas"].message
    # (b) in a production pipeline (it feeds a production gallery) is an error; (d) asks
    # production templates for a validation when config says so
    prod = estate(aib(aib_properties(validate={"continueDistributeOnFailure": True}),
                      name="continue"))
    prod[0] = gallery(tags={"environment": "production"})
    [f] = of_rule(lint_resources(tmp_path, prod, rules=["ACG508"]), "ACG508")
    assert f.level == "error"
    prod[-1] = aib()
    assert of_rule(lint_resources(tmp_path, prod, rules=["ACG508"]), "ACG508") == []
    [f] = of_rule(lint_resources(tmp_path, prod, "pipelines:\n  require_validation: true\n",
                                 rules=["ACG508"]), "ACG508")
    assert "(d)" in f.message and f.level == "warning"


def test_acg313_live_templates_only(tmp_path):
    failed = aib(name="failed")
    failed["properties"] = {**aib_properties(), "lastRunStatus": {
        "runState": "Failed", "message": "customization failed"}}
    broken = aib(name="broken")
    broken["properties"] = {**aib_properties(), "provisioningState": "Failed",
                            "provisioningError": {"provisioningErrorCode": "BadSourceType",
                                                  "message": "Source type is wrong"}}
    old = aib(name="old")
    old["properties"] = {**aib_properties(), "lastRunStatus": {
        "runState": "Succeeded", "endTime": "2026-08-01T00:00:00Z"}}
    fresh = aib(name="fresh")
    fresh["properties"] = {**aib_properties(), "lastRunStatus": {
        "runState": "Succeeded", "endTime": "2026-11-01T00:00:00Z"}}
    never = aib(name="never")
    found = of_rule(lint_resources(tmp_path, estate(failed, broken, old, fresh, never),
                                   rules=["ACG313"]), "ACG313")
    got = {f.resource_id.rsplit("/", 1)[-1]: f.message for f in found}
    assert sorted(got) == ["broken", "failed", "old"]
    assert "(a)" in got["failed"] and "acg/img" in got["failed"]
    assert "BadSourceType" in got["broken"] and "(c)" in got["old"]
    # a template in source control has no run state to judge
    path = tmp_path / "aib.json"
    path.write_text(aib_template(tmp_path, failed))
    assert of_rule(lint_path(path, ["ACG313"]), "ACG313") == []


# Packer pipelines ----------------------------------------------------------------------

def packer(destination: str, top: str = "", name: str = "ubuntu") -> str:
    return f"""
        source "azure-arm" "{name}" {{
          subscription_id = "{SUB}"
          location        = "westeurope"
          os_type         = "Linux"
          image_publisher = "Canonical"
          image_offer     = "0001-com-ubuntu-server-jammy"
          image_sku       = "22_04-lts-gen2"
          {top}
          shared_image_gallery_destination {{
            resource_group = "{RG}"
            gallery_name   = "acg"
            image_name     = "img"
            {destination}
          }}
        }}
        build {{
          sources = ["source.azure-arm.{name}"]
        }}
        """


def estate_json() -> str:
    return json.dumps({"value": estate()})


# ACG610 ------------------------------------------------------------------------------

def test_acg610_image_builder_distributors(tmp_path):
    both = aib(aib_properties(distribute=[
        {"type": "SharedImage", "runOutputName": "a", "galleryImageId": definition_id(),
         "replicationRegions": ["westeurope"], "targetRegions": [{"name": "westeurope"}]}]),
        name="both")
    lacking = aib(aib_properties(distribute=[
        {"type": "SharedImage", "runOutputName": "a", "galleryImageId": definition_id(),
         "replicationRegions": ["eastus"]}]), name="lacking")
    deprecated = aib(aib_properties(distribute=[
        {"type": "SharedImage", "runOutputName": "a", "galleryImageId": definition_id(),
         "replicationRegions": ["westeurope", "eastus"]}]), name="deprecated")
    storage = aib(aib_properties(distribute=[
        {"type": "SharedImage", "runOutputName": "a", "galleryImageId": definition_id(),
         "storageAccountType": "Standard_LRS", "targetRegions": [{"name": "westeurope"}]}]),
        name="storage")
    found = of_rule(lint_resources(tmp_path, estate(both, lacking, deprecated, storage, aib()),
                                   rules=["ACG610"]), "ACG610")
    got = {f.pipeline.rsplit("/", 1)[-1]: f for f in found}
    assert sorted(got) == ["both", "deprecated", "lacking", "storage"]
    assert got["both"].level == "error" and "(a)" in got["both"].message
    assert got["lacking"].level == "error" and "(b)" in got["lacking"].message
    assert got["deprecated"].level == "note" and "(b)" not in got["deprecated"].message
    assert got["storage"].level == "error" and "(a)" in got["storage"].message
    assert all(f.resource_id == definition_id() for f in found)


def test_acg610_packer_destinations(tmp_path):
    files = {
        "estate.json": estate_json(),
        "both.pkr.hcl": packer('replication_regions = ["westeurope"]\n'
                               'target_region { name = "westeurope" }', name="both"),
        "shallow.pkr.hcl": packer('use_shallow_replication = true\n'
                                  'target_region { name = "westeurope" }\n'
                                  'target_region { name = "northeurope" }', name="shallow"),
        "clamped.pkr.hcl": packer('target_region {\n name = "westeurope"\n replicas = 150\n}',
                                  name="clamped"),
        "fine.pkr.hcl": packer('target_region { name = "westeurope" }', name="fine"),
    }
    found = of_rule(lint_files(tmp_path, files, rules=["ACG610"]), "ACG610")
    got = {f.pipeline.rsplit(".", 1)[-1]: f for f in found}
    assert sorted(got) == ["both", "clamped", "shallow"]
    assert got["both"].level == "error" and "(a)" in got["both"].message \
        and "(c)" in got["both"].message
    assert got["shallow"].level == "error" and "(d)" in got["shallow"].message
    assert got["clamped"].level == "warning" and "Packer silently publishes 100" in \
        got["clamped"].message
    assert got["clamped"].source.path.endswith("clamped.pkr.hcl")


# ACG107 ------------------------------------------------------------------------------

def test_acg107_collisions_deprecated_generator_and_low_major(tmp_path):
    files = {"estate.json": json.dumps({"value": estate(versions=[
                 version("1.0.0"), version("2.1.0")])}),
             "taken.pkr.hcl": packer('image_version = "1.0.0"\n'
                                     'target_region { name = "westeurope" }', name="taken"),
             "new.pkr.hcl": packer('image_version = "2.2.0"\n'
                                   'target_region { name = "westeurope" }', name="new")}
    found = of_rule(lint_files(tmp_path, files, rules=["ACG107"]), "ACG107")
    assert [(f.pipeline.rsplit(".", 1)[-1], f.level) for f in found] == [("taken", "error")]
    assert "(c) version 1.0.0 already exists" in found[0].message

    old_api = aib(aib_properties(), name="oldapi")
    low = aib(aib_properties(distribute=[{
        "type": "SharedImage", "runOutputName": "a", "galleryImageId": definition_id(),
        "versioning": {"scheme": "Latest", "major": 1},
        "targetRegions": [{"name": "westeurope"}]}]), name="lowmajor")
    current = aib(aib_properties(distribute=[{
        "type": "SharedImage", "runOutputName": "a", "galleryImageId": definition_id(),
        "versioning": {"scheme": "Latest", "major": 2},
        "targetRegions": [{"name": "westeurope"}]}]), name="current")
    template = json.loads(aib_template(tmp_path, old_api, low, current))
    template["resources"][0]["apiVersion"] = "2022-02-14"
    files = {"estate.json": json.dumps({"value": estate(versions=[version("2.1.0")])}),
             "aib.json": json.dumps(template, indent=2)}
    found = of_rule(lint_files(tmp_path, files, rules=["ACG107"]), "ACG107")
    got = {f.pipeline.rsplit("/", 1)[-1]: f for f in found}
    assert sorted(got) == ["lowmajor", "oldapi"]
    assert got["oldapi"].level == "warning" and "(a)" in got["oldapi"].message
    assert got["lowmajor"].level == "note" and "below 2.1.0" in got["lowmajor"].message


def test_acg107_c_does_not_judge_a_live_template(tmp_path):
    pinned = aib(aib_properties(distribute=[{
        "type": "SharedImage", "runOutputName": "a", "galleryImageId": version_id("1.0.0"),
        "targetRegions": [{"name": "westeurope"}]}]))
    assert of_rule(lint_resources(tmp_path, estate(pinned), rules=["ACG107"]), "ACG107") == []
    files = {"estate.json": estate_json(), "aib.json": aib_template(tmp_path, pinned)}
    [f] = of_rule(lint_files(tmp_path, files, rules=["ACG107"]), "ACG107")
    assert "(c)" in f.message and f.source.path.endswith("aib.json")


# ACG109 ------------------------------------------------------------------------------

def test_acg109_generation_state_and_os_type(tmp_path):
    defs = [gallery(), definition("gen1", hyperv="V1"), definition("spec", os_state="Specialized"),
            definition("win")]
    defs[-1]["properties"]["osType"] = "Windows"

    def into(image, extra=""):
        return packer(extra + "\n" + 'target_region { name = "westeurope" }', name=image) \
            .replace('image_name     = "img"', f'image_name     = "{image}"')
    files = {"estate.json": json.dumps({"value": defs}),
             "gen1.pkr.hcl": into("gen1"), "spec.pkr.hcl": into("spec"),
             "win.pkr.hcl": into("win")}
    config = "pipelines:\n  gen2_sku_patterns: ['*-gen2']\n"
    found = of_rule(lint_files(tmp_path, files, config, rules=["ACG109"]), "ACG109")
    got = {f.pipeline.rsplit(".", 1)[-1]: f.message for f in found}
    assert sorted(got) == ["gen1", "spec", "win"]
    assert "(a) the source image is Hyper-V generation V2, the definition V1" in got["gen1"]
    assert "(b)" in got["spec"] and "(c)" in got["win"]
    # without the SKU pattern the Marketplace source's generation is unknown
    found = of_rule(lint_files(tmp_path, files, rules=["ACG109"]), "ACG109")
    assert sorted(f.pipeline.rsplit(".", 1)[-1] for f in found) == ["spec", "win"]


def test_acg109_image_builder_from_a_specialized_gallery_source(tmp_path):
    spec = definition("spec", os_state="Specialized")
    source = {"type": "SharedImageVersion",
              "imageVersionId": version_id("1.0.0", image="spec")}
    resources = [gallery(), definition(), spec, version("1.0.0", image="spec"),
                 aib(aib_properties(source=source))]
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG109"]), "ACG109")
    assert "(b) the gallery source's definition is Specialized" in f.message
    resources[2] = definition("spec")
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG109"]), "ACG109") == []


# ACG706 ------------------------------------------------------------------------------

def test_acg706_managed_image_outputs_from_trusted_launch_builds(tmp_path):
    tl = packer('target_region { name = "westeurope" }',
                top='security_type = "TrustedLaunch"\nmanaged_image_name = "web"\n'
                    'managed_image_resource_group_name = "rg"', name="tl")
    std = packer('target_region { name = "westeurope" }',
                 top='managed_image_name = "web"\nmanaged_image_resource_group_name = "rg"',
                 name="std")
    gallery_only = packer('target_region { name = "westeurope" }',
                          top='security_type = "TrustedLaunch"', name="galleryonly")
    found = of_rule(lint_files(tmp_path, {"tl.pkr.hcl": tl, "std.pkr.hcl": std,
                                          "g.pkr.hcl": gallery_only}, rules=["ACG706"]),
                    "ACG706")
    assert [f.resource_id.rsplit(".", 1)[-1] for f in found] == ["tl"]
    assert found[0].resource_id.startswith("packer:") and "managed_image_name" in \
        found[0].message
    lines = (tmp_path / "src" / "tl.pkr.hcl").read_text().splitlines()
    assert "managed_image_name" in lines[found[0].line - 1]
    # Image Builder from a gallery version whose definition allows only Trusted Launch
    tl_def = definition(security="TrustedLaunch")
    source = {"type": "SharedImageVersion", "imageVersionId": version_id("1.0.0")}
    distribute = [{"type": "ManagedImage", "runOutputName": "mi", "location": "westeurope",
                   "imageId": MANAGED}]
    resources = [gallery(), tl_def, version("1.0.0"),
                 aib(aib_properties(source=source, distribute=distribute))]
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG706"]), "ACG706")
    assert "SecurityType TrustedLaunch" in f.message
    resources[1] = definition(security="TrustedLaunchSupported")
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG706"]), "ACG706") == []


# ACG106 ------------------------------------------------------------------------------

def with_tags(body, tags):
    body["tags"] = tags
    return body


def test_acg106_is_off_until_configured_then_judges_each_part(tmp_path):
    tagged = with_tags(version("1.0.0", eol="2030-01-01"), {
        "Owner": "platform", "pipeline": "packer-ubuntu", "expires": "2030-01-01"})
    blank = with_tags(version("1.1.0"), {"owner": "  ", "pipeline": "Packer Ubuntu"})
    wrong_date = with_tags(version("1.2.0", eol="2030-01-01"), {
        "owner": "p", "pipeline": "aib-x", "expires": "2029-06-01"})
    resources = estate(versions=[tagged, blank, wrong_date])
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG106"]), "ACG106") == []
    config = ("metadata:\n  required_tags: [owner, pipeline]\n"
              "  tag_formats: {pipeline: '(packer|aib)-[a-z0-9-]+'}\n  expiry_tag: expires\n")
    found = of_rule(lint_resources(tmp_path, resources, config, rules=["ACG106"]), "ACG106")
    got = {f.resource_id.rsplit("/", 1)[-1]: f for f in found}
    assert sorted(got) == ["1.1.0", "1.2.0"]
    assert "(a) missing or empty: owner" in got["1.1.0"].message
    assert "(b) not in the required format: pipeline" in got["1.1.0"].message
    assert "Packer Ubuntu" not in got["1.1.0"].message  # never a value
    assert "(c) tag expires says 2029-06-01 but the end of life is 2030-01-01" in \
        got["1.2.0"].message
    assert {f.level for f in found} == {"note"}


def test_acg106_levels_scope_apply_to_and_planned_versions(tmp_path):
    resources = [gallery(tags={"environment": "prod"}), definition(), version()]
    config = "metadata:\n  required_tags: [owner]\n  apply_to: [versions, galleries]\n"
    found = of_rule(lint_resources(tmp_path, resources, config, rules=["ACG106"]), "ACG106")
    # the gallery's own tags lack an owner too; both are in a production gallery
    assert sorted((f.resource_id.rsplit("/", 1)[-1], f.level) for f in found) == [
        ("1.0.0", "warning"), ("acg", "warning")]
    resources[0] = gallery()
    config += "  scope: production\n"
    assert of_rule(lint_resources(tmp_path, resources, config, rules=["ACG106"]),
                   "ACG106") == []
    files = {"estate.json": estate_json(),
             "p.pkr.hcl": packer('target_region { name = "westeurope" }',
                                 top='azure_tags = { owner = "platform" }', name="p"),
             "q.pkr.hcl": packer('target_region { name = "westeurope" }', name="q")}
    found = of_rule(lint_files(tmp_path, files, "metadata:\n  required_tags: [owner]\n",
                               rules=["ACG106"]), "ACG106")
    assert [f.pipeline.rsplit(".", 1)[-1] for f in found if f.pipeline] == ["q"]


# ACG707 ------------------------------------------------------------------------------

def test_acg707_production_downgrades_by_form(tmp_path):
    prod = {"environment": "prod"}
    off = vm("bootoff", security="TrustedLaunch", tags=prod)
    off["properties"]["securityProfile"]["uefiSettings"] = {"secureBootEnabled": False,
                                                            "vTpmEnabled": True}
    on = vm("booton", security="TrustedLaunch", tags=prod)
    on["properties"]["securityProfile"]["uefiSettings"] = {"secureBootEnabled": True,
                                                           "vTpmEnabled": True}
    resources = estate(vm("absent", tags=prod), vm("standard", security="Standard", tags=prod),
                       off, on, vm("devbox"))
    found = of_rule(lint_resources(tmp_path, resources, rules=["ACG707"]), "ACG707")
    assert sorted((names([f])[0], f.message.split(": ")[1][:3]) for f in found) == [
        ("absent", "(a)"), ("bootoff", "(b)"), ("standard", "(a)")]
    assert {f.level for f in found} == {"warning"}
    # a definition that allows Standard only, or requires Trusted Launch, is not judged
    resources[1] = definition(security=None)
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG707"]), "ACG707") == []


def test_acg707_in_terraform_the_security_type_is_unknown_but_uefi_flags_are_read(tmp_path):
    vm_tf = """
        resource "azurerm_linux_virtual_machine" "%s" {
          name                = "%s"
          resource_group_name = "%s"
          location            = "westeurope"
          size                = "Standard_D2s_v5"
          tags                = { environment = "production" }
          source_image_id     = "%s"
          %s
        }
        """
    files = {"estate.json": estate_json(), "main.tf": "\n".join([
        vm_tf % ("plain", "plain", RG, definition_id(), ""),
        vm_tf % ("half", "half", RG, definition_id(), "secure_boot_enabled = true"),
        vm_tf % ("full", "full", RG, definition_id(),
                 "secure_boot_enabled = true\nvtpm_enabled = true")])}
    found = of_rule(lint_files(tmp_path, files, rules=["ACG707"]), "ACG707")
    assert [(names([f])[0], "(b)" in f.message and "vTPM off" in f.message)
            for f in found] == [("half", True)]


# AVD: ACG805, ACG806 -----------------------------------------------------------------

POOLS = f"/subscriptions/{SUB}/resourceGroups/avd/providers/Microsoft.DesktopVirtualization/hostPools"


def host_pool(name="hp", template=None, *, pool_type="Pooled", tags=None):
    props = {"hostPoolType": pool_type, "loadBalancerType": "BreadthFirst"}
    if template is not None:
        props["vmTemplate"] = json.dumps(template)
    return {"id": f"{POOLS}/{name}", "name": name, "location": "westeurope",
            "type": "Microsoft.DesktopVirtualization/hostPools", "tags": tags or {},
            "properties": props}


def session_host_config(pool="hp", image_info=None):
    return {"id": f"{POOLS}/{pool}/sessionHostConfigurations/default", "name": "default",
            "type": "Microsoft.DesktopVirtualization/hostPools/sessionHostConfigurations",
            "properties": {"imageInfo": image_info or {}}}


def session_host(vm_body, pool="hp"):
    host = vm_body["name"] + ".contoso.com"
    return {"id": f"{POOLS}/{pool}/sessionHosts/{host}", "name": f"{pool}/{host}",
            "type": "Microsoft.DesktopVirtualization/hostPools/sessionHosts",
            "properties": {"resourceId": vm_body["id"], "status": "Available"}}


def test_acg805_host_pool_image_sources(tmp_path):
    marketplace = {"imageType": "Gallery", "galleryImagePublisher": "MicrosoftWindowsDesktop",
                   "galleryImageOffer": "windows-11", "galleryImageSKU": "win11-23h2-avd"}
    resources = estate(
        host_pool("market", marketplace, tags={"environment": "production"}),
        host_pool("managed", {"imageType": "CustomImage", "customImageId": MANAGED}),
        host_pool("fine", {"imageType": "CustomImage", "customImageId": definition_id()}),
        host_pool("absent"),
        host_pool("othersub"), session_host_config("othersub", {
            "type": "Custom", "customInfo": {"resourceId": definition_id(sub=OTHER_SUB)}}),
        host_pool("plan"), session_host_config("plan", {
            "type": "Custom", "customInfo": {"resourceId": definition_id("planned")}}),
        {**definition("planned"), "properties": {
            **definition("planned")["properties"],
            "purchasePlan": {"name": "p", "publisher": "x", "product": "y"}}})
    found = of_rule(lint_resources(tmp_path, resources, rules=["ACG805"]), "ACG805")
    got = {f.resource_id.rsplit("/", 1)[-1]: f for f in found}
    assert sorted(got) == ["managed", "market", "othersub", "plan"]
    assert got["market"].level == "error" and \
        "MicrosoftWindowsDesktop:windows-11:win11-23h2-avd" in got["market"].message
    assert got["managed"].level == "note" and "customImageId" in got["managed"].message
    assert got["othersub"].level == "error" and "(b)" in got["othersub"].message
    assert got["plan"].level == "warning" and "(c)" in got["plan"].message


def test_acg806_session_host_drift_live_only(tmp_path):
    old = version("1.0.0", published="2026-08-01T00:00:00Z")
    new = version("1.1.0", published="2026-09-01T00:00:00Z")
    on_new = vm("h1", definition_id(), exact="1.1.0")
    lagging = vm("h2", definition_id(), exact="1.0.0")
    other = vm("h3", definition_id("other"))
    resources = [gallery(), definition(), definition("other"), old, new,
                 version("1.0.0", image="other"), on_new, lagging,
                 host_pool(), session_host(on_new), session_host(lagging)]
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG806"]), "ACG806")
    assert f.level == "note" and "(b) 1 session host(s)" in f.message and "h2 runs 1.0.0" in \
        f.message
    assert f.properties["sessionHostsPerVersion"] == {"img/1.0.0": 1, "img/1.1.0": 1}
    resources += [other, session_host(other)]
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG806"]), "ACG806")
    assert f.level == "warning" and "(a) its session hosts use 2 image definitions" in \
        f.message
    # within avd.host_drift_days, the lag is not reported
    found = of_rule(lint_resources(tmp_path, resources[:-2], "avd:\n  host_drift_days: 90\n",
                                   rules=["ACG806"]), "ACG806")
    assert found == []


# ACG406 ------------------------------------------------------------------------------

def sku(name, **caps):
    return {"resourceType": "virtualMachines", "name": name, "locations": ["westeurope"],
            "capabilities": [{"name": k, "value": v} for k, v in caps.items()]}


SKUS = json.dumps([
    sku("Standard_D2s_v5", EphemeralOSDiskSupported="False"),
    sku("Standard_D4ds_v5", EphemeralOSDiskSupported="True",
        SupportedEphemeralOSDiskPlacements="ResourceDisk,CacheDisk",
        CachedDiskBytes=str(100 * 2 ** 30), MaxResourceVolumeMB=str(150 * 1024)),
    sku("Standard_E2bds_v5", EphemeralOSDiskSupported="True",
        SupportedEphemeralOSDiskPlacements="NvmeDisk", NvmeDiskSizeInMiB=str(75 * 1024))])


def ephemeral_vm(name, size, *, placement=None, disk_gb=None, image=None, security=None,
                 full=None):
    body = vm(name, image or definition_id(), security=security)
    os_disk = body["properties"]["storageProfile"]["osDisk"]
    os_disk["diffDiskSettings"] = {"option": "Local"}
    if placement:
        os_disk["diffDiskSettings"]["placement"] = placement
    if full is not None:
        os_disk["diffDiskSettings"]["enableFullCaching"] = full
    if disk_gb is not None:
        os_disk["diskSizeGB"] = disk_gb
    body["properties"]["hardwareProfile"] = {"vmSize": size}
    return body


def test_acg406_ephemeral_os_disks_in_a_template(tmp_path):
    spec = definition("spec", os_state="Specialized")
    vms = [ephemeral_vm("nosupport", "Standard_D2s_v5", disk_gb=30),
           ephemeral_vm("badplace", "Standard_E2bds_v5", placement="CacheDisk", disk_gb=30),
           ephemeral_vm("toobig", "Standard_D4ds_v5", placement="CacheDisk", disk_gb=128),
           ephemeral_vm("fits", "Standard_D4ds_v5", placement="CacheDisk", disk_gb=100),
           ephemeral_vm("tlplus1", "Standard_D4ds_v5", placement="CacheDisk", disk_gb=100,
                        security="TrustedLaunch"),
           ephemeral_vm("anyplace", "Standard_D4ds_v5", disk_gb=120),
           ephemeral_vm("full", "Standard_E2bds_v5", placement="NvmeDisk", disk_gb=37,
                        full=True),
           ephemeral_vm("specialized", "Standard_D4ds_v5", placement="CacheDisk", disk_gb=30,
                        image=definition_id("spec")),
           ephemeral_vm("unknownsize", "Standard_Z9", disk_gb=3000)]
    template = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                           "deploymentTemplate.json#", "contentVersion": "1.0.0.0",
                "resources": [{"apiVersion": "2024-07-01", **{k: v for k, v in r.items()
                                                              if k != "id"}} for r in vms]}
    files = {"estate.json": json.dumps({"value": [*estate(), spec]}), "skus.json": SKUS,
             "vms.json": json.dumps(template, indent=2)}
    found = of_rule(lint_files(tmp_path, files, rules=["ACG406"]), "ACG406")
    got = {names([f])[0]: f.message for f in found}
    assert sorted(got) == ["badplace", "full", "nosupport", "specialized", "tlplus1", "toobig"]
    assert "(c)" in got["nosupport"] and "(c) placement CacheDisk" in got["badplace"]
    assert "(b) the OS disk of 128 GiB" in got["toobig"] and "CacheDisk 100 GiB" in got["toobig"]
    assert "plus 1 GiB" in got["tlplus1"] and "(b) with full caching" in got["full"]
    assert "(a)" in got["specialized"]
    # the same VMs from live inventory are not judged: Azure accepted them
    live = {"estate.json": json.dumps({"value": [*estate(), spec, *vms]}), "skus.json": SKUS}
    assert of_rule(lint_files(tmp_path / "live", live, rules=["ACG406"]), "ACG406") == []


def test_acg406_terraform_placement_default_is_cache_disk(tmp_path):
    files = {"skus.json": SKUS, "main.tf": """
        resource "azurerm_linux_virtual_machine" "nvme" {
          name                = "nvme"
          resource_group_name = "rg"
          location            = "westeurope"
          size                = "Standard_E2bds_v5"
          source_image_id     = "%s"
          os_disk {
            caching              = "ReadOnly"
            storage_account_type = "Standard_LRS"
            disk_size_gb         = 30
            diff_disk_settings {
              option = "Local"
            }
          }
        }
        """ % definition_id()}
    [f] = of_rule(lint_files(tmp_path, files, rules=["ACG406"]), "ACG406")
    assert "(c) placement CacheDisk is not among size Standard_E2bds_v5's (NvmeDisk)" in \
        f.message


# ACG407 ------------------------------------------------------------------------------

def test_acg407_personal_session_hosts_and_configured_persistence(tmp_path):
    personal = ephemeral_vm("desk1", "Standard_D4ds_v5")
    pooled = ephemeral_vm("pool1", "Standard_D4ds_v5")
    db = ephemeral_vm("db1", "Standard_D4ds_v5")
    db["tags"] = {"Role": "Database"}
    resources = estate(personal, pooled, db,
                       host_pool("personal", pool_type="Personal"), session_host(personal,
                                                                                 "personal"),
                       host_pool("shared"), session_host(pooled, "shared"))
    found = of_rule(lint_resources(tmp_path, resources, rules=["ACG407"]), "ACG407")
    assert [(names([f])[0], f.level) for f in found] == [("desk1", "warning")]
    assert "(a)" in found[0].message and "personal (Personal)" in found[0].message
    config = "storage:\n  persistent_os_disk: ['tag:role=database', '*/pool*']\n"
    found = of_rule(lint_resources(tmp_path, resources, config, rules=["ACG407"]), "ACG407")
    assert sorted(names(found)) == ["db1", "desk1", "pool1"]


def test_acg407_c_a_version_captured_from_an_ephemeral_vm(tmp_path):
    files = {"estate.json": estate_json(), "main.tf": """
        resource "azurerm_linux_virtual_machine" "builder" {
          name                = "builder"
          resource_group_name = "rg"
          location            = "westeurope"
          size                = "Standard_D4ds_v5"
          source_image_id     = "%s"
          os_disk {
            caching              = "ReadOnly"
            storage_account_type = "Standard_LRS"
            diff_disk_settings {
              option = "Local"
            }
          }
        }
        resource "azurerm_shared_image_version" "v" {
          name                = "2.0.0"
          gallery_name        = "acg"
          image_name          = "img"
          resource_group_name = "rg"
          location            = "westeurope"
          managed_image_id    = azurerm_linux_virtual_machine.builder.id
          target_region {
            name                   = "westeurope"
            regional_replica_count = 1
          }
        }
        """ % definition_id()}
    found = of_rule(lint_files(tmp_path, files, rules=["ACG407"]), "ACG407")
    assert [(names([f])[0], f.level) for f in found] == [("2.0.0", "error")]
    lines = (tmp_path / "src" / "main.tf").read_text().splitlines()
    assert "managed_image_id" in lines[found[0].line - 1]


# ACG108 ------------------------------------------------------------------------------

def snapshot_doc(resources):
    by_type = {"microsoft.compute/galleries": "galleries",
               "microsoft.compute/galleries/images": "imageDefinitions",
               "microsoft.compute/galleries/images/versions": "imageVersions"}
    doc = {"kind": "gallerylint.snapshot", "schemaVersion": 1,
           "metadata": {"toolVersion": "0.1.0", "createdAt": "2026-11-20T12:00:00Z",
                        "source": "arm", "subscriptions": [], "failedScopes": []},
           "galleries": [], "imageDefinitions": [], "imageVersions": [],
           "virtualMachines": [], "virtualMachineScaleSets": []}
    for r in resources:
        doc[by_type[r["type"].lower()]].append(r)
    return json.dumps(doc)


def test_acg108_empty_and_similar_definitions_in_snapshots_only(tmp_path):
    resources = [gallery(), definition("empty"), definition("web-v1"), definition("web-v2"),
                 definition("web-v3"), definition("db"), version(image="web-v1"),
                 version(image="web-v2"), version(image="web-v3"), version(image="db")]
    files = {"snap.json": snapshot_doc(resources)}
    found = of_rule(lint_files(tmp_path, files, rules=["ACG108"]), "ACG108")
    assert names(found) == ["empty"] and "(a)" in found[0].message
    config = "sprawl:\n  similar_definitions: 3\n"
    found = of_rule(lint_files(tmp_path, files, config, rules=["ACG108"]), "ACG108")
    assert names(found) == ["empty", "web-v1", "web-v2", "web-v3"]
    web1 = next(f for f in found if f.resource_id.endswith("web-v1"))
    assert "also web-v2, web-v3" in web1.message
    # a different signature (generation) breaks the set; 4 are asked, 3 found
    assert names(of_rule(lint_files(tmp_path, files, "sprawl:\n  similar_definitions: 4\n",
                                    rules=["ACG108"]), "ACG108")) == ["empty"]
    # not from a snapshot, or targeted by a pipeline: not judged
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG108"]), "ACG108") == []
    files["empty.pkr.hcl"] = packer('target_region { name = "westeurope" }') \
        .replace('image_name     = "img"', 'image_name     = "empty"')
    assert of_rule(lint_files(tmp_path, files, rules=["ACG108"]), "ACG108") == []


# v3 resource types in Terraform source and plans ----------------------------------------

def test_azapi_image_builder_and_azurerm_host_pools_are_read_from_terraform(tmp_path):
    files = {"estate.json": estate_json(), "main.tf": """
        resource "azapi_resource" "aib" {
          type      = "Microsoft.VirtualMachineImages/imageTemplates@2024-02-01"
          name      = "ubuntu-nightly"
          parent_id = "/subscriptions/%(sub)s/resourceGroups/rg-aib"
          location  = "westeurope"
          identity {
            type         = "UserAssigned"
            identity_ids = ["/subscriptions/%(sub)s/resourceGroups/rg-aib/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aib"]
          }
          body = {
            properties = {
              buildTimeoutInMinutes = 2000
              source = { type = "PlatformImage", publisher = "Canonical", offer = "o", sku = "s", version = "latest" }
              distribute = [{
                type           = "SharedImage"
                runOutputName  = "sig"
                galleryImageId = "%(definition)s"
                replicationRegions = ["westeurope"]
              }]
            }
          }
        }
        resource "azapi_resource" "ignored" {
          type      = "Microsoft.Network/virtualNetworks@2024-01-01"
          name      = "vnet"
          parent_id = "/subscriptions/%(sub)s/resourceGroups/net"
          body      = {}
        }
        resource "azurerm_virtual_desktop_host_pool" "pool" {
          name                = "hp"
          resource_group_name = "avd"
          location            = "westeurope"
          type                = "Pooled"
          load_balancer_type  = "BreadthFirst"
          tags                = { environment = "production" }
          vm_template = jsonencode({
            imageType             = "Gallery"
            galleryImagePublisher = "MicrosoftWindowsDesktop"
            galleryImageOffer     = "windows-11"
            galleryImageSKU       = "win11-23h2-avd"
          })
        }
        """ % {"sub": SUB, "definition": definition_id()}}
    found = lint_files(tmp_path, files, rules=["ACG110", "ACG610", "ACG805"])
    got = {f.rule_id: f for f in found}
    assert sorted(got) == ["ACG110", "ACG610", "ACG805"]
    assert got["ACG110"].resource_id == \
        f"/subscriptions/{SUB}/resourceGroups/rg-aib/providers/" \
        "Microsoft.VirtualMachineImages/imageTemplates/ubuntu-nightly"
    assert "(a)" in got["ACG110"].message and "(c)" not in got["ACG110"].message
    assert got["ACG805"].level == "error" and got["ACG805"].resource_id.endswith(
        "/resourceGroups/avd/providers/Microsoft.DesktopVirtualization/hostPools/hp")
    lines = (tmp_path / "src" / "main.tf").read_text().splitlines()
    assert "vm_template" in lines[got["ACG805"].line - 1]


# Placeholder scope (v3) ---------------------------------------------------------------

def test_a_placeholder_subscription_is_counted_under_none(tmp_path):
    """rules.md, "Placeholder scope (v3)": a template resource without a full ARM ID or a
    --deployment-scope has its subscription unknown: ACG202 counts it under none."""
    from linter import config as config_module
    from linter.lint import run
    from linter.rules.registry import load_registry
    images = [{"type": "Microsoft.Compute/galleries/images", "apiVersion": "2024-03-03",
               "name": f"acg/img{i}", "location": "westeurope",
               "properties": {"identifier": {"publisher": "p", "offer": "o", "sku": f"s{i}"},
                              "osType": "Linux", "osState": "Generalized",
                              "hyperVGeneration": "V2"}} for i in range(3)]
    path = tmp_path / "images.json"
    path.write_text(json.dumps({"$schema": "https://schema.management.azure.com/schemas/"
                                "2019-04-01/deploymentTemplate.json#",
                                "contentVersion": "1.0.0.0", "resources": images}))
    cfg = tmp_path / ".gallerylint.yaml"
    cfg.write_text("limits:\n  definitions: 2\n")
    settings = config_module.load(cfg)
    found = run([str(path)], settings, NOW, registry=load_registry(), only=["ACG202"]).findings
    assert found == []
    found = run([str(path)], settings, NOW, registry=load_registry(), only=["ACG202"],
                deployment_scope=f"/subscriptions/{SUB}/resourceGroups/rg").findings
    assert [f.resource_id for f in found] == [f"/subscriptions/{SUB}"]


def test_a_production_scope_never_matches_through_a_placeholder(tmp_path):
    from linter.config import Settings, Environments
    from linter.facts import in_production_scope
    zero = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod-1/" \
           "providers/Microsoft.Compute/virtualMachines/web"
    settings = Settings(environments=Environments(production_scopes=(
        "00000000-0000-0000-0000-000000000000",)))
    assert not in_production_scope(zero, settings)
    settings = Settings(environments=Environments(production_scopes=(
        "/subscriptions/*/resourceGroups/rg-prod-*",)))
    assert in_production_scope(zero, settings)  # the resource group is known


def test_acg610_d_a_shallow_build_into_another_region_or_with_replicas(tmp_path):
    files = {"estate.json": estate_json(),
             "away.pkr.hcl": packer('use_shallow_replication = true\n'
                                    'target_region { name = "northeurope" }', name="away"),
             "many.pkr.hcl": packer('use_shallow_replication = true', name="many",
                                    top="shared_image_gallery_replica_count = 2"),
             "home.pkr.hcl": packer('use_shallow_replication = true\n'
                                    'target_region { name = "westeurope" }', name="home")}
    found = of_rule(lint_files(tmp_path, files, rules=["ACG610"]), "ACG610")
    got = {f.pipeline.rsplit(".", 1)[-1]: f.message for f in found}
    assert sorted(got) == ["away", "many"]
    assert "a target region other than the build location" in got["away"]
    assert "shared_image_gallery_replica_count above 1" in got["many"]


def test_acg313_judges_a_live_template_read_from_yaml(tmp_path):
    """YAML is a live form like raw Azure JSON: its Image Builder templates have run state."""
    from ruamel.yaml import YAML
    failed = aib(name="failed")
    failed["properties"] = {**aib_properties(), "lastRunStatus": {"runState": "Failed"}}
    path = tmp_path / "templates.yaml"
    with path.open("w") as fh:
        YAML(typ="safe", pure=True).dump({"value": estate(failed)}, fh)
    [f] = of_rule(lint_path(path, ["ACG313"]), "ACG313")
    assert f.resource_id.endswith("/failed")
