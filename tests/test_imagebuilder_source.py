"""Azure Image Builder templates into planned versions (rules.md v3): each SharedImage
distributor, in a template, a single body (the flattened `az image builder show` one
too), a Resource Graph row, and the bodies people write for `az resource create`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from linter.sources import load_paths

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "imagebuilder"
NOW = "2026-12-01T00:00:00Z"
DEF = ("/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-images/"
       "providers/Microsoft.Compute/galleries/acg/images/ubuntu")
AIB_ID = ("/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-aib/"
          "providers/Microsoft.VirtualMachineImages/imageTemplates/ubuntu-nightly")


def properties(version="1.0.0-beta"):
    return {"buildTimeoutInMinutes": 80,
            "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "o",
                       "sku": "s", "version": "latest"},
            "distribute": [
                {"type": "ManagedImage", "imageId": "/subscriptions/x/resourceGroups/r/"
                 "providers/Microsoft.Compute/images/i", "runOutputName": "mi",
                 "location": "westeurope"},
                {"type": "SharedImage", "galleryImageId": f"{DEF}/versions/{version}",
                 "runOutputName": "sig", "artifactTags": {"owner": "platform"},
                 "targetRegions": [{"name": "westeurope", "replicaCount": 2},
                                   {"name": "West Europe"}]}]}


def lint(path):
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(path), "--now",
                             NOW, "-f", "json", "-o", "-"], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_a_template_s_shared_image_distributor_is_a_planned_version(tmp_path):
    template = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                           "deploymentTemplate.json#", "contentVersion": "1.0.0.0",
                "resources": [{"type": "Microsoft.VirtualMachineImages/imageTemplates",
                               "apiVersion": "2024-02-01", "name": "ubuntu-nightly",
                               "location": "westeurope", "properties": properties()}]}
    path = tmp_path / "aib.json"
    path.write_text(json.dumps(template, indent=2))
    [planned] = load_paths([str(path)]).planned
    assert planned.definition_id == DEF and planned.name == "1.0.0-beta"
    assert planned.tags == {"owner": "platform"}
    assert planned.pipeline.endswith("/imageTemplates/ubuntu-nightly")
    doc = lint(path)
    rules = {f["ruleId"]: f for f in doc["findings"]}
    assert {"ACG101", "ACG608"} <= set(rules)
    lines = path.read_text().splitlines()
    assert "galleryImageId" in lines[rules["ACG101"]["location"]["startLine"] - 1]
    assert rules["ACG101"]["resourceId"] == DEF
    assert rules["ACG101"]["properties"]["pipeline"].endswith("ubuntu-nightly")


@pytest.mark.parametrize("shape", ["show", "list", "graph", "body"])
def test_every_form_that_carries_the_template_reads_it(tmp_path, shape):
    if shape == "show":  # az image builder show: the properties at the top level
        doc = {"id": AIB_ID, "name": "ubuntu-nightly", "location": "westeurope",
               "type": "Microsoft.VirtualMachineImages/imageTemplates", **properties("1.2.0"),
               "provisioningState": "Succeeded"}
    elif shape == "list":
        doc = [{"id": AIB_ID, "name": "ubuntu-nightly", "location": "westeurope",
                "type": "Microsoft.VirtualMachineImages/imageTemplates",
                **properties("1.2.0")}]
    elif shape == "graph":
        doc = {"data": [{"id": AIB_ID, "name": "ubuntu-nightly", "location": "westeurope",
                         "type": "microsoft.virtualmachineimages/imagetemplates",
                         "properties": properties("1.2.0")}]}
    else:  # the body people write for az resource create, without an ID
        doc = {"type": "Microsoft.VirtualMachineImages", "apiVersion": "2022-02-14",
               "location": "westeurope", "properties": properties("1.2.0")}
    path = tmp_path / f"{shape}.json"
    path.write_text(json.dumps(doc))
    [planned] = load_paths([str(path)]).planned
    assert planned.name == "1.2.0" and planned.definition_id == DEF


@pytest.mark.parametrize("name", ["helloImageTemplateforSIG.json", "armTemplateWinSIG.json",
                                  "helloImageTemplateforSIGfromSIG.json",
                                  "armTemplateWVD.json"])
def test_real_image_builder_templates_are_read(name):
    """Azure/azvmimagebuilder's quickstarts (tests/corpus/SOURCES.md)."""
    inventory = load_paths([str(CORPUS / "azvmimagebuilder" / name)])
    assert len(inventory.planned) >= 1


def test_an_image_builder_version_takes_its_definition_s_location_and_cannot_have_an_end_of_life(
        tmp_path):
    """rules.md: AIB takes the version's location from its definition (so ACG604 can judge
    its regions), and ACG303 says AIB cannot set an end of life on what it creates."""
    definition = {"id": DEF, "name": "ubuntu", "location": "northeurope",
                  "type": "Microsoft.Compute/galleries/images",
                  "properties": {"osType": "Linux", "osState": "Generalized",
                                 "hyperVGeneration": "V2",
                                 "identifier": {"publisher": "p", "offer": "o", "sku": "s"}}}
    template = {"id": AIB_ID, "name": "ubuntu-nightly", "location": "westeurope",
                "type": "Microsoft.VirtualMachineImages/imageTemplates",
                "properties": properties("1.2.0")}
    path = tmp_path / "both.json"
    path.write_text(json.dumps([definition, template]))
    doc = lint(path)
    rules = {f["ruleId"]: f for f in doc["findings"] if f["properties"].get("pipeline")}
    assert "Image Builder cannot set one" in rules["ACG303"]["message"]
    assert "northeurope" in rules["ACG604"]["message"]  # not among westeurope's targets


def test_a_distributor_naming_only_the_definition_targets_that_definition(tmp_path):
    """AIB names the version itself: the planned version has no name and its target is
    the definition the distributor names (it was lost once, with an empty version name)."""
    props = properties()
    props["distribute"][1]["galleryImageId"] = DEF
    path = tmp_path / "aib.json"
    path.write_text(json.dumps({"id": AIB_ID, "type": "Microsoft.VirtualMachineImages/"
                                "imageTemplates", "location": "westeurope",
                                "properties": props}))
    [planned] = load_paths([str(path)]).planned
    assert planned.definition_id == DEF and planned.name == ""
