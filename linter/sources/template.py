"""ARM deployment templates (also `bicep build` output) into the inventory model.

Resources as an array or, with languageVersion 2.0, an object of symbolic
names; nested child resources; `copy` loops; `condition`; the parameters file
beside the template (`<stem>.parameters.json`). Values are evaluated with
`expressions.py`; what cannot be evaluated is UNKNOWN. The template is read
with a JSON reader that keeps positions (`parsed.decode_with_positions`) so
that each finding points at the line and column of the offending property.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any, Iterator


from ..errors import InputError
from ..model import UNKNOWN, Inventory, Source
from . import azure
from .expressions import (BudgetExceeded, Evaluator, ExpressionSyntaxError, Scope,
                          UndeclaredReference, template_variables)
from .parsed import decode_with_positions, dig, strip_comments

DEFAULT_SCOPE = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/template"
MAX_COPIES = 1000  # copies one resource loop may ask for
MAX_RESOURCES = 100_000  # resources one template (nested deployments included) may expand to
MAX_PARAMETERS_BYTES = 64 << 20
DEPLOYMENTS = "microsoft.resources/deployments"

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
        "vmSize": ("properties", "hardwareProfile", "vmSize"),
        "osProfile": ("properties", "osProfile"),
        "plan": ("plan",),
        "applications": ("properties", "applicationProfile", "galleryApplications"),
        "extendedLocation": ("extendedLocation",),
    },
    azure.APP_VERSION: {
        "targetRegions": ("properties", "publishingProfile", "targetRegions"),
        "endOfLifeDate": ("properties", "publishingProfile", "endOfLifeDate"),
    },
    azure.VMSS: {
        "osDiskType": ("properties", "virtualMachineProfile", "storageProfile", "osDisk",
                       "managedDisk", "storageAccountType"),
        "dataDiskTypes": ("properties", "virtualMachineProfile", "storageProfile", "dataDisks"),
        "securityType": ("properties", "virtualMachineProfile", "securityProfile",
                         "securityType"),
        "imageReference": ("properties", "virtualMachineProfile", "storageProfile",
                           "imageReference"),
        "vmSize": ("sku", "name"),
        "osProfile": ("properties", "virtualMachineProfile", "osProfile"),
        "plan": ("plan",),
        "applications": ("properties", "virtualMachineProfile", "applicationProfile",
                         "galleryApplications"),
        "extendedLocation": ("extendedLocation",),
    },
}


def _position(node: Any, path: tuple[Any, ...]) -> tuple[int, int] | None:
    """(line, column), 1-based, of the last key or item of `path` in a positioned node."""
    found = None
    for key in path:
        lc = getattr(node, "lc", None)
        if lc is None:
            return None
        if isinstance(node, dict) and key in node:
            line, col = lc.key(key)
            found = (line + 1, col + 1)
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            line, col = lc.item(key)
            found = (line + 1, col + 1)
            node = node[key]
        else:
            return None
    return found


def every_position(node: Any, limit: int = 500, depth: int = 6) -> dict[str, tuple[int, int]]:
    """Positions of a resource's `properties` and `identity`, keyed as the v3 rules locate
    them (``distribute[0].runOutputName``, ``identity``), at most `limit` of them."""
    out: dict[str, tuple[int, int]] = {}

    def walk(value: Any, prefix: str, level: int) -> None:
        lc = getattr(value, "lc", None)
        if lc is None or level > depth or len(out) >= limit:
            return
        if isinstance(value, dict):
            for key in list(value)[:limit]:
                line, col = lc.key(key)
                path = f"{prefix}.{key}" if prefix else str(key)
                out.setdefault(path, (line + 1, col + 1))
                walk(value[key], path, level + 1)
        elif isinstance(value, list):
            for i in range(min(len(value), limit)):
                line, col = lc.item(i)
                path = f"{prefix}[{i}]"
                out.setdefault(path, (line + 1, col + 1))
                walk(value[i], path, level + 1)

    if isinstance(node, dict):
        for top in ("properties", "identity"):
            if top in node:
                if top == "identity":
                    pos = _position(node, ("identity",))
                    if pos:
                        out["identity"] = pos
                walk(node[top], "" if top == "properties" else "identity", 0)
    return out


def _node_line(node: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return 1, 1
    return lc.line + 1, lc.col + 1


def read_positions(text: str) -> Any:
    """The document with the position of every object, key and item (a JSON-aware pass),
    or None when the text does not parse as JSON."""
    try:
        return decode_with_positions(text)
    except (ValueError, RecursionError):
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
            text = fh.read()
        if len(text) > MAX_PARAMETERS_BYTES:
            raise InputError(candidate, f"the parameters file is larger than "
                             f"{MAX_PARAMETERS_BYTES} bytes", hint="split it")
        try:
            doc = json.loads(text)
        except json.JSONDecodeError:
            uncommented = strip_comments(text)  # Azure accepts // and /* */ comments
            if uncommented is None:
                raise
            doc = json.loads(uncommented)
    except (OSError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(candidate, f"cannot read the parameters file: {exc}", line=line,
                         hint="fix the JSON of the parameters file") from None
    except RecursionError:
        raise InputError(candidate, "the parameters file is nested too deeply",
                         hint="flatten it") from None
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


def _scope_of(scope_id: str) -> tuple[str, str]:
    parts = scope_id.strip("/").split("/")
    if len(parts) != 4 or parts[0].lower() != "subscriptions" or \
            parts[2].lower() != "resourcegroups":
        raise InputError(None, f"--deployment-scope '{scope_id}' is not "
                         "/subscriptions/<id>/resourceGroups/<name>")
    return parts[1], parts[3]


def unknown_name(raw: Any) -> str:
    """The placeholder for a resource name that cannot be evaluated (`uniqueString()`):
    `unknown-` and 8 hex digits of the SHA-1 of the name's expression, so the same
    template gives the same ID on every run."""
    text = json.dumps(raw, sort_keys=True, default=str)
    return "unknown-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


class _TemplateReader:
    def __init__(self, path: str, doc: Any, scope_id: str, *, scope: Scope | None = None,
                 budget: list[int] | None = None) -> None:
        self.path = path
        self.doc = doc
        self.budget = budget if budget is not None else [MAX_RESOURCES]
        if scope is not None:  # a nested deployment evaluated in its parent's scope
            self.scope = scope
            self.scope_id = scope_id
            self.evaluator = Evaluator(scope)
            return
        subscription, group = _scope_of(scope_id)
        self.scope_id = f"/subscriptions/{subscription}/resourceGroups/{group}"
        self.scope = self.new_scope(doc, subscription, group, _parameter_values(path))
        self.evaluator = Evaluator(self.scope)

    @staticmethod
    def new_scope(doc: Any, subscription: str, group: str, values: dict[str, Any]) -> Scope:
        params = doc.get("parameters") if isinstance(doc.get("parameters"), dict) else {}
        scope = Scope(subscription_id=subscription, resource_group=group)
        scope.declared_parameters = {k.lower() for k in params}
        for name, spec in params.items():
            if isinstance(spec, dict) and "defaultValue" in spec:
                scope.parameter_defaults[name.lower()] = spec["defaultValue"]
        scope.parameters = {k: v for k, v in values.items() if k in scope.declared_parameters}
        scope.variables = template_variables(doc.get("variables"))
        return scope

    def evaluate(self, raw: Any, where: Any, key: str | None = None) -> Any:
        """Evaluate `raw`, found at `where[key]`. What cannot be evaluated is UNKNOWN
        (the evaluator decides that per value: an expression error never aborts the file,
        it may sit where no rule looks); what Azure rejects is exit 2."""
        try:
            return self.evaluator.value(raw)
        except (ExpressionSyntaxError, UndeclaredReference) as exc:
            raise InputError(self.path, f"template expression: {exc}",
                             line=self._line(where, key),
                             hint="Azure rejects this template; fix the expression or "
                                  "declare what it references") from None
        except BudgetExceeded as exc:
            raise InputError(self.path, f"template expansion: {exc}",
                             line=self._line(where, key),
                             hint="gallerylint bounds what one template may expand to") \
                from None
        except RecursionError:
            raise InputError(self.path, "template expression nested too deeply",
                             line=_node_line(where)[0]) from None

    @staticmethod
    def _line(where: Any, key: str | None) -> int:
        pos = _position(where, (key,)) if key is not None else None
        return pos[0] if pos else _node_line(where)[0]

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
        for node, resource in self.walk():
            self._add(inventory, node, resource)
        inventory.unknown_values += self.scope.unknown_count

    def walk(self) -> Iterator[tuple[dict, dict]]:
        for node, parent_type, parent_name in self.resources():
            yield from self._expand(node, parent_type, parent_name)

    def _expand(self, node: dict, parent_type: str | None,
                parent_name: str | None) -> Iterator[tuple[dict, dict]]:
        if node.get("existing") is True:
            return  # a reference to something deployed elsewhere, not created here
        copy = node.get("copy")
        indexes: list[int | None] = [None]
        loop_name = None
        if isinstance(copy, dict):
            count = self.evaluate(copy.get("count"), copy, "count")
            if not isinstance(count, int) or isinstance(count, bool):
                # How many copies is unknown: one stands for them all, its copyIndex()
                # unknown (so its name, if it uses the index, is a placeholder).
                self.scope.unknown_count += 1
                count = None
            elif count > MAX_COPIES:
                raise InputError(self.path, f"a copy loop asks for {count} copies (at most "
                                 f"{MAX_COPIES})", line=_node_line(node)[0],
                                 hint="gallerylint bounds what one template may expand to")
            indexes = [None] if count is None else list(range(max(count, 0)))
            loop_name = copy.get("name") if isinstance(copy.get("name"), str) else None
        saved = (self.scope.copy_index, dict(self.scope.copy_indexes))
        for index in indexes:
            self.scope.copy_index = index
            if loop_name is not None and index is not None:
                self.scope.copy_indexes[loop_name.lower()] = index
            try:
                if "condition" in node:
                    condition = self.evaluate(node["condition"], node, "condition")
                    if condition is False:
                        continue
                rtype = self.evaluate(node.get("type"), node, "type")
                if isinstance(rtype, str) and rtype.lower() == DEPLOYMENTS:
                    yield from self._nested(node)
                    continue
                resource = self._resource(node, parent_type, parent_name)
                if resource is None:
                    continue
                self.budget[0] -= 1
                if self.budget[0] < 0:
                    raise InputError(self.path, f"the template expands to more than "
                                     f"{MAX_RESOURCES} resources", line=_node_line(node)[0],
                                     hint="gallerylint bounds what one template may expand to")
                full_type, full_name = resource["type"], resource["_full_name"]
                yield node, resource
                children = node.get("resources")
                if isinstance(children, list):
                    for child in children:
                        if isinstance(child, dict):
                            yield from self._expand(child, full_type, full_name)
            finally:
                self.scope.copy_index, self.scope.copy_indexes = saved[0], dict(saved[1])

    def _nested(self, node: dict) -> Iterator[tuple[dict, dict]]:
        """A nested deployment (a Bicep module) with an inline template: its resources are
        read like top-level ones, at their lines in this file. `scope: inner` evaluates
        them with the parameters passed in; `outer` (ARM's default) in this template's
        scope. `subscriptionId` and `resourceGroup` on the deployment move them."""
        props = node.get("properties")
        if not isinstance(props, dict) or not isinstance(props.get("template"), dict):
            return  # a linked template (templateLink): not read
        template = props["template"]
        subscription, group = self.scope.subscription_id, self.scope.resource_group
        for key, attr in (("subscriptionId", "subscription"), ("resourceGroup", "group")):
            if key in node:
                value = self.evaluate(node[key], node, key)
                if isinstance(value, str) and value and "/" not in value:
                    if attr == "subscription":
                        subscription = value
                    else:
                        group = value
        options = props.get("expressionEvaluationOptions")
        inner = isinstance(options, dict) and isinstance(options.get("scope"), str) and \
            options["scope"].lower() == "inner"
        scope_id = f"/subscriptions/{subscription}/resourceGroups/{group}"
        if inner:
            values: dict[str, Any] = {}
            passed = props.get("parameters")
            if isinstance(passed, dict):
                for name, entry in passed.items():
                    if isinstance(entry, str):
                        # The whole entry as one expression, as Bicep writes an optional
                        # module parameter: [if(c, createObject('value', x), ...)], or
                        # the same through union() or coalesce().
                        entry_value = self.evaluate(entry, passed, name)
                        values[name.lower()] = entry_value["value"] \
                            if isinstance(entry_value, dict) and "value" in entry_value \
                            else UNKNOWN
                    elif isinstance(entry, dict) and "value" in entry:
                        values[name.lower()] = self.evaluate(entry["value"], entry, "value")
                    else:
                        values[name.lower()] = UNKNOWN  # a Key Vault reference
            scope = self.new_scope(template, subscription, group, values)
        else:
            scope = self.scope
        child = _TemplateReader(self.path, template, scope_id, scope=scope, budget=self.budget)
        if inner:
            child.scope.steps = self.scope.steps
        before = scope.unknown_count
        yield from child.walk()
        if inner:
            self.scope.unknown_count += scope.unknown_count - before
            self.scope.steps = child.scope.steps

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
        types = rtype.split("/")
        if not isinstance(name, str):
            # A name that cannot be evaluated (uniqueString()): the resource is kept, its
            # known properties still checked, under a stable placeholder name.
            self.scope.unknown_count += 1
            name = "/".join([unknown_name(node.get("name"))] * (len(types) - 1)) \
                if parent_name is None else f"{parent_name}/{unknown_name(node.get('name'))}"
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
        present = {k.lower(): k for k in node if isinstance(k, str)}
        for key in ("location", "tags", "sku", "plan", "extendedLocation", "identity",
                    "properties"):
            actual = present.get(key.lower())  # ARM property names are case-insensitive
            if actual is not None:
                resource[key] = self.evaluate(node[actual], node, actual)
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
            seq = dig(node, "properties", "publishingProfile", "targetRegions")
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
        if kind == azure.IMAGE_TEMPLATE:
            seq = dig(node, "properties", "distribute")
            for i in range(len(seq) if isinstance(seq, list) else 0):
                for key, sub in ((f"distribute[{i}]", ()),
                                 (f"distribute[{i}].galleryImageId", ("galleryImageId",)),
                                 (f"distribute[{i}].targetRegions", ("targetRegions",)),
                                 (f"distribute[{i}].replicationRegions",
                                  ("replicationRegions",))):
                    pos = _position(node, ("properties", "distribute", i, *sub))
                    if pos:
                        positions[key] = pos
                regions = dig(seq[i], "targetRegions") if isinstance(seq[i], dict) else None
                for j in range(len(regions) if isinstance(regions, list) else 0):
                    pos = _position(node, ("properties", "distribute", i, "targetRegions", j))
                    if pos:
                        positions[f"distribute[{i}].targetRegions[{j}]"] = pos
        if kind == azure.IMAGE_TEMPLATE or kind in azure.OTHER_KINDS:
            for key, pos in every_position(node).items():
                positions.setdefault(key, pos)
        line, column = _node_line(node)
        source = Source(self.path, line, column, "template", positions)
        azure.add_resource(inventory, azure.canonical_keys(resource), source, kind)


def load_template(parsed: Any, inventory: Inventory, scope_id: str = DEFAULT_SCOPE) -> None:
    doc = read_positions(parsed.text)
    if not isinstance(doc, dict):
        doc = parsed.document
    _TemplateReader(parsed.path, doc, scope_id).load(inventory)
