"""Packer templates into planned versions (rules.md, "Pipelines", "Planned versions" and
"Packer templates", v3): HCL2, its JSON syntax and legacy JSON; what the version rules
say about what a pipeline will publish, located on the Packer argument."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from linter.errors import InputError
from linter.model import UNKNOWN
from linter.sources import load_paths

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "packer"
NOW = "2026-12-01T00:00:00Z"
SUB = "11111111-1111-4111-8111-111111111111"
DEFINITION = (f"/subscriptions/{SUB}/resourceGroups/rg-images/providers/Microsoft.Compute/"
              "galleries/acg_prod/images/ubuntu-2204")

HCL = """
variable "gallery" {
  type    = string
  default = "acg_dev"
}
variable "version" {
  default = "1.0.0"
}
locals {
  regions = ["westeurope", "northeurope"]
}
source "azure-arm" "ubuntu" {
  subscription_id = "%(sub)s"
  location        = "West Europe"
  os_type         = "Linux"
  image_publisher = "Canonical"
  image_offer     = "0001-com-ubuntu-server-jammy"
  image_sku       = "22_04-lts-gen2"
  shared_image_gallery_destination {
    resource_group = "rg-images"
    gallery_name   = var.gallery
    image_name     = "ubuntu-2204"
    image_version  = var.version
    dynamic "target_region" {
      for_each = local.regions
      content {
        name     = target_region.value
        replicas = 0
      }
    }
  }
  azure_tags = { owner = "platform" }
}
build {
  sources = ["source.azure-arm.ubuntu"]
}
""" % {"sub": SUB}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def lint(*args, cwd=ROOT):
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", *args, "--now", NOW,
                             "-f", "json", "-o", "-"], capture_output=True, text=True,
                            cwd=cwd, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_an_hcl_pipeline_is_a_planned_version_with_what_it_carries(tmp_path):
    write(tmp_path, {"ubuntu.pkr.hcl": HCL,
                     "prod.auto.pkrvars.hcl": 'gallery = "acg_prod"\nversion = "1.2.0"\n'})
    inventory = load_paths([str(tmp_path)])
    [planned] = inventory.planned
    assert planned.definition_id == DEFINITION and planned.name == "1.2.0"
    assert planned.location == "westeurope" and planned.tags == {"owner": "platform"}
    assert planned.pipeline.endswith("ubuntu.pkr.hcl#source.azure-arm.ubuntu")
    assert [(r.name, r.regional_replica_count) for r in planned.target_regions] == [
        ("westeurope", 1), ("northeurope", 1)]  # replicas 0 is 1, as Packer clamps it
    assert inventory.versions == [] and inventory.resource_count == 1


def test_findings_on_a_planned_version_sit_on_the_packer_argument(tmp_path):
    folder = write(tmp_path / "p", {"ubuntu.pkr.hcl": HCL.replace(
        'default = "1.0.0"', 'default = "1.0.0-rc1"')})
    doc = lint(str(folder))
    [finding] = [f for f in doc["findings"] if f["ruleId"] == "ACG101"]
    assert finding["resourceId"].endswith("/galleries/acg_dev/images/ubuntu-2204")
    assert finding["properties"]["plannedVersion"] == "1.0.0-rc1"
    assert finding["properties"]["pipeline"].endswith("#source.azure-arm.ubuntu")
    assert "planned by packer:" in finding["message"]
    line = (folder / "ubuntu.pkr.hcl").read_text().splitlines()[finding["location"]["startLine"]
                                                                   - 1]
    assert line.strip().startswith("variable \"version\"") or "image_version" in line


def test_two_pipelines_into_one_definition_keep_two_findings(tmp_path):
    two = HCL.replace('default = "1.0.0"', 'default = "x"') + """
source "azure-arm" "other" {
  subscription_id = "%s"
  location        = "westeurope"
  os_type         = "Linux"
  shared_image_gallery_destination {
    resource_group = "rg-images"
    gallery_name   = "acg_dev"
    image_name     = "ubuntu-2204"
    image_version  = "y"
  }
}
build {
  sources = ["source.azure-arm.other"]
}
""" % SUB
    folder = write(tmp_path / "two", {"both.pkr.hcl": two})
    doc = lint(str(folder))
    acg101 = [f for f in doc["findings"] if f["ruleId"] == "ACG101"]
    assert len(acg101) == 2 and len({f["fingerprint"] for f in acg101}) == 2
    assert len({f["resourceId"] for f in acg101}) == 1


def test_the_target_definition_without_a_subscription_is_found_in_the_run(tmp_path):
    """No subscription on the destination or source: the one definition of the run with
    that resource group, gallery and name is the target; it has no end of life, and the
    planned version none either (ACG303)."""
    hcl = HCL.replace(f'subscription_id = "{SUB}"', "").replace('default = "acg_dev"',
                                                                 'default = "acg_prod"')
    folder = write(tmp_path / "p", {"ubuntu.pkr.hcl": hcl})
    definition = {"id": DEFINITION, "name": "ubuntu-2204", "location": "westeurope",
                  "type": "Microsoft.Compute/galleries/images",
                  "properties": {"osType": "Linux", "osState": "Generalized",
                                 "hyperVGeneration": "V2",
                                 "identifier": {"publisher": "p", "offer": "o", "sku": "s"}}}
    (tmp_path / "live.json").write_text(json.dumps([definition]))
    doc = lint(str(folder), str(tmp_path / "live.json"))
    planned = [f for f in doc["findings"] if f["ruleId"] == "ACG303"
               and f["properties"].get("pipeline")]
    assert len(planned) == 1 and planned[0]["resourceId"] == DEFINITION


def test_legacy_json_and_hcl_json_syntax(tmp_path):
    legacy = {"variables": {"gallery": "acg_dev", "v": "2.0"},
              "builders": [{"type": "azure-arm", "subscription_id": SUB,
                            "location": "westeurope", "os_type": "Linux",
                            "shared_image_gallery_destination": {
                                "resource_group": "rg", "gallery_name": "{{user `gallery`}}",
                                "image_name": "img", "image_version": "{{user `v`}}",
                                "replication_regions": ["northeurope"]}},
                           {"type": "amazon-ebs"}]}
    (tmp_path / "legacy.json").write_text(json.dumps(legacy, indent=2))
    [planned] = load_paths([str(tmp_path / "legacy.json")]).planned
    assert planned.name == "2.0" and "/galleries/acg_dev/images/img" in planned.definition_id
    assert sorted(r.name for r in planned.target_regions) == ["northeurope", "westeurope"]
    assert planned.pipeline.endswith("legacy.json#builders.azure-arm")
    hcl_json = {"variable": {"v": {"default": "3.0.0"}},
                "source": {"azure-arm": {"img": {
                    "subscription_id": SUB, "location": "westeurope", "os_type": "Linux",
                    "shared_image_gallery_destination": {
                        "resource_group": "rg", "gallery_name": "g", "image_name": "i",
                        "image_version": "${var.v}"}}}},
                "build": {"sources": ["source.azure-arm.img"]}}
    (tmp_path / "img.pkr.json").write_text(json.dumps(hcl_json))
    [planned] = load_paths([str(tmp_path / "img.pkr.json")]).planned
    assert planned.name == "3.0.0"


def test_an_argument_set_twice_is_unknown_and_a_source_no_build_names_is_not_read(tmp_path):
    hcl = HCL.replace("""build {
  sources = ["source.azure-arm.ubuntu"]
}""", """build {
  source "source.azure-arm.ubuntu" {
    location = "northeurope"
  }
}
source "azure-arm" "unused" {
  location = "westeurope"
  shared_image_gallery_destination {
    resource_group = "rg"
    gallery_name   = "g"
    image_name     = "i"
    image_version  = "9.9.9"
  }
}""")
    [planned] = load_paths([str(write(tmp_path, {"a.pkr.hcl": hcl}))]).planned
    assert planned.location is UNKNOWN  # set in the source and in the build's nested block


def test_a_packer_file_that_does_not_parse_is_exit_2_with_its_line(tmp_path):
    write(tmp_path, {"broken.pkr.hcl": 'source "azure-arm" "x" {\n  location = \n}\n'})
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 2 and "broken.pkr.hcl:2" in result.stderr
    assert "Packer template does not parse" in result.stderr and "packer validate" in \
        result.stderr
    with pytest.raises(InputError):
        load_paths([str(tmp_path)])


@pytest.mark.parametrize("rel", ["packer-plugin-azure/windows_custom_image",
                                 "packer-plugin-azure/ubuntu_managed_image_sig.json",
                                 "packer-plugin-azure/testdata/arm_linux_specialized.pkr.hcl",
                                 "packer-plugin-azure/testdata/child_from_specialized_parent.pkr.hcl",
                                 "packer-plugin-azure/testdata/windows_sig.pkr.hcl"])
def test_real_packer_templates_are_read(rel):
    """HashiCorp's own examples (tests/corpus/SOURCES.md): each gallery pipeline is read."""
    inventory = load_paths([str(CORPUS / rel)])
    assert len(inventory.planned) == 1, rel
    planned = inventory.planned[0]
    assert planned.pipeline.startswith("packer:")
    doc = lint(str(CORPUS / rel))
    assert not [f for f in doc["findings"] if f["ruleId"] == "ACG604"], doc["findings"]


def test_a_var_file_applies_after_the_auto_loaded_pkrvars(tmp_path):
    write(tmp_path / "p", {"ubuntu.pkr.hcl": HCL,
                           "a.auto.pkrvars.hcl": 'version = "1.1.0"\n'})
    write(tmp_path / "v", {"release.pkrvars.hcl": 'version = "2.0.0"\n'})
    [planned] = load_paths([str(tmp_path / "p")],
                           var_files=[str(tmp_path / "v" / "release.pkrvars.hcl")]).planned
    assert planned.name == "2.0.0"


def test_files_that_declare_the_same_source_are_each_their_own_configuration(tmp_path):
    """Two templates in one folder, each a complete configuration with the same source
    name (Packer refuses them together): each is read alone, and both pipelines count."""
    other = HCL.replace('default = "1.0.0"', 'default = "2.0.0"')
    [first, second] = sorted(load_paths([str(write(tmp_path, {
        "a.pkr.hcl": HCL, "b.pkr.hcl": other}))]).planned, key=lambda p: p.name)
    assert (first.name, second.name) == ("1.0.0", "2.0.0")
    assert first.pipeline.endswith("a.pkr.hcl#source.azure-arm.ubuntu")
    assert second.pipeline.endswith("b.pkr.hcl#source.azure-arm.ubuntu")


def test_replica_limits_and_zone_redundancy_judge_planned_versions(tmp_path):
    """ACG204 and ACG402 judge what a pipeline will publish (rules.md v3)."""
    hcl = HCL.replace("replicas = 0", "replicas = 60")
    folder = write(tmp_path / "p", {"ubuntu.pkr.hcl": hcl,
                                    ".gallerylint.yaml": "storage:\n  zone_redundant_regions: "
                                                         "[westeurope]\n"})
    doc = lint(str(folder), cwd=folder)
    rules = [f["ruleId"] for f in doc["findings"] if f["properties"].get("pipeline")]
    assert rules.count("ACG204") >= 2  # 60 per region, 120 over the version
    assert "ACG402" in rules  # Standard_LRS where replicas must be zone-redundant


def test_a_packer_build_location_other_than_the_gallery_s_is_acg105(tmp_path):
    folder = write(tmp_path / "p", {"ubuntu.pkr.hcl": HCL})  # builds in West Europe
    gallery = {"id": DEFINITION.split("/images/")[0].replace("acg_prod", "acg_dev"),
               "name": "acg_dev", "type": "Microsoft.Compute/galleries",
               "location": "northeurope", "properties": {}}
    (tmp_path / "live.json").write_text(json.dumps([gallery]))
    doc = lint(str(folder), str(tmp_path / "live.json"))
    [finding] = [f for f in doc["findings"] if f["ruleId"] == "ACG105"]
    assert "build location" in finding["message"] and finding["properties"]["pipeline"]
    assert "westeurope" in finding["message"] and "northeurope" in finding["message"]


def test_an_encrypted_planned_version_into_a_shared_gallery_is_acg505(tmp_path):
    hcl = HCL.replace("""      content {
        name     = target_region.value
        replicas = 0
      }""", """      content {
        name                   = target_region.value
        replicas               = 1
        disk_encryption_set_id = "/subscriptions/%s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des"
      }""" % SUB)
    folder = write(tmp_path / "p", {"ubuntu.pkr.hcl": hcl})
    gallery = {"id": DEFINITION.split("/images/")[0].replace("acg_prod", "acg_dev"),
               "name": "acg_dev", "type": "Microsoft.Compute/galleries",
               "location": "westeurope",
               "properties": {"sharingProfile": {"permissions": "Community"}}}
    (tmp_path / "live.json").write_text(json.dumps([gallery]))
    doc = lint(str(folder), str(tmp_path / "live.json"))
    assert [f["ruleId"] for f in doc["findings"]
            if f["properties"].get("pipeline")].count("ACG505") == 1


def test_a_planned_version_encrypted_in_one_region_only_is_acg404(tmp_path):
    hcl = HCL.replace("""    dynamic "target_region" {
      for_each = local.regions
      content {
        name     = target_region.value
        replicas = 0
      }
    }""", """    target_region {
      name                   = "westeurope"
      disk_encryption_set_id = "/subscriptions/%s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des"
    }
    target_region {
      name = "northeurope"
    }""" % SUB)
    doc = lint(str(write(tmp_path / "p", {"ubuntu.pkr.hcl": hcl})))
    [finding] = [f for f in doc["findings"] if f["ruleId"] == "ACG404"]
    assert finding["message"].startswith("(a) OS disk encryption set in westeurope but none "
                                         "in northeurope")


def test_a_pkrvars_json_that_is_not_an_object_is_exit_2(tmp_path):
    write(tmp_path, {"ubuntu.pkr.hcl": HCL, "x.auto.pkrvars.json": "[1, 2]"})
    with pytest.raises(InputError, match="Packer variables file is not a JSON object"):
        load_paths([str(tmp_path)])
