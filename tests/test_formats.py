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


# -- the JSON writer every JSON report shares (SARIF, JSON) -------------------------------

def _msgspec_indented(document):
    import msgspec
    return msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n"


def _json_values():
    from hypothesis import strategies as st
    scalars = st.none() | st.booleans() | st.integers(-2**63, 2**64 - 1) | st.text()
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.text(), inner, max_size=4), max_leaves=30)


def test_reports_are_written_as_msgspec_indents_them():
    """orjson writes the reports (one pass); the layout is msgspec's `format(indent=2)`,
    byte for byte, for every value without a float (floats: see below)."""
    from hypothesis import given

    from linter.report.common import dump_json_bytes

    @given(_json_values())
    def check(document):
        assert dump_json_bytes(document) == _msgspec_indented(document)

    check()


@pytest.mark.parametrize("document", [
    {"big": 2**70}, {"small": -2**64}, {1: "a key that is not text"},
    {"when": __import__("datetime").date(2026, 11, 21)},
    json.loads("[" * 300 + "]" * 300),  # deeper than orjson writes
], ids=["big-int", "negative-big-int", "int-key", "date", "deep"])
def test_what_orjson_does_not_write_as_plain_json_is_written_by_msgspec(document):
    from linter.report.common import dump_json_bytes
    assert dump_json_bytes(document) == _msgspec_indented(document)


def test_a_str_subclass_is_written_as_its_text():
    """YAML's quoted scalars are str subclasses (ruamel.yaml); msgspec refuses them."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    from linter.report.common import dump_json_bytes
    assert dump_json_bytes({"k": DoubleQuotedScalarString("v")}) == b'{\n  "k": "v"\n}\n'


def test_a_lone_surrogate_is_written_as_a_question_mark():
    from linter.report.common import dump_json_bytes
    out = dump_json_bytes({"name": "a\ud800b", "n": [1]})
    assert json.loads(out) == {"name": "a?b", "n": [1]}


def test_floats_are_written_as_python_writes_them():
    from linter.report.common import dump_json_bytes
    values = [1e16, 1e-7, 0.1, 2.5, -0.0, 1e300, float("nan")]
    out = dump_json_bytes({"v": values})
    assert out == b'{\n  "v": [\n    1e+16,\n    1e-7,\n    0.1,\n    2.5,\n    -0.0,\n' \
                  b'    1e+300,\n    null\n  ]\n}\n'


def test_readable_name_takes_the_last_segment_or_the_gallery_path():
    """The short path for IDs without a gallery answers as the segment walk does."""
    from hypothesis import given
    from hypothesis import strategies as st

    from linter.report.common import readable_name

    def walked(rid):
        parts = [p for p in rid.split("/") if p]
        lowered = [p.lower() for p in parts]
        if "galleries" in lowered:
            tail = parts[lowered.index("galleries") + 1:]
            return "/".join(tail[0::2]) if tail else rid
        return parts[-1] if parts else rid

    segment = st.sampled_from(["", "subscriptions", "s1", "Galleries", "galleries", "acg",
                               "images", "img", "versions", "1.0.0", "virtualMachines",
                               "vm-01", "GALLERIESX", "x galleries"])

    @given(st.lists(segment, max_size=8).map("/".join))
    def check(rid):
        assert readable_name(rid) == walked(rid)

    check()
    assert readable_name("/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/"
                         "virtualMachines/vm-7/") == "vm-7"
    assert readable_name("/subscriptions/s/providers/Microsoft.Compute/galleries/acg/images/"
                         "ubuntu/versions/1.2.3") == "acg/ubuntu/1.2.3"
    assert readable_name("///") == "///"
