"""The privileged critic: Bradley–Terry training on trajectory pairs.

score(τ) = β · (mean agent-token log-prob of τ under the critic − the same under the frozen
reference), both reading the privileged prefix (hidden ground truth) followed by the chat-formatted
trajectory. Loss = −log σ(score(chosen) − score(rejected)). The critic starts as the policy; with
LoRA the reference is the same network with the adapter disabled, otherwise a frozen copy. The
reference log-probs are computed once, before training, without gradients.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from training.colbench.tasks import Task
from training.colbench.trajectories import Trajectory, Turn
from training.sweet.config import SweetConfig
from training.sweet.logprobs import AgentLogprobs, agent_logprobs, collate
from training.sweet.losses import bradley_terry_loss, critic_score
from training.sweet.model_loading import (
    ModelRef,
    frozen_reference,
    load_base_model,
    load_tokenizer,
    load_trainable,
)
from training.sweet.pairs import TrajectoryPair, split_by_task
from training.sweet.scoring import CriticScorer
from training.sweet.sequences import TokenSequence, critic_segments, tokenize_segments
from training.sweet.trainer import finish, make_accelerator, train


def critic_sequence(
    tokenizer: Any,
    task: Task,
    turns: Sequence[Turn],
    config: SweetConfig,
    *,
    privileged: bool | None = None,
) -> TokenSequence:
    privileged = config.critic.privileged if privileged is None else privileged
    segments = critic_segments(
        tokenizer,
        task,
        turns,
        privileged=privileged,
        max_truth_chars=config.critic.max_truth_chars,
    )
    return tokenize_segments(tokenizer, segments, max_length=config.model.max_length)


def trajectory_sequence(
    tokenizer: Any, trajectory: Trajectory, config: SweetConfig
) -> TokenSequence:
    return critic_sequence(tokenizer, trajectory.task, trajectory.dialogue_history, config)


@dataclass
class PairData:
    """Tokenized pairs with their reference log-probs (computed once)."""

    chosen: list[TokenSequence]
    rejected: list[TokenSequence]
    ref_chosen: AgentLogprobs | None = None
    ref_rejected: AgentLogprobs | None = None

    @property
    def lengths(self) -> list[int]:
        return [max(len(c), len(r)) for c, r in zip(self.chosen, self.rejected, strict=True)]


def tokenize_pairs(
    tokenizer: Any, pairs: Sequence[TrajectoryPair], config: SweetConfig
) -> PairData:
    return PairData(
        [trajectory_sequence(tokenizer, p.chosen, config) for p in pairs],
        [trajectory_sequence(tokenizer, p.rejected, config) for p in pairs],
    )


def pair_scores(
    model: torch.nn.Module, data: PairData, index: Sequence[int], config: SweetConfig, pad_id: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Scores of chosen and rejected for the pairs in ``index``: one forward over 2B rows, the
    first B chosen and the last B rejected (sliced, never indexed one row)."""
    b = len(index)
    batch = collate([data.chosen[i] for i in index] + [data.rejected[i] for i in index], pad_id)
    critic = agent_logprobs(model, batch)
    device = critic.total.device
    ref_c = data.ref_chosen.take(index, batch.num_turns)
    ref_r = data.ref_rejected.take(index, batch.num_turns)
    ref = AgentLogprobs.concat([ref_c, ref_r]).to(device)
    scores = critic_score(
        critic, ref, beta=config.critic.beta, reduction=config.critic.score_reduction
    )
    return scores[:b], scores[b:]


def attach_reference(scorer: CriticScorer, data: PairData, pad_id: int, batch_size: int) -> None:
    data.ref_chosen = scorer.reference(data.chosen, pad_id=pad_id, batch_size=batch_size)
    data.ref_rejected = scorer.reference(data.rejected, pad_id=pad_id, batch_size=batch_size)


def pair_accuracy(
    model: torch.nn.Module, data: PairData, config: SweetConfig, pad_id: int
) -> dict[str, float]:
    """Held-out pair accuracy (ties count as wrong) and BT loss."""
    correct, losses, n = 0.0, 0.0, len(data.chosen)
    size = config.critic.train.batch_size
    with torch.no_grad():
        for start in range(0, n, size):
            index = list(range(start, min(n, start + size)))
            chosen, rejected = pair_scores(model, data, index, config, pad_id)
            correct += float((chosen > rejected).sum())
            losses += float(bradley_terry_loss(chosen, rejected)) * len(index)
    return {"heldout_pair_accuracy": correct / max(n, 1), "heldout_loss": losses / max(n, 1)}


def train_critic(
    pairs: Sequence[TrajectoryPair],
    policy: ModelRef,
    config: SweetConfig,
    out_dir: Path,
    *,
    accelerator: Any = None,
) -> dict[str, Any]:
    """Train the critic; write ``out_dir/adapter`` (LoRA) or ``out_dir/model`` (full)."""
    started = time.time()
    accelerator = accelerator or make_accelerator(config.model.dtype)
    if not pairs:
        raise ValueError("no trajectory pairs to train the critic on")
    train_pairs, held_pairs = split_by_task(pairs, config.critic.heldout_fraction, config.seed)
    tokenizer = load_tokenizer(policy)
    pad_id = tokenizer.pad_token_id
    model = load_trainable(policy, config.model, seed=config.seed)
    reference = None if config.model.lora else frozen_reference(policy, config.model)
    model.to(accelerator.device)
    if reference is not None:
        reference.to(accelerator.device)
    scorer = CriticScorer(model, reference)
    train_data = tokenize_pairs(tokenizer, train_pairs, config)
    held_data = tokenize_pairs(tokenizer, held_pairs, config)
    batch = config.rank.batch_size
    attach_reference(scorer, train_data, pad_id, batch)
    if held_pairs:
        attach_reference(scorer, held_data, pad_id, batch)

    def loss_fn(m: torch.nn.Module, index: list[int]) -> tuple[torch.Tensor, dict[str, float]]:
        chosen, rejected = pair_scores(m, train_data, index, config, pad_id)
        loss = bradley_terry_loss(chosen, rejected)
        return loss, {"pair_accuracy": float((chosen > rejected).float().mean())}

    eval_fn = (lambda m: pair_accuracy(m, held_data, config, pad_id)) if held_pairs else None
    result = train(
        model,
        lengths=train_data.lengths,
        loss_fn=loss_fn,
        optim=config.critic.train,
        out_dir=out_dir,
        seed=config.seed,
        accelerator=accelerator,
        eval_fn=eval_fn,
        desc="critic",
    )
    save_trained(accelerator, model, tokenizer, out_dir, lora=config.model.lora)
    finish(out_dir, accelerator)
    evals = [h for h in result.history if "heldout_pair_accuracy" in h]
    return {
        "train_pairs": len(train_pairs),
        "heldout_pairs": len(held_pairs),
        "heldout_tasks": len({p.task_id for p in held_pairs}),
        "steps": result.steps,
        "resumed_from": result.resumed_from,
        "heldout_pair_accuracy": evals[-1]["heldout_pair_accuracy"] if evals else None,
        "train_seconds": round(time.time() - started, 2),
        "history": result.history,
    }


def save_trained(
    accelerator: Any, model: Any, tokenizer: Any, out_dir: Path, *, lora: bool
) -> Path:
    """Write the adapter (LoRA, loadable by LocalLLM/vLLM) or the full model + tokenizer."""
    unwrapped = accelerator.unwrap_model(model)
    state = accelerator.get_state_dict(model)
    target = out_dir / ("adapter" if lora else "model")
    if accelerator.is_main_process:
        unwrapped.save_pretrained(str(target), state_dict=state)
        if not lora:
            tokenizer.save_pretrained(str(target))
    accelerator.wait_for_everyone()
    return target


def load_critic(policy: ModelRef, critic_dir: Path, config: SweetConfig) -> CriticScorer:
    """The trained critic and its frozen reference (the policy the critic started from)."""
    if (critic_dir / "adapter").is_dir():
        from peft import PeftModel

        base = load_base_model(policy, config.model)
        model = PeftModel.from_pretrained(base, str(critic_dir / "adapter"))
        model.eval()
        return CriticScorer(model)
    if (critic_dir / "model").is_dir():
        critic = load_base_model(ModelRef(critic_dir / "model"), config.model).eval()
        return CriticScorer(critic, frozen_reference(policy, config.model))
    raise FileNotFoundError(f"{critic_dir}: no trained critic (adapter/ or model/)")
