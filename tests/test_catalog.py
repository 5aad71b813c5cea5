"""The rule catalog is a public contract: IDs, names, levels as rules.md has them."""

from pathlib import Path

from linter.docs import configuration_markdown, rules_markdown
from linter.rules.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent

# From shared/spec/rules.md, catalog version 1.
CATALOG = {
    "ACG101": ("version-format", "error"), "ACG102": ("definition-identity-duplicate", "error"),
    "ACG103": ("resource-name", "error"), "ACG104": ("latest-is-not-newest", "warning"),
    "ACG201": ("gallery-count-limit", "error"), "ACG202": ("definition-count-limit", "error"),
    "ACG203": ("version-count-limit", "error"), "ACG204": ("replica-count-limit", "error"),
    "ACG205": ("image-size-limit", "error"), "ACG301": ("version-end-of-life", "error"),
    "ACG302": ("version-end-of-life-soon", "warning"), "ACG303": ("end-of-life-missing", "note"),
    "ACG304": ("definition-end-of-life", "warning"), "ACG305": ("stale-image", "warning"),
    "ACG306": ("outdated-deployment", "warning"), "ACG307": ("no-latest-version", "error"),
    "ACG308": ("replication-failed", "error"), "ACG309": ("policy-violation-reported", "error"),
    "ACG401": ("disallowed-disk-type", "error"), "ACG402": ("replica-not-zone-redundant", "warning"),
    "ACG403": ("shallow-replication-at-scale", "warning"), "ACG501": ("community-gallery", "error"),
    "ACG502": ("direct-share-unapproved", "error"), "ACG503": ("specialized-image-shared", "error"),
    "ACG504": ("community-metadata-missing", "warning"), "ACG601": ("replicas-for-vms", "warning"),
    "ACG602": ("replicas-for-scale-sets", "warning"),
    "ACG603": ("deployment-region-not-replicated", "error"),
    "ACG604": ("source-region-not-targeted", "warning"),
    "ACG605": ("production-replica-minimum", "warning"),
    "ACG606": ("single-region-version", "note"), "ACG607": ("replicas-overprovisioned", "note"),
    "ACG701": ("trusted-launch-not-supported", "warning"),
    "ACG702": ("security-type-mismatch", "error"),
    "ACG801": ("image-reference-unresolved", "warning"),
}
# Catalog version 2: the 23 new rules (default levels as rules.md gives them).
CATALOG_V2 = {
    "ACG105": ("artifact-location-mismatch", "note"), "ACG206": ("version-retention", "warning"),
    "ACG310": ("version-deletion-unprotected", "warning"),
    "ACG311": ("soft-deleted-version-in-use", "error"), "ACG312": ("provisioning-failed", "error"),
    "ACG404": ("target-region-encryption", "error"), "ACG405": ("standard-hdd-os-disk", "warning"),
    "ACG505": ("encrypted-version-shared", "error"),
    "ACG506": ("community-image-unapproved", "error"),
    "ACG507": ("public-metadata-secret", "error"),
    "ACG608": ("replication-config-invalid", "error"),
    "ACG609": ("edge-zone-not-replicated", "error"),
    "ACG703": ("image-vm-size-incompatible", "error"),
    "ACG704": ("definition-feature-conflict", "error"),
    "ACG705": ("trusted-launch-validation-failed", "warning"),
    "ACG802": ("os-state-profile-mismatch", "error"), "ACG803": ("purchase-plan-mismatch", "error"),
    "ACG901": ("app-version-end-of-life", "error"), "ACG902": ("app-region-not-replicated", "error"),
    "ACG903": ("app-os-type-mismatch", "error"), "ACG904": ("app-profile-invalid", "error"),
    "ACG905": ("app-version-count-limit", "error"), "ACG906": ("app-failure-ignored", "note"),
}
CATALOG = {**CATALOG, **CATALOG_V2}
SECURITY = {"ACG309", "ACG501", "ACG502", "ACG503", "ACG504", "ACG701", "ACG505", "ACG506",
            "ACG507", "ACG705"}


def test_registry_matches_the_catalog():
    rules = list(load_registry())
    assert len(rules) == len(CATALOG)
    assert {r.id: (r.name, r.level) for r in rules} == CATALOG


def test_security_rules_carry_tag_and_severity():
    for r in load_registry():
        assert ("security" in r.tags) == (r.id in SECURITY), r.id
        assert (r.security_severity is not None) == (r.id in SECURITY), r.id


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
