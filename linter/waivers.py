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
    for f in findings:
        for w in live:
            if w.rule.upper() in (f.rule_id.upper(), f.rule_name.upper()) and glob_match(
                    [w.resource], f.resource_id):
                f.suppression = w
                break
    return list(findings)
