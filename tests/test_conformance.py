"""Conformance with a real OPA: the same findings through both engines, and the
policies' own tests under `opa test`. Needs an `opa` binary on PATH (started
here on loopback) or GALLERYLINT_TEST_OPA_URL; skipped with the reason otherwise."""

import os
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from fake_opa import opa_server
from linter import config
from linter.engines import EmbeddedEngine
from linter.engines.opa import OpaEngine
from linter.lint import run
from linter.rules.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "contoso"
NOW = datetime(2026, 11, 21, tzinfo=timezone.utc)
OPA = shutil.which("opa")
URL = os.environ.get("GALLERYLINT_TEST_OPA_URL")

pytestmark = pytest.mark.skipif(
    not OPA and not URL,
    reason="no OPA here: put an 'opa' binary (1.x) on PATH or set GALLERYLINT_TEST_OPA_URL")


@pytest.fixture(scope="module")
def opa_url():
    if URL:
        yield URL
        return
    with opa_server() as url:
        yield url


def findings(engine):
    settings = config.load(SAMPLE / ".gallerylint.yaml")
    result = run([str(SAMPLE), str(ROOT / "samples" / "iac")], settings, NOW,
                 registry=load_registry(), engine=engine)
    return sorted((f.rule_id, f.resource_id, f.region or "", f.level, f.message, f.line)
                  for f in result.findings)


def test_every_rule_gives_identical_findings_in_both_engines(opa_url):
    assert findings(OpaEngine(opa_url)) == findings(EmbeddedEngine())


@pytest.mark.skipif(not OPA, reason="'opa test' needs the opa binary")
def test_opa_test_passes_on_the_policies():
    result = subprocess.run([OPA, "test", str(ROOT / "policies")], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not OPA, reason="'opa check' needs the opa binary")
def test_opa_check_strict_passes():
    result = subprocess.run([OPA, "check", "--strict", str(ROOT / "policies")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def served_opa_url(tmp_path_factory):
    """A real OPA serving the bundle `gallerylint bundle` writes (how fleets run)."""
    if not OPA:
        pytest.skip("serving a bundle needs the opa binary")
    from linter.engines.bundle import write_bundle
    from linter.facts import build
    from linter.sources import load_paths
    bundle = tmp_path_factory.mktemp("served") / "bundle.tar.gz"
    settings = config.load(SAMPLE / ".gallerylint.yaml")
    write_bundle(str(bundle), build(load_paths([str(SAMPLE)]), settings, NOW))
    with opa_server("--bundle", str(bundle)) as url:
        yield url


def test_a_served_bundle_gives_identical_findings_and_refuses_uploads(served_opa_url):
    from linter.errors import EngineError
    engine = OpaEngine(served_opa_url)
    assert findings(engine) == findings(EmbeddedEngine())
    assert engine.resolve_mode() == "served"
    with pytest.raises(EngineError, match="owned by bundle"):
        findings(OpaEngine(served_opa_url, mode="upload"))


def test_gate_decisions_of_a_real_opa_match_the_embedded_gate(served_opa_url, tmp_path):
    import json

    from linter.gate import gate, gate_via_opa
    from test_opa_served import sample_deployments, statuses
    settings = config.load(SAMPLE / ".gallerylint.yaml")
    engine = OpaEngine(served_opa_url)
    for n, deployment in enumerate(sample_deployments()):
        path = tmp_path / f"d{n}.json"
        path.write_text(json.dumps([deployment]))
        embedded = gate([str(SAMPLE)], [str(path)], settings, NOW, load_registry())
        assert statuses(gate_via_opa(engine, [str(path)], settings, NOW,
                                     load_registry())) == \
            statuses(embedded), deployment["name"]
