"""Shared by the platform-limit rules (ACG201 to ACG204): error above the limit,
warning at or above `limits.warn_ratio` of it."""

from __future__ import annotations


def limit_level(count: float, limit: float, warn_ratio: float) -> str | None:
    if count > limit:
        return "error"
    if count >= warn_ratio * limit:
        return "warning"
    return None
