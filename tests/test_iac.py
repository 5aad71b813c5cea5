"""ARM templates (classic and Bicep languageVersion 2.0) and Terraform plans:
evaluation, unknown values, same-plan references, and exact SARIF locations."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from builders import NOW
from linter.model import UNKNOWN
from linter.sources import load_paths
from linter.sources.expressions import Evaluator, ExpressionError, Scope

ROOT = Path(__file__).resolve().parent.parent
IAC = ROOT / "samples" / "iac"
SCOPE_RG_IMAGES = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-images"


def sarif_results(*args):
    result = subprocess.run(
        [sys.executable, "-m", "linter.cli", "lint", *args, "--now", "2026-11-21T00:00:00Z",
         "--format", "sarif", "--output", "-", "--source-root", str(ROOT)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["runs"][0]["results"]


def located(results, rule_id):
    return sorted({(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                    r["locations"][0]["physicalLocation"]["region"]["startLine"],
                    r["locations"][0]["physicalLocation"]["region"]["startColumn"])
                   for r in results if r["ruleId"] == rule_id})


def test_bicep_template_locations():
    results = sarif_results(str(IAC / "bicep" / "main.json"))
    uri = "samples/iac/bicep/main.json"
    assert located(results, "ACG501") == [(uri, 39, 11)]   # sharingProfile.permissions
    assert located(results, "ACG101") == [(uri, 81, 7)]    # the version's name
    assert located(results, "ACG602") == [(uri, 119, 15)]  # regionalReplicaCount
    assert located(results, "ACG702") == [(uri, 160, 13)]  # securityType


def test_classic_template_with_parameters_file_and_copy_loop():
    results = sarif_results(str(IAC / "classic"))
    uri = "samples/iac/classic/azuredeploy.json"
    assert located(results, "ACG601") == [(uri, 80, 23)]   # West Europe regionalReplicaCount
    assert located(results, "ACG204") == [(uri, 85, 23)]   # North Europe regionalReplicaCount
    acg401 = [r for r in results if r["ruleId"] == "ACG401"]
    assert len(acg401) == 25  # vmCount from the parameters file, one per copy
    assert located(results, "ACG401") == [(uri, 124, 15)]  # the VM's storageAccountType
    names = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].rsplit("/", 1)[1]
             for r in acg401}
    assert "batch-batch-worker-1" in names and "batch-batch-worker-25" in names


def test_terraform_plan_locations_and_same_plan_reference():
    results = sarif_results(str(IAC / "terraform" / "plan.json"), "--deployment-scope",
                            SCOPE_RG_IMAGES)
    uri = "samples/iac/terraform/plan.json"
    assert located(results, "ACG502") == [(uri, 29, 15)]   # sharing[0].permission
    assert located(results, "ACG601") == [(uri, 125, 15)]  # target_region[0].regional_replica_count
    assert located(results, "ACG101") == [(uri, 156, 11)]  # name
    assert (uri, 208, 15) in located(results, "ACG401")     # app[0] os_disk storage_account_type
    assert located(results, "ACG603") == [(uri, 1213, 11)]  # workers' location
    [acg601] = [r for r in results if r["ruleId"] == "ACG601"]
    assert acg601["properties"]["vms"] == 22  # resolved through configuration references
    assert not [r for r in results if r["ruleId"] == "ACG801"]


def test_plan_deletes_and_no_ops_are_not_linted(tmp_path):
    inventory = load_paths([str(IAC / "terraform" / "plan.json")])
    assert "old" not in {d.name for d in inventory.deployments}


def test_plan_unknown_values_are_quiet(tmp_path):
    plan = {"format_version": "1.2", "resource_changes": [{
        "address": "azurerm_linux_virtual_machine.x", "mode": "managed",
        "type": "azurerm_linux_virtual_machine", "name": "x",
        "change": {"actions": ["create"], "after": {"name": "x", "os_disk": [{}]},
                   "after_unknown": {"source_image_id": True, "location": True,
                                     "os_disk": [{"storage_account_type": True}]}}}]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    from linter import config
    from linter.lint import run
    from linter.rules.registry import load_registry
    result = run([str(path)], config.Settings(), NOW, registry=load_registry())
    assert result.findings == []
    assert result.inventory.unknown_values >= 3


def test_plan_of_unsupported_format_version_is_exit_2(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "2.0", "resource_changes": []}, indent=2))
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(path)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert f"{path}:2: Terraform plan JSON format '2.0' is not supported" in result.stderr
    assert "Terraform >=" not in result.stderr  # the hint names the format, not a version


def template(resources, parameters=None, variables=None):
    return {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                       "deploymentTemplate.json#", "contentVersion": "1.0.0.0",
            "parameters": parameters or {}, "variables": variables or {},
            "resources": resources}


@pytest.mark.parametrize("expression,message", [
    ("[concat('a', ]", "ends too early"),
    ("[parameters('nope')]", "declares no such parameter"),
    ("[variables('nope')]", "declares no such variable"),
    ("[concat('a' 'b')]", "expected"),
    ("[foo]", "must be called as a function"),
])
def test_malformed_template_expression_is_exit_2_with_line(tmp_path, expression, message):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template([{
        "type": "Microsoft.Compute/galleries", "apiVersion": "2024-03-03",
        "name": expression, "location": "westeurope"}]), indent=2))
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(path)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2, result.stderr
    assert f"{path}:10: template expression" in result.stderr and message in result.stderr


def evaluate(text, parameters=None, defaults=None, variables=None, copy_index=None):
    scope = Scope(subscription_id="sub1", resource_group="rg1")
    scope.declared_parameters = set((parameters or {}) | (defaults or {}))
    scope.parameters = parameters or {}
    scope.parameter_defaults = defaults or {}
    scope.variables = variables or {}
    scope.copy_index = copy_index
    return Evaluator(scope).value(text)


def test_expression_functions():
    assert evaluate("[parameters('g')]", parameters={"g": "acg"}) == "acg"
    assert evaluate("[parameters('G')]", defaults={"g": "[concat('a', 'b')]"}) == "ab"
    assert evaluate("[variables('v')]", variables={"v": "[toLower('ABC')]"}) == "abc"
    assert evaluate("[concat('a', 'b', 'c')]") == "abc"
    assert evaluate("[concat(createArray(1), createArray(2))]") == [1, 2]
    assert evaluate("[format('{0}/{1}/{2:D3}', 'g', 'i', 7)]") == "g/i/007"
    assert evaluate("[resourceId('Microsoft.Compute/galleries/images', 'g', 'i')]") == \
        "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Compute/galleries/g/images/i"
    assert evaluate("[resourceId('other-rg', 'Microsoft.Compute/galleries', 'g')]") == \
        "/subscriptions/sub1/resourceGroups/other-rg/providers/Microsoft.Compute/galleries/g"
    assert evaluate("[resourceId('s2', 'rg2', 'Microsoft.Compute/galleries', 'g')]") == \
        "/subscriptions/s2/resourceGroups/rg2/providers/Microsoft.Compute/galleries/g"
    assert evaluate("[resourceGroup().location]") is UNKNOWN
    assert evaluate("[resourceGroup().name]") == "rg1"
    assert evaluate("[subscription().subscriptionId]") == "sub1"
    assert evaluate("[concat('vm-', copyIndex(1))]", copy_index=4) == "vm-5"
    assert evaluate("[if(equals(parameters('e'), 'prod'), 3, 1)]", parameters={"e": "prod"}) == 3
    assert evaluate("[uniqueString(resourceGroup().id)]") is UNKNOWN
    assert evaluate("[reference('x').outputs.id]") is UNKNOWN
    assert evaluate("[[not an expression]") == "[not an expression]"
    assert evaluate("['it''s']") == "it's"


def test_a_declared_parameter_without_value_is_unknown():
    scope = Scope(subscription_id="s", resource_group="r")
    scope.declared_parameters = {"g"}
    assert Evaluator(scope).value("[parameters('g')]") is UNKNOWN
    assert scope.unknown_count == 1


def test_expression_errors_raise():
    for bad in ("[concat(]", "[)]", "['unterminated]", "[1 2]"):
        with pytest.raises(ExpressionError):
            evaluate(bad)


def test_unknown_values_stay_quiet_and_are_counted(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template([{
        "type": "Microsoft.Compute/virtualMachines", "apiVersion": "2024-07-01",
        "name": "vm1", "location": "[resourceGroup().location]",
        "properties": {"storageProfile": {
            "imageReference": {"id": "[parameters('imageId')]"},
            "osDisk": {"managedDisk": {"storageAccountType": "[parameters('disk')]"}}}}}],
        parameters={"imageId": {"type": "string"}, "disk": {"type": "string"}}), indent=2))
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(path), "--now",
                             "2026-11-21T00:00:00Z"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout
    assert "3 value(s) could not be evaluated (unknown)" in result.stdout


def test_template_merges_with_live_inventory(tmp_path):
    """A new scale set is checked against the live replicas it will use."""
    live = ROOT / "samples" / "contoso" / "image-versions.json"
    version = ("/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-images/"
               "providers/Microsoft.Compute/galleries/contoso_prod/images/win2022-iis/"
               "versions/2.0.1")
    path = tmp_path / "vmss.json"
    path.write_text(json.dumps(template([{
        "type": "Microsoft.Compute/virtualMachineScaleSets", "apiVersion": "2024-07-01",
        "name": "new-iis", "location": "eastus",
        "sku": {"name": "Standard_D2s_v5", "capacity": 5},
        "properties": {"virtualMachineProfile": {"storageProfile": {
            "imageReference": {"id": version}}}}}]), indent=2))
    live_files = [str(live.with_name(n)) for n in
                  ("galleries.json", "image-definitions.json", "image-versions.json")]
    results = sarif_results(*live_files, str(path), "--rules", "ACG603")
    [r] = results
    assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("vmss.json")


def test_existing_and_false_condition_resources_are_not_created(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template([
        {"type": "Microsoft.Compute/galleries", "apiVersion": "2024-03-03", "name": "old",
         "existing": True},
        {"type": "Microsoft.Compute/galleries", "apiVersion": "2024-03-03", "name": "maybe",
         "condition": "[equals('a', 'b')]", "location": "westeurope"},
        {"type": "Microsoft.Compute/galleries", "apiVersion": "2024-03-03", "name": "yes",
         "condition": "[equals('a', 'a')]", "location": "westeurope"}]), indent=2))
    inventory = load_paths([str(path)])
    assert [g.name for g in inventory.galleries] == ["yes"]


def test_default_storage_type_follows_the_api_version(tmp_path):
    def version(api):
        return {"type": "Microsoft.Compute/galleries/images/versions", "apiVersion": api,
                "name": f"g/i/1.0.{api[:4]}", "location": "westeurope",
                "properties": {"publishingProfile": {"targetRegions": [{"name": "westeurope"}]}}}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template([version("2024-03-03"), version("2025-03-03")]),
                               indent=2))
    results = sarif_results(str(path), "--rules", "ACG402")
    assert results == []  # no zone-redundant regions configured
    (tmp_path / ".gallerylint.yaml").write_text("storage:\n  zone_redundant_regions: [westeurope]\n")
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(path), "--rules",
                             "ACG402", "--format", "json", "--output", "-"],
                            capture_output=True, text=True, cwd=tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert [f["resourceId"].rsplit("/", 1)[1] for f in findings] == ["1.0.2024"]


def test_bicep_module_sample_is_read_at_its_lines():
    from linter.sources import load_paths
    inv = load_paths([str(IAC / "bicep-modules" / "main.json")])
    assert [d.name for d in inv.definitions] == ["img-web", "img-batch"]
    # Both definitions come from the module's one resource, at its line in this file.
    assert {d.source.line for d in inv.definitions} == {51}
    assert all(d.gallery_id.endswith("/galleries/acg_modules") for d in inv.definitions)
    results = sarif_results(str(IAC / "bicep-modules" / "main.json"))
    assert len([r for r in results if r["ruleId"] == "ACG503"]) == 2
    assert located(results, "ACG501") == [("samples/iac/bicep-modules/main.json", 27, 41)]


def test_single_body_sample():
    results = sarif_results(str(ROOT / "samples" / "bodies" / "image-version.json"))
    assert sorted(r["ruleId"] for r in results) == ["ACG101", "ACG608"]


def test_walking_a_folder_skips_what_is_not_ours_but_not_broken_azure(tmp_path):
    (tmp_path / "tsconfig.json").write_text('{\n  // comments of another tool\n  "a": 1,\n}\n')
    (tmp_path / "chart.yaml").write_text("{{ .Values.x }}: [\n")
    (tmp_path / "g.json").write_text(json.dumps({"value": [{
        "id": "/subscriptions/00000000-0000-4000-8000-00000000000a/resourceGroups/rg/providers/"
              "Microsoft.Compute/galleries/g1", "type": "Microsoft.Compute/galleries",
        "location": "westeurope", "properties": {}}]}))
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "skipped 2 file(s) that do not parse" in result.stdout
    assert "tsconfig.json" in result.stdout and "chart.yaml" in result.stdout
    (tmp_path / "broken.json").write_text('{"value": [{"type": "Microsoft.Compute/galleries",')
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2 and "broken.json" in result.stderr
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint",
                             str(tmp_path / "tsconfig.json")],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2  # named explicitly: any unreadable file is an error


def test_two_templates_defining_the_same_id_are_named(tmp_path):
    doc = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                      "deploymentTemplate.json#", "contentVersion": "1.0.0.0",
           "resources": [{"type": "Microsoft.Compute/galleries", "apiVersion": "2024-03-03",
                          "name": "same", "location": "westeurope", "properties": {}}]}
    (tmp_path / "a.json").write_text(json.dumps(doc))
    (tmp_path / "b.json").write_text(json.dumps(doc))
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "galleries/same is defined in" in result.stdout and "a.json" in result.stdout


def test_templates_and_parameters_files_with_comments(tmp_path):
    doc = ('{\n  // a comment\n  "$schema": "https://schema.management.azure.com/schemas/'
           '2019-04-01/deploymentTemplate.json#",\n  "contentVersion": "1.0.0.0",\n'
           '  "parameters": {"p": {"type": "string"}},\n  /* block */\n  "resources": [{"type":'
           ' "Microsoft.Compute/galleries", "apiVersion": "2024-03-03", "name": "g", '
           '"location": "westeurope", "properties": {"sharingProfile": {"permissions": '
           '"[parameters(\'p\')]"}}}]\n}\n')
    (tmp_path / "t.json").write_text(doc)
    (tmp_path / "t.parameters.json").write_text(
        '{\n  // the value\n  "parameters": {"p": {"value": "Community"}}\n}\n')
    results = sarif_results(str(tmp_path / "t.json"))
    assert [r["ruleId"] for r in results if r["ruleId"] == "ACG501"] == ["ACG501"]


def test_a_module_parameter_given_as_one_conditional_expression_is_evaluated(tmp_path):
    """Bicep writes an optional module parameter as one expression for the whole entry:
    [if(cond, createObject('value', X), createObject('value', Y))], and the same through
    union() and coalesce(); its value reaches the module's resources."""
    import json as _json
    child = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                   "deploymentTemplate.json#", "contentVersion": "1.0.0.0",
        "parameters": {"hyperVGeneration": {"type": "string"}, "osType": {"type": "string"},
                       "name": {"type": "string"}},
        "resources": [{"type": "Microsoft.Compute/galleries/images", "apiVersion": "2023-07-03",
                       "name": "[format('acg/{0}', parameters('name'))]",
                       "location": "westeurope",
                       "properties": {"osType": "[parameters('osType')]", "osState": "Generalized",
                                      "hyperVGeneration": "[parameters('hyperVGeneration')]",
                                      "identifier": {"publisher": "p", "offer": "o",
                                                     "sku": "[parameters('name')]"}}}]}

    def module(name, entry):
        return {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
                "name": name, "properties": {
                    "mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
                    "template": child,
                    "parameters": {"name": {"value": name}, "osType": {"value": "Linux"},
                                   "hyperVGeneration": entry}}}
    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                   "deploymentTemplate.json#", "contentVersion": "1.0.0.0",
        "parameters": {"gen": {"type": "string", "defaultValue": ""}},
        "resources": [
            module("by-if", "[if(empty(parameters('gen')), createObject('value', 'V1'), "
                            "createObject('value', parameters('gen')))]"),
            module("by-union", "[union(createObject(), createObject('value', 'V1'))]"),
            module("by-coalesce", "[coalesce(null(), createObject('value', 'V1'))]"),
            module("unknown", "[if(equals(utcNow(), 'x'), createObject('value', 'V2'), "
                              "createObject('value', 'V1'))]"),
        ]}
    path = tmp_path / "main.json"
    path.write_text(_json.dumps(template))
    from linter.sources import load_paths
    generations = {d.name: d.properties.get("hyperVGeneration")
                   for d in load_paths([str(path)]).definitions}
    assert generations["by-if"] == generations["by-union"] == generations["by-coalesce"] == "V1"
    from linter.model import UNKNOWN
    assert generations["unknown"] is UNKNOWN
