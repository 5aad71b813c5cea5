"""`--format gitlab`: GitLab Code Quality JSON (artifacts:reports:codequality), shown
in merge requests. The fields are the ones GitLab's documentation requires
(https://docs.gitlab.com/ci/testing/code_quality/, "Code Quality report format"):
description, check_name, fingerprint, severity (info, minor, major, critical,
blocker) and location.path with location.lines.begin. Waived and fixed findings
are left out; fingerprints are gallerylint's (rule, resource, region), unique per
finding, so GitLab tracks a finding across commits."""

from __future__ import annotations

import json

from .common import Report, readable_name

SEVERITY = {"error": "major", "warning": "minor", "note": "info"}


def render(report: Report) -> str:
    issues = []
    for f in report.findings:
        if f.suppression is not None or f.baseline_state == "absent":
            continue
        subject = readable_name(f.resource_id) + (f", {f.region}" if f.region else "")
        issues.append({
            "description": f"{f.rule_id} {f.message} [{subject}]",
            "check_name": f"{f.rule_id} {f.rule_name}",
            "fingerprint": f.fingerprint,
            "severity": SEVERITY[f.level],
            "location": {"path": report.uri(f), "lines": {"begin": f.line}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
