"""Waivers, baselines and the production gate."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from builders import (definition, definition_id, estate, gallery, target, version, version_id,
                      vm, vmss)

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-21T00:00:00Z"


def gallerylint(*args, cwd):
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def write(path: Path, data) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
    return path


# -- waivers --------------------------------------------------------------------------


def test_waiver_by_glob_suppresses_in_sarif_and_does_not_fail(tmp_path):
    inv = write(tmp_path / "inv.json", estate(versions=[version("v1", eol="2027-06-01")]))
    write(tmp_path / ".gallerylint.yaml",
          "waivers:\n  - rule: version-format\n    resource: '*/galleries/acg/*'\n"
          "    reason: legacy naming, migrating in Q1\n    expires: 2027-03-31\n")
    result = gallerylint("lint", str(inv), "--now", NOW, "--format", "text", "--format", "sarif",
                         "--output", "out.sarif", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "1 waived" in result.stdout and "(waived)" in result.stdout
    [res] = [r for r in json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
             if r["ruleId"] == "ACG101"]
    assert res["suppressions"] == [{"kind": "external", "state": "accepted",
                                    "justification": "legacy naming, migrating in Q1"}]


def test_expired_waiver_stops_applying_and_is_reported_as_a_note(tmp_path):
    inv = write(tmp_path / "inv.json", estate(versions=[version("v1", eol="2027-06-01")]))
    write(tmp_path / ".gallerylint.yaml",
          "waivers:\n  - rule: ACG101\n    resource: '*'\n    reason: r\n    expires: 2026-11-20\n")
    result = gallerylint("lint", str(inv), "--now", NOW, "--format", "text", "--format", "sarif",
                         "--output", "out.sarif", cwd=tmp_path)
    assert result.returncode == 1
    assert "note: waiver for ACG101 on * expired on 2026-11-20" in result.stdout
    run = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]
    notes = run["invocations"][0]["toolConfigurationNotifications"]
    assert notes[0]["level"] == "note" and "expired" in notes[0]["message"]["text"]


def test_waiver_valid_through_its_expiry_day(tmp_path):
    inv = write(tmp_path / "inv.json", estate(versions=[version("v1", eol="2027-06-01")]))
    write(tmp_path / ".gallerylint.yaml",
          "waivers:\n  - rule: ACG101\n    resource: '*'\n    reason: r\n    expires: 2026-11-21\n")
    assert gallerylint("lint", str(inv), "--now", "2026-11-21T23:00:00Z",
                       cwd=tmp_path).returncode == 0


def test_waive_command_round_trip_keeps_comments(tmp_path):
    config = write(tmp_path / ".gallerylint.yaml",
                   "# platform team\nlimits:\n  galleries: 50  # ticket 4711\n")
    result = gallerylint("waive", "ACG601", "/subscriptions/*/galleries/acg/*", "--reason",
                         "capacity reserved", "--expires", "2099-01-31", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = config.read_text()
    assert text.startswith("# platform team\nlimits:\n  galleries: 50  # ticket 4711\n")
    assert "- rule: ACG601" in text and "reason: capacity reserved" in text
    bad = gallerylint("waive", "ACG999", "x", "--reason", "r", "--expires", "2099-01-01",
                      cwd=tmp_path)
    assert bad.returncode == 2
    bad_date = gallerylint("waive", "ACG601", "x", "--reason", "r", "--expires", "soon",
                           cwd=tmp_path)
    assert bad_date.returncode == 2


# -- baselines ------------------------------------------------------------------------


def test_baseline_marks_new_unchanged_and_absent(tmp_path):
    first = write(tmp_path / "first.json", estate(versions=[version("v1", eol="2027-06-01"),
                                                           version("v2", eol="2027-06-01")]))
    assert gallerylint("lint", str(first), "--now", NOW, "--format", "sarif", "--output",
                       "base.sarif", cwd=tmp_path).returncode == 1
    second = write(tmp_path / "second.json", estate(versions=[version("v1", eol="2027-06-01"),
                                                             version("v3", eol="2027-06-01")]))
    result = gallerylint("lint", str(second), "--now", NOW, "--baseline", "base.sarif",
                         "--format", "sarif", "--output", "now.sarif", cwd=tmp_path)
    assert result.returncode == 1  # v3 is new
    states = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].rsplit("/", 1)[1]:
              r["baselineState"] for r in json.loads((tmp_path / "now.sarif").read_text())
              ["runs"][0]["results"] if r["ruleId"] == "ACG101"}
    assert states == {"v1": "unchanged", "v3": "new", "v2": "absent"}
    same = gallerylint("lint", str(first), "--now", NOW, "--baseline", "base.sarif",
                       cwd=tmp_path)
    assert same.returncode == 0  # nothing new


def test_baseline_from_an_older_version_without_fingerprints(tmp_path):
    inv = write(tmp_path / "inv.json", estate(versions=[version("v1", eol="2027-06-01")]))
    old = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "gallerylint"}},
           "results": [{"ruleId": "ACG101", "message": {"text": "old wording"},
                        "locations": [{"logicalLocations": [
                            {"fullyQualifiedName": version_id("v1")}]}]}]}]}
    write(tmp_path / "old.sarif", old)
    assert gallerylint("lint", str(inv), "--now", NOW, "--baseline", "old.sarif",
                       cwd=tmp_path).returncode == 0


def test_bad_baseline_is_exit_2(tmp_path):
    inv = write(tmp_path / "inv.json", estate())
    write(tmp_path / "bad.sarif", "{not json")
    result = gallerylint("lint", str(inv), "--baseline", "bad.sarif", cwd=tmp_path)
    assert result.returncode == 2 and "bad.sarif:1" in result.stderr


# -- gate -----------------------------------------------------------------------------


def gate(tmp_path, inventory, deployment, *extra):
    inv = write(tmp_path / "inventory.json", inventory)
    dep = write(tmp_path / "deployment.json", deployment)
    result = gallerylint("gate", "--inventory", str(inv), "--deployment", str(dep), "--now",
                         NOW, "--format", "json", *extra, cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    assert (result.returncode == 0) == doc["passed"]
    [deployment_result] = doc["deployments"]
    return {c["rule"]: c["status"] for c in deployment_result["checks"]}


BASE = [gallery(), definition(disallowed=["Standard_LRS"], security="TrustedLaunchSupported"),
        version("1.0.0", regions=[target("westeurope", 3), target("northeurope", 3)],
                eol="2027-06-01", published="2026-11-01T00:00:00Z")]
# rules.md, "Gate (v3)": every rule located on a deployment that this catalog holds, then
# the checks on the version it uses.
ASKED = ["ACG801", "ACG306", "ACG307", "ACG311", "ACG401", "ACG403", "ACG405", "ACG406",
         "ACG407", "ACG506", "ACG603", "ACG609", "ACG611", "ACG702", "ACG703", "ACG707",
         "ACG802", "ACG803", "ACG804", "ACG901", "ACG902", "ACG903", "ACG904", "ACG906",
         "ACG301", "ACG601", "ACG602"]


def marketplace(body, tags=None):
    profile = body["properties"].get("virtualMachineProfile", body["properties"])
    profile["storageProfile"]["imageReference"] = {
        "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server",
        "version": "latest"}
    if tags:
        body["tags"] = tags
    return body


def test_gate_asks_every_rule_that_judges_a_deployment(tmp_path):
    statuses = gate(tmp_path, BASE, [vm("new", security="TrustedLaunch")])
    assert list(statuses) == ASKED
    assert set(statuses.values()) == {"pass"}


@pytest.mark.parametrize("rule,inventory,deployment,status", [
    ("ACG801", BASE, [vm("new", version_id("9.9.9"))], "fail"),
    ("ACG301", [*BASE[:2], version("1.0.0", regions=[target("westeurope", 3)],
                                   eol="2026-01-01")], [vm("new")], "fail"),
    ("ACG603", BASE, [vm("new", location="eastus")], "fail"),
    ("ACG307", BASE, [vm("new", definition_id(), location="eastus")], "fail"),
    ("ACG602", BASE, [vmss("big", capacity=1900)], "warn"),
    ("ACG601", [*BASE, *[vm(f"old{i}") for i in range(60)]], [vm("new")], "warn"),
    ("ACG401", BASE, [vm("new", disk="Standard_LRS")], "fail"),
    ("ACG702", BASE, [vm("new", security="ConfidentialVM")], "fail"),
    ("ACG403", [*BASE[:2], version("1.0.0", regions=[target("westeurope", 3)],
                                   eol="2027-06-01", mode="Shallow")], [vm("new")], "warn"),
    # v3: every compute resource, whatever its image
    ("ACG804", BASE, [marketplace(vm("new"), {"environment": "prod"})], "fail"),
    ("ACG707", BASE, [vm("new", security="Standard", tags={"environment": "prod"})], "warn"),
])
def test_gate_each_rule_fails_at_its_level(tmp_path, rule, inventory, deployment, status):
    """A finding at or above gate.fail_on (default error) fails the deployment; one
    below it is a warning line that does not."""
    statuses = gate(tmp_path, inventory, deployment)
    assert statuses[rule] == status, statuses
    if status == "warn":
        write(tmp_path / ".gallerylint.yaml", "gate:\n  fail_on: warning\n")
        assert gate(tmp_path, inventory, deployment)[rule] == "fail"


def test_gate_environments_choose_their_level_and_rules(tmp_path):
    inventory = [*BASE[:2], version("1.0.0", regions=[target("westeurope", 3)],
                                    eol="2027-06-01", mode="Shallow")]
    write(tmp_path / ".gallerylint.yaml",
          "gate:\n  environments:\n    Production:\n      fail_on: warning\n"
          "      skip_rules: [ACG9]\n    dev:\n      rules: [replication, ACG403]\n")
    prod = gate(tmp_path, inventory, [vm("new")])  # --environment defaults to production
    assert prod["ACG403"] == "fail"
    assert {prod[r] for r in ASKED if r.startswith("ACG9")} == {"skip"}
    dev = gate(tmp_path, inventory, [vm("new")], "--environment", "dev")
    assert dev["ACG403"] == "pass"  # not production: one instance of a shallow version
    asked = {r for r, s in dev.items() if s != "skip"}
    assert "ACG603" in asked and "ACG401" not in asked
    write(tmp_path / ".gallerylint.yaml", "gate:\n  environments:\n    x:\n"
          "      rules: [no-such-rule]\n")
    inv = write(tmp_path / "inventory.json", inventory)
    dep = write(tmp_path / "deployment.json", [vm("new")])
    bad = gallerylint("gate", "--inventory", str(inv), "--deployment", str(dep),
                      "--environment", "x", cwd=tmp_path)
    assert bad.returncode == 2 and "gate.environments.x" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_gate_judges_a_deployment_without_a_gallery_image(tmp_path):
    """A Marketplace scale set with VM applications: the image rules do not apply, and the
    application rules still judge it (never an unresolved gallery reference)."""
    market = vmss("market", None, capacity=2)
    market["properties"]["virtualMachineProfile"]["storageProfile"]["imageReference"] = {
        "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server",
        "version": "latest"}
    apps = "/".join(definition_id().split("/")[:-2]) + "/applications/agent/versions/1.0.0"
    market["properties"]["virtualMachineProfile"]["applicationProfile"] = {
        "galleryApplications": [{"packageReferenceId": apps}, {"packageReferenceId": apps}]}
    statuses = gate(tmp_path, BASE, [market])
    assert statuses["ACG801"] == "skip" and statuses["ACG603"] == "skip"
    assert statuses["ACG405"] == "skip"  # judges gallery-image deployments only
    assert statuses["ACG904"] == "fail"  # the same application twice: Azure rejects it
    # v3: not a gallery image, and the gate's environment (production) makes it production
    assert [r for r, s in statuses.items() if s == "fail"] == ["ACG804", "ACG904"]
    dev = gate(tmp_path, BASE, [market], "--environment", "dev")
    assert dev["ACG804"] == "warn"  # a note elsewhere


def test_gate_says_unknown_when_the_form_cannot_carry_the_fact(tmp_path):
    template = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                "deploymentTemplate.json#", "contentVersion": "1.0.0.0",
                "parameters": {"size": {"type": "string"}, "disk": {"type": "string"}},
                "resources": [{"type": "Microsoft.Compute/virtualMachines",
                               "apiVersion": "2024-07-01", "name": "web",
                               "location": "westeurope",
                               "properties": {"hardwareProfile": {
                                   "vmSize": "[parameters('size')]"},
                                   "storageProfile": {"imageReference": {"id": version_id()},
                                                      "osDisk": {"managedDisk": {
                                                          "storageAccountType":
                                                          "[parameters('disk')]"}}}}}]}
    statuses = gate(tmp_path, BASE, template)
    assert statuses["ACG703"] == "unknown" and statuses["ACG401"] == "unknown"
    assert statuses["ACG801"] == "pass" and statuses["ACG603"] == "pass"


def test_gate_text_output_and_no_deployment_is_exit_2(tmp_path):
    inv = write(tmp_path / "inventory.json", BASE)
    dep = write(tmp_path / "deployment.json", [vm("new", location="eastus")])
    result = gallerylint("gate", "--inventory", str(inv), "--deployment", str(dep), "--now", NOW,
                         cwd=tmp_path)
    assert result.returncode == 1
    assert re.search(r"FAIL +ACG603 +deployment-region-not-replicated +error: ", result.stdout)
    assert "gate FAILED: 1 of 1 deployment(s) failed" in result.stdout
    empty = write(tmp_path / "empty.json", [gallery("other")])
    result = gallerylint("gate", "--inventory", str(inv), "--deployment", str(empty),
                         cwd=tmp_path)
    assert result.returncode == 2


# -- partial and stale snapshots ------------------------------------------------------


def snapshot(created="2026-11-20T12:00:00Z", failed=()):
    by_type = {"microsoft.compute/galleries": "galleries",
               "microsoft.compute/galleries/images": "imageDefinitions",
               "microsoft.compute/galleries/images/versions": "imageVersions"}
    doc = {"kind": "gallerylint.snapshot", "schemaVersion": 1,
           "metadata": {"toolVersion": "0.1.0", "createdAt": created, "source": "arm",
                        "subscriptions": [], "failedScopes": list(failed)},
           "galleries": [], "imageDefinitions": [], "imageVersions": [],
           "virtualMachines": [], "virtualMachineScaleSets": []}
    for r in BASE:
        doc[by_type[r["type"].lower()]].append(r)
    return doc


FAILED = [{"scope": "subscriptions:22222222-2222-4222-8222-222222222222",
           "error": "HTTP 403: AuthorizationFailed"}]


def test_lint_reports_a_partial_or_stale_snapshot_in_every_format(tmp_path):
    snap = write(tmp_path / "snap.json", snapshot(created="2026-11-01T00:00:00Z", failed=FAILED))
    result = gallerylint("lint", str(snap), "--now", NOW, "--format", "text", "--format",
                         "sarif", "--output", str(tmp_path / "r.sarif"), "--format", "markdown",
                         "--output", str(tmp_path / "r.md"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "is partial: 1 scope(s) were not scanned" in result.stdout
    assert "480 hours old" in result.stdout
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["warning", "warning"]
    assert "partial" in (tmp_path / "r.md").read_text()
    fresh = write(tmp_path / "fresh.json", snapshot())
    result = gallerylint("lint", str(fresh), "--now", NOW, cwd=tmp_path)
    assert "warning: snapshot" not in result.stdout


def test_gate_fails_closed_on_a_partial_or_stale_inventory(tmp_path):
    dep = write(tmp_path / "dep.json", [vm("new", security="TrustedLaunch")])
    partial = write(tmp_path / "partial.json", snapshot(failed=FAILED))
    base = ("gate", "--deployment", str(dep), "--now", NOW)
    result = gallerylint(*base, "--inventory", str(partial), cwd=tmp_path)
    assert result.returncode == 3 and "partial" in result.stderr and "--allow-partial" in \
        result.stderr
    result = gallerylint(*base, "--inventory", str(partial), "--allow-partial", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    old = write(tmp_path / "old.json", snapshot(created="2026-11-10T00:00:00Z"))
    result = gallerylint(*base, "--inventory", str(old), cwd=tmp_path)
    assert result.returncode == 3 and "hours old" in result.stderr
    result = gallerylint(*base, "--inventory", str(old), "--max-age", "300", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_waive_refuses_a_past_date_and_a_duplicate(tmp_path):
    config = write(tmp_path / ".gallerylint.yaml", "limits:\n  galleries: 50\n")
    past = gallerylint("waive", "ACG601", "*/versions/1.0.0", "--reason", "r", "--expires",
                       "2020-01-01", cwd=tmp_path)
    assert past.returncode == 2 and "in the past" in past.stderr
    first = gallerylint("waive", "ACG601", "*/versions/1.0.0", "--reason", "r", "--expires",
                        "2099-01-01", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    again = gallerylint("waive", "replicas-for-vms", "*/versions/1.0.0", "--reason", "r2",
                        "--expires", "2099-06-01", cwd=tmp_path)
    assert again.returncode == 2 and "already waived" in again.stderr
    assert ".gallerylint.yaml:" in again.stderr  # file and line of the existing waiver
    assert config.read_text().count("- rule:") == 1


def test_a_waiver_that_matches_nothing_is_reported_as_stale(tmp_path):
    inv = write(tmp_path / "inv.json", estate(versions=[version("v1", eol="2027-06-01")]))
    write(tmp_path / ".gallerylint.yaml",
          "waivers:\n  - rule: ACG101\n    resource: '*/galleries/other/*'\n    reason: r\n"
          "    expires: 2099-01-01\n  - rule: ACG101\n    resource: '*'\n    reason: r\n"
          "    expires: 2099-01-01\n")
    result = gallerylint("lint", str(inv), "--now", NOW, cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    stale = [line for line in result.stdout.splitlines() if "matched no finding" in line]
    assert len(stale) == 1 and "*/galleries/other/*" in stale[0] and ".gallerylint.yaml:2" in \
        stale[0]
    only_other = gallerylint("lint", str(inv), "--now", NOW, "--rules", "ACG601", cwd=tmp_path)
    assert "matched no finding" not in only_other.stdout  # ACG101 did not run: not stale
