"""Backend scoring: per-test comparison with the ground truth, as data, outside the sandbox."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from training.colbench.evaluation.backend_scoring import (
    BackendScore,
    clear_ground_truth_cache,
    plain_equal,
    score_backend,
    score_backend_many,
)
from training.colbench.evaluation.sandbox import Sandbox, SandboxLimits
from training.colbench.tasks import Task

TIP = Task(
    id="tip",
    kind="backend",
    problem_description="A tip calculator.",
    ground_truth=(
        "def tip(bill, percent):\n"
        "    if bill < 0:\n"
        "        raise ValueError('negative bill')\n"
        "    return round(bill * percent / 100, 2)\n"
    ),
    test_cases={
        "small": "tip(10, 15)",
        "large": "tip(200, 20)",
        "zero": "tip(0, 18)",
        "odd": "tip(33.3, 12.5)",
        "negative": "tip(-5, 10)",
    },
)


@pytest.fixture(scope="module")
def sandbox():
    limits = SandboxLimits(cpu_seconds=1.0, wall_seconds=1.0, total_wall_seconds=6.0)
    with Sandbox(workers=2, limits=limits) as box:
        yield box


@pytest.fixture(autouse=True)
def fresh_cache():
    clear_ground_truth_cache()
    yield
    clear_ground_truth_cache()


def fenced(code: str) -> str:
    return f"Sure, here it is:\n```python\n{code}```\nLet me know if it works."


def test_the_ground_truth_itself_scores_full_reward_and_success(sandbox):
    score = score_backend(fenced(TIP.ground_truth), TIP, sandbox)
    assert (score.reward, score.success, score.passed) == (1.0, True, 5)
    assert score.code == TIP.ground_truth


def test_reward_is_the_fraction_of_tests_passed(sandbox):
    off_for_big_bills = (
        "def tip(bill, percent):\n"
        "    if bill < 0:\n"
        "        raise ValueError('negative')\n"
        "    return round(min(bill, 100) * percent / 100, 2)\n"
    )
    score = score_backend(fenced(off_for_big_bills), TIP, sandbox)
    assert score.reward == pytest.approx(4 / 5)
    assert score.success is False
    failed = [test for test in score.tests if not test.passed]
    assert [(t.name, t.expected, t.actual) for t in failed] == [("large", 40.0, 20.0)]


def test_raising_the_same_exception_type_as_the_ground_truth_passes(sandbox):
    other_error = TIP.ground_truth.replace("ValueError", "TypeError")
    same = score_backend(fenced(TIP.ground_truth.replace("negative bill", "no")), TIP, sandbox)
    assert next(t for t in same.tests if t.name == "negative").passed
    different = score_backend(fenced(other_error), TIP, sandbox)
    negative = next(t for t in different.tests if t.name == "negative")
    assert not negative.passed
    assert negative.error.startswith("TypeError")


def test_an_object_equal_to_everything_scores_zero(sandbox):
    cheats = (
        "class Anything:\n"
        "    def __eq__(self, other):\n"
        "        return True\n"
        "class Number(float):\n"
        "    def __eq__(self, other):\n"
        "        return True\n"
        "def tip(bill, percent):\n"
        "    return Anything() if bill > 50 else Number(-1)\n"
    )
    score = score_backend(fenced(cheats), TIP, sandbox)
    assert score.reward == 0.0
    by_name = {test.name: test for test in score.tests}
    assert by_name["large"].error.startswith("Unconvertible: Anything has no value")
    assert by_name["small"].actual == -1.0  # the float subclass was reduced to its value


def test_patching_builtins_does_not_touch_the_ground_truth_comparison(sandbox):
    patcher = (
        "import builtins\n"
        "builtins.round = lambda value, digits=0: 'patched'\n"
        "def tip(bill, percent):\n"
        "    return round(bill)\n"
    )
    assert score_backend(fenced(patcher), TIP, sandbox).reward == 0.0
    clear_ground_truth_cache()  # the ground truth now runs after the patching answer
    for _ in range(3):
        assert score_backend(fenced(TIP.ground_truth), TIP, sandbox).reward == 1.0


def test_an_answer_without_code_scores_zero_without_running(sandbox):
    score = score_backend("I don't know how to do that.", TIP, sandbox)
    assert score.reward == 0.0
    assert score.code == ""
    assert {t.error for t in score.tests} == {"the answer contains no code"}


def test_ground_truth_outputs_are_computed_once_per_task(sandbox):
    ran = []
    original = sandbox.run_many

    def counting(jobs):
        jobs = list(jobs)
        ran.extend(code for code, _ in jobs)
        return original(jobs)

    sandbox.run_many = counting
    try:
        mine = fenced(TIP.ground_truth + "# my own copy\n")
        score_backend_many([(mine, TIP)] * 3, sandbox)
        score_backend(fenced("def tip(b, p):\n    return 0\n"), TIP, sandbox)
    finally:
        del sandbox.run_many
    assert ran.count(TIP.ground_truth) == 1


def test_a_ground_truth_that_hits_a_limit_fails_its_test_and_is_not_cached(sandbox):
    slow = Task(
        id="slow",
        kind="backend",
        problem_description="A function that hangs on one input.",
        ground_truth="def f(x):\n    while x < 0:\n        pass\n    return x\n",
        test_cases={"hangs": "f(-1)", "fine": "f(2)"},
    )
    score = score_backend(fenced(slow.ground_truth), slow, sandbox)
    hangs = next(t for t in score.tests if t.name == "hangs")
    assert not hangs.passed
    assert hangs.ground_truth_error.startswith("exceeded")
    assert score.reward == 0.5
    again = score_backend(fenced(slow.ground_truth), slow, sandbox)
    assert next(t for t in again.tests if t.name == "hangs").ground_truth_error


def test_a_frontend_task_is_refused(sandbox):
    page = Task(id="p", kind="frontend", problem_description="x", ground_truth="<html></html>")
    with pytest.raises(ValueError, match="frontend"):
        score_backend("<html></html>", page, sandbox)


def test_scores_serialise_to_plain_dicts(sandbox):
    score = score_backend(fenced(TIP.ground_truth), TIP, sandbox)
    row = score.to_dict()
    assert isinstance(score, BackendScore)
    assert row["reward"] == 1.0 and row["total"] == 5
    assert row["tests"][0] == {
        "name": "small",
        "call": "tip(10, 15)",
        "passed": True,
        "expected": 1.5,
        "actual": 1.5,
        "error": None,
        "ground_truth_error": None,
    }


def test_the_sandbox_module_does_not_reach_back_into_scoring():
    # The sandbox is the lower layer: importing it must not import the scorer, and it no longer
    # re-exports the scorer's names through a module __getattr__ (the only import circle).
    script = (
        "import sys\n"
        "import training.colbench.evaluation.sandbox as sandbox\n"
        "assert not hasattr(sandbox, '__getattr__'), 'module __getattr__ re-export'\n"
        "assert not hasattr(sandbox, 'score_backend')\n"
        "assert 'training.colbench.evaluation.backend_scoring' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)


# -- plain_equal -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        (1, 1.0),
        (0.1 + 0.2, 0.3),
        (True, 1),
        ([1, [2, "x"]], [1, [2, "x"]]),
        ({"a": 1, "b": [None]}, {"b": [None], "a": 1.0}),
        ({"__type__": "set", "items": [1, 2]}, {"__type__": "set", "items": [1, 2]}),
        ({"__type__": "float", "value": "nan"}, {"__type__": "float", "value": "nan"}),
    ],
)
def test_plain_values_that_are_equal(expected, actual):
    assert plain_equal(expected, actual)


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        (1, 2),
        (0.3, 0.31),
        ("1", 1),
        (None, 0),
        (None, "None"),
        ([1, 2], [2, 1]),
        ([1], [1, 1]),
        ({"a": 1}, {"a": 1, "b": 2}),
        ({"__type__": "set", "items": [1]}, [1]),
        (1.0, math.inf),
    ],
)
def test_plain_values_that_differ(expected, actual):
    assert not plain_equal(expected, actual)
