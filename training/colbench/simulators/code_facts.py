"""Split a hidden ground-truth function into facts a person could say, one sentence each.

The oracle simulator answers a question with the fact that matches it best, so each fact must make
sense on its own: a statement nested under ``if``/``for`` carries its condition ("If days_late is at
most 3, the result is 0.0."). Facts are phrased in plain words where that is easy (comparisons,
``round``/``min``/``max``/``len``, dictionary lookups, the signature) and fall back to the code of
the expression otherwise; a person reading their own spec aloud would do much the same.

Code that does not parse (official tasks are not always valid Python) falls back to one fact per
non-blank source line.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass

_COMPARE_WORDS = {
    ast.Gt: "is more than",
    ast.GtE: "is at least",
    ast.Lt: "is less than",
    ast.LtE: "is at most",
    ast.Eq: "is",
    ast.NotEq: "is not",
    ast.In: "is one of",
    ast.NotIn: "is not one of",
    ast.Is: "is",
    ast.IsNot: "is not",
}
_NEGATED_COMPARE = {
    ast.Gt: ast.LtE,
    ast.GtE: ast.Lt,
    ast.Lt: ast.GtE,
    ast.LtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_AUG_WORDS = {
    ast.Add: "is increased by",
    ast.Sub: "is decreased by",
    ast.Mult: "is multiplied by",
    ast.Div: "is divided by",
}


@dataclass(frozen=True)
class Fact:
    """One thing the person knows. ``text`` is said; ``code`` (the source) also helps retrieval."""

    text: str
    code: str
    kind: str = "statement"
    """``signature`` (name and arguments), ``statement``, ``table`` (a whole dictionary literal),
    ``entry`` (one row of a table), ``docstring``, ``comment`` or ``line``."""

    @property
    def search_text(self) -> str:
        """What retrieval compares a question with: words and code, identifiers split."""
        return f"{self.text} {self.code}".replace("_", " ")


def words(node: ast.expr) -> str:
    """An expression in plain words where easy, otherwise its code."""
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        op_words = _COMPARE_WORDS.get(type(node.ops[0]))
        if op_words:
            return f"{words(node.left)} {op_words} {words(node.comparators[0])}"
    if isinstance(node, ast.BoolOp):
        joiner = " and " if isinstance(node.op, ast.And) else " or "
        return joiner.join(words(value) for value in node.values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return f"not {words(node.operand)}"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        name, args = node.func.id, node.args
        if name == "round" and len(args) == 2:
            return f"{words(args[0])} rounded to {ast.unparse(args[1])} decimals"
        if name == "round" and len(args) == 1:
            return f"{words(args[0])} rounded to a whole number"
        if name in ("min", "max") and len(args) == 2 and (clamp := _clamp_words(node)):
            return clamp
        if name in ("min", "max") and len(args) == 2:
            value, bound = args
            if isinstance(value, ast.Constant) and not isinstance(bound, ast.Constant):
                value, bound = bound, value
            if name == "min":
                return f"{words(value)}, capped at a maximum of {ast.unparse(bound)}"
            return f"{words(value)}, but never below a minimum of {ast.unparse(bound)}"
        if name == "len" and len(args) == 1:
            return f"the length of {words(args[0])}"
        if name == "abs" and len(args) == 1:
            return f"the absolute value of {words(args[0])}"
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Dict):
        mapping = _dict_words(node.value)
        if mapping:
            return f"looked up from {words(node.slice)}, which {mapping}"
    return ast.unparse(node)


def negate(node: ast.expr) -> str:
    """The opposite of a condition, in words ("weight_kg is more than 2")."""
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        flipped = _NEGATED_COMPARE.get(type(node.ops[0]))
        if flipped:
            return words(ast.Compare(node.left, [flipped()], node.comparators))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return words(node.operand)
    if isinstance(node, ast.Name):
        return f"not {node.id}"
    return f"not ({words(node)})"


def _dict_words(node: ast.Dict) -> str | None:
    """A dictionary literal as a table: "'great' → 0.2, 'ok' → 0.12"; None if it has ``**``."""
    pairs = _dict_pairs(node)
    if not pairs:
        return None
    return "maps " + ", ".join(f"{key} → {value}" for key, value in pairs)


def _dict_pairs(node: ast.Dict) -> list[tuple[str, str]]:
    if any(key is None for key in node.keys):
        return []
    return [(ast.unparse(k), ast.unparse(v)) for k, v in zip(node.keys, node.values, strict=True)]


def _clamp_words(node: ast.Call) -> str | None:
    """``min(max(x, lo), hi)`` or ``max(min(x, hi), lo)`` as "x, kept between lo and hi"."""
    outer = node.func.id if isinstance(node.func, ast.Name) else ""
    inner = node.args[0]
    if not (
        isinstance(inner, ast.Call)
        and isinstance(inner.func, ast.Name)
        and {outer, inner.func.id} == {"min", "max"}
        and len(inner.args) == 2
        and not inner.keywords
    ):
        return None
    value, inner_bound = inner.args
    lo, hi = (inner_bound, node.args[1]) if outer == "min" else (node.args[1], inner_bound)
    return (
        f"{words(value)}, kept between {ast.unparse(lo)} and {ast.unparse(hi)} "
        f"(at least {ast.unparse(lo)}, at most {ast.unparse(hi)})"
    )


_IDENTIFIER = re.compile(r"\b[A-Za-z]+(?:_[A-Za-z0-9]+)+\b")


def spoken(condition: str, keep: frozenset[str] = frozenset()) -> str:
    """A condition as a person says it: identifiers split into words (``max_days`` → "max
    days"), except the names in ``keep`` (the function's arguments, which the agent must use
    verbatim); text inside quotes is left alone."""
    parts = re.split(r"('[^']*'|\"[^\"]*\")", condition)
    return "".join(
        part
        if part[:1] in ("'", '"')
        else _IDENTIFIER.sub(lambda m: m[0] if m[0] in keep else m[0].replace("_", " "), part)
        for part in parts
    )


def _defaults_from_get(node: ast.AST) -> list[str]:
    """ "If service is not in rates, 0.12 is used." for each ``rates.get(service, 0.12)``."""
    said = []
    for call in ast.walk(node):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "get"
            and len(call.args) == 2
            and not call.keywords
        ):
            table, key, default = ast.unparse(call.func.value), call.args[0], call.args[1]
            said.append(
                f"If {spoken(ast.unparse(key))} is not one of the keys of {spoken(table)}, "
                f"the default {ast.unparse(default)} is used"
            )
    return said


_OUR_OPENINGS = ("if ", "for ", "while ", "on ", "the ", "it ", "otherwise", "inside ")


def _sentence(condition: str, clause: str) -> str:
    """Join a condition and a clause; capitalise only our own words, never an identifier."""
    text = f"{condition}, {clause}" if condition else clause
    if text.startswith(_OUR_OPENINGS):
        text = text[0].upper() + text[1:]
    return text + ("" if text.endswith((".", "?", "!")) else ".")


def _is_truth_value(node: ast.expr) -> bool:
    return isinstance(node, ast.Compare | ast.BoolOp) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
    )


def _signature(node: ast.FunctionDef) -> list[Fact]:
    args = node.args
    names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    if args.vararg:
        names.append(f"*{args.vararg.arg}")
    if args.kwarg:
        names.append(f"**{args.kwarg.arg}")
    takes = ", ".join(names) if names else "no arguments"
    code = f"def {node.name}({ast.unparse(args)})"
    said = f"The function is called {node.name} and takes {takes}, in that order."
    facts = [Fact(said, code, "signature")]
    positional = args.posonlyargs + args.args
    with_defaults = positional[len(positional) - len(args.defaults) :]
    defaults = list(zip(with_defaults, args.defaults, strict=True))
    defaults += [
        (a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None
    ]
    facts.extend(
        Fact(f"If {a.arg} is not given, it defaults to {ast.unparse(d)}.", code, "signature")
        for a, d in defaults
    )
    return facts


class _FactCollector:
    def __init__(self) -> None:
        self.facts: list[Fact] = []
        self.depth = 0  # function nesting: inner functions are helpers, not the signature
        self.arguments: frozenset[str] = frozenset()  # said verbatim, never split into words

    def add(self, condition: str, clause: str, node: ast.AST, kind: str = "statement") -> None:
        code = ast.unparse(node).split("\n")[0]
        self.facts.append(Fact(_sentence(condition, clause), code, kind))

    def body(self, statements: list[ast.stmt], condition: str) -> None:
        after_early_return = False
        for index, statement in enumerate(statements):
            is_last = index == len(statements) - 1
            if isinstance(statement, ast.Return) and is_last and after_early_return:
                # the fall-through result after one or more ``if ...: return``
                self.statement(statement, _join(condition, "otherwise"))
            else:
                self.statement(statement, condition)
            after_early_return = after_early_return or (
                isinstance(statement, ast.If)
                and not statement.orelse
                and isinstance(statement.body[-1], ast.Return)
            )

    def statement(self, node: ast.stmt, condition: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if self.depth == 0:
                self.facts.extend(_signature(node))
                arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
                self.arguments = frozenset(a.arg for a in arguments)
            else:
                helper = f"it uses a helper {node.name}({ast.unparse(node.args)})"
                self.add(condition, helper, node)
            body = node.body
            docstring = ast.get_docstring(node)
            if docstring:
                said = _sentence("", " ".join(docstring.split()))
                self.facts.append(Fact(said, docstring, "docstring"))
                body = body[1:]
            inner = condition if self.depth == 0 else _join(condition, f"inside {node.name}")
            self.depth += 1
            self.body(body, inner)
            self.depth -= 1
        elif isinstance(node, ast.If):
            self._if_chain(node, condition)
        elif isinstance(node, ast.For):
            loop = f"for each {ast.unparse(node.target)} in {words(node.iter)}"
            self.body(node.body, _join(condition, loop))
        elif isinstance(node, ast.While):
            self.body(
                node.body, _join(condition, f"while {spoken(words(node.test), self.arguments)}")
            )
        elif isinstance(node, ast.Return):
            if node.value is None:
                value = "nothing"
            elif _is_truth_value(node.value):
                value = f"whether {words(node.value)}"
            else:
                value = words(node.value)
            self.add(condition, f"the result is {value}", node)
            for default in _defaults_from_get(node.value) if node.value else ():
                self.add(condition, default, node)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            self._assign(node.targets[0], node.value, condition, node)
        elif isinstance(node, ast.AugAssign) and type(node.op) in _AUG_WORDS:
            target = ast.unparse(node.target)
            self.add(condition, f"{target} {_AUG_WORDS[type(node.op)]} {words(node.value)}", node)
            for default in _defaults_from_get(node.value):
                self.add(condition, default, node)
        elif isinstance(node, ast.Raise):
            error = "an error" if node.exc is None else ast.unparse(node.exc)
            self.add(condition, f"it raises {error}", node)
        elif isinstance(node, ast.Try):
            self.body(node.body, condition)
            for handler in node.handlers:
                caught = ast.unparse(handler.type) if handler.type else "any error"
                self.body(handler.body, _join(condition, f"on {caught}"))
        elif isinstance(node, ast.With):
            self.body(node.body, condition)
        elif isinstance(node, ast.Import | ast.ImportFrom | ast.Pass):
            return
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return  # stray string literal
        else:
            self.add(condition, ast.unparse(node).split("\n")[0], node)

    def _assign(self, target: ast.expr, value: ast.expr, condition: str, node: ast.stmt) -> None:
        if (
            isinstance(target, ast.Tuple)
            and isinstance(value, ast.Tuple)
            and len(target.elts) == len(value.elts)
        ):  # ``low, high = 200, 500``: one fact per name
            for name, part in zip(target.elts, value.elts, strict=True):
                self._assign(name, part, condition, node)
            return
        name = ast.unparse(target)
        if isinstance(value, ast.Dict) and (pairs := _dict_pairs(value)):
            self.add(condition, f"{name} {_dict_words(value)}", node, kind="table")
            if len(pairs) > 1:
                for key, entry in pairs:
                    self.add(condition, f"for {key}, {name} gives {entry}", node, kind="entry")
        else:
            self.add(condition, f"{name} is {words(value)}", node)
        for default in _defaults_from_get(value):
            self.add(condition, default, node)

    def _if_chain(self, node: ast.If, condition: str) -> None:
        self.body(node.body, _join(condition, f"if {spoken(words(node.test), self.arguments)}"))
        orelse = node.orelse
        if len(orelse) == 1 and isinstance(orelse[0], ast.If):
            self._if_chain(orelse[0], condition)
        elif orelse:
            self.body(orelse, _join(condition, f"if {spoken(negate(node.test), self.arguments)}"))


def _join(outer: str, inner: str) -> str:
    """Nest a condition: two ``if`` clauses merge with "and", anything else chains with commas."""
    if not outer:
        return inner
    if inner == "otherwise":
        return f"{outer}, otherwise"
    if outer.startswith("if ") and inner.startswith("if ") and ", " not in outer:
        return f"{outer} and {inner.removeprefix('if ')}"
    return f"{outer}, {inner}"


def _comments(source: str) -> list[Fact]:
    facts = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                text = token.string.lstrip("#").strip()
                if len(text.split()) >= 2:
                    facts.append(Fact(_sentence("", text), token.string, "comment"))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []
    return facts


def function_facts(source: str) -> list[Fact]:
    """The facts in a ground truth, in source order, without duplicates."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        lines = [line.strip() for line in source.splitlines() if line.strip()]
        return [Fact(line, line, "line") for line in dict.fromkeys(lines)]
    collector = _FactCollector()
    collector.body(tree.body, "")
    facts = collector.facts + _comments(source)
    unique: dict[str, Fact] = {}
    for fact in facts:
        unique.setdefault(fact.text, fact)
    return list(unique.values())
