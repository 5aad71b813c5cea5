"""Where the bundled policies and schemas are: inside the installed package
(`linter/_data`, a link to the repository's top-level folders in a checkout)."""

from __future__ import annotations

from pathlib import Path

_DATA = Path(__file__).resolve().parent / "_data"


def policies_dir() -> Path:
    return _DATA / "policies"


def schema_path(name: str) -> Path:
    return _DATA / "schemas" / name


def data_path(name: str) -> Path:
    """A data file shipped with the rules (e.g. the built-in VM size table)."""
    return _DATA / name
