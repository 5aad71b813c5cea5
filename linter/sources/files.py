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
import stat
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ..errors import InputError
from ..model import Inventory, Source
from . import azure

SNAPSHOT_KIND = "gallerylint.snapshot"
SNAPSHOT_ARRAYS = ("galleries", "imageDefinitions", "imageVersions", "virtualMachines",
                   "virtualMachineScaleSets")
WALKED_SUFFIXES = (".json", ".yaml", ".yml")
CONFIG_NAMES = (".gallerylint.yaml", ".gallerylint.yml")


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one input file may cost (issue: hostile input)."""

    max_file_bytes: int = 1 << 30  # 1 GiB
    max_yaml_alias_nodes: int = 10_000  # what aliases may expand to (billion laughs)
    max_depth: int = 64  # nesting of objects and arrays in templates, plans and YAML


@dataclass(slots=True)
class ParsedFile:
    path: str
    text: str
    document: Any
    is_yaml: bool


def is_parameters_file(path: str) -> bool:
    return path.lower().endswith(".parameters.json")


def walk(paths: Sequence[str], exclude: Sequence[str] = ()) -> Iterator[tuple[str, bool | None]]:
    """Yield (file, named_explicitly) for every input path, directories recursed;
    named_explicitly is None for a walked entry that is not a regular file.

    Hidden folders, the config file and template parameters files are left
    out of a walk; symlinked folders are not followed (no loops)."""
    for given in paths:
        if not os.path.exists(given):
            raise InputError(given, "no such file or directory",
                             hint="check the path given to 'gallerylint lint'")
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


def read_text(path: str, limits: Limits) -> str:
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(path, "not a regular file", hint="pass JSON or YAML files")
        if st.st_size > limits.max_file_bytes:
            raise InputError(path, f"file is {st.st_size} bytes, above the limit of "
                             f"{limits.max_file_bytes}", hint="raise limits.max_file_bytes")
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {exc.strerror or exc}",
                         hint="check that it exists and is readable") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(path, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                         f"{exc.start})", line=line, hint="save the file as UTF-8") from None


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


def parse(path: str, limits: Limits) -> ParsedFile:
    text = read_text(path, limits)
    stripped = text.lstrip()
    is_yaml = path.lower().endswith((".yaml", ".yml")) and not stripped.startswith(("{", "["))
    if not is_yaml:
        try:
            return ParsedFile(path, text, json.loads(text), False)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"invalid JSON: {exc.msg} (column {exc.colno})",
                             line=exc.lineno, hint="fix the JSON syntax") from None
        except RecursionError:
            raise InputError(path, "JSON nested too deeply", hint="flatten the document") from None
    _check_aliases(path, text, limits.max_yaml_alias_nodes)
    try:
        document = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise InputError(path, f"invalid YAML: {problem}", line=line,
                         hint="fix the YAML syntax (duplicate keys are not allowed)") from None
    except YAMLError as exc:
        raise InputError(path, f"invalid YAML: {exc}", hint="fix the YAML syntax") from None
    except RecursionError:
        raise InputError(path, "YAML nested too deeply", hint="flatten the document") from None
    return ParsedFile(path, text, document, True)


def _check_aliases(path: str, text: str, limit: int) -> None:
    """Refuse YAML whose aliases would expand to more than `limit` nodes (billion laughs),
    measured on the parser's events before anything is built."""
    if "*" not in text:
        return
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
            if isinstance(rows, list) and _all_resources(rows):
                return "azure"
        return None
    if isinstance(document, list) and _all_resources(document):
        return "azure"
    return None


def _all_resources(rows: list[Any]) -> bool:
    return all(azure.looks_like_resource(r) for r in rows)


def _resource_rows(document: Any, form: str) -> Iterable[Any]:
    if form == "snapshot":
        for key, value in document.items():
            if key in SNAPSHOT_ARRAYS and isinstance(value, list):
                yield from value
    elif isinstance(document, list):
        yield from document
    else:
        yield from (document.get("data") if isinstance(document.get("data"), list)
                    else document.get("value"))


class _LineFinder:
    """Lines of resources in a JSON text, found in one forward pass.

    json.loads keeps no positions, so each resource is found by its `id`
    string, in document order; the line is that of the object's opening
    brace when `id` is its first key, else that of the `id`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.cursor = 0
        self.line = 1
        self.line_pos = 0

    def _line_at(self, pos: int) -> int:
        if pos >= self.line_pos:
            self.line += self.text.count("\n", self.line_pos, pos)
            self.line_pos = pos
            return self.line
        return self.line - self.text.count("\n", pos, self.line_pos)

    def find(self, rid: str) -> tuple[int, int]:
        text = self.text
        pos = text.find('"' + rid + '"', self.cursor)
        if pos < 0:
            encoded = json.dumps(rid)
            pos = text.find(encoded, self.cursor)
            if pos < 0:
                return self.line, 1
            length = len(encoded)
        else:
            length = len(rid) + 2
        start = pos
        # Back over `"id" :` to the brace that opens the resource.
        k = pos - 1
        while k >= 0 and text[k] in " \t\r\n":
            k -= 1
        if k >= 0 and text[k] == ":":
            k -= 1
            while k >= 0 and text[k] in " \t\r\n":
                k -= 1
            if k >= 3 and text[k] == '"' and text[k - 3:k + 1].lower() == '"id"':
                k -= 4
                while k >= 0 and text[k] in " \t\r\n":
                    k -= 1
                if k >= 0 and text[k] == "{":
                    start = k
        self.cursor = pos + length
        line = self._line_at(start)
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        return line, column


def load_document(parsed: ParsedFile, form: str, inventory: Inventory) -> None:
    """Add the resources of a snapshot or raw-resources document to the inventory."""
    src_form = "snapshot" if form == "snapshot" else ("yaml" if parsed.is_yaml else "azure")
    if form == "snapshot":
        from .snapshot import check_snapshot
        check_snapshot(parsed)
    finder = None if parsed.is_yaml else _LineFinder(parsed.text)
    path = parsed.path
    add = azure.add_resource
    kind_of = azure.resource_kind
    for row in _resource_rows(parsed.document, form):
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            continue
        kind = kind_of(row)
        if kind is None:
            continue
        if finder is not None:
            line, column = finder.find(row["id"])
        else:
            lc = getattr(row, "lc", None)
            line, column = (lc.line + 1, lc.col + 1) if lc is not None else (1, 1)
        add(inventory, row, Source(path, line, column, src_form), kind)


def load_paths(paths: Sequence[str], exclude: Sequence[str] = (),
               limits: Limits = Limits(), deployment_scope: str | None = None) -> Inventory:
    """Read every input path into one inventory (later duplicates replace earlier ones)."""
    inventory = Inventory()
    for path, named in walk(paths, exclude):
        if named is None:
            inventory.skipped_special.append(path)
            continue
        parsed = parse(path, limits)
        form = recognise(parsed.document)
        if form == "parameters":
            continue  # read with its template, never on its own
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
        del parsed
    _deduplicate(inventory)
    return inventory


def _deduplicate(inventory: Inventory) -> None:
    """The same ARM ID given twice (a snapshot and a template, say): the later wins."""
    for attr in ("galleries", "definitions", "versions", "deployments"):
        items = getattr(inventory, attr)
        seen: dict[str, int] = {}
        duplicate = False
        for i, item in enumerate(items):
            key = item.id.lower()
            if key in seen:
                duplicate = True
            seen[key] = i
        if duplicate:
            keep = set(seen.values())
            setattr(inventory, attr, [it for i, it in enumerate(items) if i in keep])
