"""Waivers from config: a waived finding stays reported, suppressed, and never fails the run."""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from .config import Settings, Waiver
from .facts import glob_match
from .findings import Finding
from .names import parse_time


def active(waiver: Waiver, now: datetime) -> bool:
    expires = parse_time(waiver.expires)
    if not isinstance(expires, datetime):
        return False
    if len(waiver.expires.strip()) == 10:  # a date: valid through that whole day
        return now.date() <= expires.date()
    return now <= expires


def expired_waivers(settings: Settings, now: datetime) -> list[Waiver]:
    return [w for w in settings.waivers if not active(w, now)]


def apply_waivers(findings: Sequence[Finding], settings: Settings, now: datetime) -> list[Finding]:
    live = [w for w in settings.waivers if active(w, now)]
    if not live:
        return list(findings)
    from .report.common import readable_name
    for f in findings:
        for w in live:
            # the resource as any report prints it: the ARM ID, a glob, or the readable
            # name (gallery/definition/version, a VM's or scale set's name)
            if w.rule.upper() in (f.rule_id.upper(), f.rule_name.upper()) and glob_match(
                    [w.resource], f.resource_id, readable_name(f.resource_id)):
                f.suppression = w
                break
    return list(findings)


def expiry_notes(settings: Settings, now: datetime) -> list[str]:
    return [f"waiver for {w.rule} on {w.resource} expired on {w.expires} and no longer applies"
            f" ({settings.path}:{w.line})" for w in expired_waivers(settings, now)]


def stale_waiver_notes(settings: Settings, findings: Sequence[Finding], rules: Sequence[object],
                       now: datetime) -> list[str]:
    """Waivers still in force that matched no finding of a rule that ran: stale."""
    ran = {str(getattr(r, "id", "")).upper() for r in rules} | \
        {str(getattr(r, "name", "")).upper() for r in rules}
    used = {id(f.suppression) for f in findings if f.suppression is not None}
    return [f"waiver for {w.rule} on {w.resource} matched no finding: remove it if the "
            f"finding is gone ({settings.path}:{w.line})"
            for w in settings.waivers
            if active(w, now) and w.rule.upper() in ran and id(w) not in used]


def add_waiver(config_path: str, rule: str, resource: str, reason: str, expires: str) -> None:
    """Append a waiver to the config, keeping its comments and order (ruamel round-trip)."""
    import os

    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from .errors import InputError

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    if os.path.exists(config_path):
        with open(config_path, encoding="utf-8") as fh:
            doc = yaml.load(fh)
    else:
        doc = None
    if doc is None:
        doc = CommentedMap()
    if not isinstance(doc, CommentedMap):
        raise InputError(config_path, "the config is not a mapping", line=1)
    waivers = doc.get("waivers")
    if waivers is None:
        waivers = doc["waivers"] = CommentedSeq()
    if not isinstance(waivers, CommentedSeq):
        raise InputError(config_path, "'waivers' is not a list", line=1)
    entry = CommentedMap()
    entry["rule"] = rule
    entry["resource"] = resource
    entry["reason"] = reason
    entry["expires"] = expires
    waivers.append(entry)
    import io

    from .atomic import write_atomically
    buffer = io.StringIO()
    yaml.dump(doc, buffer)
    # A symlinked config keeps its link: the target is rewritten (a unique temporary file
    # beside it, then a rename), never the link replaced by a file.
    target = os.path.realpath(config_path) if os.path.islink(config_path) else config_path
    write_atomically(target, buffer.getvalue())
