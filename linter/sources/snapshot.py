"""The gallerylint snapshot (written by `export`): metadata plus raw Azure resources.

The top level and metadata are validated against `schemas/inventory.schema.json`;
the resource arrays are checked item by item here (a full schema pass over a
million VMs would cost more than the lint itself), then read by the raw-resource
reader in `azure.py`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any


from ..errors import InputError
from ..resources import schema_path
from .files import SNAPSHOT_ARRAYS
from .parsed import ParsedFile


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema  # imported when a config or snapshot is read: start-up stays fast

    with open(schema_path("inventory.schema.json"), encoding="utf-8") as fh:
        schema = json.load(fh)
    shallow = dict(schema)
    shallow["properties"] = {k: ({"type": "array"} if k in SNAPSHOT_ARRAYS else v)
                             for k, v in schema["properties"].items()}
    return jsonschema.Draft202012Validator(shallow)


def schema_allows(document: dict[str, Any]) -> bool:
    """The top level and metadata match the schema (the fast reader's check; the
    resource arrays are given as empty lists)."""
    return bool(_validator().is_valid(document))


def check_snapshot(parsed: ParsedFile) -> None:
    doc: Any = parsed.document
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        raise InputError(parsed.path, f"snapshot does not match the inventory schema at "
                         f"{where}: {err.message}", line=_line_of_key(parsed, err.absolute_path),
                         hint="re-create it with 'gallerylint export'")
    for key in SNAPSHOT_ARRAYS:
        for i, row in enumerate(doc.get(key) or ()):
            if not isinstance(row, dict) or not isinstance(row.get("id"), str):
                raise InputError(parsed.path, f"snapshot entry {key}[{i}] is not a resource "
                                 "with a string 'id'", line=_line_of_key(parsed, [key]),
                                 hint="every resource needs its ARM ID")


def _line_of_key(parsed: ParsedFile, path: Any) -> int:
    keys = [p for p in path if isinstance(p, str)]
    if not keys:
        return 1
    pos = parsed.text.find(f'"{keys[-1]}"')
    return parsed.text.count("\n", 0, pos) + 1 if pos >= 0 else 1
