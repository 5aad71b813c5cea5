"""ACG1xx: version format, identity, names, latest ordering."""

import pytest

from builders import (definition, estate, gallery, lint_resources, of_rule, version)


@pytest.mark.parametrize("name", ["1.0.0", "0.0.0", "01.2.3", "2147483647.0.0",
                                  "2147483647.2147483647.2147483647"])
def test_acg101_valid_names_are_quiet(tmp_path, name):
    findings = lint_resources(tmp_path, estate(versions=[version(name)]), rules=["ACG101"])
    assert of_rule(findings, "ACG101") == []


@pytest.mark.parametrize("name", ["v1.2.3", "1.2", "1.2.3.4", "1.2.3-rc1", "1.2.x",
                                  "2147483648.0.0", "1.2147483648.0", "1..2", "١.٢.٣"])
def test_acg101_invalid_names_fire(tmp_path, name):
    findings = lint_resources(tmp_path, estate(versions=[version(name)]), rules=["ACG101"])
    [f] = of_rule(findings, "ACG101")
    assert f.level == "error"
    assert name in f.message
    assert f.resource_id.endswith(f"/versions/{name}")


def test_acg101_off_and_relevelled_from_config(tmp_path):
    resources = estate(versions=[version("v1")])
    assert of_rule(lint_resources(tmp_path, resources, "rules:\n  ACG101: {enabled: false}\n"),
                   "ACG101") == []
    [f] = of_rule(lint_resources(tmp_path, resources, "rules:\n  version-format: {level: note}\n"),
                  "ACG101")
    assert f.level == "note"


def test_acg102_duplicate_identity_fires_on_each_naming_the_other(tmp_path):
    resources = [gallery(), definition("a", publisher="Contoso", offer="Ubuntu", sku="22"),
                 definition("b", publisher="contoso", offer="UBUNTU", sku="22")]
    findings = of_rule(lint_resources(tmp_path, resources, rules=["ACG102"]), "ACG102")
    assert sorted(f.resource_id.rsplit("/", 1)[1] for f in findings) == ["a", "b"]
    by_name = {f.resource_id.rsplit("/", 1)[1]: f for f in findings}
    assert "used by b in the same gallery" in by_name["a"].message
    assert "used by a in the same gallery" in by_name["b"].message


def test_acg102_two_of_three_shared_or_other_gallery_is_quiet(tmp_path):
    resources = [gallery(), gallery("other"),
                 definition("a", publisher="Contoso", offer="Ubuntu", sku="22"),
                 definition("b", publisher="Contoso", offer="Ubuntu", sku="24"),
                 definition("c", gallery="other", publisher="Contoso", offer="Ubuntu", sku="22")]
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG102"]), "ACG102") == []


@pytest.mark.parametrize("kind,kwargs", [
    ("gallery", {"name": "my-gallery"}),
    ("definition", {"image": "bad name"}),
    ("definition", {"image": "ok", "sku": "ends."}),
    ("definition", {"image": "ok", "offer": "o" * 65}),
    ("definition", {"image": "ok", "publisher": "p" * 129}),
    ("definition", {"image": "ok", "publisher": "Con toso"}),
])
def test_acg103_bad_names_fire(tmp_path, kind, kwargs):
    resources = [gallery(kwargs["name"])] if kind == "gallery" else [gallery(), definition(**kwargs)]
    assert len(of_rule(lint_resources(tmp_path, resources, rules=["ACG103"]), "ACG103")) == 1


def test_acg103_limits_exactly_are_quiet(tmp_path):
    resources = [gallery("g" * 80), definition("d" * 80, gallery="g" * 80, publisher="p" * 128,
                                               offer="o" * 64, sku="s-._1" + "s" * 59)]
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG103"]), "ACG103") == []


def test_acg103_naming_patterns_from_config(tmp_path):
    resources = [gallery("acg"), definition("img")]
    config = "naming:\n  gallery: '^gal_[a-z]+$'\n  definition: '^img$'\n"
    [f] = of_rule(lint_resources(tmp_path, resources, config, rules=["ACG103"]), "ACG103")
    assert "naming.gallery" in f.message


def test_acg104_hotfix_published_after_latest_fires(tmp_path):
    resources = estate(versions=[version("2.0.0", published="2026-01-01T00:00:00Z"),
                                 version("1.0.5", published="2026-03-01T00:00:00Z")])
    [f] = of_rule(lint_resources(tmp_path, resources, rules=["ACG104"]), "ACG104")
    assert f.resource_id.endswith("/images/img")
    assert "2.0.0" in f.message and "1.0.5" in f.message


def test_acg104_numeric_order_not_text(tmp_path):
    # 1.10.0 is higher than 1.9.0; as text it would sort lower.
    resources = estate(versions=[version("1.10.0", published="2026-03-01T00:00:00Z"),
                                 version("1.9.0", published="2026-01-01T00:00:00Z")])
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG104"]), "ACG104") == []


def test_acg104_excluded_newer_version_is_quiet(tmp_path):
    resources = estate(versions=[version("2.0.0", published="2026-01-01T00:00:00Z"),
                                 version("1.0.5", published="2026-03-01T00:00:00Z", exclude=True)])
    assert of_rule(lint_resources(tmp_path, resources, rules=["ACG104"]), "ACG104") == []
