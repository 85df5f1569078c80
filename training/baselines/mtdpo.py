"""Multi-turn DPO baseline: trajectory pairs, no privileged information, the loss over all agent
turns (the sum of log-probs of every action given the exact prompt it was produced from)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from training.colbench.trajectories import Trajectory
from training.sweet.config import SweetConfig
from training.sweet.dpo import PreferenceExample, train_dpo
from training.sweet.model_loading import ModelRef, load_tokenizer
from training.sweet.pairs import TrajectoryPair, trajectory_pairs
from training.sweet.sequences import TokenSequence, policy_segments, tokenize_segments


def policy_sequences(
    tokenizer: Any, trajectory: Trajectory, max_length: int
) -> list[TokenSequence]:
    """The agent's own view of a trajectory: its prompts and actions (no hidden information)."""
    return [
        tokenize_segments(tokenizer, segments, max_length=max_length)
        for segments in policy_segments(tokenizer, trajectory.dialogue_history)
    ]


def trajectory_pair_examples(
    tokenizer: Any, pairs: Sequence[TrajectoryPair], max_length: int
) -> list[PreferenceExample]:
    return [
        PreferenceExample(
            policy_sequences(tokenizer, p.chosen, max_length),
            policy_sequences(tokenizer, p.rejected, max_length),
        )
        for p in pairs
    ]


def train_mtdpo(
    trajectories: Sequence[Trajectory],
    policy: ModelRef,
    config: SweetConfig,
    out_dir: Path,
    *,
    accelerator: Any = None,
) -> dict[str, Any]:
    pairs = trajectory_pairs(trajectories, config.pairs)
    tokenizer = load_tokenizer(policy)
    examples = trajectory_pair_examples(tokenizer, pairs, config.model.max_length)
    metrics = train_dpo(
        examples,
        policy,
        config.model,
        config.mtdpo,
        out_dir,
        seed=config.seed,
        accelerator=accelerator,
        desc="multi-turn-dpo",
        tokenizer=tokenizer,
    )
    return {"trajectory_pairs": len(pairs), **metrics}
