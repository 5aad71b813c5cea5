"""`--format junit`: JUnit XML, which Azure DevOps (PublishTestResults), Jenkins and
GitLab (artifacts:reports:junit) show as test results.

One <testsuite> per rule that ran, one <testcase> per finding (its resource and
region); errors and warnings are <failure>s, notes pass with the message as
system-out, waived findings are <skipped> with the waiver's reason. A rule with
no finding is one passing testcase, so the report also says what was checked.
Fixed findings of a baseline are left out. Text is XML-escaped by the standard
library's ElementTree; characters XML 1.0 cannot carry become U+FFFD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby

from .common import Report, readable_name

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: object) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def render(report: Report) -> str:
    current = [f for f in report.findings if f.baseline_state != "absent"]
    ordered = sorted(current, key=lambda f: (f.rule_id, f.resource_id.lower(), f.region or ""))
    by_rule = {rule_id: list(group) for rule_id, group in groupby(ordered, key=lambda f: f.rule_id)}
    root = ET.Element("testsuites", name="gallerylint")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for rule in sorted(report.rules, key=lambda r: r.id):
        findings = by_rule.get(rule.id, [])
        suite = ET.SubElement(root, "testsuite", name=_xml(f"{rule.id} {rule.name}"),
                              timestamp=report.now.strftime("%Y-%m-%dT%H:%M:%S"))
        counts = {"tests": max(1, len(findings)), "failures": 0, "skipped": 0}
        if not findings:
            ET.SubElement(suite, "testcase", classname=_xml(rule.id),
                          name="no findings", time="0")
        for f in findings:
            subject = readable_name(f.resource_id) + (f" ({f.region})" if f.region else "")
            case = ET.SubElement(suite, "testcase", classname=_xml(rule.id),
                                 name=_xml(subject), file=_xml(report.uri(f)),
                                 line=str(f.line), time="0")
            detail = _xml(f"{f.message}\n{f.resource_id}\n{report.uri(f)}:{f.line}:{f.column}")
            if f.suppression is not None:
                ET.SubElement(case, "skipped", message=_xml(f"waived: {f.suppression.reason}"))
                counts["skipped"] += 1
            elif f.level in ("error", "warning"):
                failure = ET.SubElement(case, "failure", message=_xml(f.message), type=f.level)
                failure.text = detail
                counts["failures"] += 1
            else:
                ET.SubElement(case, "system-out").text = detail
        suite.set("tests", str(counts["tests"]))
        suite.set("failures", str(counts["failures"]))
        suite.set("errors", "0")
        suite.set("skipped", str(counts["skipped"]))
        for key in totals:
            totals[key] += counts[key]
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("skipped", str(totals["skipped"]))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
