"""ACG3xx: end of life, staleness, outdated pins, latest availability, Azure's flags."""

import pytest

from builders import (definition, definition_id, estate, gallery, lint_resources, of_rule,
                      target, version, version_id, vm)


def test_acg301_past_eol_used_is_error_unused_not_latest_is_note(tmp_path):
    resources = estate(
        vm("pinned", version_id("1.0.0")),
        versions=[version("1.0.0", eol="2026-01-01T00:00:00Z"),
                  version("1.0.1", eol="2026-01-01T00:00:00Z"),
                  version("1.1.0")])
    findings = {f.resource_id.rsplit("/", 1)[1]: f.level
                for f in of_rule(lint_resources(tmp_path, resources, rules=["ACG301"]), "ACG301")}
    assert findings == {"1.0.0": "error", "1.0.1": "note"}


def test_acg301_latest_past_eol_is_error_even_unused(tmp_path):
    resources = estate(versions=[version("1.0.0", eol="2026-01-01")])
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG301"]), "ACG301")
    assert f.level == "error" and "latest in westeurope" in f.message


def test_acg301_definition_eol_applies_and_version_overrides(tmp_path):
    resources = [gallery(), definition(eol="2026-01-01"),
                 version("1.0.0"), version("1.0.1", eol="2027-01-01")]
    findings = of_rule(lint_resources(tmp_path, resources, rules=["ACG301"]), "ACG301")
    assert [f.resource_id.rsplit("/", 1)[1] for f in findings] == ["1.0.0"]


def test_acg301_exact_boundary_now_is_not_past(tmp_path):
    resources = estate(versions=[version(eol="2026-11-21T00:00:00Z")])
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG301"]), "ACG301") == []


def test_acg301_relevel_keeps_cleanup_note(tmp_path):
    resources = estate(versions=[version("1.0.0", eol="2026-01-01"), version("1.1.0")])
    config = "rules:\n  ACG301: {level: warning}\n"
    [f] = of_rule(lint_resources(tmp_path, resources, config, rules=["ACG301"]), "ACG301")
    assert f.level == "note"
    resources = estate(versions=[version("1.0.0", eol="2026-01-01")])
    [f] = of_rule(lint_resources(tmp_path, resources, config, rules=["ACG301"]), "ACG301")
    assert f.level == "warning"


@pytest.mark.parametrize("eol,fires", [("2026-12-21T00:00:00Z", True),   # exactly 30 days
                                       ("2026-12-21T00:00:01Z", False),
                                       ("2026-11-21T00:00:00Z", True),   # now: 0 days
                                       ("2026-11-20T23:59:59Z", False)])  # past: ACG301's
def test_acg302_window_boundaries(tmp_path, eol, fires):
    resources = estate(versions=[version(eol=eol)])
    assert len(of_rule(lint_resources(tmp_path, resources, rules=["ACG302"]), "ACG302")) == fires


def test_acg302_threshold_from_config(tmp_path):
    resources = estate(versions=[version(eol="2027-01-10T00:00:00Z")])
    config = "lifecycle:\n  eol_warning_days: 60\n"
    assert len(of_rule(lint_resources(tmp_path, resources, config, rules=["ACG302"]),
                       "ACG302")) == 1


def test_acg303_missing_everywhere_fires_unknown_definition_quiet(tmp_path):
    resources = [gallery(), definition(eol=None), version("1.0.0"),
                 version("1.0.0", image="not-in-input")]
    findings = of_rule(lint_resources(tmp_path, resources, rules=["ACG303"]), "ACG303")
    assert [f.resource_id for f in findings] == [version_id("1.0.0")]
    assert findings[0].level == "note"


def test_acg304_definition_eol_with_eligible_version(tmp_path):
    resources = [gallery(), definition(eol="2026-01-01"), version("1.0.0")]
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG304"]), "ACG304")
    assert f.resource_id == definition_id()
    quiet = [gallery(), definition(eol="2026-01-01"), version("1.0.0", exclude=True)]
    assert of_rule(lint_resources(tmp_path, quiet, rules=["ACG304"]), "ACG304") == []


@pytest.mark.parametrize("published,fires", [("2026-08-23T00:00:00Z", False),  # exactly 90 days
                                             ("2026-08-22T23:59:59Z", True)])
def test_acg305_stale_boundary(tmp_path, published, fires):
    resources = estate(versions=[version(published=published)])
    assert len(of_rule(lint_resources(tmp_path, resources, rules=["ACG305"]), "ACG305")) == fires


def test_acg305_uses_latest_not_newest_published(tmp_path):
    resources = estate(versions=[version("2.0.0", published="2026-01-01T00:00:00Z"),
                                 version("1.0.0", published="2026-11-01T00:00:00Z")])
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG305"]), "ACG305")
    assert "2.0.0" in f.message


def _pinned_estate(latest_published, pinned_eol=None):
    return estate(vm("app", version_id("1.0.0")),
                  versions=[version("1.0.0", eol=pinned_eol),
                            version("1.1.0", published=latest_published)])


def test_acg306_grace_boundary(tmp_path):
    quiet = _pinned_estate("2026-10-22T00:00:00Z")  # exactly 30 days
    assert of_rule(lint_resources(tmp_path, quiet, rules=["ACG306"]), "ACG306") == []
    [f] = of_rule(lint_resources(tmp_path, _pinned_estate("2026-10-21T23:59:59Z"),
                                 rules=["ACG306"]), "ACG306")
    assert f.level == "warning" and f.region == "westeurope"


def test_acg306_error_when_pinned_past_eol(tmp_path):
    [f] = of_rule(lint_resources(tmp_path, _pinned_estate("2026-01-01T00:00:00Z", "2026-06-01"),
                                 rules=["ACG306"]), "ACG306")
    assert f.level == "error"


def test_acg306_unpinned_or_latest_or_no_latest_in_region_is_quiet(tmp_path):
    resources = estate(
        vm("follows", definition_id()),
        vm("on-latest", version_id("1.1.0")),
        vm("elsewhere", version_id("1.0.0"), location="eastus"),
        versions=[version("1.0.0", regions=[target("westeurope"), target("eastus")]),
                  version("1.1.0", published="2026-01-01T00:00:00Z")])
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG306"]), "ACG306") == []


def test_acg306_grouped_over_ten_live_deployments(tmp_path):
    resources = estate(*[vm(f"vm{i:02d}", version_id("1.0.0")) for i in range(11)],
                       versions=[version("1.0.0"),
                                 version("1.1.0", published="2026-01-01T00:00:00Z")])
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG306"]), "ACG306")
    assert f.resource_id == version_id("1.0.0")
    assert f.properties["deploymentCount"] == 11
    assert len(f.properties["exampleDeployments"]) == 10
    assert len(f.properties["deployments"]) == 11
    ten = estate(*[vm(f"vm{i:02d}", version_id("1.0.0")) for i in range(10)],
                 versions=[version("1.0.0"), version("1.1.0", published="2026-01-01T00:00:00Z")])
    assert len(of_rule(lint_resources(tmp_path, ten, rules=["ACG306"]), "ACG306")) == 10


def test_acg307_unpinned_without_latest_in_region(tmp_path):
    resources = estate(vm("east", definition_id(), location="East US"),
                       vm("west", definition_id()),
                       versions=[version("1.0.0")])
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG307"]), "ACG307")
    assert f.resource_id.endswith("/east") and f.region == "eastus"


def test_acg307_regional_exclude_vs_global(tmp_path):
    regional = estate(vm("west", definition_id()),
                      versions=[version(regions=[target("westeurope", exclude=True),
                                                 target("northeurope")])])
    assert len(of_rule(lint_resources(tmp_path, regional, rules=["ACG307"]), "ACG307")) == 1
    # A regional false does not undo a global true.
    global_true = estate(vm("north", definition_id(), location="northeurope"),
                         versions=[version(exclude=True, regions=[target("northeurope",
                                                                         exclude=False)])])
    assert len(of_rule(lint_resources(tmp_path, global_true, rules=["ACG307"]), "ACG307")) == 1


def test_acg307_shared_gallery_definition_with_nothing_eligible(tmp_path):
    resources = [gallery(permissions="Groups"), definition(),
                 version("1.0.0", exclude=True), version("v2")]
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG307"]), "ACG307")
    assert f.resource_id == definition_id()
    private = [gallery(), definition(), version("1.0.0", exclude=True)]
    assert of_rule(lint_resources(tmp_path, private, rules=["ACG307"]), "ACG307") == []


def test_acg308_replication_failed(tmp_path):
    status = {"aggregatedState": "Failed", "summary": [
        {"region": "West Europe", "state": "Completed"},
        {"region": "North Europe", "state": "Failed"}]}
    resources = estate(versions=[version(replicationStatus=status),
                                 version("1.0.1", replicationStatus={
                                     "aggregatedState": "Completed", "summary": []})])
    findings = of_rule(lint_resources(tmp_path, resources, rules=["ACG308"]), "ACG308")
    assert sorted((f.resource_id.rsplit("/", 1)[1], f.region or "") for f in findings) == [
        ("1.0.0", ""), ("1.0.0", "northeurope")]


def test_acg309_policy_violation(tmp_path):
    resources = estate(versions=[
        version("1.0.0", safetyProfile={"reportedForPolicyViolation": True}),
        version("1.0.1", safetyProfile={"policyViolations": [{"category": "IpTheft"}]}),
        version("1.0.2", safetyProfile={"reportedForPolicyViolation": False,
                                        "policyViolations": []})])
    findings = of_rule(lint_resources(tmp_path, resources, rules=["ACG309"]), "ACG309")
    assert sorted(f.resource_id.rsplit("/", 1)[1] for f in findings) == ["1.0.0", "1.0.1"]
