"""Terraform plans carry the facts of catalog v2: IDs from resource_group_name, the legacy
VM resources, osProfile arguments, plan blocks, gallery applications, edge zones."""

import json

from builders import NOW
from linter import config as config_module
from linter.lint import run
from linter.rules.registry import load_registry

SUB = "11111111-2222-4333-8444-555555555555"


def change(address, rtype, after, actions=("create",)):
    return {"address": address, "mode": "managed", "type": rtype, "name": address.split(".")[-1],
            "change": {"actions": list(actions), "after": after, "after_unknown": {}}}


def plan(*changes):
    return {"format_version": "1.2", "terraform_version": "1.9.0",
            "resource_changes": list(changes),
            "configuration": {"provider_config": {"azurerm": {
                "name": "azurerm", "expressions": {"subscription_id": {"constant_value": SUB}}}}}}


GALLERY = change("azurerm_shared_image_gallery.g", "azurerm_shared_image_gallery",
                 {"name": "acg", "resource_group_name": "rg-img", "location": "westeurope"})


def image(name, **extra):
    return change(f"azurerm_shared_image.{name}", "azurerm_shared_image", {
        "name": name, "gallery_name": "acg", "resource_group_name": "rg-img",
        "location": "westeurope", "os_type": "Linux", "hyper_v_generation": "V2",
        "identifier": [{"publisher": "c", "offer": "o", "sku": name}],
        "trusted_launch_supported": True, **extra})


def version(image_name, name="1.0.0"):
    return change(f"azurerm_shared_image_version.{image_name}", "azurerm_shared_image_version", {
        "name": name, "image_name": image_name, "gallery_name": "acg",
        "resource_group_name": "rg-img", "location": "westeurope",
        "target_region": [{"name": "westeurope", "regional_replica_count": 1,
                           "storage_account_type": "Standard_ZRS"}]})


def image_id(image_name, name="1.0.0"):
    return (f"/subscriptions/{SUB}/resourceGroups/rg-img/providers/Microsoft.Compute/galleries/"
            f"acg/images/{image_name}/versions/{name}")


def lint_plan(tmp_path, doc, rules):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc, indent=2))
    return run([str(path)], config_module.Settings(), NOW, registry=load_registry(),
               only=rules).findings


def test_ids_come_from_resource_group_and_provider_subscription(tmp_path):
    vm = change("azurerm_linux_virtual_machine.vm", "azurerm_linux_virtual_machine", {
        "name": "vm1", "resource_group_name": "rg-app", "location": "westeurope",
        "size": "Standard_D2s_v5", "source_image_id": image_id("gen"), "admin_username": "u",
        "os_disk": [{"storage_account_type": "Premium_LRS"}]})
    findings = lint_plan(tmp_path, plan(GALLERY, image("gen"), version("gen"), vm),
                         ["ACG801", "ACG802"])
    assert findings == []  # the gallery is created in the same plan: resolved
    from linter.sources import load_paths
    inv = load_paths([str(tmp_path / "plan.json")])
    assert inv.deployments[0].id == (f"/subscriptions/{SUB}/resourceGroups/rg-app/providers/"
                                     "Microsoft.Compute/virtualMachines/vm1")


def test_acg802_and_acg803_in_plans(tmp_path):
    spec = image("spec", specialized=True)
    gen = image("gen", purchase_plan=[{"name": "byol", "publisher": "isv", "product": "app"}])
    with_admin = change("azurerm_linux_virtual_machine.a", "azurerm_linux_virtual_machine", {
        "name": "with-admin", "resource_group_name": "rg-app", "location": "westeurope",
        "source_image_id": image_id("spec"), "admin_username": "azureuser",
        "os_disk": [{"storage_account_type": "Premium_LRS"}]})
    no_profile = change("azurerm_linux_virtual_machine.b", "azurerm_linux_virtual_machine", {
        "name": "no-profile", "resource_group_name": "rg-app", "location": "westeurope",
        "source_image_id": image_id("gen"), "os_disk": [{"storage_account_type": "Premium_LRS"}],
        "plan": [{"name": "byol", "publisher": "ISV", "product": "app"}]})
    no_plan = change("azurerm_linux_virtual_machine.c", "azurerm_linux_virtual_machine", {
        "name": "no-plan", "resource_group_name": "rg-app", "location": "westeurope",
        "source_image_id": image_id("gen"), "admin_username": "u",
        "os_disk": [{"storage_account_type": "Premium_LRS"}]})
    doc = plan(GALLERY, spec, gen, version("spec"), version("gen"), with_admin, no_profile,
               no_plan)
    findings = lint_plan(tmp_path, doc, ["ACG802", "ACG803"])
    got = sorted((f.rule_id, f.resource_id.rsplit("/", 1)[-1]) for f in findings)
    assert got == [("ACG802", "no-profile"), ("ACG802", "with-admin"), ("ACG803", "no-plan")]


def test_legacy_virtual_machine_resources(tmp_path):
    legacy = change("azurerm_virtual_machine.old", "azurerm_virtual_machine", {
        "name": "legacy", "resource_group_name": "rg-app", "location": "westeurope",
        "vm_size": "Standard_D2as_v6",
        "storage_image_reference": [{"id": image_id("gen")}],
        "storage_os_disk": [{"managed_disk_type": "Standard_LRS", "os_type": "Linux"}],
        "os_profile": [{"computer_name": "x", "admin_username": "u"}]})
    legacy_set = change("azurerm_virtual_machine_scale_set.old", "azurerm_virtual_machine_scale_set", {
        "name": "legacy-set", "resource_group_name": "rg-app", "location": "eastus",
        "sku": [{"name": "Standard_D2s_v5", "capacity": 3}],
        "storage_profile_image_reference": [{"id": image_id("gen")}],
        "storage_profile_os_disk": [{"managed_disk_type": "Premium_LRS"}]})
    findings = lint_plan(tmp_path, plan(GALLERY, image("gen"), version("gen"), legacy,
                                        legacy_set), ["ACG405", "ACG603", "ACG703", "ACG802"])
    got = sorted((f.rule_id, f.resource_id.rsplit("/", 1)[-1]) for f in findings)
    assert got == [("ACG405", "legacy"), ("ACG603", "legacy-set"), ("ACG703", "legacy"),
                   ("ACG802", "legacy-set")]


def test_gallery_applications_and_edge_zones_in_plans(tmp_path):
    app = change("azurerm_gallery_application.agent", "azurerm_gallery_application", {
        "name": "agent", "location": "westeurope", "supported_os_type": "Windows",
        "gallery_id": f"/subscriptions/{SUB}/resourceGroups/rg-img/providers/"
                      "Microsoft.Compute/galleries/acg"})
    app_version = change("azurerm_gallery_application_version.v", "azurerm_gallery_application_version", {
        "name": "1.0.0", "location": "westeurope",
        "gallery_application_id": f"/subscriptions/{SUB}/resourceGroups/rg-img/providers/"
                                  "Microsoft.Compute/galleries/acg/applications/agent",
        "source": [{"media_link": "https://a.blob.core.windows.net/c/p.zip?sv=1&se=2&sig=x"}],
        "target_region": [{"name": "westeurope", "regional_replica_count": 1}]})
    vm = change("azurerm_linux_virtual_machine.vm", "azurerm_linux_virtual_machine", {
        "name": "vm1", "resource_group_name": "rg-app", "location": "westeurope",
        "source_image_id": image_id("gen"), "admin_username": "u", "edge_zone": "losangeles",
        "os_disk": [{"storage_account_type": "Premium_LRS"}],
        "gallery_application": [{"version_id": f"/subscriptions/{SUB}/resourceGroups/rg-img/"
                                 "providers/Microsoft.Compute/galleries/acg/applications/agent/"
                                 "versions/1.0.0", "order": 1}]})
    findings = lint_plan(tmp_path, plan(GALLERY, image("gen"), version("gen"), app, app_version,
                                        vm), ["ACG507", "ACG609", "ACG903"])
    got = sorted((f.rule_id, f.resource_id.rsplit("/", 1)[-1]) for f in findings)
    assert got == [("ACG507", "1.0.0"), ("ACG609", "vm1"), ("ACG903", "vm1")]


def test_acg802_v3_a_value_known_after_apply_is_set(tmp_path):
    """rules.md v3: "set" includes `after_unknown`; a specialized image with an
    admin_password known only after apply (a generated secret) fires."""
    spec = image("spec", specialized=True)
    later = change("azurerm_windows_virtual_machine.w", "azurerm_windows_virtual_machine", {
        "name": "later", "resource_group_name": "rg-app", "location": "westeurope",
        "source_image_id": image_id("spec"),
        "os_disk": [{"storage_account_type": "Premium_LRS"}]})
    later["change"]["after_unknown"] = {"admin_password": True}
    findings = lint_plan(tmp_path, plan(GALLERY, spec, version("spec"), later), ["ACG802"])
    assert [(f.rule_id, f.resource_id.rsplit("/", 1)[-1]) for f in findings] == [
        ("ACG802", "later")]
