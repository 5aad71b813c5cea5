"""Property-based tests: whatever the input, gallerylint gives findings, counts a skip,
or refuses with an InputError (exit 2); never another exception, never exit 3."""

import json
import os
import random
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from linter import config
from linter.errors import InputError
from linter.lint import run
from linter.rules.registry import load_registry
from linter.sources.expressions import BudgetExceeded, Evaluator, ExpressionError, Scope

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 21, tzinfo=timezone.utc)
REGISTRY = load_registry()
SETTINGS = config.Settings()
# A fuzz campaign (fuzz/campaign.py) multiplies every test's examples.
SCALE = max(1, int(os.environ.get("GALLERYLINT_FUZZ_SCALE", "1") or 1))


def examples(n: int) -> int:
    return n * SCALE


COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                    HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**63, max_value=2**63)
    | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=40)

TYPES = ["Microsoft.Compute/galleries", "Microsoft.Compute/galleries/images",
         "Microsoft.Compute/galleries/images/versions", "Microsoft.Compute/virtualMachines",
         "Microsoft.Compute/virtualMachineScaleSets", "microsoft.compute/VIRTUALMACHINES"]
odd_text = st.one_of(st.text(max_size=20), st.sampled_from([
    "", " ", "\u202eevil\u202c", "名前", "2147483647.0.0", "2147483648.0.0", "-1.0.0",
    "1.0.0", "v1", "westeurope", "West Europe", "Standard_LRS", "TrustedLaunch", "Groups",
    "Community", "Shallow", "Failed", "latest"]))
odd_value = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**12, max_value=10**12),
                      st.floats(allow_nan=False, allow_infinity=False), odd_text,
                      st.lists(odd_text, max_size=3), st.dictionaries(odd_text, odd_text, max_size=3))


@st.composite
def arm_ids(draw):
    sub = draw(st.sampled_from(["00000000-0000-4000-8000-000000000001", "x", ""]))
    gallery = draw(st.sampled_from(["acg", "ACG", "g2"]))
    image = draw(st.sampled_from(["img", "IMG"]))
    version = draw(st.sampled_from(["1.0.0", "2147483647.0.0", "2147483648.0.0", "latest", "v"]))
    depth = draw(st.integers(0, 3))
    base = f"/subscriptions/{sub}/resourceGroups/rg/providers/Microsoft.Compute"
    return [f"{base}/virtualMachines/vm{draw(st.integers(0, 3))}",
            f"{base}/galleries/{gallery}", f"{base}/galleries/{gallery}/images/{image}",
            f"{base}/galleries/{gallery}/images/{image}/versions/{version}"][depth]


@st.composite
def odd_resources(draw):
    rid = draw(arm_ids())
    props = {
        "publishingProfile": draw(st.one_of(odd_value, st.fixed_dictionaries({
            "targetRegions": st.one_of(odd_value, st.lists(st.dictionaries(
                st.sampled_from(["name", "regionalReplicaCount", "storageAccountType",
                                 "excludeFromLatest", "additionalReplicaSets"]), odd_value,
                max_size=5), max_size=3)),
            "replicaCount": odd_value, "excludeFromLatest": odd_value,
            "endOfLifeDate": odd_value, "publishedDate": odd_value,
            "replicationMode": odd_value}))),
        "storageProfile": draw(st.one_of(odd_value, st.fixed_dictionaries({
            "imageReference": st.one_of(odd_value, st.fixed_dictionaries({
                "id": st.one_of(odd_value, arm_ids()), "exactVersion": odd_value})),
            "osDisk": odd_value, "osDiskImage": odd_value, "dataDiskImages": odd_value}))),
        "sharingProfile": draw(st.one_of(odd_value, st.fixed_dictionaries({
            "permissions": odd_value, "groups": odd_value}))),
        "features": draw(odd_value), "identifier": draw(odd_value),
        "securityProfile": draw(odd_value), "safetyProfile": draw(odd_value),
        "replicationStatus": draw(odd_value), "disallowed": draw(odd_value),
        "osState": draw(odd_value), "hyperVGeneration": draw(odd_value),
        "virtualMachineProfile": draw(odd_value), "virtualMachineScaleSet": draw(odd_value),
    }
    resource = {"id": rid, "name": draw(odd_text), "type": draw(st.sampled_from(TYPES)),
                "location": draw(odd_value), "tags": draw(odd_value),
                "sku": draw(odd_value), "properties": props}
    return {k: v for k, v in resource.items() if draw(st.booleans()) or k == "id"}


def lint_document(tmp_path: Path, document, name="input.json") -> None:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document),
                    encoding="utf-8")
    try:
        run([str(path)], SETTINGS, NOW, registry=REGISTRY)
    except InputError:
        pass  # a clear refusal is an allowed outcome; anything else fails the test


@settings(max_examples=examples(150), **COMMON)
@given(json_values)
def test_arbitrary_json(tmp_path, value):
    lint_document(tmp_path, value)


@settings(max_examples=examples(150), **COMMON)
@given(st.lists(odd_resources(), max_size=8))
def test_semantically_odd_azure_resources(tmp_path, resources):
    lint_document(tmp_path, {"value": resources})


@settings(max_examples=examples(60), **COMMON)
@given(st.lists(odd_resources(), max_size=4), st.lists(odd_resources(), max_size=4))
def test_duplicate_ids_across_files(tmp_path, first, second):
    (tmp_path / "a.json").write_text(json.dumps(first + second))
    (tmp_path / "b.json").write_text(json.dumps(second + first))
    try:
        run([str(tmp_path / "a.json"), str(tmp_path / "b.json")], SETTINGS, NOW,
            registry=REGISTRY)
    except InputError:
        pass


@settings(max_examples=examples(150), **COMMON)
@given(st.text(max_size=200))
def test_arbitrary_yaml_text(tmp_path, text):
    lint_document(tmp_path, text, name="input.yaml")


@settings(max_examples=examples(300), **COMMON)
@given(st.text(alphabet=st.sampled_from(list("abcPRMVpr()[]',.0123456789 _-{}")), max_size=60))
def test_template_expressions_never_crash(text):
    scope = Scope(subscription_id="s", resource_group="r")
    scope.declared_parameters = {"a", "p"}
    scope.parameters = {"p": "v"}
    scope.variables = {"v": "[parameters('p')]"}
    try:
        Evaluator(scope).value(f"[{text}]")
    except (ExpressionError, BudgetExceeded):  # a bound is exit 2 naming the template
        pass


@settings(max_examples=examples(80), **COMMON)
@given(st.lists(st.tuples(st.sampled_from(["name", "type", "location", "apiVersion",
                                           "properties", "copy", "condition", "resources"]),
                          st.one_of(odd_value, st.sampled_from([
                              "[parameters('x')]", "[concat(", "[copyIndex()]",
                              "[variables('v')]", "[resourceGroup().location]"]))),
                max_size=6))
def test_odd_templates(tmp_path, fields):
    resource = {"type": "Microsoft.Compute/galleries/images/versions", "name": "g/i/1.0.0"}
    resource.update(dict(fields))
    template = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                           "deploymentTemplate.json#", "parameters": {"x": {"type": "string"}},
                "variables": {"v": "[variables('v')]"}, "resources": [resource]}
    lint_document(tmp_path, template)


@settings(max_examples=examples(60), **COMMON)
@given(st.randoms(use_true_random=False))
def test_mutated_real_samples(tmp_path, rnd):
    source = random.Random(rnd.random()).choice(
        sorted((ROOT / "samples").rglob("*.json")))
    data = bytearray(source.read_bytes()[:20000])
    for _ in range(rnd.randint(1, 6)):
        data[rnd.randrange(len(data))] = rnd.choice(b'{}[]":,0123456789abc \n')
    (tmp_path / "mutated.json").write_bytes(bytes(data))
    try:
        run([str(tmp_path / "mutated.json")], SETTINGS, NOW, registry=REGISTRY)
    except InputError:
        pass


@settings(max_examples=examples(30), **COMMON)
@given(st.lists(odd_resources(), max_size=6), st.sampled_from(["\ud800", "\x00", "\u202e", "]("]))
def test_every_report_renders_odd_resources(tmp_path, resources, poison):
    for r in resources:
        r["name"] = f"{r.get('name', '')}{poison}"
    (tmp_path / "input.json").write_text(json.dumps({"value": resources}))
    import subprocess
    import sys
    result = subprocess.run(
        [sys.executable, "-m", "linter.cli", "lint", "input.json", "--format", "text",
         "--format", "json", "--output", "r.json", "--format", "sarif", "--output", "r.sarif",
         "--format", "markdown", "--output", "r.md"], cwd=tmp_path, capture_output=True,
        text=True, errors="replace", timeout=120)
    assert result.returncode in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr
    if result.returncode != 2:
        json.loads((tmp_path / "r.sarif").read_text())
        json.loads((tmp_path / "r.json").read_text())


@given(results=st.lists(json_values | st.dictionaries(
    st.sampled_from(["ruleId", "partialFingerprints", "locations", "properties", "message",
                     "level", "baselineState"]), json_values, max_size=7), max_size=8),
       run_extra=json_values)
@settings(max_examples=examples(150), **COMMON)
def test_a_baseline_of_any_shape_is_read_or_refused_never_a_crash(tmp_path_factory, results,
                                                                  run_extra):
    """SARIF baselines come from anywhere: any JSON under runs[].results is read as far as
    its types allow, or refused as InputError; never another exception."""
    from linter.baseline import apply_baseline
    path = tmp_path_factory.mktemp("baseline") / "b.sarif"
    path.write_text(json.dumps({"runs": [{"results": results}, run_extra]}))
    try:
        out = apply_baseline([], str(path))
    except InputError:
        return
    for f in out:
        assert f.baseline_state == "absent" and isinstance(f.resource_id, str)
        assert isinstance(f.line, int) and f.line >= 1


# Every field of every input form, given a value of every JSON type: a template, a plan,
# raw resources and a snapshot from the samples, one field replaced at a time.
FORMS = [ROOT / "samples" / "iac" / "classic" / "azuredeploy.json",
         ROOT / "samples" / "iac" / "bicep-modules" / "main.json",
         ROOT / "samples" / "iac" / "terraform" / "plan.json",
         ROOT / "samples" / "contoso" / "image-versions.json",
         ROOT / "samples" / "contoso" / "virtual-machines.json",
         ROOT / "samples" / "bodies" / "image-version.json",
         # catalog v3: AVD, Image Builder, managed images, ephemeral OS disks
         ROOT / "samples" / "contoso" / "catalog-v3.json",
         ROOT / "samples" / "contoso" / "deploy-v3.json",
         ROOT / "samples" / "contoso" / "pipelines" / "aib-win11.json"]
ONE_OF_EACH_TYPE = [None, True, 7, -1, 2.5, "", "text", [], [1, "x"], {}, {"a": [1]}]


def _field_paths(value, prefix=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _field_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value[:3]):  # the first few elements stand for the rest
            yield (*prefix, i)
            yield from _field_paths(item, (*prefix, i))


def _replaced(document, path, value):
    import copy
    out = copy.deepcopy(document)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


@settings(max_examples=examples(300), **COMMON)
@given(st.sampled_from([f for f in FORMS if f.exists()]), st.randoms(use_true_random=False),
       st.sampled_from(ONE_OF_EACH_TYPE))
def test_every_field_of_every_form_takes_any_json_type(tmp_path, form, rnd, value):
    from linter.sources.parsed import strip_comments
    text = form.read_text()
    document = json.loads(strip_comments(text) or text)
    paths = list(_field_paths(document))
    path = paths[rnd.randrange(len(paths))]
    lint_document(tmp_path, _replaced(document, path, value), name=form.name)


# Structure-level bombs (the fuzz campaign runs these with many more examples): chains of
# variables that each use the previous one several times, nested copies, chained
# arithmetic and nested deployments. Each run ends: findings, or exit 2 naming a bound.
@st.composite
def structural_bombs(draw):
    function = draw(st.sampled_from(["concat", "createArray", "union", "mul", "add",
                                     "format", "string", "json", "range"]))
    first = draw(st.sampled_from([3, "ab", ["x", "y"], {"a": 1}, 9223372036854775807]))
    links = draw(st.integers(1, 45))
    uses = draw(st.integers(1, 4))
    variables = {"v0": first}
    for i in range(1, links):
        args = ", ".join([f"variables('v{i - 1}')"] * uses)
        if function == "format":
            args = "'{0}{0}', " + f"variables('v{i - 1}')"
        elif function in ("string", "json"):
            args = f"variables('v{i - 1}')"
        elif function == "range":
            args = f"0, length(string(variables('v{i - 1}')))"
        variables[f"v{i}"] = f"[{function}({args})]"
    copies = draw(st.integers(0, 3))
    if copies:
        variables["c"] = {"copy": [{"name": "n", "count": draw(st.integers(0, 200_000)),
                                    "input": f"[variables('v{links - 1}')]"}]}
    resource = {"type": "Microsoft.Compute/galleries", "apiVersion": "2023-07-03",
                "name": "acg", "location": "westeurope",
                "tags": {"t": f"[string(variables('v{links - 1}'))]"}, "properties": {}}
    template = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                           "deploymentTemplate.json#", "contentVersion": "1.0.0.0",
                "variables": variables, "resources": [resource]}
    for _ in range(draw(st.integers(0, 40))):  # nested deployments around it
        template = {**{k: v for k, v in template.items() if k != "resources"}, "resources": [{
            "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
            "name": "inner", "properties": {"mode": "Incremental", "expressionEvaluationOptions":
                                            {"scope": "inner"}, "template": template}}]}
    return template


@settings(max_examples=examples(40), **COMMON)
@given(structural_bombs())
def test_structural_template_bombs_end_in_findings_or_a_named_bound(tmp_path, template):
    lint_document(tmp_path, template, name="bomb.json")
