"""Small, shared normalisations: regions, ARM IDs, times, case-insensitive values."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any

from .model import UNKNOWN


_REGIONS: dict[str, str] = {}


def region(name: Any) -> Any:
    """'West US' and 'westus' are the same region."""
    if name is UNKNOWN or name is None:
        return name
    if not isinstance(name, str):
        return UNKNOWN
    found = _REGIONS.get(name)
    if found is None:
        found = name.replace(" ", "").lower()
        if len(_REGIONS) < 10000:
            _REGIONS[name] = found
    return found



def parse_time(value: Any) -> Any:
    """An ISO 8601 date or date-time as an aware UTC datetime; None when absent.

    A value that is present but cannot be read is UNKNOWN: rules stay quiet
    rather than guess.
    """
    if value is None or value == "":
        return None
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            # fromisoformat in 3.11 handles 'Z' and offsets; 7-digit .NET
            # fractions ("2024-01-01T00:00:00.1234567Z") need trimming.
            m = re.match(r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})\.(\d+)(.*)$", text)
            if not m:
                return UNKNOWN
            try:
                dt = datetime.fromisoformat(f"{m.group(1)}.{m.group(2)[:6]}{m.group(3)}")
            except ValueError:
                return UNKNOWN
    else:
        return UNKNOWN
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        return dt.astimezone(timezone.utc)
    except (OverflowError, ValueError):  # 9999-12-31T23:00:00-05:00 is past year 9999 in UTC
        return UNKNOWN


def subscription_of(arm_id: str) -> str:
    if arm_id[:15].lower() == "/subscriptions/":
        end = arm_id.find("/", 15)
        return (arm_id[15:] if end < 0 else arm_id[15:end]).lower()
    parts = arm_id.split("/")
    if len(parts) > 2 and parts[1].lower() == "subscriptions":
        return parts[2].lower()
    return ""


_GALLERY_PATH = re.compile(
    r"^(?P<prefix>/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Compute)"
    r"/galleries/(?P<gallery>[^/]+)(?:/images/(?P<image>[^/]+)(?:/versions/(?P<version>[^/]+))?)?/?$",
    re.IGNORECASE,
)


def parse_gallery_path(arm_id: str) -> re.Match[str] | None:
    return _GALLERY_PATH.match(arm_id)


def gallery_id_of(arm_id: str) -> str:
    m = parse_gallery_path(arm_id)
    if not m:
        return ""
    return f"{m.group('prefix')}/galleries/{m.group('gallery')}"


def definition_id_of(arm_id: str) -> str:
    m = parse_gallery_path(arm_id)
    if not m or not m.group("image"):
        return ""
    return f"{m.group('prefix')}/galleries/{m.group('gallery')}/images/{m.group('image')}"


# rules.md, "Placeholder scope (v3)": the subscription of the default deployment scope
# (product.md), which templates, plans, Terraform source and Packer templates get when no
# --deployment-scope and no full ARM ID says theirs. It is unknown to every rule that
# compares or counts subscriptions.
PLACEHOLDER_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"


def known_subscription(subscription: str | None, source: object) -> str | None:
    """The resource's subscription, lowercased, or None when it is unknown: absent, or the
    placeholder of a resource read from a file people write."""
    if not subscription:
        return None
    sub = subscription.lower()
    if sub == PLACEHOLDER_SUBSCRIPTION and getattr(source, "form", "") in (
            "template", "plan", "terraform", "packer"):
        return None
    return sub
