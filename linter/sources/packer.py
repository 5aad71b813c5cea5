"""Packer templates (`.pkr.hcl`, `.pkr.json`, legacy JSON with `builders`): each
`azure-arm` pipeline that publishes to a gallery is a *planned version* (rules.md,
"Pipelines (v3)", "Planned versions (v3)" and "Packer templates (v3)"; the options and
their defaults are the reference's §v3.3). Nothing runs: no Packer, no plugin, no
`PKR_VAR_*` or `env()`; values resolve as in Terraform source, and the rest is unknown.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from msgspec.structs import replace

from ..errors import InputError
from ..model import UNKNOWN, Inventory, Pipeline, Source
from . import hcl
from .hcl import Unresolved

MAX_BYTES = 16 << 20
UNKNOWN_SUBSCRIPTION = "(unknown)"  # resolved against the run's definitions in facts
PLANNED_MARK = "#pipeline="


def _read(path: str, what: str) -> str:
    return hcl.read_source(path, MAX_BYTES, what)


class DeclaredTwice(Exception):
    """Two files of one folder declare the same source or variable: Packer refuses them as
    one configuration, so each file is read as its own (rules.md, Packer templates)."""


@dataclass
class Config:
    """One Packer configuration: its files' variables, locals, sources and builds."""

    directory: str
    variables: dict[str, Any] = field(default_factory=dict)  # name -> default value
    locals: dict[str, Any] = field(default_factory=dict)  # name -> expression (tree or value)
    sources: dict[str, tuple[str, Any, int, int]] = field(default_factory=dict)
    # name -> (path, body tree or dict, line, column) of `source "azure-arm" "<name>"`
    builds: list[tuple[str | None, list[tuple[str, Any]], str]] = field(default_factory=list)
    # (build name, [(source name, nested body or None)], path)


class Evaluation:
    """Variables and locals of one configuration, evaluated on demand."""

    def __init__(self, config: Config, budget: hcl.Budget) -> None:
        self.config = config
        self.values = dict(config.variables)
        self.local_values: dict[str, Any] = {}
        self.busy: set[str] = set()
        self.evaluator = hcl.Evaluator(budget, self.lookup)

    def lookup(self, root: str, scope: Mapping[str, Any]) -> Any:
        if root == "var":
            return hcl.Names(lambda n: self.values.get(n, UNKNOWN))
        if root == "local":
            return hcl.Names(self.local)
        raise Unresolved()  # source.*, build.*, env(), data sources: unknown

    def local(self, name: str) -> Any:
        if name in self.local_values:
            return self.local_values[name]
        if name not in self.config.locals or name in self.busy:
            return UNKNOWN
        self.busy.add(name)
        try:
            value = self.value(self.config.locals[name])
        finally:
            self.busy.discard(name)
        self.local_values[name] = value
        return value

    def value(self, node: Any) -> Any:
        if hcl._is_tree(node):
            return self.evaluator.value(node, {})
        return _json_value(node, self)


def _json_value(value: Any, ev: Evaluation) -> Any:
    """A value of HCL's JSON syntax: strings are templates (`${var.x}`)."""
    if isinstance(value, str):
        if "${" not in value and "%{" not in value:
            return value
        try:
            tree = hcl.parse("-", f"x = {json.dumps(value)}\n", "Packer template")
        except InputError:
            return UNKNOWN
        attributes, _ = hcl.body_items(hcl.top_body(tree))
        return ev.evaluator.value(attributes[0].expr, {}) if attributes else UNKNOWN
    if isinstance(value, list):
        items = [_json_value(v, ev) for v in value]
        return UNKNOWN if any(v is UNKNOWN for v in items) else items
    if isinstance(value, dict):
        return {k: _json_value(v, ev) for k, v in value.items()}
    return value


# -- reading the configuration -----------------------------------------------------------


def read_config(directory: str, files: Sequence[str], budget: hcl.Budget,
                var_files: Sequence[str] = ()) -> Config:
    config = Config(directory)
    for path in sorted(files):
        text = _read(path, "Packer template")
        before = (set(config.sources), set(config.variables))
        part = Config(directory)
        if path.lower().endswith(".pkr.json"):
            _read_json_syntax(part, path, text)
        else:
            _read_native(part, path, hcl.parse(path, text, "Packer template"))
        if set(part.sources) & before[0] or set(part.variables) & before[1]:
            raise DeclaredTwice(path)
        config.variables.update(part.variables)
        config.locals.update(part.locals)
        config.sources.update(part.sources)
        config.builds.extend(part.builds)
    # *.auto.pkrvars.hcl / .json in lexical order (Packer's rule)
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        names = []
    ev = Evaluation(config, budget)
    auto = [os.path.join(directory, n) for n in names
            if n.endswith((".auto.pkrvars.hcl", ".auto.pkrvars.json"))]
    for path in [*auto, *var_files]:  # the auto-loaded ones, then --var-file in order
        for key, value in variable_file(path, ev).items():
            if key in config.variables:
                config.variables[key] = value
    return config


def variable_file(path: str, ev: Evaluation) -> dict[str, Any]:
    return hcl.variables_file(path, MAX_BYTES, "Packer variables file", ev.evaluator.budget)


def _read_native(config: Config, path: str, tree: Any) -> None:
    _, blocks = hcl.body_items(hcl.top_body(tree))
    plain = hcl.Evaluator(hcl.Budget(path, 100_000), hcl.no_names)
    for b in blocks:
        labels = [x for x in b.labels if isinstance(x, str)]
        if b.type == "variable" and len(labels) == 1 and b.body is not None:
            attributes, _ = hcl.body_items(b.body)
            default = next((a.expr for a in attributes if a.name == "default"), None)
            config.variables[labels[0]] = plain.value(default, {}) if default is not None \
                else UNKNOWN
        elif b.type == "locals" and b.body is not None:
            attributes, _ = hcl.body_items(b.body)
            for a in attributes:
                config.locals[a.name] = a.expr
        elif b.type == "local" and len(labels) == 1 and b.body is not None:
            attributes, _ = hcl.body_items(b.body)
            for a in attributes:
                if a.name == "expression":
                    config.locals[labels[0]] = a.expr
        elif b.type == "source" and labels[:1] == ["azure-arm"] and len(labels) == 2:
            config.sources[labels[1]] = (path, b.body, b.line, b.column)
        elif b.type == "build" and b.body is not None:
            attributes, inner = hcl.body_items(b.body)
            name = next((plain.value(a.expr, {}) for a in attributes if a.name == "name"), None)
            named: list[tuple[str, Any]] = []
            for a in attributes:
                if a.name == "sources":
                    listed = plain.value(a.expr, {})
                    for ref in listed if isinstance(listed, list) else []:
                        if isinstance(ref, str) and ref.startswith("source.azure-arm."):
                            named.append((ref[len("source.azure-arm."):], None))
            for nested in inner:
                label = nested.labels[0] if nested.labels else None
                if nested.type == "source" and isinstance(label, str):
                    label = label[len("source."):] if label.startswith("source.") else label
                    if label.startswith("azure-arm."):
                        named.append((label[len("azure-arm."):], nested))
            config.builds.append((name if isinstance(name, str) else None, named, path))


def _read_json_syntax(config: Config, path: str, text: str) -> None:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise InputError(path, "Packer template (.pkr.json) is not valid JSON", line=1,
                         hint="fix the JSON syntax; packer validate says more") from None
    if not isinstance(doc, dict):
        raise InputError(path, "Packer template (.pkr.json) is not a JSON object", line=1,
                         hint="write the HCL2 JSON syntax: {\"source\": {...}, "
                              "\"build\": {...}}")
    for name, spec in _json_blocks(doc.get("variable")):
        config.variables[name] = spec.get("default", UNKNOWN) if isinstance(spec, dict) \
            else UNKNOWN
    for entry in _as_list(doc.get("locals")):
        if isinstance(entry, dict):
            config.locals.update(entry)
    sources = doc.get("source")
    for entry in _as_list(sources):
        arm = entry.get("azure-arm") if isinstance(entry, dict) else None
        for name, body in _json_blocks(arm):
            if isinstance(body, dict):
                config.sources[name] = (path, body, _json_line(text, f'"{name}"'), 1)
    for build in _as_list(doc.get("build")):
        if not isinstance(build, dict):
            continue
        listed = build.get("sources")
        named = [(ref[len("source.azure-arm."):], None) for ref in _as_list(listed)
                 if isinstance(ref, str) and ref.startswith("source.azure-arm.")]
        config.builds.append((build.get("name") if isinstance(build.get("name"), str)
                              else None, named, path))


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [value] if value is not None else []


def _json_blocks(value: Any) -> Iterable[tuple[str, Any]]:
    for entry in _as_list(value):
        if isinstance(entry, dict):
            yield from entry.items()


def _json_line(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


# -- pipelines into planned versions -----------------------------------------------------


@dataclass
class Arguments:
    """A pipeline's arguments: values by name and the (line, column) of each."""

    values: dict[str, Any] = field(default_factory=dict)
    positions: dict[tuple[Any, ...], tuple[int, int]] = field(default_factory=dict)
    conflicts: set[str] = field(default_factory=set)


def _arguments_native(body: Any, ev: Evaluation, into: Arguments) -> None:
    from .terraform import body_values
    values, positions = body_values(ev.evaluator, body, {}, ())
    for key, value in values.items():
        if key in into.values:
            into.conflicts.add(key)  # set in both: Packer refuses the template
            into.values[key] = UNKNOWN
        else:
            into.values[key] = value
    into.positions.update(positions)


def _arguments_json(body: Mapping[str, Any], ev: Evaluation, into: Arguments, line: int) -> None:
    for key, value in body.items():
        if isinstance(value, dict) and key in ("shared_image_gallery_destination",
                                              "shared_image_gallery"):
            value = [value]
        into.values[key] = _json_value(value, ev)
        into.positions[(key,)] = (line, 1)


def pipeline_id(path: str, source: str, build_label: str | None) -> str:
    from ..report.common import artifact_uri, default_source_root
    rel = artifact_uri(path, default_source_root())
    base = f"packer:{rel}#source.azure-arm.{source}"
    return f"{base}@{build_label}" if build_label else base


def read_pipelines(config: Config, budget: hcl.Budget) -> tuple[list[Any], list[Any]]:
    """The pipelines of a configuration (one per build and source) and their planned
    versions."""
    ev = Evaluation(config, budget)
    pairs: list[tuple[str, Any, str | None]] = []
    counts: dict[str, int] = {}
    for _, named, _ in config.builds:
        for source, _ in named:
            counts[source] = counts.get(source, 0) + 1
    for position, (build_name, named, _) in enumerate(config.builds, start=1):
        for source, nested in named:
            label = None
            if counts.get(source, 0) > 1:
                label = f"build.{build_name}" if build_name else f"build[{position}]"
            pairs.append((source, nested, label))
    pipelines, out = [], []
    for source, nested, label in pairs:
        found = config.sources.get(source)
        if found is None:
            continue  # a source no block declares: Packer refuses the build
        path, body, line, column = found
        args = Arguments()
        if isinstance(body, dict):
            _arguments_json(body, ev, args, line)
        else:
            _arguments_native(body, ev, args)
        if nested is not None and getattr(nested, "body", None) is not None:
            _arguments_native(nested.body, ev, args)
        pid = pipeline_id(path, source, label)
        pipelines.append(_pipeline(args, path, line, column, pid, source))
        planned = _planned(args, path, line, column, pid)
        if planned is not None:
            out.append(planned)
    return pipelines, out


def _pipeline(args: Arguments, path: str, line: int, column: int, pid: str,
              name: str) -> Pipeline:
    """A Packer pipeline: its resolved arguments, located by dotted path."""
    from ..names import region
    a = args.values
    positions = {".".join(str(k) for k in key): pos for key, pos in args.positions.items()}
    location = _text(a.get("location"))
    subscription = _text(a.get("subscription_id"))
    return Pipeline(id=pid, kind="packer", name=name,
                    subscription_id=subscription.lower() if isinstance(subscription, str)
                    else None,
                    location=region(location) if isinstance(location, str) else location,
                    tags={}, api_version=None, properties=dict(a),
                    source=Source(path, line, column, "packer", positions))


def _first_block(value: Any) -> Any:
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, list) and value:
        return value[0] if isinstance(value[0], dict) else UNKNOWN
    return None


def _text(value: Any) -> Any:
    return value if isinstance(value, str) and value else (UNKNOWN if value is UNKNOWN else None)


def _clamp(count: Any) -> Any:
    if isinstance(count, bool) or not isinstance(count, (int, float)):
        return UNKNOWN if count is UNKNOWN else None
    count = int(count)
    return 1 if count <= 0 else min(count, 100)


def _planned(args: Arguments, path: str, line: int, column: int, pid: str) -> Any:
    from ..names import region
    from . import azure
    a = args.values
    dest = _first_block(a.get("shared_image_gallery_destination"))
    if dest is None:
        return None  # no gallery destination: not a planned version
    if dest is UNKNOWN:
        dest = {}
    gallery = dest.get("gallery_name")
    if gallery is None:
        return None
    subscription = _text(dest.get("subscription")) or _text(a.get("subscription_id"))
    names = [_text(dest.get(k)) for k in ("resource_group", "gallery_name", "image_name")]
    if all(isinstance(n, str) and "/" not in n for n in names):
        sub = subscription if isinstance(subscription, str) else UNKNOWN_SUBSCRIPTION
        definition_id = (f"/subscriptions/{sub}/resourceGroups/{names[0]}/providers/"
                         f"Microsoft.Compute/galleries/{names[1]}/images/{names[2]}")
    else:
        definition_id = pid
    name = _text(dest.get("image_version"))
    location = _text(a.get("location"))
    if a.get("build_resource_group_name") is not None:
        location = UNKNOWN
    storage = _text(dest.get("storage_account_type")) or "Standard_LRS"
    count = _clamp(a.get("shared_image_gallery_replica_count", 1))
    regions: Any
    blocks = dest.get("target_region")
    replication = dest.get("replication_regions")
    if isinstance(blocks, list) and blocks:
        regions = []
        for block in blocks:
            if not isinstance(block, dict):
                regions = UNKNOWN
                break
            entry = {"name": block.get("name", UNKNOWN),
                     "regionalReplicaCount": _clamp(block.get("replicas", 1)),
                     "storageAccountType": storage}
            des = block.get("disk_encryption_set_id")
            if isinstance(des, str) and des:
                entry["encryption"] = {"osDiskImage": {"diskEncryptionSetId": des}}
            regions.append(entry)
    elif blocks is UNKNOWN:
        regions = UNKNOWN
    elif isinstance(replication, list) and replication:
        names_ = list(replication)
        if isinstance(location, str) and not any(
                isinstance(r, str) and region(r) ==
                region(location) for r in names_):
            names_.append(location)
        regions = [{"name": r, "regionalReplicaCount": count, "storageAccountType": storage}
                   for r in names_]
    elif replication is UNKNOWN:
        regions = UNKNOWN
    elif isinstance(location, str):
        regions = [{"name": location, "regionalReplicaCount": count,
                    "storageAccountType": storage}]
    else:
        regions = UNKNOWN
    tags = a.get("azure_tags") if isinstance(a.get("azure_tags"), dict) else {}
    for block in a.get("azure_tag") or [] if isinstance(a.get("azure_tag"), list) else []:
        if isinstance(block, dict) and isinstance(block.get("name"), str):
            tags = {**tags, block["name"]: block.get("value")}
    profile: dict[str, Any] = {
        "targetRegions": regions,
        "storageAccountType": storage,
        "excludeFromLatest": a.get("shared_gallery_image_version_exclude_from_latest", False),
    }
    eol = a.get("shared_gallery_image_version_end_of_life_date")
    if eol is not None:
        profile["endOfLifeDate"] = eol
    if dest.get("use_shallow_replication") is True:
        profile["replicationMode"] = "Shallow"
    body = {"id": f"{definition_id}/versions/{name if isinstance(name, str) else ''}",
            "name": name if isinstance(name, str) else "",
            "type": "Microsoft.Compute/galleries/images/versions",
            "location": location if isinstance(location, str) else "",
            "tags": tags, "properties": {"publishingProfile": profile}}
    positions = _positions(args)
    source = Source(path, line, column, "packer", positions)
    version = azure.version(body, source)
    return replace(version, id=f"{version.id}{PLANNED_MARK}{pid}", pipeline=pid,
                   definition_id=definition_id, name=name if isinstance(name, str) else "",
                   location=region(location) if isinstance(location, str) else UNKNOWN)


def _positions(args: Arguments) -> dict[str, tuple[int, int]]:
    """The located keys version rules use, at the Packer argument's line."""
    p = args.positions
    dest = p.get(("shared_image_gallery_destination", 0)) or p.get(
        ("shared_image_gallery_destination",))
    out: dict[str, tuple[int, int]] = {}

    def put(key: str, *paths: tuple[Any, ...]) -> None:
        for path in paths:
            if path in p:
                out[key] = p[path]
                return
        if dest:
            out[key] = dest
    put("name", ("shared_image_gallery_destination", 0, "image_version"))
    put("location", ("location",))
    put("targetRegions", ("shared_image_gallery_destination", 0, "target_region"),
        ("shared_image_gallery_destination", 0, "replication_regions"), ("location",))
    put("endOfLifeDate", ("shared_gallery_image_version_end_of_life_date",))
    put("storageAccountType", ("shared_image_gallery_destination", 0, "storage_account_type"))
    i = 0
    while ("shared_image_gallery_destination", 0, "target_region", i) in p:
        line = p[("shared_image_gallery_destination", 0, "target_region", i)]
        out[f"targetRegions[{i}]"] = line
        replicas = p.get(("shared_image_gallery_destination", 0, "target_region", i,
                          "replicas"))
        out[f"targetRegions[{i}].regionalReplicaCount"] = replicas or line
        i += 1
    return out


# -- legacy JSON ---------------------------------------------------------------------------


_USER = re.compile(r"\{\{\s*user\s+`([^`]*)`\s*\}\}")


def legacy_pipelines(path: str, document: Mapping[str, Any],
                     text: str) -> tuple[list[Any], list[Any]]:
    """Each `builders[]` item of type azure-arm (rules.md, legacy JSON), as a pipeline,
    and the planned versions they publish."""
    variables = document.get("variables") if isinstance(document.get("variables"), dict) else {}

    def resolve(value: Any) -> Any:
        if isinstance(value, str):
            if "{{" not in value:
                return value
            def one(m: re.Match[str]) -> str:
                v = variables.get(m.group(1))
                if not isinstance(v, str) or "{{" in v:
                    raise Unresolved()
                return v
            try:
                out = _USER.sub(one, value)
            except Unresolved:
                return UNKNOWN
            return UNKNOWN if "{{" in out else out
        if isinstance(value, list):
            items = [resolve(v) for v in value]
            return UNKNOWN if any(v is UNKNOWN for v in items) else items
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return value

    pipelines: list[Any] = []
    out: list[Any] = []
    builders = document.get("builders") if isinstance(document.get("builders"), list) else []
    rel_index = 0
    for position, builder in enumerate(builders, start=1):
        if not isinstance(builder, dict) or builder.get("type") != "azure-arm":
            continue
        rel_index += 1
        raw_name = builder.get("name")
        name = resolve(raw_name) if raw_name is not None else "azure-arm"
        from ..report.common import artifact_uri, default_source_root
        rel = artifact_uri(path, default_source_root())
        pid = f"packer:{rel}#builders.{name}" if isinstance(name, str) else \
            f"packer:{rel}#builders[{position}]"
        args = Arguments()
        line = _builder_line(text, position)
        for key, value in builder.items():
            value = resolve(value)
            if isinstance(value, dict) and key in ("shared_image_gallery_destination",
                                                  "shared_image_gallery"):
                value = [value]
            args.values[key] = value
            args.positions[(key,)] = (line, 1)
        pipelines.append(_pipeline(args, path, line, 1, pid, name if isinstance(name, str)
                                   else f"builders[{position}]"))
        planned = _planned(args, path, line, 1, pid)
        if planned is not None:
            out.append(planned)
    return pipelines, out


def _builder_line(text: str, position: int) -> int:
    at = text.find('"builders"')
    for _ in range(position):
        at = text.find("{", at + 1)
        if at < 0:
            return 1
    return text.count("\n", 0, at) + 1


def load_packer(groups: Iterable[tuple[str, Sequence[str]]], inventory: Inventory,
                var_files: Sequence[str] = ()) -> None:
    """Read Packer configurations ((directory, files) each) into planned versions."""
    for directory, files in groups:
        budget = hcl.Budget(files[0] if files else directory)
        try:
            configs = [read_config(directory, files, budget, var_files)]
        except DeclaredTwice:  # not one configuration: each file is its own
            configs = [read_config(directory, [path], budget, var_files) for path in files]
        for config in configs:
            pipelines, planned = read_pipelines(config, budget)
            inventory.pipelines.extend(pipelines)
            inventory.planned.extend(planned)
        for path in files:
            inventory.files[path] = "packer"
