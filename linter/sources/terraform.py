"""Terraform source (`.tf`, with `.tfvars` and `.tfvars.json`) into the inventory model.

rules.md, "Terraform source (v3)": all `.tf` files of one directory form one module;
a module directory that no other module of the run calls is a root module. The
resource blocks of the types plans carry are read as a plan's `resource_changes[]`
entry with `actions ["create"]` (linter/sources/plan.py reads them from there), whose
`after` holds the arguments that resolve and UNKNOWN for those that do not
(linter/sources/hcl.py says what resolves). Nothing runs: no provider, no
`terraform` binary, no environment (`TF_VAR_*` is never read). Findings point at the
argument's line in its `.tf` file, else at the resource block.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..model import UNKNOWN, Inventory
from . import hcl
from .hcl import Unresolved

MAX_INSTANCES = 1_000  # count / for_each instances read per resource or module call
MAX_MODULE_DEPTH = 16
MODULE_COST = 1_000  # evaluation steps a module instance costs: at most ~2,000 of them
MAX_TF_BYTES = 16 << 20  # one .tf or variables file
META_ARGUMENTS = ("count", "for_each", "depends_on", "provider", "lifecycle")
META_BLOCKS = ("lifecycle", "provisioner", "connection")


def _read(path: str, what: str) -> str:
    return hcl.read_source(path, MAX_TF_BYTES, what)


@dataclass
class Resource:
    type: str
    name: str
    block: hcl.Block
    path: str


@dataclass
class ModuleSource:
    """The parsed files of one module directory."""

    directory: str
    files: list[str]
    variables: dict[str, hcl.Block] = field(default_factory=dict)
    locals: dict[str, tuple[Any, str]] = field(default_factory=dict)  # name -> (expr, path)
    resources: dict[tuple[str, str], Resource] = field(default_factory=dict)
    calls: dict[str, tuple[hcl.Block, str]] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, directory: str, files: Sequence[str]) -> "ModuleSource":
        module = cls(directory, list(files))
        for path in sorted(files):
            tree = hcl.parse(path, _read(path, "Terraform source"), "Terraform source")
            _, blocks = hcl.body_items(hcl.top_body(tree))
            for b in blocks:
                labels = [x for x in b.labels if isinstance(x, str)]
                if b.type == "variable" and len(labels) == 1:
                    module.variables[labels[0]] = b
                elif b.type == "locals" and b.body is not None:
                    attributes, _ = hcl.body_items(b.body)
                    for a in attributes:
                        module.locals[a.name] = (a.expr, path)
                elif b.type == "resource" and len(labels) == 2:
                    module.resources[(labels[0], labels[1])] = Resource(labels[0], labels[1],
                                                                        b, path)
                elif b.type == "module" and len(labels) == 1:
                    module.calls[labels[0]] = (b, path)
                elif b.type == "output" and len(labels) == 1 and b.body is not None:
                    attributes, _ = hcl.body_items(b.body)
                    for a in attributes:
                        if a.name == "value":
                            module.outputs[labels[0]] = a.expr
        return module

    def local_sources(self) -> list[str]:
        """The directories this module's local `module` calls read (literal sources)."""
        out = []
        for block, _ in self.calls.values():
            source = _literal_attribute(block, "source")
            if isinstance(source, str) and source.startswith(("./", "../")):
                out.append(os.path.normpath(os.path.join(self.directory, source)))
        return out


def _literal_attribute(block: hcl.Block, name: str) -> Any:
    if block.body is None:
        return UNKNOWN
    attributes, _ = hcl.body_items(block.body)
    for a in attributes:
        if a.name == name:
            return hcl.Evaluator(hcl.Budget("-", 10_000), hcl.no_names).value(a.expr, {})
    return None


class Module:
    """One module instance being evaluated: its source, its variables' values and
    its address (`module.a.module.b`, "" for a root)."""

    def __init__(self, reader: "TerraformReader", source: ModuleSource, address: str,
                 inputs: Mapping[str, Any] | None, depth: int) -> None:
        self.reader = reader
        self.source = source
        self.address = address
        self.depth = depth
        self.chain: set[str] = {source.directory}  # this module's directory and its callers'
        self.values: dict[str, Any] = {}
        for name, block in source.variables.items():
            default = _literal_default(block, reader.evaluator_for(self))
            self.values[name] = default
        if inputs is None:  # a root module: auto-loaded files, then --var-file files
            for values in reader.root_variable_values(source.directory):
                for name, value in values.items():
                    if name in self.values:
                        self.values[name] = value
        else:
            for name, value in inputs.items():
                if name in self.values:
                    self.values[name] = value
        self.local_values: dict[str, Any] = {}
        self.evaluating: set[str] = set()
        self.instances: dict[tuple[str, str], Any] = {}  # resolved instance lists
        self.children: dict[str, Any] = {}
        self.evaluator = reader.evaluator_for(self)

    # -- names -----------------------------------------------------------------------
    def lookup(self, root: str, scope: Mapping[str, Any]) -> Any:
        if root == "var":
            return hcl.Names(lambda name: self.values.get(name, UNKNOWN))
        if root == "local":
            return hcl.Names(self.local)
        if root == "module":
            return hcl.Names(self.module_output_namespace)
        if root in ("data", "path", "terraform", "self", "count", "each"):
            raise Unresolved()
        if any(rtype == root for rtype, _ in self.source.resources):
            return hcl.Names(lambda name: self.resource_reference(root, name))
        raise Unresolved()

    def local(self, name: str) -> Any:
        if name in self.local_values:
            return self.local_values[name]
        entry = self.source.locals.get(name)
        if entry is None or name in self.evaluating:
            return UNKNOWN  # undeclared, or a cycle
        self.evaluating.add(name)
        try:
            value = self.evaluator.value(entry[0], {})
        finally:
            self.evaluating.discard(name)
        self.local_values[name] = value
        return value

    def module_output_namespace(self, name: str) -> Any:
        child = self.child(name)
        if child is None:
            raise Unresolved()
        return hcl.Names(child.output)

    def output(self, name: str) -> Any:
        expr = self.source.outputs.get(name)
        if expr is None:
            return UNKNOWN
        return self.evaluator.value(expr, {})

    def child(self, name: str) -> "Module | None":
        if name in self.children:
            return self.children[name]
        self.children[name] = None
        call = self.source.calls.get(name)
        if call is None:
            return None
        block, _ = call
        module = self.reader.call(self, name, block)
        self.children[name] = module
        return module

    # -- resources -------------------------------------------------------------------
    def resource_reference(self, rtype: str, name: str) -> Any:
        resource = self.source.resources.get((rtype, name))
        if resource is None:
            raise Unresolved()
        instances = self.resource_instances(resource)
        if instances is UNKNOWN:
            raise Unresolved()
        if len(instances) == 1 and instances[0][0] is None:
            return self.instance_object(resource, instances[0])
        by_key = {key: inst for inst in instances for key in [inst[0]]}

        def index_(key: Any) -> Any:
            k = key if isinstance(key, int) and not isinstance(key, bool) else (
                int(key) if isinstance(key, float) and key.is_integer() else key)
            if k not in by_key:
                raise Unresolved()
            return self.instance_object(resource, by_key[k])
        return hcl.Names(lambda attr: UNKNOWN, index_)

    def instance_object(self, resource: Resource, instance: tuple[Any, dict]) -> Any:
        key, bindings = instance

        def get(attr: str) -> Any:
            if attr == "id":
                return self.reader.arm_id(self, resource, key, bindings)
            values, _ = self.reader.instance_values(self, resource, key, bindings)
            return values.get(attr, UNKNOWN)
        return hcl.Names(get)

    def resource_instances(self, resource: Resource) -> Any:
        """[(key, bindings)]: one (None, {}) without count or for_each; [] for count 0;
        UNKNOWN when count or for_each does not resolve (then read once)."""
        cache_key = (resource.type, resource.name)
        if cache_key in self.instances:
            return self.instances[cache_key]
        self.instances[cache_key] = UNKNOWN  # a reference to itself does not resolve
        result = self.expand(resource.block)
        self.instances[cache_key] = result
        return result

    def expand(self, block: hcl.Block) -> Any:
        if block.body is None:
            return [(None, {})]
        attributes, _ = hcl.body_items(block.body)
        by_name = {a.name: a for a in attributes}
        if "count" in by_name:
            count = self.evaluator.value(by_name["count"].expr, {})
            if isinstance(count, bool) or not isinstance(count, (int, float)) or \
                    not float(count).is_integer() or not 0 <= count <= MAX_INSTANCES:
                return UNKNOWN
            return [(i, {"count": {"index": i}}) for i in range(int(count))]
        if "for_each" in by_name:
            each = self.evaluator.value(by_name["for_each"].expr, {})
            if isinstance(each, dict) and len(each) <= MAX_INSTANCES and \
                    all(v is not UNKNOWN for v in each.values()):
                return [(k, {"each": {"key": k, "value": v}}) for k, v in each.items()]
            if isinstance(each, list) and len(each) <= MAX_INSTANCES and \
                    all(isinstance(v, str) for v in each):
                return [(v, {"each": {"key": v, "value": v}}) for v in dict.fromkeys(each)]
            return UNKNOWN
        return [(None, {})]


def _literal_default(block: hcl.Block, evaluator: hcl.Evaluator) -> Any:
    if block.body is None:
        return UNKNOWN
    attributes, _ = hcl.body_items(block.body)
    for a in attributes:
        if a.name == "default":
            return evaluator.value(a.expr, {})
    return UNKNOWN


def _instance_address(module: Module, resource: Resource, key: Any) -> str:
    address = f"{resource.type}.{resource.name}"
    if key is not None:
        address += f"[{json.dumps(key)}]" if isinstance(key, str) else f"[{key}]"
    return f"{module.address}.{address}" if module.address else address


class TerraformReader:
    """Reads the root modules of a run (and the local modules they call)."""

    def __init__(self, var_files: Sequence[str], scope_id: str, budget: hcl.Budget) -> None:
        self.var_files = list(var_files)
        self.scope_id = "/" + scope_id.strip("/")
        parts = self.scope_id.strip("/").split("/")
        self.subscription = parts[1] if len(parts) > 1 else \
            "00000000-0000-0000-0000-000000000000"
        self.group = parts[3] if len(parts) > 3 else "template"
        self.budget = budget
        self.sources: dict[str, ModuleSource] = {}
        self.values: dict[tuple[int, str, Any], tuple[dict, dict]] = {}
        self.ids: dict[tuple[int, str, Any], Any] = {}
        self.computing: set[tuple[int, str, Any]] = set()
        self.read: list[tuple[Module, Resource, Any, dict]] = []
        self._var_file_values: list[dict[str, Any]] | None = None

    def evaluator_for(self, module: Any) -> hcl.Evaluator:
        return hcl.Evaluator(self.budget, lambda root, scope: module.lookup(root, scope))

    # -- variables -------------------------------------------------------------------
    def root_variable_values(self, directory: str) -> list[dict[str, Any]]:
        out = []
        auto = ["terraform.tfvars", "terraform.tfvars.json"]
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            names = []
        auto += [n for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
        for name in auto:
            path = os.path.join(directory, name)
            if os.path.isfile(path) or os.path.islink(path):
                out.append(self.variable_file(path))
        if self._var_file_values is None:
            self._var_file_values = [self.variable_file(p) for p in self.var_files]
        return out + self._var_file_values

    def variable_file(self, path: str) -> dict[str, Any]:
        return hcl.variables_file(path, MAX_TF_BYTES, "Terraform variables file", self.budget)

    # -- modules ---------------------------------------------------------------------
    def source(self, directory: str, files: Sequence[str] | None = None) -> ModuleSource:
        key = os.path.normpath(directory)
        if key not in self.sources:
            if files is None:
                files = _tf_files(key)
            self.sources[key] = ModuleSource.read(key, files)
        return self.sources[key]

    def call(self, parent: Module, name: str, block: hcl.Block) -> Module | None:
        source = _literal_attribute(block, "source")
        if not (isinstance(source, str) and source.startswith(("./", "../"))):
            return None  # a registry, git or URL source is not read
        if parent.depth >= MAX_MODULE_DEPTH:
            return None
        directory = os.path.normpath(os.path.join(parent.source.directory, source))
        if directory in parent.chain:
            return None  # a module that calls itself, directly or not: Terraform refuses it
        self.budget.spend(MODULE_COST)  # modules that fan out stop at the budget, exit 2
        from ..safeio import _inside, workspace
        if _inside(Path(os.path.abspath(parent.source.directory)), workspace()) and \
                not _inside(Path(os.path.abspath(directory)), workspace()):
            return None  # never read outside the workspace
        if not os.path.isdir(directory) or not _tf_files(directory):
            return None
        address = f"{parent.address}.module.{name}" if parent.address else f"module.{name}"
        instances = parent.expand(block)
        bindings = instances[0][1] if isinstance(instances, list) and len(instances) == 1 \
            else {"count": {}, "each": {}}
        if instances == []:
            return None
        inputs = {}
        attributes, _ = hcl.body_items(block.body) if block.body is not None else ([], [])
        for a in attributes:
            if a.name in ("source", "version", "providers", *META_ARGUMENTS):
                continue
            inputs[a.name] = parent.evaluator.value(a.expr, bindings)
        child = Module(self, self.source(directory), address, inputs, parent.depth + 1)
        child.chain |= parent.chain
        self.collect(child)
        return child

    def collect(self, module: Module) -> None:
        """Every read resource instance of a module, and of the local modules it calls."""
        from .plan import TYPES
        for (rtype, _), resource in module.source.resources.items():
            if rtype not in TYPES:
                continue
            instances = module.resource_instances(resource)
            if instances is UNKNOWN:
                instances = [(None, {"count": {}, "each": {}})]
            for key, bindings in instances:
                self.read.append((module, resource, key, bindings))
        for name in module.source.calls:
            module.child(name)

    # -- values ----------------------------------------------------------------------
    def instance_values(self, module: Module, resource: Resource, key: Any,
                        bindings: dict) -> tuple[dict, dict]:
        cache = (id(module), f"{resource.type}.{resource.name}", _hashable(key))
        if cache in self.values:
            return self.values[cache]
        if cache in self.computing:
            return {}, {}
        self.computing.add(cache)
        try:
            values, positions = body_values(module.evaluator, resource.block.body, bindings, ())
        finally:
            self.computing.discard(cache)
        self.values[cache] = (values, positions)
        return values, positions

    def arm_id(self, module: Module, resource: Resource, key: Any, bindings: dict) -> Any:
        """The ARM ID of a resource instance (reference table, facts §v3.2)."""
        cache = (id(module), f"{resource.type}.{resource.name}", _hashable(key))
        if cache in self.ids:
            return self.ids[cache]
        self.ids[cache] = UNKNOWN
        values, _ = self.instance_values(module, resource, key, bindings)
        address = _instance_address(module, resource, key)
        rid = build_id(resource.type, values, address, self.subscription, self.group,
                       self.scope_id)
        self.ids[cache] = rid
        return rid


def _hashable(key: Any) -> Any:
    return key if isinstance(key, (str, int, type(None))) else repr(key)


def _name(values: Mapping[str, Any], key: str, address: str) -> str:
    value = values.get(key)
    return value if isinstance(value, str) and value and "/" not in value else address


def build_id(rtype: str, values: Mapping[str, Any], address: str, subscription: str,
             group: str, scope_id: str) -> Any:
    from . import plan as p
    rg = values.get("resource_group_name")
    rg = rg if isinstance(rg, str) and rg and "/" not in rg else group
    base = f"/subscriptions/{subscription}/resourceGroups/{rg}/providers/Microsoft.Compute"

    def n(k: str) -> str:
        return _name(values, k, address)
    if rtype == "azurerm_resource_group":
        return f"/subscriptions/{subscription}/resourceGroups/{n('name')}"
    if rtype == p.GALLERY:
        return f"{base}/galleries/{n('name')}"
    if rtype == p.IMAGE:
        return f"{base}/galleries/{n('gallery_name')}/images/{n('name')}"
    if rtype == p.VERSION:
        return f"{base}/galleries/{n('gallery_name')}/images/{n('image_name')}/versions/" \
               f"{n('name')}"
    if rtype in p.VMS or rtype == p.LEGACY_VM:
        return f"{base}/virtualMachines/{n('name')}"
    if rtype in p.SCALE_SETS or rtype in (p.ORCHESTRATED, p.LEGACY_VMSS):
        return f"{base}/virtualMachineScaleSets/{n('name')}"
    if rtype in (p.MANAGED_IMAGE, p.HOST_POOL, p.AZAPI):
        found = p.v3_id(rtype, dict(values), n("name"),
                        f"/subscriptions/{subscription}/resourceGroups/{rg}", scope_id)
        return UNKNOWN if found is None else found
    if rtype == p.APPLICATION:
        parent = values.get("gallery_id")
        parent = parent if isinstance(parent, str) and parent.startswith("/subscriptions/") \
            else scope_id
        return f"{parent.rstrip('/')}/applications/{n('name')}"
    if rtype == p.APP_VERSION:
        parent = values.get("gallery_application_id")
        parent = parent if isinstance(parent, str) and parent.startswith("/subscriptions/") \
            else scope_id
        return f"{parent.rstrip('/')}/versions/{n('name')}"
    return UNKNOWN


def body_values(evaluator: hcl.Evaluator, body: Any, scope: Mapping[str, Any],
                prefix: tuple[Any, ...]) -> tuple[dict, dict]:
    """A body's arguments (UNKNOWN where they do not resolve; absent where they resolve
    to null) and nested blocks (lists of bodies, as plans write them), with the (line,
    column) of each by path."""
    values: dict[str, Any] = {}
    positions: dict[tuple[Any, ...], tuple[int, int]] = {}
    if body is None:
        return values, positions
    attributes, blocks = hcl.body_items(body)
    for a in attributes:
        if not prefix and a.name in META_ARGUMENTS:
            continue
        value = evaluator.value(a.expr, scope)
        positions[(*prefix, a.name)] = (a.line, a.column)
        if value is None:
            continue
        values[a.name] = value
    for b in blocks:
        if b.type in META_BLOCKS:
            continue
        if b.type == "dynamic":
            _dynamic(evaluator, b, scope, prefix, values, positions)
            continue
        items = values.setdefault(b.type, [])
        if items is UNKNOWN:
            continue
        where = (*prefix, b.type, len(items))
        inner, inner_positions = body_values(evaluator, b.body, scope, where)
        items.append(inner)
        positions[where] = (b.line, b.column)
        positions.setdefault((*prefix, b.type), (b.line, b.column))
        positions.update(inner_positions)
    return values, positions


def _dynamic(evaluator: hcl.Evaluator, block: hcl.Block, scope: Mapping[str, Any],
             prefix: tuple[Any, ...], values: dict, positions: dict) -> None:
    label = block.labels[0] if block.labels and isinstance(block.labels[0], str) else None
    if label is None or block.body is None:
        return
    attributes, blocks = hcl.body_items(block.body)
    by_name = {a.name: a for a in attributes}
    content = next((b for b in blocks if b.type == "content"), None)
    each = evaluator.value(by_name["for_each"].expr, scope) if "for_each" in by_name \
        else UNKNOWN
    iterator = label
    if "iterator" in by_name:
        node = by_name["iterator"].expr
        name = _bare_name(node)
        if name is None:
            values[label] = UNKNOWN
            return
        iterator = name
    if isinstance(each, dict):
        pairs = list(each.items())
    elif isinstance(each, list):
        pairs = list(enumerate(each))
    else:
        values[label] = UNKNOWN
        positions.setdefault((*prefix, label), (block.line, block.column))
        return
    if len(pairs) > MAX_INSTANCES:
        values[label] = UNKNOWN
        return
    items = values.setdefault(label, [])
    if items is UNKNOWN:
        return
    positions.setdefault((*prefix, label), (block.line, block.column))
    for key, value in pairs:
        inner_scope = {**scope, iterator: {"key": key, "value": value}}
        where = (*prefix, label, len(items))
        inner, inner_positions = body_values(evaluator, content.body if content else None,
                                             inner_scope, where)
        items.append(inner)
        positions[where] = (block.line, block.column)
        positions.update(inner_positions)


def _bare_name(node: Any) -> str | None:
    while hcl._is_tree(node) and node.data == "expr_term" and len(hcl.trees(node)) == 1:
        node = hcl.trees(node)[0]
    if hcl._is_tree(node) and node.data == "identifier":
        return hcl.identifier(node)
    return None


def _tf_files(directory: str) -> list[str]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [os.path.join(directory, n) for n in names
            if n.endswith(".tf") and not n.startswith(".") and
            (os.path.isfile(os.path.join(directory, n)) or
             os.path.islink(os.path.join(directory, n)))]


def load_modules(directories: Mapping[str, Sequence[str]], inventory: Inventory,
                 scope_id: str, var_files: Sequence[str] = ()) -> None:
    """Read the modules whose `.tf` files the run met (directory -> files) into the
    inventory: the root modules, and through them the local modules they call."""
    if not directories:
        return
    budget = hcl.Budget(next(iter(directories)))
    reader = TerraformReader(var_files, scope_id, budget)
    for directory, files in directories.items():
        reader.source(directory, files)
    called = {target for d in directories for target in reader.sources[
        os.path.normpath(d)].local_sources() if target != os.path.normpath(d)}
    for directory in directories:
        key = os.path.normpath(directory)
        if key in called:
            continue  # a child module: read through its caller
        root = Module(reader, reader.sources[key], "", None, 0)
        reader.collect(root)
    _to_inventory(reader, inventory)


def _to_inventory(reader: TerraformReader, inventory: Inventory) -> None:
    from .plan import SourcePlanReader
    changes = []
    places = []
    for module, resource, key, bindings in reader.read:
        values, positions = reader.instance_values(module, resource, key, bindings)
        after = dict(values)
        rid = reader.arm_id(module, resource, key, bindings)
        if isinstance(rid, str):
            after["id"] = rid
        address = _instance_address(module, resource, key)
        if (re.sub(r"\[[^\]]*\]", "", address), resource.type) in inventory.plan_addresses:
            continue  # the plan of this configuration is in the run: read from it only
        changes.append({"address": address, "mode": "managed", "type": resource.type,
                        "name": resource.name,
                        "change": {"actions": ["create"], "after": after}})
        places.append((resource.path, resource.block.line, resource.block.column, positions))
    if not changes:
        return
    doc = {"format_version": "1.2", "resource_changes": changes}
    SourcePlanReader(doc, places, reader.scope_id).load(inventory)


def group_by_directory(paths: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path in paths:
        out.setdefault(os.path.dirname(path) or ".", []).append(path)
    return out

