"""The rule catalog is a public contract: IDs, names, levels as rules.md has them."""

import re
from pathlib import Path

import pytest

from linter.docs import configuration_markdown, rules_markdown
from linter.rules.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent

SPEC = ROOT.parent / "shared" / "spec" / "rules.md"
_ROW = re.compile(r"^\| (ACG\d{3}) \| ([a-z0-9-]+) \| ([^|]+) \|", re.MULTILINE)


def spec_catalog() -> dict[str, tuple[str, str, bool]]:
    """rules.md's tables: ID -> (name, default level, security). *security* is marked in
    the level column, and every ACG5xx rule is a security rule (its section says so)."""
    if not SPEC.is_file():
        pytest.skip("the catalog spec (../shared/spec/rules.md) is not in this checkout")
    text = SPEC.read_text(encoding="utf-8")
    out = {}
    for rid, name, level in _ROW.findall(text):
        first = re.match(r"\s*(error|warning|note)\b", level)
        if rid in out:
            continue  # another table (examples) that names rules
        if first is None:
            # the limits table has a column of limits instead: its rules fire as `error`
            # above the limit (its section says so)
            if rid.startswith("ACG2"):
                out[rid] = (name, "error", False)
            continue
        # "error in a Community gallery, else note": the level everywhere else is the
        # default; otherwise the first level the column names.
        other = re.search(r"\belse (error|warning|note)\b|\b(error|warning|note) otherwise\b",
                          level)
        default = (other.group(1) or other.group(2)) if other else first.group(1)
        out[rid] = (name, default, "*security*" in level or rid.startswith("ACG5"))
    return out


def test_registry_matches_the_catalog():
    """Every rule gallerylint ships is in rules.md with its name and default level, and
    every rule rules.md lists is shipped (both lists come from their sources: the spec's
    tables and the registry; nothing here is kept by hand)."""
    spec = spec_catalog()
    shipped = {r.id: (r.name, r.level) for r in load_registry()}
    assert {k: v for k, v in shipped.items() if k in spec} == \
        {k: (name, level) for k, (name, level, _) in spec.items() if k in shipped}
    assert set(shipped) - set(spec) == set(), "rules that rules.md does not list"
    assert sorted(set(spec) - set(shipped)) == [], "rules.md rules not shipped"


def test_security_rules_carry_tag_and_severity():
    spec = spec_catalog()
    for r in load_registry():
        security = spec[r.id][2]
        assert ("security" in r.tags) == security, r.id
        assert (r.security_severity is not None) == security, r.id


def test_every_rule_documents_what_why_example_fix_config_related():
    for r in load_registry():
        for section in ("What it does", "Why it matters", "Example", "Fix", "Config", "Related"):
            assert f"## {section}" in r.doc, (r.id, section)


def test_generated_docs_are_fresh():
    rules = list(load_registry())
    assert (ROOT / "docs" / "rules.md").read_text() == rules_markdown(rules), \
        "docs/rules.md is stale: run python -m linter.docs"
    assert (ROOT / "docs" / "configuration.md").read_text() == configuration_markdown(rules), \
        "docs/configuration.md is stale: run python -m linter.docs"


def test_policy_metadata_cache_is_fresh():
    from linter.rules.registry import METADATA_CACHE, metadata_cache_text
    assert (ROOT / "policies" / METADATA_CACHE).read_text() == metadata_cache_text(), \
        "policies/metadata-cache.json is stale: run python -m linter.docs"
