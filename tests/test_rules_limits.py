"""ACG2xx: platform limits, error above, warning at or above the warn ratio."""

import pytest

from builders import (SUB, definition, estate, gallery, lint_resources, of_rule, target,
                      version)


def galleries(n, location="westeurope"):
    return [gallery(f"g{i}", location=location) for i in range(n)]


@pytest.mark.parametrize("count,level", [(3, None), (4, "warning"), (5, "warning"),
                                         (6, "error")])
def test_acg201_levels_at_boundaries(tmp_path, count, level):
    config = "limits:\n  galleries: 5\n"  # warn at 0.8 x 5 = 4, error above 5
    findings = of_rule(lint_resources(tmp_path, galleries(count), config, rules=["ACG201"]),
                       "ACG201")
    assert [f.level for f in findings] == ([level] if level else [])
    if level:
        assert findings[0].resource_id == f"/subscriptions/{SUB}"
        assert findings[0].region == "westeurope"


def test_acg201_counts_per_region_with_spelling_variants(tmp_path):
    resources = [gallery("a", location="West Europe"), gallery("b", location="westeurope"),
                 gallery("c", location="northeurope")]
    findings = of_rule(lint_resources(tmp_path, resources, "limits:\n  galleries: 2\n",
                                      rules=["ACG201"]), "ACG201")
    assert [(f.region, f.level) for f in findings] == [("westeurope", "warning")]


def test_acg201_default_limit_is_quiet_for_small_estates(tmp_path):
    assert of_rule(lint_resources(tmp_path, galleries(79), rules=["ACG201"]), "ACG201") == []
    [f] = of_rule(lint_resources(tmp_path, galleries(80), rules=["ACG201"]), "ACG201")
    assert f.level == "warning"


def test_acg202_and_acg203_count_definitions_and_versions(tmp_path):
    resources = [gallery(), *[definition(f"d{i}") for i in range(3)],
                 *[version(f"1.0.{i}", image="d0") for i in range(4)]]
    config = "limits:\n  definitions: 2\n  versions: 5\n"
    findings = lint_resources(tmp_path, resources, config, rules=["ACG202", "ACG203"])
    assert [f.level for f in of_rule(findings, "ACG202")] == ["error"]
    assert [f.level for f in of_rule(findings, "ACG203")] == ["warning"]


def test_acg204_per_region_and_total(tmp_path):
    resources = estate(versions=[
        version("1.0.0", regions=[target("westeurope", 40)]),  # 40 >= 0.8 x 50: warning
        version("1.0.1", regions=[target("westeurope", 39)]),  # quiet
        version("1.0.2", regions=[target("westeurope", 51)]),  # error
        version("1.0.3", regions=[target("westeurope", 30), target("northeurope", 30),
                                  target("eastus", 30),
                                  target("westus", 11, additionalReplicaSets=[
                                      {"storageAccountType": "PremiumV2_LRS",
                                       "regionalReplicaCount": 0}])]),  # 101 total: error
    ])
    findings = of_rule(lint_resources(tmp_path, resources, rules=["ACG204"]), "ACG204")
    got = sorted((f.resource_id.rsplit("/", 1)[1], f.region, f.level) for f in findings)
    assert got == [("1.0.0", "westeurope", "warning"), ("1.0.2", "westeurope", "error"),
                   ("1.0.3", None, "error")]


def test_acg204_additional_replica_sets_count(tmp_path):
    resources = estate(versions=[version(regions=[target("westeurope", 30, additionalReplicaSets=[
        {"storageAccountType": "PremiumV2_LRS", "regionalReplicaCount": 21}])])])
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG204"]), "ACG204")
    assert f.level == "error" and "51 replicas" in f.message


@pytest.mark.parametrize("os_gb,data_gb,mode,fires", [
    (1024, (1024,), None, False),        # exactly 2 TB: not over
    (1024, (1000, 25), None, True),      # 2049 GB
    (2048, (), "Shallow", False),
    (30000, (1024, 1024), "Shallow", False),  # 32048 GB < 32 TB = 32768
    (31000, (1000, 1000), "Shallow", True),   # 33000 GB
    (30, (1025,), None, True),           # one data disk over 1 TB
])
def test_acg205_sizes(tmp_path, os_gb, data_gb, mode, fires):
    resources = estate(versions=[version(os_gb=os_gb, data_gb=data_gb, mode=mode)])
    findings = of_rule(lint_resources(tmp_path, resources, rules=["ACG205"]), "ACG205")
    assert len(findings) == (1 if fires else 0)


def test_acg205_unknown_size_is_quiet(tmp_path):
    resources = estate(versions=[version(os_gb=None, data_gb=(5000,))])
    findings = of_rule(lint_resources(tmp_path, resources, rules=["ACG205"]), "ACG205")
    assert len(findings) == 1 and "data disk 0" in findings[0].message  # the data disk is known
