"""What a snapshot's metadata says about its own completeness and age.

A partial snapshot (scopes that failed during `export --allow-partial`) or one
older than `input.max_snapshot_age_hours` is reported by `lint` (text,
markdown, JSON, SARIF `toolExecutionNotifications`); `gate` refuses it (exit 3)
unless told otherwise: a production gate that passes on data it does not have
is worse than none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from .errors import GalleryLintError
from .model import Inventory


@dataclass(frozen=True)
class SnapshotProblem:
    path: str
    kind: str  # "partial" | "stale" | "undated"
    text: str


def problems(inventory: Inventory, now: datetime, max_age_hours: float) -> list[SnapshotProblem]:
    out = []
    for path, created, failed in inventory.snapshots:
        if failed:
            scopes = "; ".join(f"{f.get('scope')}: {f.get('error')}" for f in failed[:5])
            more = f" and {len(failed) - 5} more" if len(failed) > 5 else ""
            out.append(SnapshotProblem(path, "partial", f"snapshot {path} is partial: "
                                       f"{len(failed)} scope(s) were not scanned ({scopes}"
                                       f"{more}); findings there are missing"))
        if not isinstance(created, datetime):
            out.append(SnapshotProblem(path, "undated", f"snapshot {path} has no readable "
                                       "metadata.createdAt: its age is unknown"))
            continue
        age = (now - created).total_seconds() / 3600
        if age > max_age_hours:
            out.append(SnapshotProblem(path, "stale", f"snapshot {path} is {age:.0f} hours old "
                                       f"(created {created.isoformat()}; "
                                       f"input.max_snapshot_age_hours is {max_age_hours:g}): "
                                       "export it again"))
    return out


class UntrustedInventory(GalleryLintError):
    """gate: the inventory is partial or too old (exit 3)."""

    exit_code = 3
    label = "refused"


def refuse(found: Sequence[SnapshotProblem], allow_partial: bool) -> None:
    blocking = [p for p in found if p.kind != "partial" or not allow_partial]
    if blocking:
        raise UntrustedInventory("; ".join(p.text for p in blocking) +
                                 " (gate refuses it: pass --allow-partial for a partial "
                                 "snapshot, or --max-age HOURS for an older one)")

