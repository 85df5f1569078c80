"""Trajectory pairs and the task-disjoint held-out split."""

from __future__ import annotations

from training.colbench.tasks import Task
from training.colbench.trajectories import Trajectory, Turn
from training.sweet.config import PairsConfig
from training.sweet.pairs import split_by_task, trajectory_pairs


def _traj(task_id: str, kind: str, reward: float, success: bool | None = None) -> Trajectory:
    task = Task(
        id=task_id,
        kind=kind,
        problem_description="p",
        ground_truth="g",
        test_cases={"a": "f()"} if kind == "backend" else {},
    )
    return Trajectory(task, [Turn("user", "p")], reward=reward, success=success)


def test_backend_pairs_best_success_against_each_strictly_worse():
    data = [_traj("a", "backend", r) for r in (1.0, 0.5, 1.0, 0.2)]
    pairs = trajectory_pairs(data)
    assert sorted((p.chosen.reward, p.rejected.reward) for p in pairs) == [(1.0, 0.2), (1.0, 0.5)]


def test_backend_task_whose_best_failed_gives_no_pairs():
    assert trajectory_pairs([_traj("a", "backend", r) for r in (0.9, 0.1)]) == []


def test_frontend_pairs_every_pair_at_least_the_gap_apart():
    data = [_traj("f", "frontend", r) for r in (0.80, 0.75, 0.60)]
    pairs = trajectory_pairs(data)
    assert sorted((p.chosen.reward, p.rejected.reward) for p in pairs) == [(0.75, 0.6), (0.8, 0.6)]


def test_heldout_split_never_shares_a_task():
    data = [_traj(f"t{i}", "backend", r) for i in range(10) for r in (1.0, 0.0, 0.5)]
    train, held = split_by_task(trajectory_pairs(data), 0.3, seed=1)
    assert {p.task_id for p in train}.isdisjoint({p.task_id for p in held})
    assert len({p.task_id for p in held}) == 3
    assert len(train) + len(held) == 20


def test_frontend_rewards_exactly_the_gap_apart_are_paired():
    # 0.3 - 0.2 is 0.09999999999999998 in floating point: still a gap of 0.1
    data = [_traj("f", "frontend", r) for r in (0.3, 0.2)]
    pairs = trajectory_pairs(data)
    assert [(p.chosen.reward, p.rejected.reward) for p in pairs] == [(0.3, 0.2)]


def test_frontend_equal_rewards_are_never_paired_even_with_no_gap():
    data = [_traj("f", "frontend", r) for r in (0.5, 0.5)]
    assert trajectory_pairs(data, PairsConfig(frontend_min_gap=0.0)) == []
