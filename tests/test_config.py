"""Every rule can be turned off and re-levelled from config (checked on the sample,
where every rule fires)."""

import json
from msgspec.structs import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from linter import config as config_module
from linter.lint import run
from linter.rules.registry import load_registry
from linter.sources import load_paths

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "contoso"
NOW = datetime(2026, 11, 21, tzinfo=timezone.utc)
REGISTRY = load_registry()


# The sample is rows, so ACG108 (snapshots only) gets a small snapshot of its own: a
# definition with no versions, exported the day before NOW.
SNAPSHOT = {
    "kind": "gallerylint.snapshot", "schemaVersion": 1,
    "metadata": {"toolVersion": "0.1.0", "createdAt": "2026-11-20T12:00:00Z",
                 "source": "resource-graph", "subscriptions": [], "failedScopes": []},
    "galleries": [], "imageVersions": [], "virtualMachines": [],
    "virtualMachineScaleSets": [],
    "imageDefinitions": [{
        "id": "/subscriptions/55555555-5555-4555-8555-555555555555/resourceGroups/rg/"
              "providers/Microsoft.Compute/galleries/old/images/empty",
        "name": "empty", "type": "Microsoft.Compute/galleries/images",
        "location": "westeurope",
        "properties": {"identifier": {"publisher": "p", "offer": "o", "sku": "s"},
                       "osType": "Linux", "osState": "Generalized",
                       "hyperVGeneration": "V2", "endOfLifeDate": "2030-01-01T00:00:00Z"}}],
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    settings = config_module.load(SAMPLE / ".gallerylint.yaml")
    snapshot = tmp_path_factory.mktemp("snap") / "snapshot.json"
    snapshot.write_text(json.dumps(SNAPSHOT))
    inventory = load_paths([str(SAMPLE), str(snapshot)])
    baseline = run([], settings, NOW, registry=REGISTRY, inventory=inventory).findings
    return settings, inventory, baseline


@pytest.mark.parametrize("rule", list(REGISTRY), ids=lambda r: r.id)
def test_rule_off_and_relevelled(sample, rule):
    settings, inventory, baseline = sample
    mine = [f for f in baseline if f.rule_id == rule.id]
    assert mine, f"{rule.id} does not fire on the sample"
    off = replace(settings, rules={rule.id: config_module.RuleSetting(enabled=False)})
    findings = run([], off, NOW, registry=REGISTRY, inventory=inventory).findings
    assert [f for f in findings if f.rule_id == rule.id] == []
    assert len(findings) == len(baseline) - len(mine)
    other = "note" if rule.level != "note" else "error"
    relevel = replace(settings, rules={rule.name: config_module.RuleSetting(level=other)})
    findings = [f for f in run([], relevel, NOW, registry=REGISTRY, inventory=inventory).findings
                if f.rule_id == rule.id]
    before = sorted((f.resource_id, f.region or "", f.level) for f in mine)
    after = sorted((f.resource_id, f.region or "", f.level) for f in findings)
    assert [a[:2] for a in after] == [b[:2] for b in before]
    for (rid, region, old), (_, _, new) in zip(before, after):
        assert new == (other if old == rule.level else old)
