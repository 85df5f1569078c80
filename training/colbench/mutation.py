"""Find and perturb the personal details hidden in a backend ground-truth function.

A ColBench backend task is only collaborative if the ground truth holds details an agent cannot
guess: rates, thresholds, rounding digits, field names, boundary rules. This module finds such
details syntactically and perturbs them plausibly. Two users:

- the task validator proves that details matter (a mutant that changes one detail must fail a
  test) and that guessing fails (a mutant that changes every detail fails most tests);
- synthetic trajectories: a "wrong but plausible" answer is the ground truth with a few details
  perturbed.

What counts as a detail (found with :func:`hidden_details`, in a stable order):

- ``number``: int/float literals, except ``0``, ``1``, ``0.0`` (accumulators, flags, signs),
  booleans, and literals used as subscript indices or slice bounds (structure, not taste);
- ``string``: string literals, except docstrings, f-string format specs and strftime/strptime
  patterns (strings containing ``%``), which are structure;
- ``comparison``: the ordering operators ``<``, ``<=``, ``>``, ``>=`` (inclusive or exclusive
  boundaries); ``==``/``!=`` are logic, not taste, and are left alone.

Every mutant is produced by editing the AST and unparsing it, so it is always valid Python.
"""

from __future__ import annotations

import ast
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

DetailKind = Literal["number", "string", "comparison"]

# Ints that are almost always structure (start values, counters, steps), not personal taste.
# 0.0 is skipped too (clamps like max(0.0, x)); other floats, 1.0 included, are kept.
STRUCTURAL_NUMBERS = frozenset({0, 1})
_COMPARISON_FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
}
_COMPARISON_SYMBOLS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_SEPARATORS = [",", ", ", ";", "|", "-", "_", "/", " ", ":", ".", " - "]
_SCALE_FACTORS = (0.5, 0.75, 0.8, 0.9, 1.1, 1.2, 1.25, 1.5, 2.0)
# Plausible word swaps a person might have meant instead (both directions are used).
_WORD_SWAPS = {
    "yes": "no",
    "high": "low",
    "pass": "fail",
    "on": "off",
    "open": "closed",
    "win": "lose",
    "small": "large",
    "min": "max",
    "first": "last",
    "good": "bad",
    "true": "false",
}
_WORD_SWAPS.update({value: key for key, value in list(_WORD_SWAPS.items())})


@dataclass(frozen=True)
class Detail:
    """One candidate personal detail: where it is and what it says now."""

    index: int
    kind: DetailKind
    line: int
    column: int
    value: str  # repr of the literal, or the operator symbol

    def describe(self) -> str:
        return f"{self.kind} {self.value} at line {self.line}"


@dataclass
class _Site:
    kind: DetailKind
    node: ast.AST
    op_index: int = 0  # for comparisons: which operator of a chained comparison


class _SiteFinder(ast.NodeVisitor):
    """Collects detail sites in a deterministic pre-order traversal."""

    def __init__(self) -> None:
        self.sites: list[_Site] = []
        self._skip: set[int] = set()

    def visit(self, node: ast.AST) -> None:
        if id(node) in self._skip:
            return
        super().visit(node)

    def _skip_subtree(self, node: ast.AST | None) -> None:
        if node is not None:
            for child in ast.walk(node):
                if isinstance(child, ast.Constant):
                    self._skip.add(id(child))

    def _skip_docstring(self, body: list[ast.stmt]) -> None:
        first = body[0] if body else None
        if isinstance(first, ast.Expr) and isinstance(getattr(first.value, "value", None), str):
            self._skip.add(id(first.value))

    def visit_Module(self, node: ast.Module) -> None:
        self._skip_docstring(node.body)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._skip_docstring(node.body)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._skip_docstring(node.body)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        # Index literals are structure, but a string key (record['price']) is a field name.
        if not (isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
            self._skip_subtree(node.slice)
        self.generic_visit(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> None:
        self._skip_subtree(node.format_spec)
        self.visit(node.value)

    def visit_Compare(self, node: ast.Compare) -> None:
        self.visit(node.left)
        for position, (op, comparator) in enumerate(zip(node.ops, node.comparators, strict=True)):
            if type(op) in _COMPARISON_FLIPS:
                self.sites.append(_Site("comparison", node, position))
            self.visit(comparator)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, int):
            if value not in STRUCTURAL_NUMBERS:
                self.sites.append(_Site("number", node))
        elif isinstance(value, float):
            if value != 0.0 and math.isfinite(value):
                self.sites.append(_Site("number", node))
        elif isinstance(value, str) and "%" not in value:
            self.sites.append(_Site("string", node))


def _sites(tree: ast.AST) -> list[_Site]:
    """Detail sites in source order (a comparison sits where its left operand starts)."""
    finder = _SiteFinder()
    finder.visit(tree)
    return sorted(finder.sites, key=_position)


def _position(site: _Site) -> tuple[int, int, int]:
    return (getattr(site.node, "lineno", 0), getattr(site.node, "col_offset", 0), site.op_index)


def _detail(index: int, site: _Site) -> Detail:
    if site.kind == "comparison":
        assert isinstance(site.node, ast.Compare)
        op = site.node.ops[site.op_index]
        value = _COMPARISON_SYMBOLS[type(op)]
    else:
        assert isinstance(site.node, ast.Constant)
        value = repr(site.node.value)
    return Detail(
        index=index,
        kind=site.kind,
        line=getattr(site.node, "lineno", 0),
        column=getattr(site.node, "col_offset", 0),
        value=value,
    )


def hidden_details(source: str) -> list[Detail]:
    """The candidate personal details of ``source``, in a stable order (raises SyntaxError)."""
    return [_detail(index, site) for index, site in enumerate(_sites(ast.parse(source)))]


# ---------------------------------------------------------------------------- perturbations


def _decimals(value: float) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text else 0


def _round_like(new: float, original: int) -> int:
    """Round ``new`` to the same granularity as ``original`` (100 -> multiples of 10, 45 -> 5)."""
    step = 1
    for candidate in (100, 50, 10, 5):
        if original % candidate == 0 and abs(original) > candidate:
            step = candidate
            break
    return int(round(new / step) * step)


def perturb_number(value: int | float, rng: random.Random) -> int | float:
    """A different value of the same type and sign that a person could plausibly have meant."""
    if isinstance(value, int):
        if abs(value) < 10:
            options = [value + delta for delta in (-2, -1, 1, 2, 3)]
            options = [v for v in options if v != value and (v > 0) == (value > 0) and v != 0]
            return rng.choice(options or [value + 1])
        new = _round_like(value * rng.choice(_SCALE_FACTORS), value)
        if new == value or (new > 0) != (value > 0):
            new = value + (1 if value > 0 else -1) * max(1, abs(value) // 10)
        return new
    if "e" in repr(value):  # tiny or huge: keep three significant digits
        for _ in range(8):
            new = float(f"{value * rng.choice(_SCALE_FACTORS):.3g}")
            if new != value:
                return new
        return value * 2
    decimals = max(_decimals(value), 1)
    for _ in range(8):
        new = round(value * rng.choice(_SCALE_FACTORS), decimals)
        if new != value and (new > 0) == (value > 0):
            return new
    return round(value + 10.0**-decimals, decimals)


def perturb_string(value: str, rng: random.Random) -> str:
    """A different string a person could plausibly have meant (case, separator, word, form)."""
    stripped = value.strip()
    options: list[str] = []
    if not stripped:
        options = [s for s in _SEPARATORS if s != value] + ["", "  "]
    elif len(stripped) <= 3 and not stripped.isalnum():
        options = [value.replace(stripped, s) for s in _SEPARATORS if s.strip() != stripped]
    else:
        lower = value.lower()
        if lower in _WORD_SWAPS:
            swapped = _WORD_SWAPS[lower]
            options.append(swapped.upper() if value.isupper() else swapped)
        if value != value.lower():
            options.append(value.lower())
        if value != value.upper() and len(value) <= 3:
            options.append(value.upper())
        if value[:1].islower():
            options.append(value[:1].upper() + value[1:])
        if "_" in value:
            options += [value.replace("_", ""), value.replace("_", "-")]
        elif " " in value:
            options.append(value.replace(" ", "_"))
        elif value.isalpha() and len(value) > 3:
            options.append(value[:-1] if value.endswith("s") else value + "s")
        if value.endswith(("!", ".", ":")):
            options.append(value[:-1])
    options = [option for option in options if option != value]
    return rng.choice(options) if options else value + "_x"


def _apply(site: _Site, rng: random.Random) -> None:
    if site.kind == "comparison":
        assert isinstance(site.node, ast.Compare)
        op = site.node.ops[site.op_index]
        site.node.ops[site.op_index] = _COMPARISON_FLIPS[type(op)]()
    elif site.kind == "number":
        assert isinstance(site.node, ast.Constant)
        site.node.value = perturb_number(site.node.value, rng)
    else:
        assert isinstance(site.node, ast.Constant)
        site.node.value = perturb_string(site.node.value, rng)


def mutate_at(source: str, indices: Iterable[int], rng: random.Random) -> str:
    """``source`` with the details at ``indices`` (from :func:`hidden_details`) perturbed."""
    tree = ast.parse(source)
    sites = _sites(tree)
    for index in sorted(set(indices)):
        if not 0 <= index < len(sites):
            raise IndexError(f"detail index {index} out of range (source has {len(sites)})")
        _apply(sites[index], rng)
    return ast.unparse(ast.fix_missing_locations(tree))


def mutate_details(source: str, rng: random.Random, count: int) -> str:
    """``source`` with ``count`` randomly chosen details perturbed (all of them if fewer exist)."""
    total = len(_sites(ast.parse(source)))
    chosen = rng.sample(range(total), min(max(count, 0), total))
    return mutate_at(source, chosen, rng)
