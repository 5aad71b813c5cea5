"""Rego engines behind one interface: embedded regopy (default) or an OPA server."""

from .base import Engine, RegoTestResult
from .embedded import EmbeddedEngine

__all__ = ["Engine", "EmbeddedEngine", "RegoTestResult"]
