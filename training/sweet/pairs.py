"""Trajectory pairs from evaluated rollouts, grouped by task, and a task-disjoint split."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from training.colbench.trajectories import Trajectory, trajectory_from_row
from training.jsonl import JsonlError, read_jsonl, write_jsonl
from training.sweet.config import PairsConfig


@dataclass
class TrajectoryPair:
    chosen: Trajectory
    rejected: Trajectory

    @property
    def task_id(self) -> str:
        return self.chosen.task.id

    def to_row(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "kind": self.chosen.task.kind,
            "chosen_reward": self.chosen.reward,
            "rejected_reward": self.rejected.reward,
            "chosen": self.chosen.to_row(),
            "rejected": self.rejected.to_row(),
        }


def succeeded(trajectory: Trajectory) -> bool:
    """The success flag when recorded, else a perfect reward (all hidden tests passed)."""
    if trajectory.success is not None:
        return trajectory.success
    return trajectory.reward is not None and trajectory.reward >= 1.0


REWARD_TOLERANCE = 1e-9
"""Rewards closer than this count as equal (0.3 - 0.2 is 0.09999999999999998 in floats)."""


def at_least(difference: float, gap: float) -> bool:
    """``difference >= gap`` up to floating-point error in the rewards being subtracted."""
    return difference >= gap or math.isclose(difference, gap, abs_tol=REWARD_TOLERANCE)


def trajectory_pairs(
    trajectories: Iterable[Trajectory], config: PairsConfig | None = None
) -> list[TrajectoryPair]:
    """Backend: best vs each strictly worse rollout of tasks whose best succeeded.
    Frontend: every pair of a task's rollouts whose rewards differ by at least the gap (up to
    :data:`REWARD_TOLERANCE`); equal rewards are never a pair."""
    config = config or PairsConfig()
    by_task: dict[str, list[Trajectory]] = defaultdict(list)
    for trajectory in trajectories:
        if trajectory.reward is not None:
            by_task[trajectory.task.id].append(trajectory)
    pairs: list[TrajectoryPair] = []
    for task_id in sorted(by_task):
        group = by_task[task_id]
        if group[0].task.kind == "backend":
            best = max(group, key=lambda t: t.reward)
            if config.backend_require_success and not succeeded(best):
                continue
            pairs.extend(TrajectoryPair(best, t) for t in group if t.reward < best.reward)
        else:
            for i, first in enumerate(group):
                for second in group[i + 1 :]:
                    hi, lo = (first, second) if first.reward > second.reward else (second, first)
                    if hi.reward > lo.reward and at_least(
                        hi.reward - lo.reward, config.frontend_min_gap
                    ):
                        pairs.append(TrajectoryPair(hi, lo))
    return pairs


def split_by_task(
    pairs: Sequence[TrajectoryPair], heldout_fraction: float, seed: int
) -> tuple[list[TrajectoryPair], list[TrajectoryPair]]:
    """(train, held-out) with no task on both sides; at least one task trains."""
    tasks = sorted({p.task_id for p in pairs})
    random.Random(f"heldout-{seed}").shuffle(tasks)
    count = math.ceil(heldout_fraction * len(tasks)) if heldout_fraction > 0 else 0
    count = min(count, max(len(tasks) - 1, 0))
    heldout = set(tasks[:count])
    train = [p for p in pairs if p.task_id not in heldout]
    held = [p for p in pairs if p.task_id in heldout]
    return train, held


def write_pairs(path: str | Path, pairs: Iterable[TrajectoryPair]) -> int:
    return write_jsonl(path, (p.to_row() for p in pairs))


def load_pairs(path: str | Path) -> list[TrajectoryPair]:
    pairs = []
    for index, row in enumerate(read_jsonl(path, required=("chosen", "rejected"))):
        sides = []
        for side in ("chosen", "rejected"):
            trajectory, problems = trajectory_from_row(row[side], where=f"{path}:{index + 1}")
            if trajectory is None:
                raise JsonlError("\n".join(problems))
            sides.append(trajectory)
        pairs.append(TrajectoryPair(*sides))
    return pairs
