"""Write samples/contoso/: a small, realistic estate in `az graph query` form.

Two subscriptions, three galleries, a dozen image definitions, about sixty
versions, a few hundred VMs and some scale sets. Most resources are clean;
a few are built to break one rule each, so that every rule of the catalog
fires at least once (see EXPECTED.md beside the output, which a test keeps
in step with what `gallerylint lint` reports).

Deterministic: run it again and the files come out the same.

    python samples/make_contoso.py [OUTPUT_DIR]
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent / "contoso"
TENANT = "72f988bf-0000-4000-8000-000000000001"
SUB_A = "11111111-1111-4111-8111-111111111111"  # platform subscription: galleries, prod VMs
SUB_B = "22222222-2222-4222-8222-222222222222"  # app subscription: community gallery, VMs
RG_IMAGES = "rg-images"


def gallery_id(sub: str, gallery: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{RG_IMAGES}/providers/Microsoft.Compute/galleries/{gallery}"


def row(rid: str, rtype: str, location: str, properties: dict, tags: dict | None = None,
        sku: dict | None = None) -> dict:
    parts = rid.split("/")
    return {
        "id": rid,
        "name": parts[-1],
        "type": rtype,
        "tenantId": TENANT,
        "kind": "",
        "location": location,
        "resourceGroup": parts[4].lower(),
        "subscriptionId": parts[2],
        "managedBy": "",
        "sku": sku,
        "plan": None,
        "properties": properties,
        "tags": tags or {},
        "identity": None,
        "zones": None,
        "extendedLocation": None,
    }


GALLERIES = [
    # (subscription, name, location, permissions, tags, extra sharing)
    (SUB_A, "contoso_prod", "westeurope", "Private", {"environment": "prod"}, {}),
    (SUB_A, "contoso_shared", "westeurope", "Groups", {"environment": "dev"}, {}),
    (SUB_B, "contosocommunity", "northeurope", "Community", {},
     {"communityGalleryInfo": {"publisherUri": "https://contoso.example/images",
                               "publisherContact": "images@contoso.example",
                               "publicNamePrefix": "contoso",
                               "publicNames": ["contoso-8f2f4c1e-6b0e-4d7f-9f44-6a1c2d3e4f50"],
                               "communityGalleryEnabled": True}}),
]

# (gallery, name, publisher, offer, sku, hyperV, securityType, osState, eol, disallowed, extra)
DEFINITIONS = [
    ("contoso_prod", "ubuntu-2204", "Contoso", "Ubuntu", "22_04-lts-gen2", "V2",
     "TrustedLaunchSupported", "Generalized", "2028-04-30T00:00:00Z", ["Standard_LRS"], {}),
    ("contoso_prod", "win2022-iis", "Contoso", "WindowsServer", "2022-iis", "V2",
     "TrustedLaunch", "Generalized", "2027-10-14T00:00:00Z", [], {}),
    ("contoso_prod", "rhel9", "Contoso", "RHEL", "9-gen2", "V2", "TrustedLaunchSupported",
     "Generalized", "2029-05-31T00:00:00Z", [], {}),
    ("contoso_prod", "rhel9-copy", "contoso", "rhel", "9-GEN2", "V2", "TrustedLaunchSupported",
     "Generalized", "2029-05-31T00:00:00Z", [], {}),
    ("contoso_prod", "ubuntu-2004", "Contoso", "Ubuntu", "20_04-lts-gen2", "V2",
     "TrustedLaunchSupported", "Generalized", "2027-04-30T00:00:00Z", [], {}),
    ("contoso_prod", "legacy-centos7", "Contoso", "CentOS", "7.9.", "V1", None,
     "Generalized", "2024-06-30T00:00:00Z", [], {}),
    ("contoso_shared", "base-linux", "Contoso", "BaseLinux", "2024", "V2",
     "TrustedLaunchAndConfidentialVmSupported", "Generalized", None, [], {}),
    ("contoso_shared", "hotfix-demo", "Contoso", "Hotfix", "demo", "V2",
     "TrustedLaunchSupported", "Generalized", "2028-01-31T00:00:00Z", [], {}),
    ("contoso_shared", "retired-tools", "Contoso", "Tools", "retired", "V2",
     "TrustedLaunchSupported", "Generalized", "2028-01-31T00:00:00Z", [], {}),
    ("contosocommunity", "public-tools", "ContosoPublic", "Tools", "2024", "V2",
     "TrustedLaunchSupported", "Generalized", "2028-06-30T00:00:00Z", [],
     {"eula": "https://contoso.example/eula", "releaseNoteUri": "https://contoso.example/notes"}),
    ("contosocommunity", "golden-specialized", "ContosoPublic", "Golden", "specialized", "V2",
     "TrustedLaunchSupported", "Specialized", "2028-06-30T00:00:00Z", [],
     {"eula": "https://contoso.example/eula",
      "privacyStatementUri": "https://contoso.example/privacy",
      "releaseNoteUri": "https://contoso.example/notes"}),
    ("contosocommunity", "public-runner", "ContosoPublic", "Runner", "2024", "V2",
     "TrustedLaunchSupported", "Generalized", "2028-06-30T00:00:00Z", [],
     {"eula": "https://contoso.example/eula",
      "privacyStatementUri": "https://contoso.example/privacy",
      "releaseNoteUri": "https://contoso.example/notes"}),
]

GALLERY_SUB = {g[1]: g[0] for g in GALLERIES}
GALLERY_LOC = {g[1]: g[2] for g in GALLERIES}


def definition_id(gallery: str, image: str) -> str:
    return f"{gallery_id(GALLERY_SUB[gallery], gallery)}/images/{image}"


def version_id(gallery: str, image: str, version: str) -> str:
    return f"{definition_id(gallery, image)}/versions/{version}"


def regions(*specs: tuple[str, int], storage: str = "Standard_ZRS") -> list[dict]:
    return [{"name": name, "regionalReplicaCount": count, "storageAccountType": storage,
             "excludeFromLatest": False} for name, count in specs]


def version(gallery: str, image: str, name: str, published: str, target: list[dict], *,
            eol: str | None = "default", exclude: bool = False, location: str | None = None,
            os_gb: int = 30, data_gb: tuple[int, ...] = (), mode: str | None = None,
            extra: dict | None = None) -> dict:
    pp: dict = {"targetRegions": target, "replicaCount": 1, "excludeFromLatest": exclude,
                "publishedDate": published, "storageAccountType": "Standard_ZRS"}
    if eol == "default":
        pp["endOfLifeDate"] = None
    elif eol is not None:
        pp["endOfLifeDate"] = eol
    if mode:
        pp["replicationMode"] = mode
    props: dict = {
        "publishingProfile": pp,
        "storageProfile": {
            "osDiskImage": {"sizeInGB": os_gb, "hostCaching": "ReadWrite"},
            "dataDiskImages": [{"lun": i, "sizeInGB": gb, "hostCaching": "None"}
                               for i, gb in enumerate(data_gb)],
        },
        # blockDeletionBeforeEndOfLife false: the platform team deletes old versions itself
        # (rules.md v3: an absent block keeps a version until its end of life, ACG206)
        "safetyProfile": {"allowDeletionOfReplicatedLocations": False,
                          "blockDeletionBeforeEndOfLife": False,
                          "reportedForPolicyViolation": False, "policyViolations": []},
        "provisioningState": "Succeeded",
    }
    if extra:
        for key, value in extra.items():
            if isinstance(value, dict) and isinstance(props.get(key), dict):
                props[key].update(value)
            else:
                props[key] = value
    return row(version_id(gallery, image, name), "microsoft.compute/galleries/images/versions",
               location or GALLERY_LOC[gallery], props)


WE, NE, EUS = "westeurope", "northeurope", "eastus"


def versions() -> list[dict]:
    out = []
    # ubuntu-2204: the busy production image. 1.0.0 is pinned by many VMs (ACG306, grouped).
    for i, (name, published) in enumerate([
            ("1.0.0", "2026-05-04T08:00:00Z"), ("1.0.1", "2026-06-01T08:00:00Z"),
            ("1.1.0", "2026-07-06T08:00:00Z"), ("1.1.1", "2026-08-03T08:00:00Z"),
            ("1.1.2", "2026-09-07T08:00:00Z")]):
        out.append(version("contoso_prod", "ubuntu-2204", name, published,
                           regions((WE, 3), (NE, 3))))
    out.append(version("contoso_prod", "ubuntu-2204", "1.2.0", "2026-10-05T08:00:00Z",
                       regions((WE, 2), (NE, 3))))  # 45 VMs in westeurope: ACG601
    out.append(version("contoso_prod", "ubuntu-2204", "1.10.0", "2026-11-02T08:00:00Z",
                       regions((WE, 3), (NE, 3)), exclude=True))  # canary, excluded globally
    # win2022-iis: scale sets (ACG602 on 2.1.0).
    for name, published in [("2.0.0", "2026-06-10T08:00:00Z"), ("2.0.1", "2026-08-12T08:00:00Z")]:
        out.append(version("contoso_prod", "win2022-iis", name, published,
                           regions((WE, 3), (NE, 3)), os_gb=127))
    out.append(version("contoso_prod", "win2022-iis", "2.1.0", "2026-10-20T08:00:00Z",
                       regions((WE, 2), (NE, 3)), os_gb=127))
    # rhel9: an invalid name (ACG101), a huge image (ACG205), many replicas (ACG204),
    # a version pinned from a region it does not target (ACG603).
    out.append(version("contoso_prod", "rhel9", "9.4.0", "2026-09-15T08:00:00Z",
                       regions((WE, 3), (NE, 3))))
    out.append(version("contoso_prod", "rhel9", "9.4.1", "2026-10-15T08:00:00Z",
                       regions((WE, 3), (NE, 3))))
    out.append(version("contoso_prod", "rhel9", "9.5.0-beta", "2026-11-01T08:00:00Z",
                       regions((WE, 3), (NE, 3)), exclude=True))
    out.append(version("contoso_prod", "rhel9", "9.5.0", "2026-11-10T08:00:00Z",
                       regions((WE, 45), (NE, 3)), os_gb=1024, data_gb=(1100,)))
    out.append(version("contoso_prod", "rhel9-copy", "9.4.0", "2026-09-15T08:00:00Z",
                       regions((WE, 3), (NE, 3))))
    # ubuntu-2004: 1.0.0 past its own end of life and pinned (ACG301 error, ACG306 error);
    # 1.0.1 past end of life, unused and not latest (ACG301 note); 1.1.0 ends soon (ACG302).
    out.append(version("contoso_prod", "ubuntu-2004", "1.0.0", "2025-11-03T08:00:00Z",
                       regions((WE, 3), (NE, 3)), eol="2026-06-30T00:00:00Z"))
    out.append(version("contoso_prod", "ubuntu-2004", "1.0.1", "2025-12-01T08:00:00Z",
                       regions((WE, 3), (NE, 3)), eol="2026-07-31T00:00:00Z"))
    out.append(version("contoso_prod", "ubuntu-2004", "1.1.0", "2026-09-01T08:00:00Z",
                       regions((WE, 3), (NE, 3)), eol="2026-12-10T00:00:00Z"))
    out.append(version("contoso_prod", "ubuntu-2004", "1.2.0", "2026-10-12T08:00:00Z",
                       regions((WE, 3), (NE, 3))))
    # legacy-centos7: V1 (ACG701), definition past end of life (ACG304), stale (ACG305).
    for name, published in [("7.9.0", "2024-01-15T08:00:00Z"), ("7.9.1", "2024-04-15T08:00:00Z")]:
        out.append(version("contoso_prod", "legacy-centos7", name, published,
                           regions((WE, 3), (NE, 3))))
    # base-linux (shared gallery, no end-of-life dates: ACG303 on each version).
    for i, name in enumerate(["2024.1.0", "2024.2.0", "2024.3.0"]):
        out.append(version("contoso_shared", "base-linux", name, f"2026-0{7 + i}-01T08:00:00Z",
                           regions((WE, 2), (NE, 2)), eol=None))
    out.append(version("contoso_shared", "base-linux", "2024.4.0", "2026-10-01T08:00:00Z",
                       regions((WE, 10), storage="Standard_LRS"), eol=None))  # one region (ACG606), 10 LRS replicas (ACG607, ACG402)
    out.append(version("contoso_shared", "base-linux", "2024.5.0", "2026-10-15T08:00:00Z",
                       [{"name": NE, "regionalReplicaCount": 2,
                         "storageAccountType": "Standard_LRS", "excludeFromLatest": False}],
                       eol=None, location=WE))  # source region not targeted (ACG604)
    # hotfix-demo: 1.0.5 published after 2.0.0 (ACG104).
    out.append(version("contoso_shared", "hotfix-demo", "1.0.4", "2026-08-01T08:00:00Z",
                       regions((WE, 2), (NE, 2))))
    out.append(version("contoso_shared", "hotfix-demo", "2.0.0", "2026-09-01T08:00:00Z",
                       regions((WE, 2), (NE, 2))))
    out.append(version("contoso_shared", "hotfix-demo", "1.0.5", "2026-11-02T08:00:00Z",
                       regions((WE, 2), (NE, 2))))
    # retired-tools: nothing eligible for latest in a shared gallery (ACG307, definition).
    for name in ("3.0.0", "3.1.0"):
        out.append(version("contoso_shared", "retired-tools", name, "2026-09-20T08:00:00Z",
                           regions((WE, 2), (NE, 2)), exclude=True))
    # A shallow-replicated dev build used by a production VM and a big scale set (ACG403),
    # a failed replication (ACG308), a version flagged for a policy violation (ACG309).
    out.append(version("contoso_shared", "base-linux", "2024.5.1", "2026-11-12T08:00:00Z",
                       regions((WE, 3), (NE, 3)), eol=None, mode="Shallow",
                       exclude=True))
    out.append(version("contoso_shared", "hotfix-demo", "2.0.1", "2026-11-15T08:00:00Z",
                       regions((WE, 2), (NE, 2)), exclude=True,
                       extra={"provisioningState": "Failed",
                              "replicationStatus": {"aggregatedState": "Failed", "summary": [
                                  {"region": "West Europe", "state": "Completed",
                                   "details": "", "progress": 100},
                                  {"region": "North Europe", "state": "Failed",
                                   "details": "Operation timed out", "progress": 40}]}}))
    # Community gallery versions (northeurope), one flagged (ACG309).
    for name, published in [("1.0.0", "2026-09-01T08:00:00Z"), ("1.1.0", "2026-10-20T08:00:00Z")]:
        out.append(version("contosocommunity", "public-tools", name, published,
                           regions((NE, 2), (WE, 2))))
    out.append(version("contosocommunity", "golden-specialized", "1.0.0", "2026-10-01T08:00:00Z",
                       regions((NE, 2), (WE, 2))))
    out.append(version("contosocommunity", "public-runner", "1.0.0", "2026-10-05T08:00:00Z",
                       regions((NE, 2), (WE, 2)),
                       extra={"safetyProfile": {"reportedForPolicyViolation": True,
                                                "policyViolations": [{
                                                    "category": "ImageFlaggedUnsafe",
                                                    "details": "Flagged by a scan"}]}}))
    out.append(version("contosocommunity", "public-runner", "1.1.0", "2026-11-05T08:00:00Z",
                       regions((NE, 2), (WE, 2))))
    # Filler: older, clean versions across definitions (realistic history).
    for minor in range(1, 6):
        out.append(version("contoso_prod", "rhel9", f"9.{minor - 1}.9", f"2026-0{minor}-10T08:00:00Z",
                           regions((WE, 3), (NE, 3))))
        out.append(version("contoso_prod", "win2022-iis", f"1.{minor}.0",
                           f"2026-0{minor}-12T08:00:00Z", regions((WE, 3), (NE, 3)), os_gb=127))
        out.append(version("contosocommunity", "public-tools", f"0.{minor}.0",
                           f"2026-0{minor}-20T08:00:00Z", regions((NE, 2), (WE, 2))))
    for minor in range(3):
        out.append(version("contoso_prod", "ubuntu-2004", f"0.9.{minor}",
                           f"2025-0{minor + 7}-05T08:00:00Z", regions((WE, 3), (NE, 3)),
                           eol="2027-04-30T00:00:00Z"))
    return out


def definitions() -> list[dict]:
    out = []
    for (gallery, name, publisher, offer, sku, hyperv, security, os_state, eol, disallowed,
         extra) in DEFINITIONS:
        features = [{"name": "SecurityType", "value": security}] if security else []
        features.append({"name": "IsAcceleratedNetworkSupported", "value": "True"})
        props = {"identifier": {"publisher": publisher, "offer": offer, "sku": sku},
                 "osType": "Windows" if "win" in name else "Linux", "osState": os_state,
                 "hyperVGeneration": hyperv, "architecture": "x64", "features": features,
                 "provisioningState": "Succeeded"}
        if eol:
            props["endOfLifeDate"] = eol
        if disallowed:
            props["disallowed"] = {"diskTypes": disallowed}
        props.update(extra)
        out.append(row(definition_id(gallery, name), "microsoft.compute/galleries/images",
                       GALLERY_LOC[gallery], props))
    return out


def galleries() -> list[dict]:
    out = []
    for sub, name, location, permissions, tags, sharing in GALLERIES:
        props = {"identifier": {"uniqueName": f"{sub}-{name.upper()}"},
                 "sharingProfile": {"permissions": permissions, **sharing},
                 "provisioningState": "Succeeded"}
        out.append(row(gallery_id(sub, name), "microsoft.compute/galleries", location, props,
                       tags))
    return out


def vm(sub: str, rg: str, name: str, location: str, image_id: str, *, disk: str = "Premium_LRS",
       security: str | None = "TrustedLaunch", tags: dict | None = None,
       exact: str | None = None, vmss: str | None = None, ref_key: str = "id") -> dict:
    ref = {ref_key: image_id}
    if exact:
        ref["exactVersion"] = exact
    props: dict = {
        "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
        "storageProfile": {"imageReference": ref,
                           "osDisk": {"createOption": "FromImage", "caching": "ReadWrite",
                                      "managedDisk": {"storageAccountType": disk}},
                           "dataDisks": []},
        "provisioningState": "Succeeded",
    }
    if security:
        props["securityProfile"] = {"securityType": security,
                                    "uefiSettings": {"secureBootEnabled": True,
                                                     "vTpmEnabled": True}}
    if vmss:
        props["virtualMachineScaleSet"] = {"id": vmss}
    rid = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}"
    return row(rid, "microsoft.compute/virtualmachines", location, props, tags)


def vmss(sub: str, rg: str, name: str, location: str, image_id: str, capacity: int, *,
         mode: str = "Uniform", tags: dict | None = None) -> dict:
    props = {
        "orchestrationMode": mode,
        "virtualMachineProfile": {
            "storageProfile": {"imageReference": {"id": image_id},
                               "osDisk": {"createOption": "FromImage", "caching": "ReadWrite",
                                          "managedDisk": {"storageAccountType": "Premium_LRS"}}},
            "securityProfile": {"securityType": "TrustedLaunch",
                                "uefiSettings": {"secureBootEnabled": True, "vTpmEnabled": True}},
        },
        "provisioningState": "Succeeded",
    }
    rid = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachineScaleSets/{name}"
    return row(rid, "microsoft.compute/virtualmachinescalesets", location, props, tags,
               sku={"name": "Standard_D2s_v5", "tier": "Standard", "capacity": capacity})


def deployments() -> tuple[list[dict], list[dict]]:
    vms: list[dict] = []
    sets: list[dict] = []
    prod = {"environment": "prod"}
    ubuntu = definition_id("contoso_prod", "ubuntu-2204")
    # 45 VMs following latest of ubuntu-2204 in westeurope (1.2.0, 2 replicas: ACG601).
    for i in range(45):
        vms.append(vm(SUB_A, "rg-web-prod", f"web-we-{i:03d}", WE, ubuntu, tags=prod))
    # 40 following latest in northeurope (3 replicas: clean).
    for i in range(40):
        vms.append(vm(SUB_A, "rg-web-prod", f"web-ne-{i:03d}", NE, ubuntu, tags=prod,
                      exact="1.2.0"))
    # 14 pinned to 1.0.0 in westeurope (ACG306, grouped into one finding) and 3 in northeurope.
    for i in range(14):
        vms.append(vm(SUB_A, "rg-batch", f"batch-we-{i:03d}", WE, f"{ubuntu}/versions/1.0.0"))
    for i in range(3):
        vms.append(vm(SUB_A, "rg-batch", f"batch-ne-{i:03d}", NE, f"{ubuntu}/versions/1.0.0"))
    # One VM on a disallowed disk type (ACG401), one ConfidentialVM from a Trusted Launch image.
    vms.append(vm(SUB_B, "rg-app", "app-cheap-001", WE, ubuntu, disk="Standard_LRS"))
    vms.append(vm(SUB_B, "rg-app", "app-cvm-001", WE, ubuntu, security="ConfidentialVM"))
    # rhel9: 60 VMs on latest across both regions (3 replicas each: clean), one pinned VM in
    # eastus where 9.4.1 is not replicated (ACG603), one following latest in eastus (ACG307).
    rhel = definition_id("contoso_prod", "rhel9")
    for i in range(30):
        vms.append(vm(SUB_B, "rg-erp", f"erp-we-{i:03d}", WE, f"{rhel}/versions/9.4.1"))
        vms.append(vm(SUB_B, "rg-erp", f"erp-ne-{i:03d}", NE, rhel))
    vms.append(vm(SUB_B, "rg-erp", "erp-eus-001", EUS, f"{rhel}/versions/9.4.1"))
    vms.append(vm(SUB_B, "rg-erp", "erp-eus-002", EUS, rhel))
    # ubuntu-2004 1.0.0 is past its end of life and pinned by 4 VMs (ACG301; ACG306 at error).
    u2004 = definition_id("contoso_prod", "ubuntu-2004")
    for i in range(4):
        vms.append(vm(SUB_A, "rg-legacy", f"legacy-we-{i:03d}", WE, f"{u2004}/versions/1.0.0"))
    for i in range(20):
        vms.append(vm(SUB_A, "rg-legacy", f"tools-we-{i:03d}", WE, u2004))
    # legacy-centos7 (V1 image: VMs are Standard).
    centos = definition_id("contoso_prod", "legacy-centos7")
    for i in range(6):
        vms.append(vm(SUB_A, "rg-legacy", f"centos-we-{i:03d}", WE, centos, security=None))
    # base-linux through the shared-gallery reference form; 2024.4.0 pinned by 2 VMs in
    # westeurope (one region: ACG606; 10 replicas: ACG607).
    shared_unique = f"{SUB_A}-CONTOSO_SHARED"
    for i in range(2):
        vms.append(vm(SUB_B, "rg-dev", f"dev-we-{i:03d}", WE,
                      f"/SharedGalleries/{shared_unique}/Images/base-linux/Versions/2024.4.0",
                      ref_key="sharedGalleryImageId"))
    for i in range(30):
        vms.append(vm(SUB_B, "rg-dev", f"dev-ne-{i:03d}", NE,
                      f"/SharedGalleries/{shared_unique}/Images/base-linux",
                      ref_key="sharedGalleryImageId", exact="2024.3.0"))
    # The shallow build used by a production VM (ACG403).
    vms.append(vm(SUB_A, "rg-web-prod", "web-canary-001", WE,
                  f"{definition_id('contoso_shared', 'base-linux')}/versions/2024.5.1",
                  tags=prod))
    # Community images used from the app subscription by public name.
    public = "contoso-8f2f4c1e-6b0e-4d7f-9f44-6a1c2d3e4f50"
    for i in range(12):
        vms.append(vm(SUB_B, "rg-ci", f"ci-ne-{i:03d}", NE,
                      f"/CommunityGalleries/{public}/Images/public-tools/Versions/latest",
                      ref_key="communityGalleryImageId", exact="1.1.0"))
    # References the inventory cannot resolve (ACG801): a missing version, an unknown gallery.
    vms.append(vm(SUB_B, "rg-app", "app-typo-001", WE, f"{rhel}/versions/9.9.9"))
    vms.append(vm(SUB_B, "rg-app", "app-other-001", WE,
                  f"/subscriptions/{SUB_B}/resourceGroups/rg-x/providers/Microsoft.Compute/"
                  "galleries/partner_gallery/images/appliance"))
    # Marketplace VMs: not gallery deployments, never judged.
    for i in range(25):
        vms.append(row(f"/subscriptions/{SUB_B}/resourceGroups/rg-misc/providers/"
                       f"Microsoft.Compute/virtualMachines/misc-{i:03d}",
                       "microsoft.compute/virtualmachines", NE,
                       {"storageProfile": {"imageReference": {
                           "publisher": "Canonical", "offer": "ubuntu-24_04-lts",
                           "sku": "server", "version": "latest", "exactVersion": "24.04.202410"},
                           "osDisk": {"managedDisk": {"storageAccountType": "Premium_LRS"}}}}))
    # Scale sets: win2022-iis 2.1.0 in westeurope, 3 scale sets on 2 replicas (ACG602).
    win = definition_id("contoso_prod", "win2022-iis")
    for i in range(3):
        sets.append(vmss(SUB_A, "rg-iis", f"iis-we-{i}", WE, f"{win}/versions/2.1.0", 40,
                         tags=prod))
    sets.append(vmss(SUB_A, "rg-iis", "iis-ne-0", NE, f"{win}/versions/2.1.0", 60, tags=prod))
    sets.append(vmss(SUB_A, "rg-iis", "iis-ne-1", NE, f"{win}/versions/2.0.1", 20, tags=prod))
    # A big dev scale set on the shallow build (ACG403: more than 20 instances).
    sets.append(vmss(SUB_B, "rg-dev", "dev-pool", NE,
                     f"{definition_id('contoso_shared', 'base-linux')}/versions/2024.5.1", 30))
    # A Flexible scale set with 5 member VMs that count through the scale set only.
    flex_id = (f"/subscriptions/{SUB_B}/resourceGroups/rg-flex/providers/Microsoft.Compute/"
               "virtualMachineScaleSets/flex-we")
    sets.append(vmss(SUB_B, "rg-flex", "flex-we", WE, rhel, 5, mode="Flexible"))
    for i in range(5):
        vms.append(vm(SUB_B, "rg-flex", f"flex-we_{i}", WE, rhel, vmss=flex_id, exact="9.5.0"))
    return vms, sets


SUB_C = "33333333-3333-4333-8333-333333333333"  # catalog v2: apps, sizes, soft delete
SC, FC, NO = "swedencentral", "francecentral", "norwayeast"


def _c_gallery(name: str, location: str, permissions: str, sharing: dict | None = None,
               tags: dict | None = None) -> dict:
    props = {"identifier": {"uniqueName": f"{SUB_C}-{name.upper()}"},
             "sharingProfile": {"permissions": permissions, **(sharing or {})},
             "provisioningState": "Succeeded"}
    return row(gallery_id(SUB_C, name), "microsoft.compute/galleries", location, props,
               tags or {"environment": "dev"})


def _c_definition(gallery: str, name: str, location: str, *, hyperv: str = "V2",
                  features: list[dict] | None = None, os_state: str = "Generalized",
                  os_type: str = "Linux", architecture: str = "x64",
                  extra: dict | None = None) -> dict:
    props = {"identifier": {"publisher": "Contoso", "offer": "v2", "sku": name},
             "osType": os_type, "osState": os_state, "hyperVGeneration": hyperv,
             "architecture": architecture,
             "features": features if features is not None else [
                 {"name": "SecurityType", "value": "TrustedLaunchSupported"}],
             "endOfLifeDate": "2028-12-31T00:00:00Z", "provisioningState": "Succeeded"}
    props.update(extra or {})
    return row(f"{gallery_id(SUB_C, gallery)}/images/{name}",
               "microsoft.compute/galleries/images", location, props)


def _c_version(gallery: str, image: str, name: str, *, location: str = SC,
               target: list[dict] | None = None, published: str = "2026-10-20T08:00:00Z",
               safety: dict | None = None, extra: dict | None = None,
               publishing: dict | None = None) -> dict:
    pp = {"targetRegions": target or regions((SC, 1), (FC, 1)), "replicaCount": 1,
          "excludeFromLatest": False, "publishedDate": published,
          "storageAccountType": "Standard_ZRS", **(publishing or {})}
    props = {"publishingProfile": pp,
             "storageProfile": {"osDiskImage": {"sizeInGB": 30, "hostCaching": "ReadWrite"},
                                "dataDiskImages": []},
             "safetyProfile": {"allowDeletionOfReplicatedLocations": False,
                               "reportedForPolicyViolation": False, "policyViolations": [],
                               **(safety or {})},
             "provisioningState": "Succeeded", **(extra or {})}
    return row(f"{gallery_id(SUB_C, gallery)}/images/{image}/versions/{name}",
               "microsoft.compute/galleries/images/versions", location, props)


def _c_vm(name: str, image_id: str, *, size: str = "Standard_D2s_v5", security: str | None =
          "TrustedLaunch", tags: dict | None = None, apps: list[dict] | None = None,
          extended: dict | None = None, ref_key: str = "id") -> dict:
    r = vm(SUB_C, "rg-apps", name, SC, image_id, security=security, tags=tags, ref_key=ref_key)
    r["properties"]["hardwareProfile"] = {"vmSize": size}
    if apps is not None:
        r["properties"]["applicationProfile"] = {"galleryApplications": apps}
    r["extendedLocation"] = extended
    return r


def _app_ref(app: str, version: str, order: int, treat: bool = True) -> dict:
    return {"packageReferenceId": f"{gallery_id(SUB_C, 'contoso_v2')}/applications/{app}/"
                                  f"versions/{version}",
            "order": order, "treatFailureAsDeploymentFailure": treat}


def catalog_v2() -> list[dict]:
    """Subscription C: what catalog version 2 judges (one violation per rule, the rest clean)."""
    tl = {"name": "SecurityType", "value": "TrustedLaunchSupported"}
    nvme = {"name": "DiskControllerTypes", "value": "SCSI, NVMe"}
    sas = "https://contosov2.blob.core.windows.net/legal/eula.txt?sv=2024-08-04&se=2030-01-01&sr=b&sp=r&sig=REDACTEDREDACTED"
    rows = [
        {**_c_gallery("contoso_v2", SC, "Private"), "properties": {
            **_c_gallery("contoso_v2", SC, "Private")["properties"],
            "softDeletePolicy": {"isSoftDeleteEnabled": True}}},
        # Shared with its own subscription only: ACG502 stays quiet (v2 correction).
        _c_gallery("contoso_partners", FC, "Groups",
                   {"groups": [{"type": "Subscriptions", "ids": [SUB_C]}]}),
        # Set up for community sharing, not yet public (ACG501 warning); a SAS in its EULA.
        _c_gallery("contoso_public2", NO, "Community", {"communityGalleryInfo": {
            "publisherUri": "https://contoso.example/images",
            "publisherContact": "images@contoso.example", "eula": sas,
            "publicNamePrefix": "contosov2", "communityGalleryEnabled": False,
            "publicNames": ["contosov2-0b7a"]}}),
        _c_definition("contoso_v2", "app-linux", SC, features=[tl, nvme]),
        _c_definition("contoso_v2", "gen1-linux", SC, hyperv="V1", features=[]),
        _c_definition("contoso_v2", "scsi-linux", SC),
        _c_definition("contoso_v2", "feature-conflict", SC, hyperv="V1", features=[nvme]),
        _c_definition("contoso_v2", "tl-staged", SC, features=[
            tl, {"name": "SecurityType", "value": "TrustedLaunch", "startsAtVersion": "2.0.0"}]),
        _c_definition("contoso_v2", "specialized-app", SC, os_state="Specialized"),
        _c_definition("contoso_partners", "partner-base", FC),
        # A Marketplace plan image in a community gallery, created outside its region.
        _c_definition("contoso_public2", "plan-appliance", SC, extra={
            "purchasePlan": {"name": "byol", "publisher": "contoso-isv", "product": "appliance"},
            "eula": "https://contoso.example/eula", "privacyStatementUri":
            "https://contoso.example/privacy", "releaseNoteUri": "https://contoso.example/notes"}),
        _c_version("contoso_v2", "app-linux", "1.0.0",
                   safety={"allowDeletionOfReplicatedLocations": True}),
        # Encrypted in swedencentral only (ACG404), and created in francecentral (ACG105).
        _c_version("contoso_v2", "app-linux", "1.0.2", location=FC, target=[
            {**regions((SC, 1))[0], "encryption": {"osDiskImage": {"diskEncryptionSetId":
             f"/subscriptions/{SUB_C}/resourceGroups/rg-keys/providers/Microsoft.Compute/"
             "diskEncryptionSets/des-sc"}}}, regions((FC, 1))[0]]),
        _c_version("contoso_v2", "app-linux", "1.0.3", target=[
            *regions((SC, 1)), {**regions((SC, 1))[0], "name": "Sweden Central"}]),
        _c_version("contoso_v2", "app-linux", "1.1.0", published="2026-11-10T08:00:00Z",
                   extra={"validationsProfile": {"executedValidations": [
                       {"type": "TrustedLaunch", "status": "Failed", "version": "1",
                        "executionTime": "2026-11-10T10:00:00Z"}]}}),
        _c_version("contoso_v2", "gen1-linux", "1.0.0"),
        _c_version("contoso_v2", "scsi-linux", "1.0.0"),
        _c_version("contoso_v2", "tl-staged", "2.0.0"),
        _c_version("contoso_v2", "specialized-app", "1.0.0"),
        _c_version("contoso_partners", "partner-base", "1.0.0", location=FC, target=[
            {**r, "encryption": {"osDiskImage": {"diskEncryptionSetId":
             f"/subscriptions/{SUB_C}/resourceGroups/rg-keys/providers/Microsoft.Compute/"
             f"diskEncryptionSets/des-{r['name'][:2]}"}}} for r in regions((FC, 1), (SC, 1))]),
        # The recycle bin: app-linux 0.9.0 was soft-deleted and its consumption has ended.
        {"id": f"{gallery_id(SUB_C, 'contoso_v2')}/softDeletedArtifactTypes/Images/artifacts/"
               "app-linux/versions/0.9.0", "name": "0.9.0",
         "type": "Microsoft.Compute/galleries/softDeletedArtifactTypes/artifacts/versions",
         "properties": {"resourceArmId": f"{gallery_id(SUB_C, 'contoso_v2')}/images/app-linux/"
                                         "versions/0.9.0",
                        "softDeletedArtifactType": "Images",
                        "softDeletedTime": "2026-10-01T08:00:00Z",
                        "consumptionEndTime": "2026-10-08T08:00:00Z"}},
    ]
    apps_base = f"{gallery_id(SUB_C, 'contoso_v2')}/applications"
    for app, os_type in (("agent", "Linux"), ("winagent", "Windows")):
        rows.append(row(f"{apps_base}/{app}", "microsoft.compute/galleries/applications", SC,
                        {"supportedOSType": os_type, "provisioningState": "Succeeded"}))
    for app, name, target, eol in (("agent", "1.0.0", [SC], "2026-06-01T00:00:00Z"),
                                   ("agent", "2.0.0", [SC, FC], None),
                                   ("agent", "3.0.0", [FC], None),
                                   ("winagent", "1.0.0", [SC], None)):
        pp = {"targetRegions": [{"name": r, "regionalReplicaCount": 1,
                                 "storageAccountType": "Standard_LRS"} for r in target],
              "source": {"mediaLink": f"https://contosov2.blob.core.windows.net/apps/{app}.tgz"},
              "manageActions": {"install": "./install.sh", "remove": "./remove.sh"},
              "replicaCount": 1, "excludeFromLatest": False,
              "publishedDate": "2026-10-01T08:00:00Z"}
        if eol:
            pp["endOfLifeDate"] = eol
        rows.append(row(f"{apps_base}/{app}/versions/{name}",
                        "microsoft.compute/galleries/applications/versions", SC,
                        {"publishingProfile": pp, "provisioningState": "Succeeded"}))
    image = f"{gallery_id(SUB_C, 'contoso_v2')}/images"
    latest = f"{image}/app-linux/versions/1.1.0"
    prod = {"environment": "prod"}
    rows += [
        _c_vm("v2-prod-001", f"{image}/app-linux/versions/1.0.0", tags=prod),  # ACG310
        _c_vm("v2-softdel-001", f"{image}/app-linux/versions/0.9.0"),  # ACG311
        _c_vm("v2-arm-001", f"{image}/gen1-linux/versions/1.0.0", size="Standard_D2ps_v5",
              security=None),  # ACG703 (a), (b)
        _c_vm("v2-nvme-001", f"{image}/scsi-linux/versions/1.0.0",
              size="Standard_D2as_v6"),  # ACG703 (c)
        _c_vm("v2-sku-001", latest, size="Standard_E2bds_v5"),  # clean: from the SKUs file
        _c_vm("v2-staged-001", f"{image}/tl-staged/versions/2.0.0", security=None),  # ACG702
        _c_vm("v2-edge-001", f"{image}/app-linux/versions/1.0.0",
              extended={"type": "EdgeZone", "name": "stockholm"}),  # ACG609
        _c_vm("v2-community-001", "/CommunityGalleries/stranger-4f1d/Images/tools/Versions/latest",
              ref_key="communityGalleryImageId"),  # ACG506 (and ACG801)
        _c_vm("v2-app-eol", latest, apps=[_app_ref("agent", "1.0.0", 1)]),  # ACG901
        _c_vm("v2-app-region", latest, apps=[_app_ref("agent", "3.0.0", 1)]),  # ACG902
        _c_vm("v2-app-os", latest, apps=[_app_ref("winagent", "1.0.0", 1)]),  # ACG903
        _c_vm("v2-app-dup", latest, apps=[_app_ref("agent", "2.0.0", 1),
                                          _app_ref("agent", "latest", 2)]),  # ACG904
        _c_vm("v2-app-prod", latest, tags=prod,
              apps=[_app_ref("agent", "2.0.0", 1, treat=False)]),  # ACG906
        _c_vm("v2-app-ok", latest, apps=[_app_ref("agent", "latest", 1)]),
    ]
    return rows


def resource_skus() -> list[dict]:
    """What `az vm list-skus --location swedencentral -o json` prints, for the sizes used."""
    def sku(name: str, caps: dict[str, str]) -> dict:
        return {"resourceType": "virtualMachines", "name": name, "tier": "Standard",
                "size": name.split("_", 1)[1], "family": "standardEBDSv5Family",
                "locations": ["swedencentral"], "locationInfo": [
                    {"location": "swedencentral", "zones": ["1", "2", "3"], "zoneDetails": []}],
                "capabilities": [{"name": k, "value": v} for k, v in caps.items()],
                "restrictions": []}
    return [sku("Standard_E2bds_v5", {"vCPUs": "2", "HyperVGenerations": "V1,V2",
                                       "CpuArchitectureType": "x64",
                                       "DiskControllerTypes": "SCSI,NVMe"}),
            # catalog v3 (ACG406): a size without a local disk has no ephemeral OS disk
            sku("Standard_F2s_v2", {"vCPUs": "2", "HyperVGenerations": "V1,V2",
                                     "CpuArchitectureType": "x64",
                                     "EphemeralOSDiskSupported": "False",
                                     "MaxResourceVolumeMB": "0"})]


def app_template() -> dict:
    """An ARM template (as `bicep build` writes it) deploying into subscription C."""
    image = f"{gallery_id(SUB_C, 'contoso_v2')}/images"

    def template_vm(name: str, image_id: str, extra: dict) -> dict:
        return {"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2024-07-01",
                "name": name, "location": "[parameters('location')]",
                "properties": {"hardwareProfile": {"vmSize": "Standard_D2s_v5"},
                               "storageProfile": {"imageReference": {"id": image_id},
                                                  "osDisk": {"createOption": "FromImage",
                                                             "managedDisk": {
                                                                 "storageAccountType":
                                                                 "Premium_LRS"}}},
                               "securityProfile": {"securityType": "TrustedLaunch"},
                               **extra}}
    os_profile = {"osProfile": {"computerName": "[parameters('name')]",
                                "adminUsername": "azureuser",
                                "linuxConfiguration": {"disablePasswordAuthentication": True}}}
    spec = template_vm("[format('{0}-spec', parameters('name'))]",
                       f"{image}/specialized-app/versions/1.0.0", os_profile)  # ACG802
    plan = template_vm("[format('{0}-plan', parameters('name'))]",
                       f"{image}/app-linux/versions/1.1.0", os_profile)  # ACG803 (a)
    plan["plan"] = {"name": "byol", "publisher": "contoso-isv", "product": "appliance"}
    package = {"type": "Microsoft.Compute/galleries/applications/versions",
               "apiVersion": "2024-03-03", "name": "contoso_v2/agent/9.0.0",
               "location": "[parameters('location')]",
               "properties": {"publishingProfile": {
                   "source": {"mediaLink": "https://contosov2.blob.core.windows.net/apps/"
                                           "agent-9.tgz?sv=2024-08-04&se=2027-01-01&sr=b&sp=r"
                                           "&sig=REDACTEDREDACTED"},  # ACG507 (b)
                   "manageActions": {"install": "./install.sh", "remove": "./remove.sh"},
                   "targetRegions": [{"name": "[parameters('location')]",
                                      "regionalReplicaCount": 1}]}}}
    return {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                       "deploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "parameters": {"location": {"type": "string", "defaultValue": SC},
                           "name": {"type": "string", "defaultValue": "v2app"}},
            "resources": [spec, plan, package]}


SUB_D = "44444444-4444-4444-8444-444444444444"  # catalog v3: AVD, pipelines, image sources
GW = "germanywestcentral"
AVD = f"/subscriptions/{SUB_D}/resourceGroups/rg-avd/providers/Microsoft.DesktopVirtualization"
MANAGED = f"/subscriptions/{SUB_D}/resourceGroups/rg-legacy/providers/Microsoft.Compute/images/web-2025-01"


def _d_id(gallery: str) -> str:
    return gallery_id(SUB_D, gallery)


def catalog_v3() -> list[dict]:
    """Subscription D: what catalog version 3 judges in live inventory (one violation per
    rule, the rest clean). Rows, not a snapshot: a snapshot in the sample would be stale
    on any later day, and `gate` refuses stale snapshots (ACG108, which judges snapshots
    only, is shown by the tests instead)."""
    tl = [{"name": "SecurityType", "value": "TrustedLaunchSupported"}]

    def definition(name: str) -> dict:
        return row(f"{_d_id('contoso_avd')}/images/{name}", "microsoft.compute/galleries/images",
                   GW, {"identifier": {"publisher": "Contoso", "offer": "avd", "sku": name},
                        "osType": "Windows", "osState": "Generalized",
                        "hyperVGeneration": "V2", "architecture": "x64", "features": tl,
                        "endOfLifeDate": "2028-12-31T00:00:00Z",
                        "provisioningState": "Succeeded"})

    def image_version(image: str, name: str, published: str) -> dict:
        return row(f"{_d_id('contoso_avd')}/images/{image}/versions/{name}",
                   "microsoft.compute/galleries/images/versions", GW,
                   {"publishingProfile": {"targetRegions": regions((GW, 2), ("northeurope", 1)),
                                          "replicaCount": 1,
                                          "excludeFromLatest": False,
                                          "publishedDate": published,
                                          "storageAccountType": "Standard_ZRS"},
                    "storageProfile": {"osDiskImage": {"sizeInGB": 127,
                                                       "hostCaching": "ReadWrite"},
                                       "dataDiskImages": []},
                    "safetyProfile": {"allowDeletionOfReplicatedLocations": False,
                                      "reportedForPolicyViolation": False,
                                      "policyViolations": []},
                    "provisioningState": "Succeeded"})

    def host(name: str, image_id: str, *, exact: str | None = None, tags: dict | None = None,
             ephemeral: bool = False, security: str | None = "TrustedLaunch") -> dict:
        r = vm(SUB_D, "rg-avd", name, GW, image_id, exact=exact, tags=tags, security=security)
        if ephemeral:
            disk = r["properties"]["storageProfile"]["osDisk"]
            disk["diffDiskSettings"] = {"option": "Local", "placement": "ResourceDisk"}
            disk["caching"] = "ReadOnly"
        return r

    def pool(name: str, pool_type: str, template: dict | None, tags: dict) -> dict:
        props = {"hostPoolType": pool_type, "loadBalancerType": "BreadthFirst",
                 "preferredAppGroupType": "Desktop"}
        if template is not None:
            props["vmTemplate"] = json.dumps(template)
        return row(f"{AVD}/hostPools/{name}", "microsoft.desktopvirtualization/hostpools", GW,
                   props, tags)

    def session_host(pool_name: str, machine: dict) -> dict:
        return {"id": f"{AVD}/hostPools/{pool_name}/sessionHosts/{machine['name']}.contoso.com",
                "name": f"{pool_name}/{machine['name']}.contoso.com",
                "type": "Microsoft.DesktopVirtualization/hostPools/sessionHosts",
                "properties": {"resourceId": machine["id"], "status": "Available"}}

    win11 = f"{_d_id('contoso_avd')}/images/avd-win11"
    win10 = f"{_d_id('contoso_avd')}/images/avd-win10"
    prod = {"environment": "prod"}
    sh1 = host("avd-sh-001", win11, exact="1.0.0")  # ACG806 (b): lags 1.1.0 since September
    sh2 = host("avd-sh-002", win10, exact="1.0.0")  # ACG806 (a): another definition
    sh3 = host("avd-desk-001", win11, exact="1.1.0", ephemeral=True)  # ACG407 (a)
    marketplace = {"imageType": "Gallery", "galleryImagePublisher": "MicrosoftWindowsDesktop",
                   "galleryImageOffer": "windows-11", "galleryImageSKU": "win11-23h2-avd",
                   "customImageId": None, "namePrefix": "avd"}
    legacy = vmss(SUB_D, "rg-web", "web-legacy", GW, MANAGED, 30)  # ACG611, ACG804 (b) note
    template = {
        "id": f"/subscriptions/{SUB_D}/resourceGroups/rg-aib/providers/"
              "Microsoft.VirtualMachineImages/imageTemplates/win11-monthly",
        "name": "win11-monthly", "type": "Microsoft.VirtualMachineImages/imageTemplates",
        "location": GW, "tags": {},
        "identity": {"type": "UserAssigned", "userAssignedIdentities": {
            f"/subscriptions/{SUB_D}/resourceGroups/rg-aib/providers/"
            "Microsoft.ManagedIdentity/userAssignedIdentities/aib": {}}},
        "properties": {
            "buildTimeoutInMinutes": 240,
            "source": {"type": "PlatformImage", "publisher": "MicrosoftWindowsDesktop",
                       "offer": "windows-11", "sku": "win11-23h2-avd", "version": "latest"},
            "customize": [{"type": "PowerShell", "name": "patch",
                           "inline": ["Install-WindowsUpdate -AcceptAll"]}],
            "distribute": [{"type": "SharedImage", "runOutputName": "win11",
                            "galleryImageId": win11,
                            "targetRegions": [{"name": GW, "replicaCount": 2,
                                               "storageAccountType": "Standard_ZRS"}]}],
            "provisioningState": "Succeeded",
            # ACG313 (a): the last run failed
            "lastRunStatus": {"runState": "Failed", "runSubState": "Customizing",
                              "message": "customization step patch failed",
                              "startTime": "2026-11-19T02:00:00Z",
                              "endTime": "2026-11-19T02:41:00Z"}}}
    gallery = row(_d_id("contoso_avd"), "microsoft.compute/galleries", GW,
                  {"identifier": {"uniqueName": f"{SUB_D}-CONTOSO_AVD"},
                   "sharingProfile": {"permissions": "Private"},
                   "provisioningState": "Succeeded"}, {"environment": "dev"})
    return [
        gallery, definition("avd-win11"), definition("avd-win10"),
        image_version("avd-win11", "1.0.0", "2026-08-03T06:00:00Z"),
        image_version("avd-win11", "1.1.0", "2026-09-07T06:00:00Z"),
        image_version("avd-win10", "1.0.0", "2026-09-07T06:00:00Z"),
        sh1, sh2, sh3,
        host("ops-jump-001", f"{win11}/versions/1.1.0", tags=prod,
             security=None),  # ACG707 (a): production, Trusted Launch image, Standard
        vm(SUB_D, "rg-legacy", "erp-legacy-001", GW, MANAGED, tags=prod,
           security=None),  # ACG804 (b): production VM on a managed image
        legacy,
        row(MANAGED, "microsoft.compute/images", GW,
            {"hyperVGeneration": "V2", "provisioningState": "Succeeded"}),
        pool("hp-pooled", "Pooled", marketplace, prod),  # ACG805 (a), ACG806
        pool("hp-personal", "Personal", None, {"environment": "dev"}),
        session_host("hp-pooled", sh1), session_host("hp-pooled", sh2),
        session_host("hp-personal", sh3),
        template,
    ]


def deploy_v3() -> dict:
    """An ARM template deploying into subscription D: an ephemeral OS disk on a size that
    has none (ACG406, from the Resource SKUs list)."""
    image = f"{_d_id('contoso_avd')}/images/avd-win11"
    return {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                       "deploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "parameters": {"location": {"type": "string", "defaultValue": GW},
                           "password": {"type": "securestring"}},
            "resources": [{
                "type": "Microsoft.Compute/virtualMachines", "apiVersion": "2024-07-01",
                "name": "kiosk-001", "location": "[parameters('location')]",
                "properties": {
                    "hardwareProfile": {"vmSize": "Standard_F2s_v2"},
                    "storageProfile": {"imageReference": {"id": image},
                                       "osDisk": {"createOption": "FromImage",
                                                  "caching": "ReadOnly",
                                                  "diffDiskSettings": {"option": "Local"},
                                                  "managedDisk": {"storageAccountType":
                                                                  "Standard_LRS"}}},
                    "osProfile": {"computerName": "kiosk-001", "adminUsername": "kiosk",
                                  "adminPassword": "[parameters('password')]"},
                    "securityProfile": {"securityType": "TrustedLaunch", "uefiSettings": {
                        "secureBootEnabled": True, "vTpmEnabled": True}}}}]}


def graph_output(rows: list[dict]) -> dict:
    """The shape `az graph query` prints."""
    return {"count": len(rows), "data": rows, "skip_token": None, "total_records": len(rows)}


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    vms, sets = deployments()
    files = {"galleries.json": galleries(), "image-definitions.json": definitions(),
             "image-versions.json": versions(), "virtual-machines.json": vms,
             "scale-sets.json": sets, "catalog-v2.json": catalog_v2(),
             "catalog-v3.json": catalog_v3()}
    for name, rows in files.items():
        (out / name).write_text(json.dumps(graph_output(rows), indent=2) + "\n", encoding="utf-8")
        print(f"{name}: {len(rows)} rows")
    (out / "resource-skus.json").write_text(json.dumps(resource_skus(), indent=2) + "\n",
                                            encoding="utf-8")
    (out / "app-deploy.json").write_text(json.dumps(app_template(), indent=2) + "\n",
                                         encoding="utf-8")
    (out / "deploy-v3.json").write_text(json.dumps(deploy_v3(), indent=2) + "\n",
                                        encoding="utf-8")


if __name__ == "__main__":
    import sys
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
