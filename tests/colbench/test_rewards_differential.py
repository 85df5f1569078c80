"""The sandbox's rewards equal a trusted in-process evaluator's on benign answers.

The in-process evaluator is the definition of a reward, written out plainly: ``exec`` the ground
truth and the answer in this process, evaluate each test call in each, and count a test passed
when both returned and the values are ``==``, or both raised the same exception type. It is only
safe for answers written here. Over every bundled backend task, answers are derived from the
ground truth: itself, a constant changed, and its result post-processed into the three cases
issue 8 names (a float one unit in the last place off, a tuple for a list, a Fraction or Decimal
for an int) plus an int for a float and a copied dict.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from training.colbench.evaluation.backend_scoring import (
    clear_ground_truth_cache,
    score_backend_many,
)
from training.colbench.evaluation.sandbox import Sandbox
from training.colbench.tasks import Task, load_tasks

BACKEND = Path(__file__).resolve().parents[2] / "data" / "colbench" / "backend"
_FUNCTION = re.compile(r"^def (\w+)\(", re.M)
_NUMBER = re.compile(r"(?<![\w.])(\d+\.\d+|\d+)(?![\w.])")

# How each derived answer post-processes the ground truth's result (``r``).
POST = {
    "tuple-for-list": "tuple(r) if type(r) is list else r",
    "fraction-for-int": "__import__('fractions').Fraction(r) if type(r) is int else r",
    "decimal-for-int": "__import__('decimal').Decimal(r) if type(r) is int else r",
    "float-one-ulp-off": "__import__('math').nextafter(r, 1e308) if type(r) is float else r",
    "int-for-whole-float": "int(r) if type(r) is float and r.is_integer() else r",
    "dict-copy": "dict(r) if type(r) is dict else r",
}


def bundled_tasks() -> list[Task]:
    return [task for path in sorted(BACKEND.glob("*.jsonl")) for task in load_tasks(path)]


def derived_answers(task: Task) -> list[tuple[str, str]]:
    """(kind, code) for every benign answer derived from the task's ground truth."""
    truth = task.ground_truth
    answers = [("ground-truth", truth)]
    numbers = list(_NUMBER.finditer(truth))
    if numbers:
        hit = numbers[len(numbers) // 2]
        answers.append(("constant-changed", f"{truth[: hit.start()]}7{truth[hit.end() :]}"))
    name = _FUNCTION.search(truth).group(1)
    for kind, post in POST.items():
        wrapper = (
            f"\n\n_original_{name} = {name}\n\n"
            f"def {name}(*args, **kwargs):\n"
            f"    r = _original_{name}(*args, **kwargs)\n"
            f"    return {post}\n"
        )
        answers.append((kind, truth + wrapper))
    return answers


def in_process_reward(code: str, task: Task) -> float:
    """The trusted evaluator (benign answers only): plain exec and ``==`` in this process."""
    truth: dict[str, Any] = {}
    exec(compile(task.ground_truth, "<ground truth>", "exec"), truth)
    mine: dict[str, Any] = {}
    exec(compile(code, "<answer>", "exec"), mine)
    passed = 0
    for call in task.test_cases.values():
        want, got = outcome(call, truth), outcome(call, mine)
        if want[0] == "returned":
            passed += got[0] == "returned" and (want[1] == got[1]) is True
        else:
            passed += got == want
    return passed / len(task.test_cases)


def outcome(call: str, namespace: dict[str, Any]) -> tuple[str, Any]:
    try:
        return "returned", eval(call, namespace)
    except Exception as exc:
        return "raised", type(exc).__name__


@pytest.fixture(scope="module")
def scored() -> list[tuple[str, Task, float, float]]:
    """(kind, task, sandbox reward, in-process reward) for every derived answer."""
    answers = [
        (kind, code, task) for task in bundled_tasks() for kind, code in derived_answers(task)
    ]
    clear_ground_truth_cache()
    with Sandbox(workers=2) as box:
        scores = score_backend_many([(f"```python\n{c}\n```", t) for _, c, t in answers], box)
    return [
        (kind, task, score.reward, in_process_reward(code, task))
        for (kind, code, task), score in zip(answers, scores, strict=True)
    ]


def test_the_sandbox_and_the_in_process_evaluator_agree_on_every_answer(scored):
    disagreements = [(k, t.id, box, ref) for k, t, box, ref in scored if box != ref]
    assert disagreements == []
    assert len(scored) > 700


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("tuple-for-list", "fails"),
        ("float-one-ulp-off", "fails"),
        ("fraction-for-int", "passes"),
        ("decimal-for-int", "passes"),
        ("int-for-whole-float", "passes"),
        ("dict-copy", "passes"),
    ],
)
def test_each_named_case_occurs_and_scores_as_python_compares(scored, kind, expected):
    # The comparison is not vacuous: each case changes some task's outputs, and those answers
    # score as ``==`` says (a tuple is not a list; Fraction(5) == 5; 5 == 5.0).
    affected = [box for k, task, box, _ in scored if k == kind and affects(kind, task)]
    assert affected
    if expected == "passes":
        assert set(affected) == {1.0}
    else:
        assert max(affected) < 1.0


def affects(kind: str, task: Task) -> bool:
    """Whether the post-processing of ``kind`` changes the type of some test's output."""
    namespace: dict[str, Any] = {}
    exec(task.ground_truth, namespace)
    wanted = {
        "tuple-for-list": list,
        "fraction-for-int": int,
        "decimal-for-int": int,
        "float-one-ulp-off": float,
        "int-for-whole-float": float,
        "dict-copy": dict,
    }[kind]
    values = [outcome(call, namespace) for call in task.test_cases.values()]
    found = [v for state, v in values if state == "returned" and type(v) is wanted]
    if kind == "int-for-whole-float":
        return any(v.is_integer() for v in found)
    return bool(found)
