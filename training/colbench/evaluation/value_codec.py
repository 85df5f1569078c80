"""Rebuild call results that crossed the sandbox boundary, and compare them as Python does.

Inside the sandbox, :func:`~training.colbench.evaluation.sandbox_worker.encode_value` writes each
value a call returned as compact tagged JSON. Here :func:`decode` rebuilds it from *trusted* types
only: ``None``, ``bool``, ``int``, ``float`` (NaN and infinities included), ``complex``, ``str``,
``bytes``, ``bytearray``, ``list``, ``tuple``, ``dict``, ``set``, ``frozenset``,
:class:`~fractions.Fraction`, :class:`~decimal.Decimal`, the :mod:`datetime` types (with
fixed-offset time zones), and :class:`~collections.OrderedDict`, :class:`~collections.Counter`,
:class:`~collections.defaultdict` (without its factory) and :class:`~collections.deque`. Types are
kept as they were, so ``('a',)`` stays a tuple and ``Fraction(5)`` stays a Fraction.

A subclass of one of the built-in types whose equality and hash are the base type's (a
``namedtuple``, an ``IntEnum``) arrives as the base value, which compares exactly as the subclass
would. Anything else (a class the answer defines, a function, a subclass that overrides
``__eq__``) arrives as an :class:`Opaque` marker, which equals nothing: Python's ``==`` on such a
value would run the answer's own code, and nothing the answer defines is ever rebuilt or called
outside the sandbox. This is also how the reference evaluator ends up treating them in practice:
the ground truth's class and the answer's class are different classes.

:func:`outputs_equal` is then plain ``==`` on the rebuilt values (every ``__eq__`` involved is
the interpreter's or the standard library's).
"""

from __future__ import annotations

import json
import math
from collections import Counter, OrderedDict, defaultdict, deque
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any

__all__ = ["MalformedResult", "Opaque", "contains_nan", "decode", "outputs_equal", "to_jsonable"]

# Bounds that keep rebuilding and comparing hostile output cheap (the encoder keeps the first):
# an int of more bits costs more than 18 ms to compare with a Decimal (the conversion is
# quadratic), and a set or dict whose members share one hash builds in quadratic time (41k such
# ints fit in 1 MB: ~20 s).
MAX_INT_BITS = 100_000
_MAX_SAME_HASH = 32


class MalformedResult(ValueError):
    """Encoded output that the sandbox's encoder cannot have produced (a hostile child)."""


class Opaque:
    """A value of a type that is not rebuilt outside the sandbox. It equals nothing, not even
    another marker of the same type and description."""

    __slots__ = ("description", "type_name")

    def __init__(self, type_name: str, description: str) -> None:
        self.type_name = type_name
        self.description = description

    def __eq__(self, other: object) -> bool:
        return False

    def __ne__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<{self.type_name}, not comparable outside the sandbox: {self.description}>"


def outputs_equal(expected: Any, actual: Any) -> bool:
    """``expected == actual`` on rebuilt values; a comparison that raises (a signalling
    ``Decimal`` NaN) counts as not equal."""
    try:
        return (expected == actual) is True
    except Exception:
        return False


def decode(text: str | bytes) -> Any:
    """The value encoded in ``text``; raises :class:`MalformedResult` for anything the encoder
    would not have written."""
    try:
        return _rebuild(json.loads(text))
    except MalformedResult:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError) as exc:
        raise MalformedResult(f"undecodable result: {type(exc).__name__}: {exc}"[:300]) from exc
    except ArithmeticError as exc:  # decimal's InvalidOperation and friends
        raise MalformedResult(f"undecodable result: {type(exc).__name__}") from exc


def _rebuild(node: Any) -> Any:
    kind = type(node)
    if kind is list:
        return [_rebuild(item) for item in node]
    if kind is dict:
        if len(node) != 1:
            raise MalformedResult("a tagged value has exactly one key")
        ((tag, body),) = node.items()
        build = _TAGS.get(tag)
        if build is None:
            raise MalformedResult(f"unknown tag {tag!r:.40}")
        return build(body)
    if node is None or kind in (bool, int, float, str):
        return node
    raise MalformedResult(f"unexpected JSON value of type {kind.__name__}")


def _items(body: Any) -> list:
    if type(body) is not list:
        raise MalformedResult("expected a list")
    return [_rebuild(item) for item in body]


def _members(body: Any) -> list:
    """Set members, checked for hash flooding before any set is built."""
    members = _items(body)
    _check_hashes(members)
    return members


def _check_hashes(keys: list) -> None:
    counts: dict[int, int] = {}
    for key in keys:
        digest = hash(key)
        counts[digest] = counts.get(digest, 0) + 1
        if counts[digest] > _MAX_SAME_HASH:
            raise MalformedResult("too many keys share one hash")


def _pairs(body: Any) -> list[tuple[Any, Any]]:
    pairs = _items(body)
    if not all(type(pair) is list and len(pair) == 2 for pair in pairs):
        raise MalformedResult("expected [key, value] pairs")
    _check_hashes([key for key, _ in pairs])
    return [(key, value) for key, value in pairs]


def _string(body: Any) -> str:
    if type(body) is not str:
        raise MalformedResult("expected a string")
    return body


def _ints(body: Any, count: int) -> list[int]:
    values = _items(body)
    if len(values) != count or not all(type(value) is int for value in values):
        raise MalformedResult(f"expected {count} integers")
    return values


def _float(body: Any) -> float:
    if body not in ("nan", "inf", "-inf"):
        raise MalformedResult("a tagged float is nan, inf or -inf")
    return float(body)


def _complex(body: Any) -> complex:
    parts = _items(body)
    if len(parts) != 2 or not all(type(part) is float for part in parts):
        raise MalformedResult("a complex is two floats")
    return complex(parts[0], parts[1])


def _big_int(body: Any) -> int:
    text = _string(body)
    if not text.lstrip("-").startswith("0x") or len(text) > MAX_INT_BITS // 4 + 4:
        raise MalformedResult("a tagged int is hexadecimal, of at most MAX_INT_BITS bits")
    return int(text, 16)


def _fraction(body: Any) -> Fraction:
    numerator, denominator = _ints(body, 2)
    if denominator <= 0:
        raise MalformedResult("a fraction's denominator is positive")
    return Fraction(numerator, denominator)


def _zone(body: Any) -> timezone | None:
    if body is None:
        return None
    days, seconds, microseconds = _ints(body, 3)
    return timezone(timedelta(days, seconds, microseconds))


def _datetime(body: Any) -> datetime:
    if type(body) is not list or len(body) != 9:
        raise MalformedResult("a datetime has nine fields")
    fields = _ints(body[:8], 8)
    return datetime(*fields[:7], fold=fields[7], tzinfo=_zone(body[8]))


def _time(body: Any) -> time:
    if type(body) is not list or len(body) != 6:
        raise MalformedResult("a time has six fields")
    fields = _ints(body[:5], 5)
    return time(*fields[:4], fold=fields[4], tzinfo=_zone(body[5]))


def _defaultdict(body: Any) -> defaultdict:
    value: defaultdict = defaultdict(None)
    value.update(_pairs(body))
    return value


def _counter(body: Any) -> Counter:
    value: Counter = Counter()
    dict.update(value, _pairs(body))
    return value


def _deque(body: Any) -> deque:
    if type(body) is not list or len(body) != 2:
        raise MalformedResult("a deque is [items, maxlen]")
    maxlen = _rebuild(body[1])
    if maxlen is not None and (type(maxlen) is not int or maxlen < len(body[0])):
        raise MalformedResult("bad deque maxlen")
    return deque(_items(body[0]), maxlen)


def _opaque(body: Any) -> Opaque:
    if type(body) is not list or len(body) != 2 or not all(type(p) is str for p in body):
        raise MalformedResult("an opaque value is [type name, description]")
    return Opaque(body[0][:200], body[1][:200])


_TAGS = {
    "tuple": lambda body: tuple(_items(body)),
    "dict": lambda body: dict(_pairs(body)),
    "set": lambda body: set(_members(body)),
    "frozenset": lambda body: frozenset(_members(body)),
    "bytes": lambda body: bytes.fromhex(_string(body)),
    "bytearray": lambda body: bytearray.fromhex(_string(body)),
    "float": _float,
    "int": _big_int,
    "complex": _complex,
    "fraction": _fraction,
    "decimal": lambda body: Decimal(_string(body)),
    "date": lambda body: date(*_ints(body, 3)),
    "datetime": _datetime,
    "time": _time,
    "timedelta": lambda body: timedelta(*_ints(body, 3)),
    "ordereddict": lambda body: OrderedDict(_pairs(body)),
    "counter": _counter,
    "defaultdict": _defaultdict,
    "deque": _deque,
    "opaque": _opaque,
}


def contains_nan(value: Any) -> bool:
    """Whether a rebuilt value holds a NaN anywhere (a float, complex or Decimal NaN, at any
    depth): such an output never equals itself, so no answer can match it."""
    kind = type(value)
    if kind is float:
        return math.isnan(value)
    if kind is complex:
        return math.isnan(value.real) or math.isnan(value.imag)
    if kind is Decimal:
        return value.is_nan()
    if isinstance(value, dict):
        return any(contains_nan(key) or contains_nan(item) for key, item in value.items())
    if isinstance(value, (list, tuple, set, frozenset, deque)):
        return any(contains_nan(item) for item in value)
    return False


def to_jsonable(value: Any) -> Any:
    """A JSON-ready picture of a rebuilt value for reports: JSON's own types as they are, any
    other value as its ``repr``."""
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return value if value.bit_length() <= 64 else hex(value)
    if kind is float:
        return value if math.isfinite(value) else repr(value)
    if kind is list:
        return [to_jsonable(item) for item in value]
    if kind is dict and all(type(key) is str for key in value):
        return {key: to_jsonable(item) for key, item in value.items()}
    try:
        text = repr(value)
    except ValueError:  # an int too long for decimal, deep inside
        text = f"<{kind.__name__}>"
    return text if len(text) <= 2000 else text[:2000] + "..."
