"""extract_code: the Python code out of an agent's backend answer."""

from __future__ import annotations

import pytest

from training.colbench.evaluation.code_extraction import extract_code

FUNCTION = "def add(a, b):\n    return a + b\n"


def test_a_python_fence_is_the_code():
    answer = f"Here is the function:\n```python\n{FUNCTION}```\nHope it helps!"
    assert extract_code(answer) == FUNCTION


def test_an_untagged_fence_counts_as_python():
    assert extract_code(f"```\n{FUNCTION}```") == FUNCTION


def test_a_usage_example_in_a_second_fence_is_left_out():
    answer = f"```python\n{FUNCTION}```\nUse it like this:\n```python\nprint(add(1, 2))\n```"
    assert extract_code(answer) == FUNCTION


def test_several_defining_fences_are_joined_in_order():
    helper = "RATE = 0.2\n"
    answer = f"```python\n{helper}```\nand\n```py\n{FUNCTION}```"
    assert extract_code(answer) == f"{helper}\n\n{FUNCTION}"


def test_fences_in_other_languages_are_ignored():
    answer = f'```json\n{{"a": 1}}\n```\n```python\n{FUNCTION}```'
    assert extract_code(answer) == FUNCTION


def test_an_unterminated_fence_runs_to_the_end():
    assert extract_code(f"Here:\n```python\n{FUNCTION}") == FUNCTION


def test_bare_code_is_taken_as_is():
    assert extract_code(FUNCTION) == FUNCTION


def test_prose_around_bare_code_is_dropped():
    answer = f"Sure! Here is what you asked for:\n{FUNCTION}That should do it."
    assert extract_code(answer) == FUNCTION


def test_an_answer_without_code_gives_an_empty_string():
    assert extract_code("I'm not sure what you mean.") == ""
    assert extract_code("") == ""
    assert extract_code("```python\n\n```") == ""


def test_a_non_string_answer_is_refused():
    with pytest.raises(TypeError, match="answer must be a string"):
        extract_code(None)
