"""Every rule can be turned off and re-levelled from config (checked on the sample,
where every rule fires)."""

from dataclasses import replace
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


@pytest.fixture(scope="module")
def sample():
    settings = config_module.load(SAMPLE / ".gallerylint.yaml")
    inventory = load_paths([str(SAMPLE)])
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
