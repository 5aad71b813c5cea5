"""The production deployment gate: one deployment checked against an inventory.

Every VM or scale set of the deployment file (a template, a plan or raw
resource JSON) is merged into the inventory, so the replica checks count the
instances it adds, and gets one line per check, pass or fail (product.md,
"Gate"). Each check is backed by catalog rules; ACG801 is an error here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Sequence

from msgspec.structs import replace

from .config import RuleSetting, Settings
from .errors import InputError
from .facts import DeploymentFacts
from .lint import input_limits, run
from .model import UNKNOWN, Inventory
from .rules.registry import Registry
from .sources import load_paths

# rules.md, "Gate (v3)": the rules located on a deployment (versions 1 to 3), then the
# checks on the version it uses (ACG301; ACG601 and ACG602 with the instances it adds).
# A rule of a later catalog that this registry does not hold is not asked.
DEPLOYMENT_RULES = (
    "ACG801", "ACG306", "ACG307", "ACG311", "ACG401", "ACG403", "ACG405", "ACG406",
    "ACG407", "ACG506", "ACG603", "ACG609", "ACG611", "ACG702", "ACG703", "ACG707",
    "ACG802", "ACG803", "ACG804", "ACG901", "ACG902", "ACG903", "ACG904", "ACG906")
VERSION_RULES = ("ACG301", "ACG601", "ACG602")
GATE_RULES = DEPLOYMENT_RULES + VERSION_RULES

# Rules that judge the gallery image a deployment uses: without one they do not apply.
_IMAGE_RULES = frozenset({
    "ACG801", "ACG306", "ACG307", "ACG311", "ACG401", "ACG403", "ACG405", "ACG506", "ACG603",
    "ACG609", "ACG702", "ACG703", "ACG707", "ACG802", "ACG803", "ACG301", "ACG601",
    "ACG602"})
# What each rule reads of the deployment besides its image reference, and how the gate
# says it when the deployment's form leaves that unknown (a parameter without a value, a
# Resource Graph row that does not carry it).
_READS: dict[str, tuple[tuple[str, str], ...]] = {
    "ACG307": (("location", "region"),),
    "ACG401": (("os_disk_type", "OS disk type"), ("data_disk_types", "data disk types")),
    "ACG403": (("capacity", "instance count"),),
    "ACG405": (("os_disk_type", "OS disk type"),),
    "ACG603": (("location", "region"),),
    "ACG609": (("location", "region"), ("extended_location", "edge zone")),
    "ACG702": (("security_type", "security type"),),
    "ACG703": (("vm_size", "VM size"),),
    "ACG802": (("os_profile", "osProfile"),),
    "ACG803": (("plan", "purchase plan"),),
    "ACG901": (("applications", "VM applications"),),
    "ACG902": (("applications", "VM applications"), ("location", "region")),
    "ACG903": (("applications", "VM applications"),),
    "ACG904": (("applications", "VM applications"),),
    "ACG906": (("applications", "VM applications"),),
    "ACG601": (("location", "region"),),
    "ACG602": (("location", "region"), ("capacity", "instance count")),
}
_RANK = {"error": 0, "warning": 1, "note": 2}
DEFAULT_ENVIRONMENT = "production"


@dataclass
class CheckResult:
    """One rule asked of one deployment: pass, fail (a finding at or above the gate's
    level), warn (a finding below it), unknown (the form cannot carry what the rule reads)
    or skip (the rule does not apply, or the environment's config leaves it out)."""

    rule: str
    name: str
    status: str  # pass | fail | warn | unknown | skip
    messages: list[str] = field(default_factory=list)

    @property
    def rules(self) -> tuple[str, ...]:
        return (self.rule,)


@dataclass
class DeploymentResult:
    id: str
    region: str | None
    checks: list[CheckResult]
    environment: str = DEFAULT_ENVIRONMENT
    fail_on: str = "error"

    @property
    def passed(self) -> bool:
        return all(c.status != "fail" for c in self.checks)


@dataclass(frozen=True)
class GatePlan:
    """What the gate asks in one environment: the rules, in catalog order, with the
    ones the environment's config leaves out, and the level that fails."""

    environment: str
    fail_on: str
    asked: tuple[Any, ...]  # registry Rules
    left_out: tuple[tuple[Any, str], ...]  # (Rule, why)


def plan(registry: Registry, settings: Settings, environment: str | None) -> GatePlan:
    from .lint import rules_named
    env = environment or DEFAULT_ENVIRONMENT
    fail_on, only, skip = settings.gate.for_environment(env)
    where = f"gate.environments.{env}"
    only_ids = {i for key in only for i in _named(registry, key, settings.path,
                                                   f"{where}.rules", rules_named)}
    skip_ids = {i for key in skip for i in _named(registry, key, settings.path,
                                                   f"{where}.skip_rules", rules_named)}
    asked, left_out = [], []
    for rule_id in GATE_RULES:
        rule = registry.get(rule_id)
        if rule is None:
            continue
        setting = settings.rules.get(rule.id) or settings.rules.get(rule.name)
        if setting is not None and setting.enabled is False:
            left_out.append((rule, "disabled in config (rules)"))
        elif only_ids and rule.id not in only_ids:
            left_out.append((rule, f"not in {where}.rules"))
        elif rule.id in skip_ids:
            left_out.append((rule, f"in {where}.skip_rules"))
        else:
            asked.append(rule)
    return GatePlan(env, fail_on, tuple(asked), tuple(left_out))


def _named(registry: Registry, key: str, path: str | None, where: str,
           rules_named: Any) -> list[str]:
    try:
        found = rules_named(registry, key)
    except InputError:
        found = []
    if not found:
        raise InputError(path, f"{where}: an entry names no rule ID, name, ID prefix or tag",
                         hint="'gallerylint rules' lists the rules and their tags")
    return list(found)


def gate(inventory_paths: Sequence[str], deployment_paths: Sequence[str], settings: Settings,
         now: datetime, registry: Registry, environment: str | None = None,
         deployment_scope: str | None = None, *, allow_partial: bool = False,
         max_age_hours: float | None = None) -> list[DeploymentResult]:
    limits = input_limits(settings)
    inventory = load_paths(inventory_paths, settings.paths.exclude, limits, deployment_scope)
    from .snapshots import problems, refuse
    refuse(problems(inventory, now, max_age_hours if max_age_hours is not None
                    else settings.input.max_snapshot_age_hours), allow_partial)
    the_plan = plan(registry, settings, environment)
    incoming = _incoming(deployment_paths, settings, the_plan.environment, deployment_scope)
    merged = Inventory()
    merged.extend(inventory)
    merged.extend(incoming)
    from .sources.files import _deduplicate
    _deduplicate(merged)
    # The user's levels hold, but every rule asked runs and ACG801 is an error here.
    rules = dict(settings.rules)
    for rule in the_plan.asked:
        level = _configured(settings, rule)
        rules[rule.id] = RuleSetting(enabled=True, level=level)
        rules.pop(rule.name, None)
    if registry.get("ACG801") is not None:
        rules["ACG801"] = RuleSetting(enabled=True, level="error")
    gate_settings = replace(settings, rules=rules,
                            reporting=replace(settings.reporting, group_over=10**9),
                            waivers=())
    asked_ids = tuple(r.id for r in the_plan.asked)
    result = run([], gate_settings, now, registry=registry, only=asked_ids or ("ACG801",),
                 inventory=merged) if asked_ids else None
    findings = result.findings if result is not None else []
    facts_by_id = _deployment_facts(merged, gate_settings, now)
    by_resource: dict[tuple[str, str], list[Any]] = {}
    for f in findings:
        by_resource.setdefault((f.rule_id, f.resource_id.lower()), []).append(f)
    return [_checks(dep, facts_by_id.get(dep.id.lower()), by_resource, the_plan)
            for dep in incoming.deployments]


def _configured(settings: Settings, rule: Any) -> str | None:
    setting = settings.rules.get(rule.id) or settings.rules.get(rule.name)
    return setting.level if setting is not None else None


def _incoming(deployment_paths: Sequence[str], settings: Settings, environment: str | None,
              deployment_scope: str | None) -> Inventory:
    incoming = load_paths(deployment_paths, (), input_limits(settings), deployment_scope)
    if not incoming.deployments:
        raise InputError(deployment_paths[0] if deployment_paths else None,
                         "the deployment holds no VM or scale set to check",
                         hint="pass a template, plan or resource JSON with VMs or scale sets")
    if environment:
        incoming.deployments = [replace(d, tags={**d.tags, "environment": environment})
                                for d in incoming.deployments]
    return incoming


# The rules the bundle's gate policy (policies/gate/gate.rego) judges.
OPA_JUDGED = frozenset({"ACG801", "ACG307", "ACG603", "ACG301", "ACG403", "ACG601", "ACG602",
                        "ACG401", "ACG702", "ACG802", "ACG803", "ACG405", "ACG311", "ACG609",
                        "ACG804"})


def gate_via_opa(engine: Any, deployment_paths: Sequence[str], settings: Settings,
                 now: datetime, registry: Registry, environment: str | None = None,
                 deployment_scope: str | None = None, *, allow_partial: bool = False,
                 max_age_hours: float | None = None,
                 notify: Any = None) -> list[DeploymentResult]:
    """The same checks, decided by the OPA fleet: each deployment is sent to the served
    bundle's `data.gallerylint.gate.decision`, whose reasons name the rules that failed.
    The bundle's facts are the inventory; a partial or stale one is refused as above."""
    from .errors import EngineError
    if engine.resolve_mode() != "served":
        raise EngineError("(opa)", f"gate --engine opa asks a served gallerylint bundle for "
                          f"its decision, and OPA at {engine.url} serves none: load the bundle "
                          "written by 'gallerylint bundle --inventory …' into it")
    from .names import parse_time
    from .snapshots import problems, refuse
    recorded = Inventory()
    for snap in engine.bundle_snapshots():
        recorded.snapshots.append((snap["path"], parse_time(snap.get("createdAt")),
                                   snap.get("failedScopes") or []))
    refuse(problems(recorded, now, max_age_hours if max_age_hours is not None
                    else settings.input.max_snapshot_age_hours), allow_partial)
    the_plan = plan(registry, settings, environment)
    incoming = _incoming(deployment_paths, settings, the_plan.environment, deployment_scope)
    created = len(incoming.galleries) + len(incoming.definitions) + len(incoming.versions)
    if created and notify is not None:
        notify(f"the deployment also creates {created} gallery resource(s); the served bundle "
               "knows only the facts it was built from, so references to them do not resolve "
               "there (the embedded gate, with --inventory, merges them)")
    out = []
    for dep in incoming.deployments:
        decision = engine.decide(deployment_document(dep))
        out.append(_checks_from_reasons(dep, decision["reasons"], the_plan, OPA_JUDGED,
                                        _levels(registry, settings)))
    return out


def deployment_document(dep: Any) -> dict[str, Any]:
    """The ARM JSON of a deployment as gallerylint read it (the gate decision's input)."""
    def known(value: Any) -> bool:
        return value is not None and value is not UNKNOWN

    reference = {key: value for key, value in (
        ("id", dep.image_id), ("sharedGalleryImageId", dep.shared_image_id),
        ("communityGalleryImageId", dep.community_image_id),
        ("exactVersion", dep.exact_version)) if known(value)}
    if isinstance(dep.marketplace, str) and dep.marketplace.count(":") == 2:
        reference.update(zip(("publisher", "offer", "sku"), dep.marketplace.split(":")))
    storage: dict[str, Any] = {"imageReference": reference}
    os_disk: dict[str, Any] = {}
    if dep.unmanaged is True:  # the URI itself is not needed: that one is set
        os_disk["vhd" if dep.kind == "vm" else "image"] = {"uri": "(set)"}
    if dep.attached is True:
        os_disk["createOption"] = "Attach"
    if known(dep.os_disk_type):
        os_disk["managedDisk"] = {"storageAccountType": dep.os_disk_type}
    if dep.ephemeral_os_disk is True:
        os_disk["diffDiskSettings"] = {"option": "Local"}
    if os_disk:
        storage["osDisk"] = os_disk
    profile: dict[str, Any] = {"storageProfile": storage}
    if known(dep.security_type):
        profile["securityProfile"] = {"securityType": dep.security_type}
    if dep.os_profile is True:
        profile["osProfile"] = {}
    # What gallerylint could not read, and whether the deployment came from live
    # inventory (Azure accepted it): gate.rego judges neither (see its "marks").
    unknown = [name for name, value, unset in (
        ("osProfile", dep.os_profile, (None, UNKNOWN)), ("plan", dep.plan, (UNKNOWN,)),
        ("ephemeralOsDisk", dep.ephemeral_os_disk, (UNKNOWN,)),
        ("extendedLocation", dep.extended_location, (UNKNOWN,)),
        ("imageSource", UNKNOWN if UNKNOWN in (dep.marketplace, dep.unmanaged, dep.attached)
         else None, (UNKNOWN,))) if value in unset]
    document: dict[str, Any] = {
        "id": dep.id, "name": dep.name,
        "location": dep.location if isinstance(dep.location, str) else "",
        "tags": {k: v for k, v in dep.tags.items() if isinstance(v, str)},
        "x-gallerylint": {"live": not dep.source.from_iac, "unknown": unknown},
    }
    if isinstance(dep.plan, dict):
        document["plan"] = dict(dep.plan)
    ext = dep.extended_location
    if isinstance(ext, tuple) and len(ext) == 2 and all(isinstance(x, str) for x in ext):
        document["extendedLocation"] = {"type": "EdgeZone" if ext[0] == "edgezone" else ext[0],
                                        "name": ext[1]}
    if dep.kind == "vmss":
        document["type"] = "Microsoft.Compute/virtualMachineScaleSets"
        document["sku"] = {"capacity": dep.capacity if isinstance(dep.capacity, int) else 0}
        document["properties"] = {"virtualMachineProfile": profile}
    else:
        document["type"] = "Microsoft.Compute/virtualMachines"
        profile.pop("osProfile", None)
        document["properties"] = profile
        if dep.os_profile is True:
            document["properties"]["osProfile"] = {}
    return document


def _levels(registry: Registry, settings: Settings) -> dict[str, str]:
    """Each gate rule's level: the configured one, else the rule's; ACG801 is an error."""
    out = {}
    for rule_id in GATE_RULES:
        rule = registry.get(rule_id)
        if rule is not None:
            out[rule_id] = _configured(settings, rule) or rule.level
    out["ACG801"] = "error"
    return out


def _checks_from_reasons(dep: Any, reasons: Sequence[str], the_plan: GatePlan,
                         judged: frozenset[str], levels: dict[str, str]) -> DeploymentResult:
    """The served bundle's reasons as one line per rule asked, each at its rule's level. A
    rule the bundle's gate policy does not judge is unknown there, never a pass."""
    by_rule: dict[str, list[tuple[str, str]]] = {}
    for reason in reasons:  # "ACG603: text", or "ACG405 (error): text" for a variant level
        m = _REASON.match(reason)
        rule, level, text = (m.group(1), m.group(2), m.group(3)) if m else ("", None, reason)
        by_rule.setdefault(rule, []).append((level or levels.get(rule, "error"), text))
    unresolved = "ACG801" in by_rule
    no_image = not _gallery_reference(dep)
    checks = [_check(rule, by_rule.pop(rule.id, []), dep, the_plan, no_image, unresolved,
                     rule.id in judged) for rule in the_plan.asked]
    checks += [CheckResult(rule.id, rule.name, "skip", [why]) for rule, why in the_plan.left_out]
    stray = [f"{rule}: {t}" for rule, found in by_rule.items() for _, t in found]
    if stray:  # a reason no rule asked names: fail closed on it, never drop it
        checks.append(CheckResult("", "other reasons from the bundle", "fail", stray))
    return DeploymentResult(dep.id, _region(dep), checks, the_plan.environment,
                            the_plan.fail_on)


def _check(rule: Any, found: list[tuple[str, str]], dep: Any, the_plan: GatePlan,
           no_image: bool, unresolved: bool, judged: bool) -> CheckResult:
    """One rule's line for one deployment, from its findings as (level, message), by
    either engine: fail at or above the gate's level, warn below it; else skip or unknown
    when the rule cannot judge (no gallery image, a form without the fact, an unresolved
    reference, a rule the engine does not judge); else pass."""
    if found:
        failing = [(lv, t) for lv, t in found if _RANK.get(lv, 0) <= _RANK[the_plan.fail_on]]
        return CheckResult(rule.id, rule.name, "fail" if failing else "warn",
                           [f"{lv}: {t}" for lv, t in (failing or found)])
    if rule.id in _IMAGE_RULES and no_image:
        status, messages = _no_gallery_image(dep)
        return CheckResult(rule.id, rule.name, status, messages)
    if not judged:
        return CheckResult(rule.id, rule.name, "unknown", [
            "the served bundle's gate policy does not judge this rule (the embedded gate "
            "does)"])
    if unresolved and rule.id in _IMAGE_RULES and rule.id != "ACG801":
        return CheckResult(rule.id, rule.name, "unknown",
                           ["the image reference does not resolve (ACG801)"])
    why = _unknown(dep, rule.id)
    return CheckResult(rule.id, rule.name, "unknown" if why else "pass", [why] if why else [])


_REASON = re.compile(r"(ACG\d+)(?: \((error|warning|note)\))?: (.*)", re.DOTALL)


def _gallery_reference(dep: Any) -> bool:
    """The deployment names a gallery image (by ID into a gallery, or a shared or
    community gallery reference), as facts.build resolves it."""
    if dep.shared_image_id or dep.community_image_id:
        return True
    return isinstance(dep.image_id, str) and \
        "/providers/microsoft.compute/galleries/" in dep.image_id.lower()


def _no_gallery_image(dep: Any) -> tuple[str, list[str]]:
    if _image_reference_unknown(dep):
        return "unknown", ["the image reference is not known in this form"]
    return "skip", ["the deployment uses no gallery image"]


def _region(dep: Any) -> str | None:
    return dep.location if isinstance(dep.location, str) else None


def _deployment_facts(inventory: Inventory, settings: Settings,
                      now: datetime) -> dict[str, DeploymentFacts]:
    from .facts import build
    facts = build(inventory, settings, now)
    return {d.deployment.id.lower(): d for d in facts.deployments}


def _unknown(dep: Any, rule_id: str) -> str | None:
    """Why the rule cannot judge this deployment's form, or None."""
    missing = []
    for attribute, what in _READS.get(rule_id, ()):
        value = getattr(dep, attribute, None)
        if attribute == "location":
            known = isinstance(value, str) and bool(value)
        elif attribute == "os_profile":
            known = value is not None and value is not UNKNOWN
        elif isinstance(value, tuple):
            known = all(v is not UNKNOWN for v in value)
        else:
            known = value is not UNKNOWN
        if not known:
            missing.append(what)
    if missing:
        return f"the deployment's {' and '.join(missing)} is not known in this form"
    return None


def _image_reference_unknown(dep: Any) -> bool:
    return any(v is UNKNOWN for v in (dep.image_id, dep.shared_image_id,
                                      dep.community_image_id))


def _checks(dep: Any, dfacts: DeploymentFacts | None,
            by_resource: dict[tuple[str, str], list[Any]],
            the_plan: GatePlan) -> DeploymentResult:
    region = _region(dep)
    version_id = dfacts.version.version.id.lower() if dfacts and dfacts.version else None
    unresolved = dfacts is not None and dfacts.unresolved is not None
    checks: list[CheckResult] = []
    for rule in the_plan.asked:
        found = []
        keys = [dep.id.lower()]
        if rule.id in VERSION_RULES and version_id:
            keys.append(version_id)
        for key in keys:
            for f in by_resource.get((rule.id, key), []):
                if rule.id in ("ACG601", "ACG602") and f.region != region:
                    continue  # another region's replicas are not this deployment's
                if (rule.id, dep.kind) in (("ACG601", "vmss"), ("ACG602", "vm")):
                    continue  # "with the instances it adds": VMs count for a VM, scale
                    # sets and their instances for a scale set (product.md, "Gate")
                found.append(f)
        checks.append(_check(rule, [(f.level, f.message) for f in found], dep, the_plan,
                             dfacts is None, unresolved, True))
    checks += [CheckResult(rule.id, rule.name, "skip", [why]) for rule, why in the_plan.left_out]
    return DeploymentResult(dep.id, region, checks, the_plan.environment, the_plan.fail_on)


def render_text(results: Sequence[DeploymentResult], failures_only: bool = False,
                colour: bool = False) -> str:
    """One line per rule asked (`FAIL  ACG603  deployment-region-not-replicated  message`)
    under each deployment, the verdict last; with failures_only, only the failing lines
    (and deployments with one)."""
    import click

    from .report.text import clean
    styles = {"pass": {"fg": "green"}, "fail": {"fg": "red", "bold": True},
              "warn": {"fg": "yellow"}, "unknown": {"fg": "yellow"}, "skip": {"dim": True}}
    lines = []
    for r in results:
        checks = [c for c in r.checks if c.status == "fail" or not failures_only]
        if not checks:
            continue
        lines.append(clean(f"{r.id} ({r.region or 'region unknown'}; environment "
                           f"{r.environment}, fails on {r.fail_on})"))
        for c in checks:
            status = f"{c.status.upper():<7}"
            if colour:
                status = click.style(status, **styles[c.status])  # type: ignore[arg-type]
            detail = f"  {c.messages[0]}" if c.messages else ""
            more = f" (+{len(c.messages) - 1} more)" if len(c.messages) > 1 else ""
            lines.append((f"  {status} {c.rule:<7} {c.name:<34}" + clean(f"{detail}{more}")).rstrip())
        lines.append("")
    failed = [r for r in results if not r.passed]
    counts = {s: sum(1 for r in results for c in r.checks if c.status == s)
              for s in ("fail", "warn", "unknown")}
    verdict = "PASSED" if not failed else "FAILED"
    line = (f"gate {verdict}: {len(failed)} of {len(results)} deployment(s) failed; "
            f"{counts['fail']} rule check(s) failed, {counts['warn']} below the gate's level, "
            f"{counts['unknown']} unknown")
    if colour:
        line = click.style(line, fg="green" if not failed else "red", bold=True)
    lines.append(line)
    return "\n".join(lines) + "\n"


def render_json(results: Sequence[DeploymentResult]) -> dict[str, Any]:
    return {"version": 2, "passed": all(r.passed for r in results), "deployments": [
        {"id": r.id, "region": r.region, "environment": r.environment, "failOn": r.fail_on,
         "passed": r.passed,
         "checks": [{"rule": c.rule, "name": c.name, "rules": list(c.rules),
                     "status": c.status, "messages": c.messages} for c in r.checks]}
        for r in results]}
