"""`--engine opa` against an OPA that serves the gallerylint bundle (how fleets run),
and against a bare one; `gate --engine opa` asking the fleet for its decision.

The stand-in (tests/fake_opa.py) refuses policy uploads under a bundle's roots with
OPA's own message, keeps manifests at data.system.bundles, and limits request
bodies, so the failure a real OPA 1.9 showed (issue 14) is caught here too."""

import io
import json
import re
import shlex
import subprocess
import sys
import tarfile
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest

from builders import (SUB, definition, definition_id, gallery, target, version, version_id,
                      vm, vmss)
from fake_opa import FakeOpa
from linter import config
from linter.engines.bundle import policies_digest, write_bundle
from linter.engines.opa import OpaEngine
from linter.errors import GalleryLintError
from linter.facts import build
from linter.gate import gate, gate_via_opa
from linter.rules.registry import load_registry
from linter.sources import load_paths

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "contoso"
NOW = "2026-11-21T00:00:00Z"
NOW_DT = datetime(2026, 11, 21, tzinfo=timezone.utc)


def gallerylint(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def one_line(result):
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def sample_bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "bundle.tar.gz"
    result = gallerylint("bundle", "--output", str(out), "--inventory", str(SAMPLE),
                         "--config", str(SAMPLE / ".gallerylint.yaml"), "--now", NOW)
    assert result.returncode == 0, result.stderr
    return out


def lint_json(*extra):
    result = gallerylint("lint", str(SAMPLE), str(ROOT / "samples" / "iac"), "--config",
                         str(SAMPLE / ".gallerylint.yaml"), "--now", NOW, "--format", "json",
                         "--fail-on", "never", *extra)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    return sorted((f["ruleId"], f["resourceId"], f.get("region") or "", f["level"],
                   f["message"], (f.get("location") or {}).get("startLine", 0))
                  for f in doc["findings"]), result


def test_lint_through_a_served_bundle_gives_the_embedded_findings_and_uploads_nothing(
        sample_bundle):
    embedded, _ = lint_json()
    with FakeOpa(bundle=sample_bundle) as server:
        served, result = lint_json("--engine", "opa", "--opa-url", server.url)
        methods = {method for method, _, _ in server.requests}
        paths = [path for _, path, _ in server.requests]
    assert served == embedded and len(embedded) > 50
    assert methods == {"GET", "POST"}  # nothing uploaded, nothing deleted
    assert paths[0] == "/v1/data/system/bundles"
    assert all(p.startswith("/v1/data/gallerylint/rules/") for p in paths[1:])


def test_lint_on_a_bare_server_uploads_and_cleans_up_in_auto_mode(sample_bundle):
    embedded, _ = lint_json()
    with FakeOpa() as server:
        uploaded, _ = lint_json("--engine", "opa", "--opa-url", server.url)
        assert server.policies == {}
        assert any(method == "PUT" for method, _, _ in server.requests)
    assert uploaded == embedded


def test_upload_mode_on_a_served_server_says_the_bundle_owns_the_path(sample_bundle):
    with FakeOpa(bundle=sample_bundle) as server:
        result = gallerylint("lint", str(SAMPLE), "--engine", "opa", "--opa-url", server.url,
                             "--opa-mode", "upload")
    assert result.returncode == 3
    line = one_line(result)
    assert 'is owned by bundle "bundle.tar.gz"' in line and "--opa-mode auto or served" in line


def test_served_mode_on_a_bare_server_is_exit_3(tmp_path):
    with FakeOpa() as server:
        result = gallerylint("lint", str(SAMPLE), "--engine", "opa", "--opa-url", server.url,
                             "--opa-mode", "served")
        assert not [r for r in server.requests if r[0] == "PUT"]
    assert result.returncode == 3 and "serves no gallerylint bundle" in one_line(result)


def rewrite_bundle(source, target, manifest_change=None, data_change=None):
    """A copy of a bundle with its manifest or data edited (another gallerylint's, a
    foreign bundle)."""
    with tarfile.open(source) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(target, "w:gz") as out:
        for member, content in members:
            if member.name == ".manifest" and manifest_change:
                content = json.dumps(manifest_change(json.loads(content))).encode()
            if member.name == "data.json" and data_change:
                content = json.dumps(data_change(json.loads(content))).encode()
            member.size = len(content)
            out.addfile(member, io.BytesIO(content))
    return target


def test_a_bundle_of_other_policies_is_refused_naming_both(sample_bundle, tmp_path):
    def older(manifest):
        manifest["revision"] = "0123abcd"
        manifest["metadata"]["gallerylint"]["policies"] = "feedfacefeedface"
        return manifest

    def older_data(data):
        data["gallerylint"]["bundle"]["policies"] = "feedfacefeedface"
        return data

    other = rewrite_bundle(sample_bundle, tmp_path / "old.tar.gz", older, older_data)
    with FakeOpa(bundle=other) as server:
        lint = gallerylint("lint", str(SAMPLE), "--engine", "opa", "--opa-url", server.url)
        dep = gallerylint("gate", "--deployment", str(SAMPLE / "app-deploy.json"), "--engine",
                          "opa", "--opa-url", server.url, "--now", NOW)
    for result in (lint, dep):
        assert result.returncode == 3
        line = one_line(result)
        assert "feedfacefeedface" in line and policies_digest() in line
        assert "0123abcd" in line and "gallerylint bundle" in line


def test_a_foreign_bundle_that_owns_everything_is_refused(sample_bundle, tmp_path):
    def foreign(manifest):
        return {"revision": "fleet-7"}  # no roots: it owns all of data

    def no_identity(data):
        del data["gallerylint"]["bundle"]
        return data

    other = rewrite_bundle(sample_bundle, tmp_path / "foreign.tar.gz", foreign, no_identity)
    with FakeOpa(bundle=other) as server:
        result = gallerylint("lint", str(SAMPLE), "--engine", "opa", "--opa-url", server.url)
    assert result.returncode == 3
    assert "not written by 'gallerylint bundle'" in one_line(result)
    assert "fleet-7" in result.stderr


def test_a_server_that_hides_data_system_is_recognised_by_the_bundle_data(sample_bundle):
    embedded, _ = lint_json()
    with FakeOpa(bundle=sample_bundle, hide_system=True) as server:
        served, _ = lint_json("--engine", "opa", "--opa-url", server.url)
        assert not [r for r in server.requests if r[0] == "PUT"]
    assert served == embedded


def test_user_policies_run_embedded_next_to_a_served_bundle_and_the_run_says_so(
        sample_bundle, tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "no-westus.rego").write_text(
        "# METADATA\n# title: no westus\n# custom:\n#   id: CUSTOM1\n#   level: warning\n"
        "#   collection: versions\n#   fields: [name]\npackage custom.no_westus\n\n"
        "import rego.v1\n\nviolations := [v | some item in input.items\n"
        "  v := {\"k\": item.k, \"message\": concat(\"\", [\"version \", item.name])}]\n")
    cfg = tmp_path / ".gallerylint.yaml"
    cfg.write_text((SAMPLE / ".gallerylint.yaml").read_text() + "rules:\n  paths: [rules]\n")
    with FakeOpa(bundle=sample_bundle) as server:
        result = gallerylint("lint", str(SAMPLE), "--config", str(cfg), "--now", NOW,
                             "--engine", "opa", "--opa-url", server.url, "--format", "json",
                             "--fail-on", "never")
        assert not [r for r in server.requests if r[0] == "PUT"]
    assert result.returncode == 0, result.stderr
    assert "no-westus.rego" in result.stderr and "ran in the embedded engine" in result.stderr
    found = json.loads(result.stdout)["findings"]
    assert any(f["ruleId"] == "CUSTOM1" for f in found)


def test_a_server_with_a_small_body_limit_gets_smaller_requests(sample_bundle):
    embedded, _ = lint_json()
    with FakeOpa(bundle=sample_bundle, max_body=400) as server:
        served, _ = lint_json("--engine", "opa", "--opa-url", server.url)
        refused = [r for r in server.requests if r[2] > 400]
        accepted = [r for r in server.requests if r[0] == "POST" and r[2] <= 400]
    assert served == embedded
    assert refused and len(accepted) > len(refused)  # halved until they fit


def test_opa_error_bodies_reach_the_user_as_one_line(sample_bundle):
    with FakeOpa(bundle=sample_bundle, max_body=60) as server:  # not even one item fits
        result = gallerylint("lint", str(SAMPLE), "--engine", "opa", "--opa-url", server.url)
    assert result.returncode == 3
    line = one_line(result)
    assert "HTTP 413" in line and "request body too large" in line and server.url in line
    with FakeOpa(bundle=sample_bundle, token="s3cr3t-value") as server:
        result = gallerylint("lint", str(SAMPLE), "--engine", "opa", "--opa-url", server.url)
    assert result.returncode == 3
    assert "unauthorized" in one_line(result) and "s3cr3t-value" not in result.stderr


# -- gate through the fleet --------------------------------------------------------------

BASE = [gallery(), definition(disallowed=["Standard_LRS"], security="TrustedLaunchSupported"),
        version("1.0.0", regions=[target("westeurope", 3), target("northeurope", 3)],
                eol="2027-06-01", published="2026-11-01T00:00:00Z")]
SHALLOW = [*BASE[:2], version("1.0.0", regions=[target("westeurope", 3)], eol="2027-06-01",
                              mode="Shallow")]
MARKETPLACE = {**vm("market"), "properties": {
    "storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "ubuntu",
                                          "sku": "22_04-lts", "version": "latest"},
                       "osDisk": {"managedDisk": {"storageAccountType": "Premium_LRS"}}}}}
GATE_CASES = {
    "all pass": (BASE, [vm("new", security="TrustedLaunch")]),
    "missing version": (BASE, [vm("new", version_id("9.9.9"))]),
    "missing definition": (BASE, [vm("new", definition_id("nope"))]),
    "past end of life": ([*BASE[:2], version("1.0.0", regions=[target("westeurope", 3)],
                                             eol="2026-01-01")], [vm("new")]),
    "region not replicated": (BASE, [vm("new", location="eastus")]),
    "latest not in region": (BASE, [vm("new", definition_id(), location="eastus")]),
    "latest resolves": (BASE, [vm("new", definition_id(), security="TrustedLaunch")]),
    "scale set too big": (BASE, [vmss("big", capacity=1900)]),
    "vms over replicas": ([*BASE, *[vm(f"old{i}") for i in range(60)]], [vm("new")]),
    "disk disallowed": (BASE, [vm("new", disk="Standard_LRS")]),
    "security type": (BASE, [vm("new", security="ConfidentialVM")]),
    "shallow, not production": (SHALLOW, [vm("new")]),
    "shallow in production": (SHALLOW, [vm("new", tags={"environment": "production"})]),
    "marketplace image": (BASE, [MARKETPLACE]),
    "two deployments": (BASE, [vm("a", security="TrustedLaunch"), vm("b", location="eastus")]),
}


def statuses(results):
    """Each deployment's verdict and its lines for the rules the bundle's gate policy
    judges; the embedded gate's other lines must be ones the bundle says it cannot know."""
    from linter.gate import OPA_JUDGED
    return [(r.id.lower(), r.passed, [(c.rule, c.status) for c in r.checks
                                      if c.rule in OPA_JUDGED or c.status == "skip"])
            for r in results]


def unjudged(results):
    from linter.gate import OPA_JUDGED
    return {(c.rule, c.status) for r in results for c in r.checks
            if c.rule not in OPA_JUDGED and c.status != "skip"}


@pytest.mark.parametrize("case", sorted(GATE_CASES))
def test_gate_decisions_through_opa_match_the_embedded_gate(case, tmp_path):
    inventory, deployment = GATE_CASES[case]
    (tmp_path / "inventory.json").write_text(json.dumps(inventory))
    (tmp_path / "deployment.json").write_text(json.dumps(deployment))
    settings = config.Settings()
    inv, dep = [str(tmp_path / "inventory.json")], [str(tmp_path / "deployment.json")]
    embedded = gate(inv, dep, settings, NOW_DT, load_registry())
    bundle = tmp_path / "bundle.tar.gz"
    write_bundle(str(bundle), build(load_paths(inv), settings, NOW_DT))
    with FakeOpa(bundle=bundle) as server:
        through_opa = gate_via_opa(OpaEngine(server.url), dep, settings, NOW_DT,
                                   load_registry())
    assert statuses(through_opa) == statuses(embedded)
    assert {status for _, status in unjudged(through_opa)} <= {"unknown"}


def sample_deployments():
    """New VMs and scale sets against every image definition of the contoso sample: pinned
    to its newest and oldest version, in a region it is replicated to and one it is not,
    by definition (latest), with allowed and disallowed disks and security types."""
    settings = config.load(SAMPLE / ".gallerylint.yaml")
    facts = build(load_paths([str(SAMPLE)]), settings, NOW_DT)
    out = []
    for i, df in enumerate(facts.definitions):
        versions = sorted((vf for vf in df.versions if isinstance(vf.regions, dict)
                           and vf.regions), key=lambda vf: vf.version.name)
        regions = sorted(versions[-1].regions) if versions else ["westeurope"]
        disk = "Standard_LRS" if i % 3 == 0 else "Premium_LRS"
        security = ["TrustedLaunch", "ConfidentialVM", None][i % 3]
        if versions:
            out.append(vm(f"pin{i}", versions[-1].version.id, location=regions[0], disk=disk,
                          security=security))
            out.append(vm(f"old{i}", versions[0].version.id, location="eastus"))
            out.append(vmss(f"ss{i}", versions[-1].version.id, capacity=400 * (i % 4),
                            location=regions[-1], tags={"environment": "production"}))
        out.append(vm(f"latest{i}", df.definition.id, location=regions[0],
                      security="TrustedLaunch"))
    return out


def test_gate_on_the_samples_through_both_engines(sample_bundle, tmp_path):
    """Each deployment alone (so none counts another's instances), through the CLI's two
    paths: the embedded gate over the inventory, the fleet's decision over the bundle."""
    settings = config.load(SAMPLE / ".gallerylint.yaml")
    deployments = sample_deployments()
    assert len(deployments) > 60
    verdicts = {"pass": 0, "fail": 0}
    with FakeOpa(bundle=sample_bundle) as server:
        engine = OpaEngine(server.url)
        for n, deployment in enumerate(deployments):
            path = tmp_path / f"d{n}.json"
            path.write_text(json.dumps([deployment]))
            embedded = gate([str(SAMPLE)], [str(path)], settings, NOW_DT, load_registry())
            fleet = gate_via_opa(engine, [str(path)], settings, NOW_DT, load_registry())
            assert statuses(fleet) == statuses(embedded), deployment["name"]
            assert {status for _, status in unjudged(fleet)} <= {"unknown"}
            verdicts["pass" if embedded[0].passed else "fail"] += 1
        # and the sample deployment file, through the command line
        common = ("--deployment", str(SAMPLE / "app-deploy.json"), "--now", NOW, "--format",
                  "json", "--config", str(SAMPLE / ".gallerylint.yaml"))
        here = gallerylint("gate", "--inventory", str(SAMPLE), *common)
        there = gallerylint("gate", "--engine", "opa", "--opa-url", server.url, *common)
    assert verdicts["pass"] > 5 and verdicts["fail"] > 5  # both verdicts were exercised
    assert here.returncode == there.returncode == 1  # ACG802 and ACG803: Azure rejects both
    from linter.gate import OPA_JUDGED

    def lines(doc):
        return [(d["id"], d["passed"], [(c["rule"], c["status"], c["messages"])
                                        for c in d["checks"] if c["rule"] in OPA_JUDGED])
                for d in doc["deployments"]]
    assert lines(json.loads(here.stdout)) == lines(json.loads(there.stdout))


def test_gate_through_opa_says_the_bundle_cannot_know_images_the_deployment_creates(
        sample_bundle):
    with FakeOpa(bundle=sample_bundle) as server:
        result = gallerylint("gate", "--engine", "opa", "--opa-url", server.url,
                             "--deployment", str(ROOT / "samples/iac/bicep/main.json"),
                             "--now", NOW)
    assert result.returncode == 1
    assert "creates" in result.stderr and "gallery" in result.stderr


def test_gate_through_opa_refuses_a_stale_or_partial_bundle(tmp_path):
    snapshot = {"kind": "gallerylint.snapshot", "schemaVersion": 1,
                "metadata": {"toolVersion": "0.1.0", "createdAt": "2026-11-01T00:00:00Z",
                             "source": "arm", "subscriptions": [SUB],
                             "failedScopes": [{"scope": f"subscriptions:{SUB}",
                                               "error": "HTTP 403"}]},
                "galleries": [BASE[0]], "imageDefinitions": [BASE[1]],
                "imageVersions": [BASE[2]], "virtualMachines": [],
                "virtualMachineScaleSets": []}
    (tmp_path / "snap.json").write_text(json.dumps(snapshot))
    (tmp_path / "dep.json").write_text(json.dumps([vm("new", security="TrustedLaunch")]))
    bundle = tmp_path / "bundle.tar.gz"
    assert gallerylint("bundle", "--output", str(bundle), "--inventory",
                       str(tmp_path / "snap.json"), "--now", NOW).returncode == 0
    with FakeOpa(bundle=bundle) as server:
        base = ("gate", "--deployment", str(tmp_path / "dep.json"), "--engine", "opa",
                "--opa-url", server.url, "--now", NOW)
        refused = gallerylint(*base)
        accepted = gallerylint(*base, "--allow-partial", "--max-age", "1000")
        mixed = gallerylint(*base, "--inventory", str(tmp_path / "snap.json"))
    assert refused.returncode == 3 and "partial" in refused.stderr and "hours old" in \
        refused.stderr
    assert accepted.returncode == 0, accepted.stderr
    assert mixed.returncode == 2 and "--inventory is not read" in mixed.stderr


def test_gate_through_a_bare_server_is_exit_3():
    with FakeOpa() as server:
        result = gallerylint("gate", "--deployment", str(SAMPLE / "app-deploy.json"),
                             "--engine", "opa", "--opa-url", server.url)
    assert result.returncode == 3 and "serves none" in one_line(result)


# -- the README's walkthrough, line by line ---------------------------------------------


def readme_walkthrough():
    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    section = text.split("**Bundles for an OPA fleet.**", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.DOTALL).group(1)
    return [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def test_the_readme_opa_fleet_walkthrough_runs_as_written(tmp_path):
    lines = readme_walkthrough()
    server = None
    expected = None
    try:
        for line in lines:
            if line.startswith("#"):
                expected = json.loads(line.lstrip("# "))
                continue
            argv = shlex.split(line.rstrip("&").strip())
            if argv[0] == "gallerylint":
                if server is not None:
                    argv = [a.replace("http://127.0.0.1:8181", server.url) for a in argv]
                if argv[1] == "bundle":  # written in the test's folder, not the checkout
                    tmp_bundle = tmp_path / "bundle.tar.gz"
                    argv[argv.index("--output") + 1] = str(tmp_bundle)
                result = gallerylint(*argv[1:], "--now", NOW, cwd=ROOT) if argv[1] in (
                    "bundle", "gate") else gallerylint(*argv[1:], cwd=ROOT)
                assert result.returncode in (0, 1), (line, result.stderr)
                assert "engine error" not in result.stderr
                if argv[1] == "gate":
                    assert re.search(r"PASS +ACG603 +deployment-region-not-replicated",
                                     result.stdout)
            elif argv[0] == "opa":
                assert argv[1:3] == ["run", "--server"] and "--bundle" in argv
                server = FakeOpa(bundle=tmp_bundle).__enter__()
            elif argv[0] == "curl":
                url = argv[argv.index("-X") + 2].replace("http://127.0.0.1:8181", server.url)
                body = argv[argv.index("-d") + 1].encode()
                with urllib.request.urlopen(urllib.request.Request(url, data=body)) as answer:
                    got = json.loads(answer.read())
            else:
                pytest.fail(f"the walkthrough has a line this test cannot run: {line}")
        assert expected is not None and got == expected
    finally:
        if server is not None:
            server.__exit__(None, None, None)


def test_engine_mode_in_config_is_validated(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("engine:\n  mode: sometimes\n")
    result = gallerylint("lint", str(SAMPLE), "--config", str(cfg))
    assert result.returncode == 2 and "c.yaml" in result.stderr
    cfg.write_text("engine:\n  mode: served\n")
    assert config.load(cfg).engine.mode == "served"
    with pytest.raises(GalleryLintError):
        OpaEngine("http://127.0.0.1:1", mode="sometimes")
