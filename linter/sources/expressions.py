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


class UndeclaredReference(Exception):
    """parameters('x') or variables('x') that the template does not declare: Azure's
    validation rejects such a template, so gallerylint refuses it too (exit 2)."""


class ExpressionError(ValueError):
    pass


class ExpressionSyntaxError(ExpressionError):
    """A malformed expression: Azure's validation rejects the template (exit 2)."""


def fix_surrogates(text: str) -> str:
    """JSON escapes astral characters as surrogate pairs ("\\ud83d\\ude00"); read as YAML
    (for positions) they arrive as two lone surrogates. Join pairs; replace strays."""
    if _SURROGATE.search(text) is None:
        return text
    joined = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in joined)


_SURROGATE = re.compile("[\ud800-\udfff]")


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
    """The tokens of an expression (read, never changed: a template repeats its
    expressions, `[parameters('location')]` on every resource, and each text is
    tokenized once)."""
    found = _TOKENIZED.get(text)
    if found is None:
        found = _tokenize(text)
        if len(_TOKENIZED) < 4096 and len(text) <= 1024:
            _TOKENIZED[text] = found
    return found


_TOKENIZED: dict[str, list[tuple[str, str]]] = {}


def _tokenize(text: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ExpressionSyntaxError(f"unexpected character {text[pos]!r} at position {pos + 1}")
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
    # Named loops (`copyIndex('name')`): variable and property copy, named resource loops.
    copy_indexes: dict[str, int] = field(default_factory=dict)
    unknown_count: int = 0
    # Each variable is evaluated once (a chain of variables that each name the next one
    # twice would otherwise double the work per link).
    variable_cache: dict[str, Any] = field(default_factory=dict)
    steps: int = 0  # function calls so far, against MAX_STEPS
    produced: int = 0  # size of every function result so far, against MAX_PRODUCED
    _evaluating: set[str] = field(default_factory=set)


MAX_STEPS = 2_000_000  # function calls one template may cost
MAX_ITEMS = 100_000  # elements one copy loop may produce
# Size bounds (a value's size: characters of its strings plus its elements and members,
# counted as written out, so shared parts count each time they appear). A variable that
# concatenates the previous one twice doubles per link: the count bounds it, not the
# cache. Azure's own limit on a whole template is 4 MB.
MAX_VALUE_SIZE = 4_000_000  # one string, array or object value
MAX_PRODUCED = 64_000_000  # all function results of one template together
INT64 = (-(1 << 63), (1 << 63) - 1)  # ARM's integers


# Functions that hand over a value already counted (or written in the file itself).
_HANDS_OVER = ("variables", "parameters")


class BudgetExceeded(Exception):
    """The template asks for more evaluation than gallerylint allows (exit 2)."""


def value_size(value: Any, limit: int) -> int:
    """Characters plus elements of a value as written out, counted until past `limit`
    (shared sub-values count each time: a size memo by identity keeps it linear)."""
    memo: dict[int, int] = {}

    def size(v: Any) -> int:
        if isinstance(v, str):
            return len(v) + 1
        if not isinstance(v, (list, dict)):
            return 1
        key = id(v)
        if key in memo:
            return memo[key]
        total = 1
        for item in (v.values() if isinstance(v, dict) else v):
            total += size(item)
            if total > limit:
                break
        if isinstance(v, dict):
            total += sum(len(k) for k in v)
        memo[key] = total
        return total

    return size(value)


class Evaluator:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    # -- entry points -------------------------------------------------------------

    def value(self, raw: Any) -> Any:
        """Evaluate a JSON value: expressions in strings, recursively in objects and arrays."""
        if isinstance(raw, str):
            raw = fix_surrogates(raw)
            if is_expression(raw):
                try:
                    result = self.expression(raw[1:-1])
                except ExpressionSyntaxError:
                    raise
                except ExpressionError:
                    # Well-formed but not evaluable here (a function used in a way this
                    # evaluator does not follow): unknown at this value only.
                    result = UNKNOWN
                if result is UNKNOWN and not self.scope._evaluating:
                    self.scope.unknown_count += 1  # count each template value once
                return result
            if raw.startswith("[["):
                return raw[1:]
            return raw
        if isinstance(raw, dict):
            copies = raw.get("copy")
            if isinstance(copies, list) and copies and all(
                    isinstance(c, dict) and "input" in c and "name" in c for c in copies):
                # Property iteration: {"copy": [{"name": "dataDisks", "count": n, "input": ...}]}
                out = {k: self.value(v) for k, v in raw.items() if k != "copy"}
                for c in copies:
                    out[str(c["name"])] = self.loop(str(c["name"]), c.get("count"), c["input"])
                return out
            return {k: self.value(v) for k, v in raw.items()}
        if isinstance(raw, list):
            return [self.value(v) for v in raw]
        return raw

    def loop(self, name: str, count_raw: Any, input_raw: Any) -> Any:
        """The list a named copy loop produces, UNKNOWN when its count is unknown."""
        count = self.value(count_raw)
        if isinstance(count, bool) or not isinstance(count, int):
            return UNKNOWN
        if count > MAX_ITEMS:
            raise BudgetExceeded(f"copy loop '{name}' asks for {count} items (at most "
                                 f"{MAX_ITEMS})")
        saved = self.scope.copy_indexes.get(name.lower())
        out = []
        try:
            for i in range(max(count, 0)):
                self.scope.copy_indexes[name.lower()] = i
                out.append(self.value(input_raw))
        finally:
            if saved is None:
                self.scope.copy_indexes.pop(name.lower(), None)
            else:
                self.scope.copy_indexes[name.lower()] = saved
        self.count_produced(f"copy loop '{name}'", out)
        return out

    def count_produced(self, what: str, value: Any) -> None:
        """Bound one value, and everything the template's expressions produced together."""
        size = value_size(value, MAX_VALUE_SIZE)
        if size > MAX_VALUE_SIZE:
            raise BudgetExceeded(f"{what} gives a value of more than {MAX_VALUE_SIZE:,} "
                                 "characters and elements")
        self.scope.produced += size
        if self.scope.produced > MAX_PRODUCED:
            raise BudgetExceeded(f"the template's expressions produce more than "
                                 f"{MAX_PRODUCED:,} characters and elements")

    def expression(self, text: str) -> Any:
        tokens = _tokens(text)
        if not tokens:
            raise ExpressionSyntaxError("empty expression")
        self._tokens = tokens
        self._pos = 0
        result = self._expr()
        if self._pos != len(tokens):
            raise ExpressionSyntaxError(f"unexpected '{tokens[self._pos][1]}' after a complete "
                                  "expression")
        return result

    # -- parser -------------------------------------------------------------------

    def _peek(self) -> tuple[str, str] | None:
        return self._tokens[self._pos] if self._pos < len(self._tokens) else None

    def _take(self, value: str | None = None) -> tuple[str, str]:
        tok = self._peek()
        if tok is None:
            raise ExpressionSyntaxError("the expression ends too early" +
                                  (f" (expected '{value}')" if value else ""))
        if value is not None and tok[1] != value:
            raise ExpressionSyntaxError(f"expected '{value}' but found '{tok[1]}'")
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
                    raise ExpressionSyntaxError(f"expected a property name after '.', found '{name}'")
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
            if "." in text:
                return float(text)
            if len(text) > 1000 or len(text.lstrip("-0")) > 19 \
                    or not INT64[0] <= int(text) <= INT64[1]:
                raise BudgetExceeded("an integer literal outside ARM's 64-bit range")
            return int(text)
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
                raise ExpressionSyntaxError(f"'{text}' must be called as a function: '{text}(...)'")
            self._take("(")
            args: list[Any] = []
            if self._peek() != ("punct", ")"):
                args.append(self._expr())
                while self._peek() == ("punct", ","):
                    self._take()
                    args.append(self._expr())
            self._take(")")
            return self._call(text, args)
        raise ExpressionSyntaxError(f"unexpected '{text}'")

    # -- functions ----------------------------------------------------------------

    def _call(self, name: str, args: list[Any]) -> Any:
        self.scope.steps += 1
        if self.scope.steps > MAX_STEPS:
            raise BudgetExceeded(f"more than {MAX_STEPS} function calls")
        fn = _FUNCTIONS.get(name.lower())
        if fn is None:
            return UNKNOWN  # reference(), uniqueString(), listKeys() ...: not knowable here
        result = fn(self, args)
        if isinstance(result, int) and not isinstance(result, bool):
            if not INT64[0] <= result <= INT64[1]:
                raise BudgetExceeded(f"{name}() gives an integer outside ARM's 64-bit range")
        elif isinstance(result, (str, list, dict)) and name.lower() not in _HANDS_OVER:
            self.count_produced(f"{name}()", result)
        return result

    def parameter(self, name: Any) -> Any:
        if name is UNKNOWN:
            return UNKNOWN
        key = str(name).lower()
        if key not in self.scope.declared_parameters:
            raise UndeclaredReference(f"parameters('{name}'): the template declares no such "
                                      "parameter")
        if key in self.scope.parameters:  # a value from the parameters file: literal
            return self.scope.parameters[key]
        if key not in self.scope.parameter_defaults:
            return UNKNOWN  # declared without a default and given no value
        guard = "parameter:" + key
        if guard in self.scope._evaluating:
            raise ExpressionSyntaxError(f"the default of parameter '{name}' refers to itself")
        self.scope._evaluating.add(guard)
        try:
            return Evaluator(self.scope).value(self.scope.parameter_defaults[key])
        finally:
            self.scope._evaluating.discard(guard)

    def variable(self, name: Any) -> Any:
        if name is UNKNOWN:
            return UNKNOWN
        key = str(name).lower()
        cache = self.scope.variable_cache
        if key in cache:
            return cache[key]
        if key not in self.scope.variables:
            raise UndeclaredReference(f"variables('{name}'): the template declares no such "
                                      "variable")
        if key in self.scope._evaluating:
            raise ExpressionSyntaxError(f"variables('{name}') refers to itself")
        self.scope._evaluating.add(key)
        try:
            raw = self.scope.variables[key]
            if isinstance(raw, _VariableCopy):
                result = Evaluator(self.scope).loop(raw.name, raw.count, raw.input)
            else:
                result = Evaluator(self.scope).value(raw)
        finally:
            self.scope._evaluating.discard(key)
        cache[key] = result
        return result


@dataclass(frozen=True)
class _VariableCopy:
    """A variable built by iteration (`variables.copy`, Bicep's `var x = [for ...]`)."""

    name: str
    count: Any
    input: Any


def template_variables(variables: Any) -> dict[str, Any]:
    """A template's `variables` by lowercase name, `copy` entries expanded to their loops."""
    out: dict[str, Any] = {}
    if not isinstance(variables, dict):
        return out
    for name, value in variables.items():
        if name.lower() == "copy" and isinstance(value, list):
            for c in value:
                if isinstance(c, dict) and isinstance(c.get("name"), str):
                    out[c["name"].lower()] = _VariableCopy(c["name"], c.get("count"),
                                                           c.get("input"))
            continue
        out[name.lower()] = value
    return out


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
        if spec:
            digits = re.fullmatch(r"[Dd]([0-9]{0,3})", spec)
            if digits is None or not isinstance(value, int) or isinstance(value, bool):
                raise ExpressionError(f"format() item {{{i}:{spec}}} is not evaluated here")
            return str(value).zfill(int(digits.group(1) or 0))
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
    offset = args[-1] if args and isinstance(args[-1], int) and \
        not isinstance(args[-1], bool) else 0
    if args and isinstance(args[0], str):
        index = ev.scope.copy_indexes.get(args[0].lower())
        if index is None:
            index = ev.scope.copy_index
    else:
        index = ev.scope.copy_index
    if index is None:
        return UNKNOWN
    return index + offset


def _coalesce(_: Evaluator, args: list[Any]) -> Any:
    for a in args:
        if a is UNKNOWN:
            return UNKNOWN
        if a is not None:
            return a
    return None


def _union(_: Evaluator, args: list[Any]) -> Any:
    if _any_unknown(args):
        return UNKNOWN
    if all(isinstance(a, dict) for a in args):
        out: dict[str, Any] = {}
        for a in args:
            out.update(a)
        return out
    if all(isinstance(a, list) for a in args):
        out_list: list[Any] = []
        for a in args:
            for x in a:
                if x not in out_list:
                    out_list.append(x)
        return out_list
    return UNKNOWN


def _try_get(_: Evaluator, args: list[Any]) -> Any:
    if not args or _any_unknown(args):
        return UNKNOWN
    value = args[0]
    for key in args[1:]:
        if value is None:
            return None
        if isinstance(value, dict) and isinstance(key, str):
            found = None
            for k, v in value.items():
                if k.lower() == key.lower():
                    found = v
                    break
            value = found
        elif isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool):
            value = value[key] if 0 <= key < len(value) else None
        else:
            return None
    return value


def _create_object(_: Evaluator, args: list[Any]) -> Any:
    if len(args) % 2:
        raise ExpressionError("createObject() needs name/value pairs")
    out: dict[str, Any] = {}
    for k, v in zip(args[0::2], args[1::2]):
        if not isinstance(k, str):
            return UNKNOWN
        out[k] = v
    return out


def _contains(_: Evaluator, args: list[Any]) -> Any:
    if len(args) != 2 or _any_unknown(args):
        return UNKNOWN
    container, item = args
    if isinstance(container, dict):
        return isinstance(item, str) and item.lower() in {k.lower() for k in container}
    if isinstance(container, str):
        return isinstance(item, str) and item.lower() in container.lower()
    if isinstance(container, list):
        return item in container
    return UNKNOWN


def _first_last(last: bool) -> Callable[[Evaluator, list[Any]], Any]:
    def call(_: Evaluator, args: list[Any]) -> Any:
        if len(args) != 1 or args[0] is UNKNOWN:
            return UNKNOWN
        v = args[0]
        if isinstance(v, (list, str)):
            return (v[-1] if last else v[0]) if v else None
        return UNKNOWN
    return call


def _replace(_: Evaluator, args: list[Any]) -> Any:
    if len(args) != 3 or _any_unknown(args) or not all(isinstance(a, str) for a in args):
        return UNKNOWN
    return args[0].replace(args[1], args[2])


def _split(_: Evaluator, args: list[Any]) -> Any:
    if len(args) != 2 or _any_unknown(args) or not isinstance(args[0], str):
        return UNKNOWN
    seps = args[1] if isinstance(args[1], list) else [args[1]]
    if not all(isinstance(x, str) and x for x in seps):
        return UNKNOWN
    parts = [args[0]]
    for sep in seps:
        parts = [p for part in parts for p in part.split(sep)]
    return parts


def _join(_: Evaluator, args: list[Any]) -> Any:
    if len(args) != 2 or _any_unknown(args) or not isinstance(args[0], list) or \
            not isinstance(args[1], str):
        return UNKNOWN
    if _any_unknown(args[0]):
        return UNKNOWN
    return args[1].join(_text(a) for a in args[0])


def _range(_: Evaluator, args: list[Any]) -> Any:
    if len(args) != 2 or not all(isinstance(a, int) and not isinstance(a, bool) for a in args):
        return UNKNOWN
    if args[1] > MAX_ITEMS:
        raise BudgetExceeded(f"range() of {args[1]} items (at most {MAX_ITEMS})")
    return list(range(args[0], args[0] + max(args[1], 0)))


def _arith(op: Callable[[int, int], Any]) -> Callable[[Evaluator, list[Any]], Any]:
    def call(_: Evaluator, args: list[Any]) -> Any:
        if len(args) != 2 or not all(isinstance(a, int) and not isinstance(a, bool)
                                     for a in args):
            return UNKNOWN
        try:
            return op(args[0], args[1])
        except ZeroDivisionError:
            return UNKNOWN
    return call


def _compare(op: Callable[[Any, Any], bool]) -> Callable[[Evaluator, list[Any]], Any]:
    def call(_: Evaluator, args: list[Any]) -> Any:
        if len(args) != 2 or _any_unknown(args):
            return UNKNOWN
        a, b = args
        if isinstance(a, bool) or isinstance(b, bool):
            return UNKNOWN
        if isinstance(a, int) and isinstance(b, int) or isinstance(a, str) and isinstance(b, str):
            return op(a, b)
        return UNKNOWN
    return call


def _strict_int(value: Any) -> Any:
    """int(): only ASCII decimal digits, with an optional sign."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]{1,18}", value.strip()):
        return int(value.strip())
    return UNKNOWN


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
    "int": _unary(_strict_int),
    "coalesce": _coalesce,
    "union": _union,
    "tryget": _try_get,
    "createobject": _create_object,
    "createarray": lambda ev, a: list(a),
    "array": lambda ev, a: (UNKNOWN if not a or a[0] is UNKNOWN else
                            a[0] if isinstance(a[0], list) else [a[0]]),
    "contains": _contains,
    "first": _first_last(False),
    "last": _first_last(True),
    "replace": _replace,
    "split": _split,
    "join": _join,
    "range": _range,
    "add": _arith(lambda a, b: a + b),
    "sub": _arith(lambda a, b: a - b),
    "mul": _arith(lambda a, b: a * b),
    "div": _arith(lambda a, b: a // b if b else UNKNOWN),
    "mod": _arith(lambda a, b: a % b if b else UNKNOWN),
    "greater": _compare(lambda a, b: a > b),
    "greaterorequals": _compare(lambda a, b: a >= b),
    "less": _compare(lambda a, b: a < b),
    "lessorequals": _compare(lambda a, b: a <= b),
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
