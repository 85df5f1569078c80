"""Hidden details of a ground truth: which literals and operators count, and how they change."""

from __future__ import annotations

import ast
import random

import pytest

from training.colbench.mutation import (
    hidden_details,
    mutate_at,
    mutate_details,
    perturb_number,
    perturb_string,
)

TIP = '''def tip(bill, service):
    """Tip for a restaurant bill: 0.99 and 'docstring' are not details."""
    rates = {'poor': 0.05, 'great': 0.2}
    total = 0
    first = service.split(',')[0]
    if bill < 10:
        return 2.0
    return round(bill * rates.get(first, 0.12), 2)'''


def values(source: str) -> list[tuple[str, str]]:
    return [(d.kind, d.value) for d in hidden_details(source)]


def test_details_are_literals_and_ordering_operators_in_source_order():
    assert values(TIP) == [
        ("string", "'poor'"),
        ("number", "0.05"),
        ("string", "'great'"),
        ("number", "0.2"),
        ("string", "','"),
        ("comparison", "<"),
        ("number", "10"),
        ("number", "2.0"),
        ("number", "0.12"),
        ("number", "2"),
    ]


def test_docstrings_indices_zero_one_and_equality_are_not_details():
    source = (
        "def f(xs):\n"
        "    'doc'\n"
        "    if xs[0] == 1 and xs[-1] != 0:\n"
        "        return xs[1:3]\n"
        "    return 0.0"
    )
    assert hidden_details(source) == []


def test_strftime_patterns_and_format_specs_are_not_details():
    source = "def f(d, x):\n    return d.strftime('%Y-%m-%d') + f'{x:.2f} kg'"
    assert values(source) == [("string", "' kg'")]


def test_string_keys_of_subscripts_are_field_names_and_count():
    assert values("def f(item):\n    return item['price']") == [("string", "'price'")]


def test_detail_positions_point_at_the_source():
    detail = hidden_details(TIP)[6]
    assert (detail.line, detail.value) == (6, "10")
    assert TIP.splitlines()[detail.line - 1][detail.column :].startswith("10")


def test_mutating_one_detail_changes_exactly_that_detail():
    for detail in hidden_details(TIP):
        mutant = mutate_at(TIP, [detail.index], random.Random(detail.index))
        before, after = hidden_details(TIP), hidden_details(mutant)
        changed = [
            i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a.value != b.value
        ]
        assert changed == [detail.index], (detail, mutant)


def test_mutants_are_valid_python_and_deterministic_for_a_seed():
    for seed in range(20):
        mutant = mutate_details(TIP, random.Random(seed), 4)
        ast.parse(mutant)
        assert mutant == mutate_details(TIP, random.Random(seed), 4)
        assert mutant != ast.unparse(ast.parse(TIP))


def test_count_larger_than_the_details_perturbs_them_all():
    mutant = mutate_details(TIP, random.Random(0), 99)
    pairs = zip(hidden_details(TIP), hidden_details(mutant), strict=True)
    assert all(a.value != b.value for a, b in pairs)


def test_comparisons_flip_between_strict_and_inclusive():
    assert "x <= 3" in mutate_at("def f(x):\n    return x < 3", [0], random.Random(0))
    assert "x > 3" in mutate_at("def f(x):\n    return x >= 3", [0], random.Random(0))


def test_out_of_range_index_is_an_error():
    with pytest.raises(IndexError):
        mutate_at(TIP, [10], random.Random(0))


@pytest.mark.parametrize("value", [2, 3, 7, 10, 18, 65, 100, 1440, -5, -250])
def test_numbers_change_but_keep_type_and_sign(value):
    for seed in range(10):
        new = perturb_number(value, random.Random(seed))
        assert new != value and type(new) is int and (new > 0) == (value > 0)


@pytest.mark.parametrize("value", [0.05, 0.25, 1.5, 9.5, 273.15, 1e-7, -0.5])
def test_floats_change_by_a_plausible_factor(value):
    for seed in range(10):
        new = perturb_number(value, random.Random(seed))
        assert new != value and type(new) is float and (new > 0) == (value > 0)
        assert 0.4 <= new / value <= 2.1


@pytest.mark.parametrize("value", ["", ",", " - ", "A", "poor", "great", "on_hand", "P1", "yes"])
def test_strings_change_to_a_plausible_alternative(value):
    for seed in range(10):
        assert perturb_string(value, random.Random(seed)) != value


def test_known_words_may_swap_to_their_opposite():
    outcomes = {perturb_string("high", random.Random(seed)) for seed in range(30)}
    assert "low" in outcomes
    assert outcomes <= {"low", "High", "highs"}
