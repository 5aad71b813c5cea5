"""A parsed input file, and the JSON reader that keeps where each resource row starts.

`json.loads` keeps no positions. Resource rows sit in a top-level array, or in
an array under a top-level key (`data`, `value`, a snapshot's collections), so
the reader decodes the top level itself and each row with the C decoder's
`raw_decode`: the offset of every row comes for free, in one forward pass,
linear in the file size (also for a minified one-line dump).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_decoder = json.JSONDecoder()
_raw_decode = _decoder.raw_decode
_WS = re.compile(r"[ \t\n\r]*")


@dataclass(slots=True)
class ParsedFile:
    path: str
    text: str
    document: Any
    is_yaml: bool
    # Offsets of the rows of top-level arrays: key "" for a top-level array, else the
    # top-level key whose value is the array. Aligned with the array's items.
    row_offsets: dict[str, list[int]] = field(default_factory=dict)
    comments_stripped: bool = False


def _array(text: str, pos: int, offsets: list[int]) -> tuple[list[Any], int]:
    """Decode the array whose `[` is at pos, recording each item's offset."""
    items: list[Any] = []
    append, record = items.append, offsets.append
    ws = _WS.match
    pos = ws(text, pos + 1).end()
    if text.startswith("]", pos):
        return items, pos + 1
    while True:
        record(pos)
        value, pos = _raw_decode(text, pos)
        append(value)
        pos = ws(text, pos).end()
        ch = text[pos:pos + 1]
        if ch == ",":
            pos = ws(text, pos + 1).end()
            continue
        if ch == "]":
            return items, pos + 1
        raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)


def decode(text: str) -> tuple[Any, dict[str, list[int]]]:
    """The document, and the offsets of the rows of its top-level arrays.

    Raises json.JSONDecodeError (with line and column) like json.loads."""
    ws = _WS.match
    pos = ws(text, 0).end()
    offsets: dict[str, list[int]] = {}
    ch = text[pos:pos + 1]
    if ch == "[":
        offsets[""] = []
        doc, pos = _array(text, pos, offsets[""])
    elif ch == "{":
        doc = {}
        pos = ws(text, pos + 1).end()
        if text.startswith("}", pos):
            pos += 1
        else:
            while True:
                if not text.startswith('"', pos):
                    raise json.JSONDecodeError(
                        "Expecting property name enclosed in double quotes", text, pos)
                key, pos = _raw_decode(text, pos)
                pos = ws(text, pos).end()
                if not text.startswith(":", pos):
                    raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
                pos = ws(text, pos + 1).end()
                if text.startswith("[", pos):
                    rows: list[int] = []
                    value, pos = _array(text, pos, rows)
                    offsets[key] = rows
                else:
                    value, pos = _raw_decode(text, pos)
                doc[key] = value
                pos = ws(text, pos).end()
                ch = text[pos:pos + 1]
                if ch == ",":
                    pos = ws(text, pos + 1).end()
                    continue
                if ch == "}":
                    pos += 1
                    break
                raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
    else:
        doc, pos = _raw_decode(text, pos)
    pos = ws(text, pos).end()
    if pos != len(text):
        raise json.JSONDecodeError("Extra data", text, pos)
    return doc, offsets


_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?\*/', re.DOTALL)


def strip_comments(text: str) -> str | None:
    """The text with `//` and `/* */` comments blanked (newlines kept, so lines and
    columns stay), or None when it has none. Azure CLI and PowerShell accept
    comments in templates and parameters files."""
    if "//" not in text and "/*" not in text:
        return None
    found = False

    def blank(m: re.Match[str]) -> str:
        nonlocal found
        s = m.group(0)
        if s.startswith('"'):
            return s
        found = True
        return re.sub(r"[^\n]", " ", s)

    out = _STRING_OR_COMMENT.sub(blank, text)
    return out if found else None


class LineIndex:
    """(line, column), 1-based, of increasing offsets in one forward pass."""

    __slots__ = ("text", "pos", "line", "last_nl")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.last_nl = -1

    def at(self, offset: int) -> tuple[int, int]:
        text = self.text
        if offset < self.pos:  # out of order (rare): count from the start
            line = text.count("\n", 0, offset) + 1
            return line, offset - text.rfind("\n", 0, offset)
        self.line += text.count("\n", self.pos, offset)
        nl = text.rfind("\n", self.pos, offset)
        if nl >= 0:
            self.last_nl = nl
        self.pos = offset
        return self.line, offset - self.last_nl
