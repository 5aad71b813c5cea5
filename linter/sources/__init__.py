"""Input forms, one module each; `files.load_paths` is the entry point."""

from .files import Limits, load_paths

__all__ = ["Limits", "load_paths"]
