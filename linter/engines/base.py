"""The interface every Rego engine implements."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence

from msgspec import Struct

from ..rules.registry import RegoPolicy


class RegoTestResult(Struct, frozen=True):
    policy: str
    name: str
    passed: bool


class Engine(Protocol):
    name: str

    def evaluate(self, policies: Sequence[RegoPolicy],
                 inputs: Mapping[Path, Mapping[str, Any]]) -> dict[Path, list[dict[str, Any]]]:
        """Each policy's `violations` for its input document ({"items": [...]})."""
        ...

    def prepare(self, policies: Sequence[RegoPolicy],
                inputs: Mapping[Path, Mapping[str, Any]]) -> Mapping[Path, Any]:
        """The inputs in the form `evaluate` reads fastest, made on the calling thread
        (the engine may then evaluate on another); `evaluate` takes them in place of
        the documents."""
        ...

    def run_tests(self, policy: RegoPolicy) -> list[RegoTestResult]:
        """Run the `test_*` rules of the policy's `_test.rego`."""
        ...
