"""``duet validate-tasks``: a ground truth whose output holds NaN is a problem naming the test.

NaN equals nothing, not even itself, so a test whose expected output holds one can never pass.
"""

from __future__ import annotations

import pytest

from training.colbench.evaluation.sandbox import Sandbox, SandboxLimits
from training.colbench.tasks import Task
from training.colbench.validation import check_backend_task

RATIO = """def ratio(done, total):
    if total == 0:
        return {nan}
    return round(done / total, 3)"""
CALLS = {f"test{n}": f"ratio({n}, {n % 4})" for n in range(1, 11)}


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(workers=1, limits=SandboxLimits(wall_seconds=1.0, total_wall_seconds=10.0)) as box:
        yield box


@pytest.mark.parametrize(
    "nan", ["float('nan')", "[0.0, float('nan')]", "{'ratio': complex(0, float('nan'))}"]
)
def test_a_ground_truth_output_holding_nan_is_reported_by_test_name(sandbox, nan):
    task = Task("be-nan", "backend", "I want a ratio.", RATIO.format(nan=nan), CALLS)
    found = check_backend_task(task, 1, sandbox).problems
    assert len(found) == 1
    assert found[0].startswith("test_cases.test4: the ground truth's output")
    assert "contains NaN" in found[0] and "(and 1 more)" in found[0]  # test4 and test8


def test_a_ground_truth_without_nan_is_not_reported_for_it(sandbox):
    task = Task("be-nan", "backend", "I want a ratio.", RATIO.format(nan="None"), CALLS)
    assert not any("NaN" in p for p in check_backend_task(task, 1, sandbox).problems)
