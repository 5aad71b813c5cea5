"""The exporter against a local HTTPS server that speaks ARM and Resource Graph:
the real SDK clients, paging, throttling, failures, and the snapshot they give."""

import json
import math
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import pytest

from azure_server import TOKEN, AzureTestServer, Fault
from linter import config
from linter.export.exporter import Exporter, ExportResult, StaticTokenCredential
from linter.lint import run
from linter.rules.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "contoso"
NOW = datetime(2026, 11, 21, tzinfo=timezone.utc)


# The version 1 estate of the sample: what the test server serves. The catalog v2 files
# (VM applications, the soft-deleted listing, Resource SKUs, a template) are not served.
V1_FILES = [SAMPLE / name for name in ("galleries.json", "image-definitions.json",
                                        "image-versions.json", "virtual-machines.json",
                                        "scale-sets.json")]


def sample_rows() -> list[dict]:
    rows = []
    for path in V1_FILES:
        rows += json.loads(path.read_text())["data"]
    return rows


@pytest.fixture()
def server(tmp_path, monkeypatch):
    with AzureTestServer(sample_rows(), page_size=7) as srv:
        ca = srv.ca_file(str(tmp_path / "ca.pem"))
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", ca)
        monkeypatch.setenv("AZURE_ACCESS_TOKEN", TOKEN)
        monkeypatch.setenv("GALLERYLINT_EXPORT_BACKOFF_SECONDS", "0.01")  # keep tests quick
        yield srv


def export(server, tmp_path, *args, name="snapshot.json", timeout=300):
    out = tmp_path / name
    result = subprocess.run(
        [sys.executable, "-m", "linter.cli", "export", "--arm-endpoint", server.endpoint,
         "--output", str(out), *args], capture_output=True, text=True, cwd=tmp_path,
        env=dict(os.environ), timeout=timeout)
    return result, out


def lint_findings(*paths):
    settings = config.load(SAMPLE / ".gallerylint.yaml")
    result = run([str(p) for p in paths], settings, NOW, registry=load_registry())
    return sorted((f.rule_id, f.resource_id.lower(), f.region or "", f.level, f.message)
                  for f in result.findings)


@pytest.mark.parametrize("source", ["resource-graph", "arm"])
def test_export_gives_the_estate_and_the_same_findings(server, tmp_path, source):
    result, out = export(server, tmp_path, "--source", source)
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    schema = json.loads((ROOT / "schemas" / "inventory.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(doc)
    meta = doc["metadata"]
    assert meta["source"] == source and meta["failedScopes"] == []
    assert sorted(meta["subscriptions"]) == sorted(server.subscriptions)
    assert meta["apiVersions"]["galleries"]
    counts = {k: len(doc[k]) for k in ("galleries", "imageDefinitions", "imageVersions",
                                       "virtualMachines", "virtualMachineScaleSets")}
    assert counts == {"galleries": 3, "imageDefinitions": 12, "imageVersions": 56,
                      "virtualMachines": 273, "virtualMachineScaleSets": 7}
    assert lint_findings(out) == lint_findings(*V1_FILES)
    assert TOKEN not in out.read_text() and TOKEN not in result.stderr


def test_both_sources_give_the_same_inventory(server, tmp_path):
    graph, graph_out = export(server, tmp_path, name="graph.json")
    arm, arm_out = export(server, tmp_path, "--source", "arm", name="arm.json")
    assert graph.returncode == 0 and arm.returncode == 0
    from linter.sources import load_paths
    from linter.facts import build

    def summary(path):
        facts = build(load_paths([str(path)]), config.Settings(), NOW)
        return sorted((d.deployment.id.lower(), d.version.version.id.lower() if d.version
                       else None, d.deployment.os_disk_type, d.deployment.security_type)
                      for d in facts.deployments)
    assert summary(graph_out) == summary(arm_out)


def test_arm_paging_follows_relative_and_absolute_next_links(server, tmp_path):
    result, _ = export(server, tmp_path, "--source", "arm")
    assert result.returncode == 0
    vm_pages = [p for m, p in server.requests if m == "GET" and "/virtualMachines?" in p]
    assert len(vm_pages) >= math.ceil(248 / 7)  # sub A's or B's VMs, 7 a page


def test_resource_graph_calls_are_one_per_thousand_rows(tmp_path, monkeypatch):
    rows = sample_rows()
    vm_template = next(r for r in rows if r["type"] == "microsoft.compute/virtualmachines")
    for i in range(2500 - 273):
        extra = json.loads(json.dumps(vm_template))
        extra["id"] = extra["id"].rsplit("/", 1)[0] + f"/extra-{i:05d}"
        extra["name"] = f"extra-{i:05d}"
        rows.append(extra)
    with AzureTestServer(rows) as srv:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", srv.ca_file(str(tmp_path / "ca.pem")))
        result = ExportResult()
        exporter = Exporter(StaticTokenCredential(TOKEN), srv.endpoint, sleep=lambda s: None)
        exporter.resource_graph(srv.subscriptions, [], result)
        vms = len([r for r in rows if r["type"] == "microsoft.compute/virtualmachines"])
        assert vms == 2500
        assert dict(srv.graph_calls) == {
            "galleries": 1, "imageDefinitions": 1, "imageVersions": 1, "applications": 1,
            "applicationVersions": 1, "virtualMachines": math.ceil(vms / 1000),
            "virtualMachineScaleSets": 1, "imageTemplates": 1, "managedImages": 1,
            "hostPools": 1}
        assert result.resource_graph_calls == dict(srv.graph_calls)
        assert len(result.arrays["virtualMachines"]) == 2500


def exporter_for(server):
    delays = []
    return Exporter(StaticTokenCredential(TOKEN), server.endpoint, sleep=delays.append), delays


def test_429_with_retry_after_is_retried_after_it(server):
    server.faults.append(Fault("POST", "ResourceGraph", status=429,
                               headers={"Retry-After": "7"}))
    exporter, delays = exporter_for(server)
    result = ExportResult()
    exporter.resource_graph(server.subscriptions, [], result)
    assert result.failed_scopes == [] and delays[0] == 7.0
    assert len(result.arrays["galleries"]) == 3


def test_429_without_retry_after_uses_the_quota_reset_or_backoff(server):
    server.faults.append(Fault("POST", "ResourceGraph", status=429,
                               headers={"x-ms-user-quota-remaining": "0",
                                        "x-ms-user-quota-resets-after": "00:00:03"}))
    server.faults.append(Fault("POST", "ResourceGraph", status=429))
    exporter, delays = exporter_for(server)
    result = ExportResult()
    exporter.resource_graph(server.subscriptions, [], result)
    assert result.failed_scopes == []
    assert delays[0] == 3.0 and 0 < delays[1] <= 0.02  # backoff, attempt 2


def test_spent_quota_is_waited_out_before_the_next_query(server):
    server.quota_remaining = 2
    exporter, delays = exporter_for(server)
    result = ExportResult()
    exporter.resource_graph(server.subscriptions, [], result)
    assert result.failed_scopes == [] and 1.0 in delays


def test_500_that_recovers(server):
    server.faults.append(Fault("GET", "/virtualMachines", status=500, times=2))
    exporter, delays = exporter_for(server)
    result = ExportResult()
    exporter.arm(server.subscriptions, result)
    assert result.failed_scopes == [] and len(delays) == 2
    assert len(result.arrays["virtualMachines"]) == 273


def test_500_that_does_not_recover_fails_the_scope(server, tmp_path):
    server.faults.append(Fault("POST", "ResourceGraph", status=500, times=100))
    result, out = export(server, tmp_path)
    assert result.returncode == 3
    assert "failed: HTTP 500" in result.stderr
    # A failed scope: no snapshot at all (it would lint as a clean estate).
    assert not out.exists() and "no snapshot written" in result.stderr
    result, out = export(server, tmp_path, "--allow-partial", name="partial.json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    assert doc["metadata"]["failedScopes"][0]["scope"].startswith("subscriptions:")
    assert doc["galleries"] == []


def test_one_forbidden_subscription_of_three_fails_without_allow_partial(server, tmp_path):
    server.faults.append(Fault("GET", "/subscriptions/22222222-2222-4222-8222-222222222222/",
                               status=403, times=100))
    result, out = export(server, tmp_path, "--source", "arm")
    assert result.returncode == 3 and not out.exists()
    assert "HTTP 403" in result.stderr


def test_subscription_that_is_not_a_guid_is_exit_2(server, tmp_path):
    result, out = export(server, tmp_path, "--subscription", "not-a-guid")
    assert result.returncode == 2 and "not a subscription ID" in result.stderr
    assert not out.exists()


def test_allow_partial_exits_0_and_lists_the_failed_scope(server, tmp_path):
    sub_b = "22222222-2222-4222-8222-222222222222"
    server.faults.append(Fault("GET", f"/subscriptions/{sub_b}/providers/Microsoft.Compute/"
                                      "virtualMachines", status=503, times=100))
    result, out = export(server, tmp_path, "--source", "arm", "--allow-partial")
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    assert [f["scope"] for f in doc["metadata"]["failedScopes"]] == [f"subscriptions:{sub_b}"]
    assert {r["id"].split("/")[2] for r in doc["galleries"]} == {
        "11111111-1111-4111-8111-111111111111"}  # B failed as a whole, A landed whole


def test_malformed_page_fails_the_scope(server):
    server.faults.append(Fault("GET", "/galleries", malformed=True))
    exporter, _ = exporter_for(server)
    result = ExportResult()
    exporter.arm(["11111111-1111-4111-8111-111111111111"], result)
    assert len(result.failed_scopes) == 1


def test_slow_answer_is_waited_for(server):
    server.faults.append(Fault("POST", "ResourceGraph", delay=1.5))
    exporter, _ = exporter_for(server)
    result = ExportResult()
    exporter.resource_graph(server.subscriptions, [], result)
    assert result.failed_scopes == [] and len(result.arrays["virtualMachines"]) == 273


def test_sharing_groups_and_replication_status_fetched_for_just_those_resources(server):
    exporter, _ = exporter_for(server)
    result = ExportResult()
    exporter.resource_graph(server.subscriptions, [], result)
    gets = [p for m, p in server.requests if m == "GET"]
    assert sum("SharingProfile" in p for p in gets) == 1  # the one Groups gallery
    assert sum("ReplicationStatus" in p for p in gets) == 1  # the one version not Succeeded
    failed = [v for v in result.arrays["imageVersions"]
              if v["properties"].get("replicationStatus")]
    assert len(failed) == 1 and failed[0]["name"] == "2.0.1"


def test_wrong_token_fails_every_scope_without_leaking_it(server, tmp_path, monkeypatch):
    monkeypatch.setenv("AZURE_ACCESS_TOKEN", "wrong-token-value")
    result, out = export(server, tmp_path, "--subscription", "11111111-1111-4111-8111-111111111111")
    assert result.returncode == 3 and not out.exists()
    assert "wrong-token-value" not in result.stderr and "HTTP 401" in result.stderr


def test_interrupted_export_leaves_no_file(server, tmp_path):
    server.faults.append(Fault("POST", "ResourceGraph", delay=10))
    out = tmp_path / "snapshot.json"
    proc = subprocess.Popen([sys.executable, "-m", "linter.cli", "export", "--arm-endpoint",
                             server.endpoint, "--output", str(out)], cwd=tmp_path,
                            env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Interrupt once the query is in flight (the server holds it): wait on that, not a sleep.
    deadline = time.monotonic() + 60
    while not any(m == "POST" for m, _ in server.requests) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert any(m == "POST" for m, _ in server.requests), "the export never sent its query"
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    assert proc.returncode != 0
    assert not out.exists() and not list(tmp_path.glob(".gallerylint-*"))


def test_http_endpoint_is_refused(tmp_path):
    result = subprocess.run([sys.executable, "-m", "linter.cli", "export", "--arm-endpoint",
                             "http://127.0.0.1:1", "--output", str(tmp_path / "x.json")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "https" in result.stderr


V2_FILES = [*V1_FILES, SAMPLE / "catalog-v2.json"]


@pytest.mark.parametrize("source", ["resource-graph", "arm"])
def test_export_carries_what_catalog_v2_reads(tmp_path, monkeypatch, source):
    """VM applications, the soft-deleted listing, Resource SKUs and Trusted Launch
    validation: exported, they give the findings the files give."""
    rows = []
    for path in V2_FILES:
        rows += json.loads(path.read_text())["data"]
    skus = json.loads((SAMPLE / "resource-skus.json").read_text())
    with AzureTestServer(rows, page_size=7, skus=skus) as srv:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", srv.ca_file(str(tmp_path / "ca.pem")))
        monkeypatch.setenv("AZURE_ACCESS_TOKEN", TOKEN)
        monkeypatch.setenv("GALLERYLINT_EXPORT_BACKOFF_SECONDS", "0.01")
        result, out = export(srv, tmp_path, "--source", source)
        assert result.returncode == 0, result.stderr
        requests = [p for _, p in srv.requests]
    doc = json.loads(out.read_text())
    jsonschema.Draft202012Validator(json.loads(
        (ROOT / "schemas" / "inventory.schema.json").read_text())).validate(doc)
    assert len(doc["applications"]) == 2 and len(doc["applicationVersions"]) == 4
    assert [r["name"] for r in doc["resourceSkus"]] == ["Standard_E2bds_v5"]
    # One Resource SKUs call per subscription that has VMs or scale sets (3), and one more,
    # unfiltered, for the subscription whose only region does not list one of its sizes.
    assert sum("/providers/Microsoft.Compute/skus" in p for p in requests) == 4
    assert any("ValidationProfile" in p for p in requests)
    # ACG108 judges snapshots only (they list every version of a definition)
    got = {f for f in lint_findings(out) if f[0] != "ACG108"}
    want = {f for f in lint_findings(*V2_FILES, SAMPLE / "resource-skus.json")}
    assert got == want
    assert {f[0] for f in got} >= {"ACG311", "ACG703", "ACG705", "ACG901", "ACG905"}


def test_waits_are_capped_and_odd_retry_headers_back_off(server, tmp_path):
    """A server asking for a 28-hour wait, or a negative or non-finite one, never gets
    it: each wait is at most 5 minutes, odd values fall back to the backoff."""
    for retry_after in ("99999", "-5", "nan", "inf"):
        server.faults.append(Fault("POST", "ResourceGraph", status=429,
                                   headers={"Retry-After": retry_after}))
    server.faults.append(Fault("POST", "ResourceGraph", status=429,
                               headers={"x-ms-user-quota-resets-after": "99:00:00"}))
    waits: list[float] = []
    exporter = Exporter(StaticTokenCredential(TOKEN), server.endpoint, sleep=waits.append)
    result = ExportResult()
    exporter.resource_graph(server.subscriptions, [], result)
    assert result.failed_scopes == []
    assert len(waits) >= 5 and max(waits) <= 300
    assert waits[0] == 300 and waits[4] == 300


def test_a_nextlink_to_another_host_is_refused_at_once(server, tmp_path):
    exporter = Exporter(StaticTokenCredential(TOKEN), server.endpoint, sleep=lambda s: None)
    with pytest.raises(Exception) as caught:
        exporter.get_json("11111111-1111-4111-8111-111111111111",
                          "https://evil.example/steal?api-version=1", "test")
    assert "refused" in str(caught.value)
    assert not any("steal" in p for _, p in server.requests)


# -- bounds: a total deadline, one bad row, signals in every phase ---------------------------


def test_a_body_that_drips_for_ever_is_stopped_by_the_total_deadline(server, tmp_path):
    server.faults.append(Fault("POST", "ResourceGraph", drip=0.5))
    start = time.monotonic()
    result, out = export(server, tmp_path, "--timeout", "3", timeout=60)
    assert time.monotonic() - start < 20
    assert result.returncode == 3 and not out.exists()
    errors = [line for line in result.stderr.splitlines() if "so far" not in line]
    assert len(errors) == 1 and "did not finish within --timeout 3 s" in errors[0]


def test_one_malformed_row_fails_its_scope_not_the_export(server, tmp_path):
    bad = [{"name": "no-id", "type": "microsoft.compute/galleries"}]
    server.faults.append(Fault("POST", "ResourceGraph", rows=bad))
    result, out = export(server, tmp_path)
    assert result.returncode == 3 and not out.exists()
    assert "row 1 of galleries: no ARM id" in result.stderr
    server.faults.append(Fault("POST", "ResourceGraph", rows=[["not", "an", "object"]]))
    result, out = export(server, tmp_path, "--allow-partial")
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    assert [f["error"] for f in doc["metadata"]["failedScopes"]] == [
        "ExportError: Resource Graph row 1 of galleries: not an object but list"] or \
        "not an object" in json.dumps(doc["metadata"]["failedScopes"])


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_the_per_resource_phase_stops_at_once(tmp_path, sig):
    rows = []
    for path in V2_FILES:
        rows += json.loads(path.read_text())["data"]
    with AzureTestServer(rows, page_size=7) as srv:
        srv.faults.append(Fault("GET", "ValidationProfile", delay=60, times=1000))
        env = {**os.environ, "REQUESTS_CA_BUNDLE": srv.ca_file(str(tmp_path / "ca.pem")),
               "AZURE_ACCESS_TOKEN": TOKEN}
        out = tmp_path / "snapshot.json"
        proc = subprocess.Popen([sys.executable, "-m", "linter.cli", "export",
                                 "--arm-endpoint", srv.endpoint, "--output", str(out)],
                                cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while not any("ValidationProfile" in p for _, p in srv.requests) and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        assert any("ValidationProfile" in p for _, p in srv.requests)
        sent = time.monotonic()
        proc.send_signal(sig)
        proc.wait(timeout=30)
        assert time.monotonic() - sent < 5
    assert proc.returncode == 130 and not out.exists()
    assert not list(tmp_path.glob(".gallerylint-*"))


def test_progress_lines_off_a_terminal_and_a_quiet_credential_chain(server, tmp_path):
    result, out = export(server, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "page(s)" in result.stderr and "so far" in result.stderr  # a CI log line
    # no credential at all: one line per failed scope and the verdict, no SDK chain
    env = {k: v for k, v in os.environ.items() if k != "AZURE_ACCESS_TOKEN"}
    env.update(HOME=str(tmp_path), PATH="/usr/bin:/bin")
    no_login = subprocess.run([sys.executable, "-m", "linter.cli", "export", "--subscription",
                               server.subscriptions[0], "--arm-endpoint", server.endpoint, "--output",
                               str(tmp_path / "n.json")], capture_output=True, text=True,
                              cwd=tmp_path, env=env, timeout=120)
    assert no_login.returncode == 3 and not (tmp_path / "n.json").exists()
    assert len(no_login.stderr.strip().splitlines()) <= 3, no_login.stderr
    assert "sign in" in no_login.stderr
    # every sign-in failure says so: without --subscription, listing them fails first
    for args in ((), ("--management-group", "platform")):
        unnamed = subprocess.run([sys.executable, "-m", "linter.cli", "export", *args,
                                  "--arm-endpoint", server.endpoint, "--output",
                                  str(tmp_path / "u.json")], capture_output=True, text=True,
                                 cwd=tmp_path, env=env, timeout=120)
        assert unnamed.returncode == 3 and not (tmp_path / "u.json").exists()
        assert "sign in (az login)" in unnamed.stderr, unnamed.stderr
        assert len(unnamed.stderr.strip().splitlines()) <= 3, unnamed.stderr


def test_a_tls_failure_leaves_no_snapshot_and_says_why(server, tmp_path, monkeypatch):
    # the test CA is not trusted: the certificate does not verify, and TLS is never turned off
    import certifi  # requests' own bundle of public CAs
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    result, out = export(server, tmp_path, "--source", "arm", "--subscription",
                         server.subscriptions[0])
    assert result.returncode == 3 and not out.exists()
    assert "SSL" in result.stderr or "certificate" in result.stderr.lower()
    assert TOKEN not in result.stderr and "Traceback" not in result.stderr


def test_a_size_not_listed_in_the_only_region_keeps_its_fallback_and_api_versions_per_call(
        tmp_path, monkeypatch):
    """A subscription whose VMs are all in one region gets the Resource SKUs list filtered
    to that region; a size Azure does not list there is fetched unfiltered, so the rules
    keep their "any item of that name" fallback. metadata.apiVersions names each kind of
    call, not the first gallery path's version for all of them."""
    rows = []
    for path in V2_FILES:
        rows += json.loads(path.read_text())["data"]
    skus = json.loads((SAMPLE / "resource-skus.json").read_text())
    listed = {r.get("location", "").replace(" ", "").lower()
              for r in rows if r.get("type", "").lower().endswith("/virtualmachines")}
    elsewhere = [dict(s, locations=["nowhere"]) for s in skus]  # listed in no VM's region
    with AzureTestServer(rows, page_size=7, skus=elsewhere) as srv:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", srv.ca_file(str(tmp_path / "ca.pem")))
        monkeypatch.setenv("AZURE_ACCESS_TOKEN", TOKEN)
        monkeypatch.setenv("GALLERYLINT_EXPORT_BACKOFF_SECONDS", "0.01")
        result, out = export(srv, tmp_path, "--source", "arm")
        assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    # the sizes the v2 VMs use (the v3 sample's template size is not in this estate)
    assert listed and [r["name"] for r in doc["resourceSkus"]] == ["Standard_E2bds_v5"]
    versions = doc["metadata"]["apiVersions"]
    assert {"galleries", "imageDefinitions", "imageVersions", "virtualMachines",
            "virtualMachineScaleSets", "resourceSkus"} <= set(versions)
    assert versions["resourceSkus"] == "2021-07-01"


def test_call_kinds_name_the_collection_each_path_lists():
    from linter.export.exporter import call_kind
    base = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute"
    assert call_kind(f"{base}/galleries") == "galleries"
    assert call_kind(f"{base}/galleries/g/images") == "imageDefinitions"
    assert call_kind(f"{base}/galleries/g/images/i/versions") == "imageVersions"
    assert call_kind(f"{base}/galleries/g/images/i/versions/1.0.0") == "imageVersions"
    assert call_kind(f"{base}/galleries/g/applications/a/versions") == "applicationVersions"
    assert call_kind(f"{base}/galleries/g/softDeletedArtifactTypes/Images/artifacts/i/"
                     "versions") == "softDeletedVersions"
    assert call_kind("/subscriptions/s/providers/Microsoft.Compute/skus") == "resourceSkus"
    assert call_kind("/subscriptions") == "subscriptions"
    assert call_kind("/providers/Microsoft.ResourceGraph/resources") == "resourceGraph"
    assert call_kind("/subscriptions/s/providers/Microsoft.Compute/images") == "managedImages"
    assert call_kind("/subscriptions/s/providers/Microsoft.VirtualMachineImages/"
                     "imageTemplates") == "imageTemplates"
    assert call_kind("/subscriptions/s/providers/Microsoft.DesktopVirtualization/"
                     "hostPools") == "hostPools"
    assert call_kind("/subscriptions/s/resourceGroups/r/providers/"
                     "Microsoft.DesktopVirtualization/hostPools/hp/sessionHosts") == \
        "sessionHosts"


@pytest.mark.parametrize("source", ["resource-graph", "arm"])
def test_export_carries_what_catalog_v3_reads(tmp_path, monkeypatch, source):
    """Image Builder templates, managed images, host pools and their session hosts are
    exported, and the v3 rules judge the snapshot as they judge the same bodies."""
    from builders import SUB, definition, definition_id, gallery, version, vm
    pools = f"/subscriptions/{SUB}/resourceGroups/avd/providers/Microsoft.DesktopVirtualization"
    managed = f"/subscriptions/{SUB}/resourceGroups/img/providers/Microsoft.Compute/images/old"
    hosts = [vm("h1", definition_id(), exact="1.0.0"), vm("h2", definition_id("other"))]
    rows = [gallery(), definition(), definition("other"), version("1.0.0"),
            version("1.0.0", image="other"), *hosts, vm("legacy", managed),
            {"id": managed, "name": "old", "type": "Microsoft.Compute/images",
             "location": "westeurope", "properties": {"hyperVGeneration": "V2"}},
            {"id": f"{pools}/hostPools/hp", "name": "hp", "location": "westeurope",
             "type": "Microsoft.DesktopVirtualization/hostPools",
             "properties": {"hostPoolType": "Pooled"}},
            *({"id": f"{pools}/hostPools/hp/sessionHosts/{h['name']}.contoso.com",
               "name": f"hp/{h['name']}.contoso.com",
               "type": "Microsoft.DesktopVirtualization/hostPools/sessionHosts",
               "properties": {"resourceId": h["id"]}} for h in hosts),
            {"id": f"/subscriptions/{SUB}/resourceGroups/aib/providers/"
                   "Microsoft.VirtualMachineImages/imageTemplates/nightly",
             "name": "nightly", "type": "Microsoft.VirtualMachineImages/imageTemplates",
             "location": "westeurope",
             "identity": {"type": "UserAssigned", "userAssignedIdentities": {"/x": {}}},
             "properties": {"source": {"type": "PlatformImage"},
                            "distribute": [{"type": "SharedImage", "runOutputName": "s",
                                            "galleryImageId": definition_id()}],
                            "lastRunStatus": {"runState": "Failed"}}}]
    with AzureTestServer(rows, page_size=3) as srv:
        srv.subscriptions = [SUB]
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", srv.ca_file(str(tmp_path / "ca.pem")))
        monkeypatch.setenv("AZURE_ACCESS_TOKEN", TOKEN)
        monkeypatch.setenv("GALLERYLINT_EXPORT_BACKOFF_SECONDS", "0.01")
        result, out = export(srv, tmp_path, "--source", source, "--subscription", SUB)
        assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    jsonschema.Draft202012Validator(json.loads(
        (ROOT / "schemas" / "inventory.schema.json").read_text())).validate(doc)
    assert [len(doc[k]) for k in ("imageTemplates", "managedImages", "hostPools",
                                  "sessionHosts")] == [1, 1, 1, 2]
    assert doc["metadata"]["apiVersions"].get("sessionHosts") == "2025-10-10"
    found = run([str(out)], config.Settings(), NOW, registry=load_registry(),
                only=["ACG313", "ACG804", "ACG806"]).findings
    assert sorted((f.rule_id, f.resource_id.rsplit("/", 1)[-1]) for f in found) == [
        ("ACG313", "nightly"), ("ACG804", "legacy"), ("ACG806", "hp")]
