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
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    settings = config_module.Settings()
    if config is not None:
        cfg = tmp_path / ".gallerylint.yaml"
        cfg.write_text(config, encoding="utf-8")
        settings = config_module.load(cfg)
    registry = load_registry(settings.rule_paths, settings.allow_python)
    return run([str(folder)], settings, NOW, registry=registry, only=list(rules)).findings


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
