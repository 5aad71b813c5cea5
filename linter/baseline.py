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
        for result in (run or {}).get("results") or []:
            if not isinstance(result, dict) or result.get("baselineState") == "absent":
                continue
            rule_id = result.get("ruleId")
            fp = (result.get("partialFingerprints") or {}).get("gallerylint/v1")
            if fp is None and rule_id:
                try:
                    loc = result["locations"][0]
                    rid = loc["logicalLocations"][0]["fullyQualifiedName"]
                    region = (result.get("properties") or {}).get("region")
                    fp = fingerprint(rule_id, rid, region)
                except (KeyError, IndexError, TypeError):
                    continue
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
    props = result.get("properties") or {}
    try:
        loc = result["locations"][0]
        rid = loc["logicalLocations"][0]["fullyQualifiedName"]
        physical = loc.get("physicalLocation") or {}
        uri = (physical.get("artifactLocation") or {}).get("uri")
        line = (physical.get("region") or {}).get("startLine") or 1
    except (KeyError, IndexError, TypeError):
        rid, uri, line = str(props.get("resourceId") or "unknown"), None, 1
    level = result.get("level") if result.get("level") in ("error", "warning", "note") \
        else "warning"
    return Finding(
        rule_id=str(result.get("ruleId")), rule_name=str(props.get("ruleName") or ""),
        level=level, resource_id=rid, region=props.get("region"),
        message=str((result.get("message") or {}).get("text") or ""),
        source=Source(uri, int(line), 1, "baseline") if uri else None,
        baseline_state="absent")
