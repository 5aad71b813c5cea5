"""ARM template expressions: `[concat(parameters('g'), '/img')]` and friends.

Evaluates the functions that decide names, ids and locations (parameters,
variables, concat, format, resourceId, resourceGroup, subscription, copyIndex,
and a few string and logic helpers). Anything else, or anything that depends
on a value the template cannot tell (a parameter without a value,
`reference()`, `uniqueString()`), is UNKNOWN: no rule treats it as a
violation. Malformed syntax is an `ExpressionError` (exit 2 with file and line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ..model import UNKNOWN


class ExpressionError(ValueError):
    pass


def fix_surrogates(text: str) -> str:
    """JSON escapes astral characters as surrogate pairs ("\\ud83d\\ude00"); read as YAML
    (for positions) they arrive as two lone surrogates. Join pairs; replace strays."""
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    joined = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in joined)


def is_expression(value: Any) -> bool:
    return (isinstance(value, str) and value.startswith("[") and value.endswith("]")
            and not value.startswith("[["))


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[(),.\[\]])
""", re.VERBOSE)


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ExpressionError(f"unexpected character {text[pos]!r} at position {pos + 1}")
        pos = m.end()
        kind = m.lastgroup
        if kind != "space":
            out.append((kind, m.group()))  # type: ignore[arg-type]
    return out


@dataclass
class Scope:
    """What expressions can see."""

    subscription_id: str
    resource_group: str
    parameters: dict[str, Any] = field(default_factory=dict)  # from the parameters file
    parameter_defaults: dict[str, Any] = field(default_factory=dict)  # raw defaultValue
    declared_parameters: set[str] = field(default_factory=set)
    variables: dict[str, Any] = field(default_factory=dict)  # name(lower) -> raw value
    copy_index: int | None = None
    unknown_count: int = 0
    _evaluating: set[str] = field(default_factory=set)


class Evaluator:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    # -- entry points -------------------------------------------------------------

    def value(self, raw: Any) -> Any:
        """Evaluate a JSON value: expressions in strings, recursively in objects and arrays."""
        if isinstance(raw, str):
            raw = fix_surrogates(raw)
            if is_expression(raw):
                result = self.expression(raw[1:-1])
                if result is UNKNOWN and not self.scope._evaluating:
                    self.scope.unknown_count += 1  # count each template value once
                return result
            if raw.startswith("[["):
                return raw[1:]
            return raw
        if isinstance(raw, dict):
            return {k: self.value(v) for k, v in raw.items()}
        if isinstance(raw, list):
            return [self.value(v) for v in raw]
        return raw

    def expression(self, text: str) -> Any:
        tokens = _tokens(text)
        if not tokens:
            raise ExpressionError("empty expression")
        self._tokens = tokens
        self._pos = 0
        result = self._expr()
        if self._pos != len(tokens):
            raise ExpressionError(f"unexpected '{tokens[self._pos][1]}' after a complete "
                                  "expression")
        return result

    # -- parser -------------------------------------------------------------------

    def _peek(self) -> tuple[str, str] | None:
        return self._tokens[self._pos] if self._pos < len(self._tokens) else None

    def _take(self, value: str | None = None) -> tuple[str, str]:
        tok = self._peek()
        if tok is None:
            raise ExpressionError("the expression ends too early" +
                                  (f" (expected '{value}')" if value else ""))
        if value is not None and tok[1] != value:
            raise ExpressionError(f"expected '{value}' but found '{tok[1]}'")
        self._pos += 1
        return tok

    def _expr(self) -> Any:
        value = self._primary()
        while True:
            tok = self._peek()
            if tok == ("punct", "."):
                self._take()
                kind, name = self._take()
                if kind != "ident":
                    raise ExpressionError(f"expected a property name after '.', found '{name}'")
                value = _member(value, name)
            elif tok == ("punct", "["):
                self._take()
                index = self._expr()
                self._take("]")
                value = _member(value, index)
            else:
                return value

    def _primary(self) -> Any:
        kind, text = self._take()
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "number":
            return float(text) if "." in text else int(text)
        if kind == "ident":
            if self._peek() == ("punct", ".") and self._pos + 2 < len(self._tokens) and \
                    self._tokens[self._pos + 1][0] == "ident" and \
                    self._tokens[self._pos + 2] == ("punct", "("):
                # A user-defined function (namespace.name(...)): not evaluated here.
                self._take(".")
                self._take()
                self._take("(")
                if self._peek() != ("punct", ")"):
                    self._expr()
                    while self._peek() == ("punct", ","):
                        self._take()
                        self._expr()
                self._take(")")
                return UNKNOWN
            if self._peek() != ("punct", "("):
                raise ExpressionError(f"'{text}' must be called as a function: '{text}(...)'")
            self._take("(")
            args: list[Any] = []
            if self._peek() != ("punct", ")"):
                args.append(self._expr())
                while self._peek() == ("punct", ","):
                    self._take()
                    args.append(self._expr())
            self._take(")")
            return self._call(text, args)
        raise ExpressionError(f"unexpected '{text}'")

    # -- functions ----------------------------------------------------------------

    def _call(self, name: str, args: list[Any]) -> Any:
        fn = _FUNCTIONS.get(name.lower())
        if fn is None:
            return UNKNOWN  # reference(), uniqueString(), listKeys() ...: not knowable here
        return fn(self, args)

    def parameter(self, name: Any) -> Any:
        if name is UNKNOWN:
            return UNKNOWN
        key = str(name).lower()
        if key not in self.scope.declared_parameters:
            raise ExpressionError(f"parameters('{name}'): the template declares no such "
                                  "parameter")
        if key in self.scope.parameters:  # a value from the parameters file: literal
            return self.scope.parameters[key]
        if key not in self.scope.parameter_defaults:
            return UNKNOWN  # declared without a default and given no value
        guard = "parameter:" + key
        if guard in self.scope._evaluating:
            raise ExpressionError(f"the default of parameter '{name}' refers to itself")
        self.scope._evaluating.add(guard)
        try:
            return Evaluator(self.scope).value(self.scope.parameter_defaults[key])
        finally:
            self.scope._evaluating.discard(guard)

    def variable(self, name: Any) -> Any:
        if name is UNKNOWN:
            return UNKNOWN
        key = str(name).lower()
        if key not in self.scope.variables:
            raise ExpressionError(f"variables('{name}'): the template declares no such variable")
        if key in self.scope._evaluating:
            raise ExpressionError(f"variables('{name}') refers to itself")
        self.scope._evaluating.add(key)
        try:
            return Evaluator(self.scope).value(self.scope.variables[key])
        finally:
            self.scope._evaluating.discard(key)


def _member(value: Any, key: Any) -> Any:
    if value is UNKNOWN or key is UNKNOWN:
        return UNKNOWN
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(key, str) and k.lower() == key.lower():
                return v
        return UNKNOWN
    if isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
        return value[key]
    return UNKNOWN


def _any_unknown(args: list[Any]) -> bool:
    return any(a is UNKNOWN for a in args)


def _concat(_: Evaluator, args: list[Any]) -> Any:
    if _any_unknown(args):
        return UNKNOWN
    if args and all(isinstance(a, list) for a in args):
        return [x for a in args for x in a]
    return "".join(_text(a) for a in args)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


_FORMAT_ITEM = re.compile(r"\{\{|\}\}|\{(\d+)(?::([^}]*))?\}")


def _format(_: Evaluator, args: list[Any]) -> Any:
    if not args:
        raise ExpressionError("format() needs a format string")
    if _any_unknown(args):
        return UNKNOWN
    fmt, values = args[0], args[1:]

    def item(m: re.Match[str]) -> str:
        if m.group(0) == "{{":
            return "{"
        if m.group(0) == "}}":
            return "}"
        i = int(m.group(1))
        if i >= len(values):
            raise ExpressionError(f"format() has no argument {{{i}}}")
        value, spec = values[i], m.group(2)
        if spec and spec[:1] in "Dd" and isinstance(value, int):
            return str(value).zfill(int(spec[1:] or 0))
        return _text(value)

    return _FORMAT_ITEM.sub(item, str(fmt))


def _resource_id(ev: Evaluator, args: list[Any]) -> Any:
    if _any_unknown(args):
        return UNKNOWN
    type_at = next((i for i, a in enumerate(args) if isinstance(a, str) and "/" in a), None)
    if type_at is None or type_at > 2:
        raise ExpressionError("resourceId() needs a resource type such as "
                              "'Microsoft.Compute/galleries'")
    scope = ev.scope
    sub, rg = scope.subscription_id, scope.resource_group
    if type_at == 1:
        rg = args[0]
    elif type_at == 2:
        sub, rg = args[0], args[1]
    rtype = args[type_at].split("/")
    names = [str(n) for n in args[type_at + 1:]]
    if len(names) != len(rtype) - 1:
        raise ExpressionError(f"resourceId('{args[type_at]}') needs {len(rtype) - 1} name(s), "
                              f"got {len(names)}")
    path = rtype[0] + "".join(f"/{t}/{n}" for t, n in zip(rtype[1:], names))
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{path}"


def _resource_group(ev: Evaluator, _: list[Any]) -> Any:
    s = ev.scope
    return {"name": s.resource_group, "location": UNKNOWN,
            "id": f"/subscriptions/{s.subscription_id}/resourceGroups/{s.resource_group}"}


def _subscription(ev: Evaluator, _: list[Any]) -> Any:
    s = ev.scope
    return {"subscriptionId": s.subscription_id, "id": f"/subscriptions/{s.subscription_id}"}


def _copy_index(ev: Evaluator, args: list[Any]) -> Any:
    if ev.scope.copy_index is None:
        return UNKNOWN
    offset = args[-1] if args and isinstance(args[-1], int) else 0
    return ev.scope.copy_index + offset


def _unary(fn: Callable[[Any], Any]) -> Callable[[Evaluator, list[Any]], Any]:
    def call(_: Evaluator, args: list[Any]) -> Any:
        if len(args) != 1:
            raise ExpressionError("expects one argument")
        return UNKNOWN if args[0] is UNKNOWN else fn(args[0])
    return call


def _if(_: Evaluator, args: list[Any]) -> Any:
    if len(args) != 3:
        raise ExpressionError("if() needs three arguments")
    if args[0] is UNKNOWN:
        return UNKNOWN
    return args[1] if args[0] else args[2]


def _equals(_: Evaluator, args: list[Any]) -> Any:
    if len(args) != 2:
        raise ExpressionError("equals() needs two arguments")
    return UNKNOWN if _any_unknown(args) else args[0] == args[1]


def _logic(all_: bool) -> Callable[[Evaluator, list[Any]], Any]:
    def call(_: Evaluator, args: list[Any]) -> Any:
        if _any_unknown(args):
            return UNKNOWN
        return all(args) if all_ else any(args)
    return call


_FUNCTIONS: dict[str, Callable[[Evaluator, list[Any]], Any]] = {
    "parameters": lambda ev, a: ev.parameter(a[0] if a else None),
    "variables": lambda ev, a: ev.variable(a[0] if a else None),
    "concat": _concat,
    "format": _format,
    "resourceid": _resource_id,
    "resourcegroup": _resource_group,
    "subscription": _subscription,
    "copyindex": _copy_index,
    "tolower": _unary(lambda v: str(v).lower()),
    "toupper": _unary(lambda v: str(v).upper()),
    "string": _unary(_text),
    "int": _unary(lambda v: int(v) if str(v).lstrip("-").isdigit() else UNKNOWN),
    "bool": _unary(lambda v: v if isinstance(v, bool) else str(v).lower() == "true"),
    "not": _unary(lambda v: not v),
    "empty": _unary(lambda v: len(v) == 0 if hasattr(v, "__len__") else v is None),
    "length": _unary(lambda v: len(v) if hasattr(v, "__len__") else UNKNOWN),
    "if": _if,
    "equals": _equals,
    "and": _logic(True),
    "or": _logic(False),
    "true": lambda ev, a: True,
    "false": lambda ev, a: False,
    "null": lambda ev, a: None,
}
