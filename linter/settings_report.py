"""What `gallerylint config` prints (the effective settings and where each came from)
and what `gallerylint init` writes (a commented starter config, and the workflows)."""

from __future__ import annotations

import json
import os
from msgspec.structs import fields
from pathlib import Path
from typing import Any

from .config import _SECTIONS, Settings

# What each key means, for `init` and `config` (defaults come from the typed settings).
MEANING = {
    "limits.galleries": "galleries per subscription and region before ACG201 (Azure's limit)",
    "limits.definitions": "image definitions per subscription and region (ACG202)",
    "limits.versions": "image versions per subscription and region (ACG203)",
    "limits.replicas_per_region": "replicas of one version in one region (ACG204)",
    "limits.replicas_per_version": "replicas of one version in all regions (ACG204)",
    "limits.full_replication_tb": "largest image, full replication, in TB (ACG205)",
    "limits.shallow_replication_tb": "largest image, shallow replication, in TB (ACG205)",
    "limits.data_disk_tb": "largest data disk of an image, in TB (ACG205)",
    "limits.warn_ratio": "share of a limit from which the count limits warn",
    "limits.apps_per_vm": "VM applications one VM or scale set may install (ACG904)",
    "limits.app_versions": "versions of one VM application (ACG905)",
    "lifecycle.eol_warning_days": "days before an end of life that ACG302 warns",
    "lifecycle.max_image_age_days": "age in days from which a newest version is stale (ACG305)",
    "lifecycle.outdated_grace_days": "days a deployment may stay on a superseded version (ACG306)",
    "lifecycle.require_block_deletion": "require blockDeletionBeforeEndOfLife (ACG310)",
    "storage.zone_redundant_regions": "regions whose replicas must be ZRS (ACG402)",
    "storage.shallow_max_instances": "instances a shallow-replicated version may serve (ACG403)",
    "storage.regions_without_zones": "regions where ZRS is not offered (ACG608)",
    "storage.hdd_os_retirement": "when Standard HDD OS disks retire (ACG405)",
    "sharing.allowed_community_galleries": "community galleries that may be public (ACG501)",
    "sharing.allowed_subscriptions": "subscriptions a gallery may be shared with (ACG502)",
    "sharing.allowed_tenants": "tenants a gallery may be shared with (ACG502)",
    "sharing.allowed_community_images": "community images deployments may use; a list turns "
                                        "ACG506 on",
    "replication.vms_per_replica": "VMs one replica serves (ACG601, ACG607)",
    "replication.instances_per_replica": "scale set instances one replica serves (ACG602)",
    "replication.production_min_replicas": "replicas a production version needs per region "
                                           "(ACG605)",
    "retention.max_versions_per_definition": "versions a definition keeps (ACG206)",
    "retention.keep_newest": "newest versions never counted as surplus (ACG206)",
    "retention.unused_days": "days unused before a version is surplus (ACG206)",
    "encryption.require_cmk": "require customer-managed keys (ACG404, ACG505)",
    "environments.production_galleries": "galleries (names or ARM ID globs) that are "
                                         "production",
    "environments.production_tag_values": "environment tag values that mark production",
    "storage.persistent_os_disk": "deployments (globs, tag:key=value) that must keep their "
                                  "OS disk (ACG407)",
    "storage.ephemeral_max_os_disk_gib": "largest ephemeral OS disk, in GiB (ACG406)",
    "environments.production_scopes": "subscriptions and resource groups that are production",
    "metadata.required_tags": "tags each image resource must carry (ACG106)",
    "metadata.tag_formats": "tag key to the regular expression its value must match (ACG106)",
    "metadata.apply_to": "which resources ACG106 judges: versions, definitions, galleries",
    "metadata.scope": "all, or production galleries only (ACG106)",
    "metadata.expiry_tag": "tag whose date must match the end of life (ACG106)",
    "metadata.expiry_tolerance_days": "days the expiry tag may differ from the end of life",
    "pipelines.gen2_sku_patterns": "Marketplace SKU globs that are generation 2 (ACG109)",
    "pipelines.build_timeout_min_minutes": "shortest Image Builder build timeout (ACG110)",
    "pipelines.build_timeout_max_minutes": "longest Image Builder build timeout (ACG110)",
    "pipelines.max_run_age_days": "days since a template's last good run (ACG313)",
    "pipelines.require_validation": "production templates must validate (ACG508)",
    "sprawl.similar_definitions": "similar near-empty definitions that count as sprawl; 0 is "
                                  "off (ACG108)",
    "sprawl.max_versions_for_similar": "versions a definition of a similar set may have",
    "sprawl.name_stem_pattern": "what is removed from a definition name to get its stem",
    "sources.allowed_marketplace": "publisher:offer:sku globs allowed (ACG804)",
    "sources.allow_managed_images": "managed images are an allowed image source (ACG804)",
    "sources.allow_attached_os_disk": "attached OS disks are allowed (ACG804)",
    "sources.managed_image_max_concurrent": "instances one managed image serves (ACG611)",
    "sources.managed_image_max_scale_set": "largest scale set on a managed image (ACG611)",
    "avd.host_drift_days": "days a session host may lag the latest version (ACG806)",
    "naming.gallery": "regular expression gallery names must match (ACG103)",
    "naming.definition": "regular expression definition names must match (ACG103)",
    "reporting.group_over": "group deployment findings of one image above this many",
    "reporting.category": "SARIF category (runAutomationDetails.id)",
    "paths.exclude": "globs of paths lint never reads",
    "input.max_file_bytes": "largest input file read",
    "input.max_yaml_alias_nodes": "nodes YAML aliases may expand to",
    "input.max_depth": "deepest nesting of objects and arrays read",
    "input.max_snapshot_age_hours": "oldest snapshot lint trusts without a warning and gate "
                                    "accepts",
    "input.bicep_timeout_seconds": "longest bicep build of one file",
    "engine.name": "embedded (regopy, in process) or opa",
    "engine.opa_url": "the OPA server, for engine opa",
    "engine.token_env": "environment variable holding the OPA bearer token",
    "engine.timeout_seconds": "longest wait for one OPA call",
    "engine.mode": "OPA: auto, upload or served",
    "gate.fail_on": "the level at which a gate finding fails the deployment",
    "gate.environments": "per --environment: fail_on, rules, skip_rules",
}


def _shown(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return {k: _shown(v) for k, v in value.items()}
    return value


def effective(settings: Settings) -> list[dict[str, Any]]:
    """Every key with its value, default and origin: the file and line that set it, the
    environment, or the default."""
    from .config import InputLimits, _line_of, untrusted
    doc = None
    if settings.path:
        from .safeio import read_text
        from .sources.files import yaml_document
        try:
            doc = yaml_document(settings.path, read_text(settings.path, what="config"),
                                InputLimits().max_yaml_alias_nodes, "")
        except Exception:  # noqa: BLE001 - it loaded once; origins are best effort
            doc = None
    defaults = Settings()
    rows = []
    for section in _SECTIONS:
        value = getattr(settings, section)
        default = getattr(defaults, section)
        for f in fields(value):
            key = f"{section}.{f.name}"
            current, base = getattr(value, f.name), getattr(default, f.name)
            line = _line_of(doc, [section, f.name]) if doc is not None and isinstance(
                doc.get(section), dict) and f.name in doc[section] else None
            if line is not None:
                origin = f"{settings.path}:{line}"
                if current == base and untrusted() and section in ("input", "engine"):
                    origin += " (lowered: the config is untrusted)"
            else:
                origin = "default"
            rows.append({"key": key, "value": _shown(current), "default": _shown(base),
                         "origin": origin, "meaning": MEANING.get(key, "")})
    python = os.environ.get("GALLERYLINT_ALLOW_PYTHON")
    rows.append({"key": "rules.allow_python", "value": settings.allow_python,
                 "default": False,
                 "origin": ("environment (GALLERYLINT_ALLOW_PYTHON)" if python in ("0", "1")
                            else "untrusted config: off" if untrusted() else
                            (settings.path or "default")),
                 "meaning": "run Python rules of rules.paths (sandboxed)"})
    rows.append({"key": "rules.paths", "value": list(settings.rule_paths), "default": [],
                 "origin": settings.path if settings.rule_paths else "default",
                 "meaning": "folders of your own rules"})
    for key, setting in sorted(settings.rules.items()):
        line = _line_of(doc, ["rules", key]) if doc is not None else None
        rows.append({"key": f"rules.{key}", "value": {
            k: v for k, v in (("enabled", setting.enabled), ("level", setting.level))
            if v is not None}, "default": {},
            "origin": f"{settings.path}:{line}" if line else (settings.path or "default"),
            "meaning": "per-rule enabled and level"})
    rows.append({"key": "waivers", "value": len(settings.waivers), "default": 0,
                 "origin": settings.path if settings.waivers else "default",
                 "meaning": "waivers in force or expired (gallerylint lint lists them)"})
    return rows


def render_text(settings: Settings, rows: list[dict[str, Any]]) -> str:
    from .report.text import clean
    head = (f"config: {settings.path}" if settings.path
            else "config: none found (the defaults below apply)")
    lines = [clean(head)]
    if settings.notes:
        lines += [clean(f"note: {n}") for n in settings.notes]
    width = max(len(r["key"]) for r in rows)
    for r in rows:
        value = json.dumps(r["value"])
        lines.append(clean(f"{r['key']:<{width}}  {value}  [{r['origin']}]"))
    return "\n".join(lines) + "\n"


# Keys that are unset by default: the starter shows an example value instead of null.
EXAMPLES = {
    "sharing.allowed_community_images": [],
    "naming.gallery": "^acg_[a-z0-9_]+$",
    "naming.definition": "^[a-z0-9-]+$",
    "metadata.expiry_tag": "expires",
    "engine.opa_url": "https://opa.internal:8181",
    "engine.token_env": "OPA_TOKEN",
}


def starter_config() -> str:
    """A commented `.gallerylint.yaml`: every key with its default and meaning, commented
    out, so the file changes nothing until a line is uncommented."""
    defaults = Settings()
    out = ["# gallerylint configuration (docs/configuration.md). Every key is shown with its",
           "# default and commented out: uncomment a line to change it. `gallerylint config`",
           "# prints what is in force and where each value came from.", ""]
    for section in _SECTIONS:
        value = getattr(defaults, section)
        out.append(f"# {section}:")
        for f in fields(value):
            key = f"{section}.{f.name}"
            default = getattr(value, f.name)
            meaning = MEANING.get(key, "")
            if default is None and key in EXAMPLES:
                default, meaning = EXAMPLES[key], f"{meaning} (default: unset)"
            entry = f"{f.name}: {json.dumps(_shown(default))}"
            out.append(f"#   {entry:<44} # {meaning}".rstrip())
        out.append("")
    out += ["# rules:",
            "#   ACG601: {enabled: false}        # turn a rule off (by ID or name)",
            "#   replicas-for-vms: {level: error} # or change its level",
            "#   paths: [policies/org]           # folders of your own Rego rules", "",
            "# waivers:",
            "#   - rule: ACG601",
            "#     resource: contoso_prod/ubuntu-2204/1.2.0   # as the text output prints it",
            "#     reason: capacity reserved until the Q3 migration",
            "#     expires: 2027-03-31", ""]
    return "\n".join(out)


WORKFLOWS = (("pull-request.yml", "gallerylint-pull-request.yml"),
             ("nightly.yml", "gallerylint-nightly.yml"),
             ("gated-deploy.yml", "gallerylint-gated-deploy.yml"))


def workflow_sources() -> Path:
    from .resources import data_path
    return data_path("workflows")


def init(root: Path, github: bool) -> list[str]:
    """Write the starter config (and with github, the three workflows); never overwrite.
    Returns the files written."""
    from .errors import InputError
    targets = [(root / ".gallerylint.yaml", starter_config())]
    if github:
        source = workflow_sources()
        for name, target in WORKFLOWS:
            text = (source / name).read_text(encoding="utf-8")
            # The nightly publishes under its own file name: the other two look it up.
            text = text.replace("--workflow nightly.yml", "--workflow gallerylint-nightly.yml")
            targets.append((root / ".github" / "workflows" / target, text))
    existing = [str(p) for p, _ in targets if p.exists() or p.is_symlink()]
    if existing:
        raise InputError(existing[0], "already exists: init never overwrites",
                         hint="remove or rename it, or edit it by hand")
    written = []
    for path, text in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
        written.append(str(path))
    return written
