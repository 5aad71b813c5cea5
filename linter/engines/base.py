"""The interface every Rego engine implements."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence

from ..rules.registry import RegoPolicy


@dataclass(frozen=True)
class RegoTestResult:
    policy: str
    name: str
    passed: bool


class Engine(Protocol):
    name: str

    def evaluate(self, policies: Sequence[RegoPolicy],
                 inputs: Mapping[Path, Mapping[str, Any]]) -> dict[Path, list[dict[str, Any]]]:
        """Each policy's `violations` for its input document ({"items": [...]})."""
        ...

    def run_tests(self, policy: RegoPolicy) -> list[RegoTestResult]:
        """Run the `test_*` rules of the policy's `_test.rego`."""
        ...
