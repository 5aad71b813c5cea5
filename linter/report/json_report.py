"""`--format json`: {"version": 1, "findings": [...], "summary": {...}}."""

from __future__ import annotations

from typing import Any

from .common import Report, dump_json, dump_json_bytes


def finding_dict(report: Report, f: Any) -> dict[str, Any]:
    line, column = f.position()
    out: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleName": f.rule_name,
        "level": f.level,
        "resourceId": f.resource_id,
        "region": f.region,
        "message": f.message,
        "location": {"uri": report.uri(f), "startLine": line, "startColumn": column},
        "fingerprint": f.fingerprint,
        "properties": f.properties,
    }
    if f.suppression is not None:
        out["suppressed"] = {"reason": f.suppression.reason, "expires": f.suppression.expires}
    if f.baseline_state is not None:
        out["baselineState"] = f.baseline_state
    return out


def render(report: Report) -> str:
    return dump_json(document(report))


def render_bytes(report: Report) -> bytes:
    """The report as a file gets it (UTF-8), without a text copy of a large report."""
    return dump_json_bytes(document(report))


def document(report: Report) -> dict[str, Any]:
    counts = report.counts()
    doc = {
        "version": 1,
        "tool": {"name": "gallerylint", "version": report.tool_version},
        "evaluatedAt": report.now.isoformat(),
        "config": report.config_shown,
        "findings": [finding_dict(report, f) for f in report.findings],
        "notes": list(report.notes),
        "warnings": list(report.warnings),
        "summary": {
            "error": counts.get("error", 0), "warning": counts.get("warning", 0),
            "note": counts.get("note", 0), "waived": report.waived,
            "resources": report.inventory.resource_count,
            "files": len(report.inventory.files),
            "skippedFiles": len(report.inventory.skipped_files),
            "unknownValues": report.inventory.unknown_values,
        },
    }
    return doc
