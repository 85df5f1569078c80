"""Backend scoring: per-test comparison with the ground truth's outputs, outside the sandbox."""

from __future__ import annotations

import math
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest

from training.colbench.evaluation.backend_scoring import (
    BackendScore,
    clear_ground_truth_cache,
    score_backend,
    score_backend_many,
)
from training.colbench.evaluation.sandbox import Sandbox, SandboxLimits
from training.colbench.evaluation.value_codec import Opaque, outputs_equal
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


def backend_task(task_id: str, ground_truth: str, **tests: str) -> Task:
    return Task(task_id, "backend", f"The {task_id} task.", ground_truth, tests)


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


@pytest.mark.parametrize(
    "cheat",
    [
        "class Anything:\n    def __eq__(self, other):\n        return True\n",
        "class Anything(float):\n    def __eq__(self, other):\n        return True\n",
        "class Anything(str):\n    def __eq__(self, other):\n        return True\n"
        "    __hash__ = str.__hash__\n",
        "class Anything(list):\n    def __eq__(self, other):\n        return True\n",
        "class Anything(int):\n    def __ne__(self, other):\n        return False\n",
        "class Anything:\n    def __eq__(self, other):\n        return True\n"
        "    def __hash__(self):\n        return 0\n"
        "    __class__ = float\n",
    ],
    ids=["own-class", "float-subclass", "str-subclass", "list-subclass", "ne-only", "lies"],
)
def test_an_object_equal_to_everything_scores_zero(sandbox, cheat):
    answer = (
        cheat + "def tip(bill, percent):\n    return Anything(1.5) if bill == 10 else Anything()\n"
    )
    score = score_backend(fenced(answer), TIP, sandbox)
    assert score.reward == 0.0
    actual = next(test for test in score.tests if test.name == "large").actual
    assert isinstance(actual, Opaque) and actual.type_name == "Anything"


def test_a_dict_key_equal_to_everything_does_not_match(sandbox):
    truth = "def count(words):\n    return {w: words.count(w) for w in words}\n"
    keys = backend_task("keys", truth, t="count(['a', 'b', 'a'])")
    cheat = (
        "class Key(str):\n    def __eq__(self, other):\n        return True\n"
        "    def __hash__(self):\n        return hash(self[:1])\n"
        "def count(words):\n    return {Key(w): words.count(w) for w in words}\n"
    )
    assert score_backend(fenced(cheat), keys, sandbox).reward == 0.0


@pytest.mark.parametrize(
    "answer",
    [
        "import collections\nP = collections.namedtuple('P', 'share rest')\n"
        "def split(total, people):\n    return P(total // people, total % people)\n",
        "import enum\nclass N(enum.IntEnum):\n    ZERO = 0\n    ONE = 1\n    TWO = 2\n"
        "    THREE = 3\n"
        "def split(total, people):\n    return (N(total // people), N(total % people))\n",
    ],
    ids=["namedtuple", "int-enum"],
)
def test_a_subclass_that_compares_like_its_base_passes_as_in_python(sandbox, answer):
    truth = "def split(total, people):\n    return (total // people, total % people)\n"
    split = backend_task("split", truth, t="split(7, 3)", u="split(9, 3)")
    assert score_backend(fenced(answer), split, sandbox).reward == 1.0


def test_an_answer_that_writes_over_its_results_region_spoils_only_its_own_tests(sandbox):
    scribble = (
        "import sys\n"
        "def tip(bill, percent):\n"
        "    frame = sys._getframe()\n"
        "    while 'results' not in frame.f_locals:\n"
        "        frame = frame.f_back\n"
        "    region = frame.f_locals['results'].region\n"
        "    region[:] = b'\\xff' * len(region)\n"
        "    return 1.5\n"
    )
    honest = fenced(TIP.ground_truth)
    scores = score_backend_many([(fenced(scribble), TIP), (honest, TIP)], sandbox)
    assert scores[0].reward == 0.0
    assert scores[1].reward == 1.0


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


def test_scores_serialise_to_json_ready_dicts(sandbox):
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


def test_values_json_cannot_hold_are_reported_by_their_repr(sandbox):
    truth = "import collections\ndef counts(w):\n    return collections.Counter(w), 0.5\n"
    counts = backend_task("counts", truth, t="counts('aab')")
    row = score_backend(fenced(counts.ground_truth), counts, sandbox).to_dict()
    assert row["tests"][0]["expected"] == repr((Counter("aab"), 0.5))


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


# -- outputs_equal ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        (1, 1.0),
        (True, 1),
        (5, Fraction(5)),
        (5, Decimal(5)),
        (0.5, Fraction(1, 2)),
        ([1, (2, "x")], [1, (2, "x")]),
        ({"a": 1, "b": [None]}, {"b": [None], "a": 1.0}),
        ({1, 2}, frozenset({2, 1})),
        ({"a": 2}, Counter(a=2)),
        (float("inf"), math.inf),
    ],
)
def test_outputs_that_python_calls_equal(expected, actual):
    assert outputs_equal(expected, actual)


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        (27.2, 27.200000000000003),
        (["a"], ("a",)),
        (0.1 + 0.2, 0.3),
        ("1", 1),
        (None, 0),
        ([1, 2], [2, 1]),
        ({"a": 1}, {"a": 1, "b": 2}),
        (float("nan"), float("nan")),
        (Decimal("sNaN"), Decimal("sNaN")),  # comparing raises: not equal
        (Opaque("Yes", "Yes()"), Opaque("Yes", "Yes()")),
    ],
)
def test_outputs_that_python_calls_different(expected, actual):
    assert not outputs_equal(expected, actual)


# -- the three differences from ColBench's comparison (issue 8 item 8) ------------------------

ROUNDED = backend_task(
    "rounded", "def total(a, b):\n    return round(a + b, 1)\n", t="total(27.1, 0.1)"
)
LETTERS = backend_task("letters", "def letters(word):\n    return list(word)\n", t="letters('a')")
COUNT = backend_task("count", "def count(items):\n    return len(items)\n", t="count([1, 2, 3])")


def test_an_answer_that_drops_a_rounding_rule_fails(sandbox):
    unrounded = "def total(a, b):\n    return a + b\n"  # 27.200000000000003, not 27.2
    score = score_backend(fenced(unrounded), ROUNDED, sandbox)
    assert score.tests[0].actual == 27.200000000000003
    assert score.reward == 0.0


def test_a_tuple_does_not_pass_for_a_list(sandbox):
    as_tuple = "def letters(word):\n    return tuple(word)\n"
    score = score_backend(fenced(as_tuple), LETTERS, sandbox)
    assert score.tests[0].actual == ("a",)
    assert score.reward == 0.0


@pytest.mark.parametrize(
    "answer",
    [
        "from fractions import Fraction\ndef count(items):\n    return Fraction(len(items))\n",
        "from decimal import Decimal\ndef count(items):\n    return Decimal(len(items))\n",
    ],
    ids=["fraction", "decimal"],
)
def test_a_number_equal_to_the_ground_truths_passes_whatever_its_type(sandbox, answer):
    assert score_backend(fenced(answer), COUNT, sandbox).reward == 1.0


def test_an_annotation_naming_a_type_the_answer_never_imported_does_not_fail_it(sandbox):
    # Answers are compiled with postponed evaluation of annotations (docs/rewards.md).
    answer = "def count(items: List[int]) -> int:\n    return len(items)\n"
    assert score_backend(fenced(answer), COUNT, sandbox).reward == 1.0
