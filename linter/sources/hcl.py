"""HCL native syntax, parsed with python-hcl2 and evaluated without running anything.

Terraform source and Packer templates share this: the parse (with the line of the
error, never its text), and an evaluator over the parse tree that resolves what
rules.md ("Terraform source (v3)") says resolves: literals, template strings,
references the caller knows, operators, conditionals, index, attribute and splat
access, `for` expressions and a fixed list of pure functions. Anything else is
UNKNOWN, never a guess. A budget of evaluation steps and of produced size bounds
what a hostile file can cost.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ..errors import InputError
from ..model import UNKNOWN

MAX_STEPS = 2_000_000  # evaluation steps for one module or configuration
MAX_VALUE_SIZE = 1_000_000  # characters or elements in one produced value
MAX_NESTING = 200  # Python frames the parser and evaluator may use per level


class Unresolved(Exception):
    """An expression that does not resolve: its value is UNKNOWN."""


class Budget:
    """Steps an evaluation may take: a hostile file of nested `for` expressions stops
    with exit 2 instead of running for hours."""

    def __init__(self, path: str, steps: int = MAX_STEPS) -> None:
        self.path = path
        self.left = steps

    def spend(self, n: int = 1) -> None:
        self.left -= n
        if self.left < 0:
            raise InputError(self.path, f"expressions take more than {MAX_STEPS:,} evaluation "
                             "steps (a bound gallerylint sets on what one file may cost)",
                             hint="simplify the expressions, or lint the plan instead")


def parse(path: str, text: str, what: str) -> Any:
    """The lark tree of one HCL file; exit 2 with the line when it does not parse."""
    import sys

    import hcl2
    from lark.exceptions import LarkError, UnexpectedInput
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, 20_000))
        return hcl2.parses_to_tree(text)
    except UnexpectedInput as exc:
        line = getattr(exc, "line", None)
        column = getattr(exc, "column", None)
        raise InputError(path, f"{what} does not parse: unexpected input"
                         + (f" at column {column}" if isinstance(column, int) and column > 0
                            else ""),
                         line=line if isinstance(line, int) and line > 0 else 1,
                         hint=_syntax_hint(what)) from None
    except RecursionError:
        raise InputError(path, f"{what} nests too deeply to read", line=1,
                         hint="flatten the nesting") from None
    except (LarkError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        raise InputError(path, f"{what} does not parse", line=1,
                         hint=_syntax_hint(what)) from None
    finally:
        sys.setrecursionlimit(limit)


def _syntax_hint(what: str) -> str:
    tool = "packer validate" if "Packer" in what else "terraform validate"
    return f"fix the HCL syntax; {tool} says more"


def read_source(path: str, cap: int, what: str) -> str:
    """A file of the tree a module or configuration names: inside the workspace (a link
    out of it is refused), size-capped, UTF-8."""
    from ..safeio import check_inside, read_text
    check_inside(path)
    return read_text(path, cap, what)


def variables_file(path: str, cap: int, what: str, budget: "Budget") -> dict[str, Any]:
    """A variables file's values (Terraform `.tfvars[.json]`, Packer `.pkrvars.hcl`/
    `.json`): a JSON object, or HCL attributes whose values resolve without naming
    anything (what does not resolve is UNKNOWN)."""
    text = read_source(path, cap, what)
    if path.endswith(".json"):
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            raise InputError(path, f"{what} is not valid JSON", line=1,
                             hint="fix the JSON syntax") from None
        if not isinstance(doc, dict):
            raise InputError(path, f"{what} is not a JSON object", line=1,
                             hint="write {\"name\": value, ...}")
        return doc
    attributes, _ = body_items(top_body(parse(path, text, what)))
    evaluator = Evaluator(budget, no_names)
    return {a.name: evaluator.value(a.expr, {}) for a in attributes}


class Names:
    """A namespace an expression reaches with `.name` (`var`, `local`, a resource type,
    a module's outputs) and, when given, `[key]` (a resource's instances)."""

    def __init__(self, get: Any, index_: Any = None) -> None:
        self._get = get
        self._index = index_

    def attr(self, name: str) -> Any:
        value = self._get(name)
        if value is UNKNOWN:
            raise Unresolved()
        return value

    def index(self, key: Any) -> Any:
        if self._index is None:
            raise Unresolved()
        return self._index(key)


def no_names(root: str, scope: Mapping[str, Any]) -> Any:
    """The lookup of a file whose expressions may name nothing (variable files)."""
    raise Unresolved()


# -- the parse tree ---------------------------------------------------------------------


def _is_tree(node: Any) -> bool:
    return hasattr(node, "data") and hasattr(node, "children")


def trees(node: Any) -> list[Any]:
    """A tree's child trees, comments and line breaks left out."""
    return [c for c in node.children if _is_tree(c) and c.data != "new_line_or_comment"]


def position(node: Any) -> tuple[int, int]:
    """The (line, column) where a tree or token starts."""
    if not _is_tree(node):
        return getattr(node, "line", 1) or 1, getattr(node, "column", 1) or 1
    meta = getattr(node, "meta", None)
    if meta is not None and not getattr(meta, "empty", True):
        return meta.line, meta.column
    for child in node.children:
        line, column = position(child)
        if line:
            return line, column
    return 1, 1


def identifier(node: Any) -> str:
    """The name an `identifier` tree holds."""
    return str(node.children[0])


def string_label(node: Any) -> Any:
    """A block label: a quoted string without interpolation, or a bare identifier."""
    if node.data == "identifier":
        return identifier(node)
    if node.data == "string":
        parts = [c for c in node.children if _is_tree(c)]
        text = []
        for part in parts:
            for piece in part.children:
                if _is_tree(piece):
                    return UNKNOWN
                text.append(str(piece))
        return _unescape("".join(text))
    return UNKNOWN


@dataclass
class Attribute:
    name: str
    expr: Any
    line: int
    column: int


@dataclass
class Block:
    type: str
    labels: list[Any]
    body: Any  # the block's `body` tree
    line: int
    column: int


def body_items(body: Any) -> tuple[list[Attribute], list[Block]]:
    """The attributes and nested blocks of a `body` tree, in order."""
    attributes, blocks = [], []
    for item in trees(body):
        if item.data == "attribute":
            kids = trees(item)
            name_node, expr = kids[0], kids[-1]
            line, column = position(name_node)
            attributes.append(Attribute(identifier(name_node), expr, line, column))
        elif item.data == "block":
            kids = trees(item)
            head, rest = kids[0], kids[1:]
            inner = next((k for k in rest if k.data == "body"), None)
            labels = [string_label(k) for k in rest if k.data != "body"]
            line, column = position(head)
            blocks.append(Block(identifier(head), labels, inner, line, column))
    return attributes, blocks


def top_body(tree: Any) -> Any:
    """The `body` of a parsed file (`start` holds it)."""
    for child in trees(tree):
        if child.data == "body":
            return child
    return tree


# -- values ----------------------------------------------------------------------------


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        body = m.group(1)
        if body in _ESCAPES:
            return _ESCAPES[body]
        if body[0] in "uU":
            try:
                return chr(int(body[1:], 16))
            except (ValueError, OverflowError):
                raise Unresolved() from None
        return m.group(0)
    text = re.sub(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", one, text)
    return text.replace("$${", "${").replace("%%{", "%{")


def size(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, tuple)):
        return len(value)
    if isinstance(value, dict):
        return len(value)
    return 1


def _check_size(value: Any) -> Any:
    if size(value) > MAX_VALUE_SIZE:
        raise Unresolved()
    return value


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    raise Unresolved()


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise Unresolved()
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise Unresolved() from None
        return int(number) if number.is_integer() and "." not in value else number
    raise Unresolved()


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    raise Unresolved()


class Evaluator:
    """Evaluates expression trees. `lookup(root, scope)` answers a root name (`var`,
    `local`, `each`, a resource type...) with a value or an object with `attr(name)`;
    it raises Unresolved for what it does not know."""

    def __init__(self, budget: Budget, lookup: Callable[[str, Mapping[str, Any]], Any]) -> None:
        self.budget = budget
        self.lookup = lookup

    def value(self, node: Any, scope: Mapping[str, Any]) -> Any:
        """The value of an expression, or UNKNOWN."""
        try:
            return self.ev(node, scope, 0)
        except Unresolved:
            return UNKNOWN
        except RecursionError:
            return UNKNOWN

    # Every method raises Unresolved for a value that does not resolve.
    def ev(self, node: Any, scope: Mapping[str, Any], depth: int) -> Any:
        self.budget.spend()
        if depth > MAX_NESTING:
            raise Unresolved()
        if not _is_tree(node):
            return self._token(node)
        kind = node.data
        d = depth + 1
        handler = getattr(self, "_" + kind, None)
        if handler is not None:
            try:
                return handler(node, scope, d)
            except (ValueError, IndexError, TypeError, AttributeError, KeyError):
                raise Unresolved() from None  # a shape this reader does not know
        kids = trees(node)
        if kind in ("expr_term", "expression") and len(kids) == 1:
            return self.ev(kids[0], scope, d)
        raise Unresolved()

    def _token(self, token: Any) -> Any:
        raise Unresolved()

    # literals
    def _int_lit(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        text = str(node.children[0])
        if len(text) > 400:
            raise Unresolved()
        return int(text) if re.fullmatch(r"\d+", text) else _number(text)

    def _float_lit(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        text = str(node.children[0])
        if len(text) > 400:
            raise Unresolved()
        try:
            number = float(text)
        except ValueError:
            raise Unresolved() from None
        return int(number) if number.is_integer() and abs(number) < 2**63 else number

    def _literal_value(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        text = str(node.children[0])
        return {"true": True, "false": False, "null": None}.get(text, UNKNOWN) \
            if text in ("true", "false", "null") else self._unresolved()

    def _unresolved(self) -> Any:
        raise Unresolved()

    def _string(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        out = []
        for part in trees(node):
            out.append(self._string_part(part, scope, d))
        return _check_size("".join(out))

    def _string_part(self, node: Any, scope: Mapping[str, Any], d: int) -> str:
        pieces = []
        for piece in node.children:
            if _is_tree(piece):
                if piece.data == "interpolation":
                    inner = trees(piece)
                    pieces.append(_string(self.ev(inner[0], scope, d)))
                else:  # a template directive (%{ if }, %{ for }) never resolves
                    raise Unresolved()
            else:
                text = str(piece)
                if "%{" in text.replace("%%{", ""):
                    raise Unresolved()
                pieces.append(_unescape(text))
        return "".join(pieces)

    def _heredoc_template(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        text = str(node.children[0])
        body = text.split("\n", 1)[1] if "\n" in text else ""
        body = body.rsplit("\n", 1)[0] + "\n" if "\n" in body else ""
        if "${" in body.replace("$${", "") or "%{" in body.replace("%%{", ""):
            raise Unresolved()
        return body.replace("$${", "${")

    _heredoc_template_trim = _heredoc_template

    def _tuple(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        return _check_size([self.ev(k, scope, d) for k in trees(node)])

    def _object(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        out: dict[str, Any] = {}
        for elem in trees(node):
            kids = trees(elem)
            key_node, value_node = kids[0], kids[-1]
            key = self._object_key(key_node, scope, d)
            out[key] = self.ev(value_node, scope, d)
        return _check_size(out)

    def _object_key(self, node: Any, scope: Mapping[str, Any], d: int) -> str:
        kids = trees(node)
        inner = kids[0] if kids else node
        # a bare identifier is the key itself, not a reference
        bare = inner
        while _is_tree(bare) and bare.data == "expr_term" and len(trees(bare)) == 1 and \
                len(bare.children) == 1:
            bare = trees(bare)[0]
        if _is_tree(bare) and bare.data == "identifier":
            return identifier(bare)
        return _string(self.ev(inner, scope, d))

    # references and access
    def _identifier(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        name = identifier(node)
        if name in scope:
            return scope[name]
        return self.lookup(name, scope)

    def _get_attr_expr_term(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        base_node, attr_node = trees(node)
        base = self.ev(base_node, scope, d)
        name = identifier(trees(attr_node)[0])
        return attribute(base, name)

    def _index_expr_term(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        base_node, index_node = trees(node)
        base = self.ev(base_node, scope, d)
        inner = trees(index_node)
        if index_node.data == "short_index" or not inner:
            text = "".join(str(t) for t in index_node.children if not _is_tree(t)).strip(".")
            key: Any = int(text) if text.isdigit() else text
        else:
            key = self.ev(inner[0], scope, d)
        return index(base, key)

    def _full_splat_expr_term(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        base_node, splat = trees(node)
        base = self.ev(base_node, scope, d)
        if base is None:
            return []
        items = base if isinstance(base, list) else [base]
        out = []
        for item in items:
            value = item
            for step in trees(splat):
                if step.data == "get_attr":
                    value = attribute(value, identifier(trees(step)[0]))
                else:
                    inner = trees(step)
                    if not inner:
                        raise Unresolved()
                    value = index(value, self.ev(inner[0], scope, d))
            out.append(value)
        return out

    _attr_splat_expr_term = _full_splat_expr_term

    # operators
    def _conditional(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        cond, yes, no = trees(node)
        return self.ev(yes if _truthy(self.ev(cond, scope, d)) else no, scope, d)

    def _unary_op(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        op = str(node.children[0])
        value = self.ev(trees(node)[0], scope, d)
        if op == "!":
            return not _truthy(value)
        if op == "-":
            return -_number(value)
        raise Unresolved()

    def _binary_op(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        left_node, term = trees(node)
        op_node, right_node = trees(term)
        op = str(op_node.children[0]).strip()
        left = self.ev(left_node, scope, d)
        if op == "&&" and not _truthy(left):
            return False
        if op == "||" and _truthy(left):
            return True
        right = self.ev(right_node, scope, d)
        return binary(op, left, right)

    # function calls
    def _function_call(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        kids = trees(node)
        name = identifier(kids[0])
        args_node = next((k for k in kids[1:] if k.data == "arguments"), None)
        arg_nodes = trees(args_node) if args_node is not None else []
        expand = args_node is not None and any(
            not _is_tree(t) and str(t) == "..." for t in args_node.children)
        if name == "try":  # its first argument when that resolves; else unknown
            if not arg_nodes:
                raise Unresolved()
            return self.ev(arg_nodes[0], scope, d)
        fn = FUNCTIONS.get(name)
        if fn is None:
            raise Unresolved()
        args = [self.ev(a, scope, d) for a in arg_nodes]
        if expand:
            if not args or not isinstance(args[-1], list):
                raise Unresolved()
            args = args[:-1] + list(args[-1])
        try:
            return _check_size(fn(*args))
        except Unresolved:
            raise
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError,
                ZeroDivisionError, RecursionError):
            raise Unresolved() from None

    # for expressions
    def _for_intro(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        raise Unresolved()

    def _for_pairs(self, node: Any, scope: Mapping[str, Any], d: int
                   ) -> tuple[list[tuple[Any, Any]], list[str], list[Any]]:
        kids = trees(node)
        intro = kids[0]
        intro_kids = trees(intro)
        names = [identifier(k) for k in intro_kids if k.data == "identifier"]
        collection = self.ev(intro_kids[-1], scope, d)
        if isinstance(collection, dict):
            pairs = list(collection.items())
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            raise Unresolved()
        self.budget.spend(len(pairs))
        return pairs, names, kids[1:]

    def _bind(self, scope: Mapping[str, Any], names: list[str], key: Any, value: Any
              ) -> dict[str, Any]:
        inner = dict(scope)
        if len(names) == 1:
            inner[names[0]] = value
        else:
            inner[names[0]], inner[names[1]] = key, value
        return inner

    def _for_tuple_expr(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        pairs, names, rest = self._for_pairs(node, scope, d)
        body, condition = rest[0], (rest[1] if len(rest) > 1 else None)
        out = []
        for key, value in pairs:
            inner = self._bind(scope, names, key, value)
            if condition is not None and not _truthy(self.ev(_cond(condition), inner, d)):
                continue
            out.append(self.ev(body, inner, d))
        return _check_size(out)

    def _for_object_expr(self, node: Any, scope: Mapping[str, Any], d: int) -> Any:
        pairs, names, rest = self._for_pairs(node, scope, d)
        if any(not _is_tree(t) and str(t) == "..." for t in node.children):
            raise Unresolved()  # grouping mode
        key_node, value_node = rest[0], rest[1]
        condition = rest[2] if len(rest) > 2 else None
        out: dict[str, Any] = {}
        for key, value in pairs:
            inner = self._bind(scope, names, key, value)
            if condition is not None and not _truthy(self.ev(_cond(condition), inner, d)):
                continue
            k = _string(self.ev(key_node, inner, d))
            if k in out:
                raise Unresolved()  # Terraform rejects duplicate keys without `...`
            out[k] = self.ev(value_node, inner, d)
        return _check_size(out)


def _cond(node: Any) -> Any:
    """A `for_cond` tree's expression."""
    if node.data == "for_cond":
        return trees(node)[0]
    return node


def attribute(base: Any, name: str) -> Any:
    if hasattr(base, "attr"):
        return base.attr(name)
    if isinstance(base, dict):
        if name not in base:
            raise Unresolved()
        value = base[name]
        if value is UNKNOWN:
            raise Unresolved()
        return value
    raise Unresolved()


def index(base: Any, key: Any) -> Any:
    if hasattr(base, "index"):
        return base.index(key)
    if isinstance(base, list):
        if isinstance(key, bool):
            raise Unresolved()
        position_ = _number(key)
        if not isinstance(position_, int) and not float(position_).is_integer():
            raise Unresolved()
        i = int(position_)
        if not 0 <= i < len(base):
            raise Unresolved()
        value = base[i]
    elif isinstance(base, dict):
        value = base.get(_string(key), UNKNOWN)
        if _string(key) not in base:
            raise Unresolved()
    else:
        raise Unresolved()
    if value is UNKNOWN:
        raise Unresolved()
    return value


def binary(op: str, left: Any, right: Any) -> Any:
    if op == "==":
        return _same(left, right)
    if op == "!=":
        return not _same(left, right)
    if op in ("&&", "||"):
        return _truthy(right)
    a, b = _number(left), _number(right)
    if op == "+":
        return _int_or(a + b)
    if op == "-":
        return _int_or(a - b)
    if op == "*":
        return _int_or(a * b)
    if op == "/":
        if b == 0:
            raise Unresolved()
        return _int_or(a / b)
    if op == "%":
        if b == 0:
            raise Unresolved()
        return _int_or(a % b)
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == ">=":
        return a >= b
    raise Unresolved()


def _int_or(value: float | int) -> float | int:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, int) and abs(value) >= 2**63:
        raise Unresolved()
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


# -- functions (Terraform's, for the names rules.md lists) ------------------------------


def _format(spec: Any, *args: Any) -> str:
    spec = _string(spec)
    out, i, n = [], 0, 0
    pattern = re.compile(r"%(?:(%)|([-+ #0]*)(\d{0,3})(?:\.(\d{0,3}))?([sdvqtfbeExXo]))")
    pos = 0
    for m in pattern.finditer(spec):
        out.append(spec[pos:m.start()])
        pos = m.end()
        if m.group(1):
            out.append("%")
            continue
        if n >= len(args):
            raise Unresolved()
        arg = args[n]
        n += 1
        verb = m.group(5)
        if verb in ("s", "v"):
            text = _string(arg) if not isinstance(arg, (list, dict)) or verb == "s" else \
                json.dumps(arg)
        elif verb == "d":
            number = _number(arg)
            if not isinstance(number, int):
                raise Unresolved()
            text = str(number)
        elif verb == "q":
            text = json.dumps(_string(arg))
        elif verb == "t":
            text = "true" if _truthy(arg) else "false"
        else:
            raise Unresolved()
        width = int(m.group(3) or 0)
        flags = m.group(2) or ""
        if width:
            text = text.ljust(width) if "-" in flags else text.rjust(
                width, "0" if "0" in flags and verb == "d" else " ")
        out.append(text)
        i += 1
    out.append(spec[pos:])
    return "".join(out)


def _join(sep: Any, *lists: Any) -> str:
    items = [x for lst in lists for x in _list(lst)]
    return _string(sep).join(_string(x) for x in items)


def _list(value: Any) -> list[Any]:
    if isinstance(value, list):
        if any(v is UNKNOWN for v in value):
            raise Unresolved()
        return value
    raise Unresolved()


def _map(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise Unresolved()


def _replace(text: Any, old: Any, new: Any) -> str:
    old_text = _string(old)
    if len(old_text) > 1 and old_text.startswith("/") and old_text.endswith("/"):
        raise Unresolved()  # a regular expression: not resolved
    if not old_text:
        raise Unresolved()
    return _string(text).replace(old_text, _string(new))


def _substr(text: Any, offset: Any, length: Any) -> str:
    s, o, n = _string(text), int(_number(offset)), int(_number(length))
    if o < 0:
        o = len(s) + o
    if o < 0 or o > len(s):
        raise Unresolved()
    return s[o:] if n == -1 else s[o:o + n]


def _flatten(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in _list(value):
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out


def _distinct(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in _list(value):
        if not any(_same(item, seen) for seen in out):
            out.append(item)
    return out


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    m, k = _map(mapping), _string(key)
    if k in m:
        return m[k]
    if default:
        return default[0]
    raise Unresolved()


def _element(value: Any, position_: Any) -> Any:
    items = _list(value)
    if not items:
        raise Unresolved()
    return items[int(_number(position_)) % len(items)]


def _coalesce(*values: Any) -> Any:
    for v in values:
        if v is not None and v != "":
            return v
    raise Unresolved()


def _length(value: Any) -> int:
    if isinstance(value, (list, dict, str)):
        return len(value)
    raise Unresolved()


def _tobool(value: Any) -> Any:
    return None if value is None else _truthy(value)


def _toset(value: Any) -> list[Any]:
    items = _distinct(value)
    if all(isinstance(v, str) for v in items):
        return sorted(items)
    return items


def _jsondecode(text: Any) -> Any:
    s = _string(text)
    if len(s) > MAX_VALUE_SIZE:
        raise Unresolved()
    return json.loads(s)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "jsonencode": lambda v: json.dumps(v, separators=(",", ":")),
    "jsondecode": _jsondecode,
    "lower": lambda s: _string(s).lower(),
    "upper": lambda s: _string(s).upper(),
    "trimspace": lambda s: _string(s).strip(),
    "format": _format,
    "join": _join,
    "split": lambda sep, s: _string(s).split(_string(sep)) if _string(sep) else list(
        _string(s)),
    "replace": _replace,
    "substr": _substr,
    "concat": lambda *lists: [x for lst in lists for x in _list(lst)],
    "merge": lambda *maps: {k: v for m in maps if m is not None for k, v in _map(m).items()},
    "flatten": _flatten,
    "distinct": _distinct,
    "lookup": _lookup,
    "element": _element,
    "contains": lambda lst, v: any(_same(x, v) for x in _list(lst)),
    "keys": lambda m: sorted(_map(m)),
    "values": lambda m: [_map(m)[k] for k in sorted(_map(m))],
    "length": _length,
    "coalesce": _coalesce,
    "tostring": lambda v: None if v is None else _string(v),
    "tonumber": lambda v: None if v is None else _number(v),
    "tobool": _tobool,
    "tolist": lambda v: list(_list(v)),
    "toset": _toset,
    "tomap": lambda v: dict(_map(v)),
}
