"""Azure Image Builder templates (`Microsoft.VirtualMachineImages/imageTemplates`) into
planned versions (rules.md, "Pipelines (v3)" and "Planned versions (v3)"): each
`distribute[]` entry of type `SharedImage` is an image version the template will create
when it runs. The template is read in every form that carries resources: ARM templates,
single bodies (including the flattened one `az image builder show` prints, whose
properties sit at its top level), lists and Resource Graph rows.
"""

from __future__ import annotations

from msgspec.structs import replace
from typing import Any, Mapping

from ..model import UNKNOWN, Pipeline, Source

IMAGE_TEMPLATE = "microsoft.virtualmachineimages/imagetemplates"
# Top-level keys of the flattened `az image builder show` body that are not properties.
_ENVELOPE = {"id", "name", "type", "location", "tags", "identity", "resourcegroup",
             "systemdata"}


def properties_of(res: Mapping[str, Any]) -> Mapping[str, Any]:
    props = res.get("properties")
    if isinstance(props, dict):
        return props
    if "source" in res or "distribute" in res:
        return {k: v for k, v in res.items() if k.lower() not in _ENVELOPE}
    return {}


def pipeline(res: Mapping[str, Any], source: Source) -> Pipeline:
    """The template as a pipeline (its properties as given, for the pipeline rules)."""
    from ..names import region, subscription_of
    from .azure import _str, tags_of
    rid = res["id"]
    api = res.get("apiVersion")
    return Pipeline(id=rid, kind="aib", name=_str(res.get("name")) or rid.rsplit("/", 1)[-1],
                    subscription_id=subscription_of(rid) or None,
                    location=region(_str(res.get("location"))), tags=tags_of(res.get("tags")),
                    api_version=api if isinstance(api, str) else None,
                    properties=properties_of(res), source=source,
                    identity=res.get("identity"))


def planned_versions(res: Mapping[str, Any], source: Source) -> list[Any]:
    from . import azure
    from .packer import PLANNED_MARK
    pid = res.get("id")
    if not isinstance(pid, str):
        return []
    props = properties_of(res)
    distribute = props.get("distribute")
    out = []
    for i, entry in enumerate(distribute if isinstance(distribute, list) else []):
        if not isinstance(entry, dict) or str(entry.get("type", "")).lower() != "sharedimage":
            continue
        image = entry.get("galleryImageId")
        name = ""
        if isinstance(image, str) and "/versions/" in image.lower():
            at = image.lower().rindex("/versions/")
            image, name = image[:at], image[at + len("/versions/"):]
        definition_id = image if isinstance(image, str) and \
            image.lower().startswith("/subscriptions/") and "/images/" in image.lower() else pid
        storage = entry.get("storageAccountType") or "Standard_LRS"
        targets = entry.get("targetRegions")
        replication = entry.get("replicationRegions")
        if isinstance(targets, list) and targets:
            regions: Any = [{"name": t.get("name", UNKNOWN) if isinstance(t, dict) else UNKNOWN,
                             "regionalReplicaCount": (t.get("replicaCount", 1)
                                                      if isinstance(t, dict) else UNKNOWN),
                             "storageAccountType": (t.get("storageAccountType") or "Standard_LRS"
                                                    if isinstance(t, dict) else UNKNOWN)}
                            for t in targets]
        elif isinstance(replication, list) and replication:
            regions = [{"name": r, "regionalReplicaCount": 1, "storageAccountType": storage}
                       for r in replication]
        elif targets is UNKNOWN or replication is UNKNOWN:
            regions = UNKNOWN
        else:
            regions = UNKNOWN  # neither: AIB's defaults are not the catalog's to guess
        tags = entry.get("artifactTags") if isinstance(entry.get("artifactTags"), dict) else {}
        profile: dict[str, Any] = {"targetRegions": regions,
                                   "excludeFromLatest": entry.get("excludeFromLatest", False)}
        mode = entry.get("replicationMode")
        if isinstance(mode, str):
            profile["replicationMode"] = mode
        body = {"id": f"{definition_id}/versions/{name}", "name": name,
                "type": "Microsoft.Compute/galleries/images/versions", "location": "",
                "tags": tags, "properties": {"publishingProfile": profile}}
        given = source.properties or {}
        positions = {k: v for k, v in given.items() if k not in ("name", "location")}
        for key, where in (("name", f"distribute[{i}].galleryImageId"),
                           ("targetRegions", f"distribute[{i}].targetRegions"),
                           ("targetRegions", f"distribute[{i}].replicationRegions"),
                           ("distribute", f"distribute[{i}]")):
            if where in given and key not in positions:
                positions[key] = given[where]
        for j in range(len(targets) if isinstance(targets, list) else 0):
            where = positions.get(f"distribute[{i}].targetRegions[{j}]")
            if where:
                positions[f"targetRegions[{j}]"] = where
        here = Source(source.path, *(positions.get(f"distribute[{i}]") or
                                     (source.line, source.column)), source.form, positions)
        version = azure.version(body, here)
        out.append(replace(version, id=f"{version.id}{PLANNED_MARK}{pid}", pipeline=pid,
                           name=name, location=UNKNOWN, definition_id=definition_id))
    return out
