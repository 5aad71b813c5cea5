"""What every reporter shares: artifact paths relative to the source root, counts."""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Sequence

from ..findings import Finding
from ..model import Inventory
from ..rules.registry import Rule


def default_source_root() -> str:
    """The git top-level of the working directory, else the working directory."""
    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, timeout=10, check=False)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return os.getcwd()


def artifact_uri(path: str | None, source_root: str) -> str:
    """A path relative to the source root, '/'-separated, never escaping it."""
    if not path:
        return "unknown"
    full = os.path.realpath(os.path.abspath(path))
    root = os.path.realpath(os.path.abspath(source_root))
    rel = os.path.relpath(full, root) if full.startswith(root + os.sep) or full == root else None
    if rel is None:
        rel = os.path.basename(full)
    parts = [p for p in PurePosixPath(rel.replace(os.sep, "/")).parts if p not in ("..", ".", "/")]
    return "/".join(parts) or os.path.basename(full)


@dataclass
class Report:
    """Everything a reporter may use; reporters never re-read inputs."""

    findings: Sequence[Finding]
    rules: Sequence[Rule]
    inventory: Inventory
    source_root: str
    tool_version: str
    now: datetime
    category: str = "gallerylint/"
    notes: Sequence[str] = ()  # tool notes (e.g. expired waivers), not findings
    # What the run could not see (a partial or stale snapshot): SARIF execution notifications.
    warnings: Sequence[str] = ()

    def counts(self) -> Counter[str]:
        return Counter(f.level for f in self.findings
                       if f.suppression is None and f.baseline_state != "absent")

    @property
    def waived(self) -> int:
        return sum(1 for f in self.findings if f.suppression is not None)

    @property
    def new(self) -> int:
        return sum(1 for f in self.findings if f.baseline_state == "new")

    def uri(self, finding: Finding) -> str:
        """Per file, computed once (realpath and relpath are not free at 100k findings)."""
        path = finding.source.path if finding.source else None
        cache = self.__dict__.setdefault("_uris", {})
        found = cache.get(path)
        if found is None:
            found = cache[path] = artifact_uri(path, self.source_root)
        return found
