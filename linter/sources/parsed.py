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
from typing import Any

from msgspec import Struct, field

_decoder = json.JSONDecoder()
_raw_decode = _decoder.raw_decode
_WS = re.compile(r"[ \t\n\r]*")


def dig(value: Any, *keys: Any) -> Any:
    """value[k1][k2]... when every step has the right type (a text key into an object, a
    whole number into a list), else None: an input of odd shape is unknown there, never
    an exception."""
    for key in keys:
        if isinstance(key, int):
            if not isinstance(value, list) or not 0 <= key < len(value):
                return None
            value = value[key]
        elif isinstance(value, dict):
            value = value.get(key)
        else:
            return None
    return value


class ParsedFile(Struct):
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
    """(line, column), 1-based, of increasing offsets in one forward pass. Over bytes
    (the fast reader's), columns still count characters, as in the decoded text; `start`
    is where the text begins (after a byte order mark)."""

    __slots__ = ("text", "start", "pos", "line", "column_pos", "column", "chars", "nl", "flat")

    def __init__(self, text: str | bytes, start: int = 0) -> None:
        self.text = text
        self.start = start
        self.pos = start
        self.line = 1
        self.column_pos = start  # an offset whose column is `column`
        self.column = 1
        self.chars = isinstance(text, str) or text.isascii()  # offsets count characters
        self.nl: Any = "\n" if isinstance(text, str) else b"\n"
        # one line of characters (a minified file): the column is the offset
        self.flat = self.chars and text.find(self.nl, start) < 0  # type: ignore[arg-type]

    def at(self, offset: int) -> tuple[int, int]:
        if self.flat:
            return 1, offset - self.start + 1
        text = self.text
        if offset < self.pos:  # out of order (rare): count from the start
            self.pos, self.line, self.column_pos, self.column = (self.start, 1, self.start, 1)
        self.line += text.count(self.nl, self.pos, offset)
        nl = text.rfind(self.nl, self.pos, offset)
        if nl >= 0:
            self.column_pos, self.column = nl + 1, 1
        self.pos = offset
        if self.chars:
            self.column += offset - self.column_pos
        else:  # along one line of a minified file too: only the new part is decoded
            self.column += len(text[self.column_pos:offset].decode("utf-8"))  # type: ignore[union-attr]
        self.column_pos = offset
        return self.line, self.column


_ID_FIRST = re.compile(r'\{[ \t\n\r]*"id"[ \t\n\r]*:[ \t\n\r]*')
_ID_FIRST_BYTES = re.compile(_ID_FIRST.pattern.encode())


def row_start(text: str | bytes, offset: int, rid: str) -> int:
    """Where the row at `offset` (of a resources array, as text or as the file's bytes)
    is placed: its opening brace when `id` is its first key, else its own `id` key
    (searched from the row's own start, so an ID named earlier, e.g. another version's
    `storageProfile.source.id`, never places it)."""
    raw = isinstance(text, bytes)
    if '"' not in rid and "\\" not in rid:  # the common case: `{"id":"<the ID>"`
        head = b'{"id":"' if raw else '{"id":"'
        if text.startswith(head, offset) and text.startswith(  # type: ignore[arg-type]
                rid.encode() + b'"' if raw else rid + '"', offset + 7):  # type: ignore[arg-type]
            return offset

    def spelled(s: str) -> Any:
        return s.encode() if raw else s

    quoted = spelled('"' + rid + '"')
    escaped = spelled(json.dumps(rid))  # as json.dumps writes it: non-ASCII as \uXXXX
    m = (_ID_FIRST_BYTES if raw else _ID_FIRST).match(text, offset)  # type: ignore[arg-type]
    if m is not None and (text.startswith(quoted, m.end()) or text.startswith(escaped, m.end())):
        return offset
    pos = text.find(quoted, offset)
    if pos < 0:
        pos = text.find(escaped, offset)
    if pos < 0:
        return offset
    ws, colon, key = spelled(" \t\r\n"), spelled(":"), spelled('"id"')
    k = pos - 1
    while k > offset and text[k:k + 1] in ws:
        k -= 1
    if text[k:k + 1] == colon:
        k -= 1
        while k > offset and text[k:k + 1] in ws:
            k -= 1
        if text[k - 3:k + 1].lower() == key:
            return k - 3
    return pos


class Positions:
    """Where a JSON object or array and its members are: 0-based line and column, the
    same interface ruamel's `lc` offers (`line`, `col`, `key(k)`, `item(i)`)."""

    __slots__ = ("line", "col", "_keys", "_items")

    def __init__(self, line: int, col: int) -> None:
        self.line = line
        self.col = col
        self._keys: dict[str, tuple[int, int]] = {}
        self._items: list[tuple[int, int]] = []

    def key(self, k: str) -> tuple[int, int]:
        return self._keys[k]

    def item(self, i: int) -> tuple[int, int]:
        return self._items[i]


class PositionedDict(dict):
    __slots__ = ("lc",)


class PositionedList(list):
    __slots__ = ("lc",)


_TOKEN = re.compile(r'[ \t\r\n]*(?:([{}\[\]:,])|("(?:[^"\\\n]|\\.)*")|'
                    r'(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)|(true|false|null))')


def decode_with_positions(text: str, max_depth: int = 512) -> Any:
    """JSON with the position of every object, array, key and item, in one linear pass
    (no YAML parser: a 5,000-line template reads in a fraction of a second). Raises
    json.JSONDecodeError like json.loads."""
    pos = 0
    line, line_start = 0, 0
    n = len(text)
    match = _TOKEN.match
    scan_string = json.decoder.scanstring  # type: ignore[attr-defined]
    nl_count = text.count

    def advance(to: int) -> None:
        nonlocal line, line_start, pos
        lines = nl_count("\n", pos, to)
        if lines:
            line += lines
            line_start = text.rfind("\n", pos, to) + 1
        pos = to

    def token() -> tuple[str, Any, int, int]:
        m = match(text, pos)
        if m is None or m.end() == pos and pos < n:
            raise json.JSONDecodeError("Expecting value", text, pos)
        start = m.start(m.lastindex) if m.lastindex else m.end()
        advance(start)
        tok_line, tok_col = line, start - line_start
        if m.group(1):
            kind, value = m.group(1), None
            advance(m.end())
        elif m.group(2) is not None:
            value, end = scan_string(text, start + 1, True)
            kind = "str"
            advance(end)
        elif m.group(3) is not None:
            lexeme = m.group(3)
            value = float(lexeme) if any(c in lexeme for c in ".eE") else int(lexeme)
            kind = "num"
            advance(m.end())
        elif m.group(4) is not None:
            value = {"true": True, "false": False, "null": None}[m.group(4)]
            kind = "lit"
            advance(m.end())
        else:
            raise json.JSONDecodeError("Expecting value", text, pos)
        return kind, value, tok_line, tok_col

    def value(depth: int) -> Any:
        if depth > max_depth:
            raise json.JSONDecodeError("nested too deeply", text, pos)
        kind, val, tl, tc = token()
        if kind == "{":
            obj = PositionedDict()
            obj.lc = lc = Positions(tl, tc)
            kind, val, kl, kc = token()
            if kind == "}":
                return obj
            while True:
                if kind != "str":
                    raise json.JSONDecodeError(
                        "Expecting property name enclosed in double quotes", text, pos)
                key = val
                if token()[0] != ":":
                    raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
                lc._keys[key] = (kl, kc)
                obj[key] = value(depth + 1)
                kind = token()[0]
                if kind == "}":
                    return obj
                if kind != ",":
                    raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
                kind, val, kl, kc = token()
        if kind == "[":
            arr = PositionedList()
            arr.lc = lc = Positions(tl, tc)
            saved = (pos, line, line_start)
            nxt = token()
            if nxt[0] == "]":
                return arr
            restore(saved)
            while True:
                m = match(text, pos)
                start = m.start(m.lastindex) if m is not None and m.lastindex else pos
                advance(start)
                lc._items.append((line, start - line_start))
                arr.append(value(depth + 1))
                kind = token()[0]
                if kind == "]":
                    return arr
                if kind != ",":
                    raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        if kind in ("str", "num", "lit"):
            return val
        raise json.JSONDecodeError("Expecting value", text, pos)

    def restore(saved: tuple[int, int, int]) -> None:
        nonlocal pos, line, line_start
        pos, line, line_start = saved

    doc = value(0)
    if _WS.match(text, pos).end() != n:
        raise json.JSONDecodeError("Extra data", text, pos)
    return doc
