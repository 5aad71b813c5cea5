"""The fuzz targets, importable without atheris (tests replay the corpus through them)."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timezone

from linter.config import Settings
from linter.errors import InputError
from linter.facts import build
from linter.sources import load_paths
from linter.sources.expressions import Evaluator, ExpressionError, Scope, UndeclaredReference

NOW = datetime(2026, 11, 21, tzinfo=timezone.utc)
SETTINGS = Settings()
WORK = tempfile.mkdtemp(prefix="gallerylint-fuzz-")
SUFFIXES = (".json", ".yaml")


def check_loaders(data: bytes) -> None:
    """Bytes as an input file (JSON or YAML by the first byte): load and build facts."""
    suffix = SUFFIXES[data[0] % 2] if data else ".json"
    path = os.path.join(WORK, "input" + suffix)
    with open(path, "wb") as fh:
        fh.write(data[1:])
    try:
        inventory = load_paths([path])
        build(inventory, SETTINGS, NOW)
    except InputError:
        pass


def check_expressions(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    scope = Scope(subscription_id="s", resource_group="r")
    scope.declared_parameters = {"a", "b"}
    scope.parameters = {"a": "x"}
    scope.parameter_defaults = {"b": "[concat(parameters('a'), 'y')]"}
    scope.variables = {"v": "[parameters('b')]", "loop": "[variables('loop')]"}
    try:
        Evaluator(scope).value(f"[{text}]")
    except (ExpressionError, UndeclaredReference):  # both are exit 2 (template.py)
        pass


TARGETS = {"loaders": check_loaders, "expressions": check_expressions}
