"""Rejection fine-tuning baseline: supervised fine-tuning on the agent turns of selected
trajectories (per-token mean NLL of each action given the exact prompt the agent saw).

Selection (``rft.select``): by default each task's best trajectory, as the paper's baseline does;
this works for backend rewards (a success flag) and for frontend ones (similarities below 1.0 with
no success flag) alike. ``threshold`` keeps every trajectory at ``rft.min_reward`` or more.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import torch

from training.colbench.trajectories import Trajectory
from training.sweet.config import RFTConfig
from training.sweet.errors import TrainingDataError
from training.sweet.logprobs import agent_logprobs, collate
from training.sweet.model_loading import load_tokenizer
from training.sweet.pairs import at_least
from training.sweet.sequences import policy_sequences, window_report
from training.sweet.trainer import TrainingRun


def qualifies(trajectory: Trajectory, min_reward: float) -> bool:
    """A recorded success flag decides; otherwise a reward of at least ``min_reward``."""
    if trajectory.success is not None:
        return trajectory.success
    return trajectory.reward is not None and at_least(trajectory.reward, min_reward)


def select_trajectories(trajectories: Sequence[Trajectory], cfg: RFTConfig) -> list[Trajectory]:
    """The trajectories to imitate, in data order (``best_per_task``: ties go to the first)."""
    eligible = [t for t in trajectories if qualifies(t, cfg.min_reward)]
    if cfg.select == "threshold":
        return eligible
    best: dict[str, Trajectory] = {}
    for trajectory in eligible:
        held = best.get(trajectory.task.id)
        if held is None or _reward(trajectory) > _reward(held):
            best[trajectory.task.id] = trajectory
    chosen = {id(t) for t in best.values()}
    return [t for t in eligible if id(t) in chosen]


def _reward(trajectory: Trajectory) -> float:
    return trajectory.reward if trajectory.reward is not None else float("-inf")


def train_rft(
    trajectories: Sequence[Trajectory], rft_cfg: RFTConfig, run: TrainingRun
) -> dict[str, Any]:
    """Fine-tune on the selected trajectories' agent turns; save ``adapter/`` or ``model/``."""
    started = time.time()
    chosen = select_trajectories(trajectories, rft_cfg)
    if not chosen:
        raise TrainingDataError(
            f"rejection fine-tuning: none of {len(trajectories)} trajectories selected "
            f"(rft.select={rft_cfg.select}, rft.min_reward={rft_cfg.min_reward}); a recorded "
            "success=false is never selected"
        )
    tokenizer = load_tokenizer(run.policy)
    pad_id = tokenizer.pad_token_id
    sequences = [
        seq
        for index, t in enumerate(chosen)
        for seq in policy_sequences(
            tokenizer,
            t.dialogue_history,
            max_length=run.model.max_length,
            where=f"selected trajectory {index} (task {t.task.id})",
        )
    ]
    window = window_report(sequences, "rejection-ft", run.model.max_length)
    model = run.trainable(continue_adapter=True)

    def loss_fn(m: torch.nn.Module, index: list[int]) -> tuple[torch.Tensor, dict[str, float]]:
        lp = agent_logprobs(m, collate([sequences[i] for i in index], pad_id))
        nll = -lp.total.sum() / lp.count.sum().clamp(min=1)
        return nll, {"tokens": float(lp.count.sum())}

    lengths = [len(s) for s in sequences]
    result, target = run.fit(
        model, tokenizer, lengths=lengths, loss_fn=loss_fn, optim=rft_cfg.train, desc="rejection-ft"
    )
    return {
        "selected_trajectories": len(chosen),
        "selection": rft_cfg.select,
        "of_trajectories": len(trajectories),
        "tasks": len({t.task.id for t in trajectories}),
        "sequences": len(sequences),
        **window,
        "steps": result.steps,
        "output": str(target),
        "train_seconds": round(time.time() - started, 2),
        "history": result.history,
    }
