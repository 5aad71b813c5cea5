"""What every reporter shares: artifact paths relative to the source root, counts."""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any, Sequence

from ..findings import Finding
from ..model import Inventory
from ..rules.registry import Rule


def dump_json(document: Any) -> str:
    """A report as indented JSON text (for the terminal)."""
    return dump_json_bytes(document).decode("utf-8", errors="replace")


def dump_json_bytes(document: Any) -> bytes:
    """A report as indented JSON, UTF-8 (what a file gets). orjson encodes and indents
    in one pass in C: a SARIF log of 123,004 findings (194 MB) in half the time of
    msgspec's encode and then format. What orjson does not write as plain JSON values
    (an integer beyond 64 bits, a key that is not text, an object nested deeper than
    it goes) is written by msgspec, in the same layout; text that is not Unicode (a
    lone surrogate from a `\\ud800` escape in an input) as `json.dumps` writes it, the
    surrogate as "?". A float is written as Python writes it (`1e+16`)."""
    import orjson
    try:
        # JSON's own values (a subclass of str, such as YAML's quoted text, as its
        # text); a date or a dataclass goes to `_not_plain`, and the document to msgspec.
        return orjson.dumps(document, default=_not_plain, option=(
            orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME
            | orjson.OPT_PASSTHROUGH_DATACLASS)) + b"\n"
    except (orjson.JSONEncodeError, TypeError):
        pass
    import msgspec
    try:
        return msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n"
    except UnicodeEncodeError:
        import json
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode(
            "utf-8", errors="replace")


def _not_plain(value: Any) -> Any:
    raise TypeError(type(value).__name__)


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


def readable_name(resource_id: str) -> str:
    """What a person calls a resource: `gallery/definition/version` (or any tail under a
    gallery), a VM's or scale set's name, else the last segment of the ID."""
    if "galleries" not in resource_id.lower():  # most findings: a VM's last segment
        last = resource_id.rstrip("/").rsplit("/", 1)[-1]
        return last or resource_id
    parts = [p for p in resource_id.split("/") if p]
    lowered = [p.lower() for p in parts]
    if "galleries" in lowered:
        i = lowered.index("galleries")
        tail = parts[i + 1:]
        # drop the child type segments (images, versions, applications)
        return "/".join(tail[0::2]) if tail else resource_id
    return parts[-1] if parts else resource_id


PORTALS = {"AzureCloud": "https://portal.azure.com",
           "AzureChinaCloud": "https://portal.azure.cn",
           "AzureUSGovernment": "https://portal.azure.us"}
LIVE_FORMS = ("snapshot", "azure")  # read from Azure (export, az, Resource Graph)


def portal_uri(resource_id: str, cloud: str = "AzureCloud") -> str | None:
    """The Azure portal page of a resource (its ARM ID in the portal's resource route)."""
    if resource_id[:15].lower() != "/subscriptions/":
        return None
    base = PORTALS.get(cloud, PORTALS["AzureCloud"])
    if _UNRESERVED.fullmatch(resource_id):  # most IDs: nothing to quote
        return f"{base}/#@/resource{resource_id}"
    from urllib.parse import quote
    return f"{base}/#@/resource{quote(resource_id, safe='/')}"


# What `quote(text, safe="/")` leaves as it is: ASCII letters, digits, `_.-~` and `/`.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~/-]*")


def is_live(finding: Finding) -> bool:
    """Read from live inventory (a snapshot or what Azure printed), not a written file."""
    return finding.source is not None and finding.source.form in LIVE_FORMS


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
    config_path: str | None = None  # the .gallerylint.yaml in force, None for the defaults
    # Where SARIF places findings read from a gallerylint snapshot, a file the repository
    # has (the Action passes the workflow file): the snapshot itself is generated.
    live_location: str | None = None
    history: Sequence[Any] = ()  # earlier runs (linter/history.py), oldest first, for HTML
    settings: Any = None  # the settings in force (the HTML report's estate view needs facts)

    @property
    def config_shown(self) -> str | None:
        """The config file as reports name it: relative to the source root when inside."""
        if self.config_path is None:
            return None
        import os
        full = os.path.abspath(self.config_path)
        root = os.path.abspath(self.source_root)
        if full == root or full.startswith(root.rstrip(os.sep) + os.sep):
            return os.path.relpath(full, root).replace(os.sep, "/")
        return full

    def counts(self) -> Counter[str]:
        return Counter(f.level for f in self.findings
                       if f.suppression is None and f.baseline_state != "absent")

    @property
    def waived(self) -> int:
        return sum(1 for f in self.findings if f.suppression is not None)

    @property
    def new(self) -> int:
        return sum(1 for f in self.findings if f.baseline_state == "new")

    def outside_source_root(self) -> list[str]:
        """Files with findings that are not under the source root (SARIF names them by
        their file name only)."""
        root = os.path.realpath(os.path.abspath(self.source_root))
        paths = {f.source.path for f in self.findings if f.source and f.source.path}
        return sorted(p for p in paths if not os.path.realpath(os.path.abspath(p))
                      .startswith(root + os.sep))

    def uri(self, finding: Finding) -> str:
        """Per file, computed once (realpath and relpath are not free at 100k findings)."""
        path = finding.source.path if finding.source else None
        cache = self.__dict__.setdefault("_uris", {})
        found = cache.get(path)
        if found is None:
            found = cache[path] = artifact_uri(path, self.source_root)
        return found
