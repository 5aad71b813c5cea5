"""The Rego policies: their own tests through the embedded engine, portability, engine guards."""

import re

import pytest

from linter.engines.embedded import EmbeddedEngine
from linter.errors import EngineError
from linter.resources import policies_dir
from linter.rules.collections import field_names
from linter.rules.registry import builtin_rules, parse_rego_rule

REGO_RULES = [r for r in builtin_rules() if r.rego is not None]


@pytest.mark.parametrize("rule", REGO_RULES, ids=lambda r: r.id)
def test_policy_tests_pass_in_the_embedded_engine(rule):
    results = EmbeddedEngine().run_tests(rule.rego)
    assert results, f"{rule.rego.path.name} has no test_ rules"
    failed = [r.name for r in results if not r.passed]
    assert failed == []


def test_library_tests_pass():
    lib = policies_dir() / "lib" / "gallerylint.rego"
    from linter.rules.registry import RegoPolicy
    policy = RegoPolicy(path=lib, package="gallerylint.lib", source=lib.read_text(),
                        collection="", fields=(), test_path=lib.with_name("gallerylint_test.rego"))
    results = EmbeddedEngine().run_tests(policy)
    assert results and all(r.passed for r in results)


def test_a_failing_rego_test_is_reported_as_failing(tmp_path):
    src = (policies_dir() / "version-format" / "version-format.rego").read_text()
    (tmp_path / "vf.rego").write_text(src)
    (tmp_path / "vf_test.rego").write_text(
        "package gallerylint.rules.version_format_test\nimport rego.v1\n"
        "import data.gallerylint.rules.version_format\n"
        'test_wrong if { count(version_format.check([{"k": 0, "name": "1.0.0"}])) == 1 }\n'
        'test_right if { count(version_format.check([{"k": 0, "name": "1.0"}])) == 1 }\n')
    rule = parse_rego_rule(tmp_path / "vf.rego")
    results = {r.name: r.passed for r in EmbeddedEngine().run_tests(rule.rego)}
    assert results == {"test_wrong": False, "test_right": True}


def test_every_policy_has_a_test_and_metadata_naming_known_fields():
    fields = field_names()
    for rule in REGO_RULES:
        assert rule.rego.test_path is not None, rule.id
        assert rule.rego.collection in fields, rule.id
        assert set(rule.rego.fields) <= set(fields[rule.rego.collection]), rule.id
        assert re.search(r"^## What it does", rule.doc, re.MULTILINE), rule.id


# Builtins the embedded engine gets wrong or lacks (policies/lib/gallerylint.rego lists why).
FORBIDDEN = [r"time\.parse_rfc3339_ns", r"semver\.compare", r"time\.diff", r"time\.format",
             r"object\.union", r"\(\?i\)", r"\bnet\.", r"http\.send", r"json\.match_schema",
             r"rego\.metadata", r"\btrace\(", r"\bupper\(", r"\blower\(", r"%q", r"%v",
             r"\bwith input as\b", r"sprintf\([^)]*concat\(", r"sprintf\([^)]*list_text\("]


@pytest.mark.parametrize("path", sorted(policies_dir().rglob("*.rego")), ids=lambda p: p.name)
def test_policies_avoid_builtins_regopy_gets_wrong(path):
    code = "\n".join(line.split("#", 1)[0] for line in path.read_text().splitlines())
    forbidden = FORBIDDEN
    if path.parent.name == "gate":
        # The gate reads raw ARM JSON from its caller; lower() is only applied to ASCII
        # (type names, ARM IDs, Azure region names), where both engines agree.
        forbidden = [p for p in FORBIDDEN if p not in (r"\blower\(",)]
    used = [pattern for pattern in forbidden if re.search(pattern, code)]
    assert used == []


@pytest.mark.parametrize("path", sorted(policies_dir().rglob("*.rego")), ids=lambda p: p.name)
def test_policies_are_rego_v1(path):
    text = path.read_text()
    assert "import rego.v1" in text
    assert "import future.keywords" not in text
    # v0 partial-set syntax `p[x] {` is not Rego v1.
    assert not re.search(r"^\w+\[\w+\]\s*\{", text, re.MULTILINE)


def test_policy_that_does_not_compile_is_an_engine_error(tmp_path):
    bad = tmp_path / "bad.rego"
    bad.write_text("# METADATA\n# title: bad\n# custom:\n#   id: X001\n#   level: error\n"
                   "#   collection: versions\n#   fields: [name]\n"
                   "package gallerylint.rules.bad\nimport rego.v1\nviolations := [x | x := \n")
    rule = parse_rego_rule(bad)
    with pytest.raises(EngineError) as exc:
        EmbeddedEngine().evaluate([rule.rego], {rule.rego.path: {"items": []}})
    assert "bad.rego" in str(exc.value) and "does not compile" in str(exc.value)


def test_policy_with_conflicting_values_is_an_engine_error_not_a_crash(tmp_path):
    bad = tmp_path / "conflict.rego"
    bad.write_text("# METADATA\n# title: conflict\n# custom:\n#   id: X002\n#   level: error\n"
                   "#   collection: versions\n#   fields: [name]\n"
                   "package gallerylint.rules.conflict\nimport rego.v1\n"
                   "violations := [] if { true }\nviolations := [1] if { true }\n")
    rule = parse_rego_rule(bad)
    with pytest.raises(EngineError) as exc:
        EmbeddedEngine().evaluate([rule.rego], {rule.rego.path: {"items": []}})
    assert "conflict.rego" in str(exc.value)


def test_malformed_violation_is_an_engine_error(tmp_path):
    bad = tmp_path / "shape.rego"
    bad.write_text("# METADATA\n# title: shape\n# custom:\n#   id: X003\n#   level: error\n"
                   "#   collection: versions\n#   fields: [name]\n"
                   "package gallerylint.rules.shape\nimport rego.v1\n"
                   'violations := [{"message": "no k"}]\n')
    rule = parse_rego_rule(bad)
    with pytest.raises(EngineError) as exc:
        EmbeddedEngine().evaluate([rule.rego], {rule.rego.path: {"items": []}})
    assert "malformed violation" in str(exc.value)


def test_prepared_inputs_evaluate_as_the_documents_do():
    """`prepare` converts each distinct document once (regopy's conversion runs on the
    caller's thread, the queries on the engine's), and evaluation reads the converted
    inputs as it reads the documents."""
    rules = [r for r in REGO_RULES if r.rego.collection == "versions"
             and r.rego.fields == ("name",)]
    version_format = next(r for r in rules if r.id == "ACG101")
    document = {"items": [{"k": 0, "name": "1.0.0"}, {"k": 1, "name": "v1.2"},
                          {"k": 2, "name": "2147483648.0.0"}]}
    policies = [r.rego for r in rules]
    inputs = {p.path: document for p in policies}
    engine = EmbeddedEngine()
    prepared = engine.prepare(policies, inputs)
    assert len({id(v) for v in prepared.values()}) == 1  # one document, converted once
    assert not isinstance(prepared[version_format.rego.path], dict)
    from_documents = engine.evaluate(policies, inputs)
    assert [v["k"] for v in from_documents[version_format.rego.path]] == [1, 2]
    assert engine.evaluate(policies, prepared) == from_documents


def test_an_input_regopy_cannot_convert_is_an_engine_error_naming_the_policy():
    rule = next(r for r in REGO_RULES if r.id == "ACG101")
    with pytest.raises(EngineError) as exc:
        EmbeddedEngine().prepare([rule.rego], {rule.rego.path: {"items": [{"k": object()}]}})
    assert "version-format.rego" in str(exc.value) and "refused the input" in str(exc.value)
