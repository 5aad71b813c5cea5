"""Tiny Azure resources in their own JSON shapes, for tests that read as examples.

Each builder returns the ARM GET body Azure would return; keyword arguments
set the properties a test is about. `lint_resources` writes them to a file and
runs the real pipeline (loader, facts, rules, embedded regopy engine).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

SUB = "00000000-0000-4000-8000-00000000000a"
RG = "rg"
NOW = datetime(2026, 11, 21, tzinfo=timezone.utc)


def gallery_id(name: str = "acg", sub: str = SUB) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{RG}/providers/Microsoft.Compute/galleries/{name}"


def definition_id(image: str = "img", gallery: str = "acg", sub: str = SUB) -> str:
    return f"{gallery_id(gallery, sub)}/images/{image}"


def version_id(version: str = "1.0.0", image: str = "img", gallery: str = "acg",
               sub: str = SUB) -> str:
    return f"{definition_id(image, gallery, sub)}/versions/{version}"


def gallery(name: str = "acg", *, sub: str = SUB, location: str = "westeurope",
            permissions: str | None = None, groups: list[dict] | None = None,
            community: dict | None = None, tags: dict | None = None) -> dict:
    props: dict[str, Any] = {"identifier": {"uniqueName": f"{sub}-{name.upper()}"}}
    if permissions is not None:
        sharing: dict[str, Any] = {"permissions": permissions}
        if groups is not None:
            sharing["groups"] = groups
        if community is not None:
            sharing["communityGalleryInfo"] = community
        props["sharingProfile"] = sharing
    return {"id": gallery_id(name, sub), "name": name, "type": "Microsoft.Compute/galleries",
            "location": location, "tags": tags or {}, "properties": props}


def definition(image: str = "img", *, gallery: str = "acg", sub: str = SUB,
               location: str = "westeurope", publisher: str = "Contoso", offer: str = "Offer",
               sku: str | None = None, security: str | None = "TrustedLaunchSupported",
               hyperv: str = "V2", os_state: str = "Generalized", eol: str | None = "2030-01-01",
               disallowed: list[str] | None = None, **extra: Any) -> dict:
    features = [{"name": "SecurityType", "value": security}] if security else []
    props: dict[str, Any] = {
        "identifier": {"publisher": publisher, "offer": offer, "sku": sku or image},
        "osType": "Linux", "osState": os_state, "hyperVGeneration": hyperv,
        "features": features}
    if eol:
        props["endOfLifeDate"] = eol
    if disallowed is not None:
        props["disallowed"] = {"diskTypes": disallowed}
    props.update(extra)
    return {"id": definition_id(image, gallery, sub), "name": image,
            "type": "Microsoft.Compute/galleries/images", "location": location,
            "properties": props}


def target(name: str, replicas: int | None = 1, storage: str | None = "Standard_ZRS",
           exclude: bool | None = False, **extra: Any) -> dict:
    t: dict[str, Any] = {"name": name}
    if replicas is not None:
        t["regionalReplicaCount"] = replicas
    if storage is not None:
        t["storageAccountType"] = storage
    if exclude is not None:
        t["excludeFromLatest"] = exclude
    t.update(extra)
    return t


def version(name: str = "1.0.0", *, image: str = "img", gallery: str = "acg", sub: str = SUB,
            location: str = "westeurope", regions: Iterable[dict] | None = None,
            published: str | None = "2026-11-01T00:00:00Z", eol: str | None = None,
            exclude: bool = False, replica_count: int | None = None, os_gb: int | None = 30,
            data_gb: Iterable[int] = (), mode: str | None = None, **extra: Any) -> dict:
    pp: dict[str, Any] = {"excludeFromLatest": exclude}
    if regions is not None:
        pp["targetRegions"] = list(regions)
    else:
        pp["targetRegions"] = [target(location)]
    if published:
        pp["publishedDate"] = published
    if eol:
        pp["endOfLifeDate"] = eol
    if replica_count is not None:
        pp["replicaCount"] = replica_count
    if mode:
        pp["replicationMode"] = mode
    props: dict[str, Any] = {"publishingProfile": pp, "storageProfile": {
        "osDiskImage": {"sizeInGB": os_gb} if os_gb is not None else {},
        "dataDiskImages": [{"lun": i, "sizeInGB": gb} for i, gb in enumerate(data_gb)]}}
    props.update(extra)
    return {"id": version_id(name, image, gallery, sub), "name": name,
            "type": "Microsoft.Compute/galleries/images/versions", "location": location,
            "properties": props}


def vm(name: str = "vm1", image_id: str | None = None, *, sub: str = SUB,
       location: str = "westeurope", disk: str = "Premium_LRS",
       data_disks: Iterable[str] = (), security: str | None = None,
       ref_key: str = "id", exact: str | None = None, scale_set: str | None = None,
       tags: dict | None = None) -> dict:
    ref: dict[str, Any] = {ref_key: image_id or version_id()}
    if exact:
        ref["exactVersion"] = exact
    props: dict[str, Any] = {"storageProfile": {
        "imageReference": ref, "osDisk": {"managedDisk": {"storageAccountType": disk}},
        "dataDisks": [{"lun": i, "managedDisk": {"storageAccountType": t}}
                      for i, t in enumerate(data_disks)]}}
    if security:
        props["securityProfile"] = {"securityType": security}
    if scale_set:
        props["virtualMachineScaleSet"] = {"id": scale_set}
    return {"id": f"/subscriptions/{sub}/resourceGroups/{RG}/providers/Microsoft.Compute/"
                  f"virtualMachines/{name}", "name": name,
            "type": "Microsoft.Compute/virtualMachines", "location": location,
            "tags": tags or {}, "properties": props}


def vmss(name: str = "ss1", image_id: str | None = None, *, capacity: int = 2,
         sub: str = SUB, location: str = "westeurope", disk: str = "Premium_LRS",
         security: str | None = None, mode: str = "Uniform", tags: dict | None = None) -> dict:
    profile: dict[str, Any] = {"storageProfile": {
        "imageReference": {"id": image_id or version_id()},
        "osDisk": {"managedDisk": {"storageAccountType": disk}}}}
    if security:
        profile["securityProfile"] = {"securityType": security}
    return {"id": f"/subscriptions/{sub}/resourceGroups/{RG}/providers/Microsoft.Compute/"
                  f"virtualMachineScaleSets/{name}", "name": name,
            "type": "Microsoft.Compute/virtualMachineScaleSets", "location": location,
            "sku": {"name": "Standard_D2s_v5", "capacity": capacity}, "tags": tags or {},
            "properties": {"orchestrationMode": mode, "virtualMachineProfile": profile}}


def estate(*extra: dict, versions: Iterable[dict] | None = None) -> list[dict]:
    """A gallery, a definition and the given versions (default: 1.0.0), plus extras."""
    return [gallery(), definition(), *(versions if versions is not None else [version()]),
            *extra]


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".gallerylint.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def lint_resources(tmp_path: Path, resources: list[dict], config: str | None = None,
                   now: datetime = NOW, rules: Iterable[str] = ()) -> list:
    from linter import config as config_module
    from linter.lint import run
    from linter.rules.registry import load_registry

    path = tmp_path / "resources.json"
    path.write_text(json.dumps({"value": resources}, indent=2), encoding="utf-8")
    settings = (config_module.load(write_config(tmp_path, config)) if config is not None
                else config_module.Settings())
    registry = load_registry(settings.rule_paths, settings.allow_python)
    return run([str(path)], settings, now, registry=registry, only=list(rules)).findings


def of_rule(findings: list, rule_id: str) -> list:
    return [f for f in findings if f.rule_id == rule_id]
