""".gallerylint.yaml: discovery, schema validation (errors name the line), typed settings.

Every threshold of the rule catalog is a key here, with the catalog's default.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from msgspec import Struct, field
from msgspec.structs import fields, replace


from .errors import InputError
from .resources import schema_path

CONFIG_NAMES = (".gallerylint.yaml", ".gallerylint.yml")
LEVELS = ("error", "warning", "note")


class Limits(Struct, frozen=True, eq=False):
    galleries: int = 100
    definitions: int = 1000
    versions: int = 10000
    replicas_per_region: int = 50
    replicas_per_version: int = 100
    full_replication_tb: float = 2
    shallow_replication_tb: float = 32
    data_disk_tb: float = 1
    warn_ratio: float = 0.8
    apps_per_vm: int = 25
    app_versions: int = 300


class Lifecycle(Struct, frozen=True, eq=False):
    eol_warning_days: float = 30
    max_image_age_days: float = 90
    outdated_grace_days: float = 30
    require_block_deletion: bool = False


class Storage(Struct, frozen=True, eq=False):
    zone_redundant_regions: tuple[str, ...] = ()
    shallow_max_instances: int = 20
    regions_without_zones: tuple[str, ...] = ()
    hdd_os_retirement: str = "2028-09-08T00:00:00Z"
    persistent_os_disk: tuple[str, ...] = ()  # v3: ACG407 (b)
    ephemeral_max_os_disk_gib: float = 2040  # v3: ACG406's cap on ephemeral capacity


class Sharing(Struct, frozen=True, eq=False):
    allowed_community_galleries: tuple[str, ...] = ()
    allowed_subscriptions: tuple[str, ...] = ()
    allowed_tenants: tuple[str, ...] = ()
    # None: ACG506 is off; a list (even empty) turns it on.
    allowed_community_images: tuple[str, ...] | None = None


class Replication(Struct, frozen=True, eq=False):
    vms_per_replica: int = 20
    instances_per_replica: int = 600
    production_min_replicas: int = 3


class Retention(Struct, frozen=True, eq=False):
    max_versions_per_definition: int = 50
    keep_newest: int = 3
    unused_days: float = 180


class Encryption(Struct, frozen=True, eq=False):
    require_cmk: bool = False


class Environments(Struct, frozen=True, eq=False):
    production_galleries: tuple[str, ...] = ()
    production_tag_values: tuple[str, ...] = ("prod", "production")
    production_scopes: tuple[str, ...] = ()  # v3: subscriptions and resource groups


class Metadata(Struct, frozen=True, eq=False):
    """v3: ACG106, image metadata as tags."""

    required_tags: tuple[str, ...] = ()
    tag_formats: Mapping[str, str] = field(default_factory=dict)
    apply_to: tuple[str, ...] = ("versions",)
    scope: str = "all"
    expiry_tag: str | None = None
    expiry_tolerance_days: float = 1


class Pipelines(Struct, frozen=True, eq=False):
    """v3: ACG109, ACG110, ACG313, ACG508."""

    gen2_sku_patterns: tuple[str, ...] = ()
    build_timeout_min_minutes: float = 6
    build_timeout_max_minutes: float = 960
    max_run_age_days: float = 90
    require_validation: bool = False


class Sprawl(Struct, frozen=True, eq=False):
    """v3: ACG108."""

    similar_definitions: int = 0
    max_versions_for_similar: int = 1
    name_stem_pattern: str = r"[-_.]?[vV]?[0-9]+([._-][0-9]+)*$"


class ImageSources(Struct, frozen=True, eq=False):
    """v3: ACG611, ACG804 (the `sources` section)."""

    allowed_marketplace: tuple[str, ...] = ()
    allow_managed_images: bool = False
    allow_attached_os_disk: bool = False
    managed_image_max_concurrent: int = 20
    managed_image_max_scale_set: int = 600


class Avd(Struct, frozen=True, eq=False):
    """v3: ACG806."""

    host_drift_days: float = 45


class Naming(Struct, frozen=True, eq=False):
    gallery: str | None = None
    definition: str | None = None


class Reporting(Struct, frozen=True, eq=False):
    group_over: int = 10
    category: str = "gallerylint/"


class Paths(Struct, frozen=True, eq=False):
    exclude: tuple[str, ...] = ()


class InputLimits(Struct, frozen=True, eq=False):
    max_file_bytes: int = 1 << 30
    max_yaml_alias_nodes: int = 10_000
    max_depth: int = 64
    max_snapshot_age_hours: float = 48
    bicep_timeout_seconds: float = 60


class Gate(Struct, frozen=True, eq=False):
    """`gate`: the level that fails a deployment, and per environment (`--environment`)
    its own `fail_on`, `rules` and `skip_rules` (product.md, "Gate")."""

    fail_on: str = "error"
    environments: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def for_environment(self, name: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        """(fail_on, rules, skip_rules) in force for one environment (names compared
        case-insensitively; an environment not listed gets the gate's own level)."""
        entry = next((v for k, v in self.environments.items() if k.lower() == name.lower()),
                     {})
        return (entry.get("fail_on", self.fail_on), tuple(entry.get("rules", ())),
                tuple(entry.get("skip_rules", ())))


class EngineSettings(Struct, frozen=True, eq=False):
    name: str = "embedded"
    opa_url: str | None = None
    token_env: str | None = None
    timeout_seconds: float = 30
    mode: str = "auto"  # OPA: auto | upload | served (linter/engines/opa.py)


class RuleSetting(Struct, frozen=True, eq=False):
    enabled: bool | None = None
    level: str | None = None


class Waiver(Struct, frozen=True, eq=False):
    rule: str
    resource: str
    reason: str
    expires: str
    line: int | None = None


class Settings(Struct, frozen=True, eq=False):
    limits: Limits = field(default_factory=Limits)
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    storage: Storage = field(default_factory=Storage)
    sharing: Sharing = field(default_factory=Sharing)
    replication: Replication = field(default_factory=Replication)
    retention: Retention = field(default_factory=Retention)
    encryption: Encryption = field(default_factory=Encryption)
    environments: Environments = field(default_factory=Environments)
    naming: Naming = field(default_factory=Naming)
    metadata: Metadata = field(default_factory=Metadata)
    pipelines: Pipelines = field(default_factory=Pipelines)
    sprawl: Sprawl = field(default_factory=Sprawl)
    sources: ImageSources = field(default_factory=ImageSources)
    avd: Avd = field(default_factory=Avd)
    reporting: Reporting = field(default_factory=Reporting)
    paths: Paths = field(default_factory=Paths)
    input: InputLimits = field(default_factory=InputLimits)
    engine: EngineSettings = field(default_factory=EngineSettings)
    gate: Gate = field(default_factory=Gate)
    rules: Mapping[str, RuleSetting] = field(default_factory=dict)
    rule_paths: tuple[str, ...] = ()
    allow_python: bool = False
    waivers: tuple[Waiver, ...] = ()
    path: str | None = None
    notes: tuple[str, ...] = ()  # what the run should say about this config (stderr)


_SECTIONS = {
    "limits": Limits, "lifecycle": Lifecycle, "storage": Storage, "sharing": Sharing,
    "replication": Replication, "retention": Retention, "encryption": Encryption,
    "environments": Environments, "naming": Naming, "metadata": Metadata,
    "pipelines": Pipelines, "sprawl": Sprawl, "sources": ImageSources, "avd": Avd,
    "reporting": Reporting, "paths": Paths, "input": InputLimits, "engine": EngineSettings,
    "gate": Gate,
}


def discover(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The config in the working directory or the nearest parent that has one; under
    GALLERYLINT_WORKSPACE (the Action), never above the workspace. A link is returned as
    found: reading it refuses one that leads out of the workspace (linter/safeio.py)."""
    here = Path(start or os.getcwd()).resolve()
    top = os.environ.get("GALLERYLINT_WORKSPACE")
    ceiling = Path(top).resolve() if top else None
    for folder in (here, *here.parents):
        if ceiling is not None and folder != ceiling and ceiling not in folder.parents:
            break
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file() or candidate.is_symlink():
                return candidate
    return None


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema  # imported when a config or snapshot is read: start-up stays fast

    with open(schema_path("config.schema.json"), encoding="utf-8") as fh:
        return jsonschema.Draft202012Validator(json.load(fh))


def _plain(node: Any) -> Any:
    """ruamel nodes to plain JSON-like values (dates become ISO strings)."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, (datetime, date)):
        return node.isoformat()
    return node


def _line_of(doc: Any, path: list[Any]) -> int | None:
    """The 1-based line of a schema error's path in the YAML document."""
    node, line = doc, None
    for key in path:
        if isinstance(node, dict) and hasattr(node, "lc") and key in node:
            pos = node.lc.key(key)
            line = pos[0] + 1
            node = node[key]
        elif isinstance(node, list) and hasattr(node, "lc") and isinstance(key, int) and \
                key < len(node):
            pos = node.lc.item(key)
            line = pos[0] + 1
            node = node[key]
        else:
            break
    return line


_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "text",
               "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "null": "empty"}


def _describe(err: Any) -> tuple[str, list[Any]]:
    """A schema error in words that name the key path and what is expected, never the
    value found: a config may be a link to a secret, and this line goes to a public log."""
    path = list(err.absolute_path)
    where = ".".join(str(p) for p in path) or "top level"
    schema = err.schema if isinstance(err.schema, dict) else {}
    kind = err.validator
    if kind == "additionalProperties":
        extra = sorted(str(k) for k in set(err.instance) - set(schema.get("properties", {})))
        key = extra[0] if extra else "?"
        if not _SAFE_KEY.fullmatch(key):
            key = "(a key of other characters)"
        allowed = ", ".join(sorted(schema.get("properties", {})))
        return (f"unknown key '{key}' in {where} (known keys: {allowed})", path + [key])
    if kind == "type":
        wanted = schema.get("type")
        names = [_TYPE_NAMES.get(t, str(t)) for t in (wanted if isinstance(wanted, list)
                                                      else [wanted])]
        return f"{where}: must be {' or '.join(names)}", path
    if kind == "enum":
        allowed = ", ".join(str(v) for v in schema.get("enum", []))
        return f"{where}: must be one of {allowed}", path
    if kind == "required":
        missing = [k for k in schema.get("required", []) if isinstance(err.instance, dict)
                   and k not in err.instance]
        return f"{where}: needs the key '{missing[0] if missing else '?'}'", path
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {"minimum": "at least", "exclusiveMinimum": "above",
                 "maximum": "at most", "exclusiveMaximum": "below"}[kind]
        return f"{where}: must be {words} {schema.get(kind)}", path
    if kind in ("minLength", "maxLength", "minItems", "maxItems"):
        words = {"minLength": "at least {} characters", "maxLength": "at most {} characters",
                 "minItems": "at least {} items", "maxItems": "at most {} items"}[kind]
        return f"{where}: must be {words.format(schema.get(kind))}", path
    if kind == "pattern":
        return f"{where}: does not have the expected form ({schema.get('pattern')})", path
    if kind == "format":
        return f"{where}: must be a {schema.get('format')}", path
    return f"{where}: not a valid value ({kind})", path


_SAFE_KEY = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def load(path: str | os.PathLike[str] | None, *, explicit: bool = False) -> Settings:
    if path is None:
        return Settings()
    path = str(path)
    from .safeio import read_text
    text = read_text(path, what="config")
    from ruamel.yaml.comments import CommentedMap

    from .sources.files import yaml_document
    limit = InputLimits().max_yaml_alias_nodes
    doc = yaml_document(path, text, limit, "use a real date (YYYY-MM-DD), or quote text")
    if doc is None:
        doc = CommentedMap()
    plain = _plain(doc)
    errors = sorted(_validator().iter_errors(plain), key=lambda e: list(e.absolute_path))
    if errors:
        message, where = _describe(errors[0])
        raise InputError(path, message, line=_line_of(doc, where) or 1,
                         hint="see the configuration reference in docs/configuration.md")
    return _settings(plain, doc, path)


def untrusted() -> bool:
    """The config comes from a tree a contributor may control (the Action sets this on
    every event unless the workflow says `trust-config: true`)."""
    return os.environ.get("GALLERYLINT_UNTRUSTED_CONFIG") == "1"


# What an untrusted config may not say at all: where facts and a token go, and how.
_UNTRUSTED_REFUSED = ("engine.name", "engine.opa_url", "engine.token_env", "engine.mode")
# What it may only lower: input bounds and timeouts, never above the defaults.
_UNTRUSTED_CEILINGS = {("input", f.name): f.default for f in fields(InputLimits)}
_UNTRUSTED_CEILINGS[("engine", "timeout_seconds")] = EngineSettings.timeout_seconds


def _untrusted_bounds(plain: dict[str, Any], doc: Any, path: str) -> list[str]:
    """Refuse or lower what an untrusted config may not choose; notes for what was lowered."""
    for dotted in _UNTRUSTED_REFUSED:
        section, key = dotted.split(".")
        if isinstance(plain.get(section), dict) and key in plain[section]:
            raise InputError(path, f"{dotted} is not read from an untrusted config: the "
                             "engine, its URL, mode and token are the workflow's to choose",
                             line=_line_of(doc, [section, key]),
                             hint="pass --engine/--opa-url on the command line, or set the "
                                  "Action's trust-config: true for a repository you trust")
    notes = []
    for (section, key), ceiling in _UNTRUSTED_CEILINGS.items():
        values = plain.get(section)
        if isinstance(values, dict) and isinstance(values.get(key), (int, float)) \
                and values[key] > ceiling:
            values[key] = ceiling
            notes.append(f"{section}.{key} was lowered to {ceiling:g}: an untrusted config "
                         "may lower input limits and timeouts, never raise them")
    return notes


def _settings(plain: dict[str, Any], doc: Any, path: str) -> Settings:
    notes = _untrusted_bounds(plain, doc, path) if untrusted() else []
    settings = Settings(path=path, notes=tuple(notes))
    for name, cls in _SECTIONS.items():
        section = plain.get(name)
        if not section:
            continue
        values = {}
        for f in fields(cls):
            if f.name in section:
                v = section[f.name]
                values[f.name] = tuple(v) if isinstance(v, list) else v
        settings = replace(settings, **{name: cls(**values)})
    from .patterns import PatternError, check_pattern
    for key in ("gallery", "definition"):
        pattern = getattr(settings.naming, key)
        if pattern is not None:
            try:
                check_pattern(pattern)
            except PatternError as exc:
                raise InputError(path, f"naming.{key} is not a usable regular expression: "
                                 f"{exc}", line=_line_of(doc, ["naming", key]),
                                 hint="write a Python regular expression of at most 1,000 "
                                      "characters") from None
    checked = [(f"metadata.tag_formats.{k}", v, ["metadata", "tag_formats", k])
               for k, v in settings.metadata.tag_formats.items()]
    checked.append(("sprawl.name_stem_pattern", settings.sprawl.name_stem_pattern,
                    ["sprawl", "name_stem_pattern"]))
    for key, pattern, where in checked:
        try:
            check_pattern(pattern)
        except PatternError as exc:
            raise InputError(path, f"{key} is not a usable regular expression: {exc}",
                             line=_line_of(doc, where),
                             hint="write a Python regular expression of at most 1,000 "
                                  "characters") from None
    rules = dict(plain.get("rules") or {})
    rule_paths = tuple(rules.pop("paths", ()) or ())
    allow_python = bool(rules.pop("allow_python", False))
    # The Action's guard: the workflow decides (allow-python-rules); an untrusted config
    # alone never turns Python rules on.
    workflow_says = os.environ.get("GALLERYLINT_ALLOW_PYTHON")
    if workflow_says in ("0", "1"):
        allow_python = workflow_says == "1"
    elif untrusted():
        allow_python = False
    per_rule = {key: RuleSetting(enabled=v.get("enabled"), level=v.get("level"))
                for key, v in rules.items()}
    waivers = tuple(
        Waiver(rule=w["rule"], resource=w["resource"], reason=w["reason"],
               expires=str(w["expires"]), line=_line_of(doc, ["waivers", i]))
        for i, w in enumerate(plain.get("waivers") or ()))
    from .names import parse_time
    for i, w in enumerate(waivers):
        if not isinstance(parse_time(w.expires), datetime):
            raise InputError(path, f"waivers[{i}].expires is not a date",
                             line=w.line or _line_of(doc, ["waivers", i]),
                             hint="write YYYY-MM-DD or an ISO 8601 date-time")
    base = Path(path).resolve().parent
    return replace(settings, rules=per_rule, allow_python=allow_python, waivers=waivers,
                   rule_paths=tuple(str((base / p).resolve()) for p in rule_paths))
