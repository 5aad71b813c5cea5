"""Baselines: compare with an earlier SARIF by fingerprint (rule ID + ARM ID + region).

Each current result becomes `new` or `unchanged`; a result of the earlier run
that is gone comes back as `absent`. Works with SARIF from older gallerylint
versions as long as the rule IDs are the same: only `ruleId`, the
`gallerylint/v1` partial fingerprint (or, failing that, the logical location
and the `region` property) are read.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from .errors import InputError
from .findings import Finding, fingerprint
from .model import Source
from .sources.parsed import dig


def _baseline_fingerprints(path: str) -> dict[str, dict[str, Any]]:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            doc = json.load(fh)
    except OSError as exc:
        raise InputError(path, f"cannot read the baseline: {exc.strerror or exc}",
                         hint="check --baseline") from None
    except json.JSONDecodeError as exc:
        raise InputError(path, f"the baseline is not JSON: {exc.msg}", line=exc.lineno,
                         hint="pass a SARIF file written by gallerylint") from None
    runs = doc.get("runs") if isinstance(doc, dict) else None
    if not isinstance(runs, list):
        raise InputError(path, "the baseline is not SARIF (no 'runs')", line=1,
                         hint="pass a SARIF file written by gallerylint")
    out: dict[str, dict[str, Any]] = {}
    for run in runs:
        results = run.get("results") if isinstance(run, dict) else None
        for result in results if isinstance(results, list) else []:
            if not isinstance(result, dict) or result.get("baselineState") == "absent":
                continue
            rule_id = result.get("ruleId")
            if not isinstance(rule_id, str) or not rule_id:
                continue  # a result without a rule ID can match nothing
            fp = dig(result, "partialFingerprints", "gallerylint/v1")
            if not isinstance(fp, str):
                rid = dig(result, "locations", 0, "logicalLocations", 0, "fullyQualifiedName")
                region = dig(result, "properties", "region")
                if not isinstance(rid, str):
                    continue
                fp = fingerprint(rule_id, rid, region if isinstance(region, str) else None)
            if fp:
                out[fp] = result
    return out


def apply_baseline(findings: Sequence[Finding], path: str) -> list[Finding]:
    earlier = _baseline_fingerprints(path)
    current: list[Finding] = []
    seen = set()
    for f in findings:
        fp = f.fingerprint
        f.baseline_state = "unchanged" if fp in earlier else "new"
        seen.add(fp)
        current.append(f)
    for fp, result in earlier.items():
        if fp in seen:
            continue
        current.append(_absent(result))
    return current


def _absent(result: dict[str, Any]) -> Finding:
    rid = dig(result, "locations", 0, "logicalLocations", 0, "fullyQualifiedName")
    uri = dig(result, "locations", 0, "physicalLocation", "artifactLocation", "uri")
    line = dig(result, "locations", 0, "physicalLocation", "region", "startLine")
    if not isinstance(rid, str):
        fallback = dig(result, "properties", "resourceId")
        rid = fallback if isinstance(fallback, str) else "unknown"
    if not isinstance(line, int) or isinstance(line, bool) or not 1 <= line <= 10**9:
        line = 1
    region = dig(result, "properties", "region")
    name = dig(result, "properties", "ruleName")
    message = dig(result, "message", "text")
    level = result.get("level") if result.get("level") in ("error", "warning", "note") \
        else "warning"
    return Finding(
        rule_id=str(result.get("ruleId")), rule_name=name if isinstance(name, str) else "",
        level=level, resource_id=rid, region=region if isinstance(region, str) else None,
        message=message if isinstance(message, str) else "",
        source=Source(uri, line, 1, "baseline") if isinstance(uri, str) and uri else None,
        baseline_state="absent")
