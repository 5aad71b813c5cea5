"""The OPA engine's protocol (against a stand-in server) and the OPA bundle."""

import json
import socket
import subprocess
import sys
import tarfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from fake_opa import FakeOpa
from linter import config
from linter.engines import EmbeddedEngine
from linter.engines import opa as opa_module
from linter.engines.bundle import load_bundle_into_regopy
from linter.engines.opa import OpaEngine
from linter.errors import EngineError
from linter.lint import run
from linter.rules.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "contoso"
NOW = datetime(2026, 11, 21, tzinfo=timezone.utc)


def sample_findings(engine):
    settings = config.load(SAMPLE / ".gallerylint.yaml")
    result = run([str(SAMPLE)], settings, NOW, registry=load_registry(), engine=engine)
    return sorted((f.rule_id, f.resource_id, f.region or "", f.level, f.message)
                  for f in result.findings)


def test_opa_engine_gives_the_embedded_findings_and_cleans_up(monkeypatch):
    monkeypatch.setattr(opa_module, "CHUNK_BYTES", 300)  # force several requests per rule
    with FakeOpa() as server:
        findings = sample_findings(OpaEngine(server.url))
        assert server.policies == {}  # everything uploaded was deleted
        posts = [r for r in server.requests if r[0] == "POST"]
        assert len(posts) > 10 and all(size < 300 + 600 for _, _, size in posts)
        uploaded = {r[1] for r in server.requests if r[0] == "PUT"}
        assert all("/v1/policies/gallerylint/" in p for p in uploaded)
    assert findings == sample_findings(EmbeddedEngine())


def test_unreachable_opa_is_exit_3_with_the_url(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(SAMPLE),
                             "--engine", "opa", "--opa-url", url], capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode == 3
    assert url in result.stderr and "Traceback" not in result.stderr


def test_opa_engine_needs_a_url(tmp_path):
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(SAMPLE),
                             "--engine", "opa"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and "--opa-url" in result.stderr


def test_policy_rejected_by_the_server_is_an_engine_error(tmp_path):
    bad = tmp_path / "bad.rego"
    bad.write_text("# METADATA\n# title: bad\n# custom:\n#   id: X1\n#   level: error\n"
                   "#   collection: versions\n#   fields: [name]\npackage x\nviolations := [\n")
    from linter.rules.registry import parse_rego_rule
    rule = parse_rego_rule(bad)
    with FakeOpa() as server:
        with pytest.raises(EngineError) as exc:
            OpaEngine(server.url).evaluate([rule.rego], {rule.rego.path: {"items": []}})
        assert server.url in str(exc.value) and "bad.rego" in str(exc.value)
        assert server.policies == {}


def test_bundle_layout_and_gate_decisions(tmp_path):
    out = tmp_path / "bundle.tar.gz"
    result = subprocess.run([sys.executable, "-m", "linter.cli", "bundle", "--output", str(out),
                             "--inventory", str(SAMPLE), "--now", "2026-11-21T00:00:00Z"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    with tarfile.open(out) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile(".manifest"))
        data = json.load(tar.extractfile("data.json"))
    assert manifest["roots"] == ["gallerylint"] and manifest["revision"]
    assert manifest["rego_version"] == 1
    assert "policies/gate/gate.rego" in names and "policies/lib/gallerylint.rego" in names
    assert set(data) == {"gallerylint"} and {"versions", "definitions", "settings"} <= set(
        data["gallerylint"]["facts"])
    interp = load_bundle_into_regopy(out)
    base = ("/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-images/"
            "providers/Microsoft.Compute/galleries/contoso_prod/images/")

    def decide(image_id, location, disk="Premium_LRS", security="TrustedLaunch"):
        interp.set_input({"type": "Microsoft.Compute/virtualMachines", "location": location,
                          "properties": {"storageProfile": {
                              "imageReference": {"id": image_id},
                              "osDisk": {"managedDisk": {"storageAccountType": disk}}},
                              "osProfile": {"computerName": "web", "adminUsername": "azureuser"},
                              "securityProfile": {"securityType": security}}})
        out = interp.query("x = data.gallerylint.gate.decision")
        assert out.ok()
        return json.loads(str(out))["bindings"]["x"]

    assert decide(base + "rhel9/versions/9.4.1", "West Europe") == {"allow": True, "reasons": []}
    assert decide(base + "rhel9/versions/9.4.1", "eastus")["reasons"] == [
        "ACG603: version 9.4.1 is not replicated to eastus"]
    assert decide(base + "ubuntu-2004/versions/1.0.0", "westeurope")["allow"] is False
    assert decide(base + "ubuntu-2204", "westeurope", disk="Standard_LRS")["allow"] is False
    assert decide(base + "nope", "westeurope")["reasons"][0].startswith("ACG801")
    # a generalized image needs an osProfile: a proposal without one is refused (ACG802)
    interp.set_input({"type": "Microsoft.Compute/virtualMachines", "location": "westeurope",
                      "properties": {"storageProfile": {
                          "imageReference": {"id": base + "rhel9/versions/9.4.1"}}}})
    answer = json.loads(str(interp.query("x = data.gallerylint.gate.decision")))
    assert answer["bindings"]["x"]["allow"] is False
    assert answer["bindings"]["x"]["reasons"][0].startswith("ACG802: sets no osProfile")


def test_gate_policy_tests_pass_in_the_embedded_engine():
    import regopy
    gate_dir = ROOT / "policies" / "gate"
    interp = regopy.Interpreter()
    interp.add_module("gate.rego", (gate_dir / "gate.rego").read_text())
    test = (gate_dir / "gate_test.rego").read_text()
    interp.add_module("gate_test.rego", test)
    import re
    names = re.findall(r"^(test_\w+) if", test, re.MULTILINE)
    assert len(names) >= 5
    for name in names:
        out = interp.query(f"x = data.gallerylint.gate_test.{name}")
        assert out.ok() and str(out).endswith('"bindings":{"x":true}}'), name
