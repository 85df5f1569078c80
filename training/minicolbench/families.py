"""The MiniColBench function families: small backend tasks a ~1M-parameter model can learn.

A family is one Python function with a fixed body and a few hidden *details*: named constants
assigned at the top of the body (a rate, a threshold, a rounding rule, the result for an edge
case) and, for some families, the signature (function name and argument order). The request the
person opens with names the family but none of the details, so an agent has to ask.

Why named constants: the backend oracle (:mod:`training.colbench.simulators.code_facts`) turns
``daily_rate = 0.25`` into the fact "daily_rate is 0.25.", which a question that names the
detail ("What is the daily rate?") retrieves, and whose value the agent can copy back verbatim.
The signature is said as "The function is called NAME and takes A, B, in that order.".

Each family also proposes candidate test inputs for given detail values; the generator
(:mod:`.generate`) picks 10 of them that tell every wrong value of every detail apart from the
true one (see :func:`choose_tests`).
"""

from __future__ import annotations

import itertools
import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

SIGNATURE = "signature"
"""The name of the signature detail; its values are ``(function name, argument order)``."""

TESTS_PER_TASK = 10


@dataclass(frozen=True)
class Detail:
    """One hidden detail: a constant of the body (``name``) or the signature (:data:`SIGNATURE`)."""

    name: str
    kind: str
    """``constant``, ``rounding``, ``edge_case``, ``case_rule`` or ``signature`` (for reports)."""
    question: str
    """What the expert asks to learn it (one sentence, one question mark)."""
    values: tuple[Any, ...]
    """Every value the detail can take; generation and guessing draw from these."""


@dataclass(frozen=True)
class Family:
    """A function family. ``body`` uses the detail names and the arguments as plain variables."""

    name: str
    description: str
    function: str
    """The function name when the family has no signature detail."""
    args: tuple[str, ...]
    """The arguments in their natural order (the order of the candidate inputs' values)."""
    body: str
    details: tuple[Detail, ...]
    inputs: Callable[[dict[str, Any], random.Random], list[tuple[Any, ...]]] = field(repr=False)
    """Candidate inputs (in ``args`` order) for the given detail values."""

    @property
    def detail_names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.details)

    @property
    def space_size(self) -> int:
        """How many detail combinations the family has."""
        size = 1
        for detail in self.details:
            size *= len(detail.values)
        return size

    def combination(self, index: int) -> dict[str, Any]:
        """The ``index``-th detail combination (mixed radix over the details' values)."""
        values: dict[str, Any] = {}
        for detail in reversed(self.details):
            index, digit = divmod(index, len(detail.values))
            values[detail.name] = detail.values[digit]
        return {name: values[name] for name in self.detail_names}

    def signature(self, values: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
        """The function name and argument order under ``values``."""
        if SIGNATURE in values:
            name, order = values[SIGNATURE]
            return name, tuple(order)
        return self.function, self.args

    def source(self, values: dict[str, Any]) -> str:
        """The function with these detail values: the ground truth, or an answer."""
        name, order = self.signature(values)
        lines = [f"def {name}({', '.join(order)}):"]
        lines += [f"    {d.name} = {values[d.name]!r}" for d in self.details if d.name != SIGNATURE]
        return "\n".join(lines) + "\n" + self.body.strip("\n") + "\n"

    @cached_property
    def implementation(self) -> Callable[..., Any]:
        """The body as a trusted in-process function of (details..., args...) for choosing tests.

        Our own template, never task data: task files are only ever run in the sandbox.
        """
        constants = [d.name for d in self.details if d.name != SIGNATURE]
        header = f"def _impl({', '.join([*constants, *self.args])}):\n"
        namespace: dict[str, Any] = {}
        exec(compile(header + self.body.strip("\n") + "\n", f"<{self.name}>", "exec"), namespace)
        return namespace["_impl"]

    def call(self, values: dict[str, Any], arguments: Sequence[Any]) -> Any:
        """Run the family under ``values`` on ``arguments`` given in the natural ``args`` order."""
        constants = {d.name: values[d.name] for d in self.details if d.name != SIGNATURE}
        return self.implementation(**constants, **dict(zip(self.args, arguments, strict=True)))


# ------------------------------------------------------------------------------ choosing tests


class _Raised:
    """A call that raised: equal to nothing, like a failed test."""

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = None  # type: ignore[assignment]


def _outcome(family: Family, values: dict[str, Any], arguments: Sequence[Any]) -> Any:
    try:
        return family.call(values, arguments)
    except Exception:
        return _Raised()


def _differs(a: Any, b: Any) -> bool:
    """Whether a test fails, as the scorer sees it (Python ``==``; a raised call never passes)."""
    if isinstance(a, _Raised) or isinstance(b, _Raised):
        return True
    return a != b


def _variant_result(
    family: Family,
    truth: dict[str, Any],
    variant: dict[str, Any],
    arguments: tuple[Any, ...],
) -> Any:
    """What a test written for ``truth`` returns when run against the ``variant`` function."""
    true_name, true_order = family.signature(truth)
    name, order = family.signature(variant)
    if name != true_name:
        return _Raised()  # the test calls a function the variant does not define
    by_name = dict(zip(family.args, arguments, strict=True))
    passed = [by_name[arg] for arg in true_order]  # positional, in the true order
    rebound = dict(zip(order, passed, strict=True))  # what the variant binds them to
    return _outcome(family, variant, [rebound[arg] for arg in family.args])


def wrong_variants(family: Family, values: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every combination that differs from ``values`` in exactly one detail."""
    out = []
    for detail in family.details:
        for other in detail.values:
            if other != values[detail.name]:
                out.append((detail.name, {**values, detail.name: other}))
    return out


class TestsNotFound(ValueError):
    """No 10 candidate inputs tell every wrong value apart (the family needs better inputs)."""


def choose_tests(
    family: Family, values: dict[str, Any], rng: random.Random
) -> list[tuple[Any, ...]]:
    """Ten distinct inputs (in ``args`` order) that together fail every single-detail variant.

    Greedy set cover over the family's candidates, then filled up with the remaining candidates
    that fail the most variants (so a guess that changes several details fails most tests).
    """
    candidates = list({repr(c): c for c in family.inputs(values, rng)}.values())
    variants = wrong_variants(family, values)
    caught: list[set[int]] = []
    usable: list[tuple[Any, ...]] = []
    for arguments in candidates:
        expected = _outcome(family, values, arguments)
        if isinstance(expected, _Raised):
            continue
        usable.append(arguments)
        caught.append(
            {
                index
                for index, (_, variant) in enumerate(variants)
                if _differs(expected, _variant_result(family, values, variant, arguments))
            }
        )
    chosen: list[int] = []
    left = set(range(len(variants)))
    while left:
        best = max(range(len(usable)), key=lambda i: (len(caught[i] & left), -i), default=None)
        if best is None or not caught[best] & left:
            missed = sorted({variants[i][0] for i in left})
            raise TestsNotFound(f"{family.name} {values}: no input tells apart {missed}")
        chosen.append(best)
        left -= caught[best]
    if len(chosen) > TESTS_PER_TASK:
        raise TestsNotFound(f"{family.name} {values}: needs {len(chosen)} tests")
    rest = sorted(
        (i for i in range(len(usable)) if i not in chosen), key=lambda i: (-len(caught[i]), i)
    )
    chosen += rest[: TESTS_PER_TASK - len(chosen)]
    if len(chosen) < TESTS_PER_TASK:
        raise TestsNotFound(f"{family.name} {values}: only {len(chosen)} usable inputs")
    outputs = [family.call(values, usable[i]) for i in chosen]
    if all(repr(o) == repr(outputs[0]) for o in outputs[1:]):
        raise TestsNotFound(f"{family.name} {values}: every test returns {outputs[0]!r}")
    return [usable[i] for i in sorted(chosen)]


def test_call(family: Family, values: dict[str, Any], arguments: Sequence[Any]) -> str:
    """The call expression of one hidden test (positional, in the true argument order)."""
    name, order = family.signature(values)
    by_name = dict(zip(family.args, arguments, strict=True))
    return f"{name}({', '.join(repr(by_name[arg]) for arg in order)})"


# ------------------------------------------------------------------------------ value ranges


def _steps(start: float, stop: float, step: float) -> tuple[float, ...]:
    count = round((stop - start) / step) + 1
    return tuple(round(start + i * step, 2) for i in range(count))


def _signature_question(args: Sequence[str]) -> str:
    """Names the arguments: the oracle's signature fact then clearly wins retrieval."""
    return f"What is the function called and does it take {', '.join(args)}, in that order?"


def _signatures(names: Sequence[str], orders: Sequence[Sequence[str]]) -> tuple[Any, ...]:
    return tuple((name, tuple(order)) for name in names for order in orders)


# ------------------------------------------------------------------------------ the families


def _late_fee_inputs(v: dict[str, Any], rng: random.Random) -> list[tuple[Any, ...]]:
    free = v["free_days"]
    return [(d,) for d in (free, free + 1, 0, 20, 45, *rng.sample(range(0, 40), 12))]


def _sale_inputs(v: dict[str, Any], rng: random.Random) -> list[tuple[Any, ...]]:
    low = v["min_purchase"]
    prices = [low - 0.5, low, low + 12.345, 123.4567, 987.6543, 251.19]
    prices += [round(rng.uniform(low, 900), 3) for _ in range(10)]
    return [(round(p, 4),) for p in prices]


def _clamp_inputs(v: dict[str, Any], rng: random.Random) -> list[tuple[Any, ...]]:
    return [(-1000,), (1000,), *((rng.randint(-60, 60),) for _ in range(14))]


_WORDS = [
    "a", "I", "an", "ox", "the", "Cat", "dog", "Bird", "NASA", "apple", "Hello", "green",
    "well-known", "o'neil", "mcDonald", "Banana", "picture", "elephant", "Wonderful",
    "basketball", "Extraordinary", "Basketballs", "sun", "MOON", "river",
]  # fmt: skip


def _word_inputs(v: dict[str, Any], rng: random.Random) -> list[tuple[Any, ...]]:
    texts = [" ".join(_WORDS), "the Cat saw the cat and THE CAT", "well-known Hello hello"]
    for _ in range(12):
        texts.append(" ".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 9))))
    return [(t,) for t in texts]


def _average_inputs(v: dict[str, Any], rng: random.Random) -> list[tuple[Any, ...]]:
    cut = v["cutoff"]
    lists = [[], list(range(0, 62)), [cut, cut + 1, cut + 2, cut + 4], [1, 2, 3], [cut - 3]]
    lists += [[cut, cut + 10], [cut + 1, 200]]
    for _ in range(10):
        lists.append(sorted(rng.sample(range(0, 70), rng.randint(3, 8))))
    return [(values,) for values in lists]


def _bill_inputs(v: dict[str, Any], rng: random.Random) -> list[tuple[Any, ...]]:
    pairs = [(100, 4), (57.3, 3), (12.5, 2), (250, 7), (33.33, 6), (10000, 4), (7777, 2)]
    pairs += [(round(rng.uniform(10, 400), 2), rng.randint(2, 9)) for _ in range(10)]
    return pairs


def _shipping_inputs(v: dict[str, Any], rng: random.Random) -> list[tuple[Any, ...]]:
    near_cap = round((v["max_fee"] - 5 - v["base_fee"]) / v["per_kg_rate"], 1)
    weights = [0.5, 1, 2.5, 7, 13, 40, 100, 0.1, 1000, near_cap]
    weights += [round(rng.uniform(0.1, 30), 1) for _ in range(10)]
    return [(w,) for w in weights]


def _grade_inputs(v: dict[str, Any], rng: random.Random) -> list[tuple[Any, ...]]:
    p, h = v["pass_mark"], v["honors_mark"]
    return [(s,) for s in (p - 1, p, h - 1, h, 0, 100, *rng.sample(range(0, 101), 10))]


def _password(length: int, digits: int, rng: random.Random) -> str:
    digits = min(digits, length)
    chars = [rng.choice(string.digits) for _ in range(digits)]
    chars += [rng.choice(string.ascii_letters) for _ in range(length - digits)]
    rng.shuffle(chars)
    return "".join(chars)


def _password_inputs(v: dict[str, Any], rng: random.Random) -> list[tuple[Any, ...]]:
    low, high, need = v["min_length"], v["max_length"], v["required_digits"]
    shapes = [(low - 1, need), (low, need), (high, need), (high + 1, need)]
    shapes += [(low + 2, need - 1), (low + 2, need), (12, 0), (18, 5), (25, 2)]
    shapes += [(rng.randint(4, 44), rng.randint(0, 5)) for _ in range(6)]
    return [(_password(n, d, rng),) for n, d in shapes]


def _interest_inputs(v: dict[str, Any], rng: random.Random) -> list[tuple[Any, ...]]:
    pairs = [(1000, 3), (2500.5, 7), (123.45, 2), (10000, 10), (777, 1)]
    pairs += [(round(rng.uniform(100, 5000), 2), rng.randint(1, 15)) for _ in range(10)]
    return pairs


def _top_inputs(v: dict[str, Any], rng: random.Random) -> list[tuple[Any, ...]]:
    low = v["min_score"]
    lists = [[], list(range(0, 101, 1)), [low - 1], [low], [low, low - 1, 100, 99, 98, 97, 96]]
    lists.append([low] * 5 + [100, 99] * 4)
    for _ in range(10):
        lists.append(rng.sample(range(0, 101), rng.randint(3, 12)))
    return [(scores,) for scores in lists]


_FIRST = ["Alexandra", "Bob", "Christopher", "Dana", "Evangeline", "Frederick", "Li", "Maximilian"]
_LAST = ["Smith", "Okafor", "Lee", "Garcia", "Nakamura", "Ivanova", "Brown"]


def _username_inputs(v: dict[str, Any], rng: random.Random) -> list[tuple[Any, ...]]:
    pairs = [("Alexandra", "Smith"), ("Christopher", "Lee"), ("Bob", "Garcia")]
    pairs += [("Maximilian", "Brown"), ("Evangeline", "Okafor"), ("Dana", "Nakamura")]
    pairs += [(rng.choice(_FIRST), rng.choice(_LAST)) for _ in range(10)]
    return pairs


FAMILIES: tuple[Family, ...] = (
    Family(
        name="late_fee",
        description="I want a python function that works out the late fee for a library book.",
        function="late_fee",
        args=("days_late",),
        body="""
    if days_late <= free_days:
        return 0.0
    return round((days_late - free_days) * daily_rate, 2)
""",
        details=(
            Detail("free_days", "constant", "How many free days are there?", tuple(range(0, 15))),
            Detail("daily_rate", "constant", "What is the daily rate?", _steps(0.05, 2.0, 0.05)),
        ),
        inputs=_late_fee_inputs,
    ),
    Family(
        name="sale_price",
        description="I want a python function that gives the sale price of an item.",
        function="sale_price",
        args=("price",),
        body="""
    if price < min_purchase:
        return price
    return round(price * (100 - discount_percent) / 100, decimal_places)
""",
        details=(
            Detail(
                "discount_percent",
                "constant",
                "What is the discount percent?",
                tuple(range(5, 80, 5)),
            ),
            Detail(
                "min_purchase",
                "edge_case",
                "What is the minimum purchase for the discount?",
                tuple(range(10, 210, 10)),
            ),
            Detail(
                "decimal_places",
                "rounding",
                "How many decimal places should it round to?",
                (0, 1, 2, 3),
            ),
        ),
        inputs=_sale_inputs,
    ),
    Family(
        name="clamp_reading",
        description="I want a python function that keeps a sensor reading inside its range.",
        function="clamp_reading",
        args=("value",),
        body="""
    return max(lowest, min(highest, value))
""",
        details=(
            Detail("lowest", "constant", "What is the lowest allowed value?", tuple(range(-50, 0))),
            Detail(
                "highest", "constant", "What is the highest allowed value?", tuple(range(1, 51))
            ),
        ),
        inputs=_clamp_inputs,
    ),
    Family(
        name="word_counts",
        description="I want a python function that counts the words in a text.",
        function="word_counts",
        args=("text",),
        body="""
    counts = {}
    for word in text.split():
        if len(word) < min_length:
            continue
        key = getattr(word, case_rule)()
        counts[key] = counts.get(key, 0) + 1
    return counts
""",
        details=(
            Detail(
                SIGNATURE,
                "signature",
                _signature_question(("text",)),
                _signatures(
                    (
                        "word_counts",
                        "count_words",
                        "tally_words",
                        "word_tally",
                        "word_freq",
                        "words_histogram",
                    ),
                    [("text",)],
                ),
            ),
            Detail(
                "case_rule",
                "case_rule",
                "What is the case rule for the words?",
                ("lower", "upper", "title", "capitalize", "swapcase"),
            ),
            Detail(
                "min_length",
                "edge_case",
                "What is the minimum length of a word?",
                tuple(range(1, 11)),
            ),
        ),
        inputs=_word_inputs,
    ),
    Family(
        name="average_above",
        description="I want a python function that averages the values above a cutoff.",
        function="average_above",
        args=("values",),
        body="""
    kept = [value for value in values if value > cutoff]
    if not kept:
        return no_values_result
    return round(sum(kept) / len(kept), decimal_places)
""",
        details=(
            Detail("cutoff", "constant", "What is the cutoff?", tuple(range(1, 61))),
            Detail(
                "no_values_result",
                "edge_case",
                "What is the result when no values are kept?",
                (-1, 0, None, -99, 999, "none"),
            ),
            Detail(
                "decimal_places",
                "rounding",
                "How many decimal places should it round to?",
                (0, 1, 2, 3),
            ),
        ),
        inputs=_average_inputs,
    ),
    Family(
        name="split_bill",
        description="I want a python function that splits a restaurant bill with the tip.",
        function="split_bill",
        args=("total", "people"),
        body="""
    import math
    share = total * (100 + tip_percent) / 100 / people
    return math.ceil(share / round_up_step) * round_up_step
""",
        details=(
            Detail(
                SIGNATURE,
                "signature",
                _signature_question(("total", "people")),
                _signatures(
                    ("split_bill", "share_per_person", "bill_share"),
                    [("total", "people"), ("people", "total")],
                ),
            ),
            Detail("tip_percent", "constant", "What is the tip percent?", tuple(range(5, 31))),
            Detail(
                "round_up_step",
                "rounding",
                "What step should each share round up to?",
                (0.1, 0.25, 0.5, 1, 2, 5),
            ),
        ),
        inputs=_bill_inputs,
    ),
    Family(
        name="shipping_cost",
        description="I want a python function that works out the shipping cost of a parcel.",
        function="shipping_cost",
        args=("weight_kg",),
        body="""
    cost = base_fee + per_kg_rate * weight_kg
    return min(round(cost, 2), max_fee)
""",
        details=(
            Detail("base_fee", "constant", "What is the base fee?", tuple(range(1, 21))),
            Detail("per_kg_rate", "constant", "What is the per kg rate?", _steps(0.25, 5.0, 0.25)),
            Detail("max_fee", "constant", "What is the maximum fee?", tuple(range(30, 110, 10))),
        ),
        inputs=_shipping_inputs,
    ),
    Family(
        name="grade_label",
        description="I want a python function that labels an exam score.",
        function="grade_label",
        args=("score",),
        body="""
    if score >= honors_mark:
        return 'honors'
    if score >= pass_mark:
        return 'pass'
    return 'fail'
""",
        details=(
            Detail("pass_mark", "constant", "What is the pass mark?", tuple(range(30, 71))),
            Detail("honors_mark", "constant", "What is the honors mark?", tuple(range(75, 100))),
        ),
        inputs=_grade_inputs,
    ),
    Family(
        name="password_ok",
        description="I want a python function that checks if a password is allowed.",
        function="password_ok",
        args=("password",),
        body="""
    if len(password) < min_length or len(password) > max_length:
        return False
    digits = sum(1 for char in password if char.isdigit())
    return digits >= required_digits
""",
        details=(
            Detail("min_length", "constant", "What is the minimum length?", tuple(range(6, 17))),
            Detail("max_length", "constant", "What is the maximum length?", tuple(range(20, 41))),
            Detail(
                "required_digits",
                "constant",
                "How many required digits are there?",
                (1, 2, 3, 4),
            ),
        ),
        inputs=_password_inputs,
    ),
    Family(
        name="compound_interest",
        description="I want a python function that works out savings with compound interest.",
        function="compound_interest",
        args=("principal", "years"),
        body="""
    amount = principal * (1 + rate_percent / 100) ** years
    return round(amount, decimal_places)
""",
        details=(
            Detail(
                SIGNATURE,
                "signature",
                _signature_question(("principal", "years")),
                _signatures(
                    (
                        "compound_interest",
                        "grow_savings",
                        "future_value",
                        "savings_after",
                        "balance_after",
                        "invest",
                    ),
                    [("principal", "years")],
                ),
            ),
            Detail("rate_percent", "constant", "What is the rate percent?", _steps(0.5, 10.0, 0.5)),
            Detail(
                "decimal_places",
                "rounding",
                "How many decimal places should it round to?",
                (0, 1, 2, 3),
            ),
        ),
        inputs=_interest_inputs,
    ),
    Family(
        name="top_scores",
        description="I want a python function that picks the top scores from a list.",
        function="top_scores",
        args=("scores",),
        body="""
    kept = sorted((score for score in scores if score >= min_score), reverse=True)
    if not kept:
        return no_scores_result
    return kept[:top_n]
""",
        details=(
            Detail("top_n", "constant", "What is the top n?", tuple(range(1, 9))),
            Detail("min_score", "constant", "What is the minimum score?", tuple(range(5, 100, 5))),
            Detail(
                "no_scores_result",
                "edge_case",
                "What is the result when no scores are kept?",
                (None, [], -1, 0, "none"),
            ),
        ),
        inputs=_top_inputs,
    ),
    Family(
        name="make_username",
        description="I want a python function that makes a username from a person's name.",
        function="make_username",
        args=("first", "last"),
        body="""
    return (first[:first_letters] + separator + last).lower()
""",
        details=(
            Detail(
                SIGNATURE,
                "signature",
                _signature_question(("first", "last")),
                _signatures(
                    ("make_username", "username_for", "build_login"),
                    [("first", "last"), ("last", "first")],
                ),
            ),
            Detail(
                "first_letters",
                "constant",
                "How many first letters of the first name are used?",
                tuple(range(1, 7)),
            ),
            Detail(
                "separator",
                "constant",
                "What is the separator between the names?",
                (".", "_", "-", "", "+", "~", ":", "|", "=", "/"),
            ),
        ),
        inputs=_username_inputs,
    ),
)

FAMILIES_BY_NAME: dict[str, Family] = {family.name: family for family in FAMILIES}
_BY_DESCRIPTION: dict[str, Family] = {family.description: family for family in FAMILIES}

assert len(_BY_DESCRIPTION) == len(FAMILIES), "family descriptions must be distinct"
assert all(
    len({repr(v) for v in d.values}) == len(d.values) for family in FAMILIES for d in family.details
), "detail values must be distinct"


def family_named(name: str) -> Family:
    try:
        return FAMILIES_BY_NAME[name]
    except KeyError:
        known = ", ".join(FAMILIES_BY_NAME)
        raise KeyError(f"unknown MiniColBench family {name!r} (known: {known})") from None


def family_for_description(description: str) -> Family | None:
    """The family whose request this is (the public description names the family only)."""
    return _BY_DESCRIPTION.get(description.strip())


def all_combinations(family: Family) -> itertools.product:
    """Every detail combination, as tuples in ``family.details`` order (small families only)."""
    return itertools.product(*(d.values for d in family.details))
