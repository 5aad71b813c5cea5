"""Earlier runs for the HTML report's trend (`lint --history DIR`): the JSON reports of
previous nights (the sample nightly keeps them as artifacts). Each file is a
gallerylint JSON report, read as untrusted input: size-capped, inside the workspace,
every field checked by type; one that is not a report is exit 2 naming it."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Sequence

from .errors import InputError

MAX_RUNS = 90  # the newest runs kept for the trend
MAX_BYTES = 512 << 20


@dataclass
class Run:
    """One run: when, its findings per level and per rule, and their fingerprints."""

    when: datetime
    levels: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    fingerprints: set[str] = field(default_factory=set)
    source: str = ""


def read_run(path: str) -> Run:
    from .names import parse_time
    from .safeio import decode_utf8, read_bytes
    data = read_bytes(path, MAX_BYTES, "history report")
    try:
        doc = json.loads(decode_utf8(path, data, "history report"))
    except (ValueError, RecursionError):
        raise InputError(path, "not a gallerylint JSON report (invalid JSON)", line=1,
                         hint="keep only the JSON reports of earlier runs in the history "
                              "folder") from None
    when = parse_time(doc.get("evaluatedAt")) if isinstance(doc, dict) else None
    findings = doc.get("findings") if isinstance(doc, dict) else None
    if not isinstance(when, datetime) or not isinstance(findings, list):
        raise InputError(path, "not a gallerylint JSON report (no evaluatedAt or findings)",
                         line=1, hint="keep only the JSON reports of earlier runs (lint -f "
                                      "json) in the history folder")
    run = Run(when, source=path)
    for f in findings:
        if not isinstance(f, dict) or f.get("suppressed") or \
                f.get("baselineState") == "absent":
            continue
        level, rule, fp = f.get("level"), f.get("ruleId"), f.get("fingerprint")
        if level in ("error", "warning", "note"):
            run.levels[level] += 1
        if isinstance(rule, str) and len(rule) <= 64:
            run.rules[rule] += 1
        if isinstance(fp, str) and len(fp) <= 128:
            run.fingerprints.add(fp)
    return run


def load(directory: str) -> list[Run]:
    """The JSON reports in a folder (not recursed), oldest first, at most MAX_RUNS."""
    from .safeio import check_inside
    if not os.path.isdir(directory):
        raise InputError(directory, "the history is not a folder",
                         hint="pass the folder that holds earlier JSON reports")
    check_inside(directory)
    names = sorted(n for n in os.listdir(directory) if n.endswith(".json"))
    runs = [read_run(os.path.join(directory, n)) for n in names]
    runs.sort(key=lambda r: r.when)
    return runs[-MAX_RUNS:]


def current(findings: Sequence[Any], when: datetime) -> Run:
    run = Run(when, source="this run")
    for f in findings:
        if f.suppression is not None or f.baseline_state == "absent":
            continue
        run.levels[f.level] += 1
        run.rules[f.rule_id] += 1
        run.fingerprints.add(f.fingerprint)
    return run
