"""One lint run: inputs -> inventory -> facts -> rules -> findings.

The CLI, the gate and the tests all call `run`; nothing here prints.
"""

from __future__ import annotations

import gc
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, Sequence

from msgspec import Struct, field

from . import facts as facts_module
from .config import Settings
from .engines import EmbeddedEngine, Engine
from .errors import EngineError, InputError
from .facts import Facts
from .findings import Finding, group_deployment_findings, sort_findings
from .model import Inventory
from .rules.base import make_finding
from .rules.collections import project
from .rules.registry import Registry, Rule
from .sources import Limits, load_paths


class LintResult(Struct):
    findings: list[Finding]
    inventory: Inventory
    rules: list[Rule]  # the rules that ran
    timings: dict[str, float] = field(default_factory=dict)
    now: datetime | None = None


def input_limits(settings: Settings) -> Limits:
    return Limits(max_file_bytes=settings.input.max_file_bytes,
                  max_yaml_alias_nodes=settings.input.max_yaml_alias_nodes,
                  max_depth=settings.input.max_depth,
                  bicep_timeout_seconds=settings.input.bicep_timeout_seconds)


def select_rules(registry: Registry, settings: Settings, only: Sequence[str] = (),
                 skip: Sequence[str] = ()) -> list[Rule]:
    for key, setting in settings.rules.items():
        if registry.get(key) is None:
            raise InputError(settings.path, f"rules.{key}: no rule has this ID or name",
                             hint="'gallerylint rules' lists them")
    only_ids = {rule_id for key in only for rule_id in rules_named(registry, key)}
    skip_ids = {rule_id for key in skip for rule_id in rules_named(registry, key)}
    selected = []
    for rule in registry:
        setting = settings.rules.get(rule.id) or settings.rules.get(rule.name)
        enabled = True if setting is None or setting.enabled is None else setting.enabled
        if only_ids:
            enabled = rule.id in only_ids
        if rule.id in skip_ids:
            enabled = False
        if enabled:
            selected.append(rule)
    return selected


def rules_named(registry: Registry, key: str) -> list[str]:
    """The rule IDs a --rules/--skip-rules entry names: an ID or name, an ID prefix
    (`ACG6`), or a tag (`security`)."""
    one = registry.get(key)
    if one is not None:
        return [one.id]
    if re.fullmatch(r"ACG\d{0,3}", key, re.IGNORECASE):
        prefixed = [r.id for r in registry if r.id.upper().startswith(key.upper())]
        if prefixed:
            return prefixed
    tagged = [r.id for r in registry if key.lower() in (tag.lower() for tag in r.tags)]
    if tagged:
        return tagged
    raise InputError(None, f"--rules/--skip-rules: '{key}' is no rule ID, name, ID prefix "
                     "or tag", hint="'gallerylint rules' lists them and their tags")


def _configured_level(rule: Rule, settings: Settings) -> str | None:
    setting = settings.rules.get(rule.id) or settings.rules.get(rule.name)
    return setting.level if setting is not None else None


def evaluate(facts: Facts, rules: Sequence[Rule], engine: Engine,
             timings: dict[str, float] | None = None) -> list[Finding]:
    """Every rule's findings: the Python rules' first, then the Rego rules'. The Rego
    engine works on a thread of its own while the Python rules run (regopy and an OPA
    server's requests leave the interpreter free): its inputs are projected and put in
    the engine's form first, on this thread, and nothing it reads changes after. Only
    built-in policies share the process so: a user's policies run in a forked child,
    which is never forked beside a thread."""
    timings = timings if timings is not None else {}
    rego_rules = [r for r in rules if r.rego is not None]
    rego = _RegoRun(facts, rego_rules, timings) if rego_rules else None
    pending = None
    if rego is not None and rego.to_run and all(p.trusted for p in rego.to_run):
        from .threads import start_thread
        rego.prepare(engine)
        pending = start_thread(rego.evaluate, engine, name="gallerylint-rego")
    try:
        findings = _python_findings(facts, rules, timings)
    except Exception:
        if pending is not None:
            pending.wait()  # no engine left running behind an error
        raise
    if rego is not None:
        results = pending.result() if pending is not None else rego.evaluate(engine)
        findings.extend(rego.findings(results))
    return findings


def _python_findings(facts: Facts, rules: Sequence[Rule],
                     timings: dict[str, float]) -> list[Finding]:
    findings: list[Finding] = []
    for rule in rules:
        if rule.check is None:
            continue
        start = time.perf_counter()
        try:
            produced = list(rule.check(facts, rule))
        except (InputError, EngineError):
            raise
        except Exception as exc:
            raise EngineError(f"{rule.id} ({rule.language})",
                              f"{type(exc).__name__}: {exc}") from exc
        findings.extend(produced)
        timings[rule.id] = time.perf_counter() - start
    return findings


class _RegoRun:
    """The Rego rules of one run: their projected inputs, the engine's answer, and the
    findings it makes."""

    def __init__(self, facts: Facts, rules: Sequence[Rule],
                 timings: dict[str, float]) -> None:
        start = time.perf_counter()
        self.timings = timings
        self.projections: dict[tuple[str, tuple[str, ...]], Any] = {}
        self.inputs: dict[Path, dict[str, Any]] = {}
        shared: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
        for rule in rules:
            policy = rule.rego
            assert policy is not None
            key = (policy.collection, policy.fields)
            if key not in self.projections:
                try:
                    self.projections[key] = project(facts, policy.collection, policy.fields)
                except KeyError as exc:
                    raise EngineError(policy.path.name, f"METADATA names an unknown collection "
                                      f"or field: {exc}") from None
                shared[key] = {"items": self.projections[key].items}
            self.inputs[policy.path] = shared[key]
        timings["rego:facts"] = time.perf_counter() - start
        self.ordered = sorted(rules, key=lambda r: (r.rego.collection, r.rego.fields))  # type: ignore[union-attr]
        # A built-in policy finds nothing in no items (each violation names an item):
        # the engine is not even loaded for those (an empty or IaC-only input starts
        # faster).
        self.to_run = [r.rego for r in self.ordered if r.rego is not None and (
            self.inputs[r.rego.path]["items"] or not r.rego.trusted)]
        self.prepared: Mapping[Path, Any] | None = None

    def prepare(self, engine: Engine) -> None:
        """The inputs in the engine's own form, made on this thread (see `evaluate`)."""
        start = time.perf_counter()
        self.prepared = engine.prepare(self.to_run, self.inputs)
        self.timings["rego:input"] = time.perf_counter() - start

    def evaluate(self, engine: Engine) -> dict[Path, list[dict[str, Any]]]:
        start = time.perf_counter()
        inputs = self.prepared if self.prepared is not None else self.inputs
        results = engine.evaluate(self.to_run, inputs) if self.to_run else {}
        self.timings["rego:engine"] = time.perf_counter() - start
        return results

    def findings(self, results: Mapping[Path, list[dict[str, Any]]]) -> list[Finding]:
        findings: list[Finding] = []
        for rule in self.ordered:
            policy = rule.rego
            assert policy is not None
            projection = self.projections[(policy.collection, policy.fields)]
            for v in results.get(policy.path, []):
                k = v["k"]
                if not 0 <= k < len(projection.groups):
                    raise EngineError(policy.path.name, f"violation names item {k}, which was "
                                      "not in its input")
                level = v.get("level")
                if level is not None and level not in ("error", "warning", "note"):
                    raise EngineError(policy.path.name, f"violation level '{level}' is not "
                                      "error, warning or note")
                at = v.get("at") or ()
                at = (at,) if isinstance(at, str) else tuple(at)
                for subject in projection.groups[k]:
                    findings.append(make_finding(rule, subject, v["message"],
                                                 region=v.get("region"), level=level, at=at,
                                                 properties=v.get("properties")))
        return findings


def locate_planned(findings: list[Finding]) -> None:
    """A finding about a planned version is located on its target definition's ARM ID (or
    the pipeline ID when that is unknown), carries `pipeline` and `plannedVersion`, names
    the pipeline, and keeps one alert per pipeline (rules.md, "Where findings are
    located", v3)."""
    from .sources.packer import PLANNED_MARK
    for f in findings:
        if PLANNED_MARK not in f.resource_id:
            continue
        version_id, pipeline = f.resource_id.rsplit(PLANNED_MARK, 1)
        target, _, name = version_id.rpartition("/versions/")
        f.resource_id = target if target.lower().startswith("/subscriptions/") and \
            "/subscriptions/(unknown)/" not in target else pipeline
        f.pipeline = pipeline
        f.properties["pipeline"] = pipeline
        f.properties["plannedVersion"] = name or None
        f.message = f"{f.message} (planned by {pipeline})"


def apply_levels(findings: list[Finding], rules: Sequence[Rule], settings: Settings) -> None:
    """A level set in config replaces the rule's default level; findings a rule
    emits at a variant level (rules.md: e.g. ACG301's clean-up note) keep theirs."""
    levels = {r.id: _configured_level(r, settings) for r in rules}
    for f in findings:
        configured = levels.get(f.rule_id)
        if configured and f.default_level:
            f.level = configured


def run(paths: Sequence[str], settings: Settings, now: datetime, *,
        registry: Registry, engine: Engine | None = None, only: Sequence[str] = (),
        skip: Sequence[str] = (), inventory: Inventory | None = None,
        deployment_scope: str | None = None, skip_unknown: bool = False,
        progress: Any = None, var_files: Sequence[str] = ()) -> LintResult:
    # The cyclic garbage collector rescans every live object as millions are
    # created (a 1M-VM estate), for cycles that live until the end anyway.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(paths, settings, now, registry=registry, engine=engine, only=only,
                    skip=skip, inventory=inventory, deployment_scope=deployment_scope,
                    skip_unknown=skip_unknown, progress=progress, var_files=var_files)
    finally:
        if was_enabled:
            gc.enable()


def _run(paths: Sequence[str], settings: Settings, now: datetime, *,
         registry: Registry, engine: Engine | None, only: Sequence[str],
         skip: Sequence[str], inventory: Inventory | None,
         deployment_scope: str | None, skip_unknown: bool = False,
         progress: Any = None, var_files: Sequence[str] = ()) -> LintResult:
    from .progress import Silent
    progress = progress or Silent()
    timings: dict[str, float] = {}
    rules = select_rules(registry, settings, only, skip)
    start = time.perf_counter()
    if inventory is None:
        progress.phase(f"reading {len(paths)} path(s)")
        inventory = load_paths(paths, settings.paths.exclude,
                               input_limits(settings),
                               deployment_scope=deployment_scope, skip_unknown=skip_unknown,
                               var_files=var_files)
    timings["load"] = time.perf_counter() - start
    start = time.perf_counter()
    progress.phase(f"computing facts over {inventory.resource_count} resource(s)")
    facts = facts_module.build(inventory, settings, now)
    timings["facts"] = time.perf_counter() - start
    progress.phase(f"evaluating {len(rules)} rule(s) over {inventory.resource_count} "
                   "resource(s)")
    findings = evaluate(facts, rules, engine or EmbeddedEngine(), timings)
    if facts.planned:
        locate_planned(findings)
    apply_levels(findings, rules, settings)
    findings = group_deployment_findings(findings, settings.reporting.group_over)
    from .waivers import apply_waivers
    findings = apply_waivers(findings, settings, now)
    return LintResult(sort_findings(findings), inventory, list(rules), timings, now)
