"""SARIF: the 2.1.0 JSON schema and Microsoft's validator with GitHub's rules."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools" / "sarif-multitool"
NOW = "2026-11-21T00:00:00Z"


@pytest.fixture(scope="session")
def multitool() -> Path:
    """Install @microsoft/sarif-multitool from npm into .tools/ (once) and return the binary."""
    binary = TOOLS / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            if os.environ.get("CI"):
                pytest.fail("npm is needed to install @microsoft/sarif-multitool")
            pytest.skip("npm is not on PATH: cannot install @microsoft/sarif-multitool")
        TOOLS.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(TOOLS),
             "@microsoft/sarif-multitool"], capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-2000:]
    binary.chmod(0o755)  # npm may not have run the package's postinstall chmod
    return binary


@pytest.fixture(scope="session")
def sample_sarif(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sarif") / "contoso.sarif"
    result = subprocess.run(
        [sys.executable, "-m", "linter.cli", "lint", "samples/contoso/", "--config",
         "samples/contoso/.gallerylint.yaml", "--now", NOW, "--format", "sarif", "--output",
         str(out), "--source-root", str(ROOT)], cwd=ROOT, capture_output=True, text=True,
        timeout=300)
    assert result.returncode == 1, result.stderr
    return out


def validate(multitool: Path, sarif: Path, tmp_path: Path) -> list[dict]:
    log = tmp_path / "validation.sarif"
    result = subprocess.run([str(multitool), "validate", "--rule-kind", "Gh;Sarif",
                             "--output", str(log), str(sarif)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(log.read_text(encoding="utf-8-sig"))
    return [r for run in data["runs"] for r in run.get("results", [])]


def test_sample_sarif_matches_the_sarif_schema(multitool, sample_sarif):
    import jsonschema
    schema = json.loads((multitool.parent / "sarif-2.1.0.json").read_text(encoding="utf-8-sig"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [e.message for e in validator.iter_errors(json.loads(sample_sarif.read_text()))]
    assert errors == []


def test_sample_sarif_passes_the_multitool_with_github_rules(multitool, sample_sarif, tmp_path):
    problems = validate(multitool, sample_sarif, tmp_path)
    assert [(p["ruleId"], p.get("level"), p["message"]) for p in problems] == []


def test_the_multitool_check_can_fail(multitool, sample_sarif, tmp_path):
    # A negative control: strip what GitHub requires and the validator must say so.
    doc = json.loads(sample_sarif.read_text())
    for rule in doc["runs"][0]["tool"]["driver"]["rules"]:
        rule.pop("help")
        rule.pop("fullDescription")
    broken = tmp_path / "broken.sarif"
    broken.write_text(json.dumps(doc))
    assert any(p.get("level") == "error" for p in validate(multitool, broken, tmp_path))


def test_sarif_content(sample_sarif):
    doc = json.loads(sample_sarif.read_text())
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "gallerylint" and driver["version"] and driver["informationUri"]
    from linter.rules.registry import load_registry
    assert len(driver["rules"]) == len(load_registry())
    for rule in driver["rules"]:
        assert {"id", "name", "shortDescription", "fullDescription", "help", "helpUri",
                "defaultConfiguration"} <= set(rule)
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert rule["help"]["markdown"]
        if "security" in rule["properties"]["tags"]:
            assert 0 < float(rule["properties"]["security-severity"]) <= 10
    assert run["automationDetails"]["id"] == "gallerylint/"
    ids = [r["id"] for r in driver["rules"]]
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        loc = result["locations"][0]
        uri = loc["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.startswith("samples/contoso/") and not uri.startswith("/")
        assert loc["physicalLocation"]["region"]["startLine"] >= 1
        # an ARM ID, or a Packer pipeline's ID (rules.md, "Where findings are located", v3)
        assert loc["logicalLocations"][0]["fullyQualifiedName"].startswith(
            ("/subscriptions/", "packer:samples/contoso/pipelines/"))
        assert len(result["partialFingerprints"]["gallerylint/v1"]) == 32
    fingerprints = [r["partialFingerprints"]["gallerylint/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_artifact_uris_are_percent_encoded_relative_references(tmp_path):
    import subprocess
    import sys
    from urllib.parse import unquote, urlsplit
    names = ["a b#frag?q.json", "%2e%2e%2fescape.json", "c:d.json", "ü.json"]
    for i, name in enumerate(names):
        (tmp_path / name).write_text(json.dumps([{
            "id": "/subscriptions/0000000a-0000-4000-8000-00000000000a/resourceGroups/rg/"
                  f"providers/Microsoft.Compute/galleries/_bad{i}", "name": f"_bad{i}",
            "type": "Microsoft.Compute/galleries", "location": "westeurope"}]))
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", ".", "--format",
                             "sarif", "--source-root", "."], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(result.stdout)["runs"][0]["results"]}
    assert {unquote(u) for u in uris} == set(names)
    for uri in uris:
        parts = urlsplit(uri)
        assert not parts.scheme and not parts.fragment and not parts.query, uri
        assert all(c.isascii() and c not in " #?" for c in uri)


def test_an_input_outside_the_source_root_is_warned_about(tmp_path):
    import subprocess
    import sys
    root = tmp_path / "repo"
    root.mkdir()
    outside = tmp_path / "elsewhere.json"
    outside.write_text(json.dumps([{
        "id": "/subscriptions/0000000a-0000-4000-8000-00000000000a/resourceGroups/rg/"
              "providers/Microsoft.Compute/galleries/_bad", "name": "_bad",
        "type": "Microsoft.Compute/galleries", "location": "westeurope"}]))
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(outside), "-f",
                             "sarif", "--source-root", str(root)], capture_output=True,
                            text=True, cwd=root, timeout=120)
    assert result.returncode == 1, result.stderr
    run = json.loads(result.stdout)["runs"][0]
    [note] = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning" and "outside the source root" in note["message"]["text"]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "elsewhere.json"


def test_nightly_alerts_open_the_workflow_and_link_the_resource_in_the_portal(
        multitool, tmp_path):
    """Findings read from a gallerylint snapshot (generated by export, not in the
    repository) are placed at the file --live-location names (the Action passes the
    running workflow); the snapshot's own line and the resource's portal link ride along
    in the result's properties. GitHub's rules still pass."""
    from test_export import AzureTestServer, TOKEN, sample_rows  # noqa: F401
    import os
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "nightly.yml").write_text("name: nightly\n")
    (repo / "snapshot").mkdir()
    snapshot = {"kind": "gallerylint.snapshot", "schemaVersion": 1,
                "metadata": {"toolVersion": "0.1.0", "createdAt": NOW, "source": "arm",
                             "subscriptions": [], "failedScopes": []},
                "galleries": [], "imageDefinitions": [], "imageVersions": [],
                "virtualMachines": [], "virtualMachineScaleSets": []}
    keys = {"microsoft.compute/galleries": "galleries",
            "microsoft.compute/galleries/images": "imageDefinitions",
            "microsoft.compute/galleries/images/versions": "imageVersions",
            "microsoft.compute/virtualmachines": "virtualMachines",
            "microsoft.compute/virtualmachinescalesets": "virtualMachineScaleSets"}
    for row in sample_rows():
        snapshot[keys[row["type"].lower()]].append(row)
    (repo / "snapshot" / "estate.json").write_text(json.dumps(snapshot, indent=1))
    out = tmp_path / "nightly.sarif"
    result = subprocess.run(
        [sys.executable, "-m", "linter.cli", "lint", "snapshot/", "--now", NOW, "-f", "sarif",
         "-o", str(out), "--live-location", ".github/workflows/nightly.yml"],
        cwd=repo, capture_output=True, text=True, timeout=300,
        env={**os.environ, "GALLERYLINT_WORKSPACE": str(repo)})
    assert result.returncode == 1, result.stderr
    doc = json.loads(out.read_text())
    results = doc["runs"][0]["results"]
    assert results
    for r in results:
        physical = r["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == ".github/workflows/nightly.yml"
        assert physical["region"]["startLine"] == 1
        assert r["properties"]["snapshotLocation"]["uri"] == "snapshot/estate.json"
        assert r["properties"]["snapshotLocation"]["startLine"] > 1
        rid = r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        assert r["properties"]["portalUri"] == f"https://portal.azure.com/#@/resource{rid}"
    problems = validate(multitool, out, tmp_path)
    assert [(p["ruleId"], p.get("level"), p["message"]) for p in problems] == []
