"""The production deployment gate: one deployment checked against an inventory.

Every VM or scale set of the deployment file (a template, a plan or raw
resource JSON) is merged into the inventory, so the replica checks count the
instances it adds, and gets one line per check, pass or fail (product.md,
"Gate"). Each check is backed by catalog rules; ACG801 is an error here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Sequence

from .config import RuleSetting, Settings
from .errors import InputError
from .facts import DeploymentFacts
from .lint import input_limits, run
from .model import UNKNOWN, Inventory
from .rules.registry import Registry
from .sources import load_paths

CHECKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("reference resolves", ("ACG801",)),
    ("version not past end of life", ("ACG301", "ACG306")),
    ("region replicated", ("ACG603", "ACG307")),
    ("enough replicas", ("ACG601", "ACG602")),
    ("disk types allowed", ("ACG401",)),
    ("security type allowed", ("ACG702",)),
    ("no shallow replica in production", ("ACG403",)),
)
GATE_RULES = tuple(dict.fromkeys(r for _, rules in CHECKS for r in rules))


@dataclass
class CheckResult:
    name: str
    rules: tuple[str, ...]
    status: str  # pass | fail | skip
    messages: list[str] = field(default_factory=list)


@dataclass
class DeploymentResult:
    id: str
    region: str | None
    checks: list[CheckResult]

    @property
    def passed(self) -> bool:
        return all(c.status != "fail" for c in self.checks)


def gate(inventory_paths: Sequence[str], deployment_paths: Sequence[str], settings: Settings,
         now: datetime, registry: Registry, environment: str | None = None,
         deployment_scope: str | None = None, *, allow_partial: bool = False,
         max_age_hours: float | None = None) -> list[DeploymentResult]:
    limits = input_limits(settings)
    inventory = load_paths(inventory_paths, settings.paths.exclude, limits, deployment_scope)
    from .snapshots import problems, refuse
    refuse(problems(inventory, now, max_age_hours if max_age_hours is not None
                    else settings.input.max_snapshot_age_hours), allow_partial)
    incoming = _incoming(deployment_paths, settings, environment, deployment_scope)
    merged = Inventory()
    merged.extend(inventory)
    merged.extend(incoming)
    from .sources.files import _deduplicate
    _deduplicate(merged)
    rules = {key: RuleSetting(enabled=True) for key in GATE_RULES}
    rules["ACG801"] = RuleSetting(enabled=True, level="error")
    gate_settings = replace(settings, rules=rules,
                            reporting=replace(settings.reporting, group_over=10**9),
                            waivers=())
    result = run([], gate_settings, now, registry=registry, only=GATE_RULES, inventory=merged)
    facts_by_id = _deployment_facts(result, merged, gate_settings, now)
    by_resource: dict[tuple[str, str], list[Any]] = {}
    for f in result.findings:
        by_resource.setdefault((f.rule_id, f.resource_id.lower()), []).append(f)
    out = []
    for dep in incoming.deployments:
        dfacts = facts_by_id.get(dep.id.lower())
        out.append(_checks(dep, dfacts, by_resource))
    return out


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


def gate_via_opa(engine: Any, deployment_paths: Sequence[str], settings: Settings,
                 now: datetime, environment: str | None = None,
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
    incoming = _incoming(deployment_paths, settings, environment, deployment_scope)
    created = len(incoming.galleries) + len(incoming.definitions) + len(incoming.versions)
    if created and notify is not None:
        notify(f"the deployment also creates {created} gallery resource(s); the served bundle "
               "knows only the facts it was built from, so references to them do not resolve "
               "there (the embedded gate, with --inventory, merges them)")
    out = []
    for dep in incoming.deployments:
        decision = engine.decide(deployment_document(dep))
        out.append(_checks_from_reasons(dep, decision["reasons"]))
    return out


def deployment_document(dep: Any) -> dict[str, Any]:
    """The ARM JSON of a deployment as gallerylint read it (the gate decision's input)."""
    def known(value: Any) -> bool:
        return value is not None and value is not UNKNOWN

    reference = {key: value for key, value in (
        ("id", dep.image_id), ("sharedGalleryImageId", dep.shared_image_id),
        ("communityGalleryImageId", dep.community_image_id),
        ("exactVersion", dep.exact_version)) if known(value)}
    storage: dict[str, Any] = {"imageReference": reference}
    if known(dep.os_disk_type):
        storage["osDisk"] = {"managedDisk": {"storageAccountType": dep.os_disk_type}}
    profile: dict[str, Any] = {"storageProfile": storage}
    if known(dep.security_type):
        profile["securityProfile"] = {"securityType": dep.security_type}
    document: dict[str, Any] = {
        "id": dep.id, "name": dep.name,
        "location": dep.location if isinstance(dep.location, str) else "",
        "tags": {k: v for k, v in dep.tags.items() if isinstance(v, str)},
    }
    if dep.kind == "vmss":
        document["type"] = "Microsoft.Compute/virtualMachineScaleSets"
        document["sku"] = {"capacity": dep.capacity if isinstance(dep.capacity, int) else 0}
        document["properties"] = {"virtualMachineProfile": profile}
    else:
        document["type"] = "Microsoft.Compute/virtualMachines"
        document["properties"] = profile
    return document


def _checks_from_reasons(dep: Any, reasons: Sequence[str]) -> DeploymentResult:
    region = dep.location if isinstance(dep.location, str) else None
    by_rule: dict[str, list[str]] = {}
    for reason in reasons:
        rule = reason.split(":", 1)[0].strip()
        by_rule.setdefault(rule, []).append(reason)
    unresolved = "ACG801" in by_rule
    checks = []
    for name, rules in CHECKS:
        messages = [m for rule in rules for m in by_rule.get(rule, [])]
        if messages:
            status = "fail"
        elif unresolved:
            status, messages = "skip", ["the reference does not resolve"]
        else:
            status = "pass"
        checks.append(CheckResult(name, rules, status, messages))
    known = {rule for _, rules in CHECKS for rule in rules}
    stray = [r for rule, found in by_rule.items() if rule not in known for r in found]
    if stray:  # a reason no check names: fail closed on it, never drop it
        checks.append(CheckResult("other reasons from the bundle", (), "fail", stray))
    return DeploymentResult(dep.id, region, checks)


def _deployment_facts(result: Any, inventory: Inventory, settings: Settings,
                      now: datetime) -> dict[str, DeploymentFacts]:
    from .facts import build
    facts = build(inventory, settings, now)
    return {d.deployment.id.lower(): d for d in facts.deployments}


def _checks(dep: Any, dfacts: DeploymentFacts | None,
            by_resource: dict[tuple[str, str], list[Any]]) -> DeploymentResult:
    region = dep.location if isinstance(dep.location, str) else None
    checks: list[CheckResult] = []
    if dfacts is None:
        # Not a gallery image (marketplace, managed image, no reference): nothing to resolve.
        checks.append(CheckResult("reference resolves", ("ACG801",), "fail",
                                  ["the deployment does not reference a gallery image"]))
        for name, rules in CHECKS[1:]:
            checks.append(CheckResult(name, rules, "skip", ["no gallery image to check"]))
        return DeploymentResult(dep.id, region, checks)
    version_id = dfacts.version.version.id.lower() if dfacts.version else None
    for name, rules in CHECKS:
        messages = []
        for rule in rules:
            keys = [dep.id.lower()]
            if rule in ("ACG301", "ACG601", "ACG602") and version_id:
                keys.append(version_id)
            for key in keys:
                for f in by_resource.get((rule, key), []):
                    if rule in ("ACG601", "ACG602") and f.region != region:
                        continue  # another region's replicas are not this deployment's
                    if (rule, dep.kind) in (("ACG601", "vmss"), ("ACG602", "vm")):
                        continue  # "for the instances it adds": VMs count for a VM, scale
                        # sets and their instances for a scale set (product.md, "Gate")
                    if rule == "ACG301" and f.level == "note":
                        continue
                    if rule == "ACG306" and f.level != "error":
                        continue  # outdated but supported: not an end-of-life failure
                    messages.append(f"{rule}: {f.message}")
        unresolved = dfacts.unresolved is not None or dfacts.reference is None
        if messages:
            status = "fail"
        elif unresolved and name != "reference resolves":
            status, messages = "skip", ["the reference does not resolve"]
        else:
            status = "pass"
        checks.append(CheckResult(name, rules, status, messages))
    return DeploymentResult(dep.id, region, checks)


def render_text(results: Sequence[DeploymentResult], failures_only: bool = False,
                colour: bool = False) -> str:
    """One line per check (`FAIL  region replicated  ACG603,ACG307  message`) under each
    deployment, the verdict last; with failures_only, passing and skipped checks (and
    deployments without a failure) are left out."""
    import click

    from .report.text import clean
    styles = {"pass": {"fg": "green"}, "fail": {"fg": "red", "bold": True},
              "skip": {"dim": True}}
    lines = []
    for r in results:
        checks = [c for c in r.checks if c.status == "fail" or not failures_only]
        if not checks:
            continue
        lines.append(clean(f"{r.id} ({r.region or 'region unknown'})"))
        for c in checks:
            status = f"{c.status.upper():<4}"
            if colour:
                status = click.style(status, **styles[c.status])  # type: ignore[arg-type]
            detail = f"  {c.messages[0]}" if c.messages else ""
            more = f" (+{len(c.messages) - 1} more)" if len(c.messages) > 1 else ""
            lines.append(f"  {status}  {c.name:<34} {','.join(c.rules):<15}"
                         + clean(f"{detail}{more}"))
        lines.append("")
    failed = sum(1 for r in results for c in r.checks if c.status == "fail")
    total = sum(len(r.checks) for r in results)
    verdict = "PASSED" if failed == 0 else "FAILED"
    line = (f"gate {verdict}: {failed} of {total} checks failed for "
            f"{len(results)} deployment(s)")
    if colour:
        line = click.style(line, fg="green" if failed == 0 else "red", bold=True)
    lines.append(line)
    return "\n".join(lines) + "\n"


def render_json(results: Sequence[DeploymentResult]) -> dict[str, Any]:
    return {"version": 1, "passed": all(r.passed for r in results), "deployments": [
        {"id": r.id, "region": r.region, "passed": r.passed,
         "checks": [{"name": c.name, "rules": list(c.rules), "status": c.status,
                     "messages": c.messages} for c in r.checks]}
        for r in results]}
