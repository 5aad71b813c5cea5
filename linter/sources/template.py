"""ARM deployment templates (also `bicep build` output) into the inventory model.

Resources as an array or, with languageVersion 2.0, an object of symbolic
names; nested child resources; `copy` loops; `condition`; the parameters file
beside the template (`<stem>.parameters.json`). Values are evaluated with
`expressions.py`; what cannot be evaluated is UNKNOWN. The template is read
with ruamel.yaml (JSON is YAML 1.2) so that each finding points at the line
and column of the offending property.
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterator

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import InputError
from ..model import UNKNOWN, Inventory, Source
from . import azure
from .expressions import Evaluator, ExpressionError, Scope

DEFAULT_SCOPE = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/template"
MAX_COPIES = 1000

# Property location keys the rules use (see Finding.at), by resource type.
_LOCATIONS: dict[str, dict[str, tuple[str, ...]]] = {
    azure.GALLERY: {
        "permissions": ("properties", "sharingProfile", "permissions"),
        "communityGalleryInfo": ("properties", "sharingProfile", "communityGalleryInfo"),
    },
    azure.DEFINITION: {
        "identifier": ("properties", "identifier"),
        "osState": ("properties", "osState"),
        "hyperVGeneration": ("properties", "hyperVGeneration"),
        "features": ("properties", "features"),
        "endOfLifeDate": ("properties", "endOfLifeDate"),
    },
    azure.VERSION: {
        "targetRegions": ("properties", "publishingProfile", "targetRegions"),
        "replicaCount": ("properties", "publishingProfile", "replicaCount"),
        "storageAccountType": ("properties", "publishingProfile", "storageAccountType"),
        "endOfLifeDate": ("properties", "publishingProfile", "endOfLifeDate"),
        "storageProfile": ("properties", "storageProfile"),
        "safetyProfile": ("properties", "safetyProfile"),
        "replicationStatus": ("properties", "replicationStatus"),
    },
    azure.VM: {
        "osDiskType": ("properties", "storageProfile", "osDisk", "managedDisk",
                       "storageAccountType"),
        "dataDiskTypes": ("properties", "storageProfile", "dataDisks"),
        "securityType": ("properties", "securityProfile", "securityType"),
        "imageReference": ("properties", "storageProfile", "imageReference"),
    },
    azure.VMSS: {
        "osDiskType": ("properties", "virtualMachineProfile", "storageProfile", "osDisk",
                       "managedDisk", "storageAccountType"),
        "dataDiskTypes": ("properties", "virtualMachineProfile", "storageProfile", "dataDisks"),
        "securityType": ("properties", "virtualMachineProfile", "securityProfile",
                         "securityType"),
        "imageReference": ("properties", "virtualMachineProfile", "storageProfile",
                           "imageReference"),
    },
}


def _position(node: Any, path: tuple[Any, ...]) -> tuple[int, int] | None:
    """(line, column), 1-based, of the last key or item of `path` in a ruamel node."""
    found = None
    for key in path:
        if isinstance(node, CommentedMap) and key in node:
            line, col = node.lc.key(key)
            found = (line + 1, col + 1)
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            line, col = node.lc.item(key)
            found = (line + 1, col + 1)
            node = node[key]
        else:
            return None
    return found


def _node_line(node: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return 1, 1
    return lc.line + 1, lc.col + 1


def read_positions(text: str) -> Any:
    """The document with positions (ruamel), or None when ruamel cannot read the JSON."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = True
    try:
        return yaml.load(text)
    except Exception:  # JSON that YAML 1.2 rejects (e.g. tabs): no positions, still linted
        return None


def parameters_file_of(path: str) -> str:
    stem = path[:-5] if path.lower().endswith(".json") else os.path.splitext(path)[0]
    return stem + ".parameters.json"


def _parameter_values(path: str) -> dict[str, Any]:
    candidate = parameters_file_of(path)
    if not os.path.isfile(candidate):
        return {}
    try:
        with open(candidate, encoding="utf-8-sig") as fh:
            doc = json.load(fh)
    except (OSError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(candidate, f"cannot read the parameters file: {exc}", line=line,
                         hint="fix the JSON of the parameters file") from None
    values = doc.get("parameters") if isinstance(doc, dict) else None
    if not isinstance(values, dict):
        return {}
    out = {}
    for name, entry in values.items():
        if isinstance(entry, dict) and "value" in entry:
            out[name.lower()] = entry["value"]
        else:  # a Key Vault reference: not knowable here
            out[name.lower()] = UNKNOWN
    return out


class _TemplateReader:
    def __init__(self, path: str, doc: Any, scope_id: str) -> None:
        self.path = path
        self.doc = doc
        parts = scope_id.strip("/").split("/")
        if len(parts) != 4 or parts[0].lower() != "subscriptions" or \
                parts[2].lower() != "resourcegroups":
            raise InputError(None, f"--deployment-scope '{scope_id}' is not "
                             "/subscriptions/<id>/resourceGroups/<name>")
        self.scope_id = "/" + "/".join(parts)
        params = doc.get("parameters") if isinstance(doc.get("parameters"), dict) else {}
        self.scope = Scope(subscription_id=parts[1], resource_group=parts[3])
        self.scope.declared_parameters = {k.lower() for k in params}
        for name, spec in params.items():
            if isinstance(spec, dict) and "defaultValue" in spec:
                self.scope.parameter_defaults[name.lower()] = spec["defaultValue"]
        self.scope.parameters = {k: v for k, v in _parameter_values(path).items()
                                 if k in self.scope.declared_parameters}
        variables = doc.get("variables") if isinstance(doc.get("variables"), dict) else {}
        self.scope.variables = {k.lower(): v for k, v in variables.items()}
        self.evaluator = Evaluator(self.scope)

    def evaluate(self, raw: Any, where: Any, key: str | None = None) -> Any:
        """Evaluate `raw`, found at `where[key]` (for the line of an error)."""
        try:
            return self.evaluator.value(raw)
        except ExpressionError as exc:
            pos = _position(where, (key,)) if key is not None else None
            line = pos[0] if pos else _node_line(where)[0]
            raise InputError(self.path, f"template expression: {exc}", line=line,
                             hint="fix the expression or its parameters") from None
        except RecursionError:
            raise InputError(self.path, "template expression nested too deeply",
                             line=_node_line(where)[0]) from None

    def resources(self) -> Iterator[tuple[Any, str | None, str | None]]:
        """(resource node, parent type, parent name) for the top-level resources."""
        top = self.doc.get("resources")
        if isinstance(top, dict):  # languageVersion 2.0: symbolic names
            nodes = list(top.values())
        elif isinstance(top, list):
            nodes = list(top)
        else:
            nodes = []
        for node in nodes:
            if isinstance(node, dict):
                yield node, None, None

    def load(self, inventory: Inventory) -> None:
        for node, parent_type, parent_name in self.resources():
            for resource_node, resource in self._expand(node, parent_type, parent_name):
                self._add(inventory, resource_node, resource)
        inventory.unknown_values += self.scope.unknown_count

    def _expand(self, node: dict, parent_type: str | None,
                parent_name: str | None) -> Iterator[tuple[dict, dict]]:
        if node.get("existing") is True:
            return  # a reference to something deployed elsewhere, not created here
        copy = node.get("copy")
        indexes: list[int | None] = [None]
        if isinstance(copy, dict):
            count = self.evaluate(copy.get("count"), copy, "count")
            if not isinstance(count, int) or isinstance(count, bool):
                self.scope.unknown_count += 1
                return  # how many copies is unknown: nothing to judge
            indexes = list(range(min(max(count, 0), MAX_COPIES)))
        for index in indexes:
            self.scope.copy_index = index
            try:
                if "condition" in node:
                    condition = self.evaluate(node["condition"], node, "condition")
                    if condition is False:
                        continue
                resource = self._resource(node, parent_type, parent_name)
                if resource is None:
                    continue
                full_type, full_name = resource["type"], resource["_full_name"]
                yield node, resource
                children = node.get("resources")
                if isinstance(children, list):
                    for child in children:
                        if isinstance(child, dict):
                            yield from self._expand(child, full_type, full_name)
            finally:
                self.scope.copy_index = None

    def _resource(self, node: dict, parent_type: str | None,
                  parent_name: str | None) -> dict | None:
        rtype = self.evaluate(node.get("type"), node, "type")
        name = self.evaluate(node.get("name"), node, "name")
        if not isinstance(rtype, str):
            return None
        if "/" not in rtype and parent_type:
            rtype = f"{parent_type}/{rtype}"
            if isinstance(name, str) and parent_name is not None:
                name = f"{parent_name}/{name}"
        if rtype.lower() not in azure.KINDS:
            return {"type": rtype, "_full_name": name if isinstance(name, str) else "?",
                    "_skip": True}
        if not isinstance(name, str):
            self.scope.unknown_count += 1
            return {"type": rtype, "_full_name": "?", "_skip": True}
        types = rtype.split("/")
        names = name.split("/")
        if len(names) != len(types) - 1:
            raise InputError(self.path, f"resource name '{name}' has {len(names)} segment(s) "
                             f"but type {rtype} needs {len(types) - 1}",
                             line=_node_line(node)[0], hint="use 'parent/child' names")
        path = types[0] + "".join(f"/{t}/{n}" for t, n in zip(types[1:], names))
        resource = {
            "id": f"{self.scope_id}/providers/{path}",
            "name": names[-1],
            "type": rtype,
            "apiVersion": node.get("apiVersion") if isinstance(node.get("apiVersion"), str)
            else None,
            "_full_name": name,
        }
        for key in ("location", "tags", "sku", "plan", "extendedLocation", "properties"):
            if key in node:
                resource[key] = self.evaluate(node[key], node, key)
        return resource

    def _add(self, inventory: Inventory, node: dict, resource: dict) -> None:
        if resource.pop("_skip", False):
            return
        resource.pop("_full_name", None)
        kind = resource["type"].lower()
        positions: dict[str, tuple[int, int]] = {}
        name_pos = _position(node, ("name",))
        if name_pos:
            positions["name"] = name_pos
        loc_pos = _position(node, ("location",))
        if loc_pos:
            positions["location"] = loc_pos
        for key, path in _LOCATIONS.get(kind, {}).items():
            pos = _position(node, path)
            if pos:
                positions[key] = pos
        if kind == azure.VERSION:
            regions = _position(node, _LOCATIONS[kind]["targetRegions"])
            seq = node.get("properties", {}).get("publishingProfile", {}).get("targetRegions") \
                if isinstance(node.get("properties"), dict) else None
            if regions and isinstance(seq, list):
                base = _LOCATIONS[kind]["targetRegions"]
                for i in range(len(seq)):
                    for key, sub in ((f"targetRegions[{i}]", ()),
                                     (f"targetRegions[{i}].regionalReplicaCount",
                                      ("regionalReplicaCount",)),
                                     (f"targetRegions[{i}].storageAccountType",
                                      ("storageAccountType",))):
                        pos = _position(node, (*base, i, *sub))
                        if pos:
                            positions[key] = pos
        line, column = _node_line(node)
        source = Source(self.path, line, column, "template", positions)
        azure.add_resource(inventory, resource, source, kind)


def load_template(parsed: Any, inventory: Inventory, scope_id: str = DEFAULT_SCOPE) -> None:
    doc = read_positions(parsed.text)
    if not isinstance(doc, dict):
        doc = parsed.document
    _TemplateReader(parsed.path, doc, scope_id).load(inventory)
