"""Rejection fine-tuning baseline: supervised fine-tuning on the agent turns of successful
trajectories (per-token mean NLL of each action given the exact prompt the agent saw)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from training.baselines.mtdpo import policy_sequences
from training.colbench.trajectories import Trajectory
from training.sweet.config import SweetConfig
from training.sweet.critic import save_trained
from training.sweet.logprobs import agent_logprobs, collate
from training.sweet.model_loading import ModelRef, load_tokenizer, load_trainable
from training.sweet.trainer import finish, make_accelerator, train


def successful(trajectories: Sequence[Trajectory], min_reward: float) -> list[Trajectory]:
    """Success flag when recorded, else reward ≥ ``min_reward``."""
    keep = []
    for t in trajectories:
        ok = t.success if t.success is not None else (t.reward or 0.0) >= min_reward
        if ok:
            keep.append(t)
    return keep


def train_rft(
    trajectories: Sequence[Trajectory],
    policy: ModelRef,
    config: SweetConfig,
    out_dir: Path,
    *,
    accelerator: Any = None,
) -> dict[str, Any]:
    started = time.time()
    chosen = successful(trajectories, config.rft.min_reward)
    if not chosen:
        raise ValueError("rejection fine-tuning: no successful trajectories in the data")
    tokenizer = load_tokenizer(policy)
    pad_id = tokenizer.pad_token_id
    sequences = [
        seq for t in chosen for seq in policy_sequences(tokenizer, t, config.model.max_length)
    ]
    accelerator = accelerator or make_accelerator(config.model.dtype)
    model = load_trainable(policy, config.model, continue_adapter=True, seed=config.seed)
    model.to(accelerator.device)

    def loss_fn(m: torch.nn.Module, index: list[int]) -> tuple[torch.Tensor, dict[str, float]]:
        lp = agent_logprobs(m, collate([sequences[i] for i in index], pad_id))
        nll = -lp.total.sum() / lp.count.sum().clamp(min=1)
        return nll, {"tokens": float(lp.count.sum())}

    result = train(
        model,
        lengths=[len(s) for s in sequences],
        loss_fn=loss_fn,
        optim=config.rft.train,
        out_dir=out_dir,
        seed=config.seed,
        accelerator=accelerator,
        desc="rejection-ft",
    )
    target = save_trained(accelerator, model, tokenizer, out_dir, lora=config.model.lora)
    finish(out_dir, accelerator)
    return {
        "successful_trajectories": len(chosen),
        "of_trajectories": len(trajectories),
        "sequences": len(sequences),
        "steps": result.steps,
        "output": str(target),
        "train_seconds": round(time.time() - started, 2),
        "history": result.history,
    }
