"""SARIF 2.1.0 through sarif-om, for GitHub code scanning.

sarif-om has no serializer: `to_json` walks its attrs classes, renames fields
to their SARIF names (attrs metadata `schema_property_name`) and drops unset
values and defaults, except `level`, which GitHub reads and this contract
requires on every rule and result.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
import sarif_om as om

from ..findings import Finding
from ..rules.registry import Rule
from .common import Report, artifact_uri, is_live, portal_uri

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/gallerylint/gallerylint"
FINGERPRINT_KEY = "gallerylint/v1"
_ALWAYS = {"level"}


def to_json(value: Any) -> Any:
    if attrs.has(type(value)):
        out: dict[str, Any] = {}
        for f in attrs.fields(type(value)):
            v = getattr(value, f.name)
            if v is None:
                continue
            default = f.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                default = default.factory()  # type: ignore[union-attr]
            if v == default and f.name not in _ALWAYS:
                continue
            out[f.metadata.get("schema_property_name", f.name)] = to_json(v)
        return out
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def _section(doc: str, title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", doc, re.MULTILINE | re.DOTALL)
    return " ".join(m.group(1).split()) if m else ""


def _help_markdown(rule: Rule) -> str:
    """A built-in rule's doc is markdown we wrote; a user rule's doc comes from a tree a
    pull request may control, and code scanning renders it: escaped, line by line, so
    its links, images, HTML and @mentions are text."""
    text = rule.doc or rule.summary
    if rule.builtin:
        return text
    from .markdown import escape
    return "\n\n".join(escape(line) for line in text.splitlines() if line.strip())


def descriptor(rule: Rule) -> om.ReportingDescriptor:
    full = _section(rule.doc, "What it does") or rule.summary
    properties: dict[str, Any] = {"tags": list(rule.tags), "precision": "very-high",
                                  "language": rule.language}
    if rule.security_severity is not None:
        properties["security-severity"] = f"{float(rule.security_severity):.1f}"
    return om.ReportingDescriptor(
        id=rule.id, name=rule.name,
        short_description=om.MultiformatMessageString(text=rule.summary),
        full_description=om.MultiformatMessageString(text=full),
        help=om.MultiformatMessageString(text=rule.doc or rule.summary,
                                         markdown=_help_markdown(rule)),
        help_uri=rule.help_uri,
        default_configuration=om.ReportingConfiguration(level=rule.level),
        properties=properties,
    )


def _result(report: Report, f: Finding, index: dict[str, int],
            artifacts: dict[str, dict[str, str]]) -> dict[str, Any]:
    """One result as SARIF JSON. Results are most of a large log (100,000 findings), so
    they are written as the plain objects `to_json` would make of sarif-om's `Result`
    (its property names and order; nothing set to a default is left out here, as no
    field below has one), never as attrs objects walked one field at a time. A file's
    artifactLocation is one object, shared by its results."""
    properties: dict[str, Any] = {"region": f.region, "resourceId": f.resource_id}
    source = f.source
    if report.live_location and source is not None and source.form == "snapshot":
        # The snapshot is generated and not in the repository: the alert opens the file
        # named (the workflow that exported it), and the snapshot's line is kept here.
        properties["snapshotLocation"] = {"uri": report.uri(f), "startLine": max(f.line, 1)}
        uri, line, column = artifact_uri(report.live_location, report.source_root), 1, 1
    else:
        line, column = f.position()
        uri = report.uri(f)
        if line < 1:
            line = 1
        if column < 1:
            column = 1
    if is_live(f):
        portal = portal_uri(f.resource_id)
        if portal:
            properties["portalUri"] = portal
    if f.properties:
        for k, v in f.properties.items():
            if k != "deployments":
                properties[k] = v
    result: dict[str, Any] = {"message": {"text": f.message}}
    if f.baseline_state is not None:
        result["baselineState"] = f.baseline_state
    result["level"] = f.level
    artifact = artifacts.get(uri)
    if artifact is None:
        artifact = artifacts[uri] = {"uri": uri_reference(uri), "uriBaseId": "%SRCROOT%"}
    rid = f.resource_id
    result["locations"] = [{
        "logicalLocations": [{"fullyQualifiedName": rid, "kind": "resource",
                              "name": rid.rstrip("/").rsplit("/", 1)[-1]}],
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {"startColumn": column, "startLine": line}}}]
    result["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    result["properties"] = properties
    result["ruleId"] = f.rule_id
    result["ruleIndex"] = index[f.rule_id]
    if f.suppression is not None:
        result["suppressions"] = [{"kind": "external", "justification": f.suppression.reason,
                                   "state": "accepted"}]
    return result


def build(report: Report) -> om.SarifLog:
    """The log without its results (`document` adds them), as sarif-om objects."""
    rules = sorted(report.rules, key=lambda r: r.id)
    driver = om.ToolComponent(
        name="gallerylint", version=report.tool_version, semantic_version=report.tool_version,
        information_uri=INFORMATION_URI, rules=[descriptor(r) for r in rules])
    category = report.category if report.category.endswith("/") else report.category + "/"
    run = om.Run(
        tool=om.Tool(driver=driver),
        automation_details=om.RunAutomationDetails(id=category),
        original_uri_base_ids={"%SRCROOT%": om.ArtifactLocation(
            uri=_root_uri(report.source_root))},
        column_kind="unicodeCodePoints",
        results=[],  # written as plain objects by `render`
        properties={"evaluatedAt": report.now.isoformat(),
                    "gallerylint": {"config": report.config_shown}},
        invocations=[om.Invocation(
            execution_successful=True,
            tool_configuration_notifications=[
                om.Notification(message=om.Message(text=note), level="note")
                for note in report.notes] or None,
            tool_execution_notifications=[
                om.Notification(message=om.Message(text=warning), level="warning")
                for warning in report.warnings] or None)],
    )
    return om.SarifLog(runs=[run], version="2.1.0", schema_uri=SARIF_SCHEMA)


def uri_reference(path: str) -> str:
    """A relative path as an RFC 3986 relative reference: every character outside
    unreserved, sub-delims and "@" is percent-encoded (UTF-8), so `%2e%2e%2f`, `#`, `?`,
    spaces and a ':' (which would read as a scheme) name the file and nothing else.
    Computed once per path (a log has many findings per file)."""
    found = _URI_REFERENCES.get(path)
    if found is None:
        from urllib.parse import quote
        found = quote(path, safe="/-._~!$&'()*+,;=@")
        if len(_URI_REFERENCES) < 10_000:
            _URI_REFERENCES[path] = found
    return found


_URI_REFERENCES: dict[str, str] = {}


def _root_uri(root: str) -> str:
    from pathlib import Path
    uri = Path(root).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def document(report: Report) -> dict[str, Any]:
    """The SARIF log as JSON objects."""
    log = to_json(build(report))
    # ruleIndex points into the driver's rules; a finding of a rule not among them
    # (cannot happen today) has no descriptor and is left out.
    index = {r["id"]: i for i, r in enumerate(log["runs"][0]["tool"]["driver"]["rules"])}
    artifacts: dict[str, dict[str, str]] = {}
    log["runs"][0]["results"] = [_result(report, f, index, artifacts)
                                 for f in report.findings if f.rule_id in index]
    return log


def render(report: Report) -> str:
    from .common import dump_json
    return dump_json(document(report))


def render_bytes(report: Report) -> bytes:
    """The log as a file gets it (UTF-8), without a text copy of a large log."""
    from .common import dump_json_bytes
    return dump_json_bytes(document(report))
