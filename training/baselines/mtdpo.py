"""Multi-turn DPO baseline: trajectory pairs, no privileged information, the loss over all agent
turns (the sum of log-probs of every action given the exact prompt it was produced from)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from training.colbench.trajectories import Trajectory
from training.sweet.config import DPOConfig, PairsConfig
from training.sweet.dpo import PreferenceExample, train_dpo
from training.sweet.model_loading import load_tokenizer
from training.sweet.pairs import TrajectoryPair, trajectory_pairs
from training.sweet.sequences import policy_sequences
from training.sweet.trainer import TrainingRun


def trajectory_pair_examples(
    tokenizer: Any, pairs: Sequence[TrajectoryPair], max_length: int
) -> list[PreferenceExample]:
    """Each side of a pair as the agent saw it: every agent turn after its exact prompt."""
    examples = []
    for index, pair in enumerate(pairs):
        sides = []
        for side in ("chosen", "rejected"):
            trajectory = getattr(pair, side)
            where = f"pair {index} ({side}, task {trajectory.task.id})"
            sides.append(
                policy_sequences(
                    tokenizer, trajectory.dialogue_history, max_length=max_length, where=where
                )
            )
        examples.append(PreferenceExample(*sides))
    return examples


def train_mtdpo(
    trajectories: Sequence[Trajectory], pairs_cfg: PairsConfig, dpo_cfg: DPOConfig, run: TrainingRun
) -> dict[str, Any]:
    """DPO on the trajectory pairs SWEET-RL's critic would train on (``pairs_cfg``)."""
    pairs = trajectory_pairs(trajectories, pairs_cfg)
    tokenizer = load_tokenizer(run.policy)
    examples = trajectory_pair_examples(tokenizer, pairs, run.model.max_length)
    metrics = train_dpo(examples, dpo_cfg, run, tokenizer=tokenizer, desc="multi-turn-dpo")
    return {"trajectory_pairs": len(pairs), **metrics}
