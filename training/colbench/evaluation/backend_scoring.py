"""Score a backend answer: run its calls and the ground truth's in the sandbox, compare as data.

Both the answer and the ground truth are untrusted data, so both run in the :class:`Sandbox`.
Their results arrive as plain JSON-like values (converted inside the sandbox) and are compared
here by :func:`plain_equal`, never by an object's own ``__eq__``.

A test passes when

* both calls returned values that are equal as data (Python ``==`` semantics on plain values, so
  ``1 == 1.0 == True`` as in the paper's comparison; floats within a relative 1e-9, NaN equal to
  NaN), or
* the ground truth raised an exception and the answer raised one of the same type (raising
  ``ValueError`` on bad input can be the specified behaviour).

A ground-truth call that hit a sandbox limit (timeout, crash, ...) makes its test unpassable
and is reported in ``ground_truth_error``; such outputs are not cached, so a transient overload
does not stick. Reward = fraction of tests passed; success = all passed.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from training.colbench.evaluation.code_extraction import extract_code
from training.colbench.evaluation.sandbox import CallResult, Sandbox
from training.colbench.tasks import Task

_FLOAT_REL_TOL = 1e-9
_CACHE_SIZE = 4096


@dataclass(frozen=True)
class TestOutcome:
    """One hidden unit test: what the ground truth gave, what the answer gave, and the verdict."""

    name: str
    call: str
    passed: bool
    expected: Any = None
    actual: Any = None
    error: str | None = None
    ground_truth_error: str | None = None

    __test__ = False  # not a pytest test class

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "call": self.call,
            "passed": self.passed,
            "expected": self.expected,
            "actual": self.actual,
            "error": self.error,
            "ground_truth_error": self.ground_truth_error,
        }


@dataclass(frozen=True)
class BackendScore:
    """The score of one answer. ``reward`` = fraction of tests passed; ``success`` = all."""

    reward: float
    success: bool
    tests: tuple[TestOutcome, ...]
    code: str

    @property
    def passed(self) -> int:
        return sum(test.passed for test in self.tests)

    def to_dict(self) -> dict[str, Any]:
        return {
            "reward": self.reward,
            "success": self.success,
            "passed": self.passed,
            "total": len(self.tests),
            "code": self.code,
            "tests": [test.to_dict() for test in self.tests],
        }


def score_backend(answer: str, task: Task, sandbox: Sandbox) -> BackendScore:
    """Score one answer to a backend task (see the module docstring)."""
    return score_backend_many([(answer, task)], sandbox)[0]


def score_backend_many(items: Iterable[tuple[str, Task]], sandbox: Sandbox) -> list[BackendScore]:
    """Score many ``(answer, task)`` pairs, keeping all the sandbox's workers busy."""
    items = list(items)
    for _, task in items:
        _check_task(task)
    keys = {id(task): _cache_key(task) for _, task in items}
    expected = _ground_truth_outputs([task for _, task in items], keys, sandbox)
    codes = [extract_code(answer) for answer, _ in items]
    runnable = [i for i, code in enumerate(codes) if code]
    outputs = sandbox.run_many([(codes[i], items[i][1].test_cases) for i in runnable])
    by_index = dict(zip(runnable, outputs, strict=True))
    scores = []
    for index, ((_, task), code) in enumerate(zip(items, codes, strict=True)):
        actual = by_index.get(index)
        if actual is None:
            failure = CallResult(False, None, "the answer contains no code", "NoCode")
            actual = {name: failure for name in task.test_cases}
        scores.append(_score(task, code, expected[keys[id(task)]], actual))
    return scores


def _check_task(task: Task) -> None:
    if task.kind != "backend":
        raise ValueError(f"task {task.id} is a {task.kind} task; score_backend needs backend")
    if not task.test_cases:
        raise ValueError(f"task {task.id} has no test cases")


def _score(
    task: Task, code: str, expected: Mapping[str, CallResult], actual: Mapping[str, CallResult]
) -> BackendScore:
    outcomes = []
    for name, call in task.test_cases.items():
        want, got = expected[name], actual[name]
        ground_truth_error = want.error if want.hit_limit else None
        if want.ok:
            passed = got.ok and plain_equal(want.value, got.value)
        else:
            passed = not want.hit_limit and not got.ok and got.error_type == want.error_type
        outcomes.append(
            TestOutcome(
                name=name,
                call=call,
                passed=passed,
                expected=want.value if want.ok else None,
                actual=got.value if got.ok else None,
                error=None if got.ok else got.error,
                ground_truth_error=ground_truth_error,
            )
        )
    passed = sum(outcome.passed for outcome in outcomes)
    return BackendScore(
        reward=passed / len(outcomes),
        success=passed == len(outcomes),
        tests=tuple(outcomes),
        code=code,
    )


def plain_equal(expected: Any, actual: Any) -> bool:
    """Equality of two plain values (as produced by ``to_plain``), decided here as data."""
    if isinstance(expected, (bool, int, float)) and isinstance(actual, (bool, int, float)):
        if isinstance(expected, float) or isinstance(actual, float):
            return math.isclose(expected, actual, rel_tol=_FLOAT_REL_TOL, abs_tol=0.0)
        return expected == actual
    if isinstance(expected, str) or expected is None:
        return type(actual) is type(expected) and expected == actual
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(plain_equal(e, a) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(plain_equal(expected[key], actual[key]) for key in expected)
        )
    return False


# -- ground-truth cache ----------------------------------------------------------------------

_cache: OrderedDict[str, dict[str, CallResult]] = OrderedDict()
_cache_lock = threading.Lock()


def _cache_key(task: Task) -> str:
    payload = json.dumps([task.ground_truth, sorted(task.test_cases.items())], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _cached(key: str) -> dict[str, CallResult] | None:
    with _cache_lock:
        outputs = _cache.get(key)
        if outputs is not None:
            _cache.move_to_end(key)
        return outputs


def _store(key: str, outputs: dict[str, CallResult]) -> None:
    if any(result.hit_limit for result in outputs.values()):
        return  # possibly transient: try again next time
    with _cache_lock:
        _cache[key] = outputs
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)


def _ground_truth_outputs(
    tasks: list[Task], keys: dict[int, str], sandbox: Sandbox
) -> dict[str, dict[str, CallResult]]:
    """Outputs of each task's ground truth by cache key (``keys``: id(task) -> key); runs only
    the ground truths not cached yet, all at once."""
    found: dict[str, dict[str, CallResult]] = {}
    missing: dict[str, Task] = {}
    for task in tasks:
        key = keys[id(task)]
        outputs = found.get(key) or _cached(key)
        if outputs is None:
            missing[key] = task
        else:
            found[key] = outputs
    todo = list(missing.items())
    fresh = sandbox.run_many([(task.ground_truth, task.test_cases) for _, task in todo])
    for (key, _), outputs in zip(todo, fresh, strict=True):
        _store(key, outputs)
        found[key] = outputs
    return found


def clear_ground_truth_cache() -> None:
    """Forget every cached ground-truth output (tests; after editing task files)."""
    with _cache_lock:
        _cache.clear()
