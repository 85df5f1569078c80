"""Fixtures: the shared tiny model (tests/conftest.py) as a spec and tokenizer; synthetic pairs."""

from __future__ import annotations

import pytest
import torch

from training.colbench.tasks import Task
from training.colbench.trajectories import Trajectory, Turn
from training.sweet.pairs import TrajectoryPair, split_by_task

torch.set_num_threads(1)  # 2 shared cores: one thread per test process is fastest


@pytest.fixture(scope="session")
def tiny_ref(tiny_model_dir):
    from training.sweet.model_loading import parse_model_spec

    return parse_model_spec(f"local:{tiny_model_dir}")


@pytest.fixture(scope="session")
def tokenizer(tiny_ref):
    from training.sweet.model_loading import load_tokenizer

    return load_tokenizer(tiny_ref)


# --- synthetic pairs where only the privileged information decides the winner ----------------
# A synthetic pair set where only the privileged information decides the winner.
#
# Every task has the same request and dialogue; its hidden value is a digit (3 or 8), written many
# times in the ground truth so a tiny random-init model can pick the signal up in a few steps. The
# chosen trajectory answers with the hidden digit, the rejected one with the other digit.
# Without the privileged prefix the two answers are exchangeable (each digit wins on exactly
# half the tasks of every split), so no critic can beat chance there.

REQUEST = "Tell me my secret digit."


def _trajectory(task: Task, digit: int, reward: float) -> Trajectory:
    answer = f"I WANT TO ANSWER: {digit}"
    return Trajectory(
        task,
        [Turn("user", REQUEST), Turn("assistant", answer, input="(prompt)", output=answer)],
        answer=str(digit),
        reward=reward,
    )


def secret_pairs(num_tasks: int, heldout_fraction: float, seed: int) -> list[TrajectoryPair]:
    ids = [f"secret-{i:03d}" for i in range(num_tasks)]
    probe = [  # the split depends only on task ids: learn it, then balance digits on each side
        TrajectoryPair(_trajectory(_task(i, 3), 3, 1.0), _trajectory(_task(i, 3), 8, 0.0))
        for i in ids
    ]
    train, held = split_by_task(probe, heldout_fraction, seed)
    digit = {}
    for side in (train, held):
        for n, pair in enumerate(side):
            digit[pair.task_id] = 3 if n % 2 == 0 else 8
    pairs = []
    for task_id in ids:
        task = _task(task_id, digit[task_id])
        other = 11 - digit[task_id]
        pairs.append(
            TrajectoryPair(_trajectory(task, digit[task_id], 1.0), _trajectory(task, other, 0.0))
        )
    return pairs


def _task(task_id: str, digit: int) -> Task:
    return Task(
        id=task_id,
        kind="backend",
        problem_description=REQUEST,
        ground_truth="SECRET " + " ".join([str(digit)] * 40),
        test_cases={"t": "secret()"},
    )


@pytest.fixture(scope="session")
def make_secret_pairs():
    return secret_pairs
