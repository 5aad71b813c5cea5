"""Real documents from public projects and real Azure (`../shared/corpus/real`, see its
SOURCES.md): every valid one is read, every one Azure rejects is refused with one line.
The corpus is not part of a user's clone: without it these tests skip."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from linter.errors import InputError
from linter.sources import load_paths

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "real"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="no ../shared/corpus/real here")

# Files that hold no gallery resource, VM or scale set (so load none).
HOLD_NONE = {"quickstart-templates/2021/101-sig-image-definition-create/prereqs/"
             "prereq.azuredeploy.json",
             "terraform-plans/checkov.plan_with_resource_reference.tfplan_extra_ref.json"}


def corpus_files(refused: bool) -> list[str]:
    if not CORPUS.is_dir():
        return []
    out = []
    for p in sorted(CORPUS.rglob("*.json")):
        rel = p.relative_to(CORPUS).as_posix()
        if p.name.endswith(".parameters.json"):
            continue
        if rel.startswith("refused-by-design/") == refused:
            out.append(rel)
    return out


@pytest.mark.parametrize("rel", corpus_files(False))
def test_valid_documents_are_read(rel):
    inventory = load_paths([str(CORPUS / rel)])
    if rel in HOLD_NONE:
        assert inventory.resource_count == 0
    else:
        assert inventory.resource_count > 0, rel


@pytest.mark.parametrize("rel", corpus_files(True))
def test_refused_documents_exit_2_with_one_line(rel):
    with pytest.raises(InputError):
        load_paths([str(CORPUS / rel)])
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(CORPUS / rel)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2, result.stdout
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def lint(*rels, now="2026-12-01T00:00:00Z"):
    result = subprocess.run(
        [sys.executable, "-m", "linter.cli", "lint", *(str(CORPUS / r) for r in rels),
         "--now", now, "--format", "json", "--output", "-"],
        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def test_vm_from_gallery_quickstart_reports_its_unresolvable_pinned_version():
    findings = lint("quickstart-templates/2021/101-vm-from-sig/azuredeploy.json")
    [f] = [f for f in findings if f["ruleId"] == "ACG801"]
    # The VM's name is uniqueString()-based: a stable placeholder.
    assert f["resourceId"].rsplit("/", 1)[-1].startswith("unknown-")
    assert f == [g for g in lint("quickstart-templates/2021/101-vm-from-sig/azuredeploy.json")
                 if g["ruleId"] == "ACG801"][0]


def test_bicep_modules_are_read_at_their_lines():
    inventory = load_paths([str(CORPUS / "bicep-registry-modules/gallery-max-nocomments/main.json")])
    assert len(inventory.galleries) == 1 and len(inventory.definitions) == 6
    # The six definitions come from one resource of a module (a copy loop in the
    # nested template): each is located on that resource's object in this file.
    [line] = {d.source.line for d in inventory.definitions}
    text = (CORPUS / "bicep-registry-modules/gallery-max-nocomments/main.json").read_text()
    assert text.splitlines()[line - 1].strip() == '"image": {'
    assert line > inventory.galleries[0].source.line


def test_rest_example_without_type_takes_it_from_the_id():
    inventory = load_paths([str(CORPUS / "rest-api-specs/GalleryImageVersion_Get.2025-03-03.json")])
    assert len(inventory.versions) == 1 and inventory.versions[0].name == "1.0.0"


def test_features_starts_at_version_estate():
    findings = lint("rest-api-specs/normalised/estate-features-startsAtVersion.json")
    # The VM is Standard on 1.0.0; TrustedLaunch starts at 2.0.0: nothing to say.
    assert not [f for f in findings if f["ruleId"] == "ACG702"]
