"""Rejection fine-tuning baseline: supervised fine-tuning on the agent turns of successful
trajectories (per-token mean NLL of each action given the exact prompt the agent saw)."""

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
from training.sweet.sequences import policy_sequences, window_report
from training.sweet.trainer import TrainingRun


def successful(trajectories: Sequence[Trajectory], min_reward: float) -> list[Trajectory]:
    """Success flag when recorded, else reward ≥ ``min_reward``."""
    keep = []
    for t in trajectories:
        ok = t.success if t.success is not None else (t.reward or 0.0) >= min_reward
        if ok:
            keep.append(t)
    return keep


def train_rft(
    trajectories: Sequence[Trajectory], rft_cfg: RFTConfig, run: TrainingRun
) -> dict[str, Any]:
    """Fine-tune on the selected trajectories' agent turns; save ``adapter/`` or ``model/``."""
    started = time.time()
    chosen = successful(trajectories, rft_cfg.min_reward)
    if not chosen:
        raise TrainingDataError("rejection fine-tuning: no successful trajectories in the data")
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
        "successful_trajectories": len(chosen),
        "of_trajectories": len(trajectories),
        "sequences": len(sequences),
        **window,
        "steps": result.steps,
        "output": str(target),
        "train_seconds": round(time.time() - started, 2),
        "history": result.history,
    }
