"""The two kinds of failure the CLI maps to exit codes.

`InputError` (exit 2): the user's input or usage is wrong; the message names
the file, the line and what to do. `EngineError` (exit 3): a policy engine or
gallerylint itself failed; the message names the policy and the engine's text.
"""

from __future__ import annotations


class GalleryLintError(Exception):
    exit_code = 3


class InputError(GalleryLintError):
    exit_code = 2

    def __init__(self, path: str | None, message: str, line: int | None = None,
                 hint: str | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class ParseError(InputError):
    """The file does not parse (JSON or YAML syntax, encoding)."""


class EngineError(GalleryLintError):
    exit_code = 3

    def __init__(self, policy: str, message: str) -> None:
        self.policy = policy
        self.message = message
        super().__init__(f"policy {policy}: {message}")
