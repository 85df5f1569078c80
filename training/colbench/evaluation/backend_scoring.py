"""Score a backend answer: run its calls and the ground truth's in the sandbox, compare outputs.

Both the answer and the ground truth are untrusted data, so both run in the :class:`Sandbox`.
Their results cross the sandbox boundary in a type-preserving encoding and are rebuilt here from
trusted types only (:mod:`.value_codec`), then compared with Python's ``==``
(:func:`~.value_codec.outputs_equal`): exactly, so ``27.200000000000003 != 27.2``,
``('a',) != ['a']``, ``Fraction(5) == 5 == 5.0 == True`` and ``nan != nan``. A value of a type that
is not rebuilt (a class the answer defines, a subclass that overrides ``__eq__``) equals nothing,
so an object whose ``__eq__`` always says yes cannot pass. docs/rewards.md lists where this
differs from the reference evaluator, and why.

A test passes when

* both calls returned values and the answer's equals the ground truth's, or
* the ground truth raised an exception and the answer raised one of the same type (raising
  ``ValueError`` on bad input can be the specified behaviour).

A ground-truth call that hit a sandbox limit (timeout, crash, ...) makes its test unpassable
and is reported in ``ground_truth_error``; such outputs are not cached, so a transient overload
does not stick. Reward = fraction of tests passed; success = all passed.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from training.colbench.evaluation.code_extraction import extract_code
from training.colbench.evaluation.sandbox import CallResult, Sandbox
from training.colbench.evaluation.value_codec import outputs_equal, to_jsonable
from training.colbench.tasks import Task

_CACHE_SIZE = 4096


@dataclass(frozen=True)
class TestOutcome:
    """One hidden unit test: what the ground truth gave, what the answer gave, and the verdict.

    ``expected`` and ``actual`` are the rebuilt return values (see :mod:`.value_codec`);
    :meth:`to_dict` turns values JSON cannot hold into their ``repr``."""

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
            "expected": to_jsonable(self.expected),
            "actual": to_jsonable(self.actual),
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
    expected, missing = _cached_ground_truths([task for _, task in items], keys)
    codes = [extract_code(answer) for answer, _ in items]
    runnable = [i for i, code in enumerate(codes) if code]
    # The missing ground truths and the answers run in one go: no worker waits for the last
    # ground truth before the first answer starts.
    jobs = [(task.ground_truth, task.test_cases) for task in missing.values()]
    jobs += [(codes[i], items[i][1].test_cases) for i in runnable]
    outputs = sandbox.run_many(jobs)
    for key, truth in zip(missing, outputs, strict=False):
        _store(key, truth)
        expected[key] = truth
    by_index = dict(zip(runnable, outputs[len(missing) :], strict=True))
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
            passed = got.ok and outputs_equal(want.value, got.value)
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


def _cached_ground_truths(
    tasks: list[Task], keys: dict[int, str]
) -> tuple[dict[str, dict[str, CallResult]], dict[str, Task]]:
    """The cached outputs of each task's ground truth by cache key (``keys``: id(task) -> key),
    and the tasks whose ground truth has to run, by key (each once)."""
    found: dict[str, dict[str, CallResult]] = {}
    missing: dict[str, Task] = {}
    for task in tasks:
        key = keys[id(task)]
        if key in found or key in missing:
            continue
        outputs = _cached(key)
        if outputs is None:
            missing[key] = task
        else:
            found[key] = outputs
    return found, missing


def clear_ground_truth_cache() -> None:
    """Forget every cached ground-truth output (tests; after editing task files)."""
    with _cache_lock:
        _cache.clear()
