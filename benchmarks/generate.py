"""Generate a large synthetic estate in `az graph query` form, streamed to disk.

Rows are projected to the columns rules need (as the exporter's Resource
Graph queries do), written row by row, so a million VMs never sit in memory.

    python benchmarks/generate.py OUT_DIR --versions 100000 --vms-per-version 10

Shape: 10 versions per definition, 50 definitions per gallery, 20 galleries per
subscription, 4 regions; each version targets 2 regions with 3 replicas; VMs
follow latest (70%) or pin the latest version (30%), split over the two
regions. A few resources per thousand break a rule, so the lint has findings
to report, as a real estate does.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Iterator, TextIO

REGIONS = ["westeurope", "northeurope", "eastus", "westus2"]
VERSIONS_PER_DEFINITION = 10
DEFINITIONS_PER_GALLERY = 50
GALLERIES_PER_SUBSCRIPTION = 20
VM_ROWS_PER_FILE = 250_000


def sub_id(i: int) -> str:
    return f"{i:08x}-0000-4000-8000-{i:012x}"


TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def _arm_common(row: dict, rtype: str) -> dict:
    rid = row["id"]
    parts = rid.split("/")
    return {"id": rid, "name": row["name"], "type": rtype, "tenantId": TENANT, "kind": "",
            "location": row["location"], "resourceGroup": parts[4].lower(),
            "subscriptionId": parts[2], "managedBy": "", "sku": None, "plan": None,
            "tags": row.get("tags") or {}, "identity": None, "zones": None,
            "extendedLocation": None}


def full_row(kind: str, row: dict) -> dict:
    """A projected row as `az graph query` prints the whole resource: every property
    Azure returns for its type (shapes from the REST examples and CLI recordings)."""
    if kind == "gallery":
        out = _arm_common(row, "microsoft.compute/galleries")
        out["properties"] = {"identifier": {"uniqueName": row["uniqueName"]},
                             "sharingProfile": {"permissions": row["permissions"]},
                             "provisioningState": "Succeeded",
                             "description": "Golden images for the platform team",
                             "softDeletePolicy": {"isSoftDeleteEnabled": False}}
        return out
    if kind == "definition":
        out = _arm_common(row, "microsoft.compute/galleries/images")
        out["properties"] = {
            "identifier": {"publisher": row["publisher"], "offer": row["offer"],
                           "sku": row["sku"]},
            "osType": row["osType"], "osState": row["osState"],
            "hyperVGeneration": row["hyperVGeneration"], "architecture": row["architecture"],
            "endOfLifeDate": row["endOfLifeDate"], "features": row["features"],
            "recommended": {"vCPUs": {"min": 1, "max": 16}, "memory": {"min": 1, "max": 32}},
            "description": "Ubuntu with the platform agents", "provisioningState": "Succeeded",
            **({"disallowed": {"diskTypes": row["disallowedDiskTypes"]}}
               if row.get("disallowedDiskTypes") else {})}
        return out
    if kind == "version":
        out = _arm_common(row, "microsoft.compute/galleries/images/versions")
        out["properties"] = {
            "publishingProfile": {
                "targetRegions": row["targetRegions"], "replicaCount": row["replicaCount"],
                "excludeFromLatest": row["excludeFromLatest"],
                "publishedDate": row["publishedDate"], "endOfLifeDate": row["endOfLifeDate"],
                "storageAccountType": row["storageAccountType"]},
            "storageProfile": {
                "source": {"id": row["id"].split("/providers/")[0] +
                           "/providers/Microsoft.Compute/images/build-" + row["name"]},
                "osDiskImage": {"sizeInGB": row["osDiskSizeGB"], "hostCaching": "ReadWrite"},
                "dataDiskImages": []},
            "safetyProfile": {"allowDeletionOfReplicatedLocations": False,
                              "reportedForPolicyViolation": False, "policyViolations": []},
            "replicationStatus": {"aggregatedState": "Completed", "summary": [
                {"region": t["name"], "state": "Completed", "details": "", "progress": 100}
                for t in row["targetRegions"]]},
            "provisioningState": "Succeeded"}
        return out
    if kind == "vmss":
        out = _arm_common(row, "microsoft.compute/virtualmachinescalesets")
        out["sku"] = {"name": "Standard_D2s_v5", "tier": "Standard", "capacity": row["capacity"]}
        ref = {"id": row["imageId"]}
        out["properties"] = {
            "orchestrationMode": "Uniform", "upgradePolicy": {"mode": "Manual"},
            "provisioningState": "Succeeded", "overprovision": True,
            "uniqueId": f"{abs(hash(row['name'])) % 10**8:08d}-0000-4000-8000-000000000000",
            "virtualMachineProfile": {
                "storageProfile": {"imageReference": ref, "osDisk": {
                    "osType": "Linux", "createOption": "FromImage", "caching": "ReadWrite",
                    "managedDisk": {"storageAccountType": row["osDiskType"]},
                    "diskSizeGB": 30}, "diskControllerType": "SCSI"},
                "osProfile": {"computerNamePrefix": row["name"][:9], "adminUsername": "azureuser",
                              "linuxConfiguration": {"disablePasswordAuthentication": True,
                                                     "provisionVMAgent": True}, "secrets": []},
                "networkProfile": {"networkInterfaceConfigurations": [{
                    "name": "nic", "properties": {"primary": True, "ipConfigurations": [{
                        "name": "ip", "properties": {"subnet": {"id": row["id"].split(
                            "/providers/")[0] + "/providers/Microsoft.Network/virtualNetworks/"
                            "vnet/subnets/default"}}}]}}]},
                "securityProfile": {"securityType": row["securityType"],
                                    "uefiSettings": {"secureBootEnabled": True,
                                                     "vTpmEnabled": True}}}}
        return out
    out = _arm_common(row, "microsoft.compute/virtualmachines")
    ref = {"id": row["imageId"]}
    if row.get("exactVersion"):
        ref["exactVersion"] = row["exactVersion"]
    name = row["name"]
    out["properties"] = {
        "vmId": f"{abs(hash(name)) % 10**8:08d}-0000-4000-8000-000000000000",
        "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
        "storageProfile": {
            "imageReference": ref,
            "osDisk": {"osType": "Linux", "name": f"{name}_OsDisk_1", "createOption": "FromImage",
                       "caching": "ReadWrite", "deleteOption": "Delete", "diskSizeGB": 30,
                       "managedDisk": {"storageAccountType": row["osDiskType"],
                                       "id": row["id"].split("/providers/")[0] +
                                       f"/providers/Microsoft.Compute/disks/{name}_OsDisk_1"}},
            "dataDisks": [], "diskControllerType": "SCSI"},
        "osProfile": {"computerName": name, "adminUsername": "azureuser",
                      "linuxConfiguration": {"disablePasswordAuthentication": True,
                                             "provisionVMAgent": True,
                                             "patchSettings": {"patchMode": "ImageDefault",
                                                               "assessmentMode": "ImageDefault"}},
                      "secrets": [], "allowExtensionOperations": True,
                      "requireGuestProvisionSignal": True},
        "securityProfile": {"securityType": row["securityType"],
                            "uefiSettings": {"secureBootEnabled": True, "vTpmEnabled": True}},
        "networkProfile": {"networkInterfaces": [{"id": row["id"].split("/providers/")[0] +
                                                  f"/providers/Microsoft.Network/"
                                                  f"networkInterfaces/{name}-nic"}]},
        "diagnosticsProfile": {"bootDiagnostics": {"enabled": True}},
        "provisioningState": "Succeeded",
        "extended": {"instanceView": {"powerState": {"code": "PowerState/running",
                                                     "displayStatus": "VM running"}}}}
    return out


class RowWriter:
    """Writes {"count": n, "data": [...]} without holding the rows; `full` writes whole
    ARM rows, `minified` one line (as `az rest`, `jq -c` and json.dump write)."""

    def __init__(self, path: Path, kind: str = "", full: bool = False,
                 minified: bool = False) -> None:
        self.path = path
        self.kind = kind
        self.full = full
        self.sep = "," if minified else ",\n"
        self.minified = minified
        self.tmp = path.with_suffix(".tmp")
        self.fh: TextIO = open(self.tmp, "w", encoding="utf-8")
        self.fh.write('{"data":[' if minified else '{"data": [\n')
        self.count = 0

    def write(self, row: dict) -> None:
        if self.count:
            self.fh.write(self.sep)
        if self.full:
            row = full_row(self.kind, row)
        self.fh.write(json.dumps(row, separators=(",", ":")))
        self.count += 1

    def close(self) -> None:
        if self.minified:
            self.fh.write(f'],"count":{self.count},"skip_token":null}}')
        else:
            self.fh.write(f'\n], "count": {self.count}, "skip_token": null}}\n')
        self.fh.close()
        os.replace(self.tmp, self.path)


def definitions(n_versions: int) -> Iterator[tuple[int, str, str, str, str]]:
    """(index, subscription, gallery id, definition id, region) for each definition."""
    for d in range(n_versions // VERSIONS_PER_DEFINITION):
        g = d // DEFINITIONS_PER_GALLERY
        s = g // GALLERIES_PER_SUBSCRIPTION
        sub = sub_id(s + 1)
        region = REGIONS[g % len(REGIONS)]
        gallery = (f"/subscriptions/{sub}/resourceGroups/rg-images-{g % 7}/providers/"
                   f"Microsoft.Compute/galleries/acg_{g:05d}")
        yield d, sub, gallery, f"{gallery}/images/img-{d:06d}", region


def generate(out: Path, n_versions: int, vms_per_version: int, full: bool = False,
             minified: bool = False, finding_rate: float = 0.001,
             scale_sets_per_definition: float = 2.5) -> dict[str, int]:
    """`finding_rate`: the share of VMs and scale sets whose OS disk is Standard_LRS (a
    finding each where the definition disallows it, one definition in five, and
    ACG403's when the image is Trusted Launch)."""
    out.mkdir(parents=True, exist_ok=True)
    shape = {"full": full, "minified": minified}
    galleries = RowWriter(out / "galleries.json", "gallery", **shape)
    images = RowWriter(out / "image-definitions.json", "definition", **shape)
    versions = RowWriter(out / "image-versions.json", "version", **shape)
    vm_file = 0
    vms = RowWriter(out / f"virtual-machines-{vm_file:03d}.json", "vm", **shape)
    scale_sets = RowWriter(out / "virtual-machine-scale-sets.json", "vmss", **shape)
    seen_galleries = set()
    vm_index = 0
    every = max(1, round(1 / finding_rate)) if finding_rate > 0 else 0
    for d, sub, gallery, definition, region in definitions(n_versions):
        if gallery not in seen_galleries:
            seen_galleries.add(gallery)
            galleries.write({"id": gallery, "name": gallery.rsplit("/", 1)[1],
                             "subscriptionId": sub, "location": region, "tags": {},
                             "uniqueName": f"{sub}-{gallery.rsplit('/', 1)[1].upper()}",
                             "permissions": "Private", "communityGalleryInfo": None})
        second = REGIONS[(REGIONS.index(region) + 1) % len(REGIONS)]
        images.write({"id": definition, "name": definition.rsplit("/", 1)[1],
                      "subscriptionId": sub, "location": region, "publisher": "Contoso",
                      "offer": f"offer{d % 97}", "sku": f"sku-{d:06d}", "osType": "Linux",
                      "osState": "Generalized", "hyperVGeneration": "V2",
                      "architecture": "x64", "endOfLifeDate": "2029-12-31T00:00:00Z",
                      "disallowedDiskTypes": ["Standard_LRS"] if d % 5 == 0 else None,
                      "features": [{"name": "SecurityType", "value": "TrustedLaunchSupported"}]})
        for v in range(VERSIONS_PER_DEFINITION):
            name = f"1.{v}.{d % 1000}" if (d * 10 + v) % 5000 else f"1.{v}.{d}-rc"
            versions.write({
                "id": f"{definition}/versions/{name}", "name": name, "subscriptionId": sub,
                "location": region, "publishedDate": f"2026-{1 + v:02d}-15T08:00:00Z",
                "endOfLifeDate": None, "excludeFromLatest": False, "replicaCount": 1,
                "storageAccountType": "Standard_ZRS", "replicationMode": None,
                "osDiskSizeGB": 30,
                "targetRegions": [
                    {"name": region, "regionalReplicaCount": 3,
                     "storageAccountType": "Standard_ZRS", "excludeFromLatest": False},
                    {"name": second, "regionalReplicaCount": 3,
                     "storageAccountType": "Standard_ZRS", "excludeFromLatest": False}],
                "safetyProfile": None})
        latest = f"{definition}/versions/1.{VERSIONS_PER_DEFINITION - 1}.{d % 1000}"
        for j in range(int((d + 1) * scale_sets_per_definition) - int(d * scale_sets_per_definition)):
            name = f"vmss-{scale_sets.count:07d}"
            scale_sets.write({
                "id": (f"/subscriptions/{sub}/resourceGroups/rg-app-{d % 13}/providers/"
                       f"Microsoft.Compute/virtualMachineScaleSets/{name}"),
                "name": name, "subscriptionId": sub, "location": region if j % 2 else second,
                "imageId": latest if j % 3 == 0 else definition, "capacity": 4 + j,
                "sharedGalleryImageId": "", "communityGalleryImageId": "",
                "exactVersion": "" if j % 3 == 0 else latest.rsplit("/", 1)[1],
                "osDiskType": "Standard_LRS" if every and scale_sets.count % every == 0
                else "Premium_LRS", "securityType": "TrustedLaunch"})
        for i in range(vms_per_version * VERSIONS_PER_DEFINITION):
            if vms.count >= VM_ROWS_PER_FILE:
                vms.close()
                vm_file += 1
                vms = RowWriter(out / f"virtual-machines-{vm_file:03d}.json", "vm", **shape)
            vm_region = region if i % 2 else second
            pinned = i % 10 < 3
            vms.write({
                "id": (f"/subscriptions/{sub}/resourceGroups/rg-app-{d % 13}/providers/"
                       f"Microsoft.Compute/virtualMachines/vm-{vm_index:08d}"),
                "name": f"vm-{vm_index:08d}", "subscriptionId": sub, "location": vm_region,
                "imageId": latest if pinned else definition, "sharedGalleryImageId": "",
                "communityGalleryImageId": "",
                "exactVersion": "" if pinned else latest.rsplit("/", 1)[1],
                "osDiskType": "Standard_LRS" if every and vm_index % every == 0
                else "Premium_LRS",
                "securityType": "TrustedLaunch", "vmssId": ""})
            vm_index += 1
    for w in (galleries, images, versions, vms, scale_sets):
        w.close()
    return {"galleries": galleries.count, "definitions": images.count,
            "versions": versions.count, "vms": vm_index, "scale_sets": scale_sets.count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--versions", type=int, default=10_000)
    parser.add_argument("--vms-per-version", type=int, default=10)
    parser.add_argument("--shape", choices=("projected", "full"), default="projected",
                        help="projected columns (the exporter's) or whole ARM rows")
    parser.add_argument("--minified", action="store_true", help="one line per file")
    parser.add_argument("--finding-rate", type=float, default=0.001,
                        help="share of VMs and scale sets on a Standard_LRS OS disk")
    parser.add_argument("--scale-sets-per-definition", type=float, default=2.5)
    args = parser.parse_args()
    counts = generate(args.out, args.versions, args.vms_per_version,
                      full=args.shape == "full", minified=args.minified,
                      finding_rate=args.finding_rate,
                      scale_sets_per_definition=args.scale_sets_per_definition)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()


def generate_template(path: Path, lines: int) -> int:
    """An ARM template of about `lines` lines: a gallery, a definition, versions and
    VMs whose names and ids are expressions, as `bicep build` writes them."""
    resources: list[dict] = [
        {"type": "Microsoft.Compute/galleries", "apiVersion": "2024-03-03",
         "name": "[parameters('galleryName')]", "location": "[parameters('location')]",
         "properties": {"sharingProfile": {"permissions": "Private"}}},
        {"type": "Microsoft.Compute/galleries/images", "apiVersion": "2024-03-03",
         "name": "[format('{0}/{1}', parameters('galleryName'), 'app')]",
         "location": "[parameters('location')]",
         "properties": {"osType": "Linux", "osState": "Generalized", "hyperVGeneration": "V2",
                        "identifier": {"publisher": "Contoso", "offer": "App", "sku": "1"},
                        "features": [{"name": "SecurityType",
                                      "value": "TrustedLaunchSupported"}],
                        "endOfLifeDate": "2029-01-01T00:00:00Z"}},
    ]
    i = 0
    while len(json.dumps({"resources": resources}, indent=2).splitlines()) < lines:
        resources.append({
            "type": "Microsoft.Compute/galleries/images/versions", "apiVersion": "2024-03-03",
            "name": f"[format('{{0}}/{{1}}/{{2}}', parameters('galleryName'), 'app', '1.0.{i}')]",
            "location": "[parameters('location')]",
            "properties": {"publishingProfile": {
                "targetRegions": [{"name": "[parameters('location')]",
                                   "regionalReplicaCount": 3,
                                   "storageAccountType": "Standard_ZRS"}],
                "endOfLifeDate": "2028-01-01T00:00:00Z"},
                "storageProfile": {"source": {
                    "id": "[resourceId('Microsoft.Compute/images', concat('build-', string(" +
                          f"{i})))]"}}}})
        resources.append({
            "type": "Microsoft.Compute/virtualMachines", "apiVersion": "2024-07-01",
            "name": f"[concat('vm-', '{i}')]", "location": "[parameters('location')]",
            "properties": {"storageProfile": {
                "imageReference": {"id": "[resourceId('Microsoft.Compute/galleries/images/"
                                         f"versions', parameters('galleryName'), 'app', '1.0.{i}')]"},
                "osDisk": {"managedDisk": {"storageAccountType": "Premium_LRS"}}},
                "securityProfile": {"securityType": "TrustedLaunch"}}})
        i += 1
    doc = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                      "deploymentTemplate.json#", "contentVersion": "1.0.0.0",
           "parameters": {"galleryName": {"type": "string", "defaultValue": "acg_bench"},
                          "location": {"type": "string", "defaultValue": "westeurope"}},
           "resources": resources}
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    return len(text.splitlines())


def generate_plan(path: Path, vms: int) -> int:
    """A `terraform show -json` plan: a gallery, an image, a version and `vms` Linux VMs
    (count = vms) whose source_image_id refers to the version through `configuration`."""
    sub = "00000000-0000-4000-8000-000000000001"
    changes = [
        {"address": "azurerm_shared_image_gallery.main", "mode": "managed",
         "type": "azurerm_shared_image_gallery", "name": "main",
         "change": {"actions": ["create"], "after": {
             "name": "acg_plan", "resource_group_name": "rg-images", "location": "westeurope",
             "tags": {"environment": "prod"}}, "after_unknown": {"id": True}}},
        {"address": "azurerm_shared_image.app", "mode": "managed", "type": "azurerm_shared_image",
         "name": "app", "change": {"actions": ["create"], "after": {
             "name": "app", "gallery_name": "acg_plan", "resource_group_name": "rg-images",
             "location": "westeurope", "os_type": "Linux", "hyper_v_generation": "V2",
             "trusted_launch_supported": True,
             "identifier": [{"publisher": "Contoso", "offer": "App", "sku": "1"}],
             "end_of_life_date": "2029-01-01T00:00:00Z"}, "after_unknown": {"id": True}}},
        {"address": "azurerm_shared_image_version.v1", "mode": "managed",
         "type": "azurerm_shared_image_version", "name": "v1", "change": {
             "actions": ["create"], "after": {
                 "name": "1.0.0", "gallery_name": "acg_plan", "image_name": "app",
                 "resource_group_name": "rg-images", "location": "westeurope",
                 "target_region": [{"name": "westeurope", "regional_replica_count": 3,
                                    "storage_account_type": "Standard_ZRS"}]},
             "after_unknown": {"id": True}}},
    ]
    for i in range(vms):
        changes.append({
            "address": f"azurerm_linux_virtual_machine.app[{i}]", "mode": "managed",
            "type": "azurerm_linux_virtual_machine", "name": "app", "index": i,
            "change": {"actions": ["create"], "after": {
                "name": f"app-{i:04d}", "resource_group_name": "rg-app",
                "location": "westeurope", "size": "Standard_D2s_v5",
                "admin_username": "azureuser", "secure_boot_enabled": True,
                "vtpm_enabled": True,
                "os_disk": [{"storage_account_type": "Premium_LRS", "caching": "ReadWrite"}]},
                "after_unknown": {"id": True, "source_image_id": True}}})
    doc = {"format_version": "1.2", "terraform_version": "1.9.5",
           "resource_changes": changes,
           "configuration": {"provider_config": {"azurerm": {"name": "azurerm", "expressions": {
               "subscription_id": {"constant_value": sub}}}},
               "root_module": {"resources": [{
                   "address": "azurerm_linux_virtual_machine.app", "mode": "managed",
                   "type": "azurerm_linux_virtual_machine", "name": "app",
                   "expressions": {"source_image_id": {"references": [
                       "azurerm_shared_image_version.v1.id", "azurerm_shared_image_version.v1"]}}}]}}}
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    return len(text.splitlines())
