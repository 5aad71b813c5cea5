"""JUnit XML and GitLab Code Quality: the CI systems' own formats, from the same findings,
checked with a real consumer's parser (junitparser) and GitLab's documented fields."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "contoso"
NOW = "2026-11-21T00:00:00Z"

# GitLab's Code Quality report format (https://docs.gitlab.com/ci/testing/code_quality/,
# "Code Quality report format"): an array of issues, each with these required fields.
GITLAB_CODE_QUALITY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object", "required": ["path", "lines"],
                "properties": {"path": {"type": "string", "minLength": 1},
                               "lines": {"type": "object", "required": ["begin"],
                                         "properties": {"begin": {"type": "integer",
                                                                  "minimum": 1}}}}},
        },
    },
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("formats")
    result = subprocess.run(
        [sys.executable, "-m", "linter.cli", "lint", str(SAMPLE), "-c",
         str(SAMPLE / ".gallerylint.yaml"), "--now", NOW, "--source-root", str(ROOT),
         "-o", str(out / "r.xml"), "-o", str(out / "gl-code-quality-report.json"),
         "-o", str(out / "r.json")], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 1, result.stderr
    return out, json.loads((out / "r.json").read_text())["findings"]


def test_junit_is_read_by_a_junit_parser_with_every_finding(reports):
    junitparser = pytest.importorskip("junitparser")
    out, findings = reports
    xml = junitparser.JUnitXml.fromfile(str(out / "r.xml"))
    cases = [(suite.name.split()[0], case) for suite in xml for case in suite]
    failing = [(rule, c) for rule, c in cases if any(isinstance(r, junitparser.Failure)
                                                     for r in c.result)]
    expected = [f for f in findings if f["level"] in ("error", "warning")]
    assert len(failing) == len(expected) and len(expected) > 10
    assert sorted(rule for rule, _ in failing) == sorted(f["ruleId"] for f in expected)
    assert xml.failures == len(expected) and xml.errors == 0
    assert {rule for rule, _ in cases} >= {f["ruleId"] for f in findings}
    # every rule that ran is a suite; one with no finding passes
    assert any(not c.result for _, c in cases)


def test_gitlab_code_quality_has_gitlabs_required_fields(reports):
    out, findings = reports
    issues = json.loads((out / "gl-code-quality-report.json").read_text())
    jsonschema.validate(issues, GITLAB_CODE_QUALITY)
    assert len(issues) == len(findings)
    assert len({i["fingerprint"] for i in issues}) == len(issues)  # GitLab dedups on it
    assert {i["severity"] for i in issues} == {"major", "minor", "info"}


def test_junit_escapes_what_xml_cannot_carry(tmp_path):
    rows = [{"id": "/subscriptions/0000000a-0000-4000-8000-00000000000a/resourceGroups/rg/"
                   "providers/Microsoft.Compute/galleries/_bad<&\"]]>\u0001",
             "name": "_bad<&\"]]>\u0001", "type": "Microsoft.Compute/galleries",
             "location": "westeurope"}]
    (tmp_path / "e.json").write_text(json.dumps(rows))
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", "e.json", "-f",
                             "junit"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 1, result.stderr
    import xml.etree.ElementTree as ET
    root = ET.fromstring(result.stdout.encode())
    assert int(root.get("failures")) >= 1
