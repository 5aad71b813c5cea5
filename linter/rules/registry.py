"""The rule registry: every rule, Rego or Python, with one metadata record.

A Python rule is one module in `linter/rules/` named `acgNNN_<name>.py`: its
docstring is its documentation, `RULE` its metadata, `check(facts)` yields
findings. A Rego rule is one folder in `policies/` holding `<name>.rego`
(metadata in its `# METADATA` annotation, which OPA reads too) and
`<name>_test.rego`. Adding a rule is adding a file or a folder; nothing is
listed by hand.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import importlib.util
import pkgutil
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from msgspec import Struct
from msgspec.structs import replace


from ..errors import EngineError, InputError
from ..resources import policies_dir

NOT_RULES = ("lib", "gate")  # policies/ folders that hold no catalog rule
HELP_BASE = "https://github.com/gallerylint/gallerylint/blob/main/docs/rules.md"
LEVELS = ("error", "warning", "note")


class RuleMeta(Struct, frozen=True):
    """What a Python rule module declares as RULE."""

    id: str
    name: str
    level: str
    tags: tuple[str, ...] = ()
    security_severity: float | None = None
    related: tuple[str, ...] = ()
    config: tuple[str, ...] = ()  # config keys the rule reads
    summary: str = ""


class RegoPolicy(Struct, frozen=True):
    path: Path
    package: str
    source: str
    collection: str
    fields: tuple[str, ...]
    test_path: Path | None
    trusted: bool = True  # built in; user policies run isolated with a time limit

    @property
    def entrypoint(self) -> str:
        return self.package.replace(".", "/") + "/violations"


class Rule(Struct, frozen=True, eq=False):
    id: str
    name: str
    level: str
    tags: tuple[str, ...]
    summary: str
    doc: str
    language: str  # "rego" | "python"
    security_severity: float | None = None
    related: tuple[str, ...] = ()
    config: tuple[str, ...] = ()
    check: Callable[..., Iterable[Any]] | None = None
    rego: RegoPolicy | None = None
    builtin: bool = True

    @property
    def help_uri(self) -> str:
        return f"{HELP_BASE}#{self.id.lower()}-{self.name}"


def _summary(doc: str) -> str:
    for line in doc.strip().splitlines():
        if line.strip():
            return line.strip()
    return ""


def _from_module(module: Any, builtin: bool) -> Rule:
    meta: RuleMeta = module.RULE
    doc = (module.__doc__ or "").strip()
    return Rule(id=meta.id, name=meta.name, level=meta.level, tags=tuple(meta.tags),
                summary=meta.summary or _summary(doc), doc=doc, language="python",
                security_severity=meta.security_severity, related=tuple(meta.related),
                config=tuple(meta.config), check=module.check, builtin=builtin)


_METADATA = re.compile(r"^# METADATA\s*\n((?:#.*\n)+)", re.MULTILINE)
_PACKAGE = re.compile(r"^package\s+([A-Za-z0-9_.]+)\s*$", re.MULTILINE)


def _metadata_block(m: re.Match[str]) -> str:
    """The YAML of a `# METADATA` annotation, without its comment markers."""
    return "\n".join(line[2:] if line.startswith("# ") else line[1:]
                     for line in m.group(1).splitlines())


def parse_rego_rule(path: Path, builtin: bool = True) -> Rule:
    source = path.read_text(encoding="utf-8")
    m = _METADATA.search(source)
    pkg = _PACKAGE.search(source)
    if not m or not pkg:
        raise InputError(str(path), "a rule policy needs a '# METADATA' annotation and a package",
                         line=1, hint="see policies/README.md")
    block = _metadata_block(m)
    cached = _metadata_cache().get(hashlib.sha256(block.encode("utf-8")).hexdigest()) \
        if builtin else None
    if cached is not None:
        meta = cached
    else:
        try:
            from ruamel.yaml import YAML
            meta = YAML(typ="safe").load(block) or {}
        except Exception as exc:  # ruamel raises several error types for bad YAML
            raise InputError(str(path), f"METADATA is not valid YAML: {exc}", line=1) from None
    custom = meta.get("custom") or {}
    missing = [k for k in ("id", "level", "collection", "fields") if k not in custom]
    if missing or "title" not in meta:
        raise InputError(str(path), f"METADATA lacks {', '.join(missing or ['title'])}",
                         line=source[:m.start()].count("\n") + 1, hint="see policies/README.md")
    if custom["level"] not in LEVELS:
        raise InputError(str(path), f"METADATA level must be one of {', '.join(LEVELS)}")
    check_metadata_types(str(path), meta, custom)
    test_path = path.with_name(path.stem + "_test.rego")
    doc = str(meta.get("description") or "").strip()
    return Rule(
        id=str(custom["id"]), name=str(meta["title"]), level=custom["level"],
        tags=tuple(custom.get("tags") or ()), summary=str(custom.get("summary") or _summary(doc)),
        doc=doc, language="rego", security_severity=custom.get("security_severity"),
        related=tuple(custom.get("related") or ()), config=tuple(custom.get("config") or ()),
        rego=RegoPolicy(path=path, package=pkg.group(1), source=source,
                        collection=str(custom["collection"]),
                        fields=tuple(custom["fields"]),
                        test_path=test_path if test_path.exists() else None,
                        trusted=builtin),
        builtin=builtin,
    )


RULE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")


def check_metadata_types(where: str, meta: Any, custom: Any) -> None:
    """A rule's metadata lands in SARIF, markdown, URLs and the terminal: each field must
    have its type, and the ID a plain shape, or the policy is refused (exit 2) by name."""
    def bad(field_name: str, what: str) -> InputError:
        return InputError(where, f"METADATA {field_name} must be {what}",
                          hint="see policies/README.md")

    if not isinstance(meta, dict) or not isinstance(custom, dict):
        raise bad("custom", "a mapping")
    rule_id = custom.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.fullmatch(rule_id):
        raise bad("id", "a letter then up to 63 letters, digits, '_' or '-' (e.g. ORG100)")
    if not isinstance(meta.get("title"), str) or not meta["title"].strip():
        raise bad("title", "a non-empty string")
    for key in ("tags", "fields", "related", "config"):
        value = custom.get(key)
        if value is not None and not (isinstance(value, list)
                                      and all(isinstance(v, str) for v in value)):
            raise bad(key, "a list of strings")
    if "collection" in custom and not isinstance(custom["collection"], str):
        raise bad("collection", "a string")
    severity = custom.get("security_severity")
    if severity is not None and (isinstance(severity, bool)
                                 or not isinstance(severity, (int, float))
                                 or not 0 <= severity <= 10):
        raise bad("security_severity", "a number from 0 to 10")
    for key in ("summary",):
        if custom.get(key) is not None and not isinstance(custom[key], str):
            raise bad(key, "a string")
    if meta.get("description") is not None and not isinstance(meta["description"], str):
        raise bad("description", "a string")


METADATA_CACHE = "metadata-cache.json"


@lru_cache(maxsize=1)
def _metadata_cache() -> dict[str, Any]:
    """The built-in policies' METADATA, parsed, by SHA-256 of the block: parsing ten YAML
    blocks with ruamel costs more than the rest of start-up. `python -m linter.docs`
    writes it; a stale entry is simply parsed again (and a test fails)."""
    try:
        with open(policies_dir() / METADATA_CACHE, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}


def metadata_cache_text() -> str:
    """The cache file's content for the policies as they are now."""
    from ruamel.yaml import YAML
    out = {}
    for folder in sorted(p for p in policies_dir().iterdir()
                         if p.is_dir() and p.name not in NOT_RULES):
        main = folder / f"{folder.name}.rego"
        if not main.exists():
            continue
        m = _METADATA.search(main.read_text(encoding="utf-8"))
        if not m:
            continue
        block = _metadata_block(m)
        out[hashlib.sha256(block.encode("utf-8")).hexdigest()] = YAML(typ="safe").load(block)
    return json.dumps(out, indent=1, sort_keys=True) + "\n"


def builtin_rules() -> list[Rule]:
    rules: list[Rule] = []
    from .. import rules as package
    for info in pkgutil.iter_modules(package.__path__):
        if re.match(r"^acg\d{3}_", info.name):
            rules.append(_from_module(importlib.import_module(f"{package.__name__}.{info.name}"),
                                      True))
    for folder in sorted(p for p in policies_dir().iterdir()
                         if p.is_dir() and p.name not in NOT_RULES):
        main = folder / f"{folder.name}.rego"
        if main.exists():
            rules.append(parse_rego_rule(main))
    return rules


def user_rules(paths: Iterable[str], allow_python: bool) -> list[Rule]:
    rules: list[Rule] = []
    for folder in paths:
        root = Path(folder)
        if not root.is_dir():
            raise InputError(folder, "rules.paths entry is not a directory",
                             hint="fix rules.paths in the config")
        for file in sorted(root.rglob("*.rego")):
            if not file.name.endswith("_test.rego"):
                rules.append(parse_rego_rule(file, builtin=False))
        for file in sorted(root.rglob("*.py")):
            if not allow_python:
                raise InputError(str(file), "Python rules run as code and are off by default",
                                 hint="set rules.allow_python: true to run them")
            # The module runs only in sandboxed children (linter/engines/sandbox.py): one
            # reads its RULE, one per run calls its check(). Its code never runs here.
            from ..engines.sandbox import run_rule
            from ..safeio import read_text
            source = read_text(file, what="Python rule")
            try:
                meta = run_rule(str(file), source, "meta", None, LOAD_SECONDS)
            except EngineError as exc:
                raise EngineError(str(file), f"the Python rule failed to load: "
                                  f"{exc.message}") from None
            if meta is not None:
                rules.append(_python_rule_from_answer(str(file), source, meta))
    return rules


LOAD_SECONDS = 30.0


def _python_rule_from_answer(file: str, source: str, meta: Any) -> Rule:
    """The Rule a sandboxed child described, every field checked (its answer is untrusted)."""
    if not isinstance(meta, dict):
        raise EngineError(Path(file).name, "the rule's metadata came back malformed")
    text = {k: meta.get(k) for k in ("id", "name", "level", "summary", "doc")}
    if not all(isinstance(v, str) for v in text.values()):
        raise InputError(file, "RULE id, name and level must be text")
    lists = {k: meta.get(k) or [] for k in ("tags", "related", "config")}
    severity = meta.get("security_severity")
    check_metadata_types(file, {"title": text["name"]},
                         {"id": text["id"], **lists, "security_severity": severity})
    if text["level"] not in LEVELS:
        raise InputError(file, f"RULE level must be one of {', '.join(LEVELS)}")
    return Rule(id=text["id"], name=text["name"], level=text["level"],
                tags=tuple(lists["tags"]), summary=text["summary"], doc=text["doc"],
                language="python", security_severity=severity,
                related=tuple(lists["related"]), config=tuple(lists["config"]),
                check=SandboxedPythonCheck(file, source), builtin=False)


class SandboxedPythonCheck:
    """A user Python rule's check(), run in a sandboxed child with the run's time limit
    (engine.timeout_seconds, capped by the tool). Its findings come back as JSON and are
    rebuilt here; each names its source by file, line and column, mapped back to the
    inventory's own Source (which knows the lines of properties)."""

    def __init__(self, file: str, source: str) -> None:
        self.file = file
        self.source = source

    def __call__(self, facts: Any, rule: Rule) -> list[Any]:
        from ..engines.sandbox import run_rule
        from ..findings import Finding
        sent = run_rule(self.file, self.source, "check", (facts, replace(rule, check=None)),
                        facts.settings.engine.timeout_seconds)
        name = Path(self.file).name
        if not isinstance(sent, list):
            raise EngineError(name, "the rule's findings came back malformed")
        sources = _sources_by_position(facts.inventory)
        out = []
        for item in sent:
            try:
                finding = Finding(
                    rule_id=_text(item["rule_id"]), rule_name=_text(item["rule_name"]),
                    level=_text(item["level"]), resource_id=_text(item["resource_id"]),
                    region=None if item["region"] is None else _text(item["region"]),
                    message=_text(item["message"]),
                    source=_position(sources, item["source"]),
                    at=tuple(_text(a) for a in item["at"]),
                    properties=dict(item["properties"]),
                    group_resource=(None if item["group_resource"] is None
                                    else _text(item["group_resource"])),
                    group_source=_position(sources, item["group_source"]),
                    groupable=bool(item["groupable"]))
            except (KeyError, TypeError, ValueError):
                raise EngineError(name, "a finding came back malformed") from None
            if finding.level not in LEVELS:
                raise EngineError(name, "a finding has a level other than error, warning "
                                  "or note")
            out.append(finding)
        return out


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _position(sources: dict[tuple[str, int, int], Any], key: Any) -> Any:
    if key is None:
        return None
    if not (isinstance(key, list) and len(key) == 3):
        raise TypeError("not a position")
    return sources.get((str(key[0]), int(key[1]), int(key[2])))


def _sources_by_position(inventory: Any) -> dict[tuple[str, int, int], Any]:
    import msgspec
    sources: dict[tuple[str, int, int], Any] = {}
    for f in msgspec.structs.fields(inventory):
        value = getattr(inventory, f.name)
        if isinstance(value, list):
            for item in value:
                source = getattr(item, "source", None)
                if source is not None:
                    sources.setdefault((source.path, source.line, source.column), source)
    return sources


class Registry:
    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules: list[Rule] = sorted(rules, key=lambda r: r.id)
        self._by_key: dict[str, Rule] = {}
        for r in self.rules:
            for key in (r.id.upper(), r.name.lower()):
                if key in self._by_key:
                    raise InputError(None, f"two rules share the ID or name '{key}'")
                self._by_key[key] = r

    def get(self, key: str) -> Rule | None:
        return self._by_key.get(key.upper()) or self._by_key.get(key.lower())

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)


def load_registry(rule_paths: Iterable[str] = (), allow_python: bool = False) -> Registry:
    return Registry([*builtin_rules(), *user_rules(rule_paths, allow_python)])
