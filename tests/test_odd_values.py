"""Odd values in every input form: unknown or a clear input error, never an exception,
never a wrong answer (issue: never crash on odd values)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from builders import estate, lint_resources, version, vmss
from linter.model import UNKNOWN
from linter.sources.azure import _int

ROOT = Path(__file__).resolve().parent.parent
ODD_COUNTS = ["²", "--1", "-1", "1.5", "1e3x", "٣", True, float("nan"), float("inf"), -3,
              10**30, "", " 7 "]


@pytest.mark.parametrize("value", ODD_COUNTS, ids=repr)
def test_the_count_reader_is_strict(value):
    got = _int(value)
    if value == "":
        assert got is None
    elif value == " 7 ":
        assert got == 7
    else:
        assert got is UNKNOWN


@pytest.mark.parametrize("value", ["²", "--1", -5, 1.5, True], ids=repr)
def test_odd_counts_in_raw_resources_never_crash_or_count(tmp_path, value):
    v = version(replica_count=1)
    v["properties"]["publishingProfile"]["targetRegions"][0]["regionalReplicaCount"] = value
    big = vmss("big", capacity=30)
    odd = vmss("odd", capacity=1)
    odd["sku"]["capacity"] = value
    findings = lint_resources(tmp_path, estate(big, odd, versions=[v]))
    # A negative or unreadable capacity is unknown: never summed against another set.
    assert all(f.rule_id != "ACG204" for f in findings)


def run_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def template(resources, parameters=None):
    return {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                       "deploymentTemplate.json#", "contentVersion": "1.0.0.0",
            "parameters": parameters or {}, "resources": resources}


@pytest.mark.parametrize("count", ["[int('²')]", "[int('--1')]", "[format('{0:Dx}', 1)]",
                                   "[format('{0:D99999999}', 1)]"])
def test_odd_template_values_are_unknown(tmp_path, count):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template([{
        "type": "Microsoft.Compute/galleries/images/versions", "apiVersion": "2024-03-03",
        "name": "g/i/1.0.0", "location": "westeurope",
        "properties": {"publishingProfile": {"replicaCount": count,
                                             "targetRegions": [{"name": "westeurope"}]}}}])))
    result = run_cli("lint", str(path), "--now", "2026-11-21T00:00:00Z")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


def test_property_names_are_case_insensitive_in_templates(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template([{
        "type": "Microsoft.Compute/galleries", "apiVersion": "2022-03-03", "name": "g1",
        "Location": "westeurope",
        "Properties": {"SharingProfile": {"Permissions": "Community"}}}])))
    result = run_cli("lint", str(path), "--now", "2026-11-21T00:00:00Z", "--format", "json",
                     "--output", "-")
    assert result.returncode == 1, result.stderr
    assert sorted(f["ruleId"] for f in json.loads(result.stdout)["findings"]) == ["ACG501", "ACG504"]


def test_property_names_are_case_insensitive_in_single_bodies(tmp_path):
    body = {"id": "/subscriptions/00000000-0000-4000-8000-00000000000a/resourceGroups/rg/"
                  "providers/Microsoft.Compute/galleries/g1",
            "Location": "westeurope",
            "Properties": {"SharingProfile": {"Permissions": "Community"}}}
    path = tmp_path / "g.json"
    path.write_text(json.dumps(body))
    result = run_cli("lint", str(path), "--now", "2026-11-21T00:00:00Z", "--format", "json",
                     "--output", "-")
    assert sorted(f["ruleId"] for f in json.loads(result.stdout)["findings"]) == ["ACG501", "ACG504"]


@pytest.mark.parametrize("when", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00"])
def test_dates_that_overflow_are_unknown(tmp_path, when):
    findings = lint_resources(tmp_path, estate(versions=[version(eol=when, published=when)]))
    assert not [f for f in findings if f.rule_id in ("ACG301", "ACG302", "ACG305")]
    result = run_cli("lint", str(ROOT / "samples" / "contoso"), "--now", when)
    assert result.returncode == 2 and "--now" in result.stderr


def test_invalid_yaml_dates_are_input_errors(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("- id: /subscriptions/x/resourceGroups/r/providers/Microsoft.Compute/"
                    "galleries/g\n  when: 2026-02-30\n")
    result = run_cli("lint", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    config = tmp_path / ".gallerylint.yaml"
    config.write_text("waivers:\n  - rule: ACG601\n    resource: '*'\n    reason: r\n"
                      "    expires: 2026-02-30\n")
    result = run_cli("lint", str(ROOT / "samples" / "contoso"), "--config", str(config))
    assert result.returncode == 2 and str(config) in result.stderr


def test_waiver_expiry_that_is_not_a_date_names_file_and_line(tmp_path):
    config = tmp_path / ".gallerylint.yaml"
    config.write_text("waivers:\n  - rule: ACG601\n    resource: '*'\n    reason: r\n"
                      "    expires: soon\n")
    result = run_cli("lint", str(ROOT / "samples" / "contoso"), "--config", str(config))
    assert result.returncode == 2
    assert f"{config}:2: waivers[0].expires is not a date" in result.stderr
    assert "soon" not in result.stderr  # a message names the key, never the value


def test_huge_json_numbers_are_input_errors(tmp_path):
    path = tmp_path / "big.json"
    path.write_text('{"value": [{"id": "/x", "n": ' + "9" * 5000 + "}]}")
    result = run_cli("lint", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
