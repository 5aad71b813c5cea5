"""Reading input files: walk, read, parse, recognise the form, hand to its reader.

Forms are recognised by content, never by file name (product.md, "Command
line"). A file that does not parse is always an error; a file that parses
but has no recognised form is an error when named, and skipped (counted)
when met while walking a directory.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import stat
from typing import Any, Iterable, Iterator, Sequence

from msgspec import Struct

from ..errors import InputError, ParseError
from ..model import Inventory, Source
from . import azure
from .parsed import LineIndex, ParsedFile, decode, row_start, strip_comments

SNAPSHOT_KIND = "gallerylint.snapshot"
SNAPSHOT_ARRAYS = ("galleries", "imageDefinitions", "imageVersions", "virtualMachines",
                   "virtualMachineScaleSets", "applications", "applicationVersions",
                   "softDeletedVersions", "imageTemplates", "managedImages", "hostPools",
                   "sessionHosts", "sessionHostConfigurations")
# The files people write (rules.md v3, form 7), recognised by name. This version does
# not read them yet: each is exit 2 naming its form and the way out, so that a folder
# of them never passes on nothing.
SOURCE_FORMS = {
    ".bicepparam": ("a Bicep parameters file", "name its .bicep file, or lint what bicep "
                    "build-params writes"),
}
# Variable files belong to their module or template: never linted on their own.
VARIABLE_SUFFIXES = (".tfvars", ".tfvars.json", ".pkrvars.hcl", ".pkrvars.json")
TERRAFORM_SUFFIX = ".tf"
BICEP_SUFFIX = ".bicep"
PACKER_SUFFIXES = (".pkr.hcl", ".pkr.json")
WALKED_SUFFIXES = (".json", ".yaml", ".yml", TERRAFORM_SUFFIX, BICEP_SUFFIX, *PACKER_SUFFIXES,
                   *SOURCE_FORMS, *VARIABLE_SUFFIXES)


def source_form(path: str) -> tuple[str, str] | None:
    """(form, what to do) for a file of a written form this version does not read."""
    name = path.lower()
    for suffix in sorted(SOURCE_FORMS, key=len, reverse=True):
        if name.endswith(suffix):
            return SOURCE_FORMS[suffix]
    return None


def refuse_source_form(path: str, form: tuple[str, str]) -> InputError:
    return InputError(path, f"{form[0]}, a form this version of gallerylint cannot read "
                      "(a run that skipped it would pass on nothing)", line=1, hint=form[1])
CONFIG_NAMES = (".gallerylint.yaml", ".gallerylint.yml")


class Limits(Struct, frozen=True):
    """Bounds on what one input file may cost (issue: hostile input)."""

    max_file_bytes: int = 1 << 30  # 1 GiB
    max_yaml_alias_nodes: int = 10_000  # what aliases may expand to (billion laughs)
    max_depth: int = 64  # nesting of objects and arrays in templates, plans and YAML
    bicep_timeout_seconds: float = 60  # one `bicep build`


def is_parameters_file(path: str) -> bool:
    return path.lower().endswith(".parameters.json")


def walk(paths: Sequence[str], exclude: Sequence[str] = ()) -> Iterator[tuple[str, bool | None]]:
    """Yield (file, named_explicitly) for every input path, directories recursed;
    named_explicitly is None for a walked entry that is not a regular file.

    Hidden folders, the config file and template parameters files are left
    out of a walk; symlinked folders are not followed (no loops)."""
    for given in paths:
        if given == STDIN:
            yield given, True
            continue
        if not os.path.exists(given):
            raise InputError(given, "no such file or directory",
                             hint="check the path on the command line")
        if os.path.isdir(given):
            for root, dirs, files in os.walk(given, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.lower().endswith(WALKED_SUFFIXES) or name in CONFIG_NAMES:
                        continue
                    full = os.path.join(root, name)
                    if is_parameters_file(full) or _excluded(full, exclude):
                        continue
                    try:
                        regular = stat.S_ISREG(os.stat(full).st_mode)
                    except OSError:  # a dangling link or a link loop
                        regular = False
                    if not regular:  # FIFOs, devices, sockets: never read while walking
                        yield full, None
                        continue
                    yield full, False
        elif not _excluded(given, exclude):
            yield given, True


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    norm = os.path.normpath(path).replace(os.sep, "/").lower()
    return any(fnmatch.fnmatchcase(norm, p.lower()) or fnmatch.fnmatchcase(
        norm, "*/" + p.lower().lstrip("/")) for p in patterns)


STDIN = "-"


def _read_stdin(cap: int) -> bytes:
    import sys
    data = sys.stdin.buffer.read(cap + 1)
    if len(data) > cap:
        raise InputError(STDIN, f"standard input is above the limit of {cap:,} bytes",
                         hint="raise input.max_file_bytes")
    return data


def read_data(path: str, limits: Limits) -> bytes:
    from ..safeio import read_bytes
    if path == STDIN:
        return _read_stdin(limits.max_file_bytes)
    return read_bytes(path, limits.max_file_bytes, "file", hint_cap="raise input.max_file_bytes")


def read_text(path: str, limits: Limits, data: bytes | None = None) -> str:
    from ..safeio import decode_utf8
    return decode_utf8(path, read_data(path, limits) if data is None else data,
                       error=ParseError)


_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")


def yaml_problem(problem: str) -> str:
    """ruamel's problem text without what it quotes from the document (a duplicate key's
    values, an alias name): errors never echo a file's content."""
    return _QUOTED.sub("'…'", problem).strip()


def yaml_document(path: str, text: str, max_alias_nodes: int, value_hint: str) -> Any:
    """A YAML text parsed round-trip (line numbers kept), aliases bounded; every failure
    is one InputError naming the line, never the text."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    _check_aliases(path, text, max_alias_nodes)
    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = yaml_problem(exc.problem or exc.context or "invalid YAML")
        raise ParseError(path, f"invalid YAML: {problem}", line=line,
                         hint="fix the YAML syntax (duplicate keys are not allowed)") from None
    except YAMLError:
        raise ParseError(path, "invalid YAML", hint="fix the YAML syntax") from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. `x: 2026-02-30`
        raise ParseError(path, f"invalid YAML value: {yaml_problem(str(exc))[:160]}",
                         hint=value_hint) from None
    except RecursionError:
        raise InputError(path, "YAML nested too deeply", hint="flatten the document") from None


def _yaml() -> Any:
    from ruamel.yaml import YAML  # YAML inputs only: start-up stays fast
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


def parse(path: str, limits: Limits, data: bytes | None = None) -> ParsedFile:
    """The file (its bytes when already read) parsed as JSON or YAML."""
    text = read_text(path, limits, data)
    stripped = text.lstrip()
    # standard input: JSON when it starts like JSON, else YAML (recognised by content)
    is_yaml = (path.lower().endswith((".yaml", ".yml")) or path == STDIN) \
        and not stripped.startswith(("{", "["))
    if not is_yaml:
        try:
            document, offsets = decode(text)
            return ParsedFile(path, text, document, False, offsets)
        except json.JSONDecodeError as exc:
            error = exc
        except RecursionError:
            raise InputError(path, "JSON nested too deeply", hint="flatten the document") from None
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            raise InputError(path, f"invalid JSON: {exc}", hint="fix the value") from None
        # Templates and parameters files may carry // and /* */ comments (Azure accepts them).
        uncommented = strip_comments(text)
        if uncommented is not None:
            try:
                document, offsets = decode(uncommented)
                if recognise(document) in ("template", "parameters"):
                    return ParsedFile(path, uncommented, document, False, offsets, True)
            except (ValueError, RecursionError):
                pass
        raise ParseError(path, f"invalid JSON: {error.msg} (column {error.colno})",
                         line=error.lineno, hint="fix the JSON syntax") from None
    document = yaml_document(path, text, limits.max_yaml_alias_nodes,
                             "quote the value if it is meant as text")
    return ParsedFile(path, text, document, True)


def _check_aliases(path: str, text: str, limit: int) -> None:
    """Refuse YAML whose aliases would expand to more than `limit` nodes (billion laughs),
    measured on the parser's events before anything is built."""
    if "*" not in text:
        return
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import (AliasEvent, CollectionEndEvent, CollectionStartEvent,
                                    ScalarEvent)
    sizes: dict[str, int] = {}
    stack: list[list] = []  # [anchor, nodes so far]
    expanded = 0
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            if isinstance(event, AliasEvent):
                size = sizes.get(event.anchor, 1)
                expanded += size
                if stack:
                    stack[-1][1] += size
                if expanded > limit:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    raise InputError(path, f"YAML aliases expand to more than {limit} nodes",
                                     line=line, hint="expand the anchors by hand, or raise "
                                     "input.max_yaml_alias_nodes")
            elif isinstance(event, CollectionStartEvent):
                stack.append([event.anchor, 1])
            elif isinstance(event, CollectionEndEvent) and stack:
                anchor, size = stack.pop()
                if anchor:
                    sizes[anchor] = size
                if stack:
                    stack[-1][1] += size
            elif isinstance(event, ScalarEvent):
                if event.anchor:
                    sizes[event.anchor] = 1
                if stack:
                    stack[-1][1] += 1
    except YAMLError:
        return  # the real parse reports the syntax error with its line


def check_depth(path: str, document: Any, limit: int) -> None:
    """Refuse documents nested deeper than the limit (iteratively: no recursion)."""
    stack = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            raise InputError(path, f"document nested more than {limit} levels deep",
                             hint="raise input.max_depth if this is a real template")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node if isinstance(v, (dict, list)))


def recognise(document: Any) -> str | None:
    """The input form of a parsed document, or None."""
    if isinstance(document, dict):
        if document.get("kind") == SNAPSHOT_KIND:
            return "snapshot"
        schema = document.get("$schema")
        if isinstance(schema, str):
            s = schema.strip().lower()
            if s.endswith("deploymenttemplate.json#"):
                return "template"
            if s.endswith("deploymentparameters.json#"):
                return "parameters"
        if "format_version" in document and (
                "resource_changes" in document or "planned_values" in document):
            return "plan"
        for key in ("data", "value"):
            rows = document.get(key)
            if isinstance(rows, list) and rows and _all_skus(rows):
                return "skus"
            if isinstance(rows, list) and _all_resources(rows):
                return "azure"
        if azure.looks_like_resource(document) and azure.resource_kind(document) is not None:
            return "resource"  # one body, as `az sig show` or `az rest` print it
        if "id" not in document and _body_kind(document) is not None:
            return "resource"  # a documentation example without an ID
        return None
    if isinstance(document, list) and document and _all_skus(document):
        return "skus"
    if isinstance(document, list) and _all_resources(document):
        return "azure"
    return None


_PLACEHOLDER_GALLERY = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
                        "unknown/providers/Microsoft.Compute/galleries/unknown")


def _body_kind(document: dict) -> str | None:
    """The kind of a body that has neither `id` nor `type` (a REST example of an update),
    by shape: an image definition's identifier triple, or a version's publishing profile
    with its storage profile."""
    props = document.get("properties")
    if isinstance(props, dict) and isinstance(props.get("distribute"), list) and \
            "source" in props:
        return azure.IMAGE_TEMPLATE  # an Image Builder template body (az resource create)
    if not isinstance(props, dict) or not isinstance(document.get("name"), str):
        return None
    ident = props.get("identifier")
    if isinstance(ident, dict) and all(k in ident for k in ("publisher", "offer", "sku")):
        return azure.DEFINITION
    if isinstance(props.get("publishingProfile"), dict) and "storageProfile" in props:
        return azure.VERSION
    return None


def _with_placeholder_id(document: dict) -> dict:
    """A body without an ID gets a documented placeholder: gallery `unknown` in resource
    group `unknown` of the all-zero subscription, under its own name."""
    kind = _body_kind(document)
    name = document.get("name")
    if kind == azure.IMAGE_TEMPLATE:
        safe = name if isinstance(name, str) and name and "/" not in name else "unknown"
        rid = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/unknown/"
               f"providers/Microsoft.VirtualMachineImages/imageTemplates/{safe}")
    elif kind == azure.DEFINITION:
        rid = f"{_PLACEHOLDER_GALLERY}/images/{name}"
    else:
        rid = f"{_PLACEHOLDER_GALLERY}/images/unknown/versions/{name}"
    return {**document, "id": rid}


def _all_skus(rows: list[Any]) -> bool:
    """The Resource SKUs list: every item has resourceType, name and capabilities."""
    return all(isinstance(r, dict) and "resourceType" in r and "name" in r
               and "capabilities" in r for r in rows)


def _all_resources(rows: list[Any]) -> bool:
    return all(azure.looks_like_resource(r) for r in rows)


def _with_offsets(rows: list[Any], offsets: list[int] | None) -> Iterable[tuple[Any, int | None]]:
    if offsets is not None and len(offsets) == len(rows):
        return zip(rows, offsets)
    return ((row, None) for row in rows)


def _resource_rows(parsed: ParsedFile, form: str) -> Iterable[tuple[Any, int | None]]:
    """(row, offset of the row in the text or None) of a resources document."""
    document, offsets = parsed.document, parsed.row_offsets
    if form == "snapshot":
        for key, value in document.items():
            if key in SNAPSHOT_ARRAYS and isinstance(value, list):
                yield from _with_offsets(value, offsets.get(key))
    elif form == "resource":
        if "id" not in document:
            document = _with_placeholder_id(document)
        yield document, (len(parsed.text) - len(parsed.text.lstrip()) if not parsed.is_yaml
                         else None)
    elif isinstance(document, list):
        yield from _with_offsets(document, offsets.get(""))
    else:
        key = "data" if isinstance(document.get("data"), list) else "value"
        yield from _with_offsets(document[key], offsets.get(key))


def load_skus(path: str, document: Any, inventory: Inventory) -> None:
    """The Resource SKUs list (`az vm list-skus -o json`, or the REST `{"value": [...]}`)."""
    rows = document if isinstance(document, list) else (
        document.get("value") or document.get("data") or [])
    for row in rows:
        sku = azure.size_sku(row, Source(path, 1, 1, "azure"))
        if sku is not None:
            inventory.skus.append(sku)


def _snapshot_metadata(path: str, document: dict[str, Any], inventory: Inventory) -> None:
    """What a snapshot says besides its resources: when it was taken, the scopes it
    could not read, and the Resource SKUs it carries."""
    from ..names import parse_time
    meta = document.get("metadata") or {}
    failed = meta.get("failedScopes") if isinstance(meta.get("failedScopes"), list) else []
    inventory.snapshots.append((path, parse_time(meta.get("createdAt")),
                                [f for f in failed if isinstance(f, dict)]))
    skus = document.get("resourceSkus")
    if isinstance(skus, list):
        load_skus(path, skus, inventory)


def _read_fast(path: str, data: bytes, inventory: Inventory) -> bool:
    """Read a resource list or a snapshot with the fast reader (linter/sources/fastrows.py);
    False when the general reader must read the file (nothing was added then)."""
    from . import fastrows
    split = fastrows.split(data, SNAPSHOT_KIND, SNAPSHOT_ARRAYS)
    if split is None:
        return False
    form, members, rows = split
    if form == "snapshot":
        from .snapshot import schema_allows
        if not schema_allows(members):
            return False  # the general reader names what is wrong, and where
        _snapshot_metadata(path, members, inventory)
    inventory.extend(fastrows.add_rows(path, data, rows, form))
    inventory.files[path] = form
    return True


def load_document(parsed: ParsedFile, form: str, inventory: Inventory) -> None:
    """Add the resources of a snapshot or raw-resources document to the inventory."""
    src_form = "snapshot" if form == "snapshot" else ("yaml" if parsed.is_yaml else "azure")
    if form == "skus":
        load_skus(parsed.path, parsed.document, inventory)
        return
    if form == "snapshot":
        from .snapshot import check_snapshot
        check_snapshot(parsed)
        _snapshot_metadata(parsed.path, parsed.document, inventory)
    index = None if parsed.is_yaml else LineIndex(parsed.text)
    text = parsed.text
    path = parsed.path
    add = azure.add_resource
    kind_of = azure.resource_kind
    for row, offset in _resource_rows(parsed, form):
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            continue
        kind = kind_of(row)
        if kind is None:
            continue
        if index is not None:
            line, column = (index.at(row_start(text, offset, row["id"]))
                            if offset is not None else (1, 1))
        else:
            lc = getattr(row, "lc", None)
            line, column = (lc.line + 1, lc.col + 1) if lc is not None else (1, 1)
        if parsed.is_yaml or form == "resource":  # user-written: any spelling of names
            row = azure.canonical_keys(row)
        add(inventory, row, Source(path, line, column, src_form), kind)


def load_paths(paths: Sequence[str], exclude: Sequence[str] = (),
               limits: Limits = Limits(), deployment_scope: str | None = None,
               skip_unknown: bool = False, var_files: Sequence[str] = ()) -> Inventory:
    """Read every input path into one inventory (later duplicates replace earlier ones).
    With skip_unknown (the pre-commit hook, which names every staged file), a named file
    of no recognised form is skipped and counted, as one met while walking. var_files
    (`--var-file`, in order): `.tfvars[.json]` apply to every Terraform root module,
    `.pkrvars.hcl`/`.pkrvars.json` to every Packer configuration, after the auto-loaded
    ones."""
    for path in var_files:
        if not path.lower().endswith(VARIABLE_SUFFIXES):
            raise InputError(path, "--var-file takes a .tfvars, .tfvars.json, .pkrvars.hcl or "
                             ".pkrvars.json file", hint="name a variables file")
    inventory = Inventory()
    terraform: dict[str, list[str]] = {}  # module directory -> its .tf files met
    packer: dict[str, list[str]] = {}  # configuration -> its files (a named file alone)
    entries = list(walk(paths, exclude))
    bicep = [p for p, named in entries if named is not None and
             p.lower().endswith(BICEP_SUFFIX)]
    compiled_here: set[str] = set()
    if bicep:
        from .bicep import compiled_beside, executable
        if executable() is not None:  # compiled from source: the copies beside are not read
            compiled_here = {os.path.normpath(c) for c in map(compiled_beside, bicep) if c}
    for path, named in entries:
        if path.lower().endswith(BICEP_SUFFIX) or os.path.normpath(path) in compiled_here:
            continue
        if path.lower().endswith(".bicepparam") and not named:
            continue  # read with its .bicep file, never on its own (rules.md, v3)
        if skip_unknown and named:
            named = False
        if named is None:
            inventory.skipped_special.append(path)
            continue
        if path.lower().endswith(VARIABLE_SUFFIXES):
            if named:
                raise InputError(path, "a variables file is read with its module or template, "
                                 "never on its own", hint="lint the template or plan it is for")
            continue  # read with its module or configuration, never counted on its own
        if path.lower().endswith(PACKER_SUFFIXES):
            key = path if named else (os.path.dirname(path) or ".")
            packer.setdefault(key, []).append(path)
            continue
        if path.lower().endswith(TERRAFORM_SUFFIX):
            # A module is a directory: a named .tf file reads all of its directory's.
            directory = os.path.dirname(path) or "."
            files = terraform.setdefault(directory, [])
            if named:
                from .terraform import _tf_files
                files.extend(f for f in _tf_files(directory) if f not in files)
            elif path not in files:
                files.append(path)
            continue
        written = source_form(path)
        if written is not None:
            raise refuse_source_form(path, written)
        data = read_data(path, limits)
        if not path.lower().endswith((".yaml", ".yml")) and _read_fast(path, data, inventory):
            del data  # one file's bytes at a time
            continue
        try:
            parsed = parse(path, limits, data)
        except ParseError:
            if named or _recognisably_ours(path, limits):
                raise
            inventory.unparsed_files.append(path)
            continue
        form = recognise(parsed.document)
        if form == "parameters":
            continue  # read with its template, never on its own
        if form is None and _legacy_packer(parsed.document):
            from .packer import legacy_pipelines
            pipelines, planned = legacy_pipelines(path, parsed.document, parsed.text)
            inventory.pipelines.extend(pipelines)
            inventory.planned.extend(planned)
            inventory.files[path] = "packer"
            continue
        if form is None:
            if named:
                raise InputError(path, "not a recognised input: expected a gallerylint "
                                 "snapshot, Azure resources (a JSON array, or an object with "
                                 "'data' or 'value'), an ARM template or a Terraform plan",
                                 line=1, hint="see 'Command line' in the README")
            inventory.skipped_files.append(path)
            continue
        if form in ("template", "plan") or parsed.is_yaml:
            check_depth(path, parsed.document, limits.max_depth)
        if form in ("template", "plan"):
            from .iac import load_iac
            from .template import DEFAULT_SCOPE
            load_iac(parsed, form, inventory, deployment_scope or DEFAULT_SCOPE)
        else:
            load_document(parsed, form, inventory)
        inventory.files[path] = form
        del parsed, data
    if bicep:
        from .bicep import load_bicep_files
        from .template import DEFAULT_SCOPE
        load_bicep_files(bicep, inventory, deployment_scope or DEFAULT_SCOPE,
                         limits.bicep_timeout_seconds, inventory.notes)
    if packer:
        from .packer import load_packer
        load_packer([((os.path.dirname(k) or ".") if k in files else k, files)
                     for k, files in packer.items()], inventory,
                    [v for v in var_files if v.lower().endswith((".pkrvars.hcl",
                                                                 ".pkrvars.json"))])
    if terraform:
        from .template import DEFAULT_SCOPE
        from .terraform import load_modules
        load_modules(terraform, inventory, deployment_scope or DEFAULT_SCOPE,
                     [v for v in var_files if v.lower().endswith((".tfvars", ".tfvars.json"))])
        for files in terraform.values():
            for path in files:
                inventory.files[path] = "terraform"
    _deduplicate(inventory)
    return inventory


def _legacy_packer(document: Any) -> bool:
    """A legacy Packer JSON template: `builders`, a list of objects with a `type`."""
    builders = document.get("builders") if isinstance(document, dict) else None
    return isinstance(builders, list) and any(isinstance(b, dict) and "type" in b
                                              for b in builders)


_OURS = re.compile(r"microsoft\.compute/|resource_changes|deploymenttemplate\.json#|"
                   r"deploymentparameters\.json#|gallerylint\.snapshot", re.IGNORECASE)


def _recognisably_ours(path: str, limits: Limits) -> bool:
    """A file met while walking that does not parse is an error only when it is
    recognisably Azure or Terraform: its text names a `Microsoft.Compute` type, a
    plan's `resource_changes`, a deployment template or parameters `$schema`, or a
    gallerylint snapshot. Anything else (a Helm template, a tsconfig.json with
    comments) is skipped and named."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(min(limits.max_file_bytes, 64 << 20))
    except OSError:
        return True
    return _OURS.search(head.decode("utf-8", "replace")) is not None


def _deduplicate(inventory: Inventory) -> None:
    """The same ARM ID given twice (a snapshot and a template, say): the later wins."""
    for attr in ("galleries", "definitions", "versions", "deployments", "applications",
                 "app_versions"):
        items = getattr(inventory, attr)
        keys = [item.id.lower() for item in items]
        if len(set(keys)) == len(keys):
            continue  # no ID twice (the common case, checked at C speed)
        seen: dict[str, int] = {}
        duplicate = False
        for i, (item, key) in enumerate(zip(items, keys)):
            if key in seen:
                duplicate = True
                first = items[seen[key]].source.path
                if first != item.source.path:
                    inventory.duplicate_ids.append((item.id, first, item.source.path))
            seen[key] = i
        if duplicate:
            keep = set(seen.values())
            setattr(inventory, attr, [it for i, it in enumerate(items) if i in keep])
