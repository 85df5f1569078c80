"""The privileged critic: Bradley–Terry training on trajectory pairs.

score(τ) = β · (mean agent-token log-prob of τ under the critic − the same under the frozen
reference), both reading the privileged prefix (hidden ground truth) followed by the chat-formatted
trajectory. Loss = −log σ(score(chosen) − score(rejected)). The critic starts as the policy; with
LoRA the reference is the same network with the adapter disabled, otherwise a frozen copy. The
reference log-probs are computed once, before training, without gradients.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from training.colbench.tasks import Task
from training.colbench.trajectories import Turn
from training.sweet.config import CriticConfig, ModelConfig
from training.sweet.errors import TrainingDataError
from training.sweet.hard_negatives import critic_split
from training.sweet.logprobs import AgentLogprobs, agent_logprobs, collate
from training.sweet.losses import bradley_terry_loss, critic_score
from training.sweet.model_loading import ModelRef, frozen_reference, load_base_model, load_tokenizer
from training.sweet.pairs import TrajectoryPair, write_pairs
from training.sweet.scoring import CriticScorer
from training.sweet.sequences import (
    TokenSequence,
    critic_segments,
    tokenize_segments,
    window_report,
)
from training.sweet.trainer import TrainingRun


def critic_view(
    tokenizer: Any,
    task: Task,
    turns: Sequence[Turn],
    critic: CriticConfig,
    max_length: int | None,
    *,
    where: str,
) -> TokenSequence:
    """What the critic reads: its privileged prefix (unless ablated) and the dialogue, as tokens
    fitted to ``max_length`` (``None``: whole); ``where`` names the row in errors."""
    segments = critic_segments(
        tokenizer, task, turns, privileged=critic.privileged, max_truth_chars=critic.max_truth_chars
    )
    return tokenize_segments(tokenizer, segments, max_length=max_length, where=where)


@dataclass
class PairData:
    """Tokenized pairs with their reference log-probs (computed once)."""

    chosen: list[TokenSequence]
    rejected: list[TokenSequence]
    ref_chosen: AgentLogprobs | None = None
    ref_rejected: AgentLogprobs | None = None

    @property
    def sequences(self) -> list[TokenSequence]:
        return [*self.chosen, *self.rejected]

    @property
    def lengths(self) -> list[int]:
        return [max(len(c), len(r)) for c, r in zip(self.chosen, self.rejected, strict=True)]


def tokenize_pairs(
    tokenizer: Any, pairs: Sequence[TrajectoryPair], critic: CriticConfig, max_length: int
) -> PairData:
    def view(pair: int, side: str) -> TokenSequence:
        trajectory = getattr(pairs[pair], side)
        where = f"pair {pair} ({side}, task {trajectory.task.id})"
        return critic_view(
            tokenizer, trajectory.task, trajectory.dialogue_history, critic, max_length, where=where
        )

    return PairData(
        [view(i, "chosen") for i in range(len(pairs))],
        [view(i, "rejected") for i in range(len(pairs))],
    )


def pair_scores(
    model: torch.nn.Module,
    data: PairData,
    index: Sequence[int],
    critic_cfg: CriticConfig,
    pad_id: int,
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
    scores = critic_score(critic, ref, beta=critic_cfg.beta, reduction=critic_cfg.score_reduction)
    return scores[:b], scores[b:]


def attach_reference(scorer: CriticScorer, data: PairData, pad_id: int, batch_size: int) -> None:
    data.ref_chosen = scorer.reference(data.chosen, pad_id=pad_id, batch_size=batch_size)
    data.ref_rejected = scorer.reference(data.rejected, pad_id=pad_id, batch_size=batch_size)


def pair_accuracy(
    model: torch.nn.Module, data: PairData, critic_cfg: CriticConfig, pad_id: int
) -> dict[str, float]:
    """Held-out pair accuracy (ties count as wrong) and BT loss."""
    correct, losses, n = 0.0, 0.0, len(data.chosen)
    size = critic_cfg.train.batch_size
    with torch.no_grad():
        for start in range(0, n, size):
            index = list(range(start, min(n, start + size)))
            chosen, rejected = pair_scores(model, data, index, critic_cfg, pad_id)
            correct += float((chosen > rejected).sum())
            losses += float(bradley_terry_loss(chosen, rejected)) * len(index)
    return {"heldout_pair_accuracy": correct / max(n, 1), "heldout_loss": losses / max(n, 1)}


def train_critic(
    pairs: Sequence[TrajectoryPair], critic_cfg: CriticConfig, run: TrainingRun
) -> dict[str, Any]:
    """Train the critic; write ``run.out_dir/adapter`` (LoRA) or ``run.out_dir/model`` (full)."""
    started = time.time()
    if not pairs:
        raise TrainingDataError("no trajectory pairs to train the critic on")
    train_pairs, held_pairs, hard = critic_split(pairs, critic_cfg, run.seed)
    _write_split(run.out_dir, train_pairs, held_pairs)
    tokenizer = load_tokenizer(run.policy)
    pad_id = tokenizer.pad_token_id
    train_data = tokenize_pairs(tokenizer, train_pairs, critic_cfg, run.model.max_length)
    held_data = tokenize_pairs(tokenizer, held_pairs, critic_cfg, run.model.max_length)
    window = window_report(
        [*train_data.sequences, *held_data.sequences], "critic", run.model.max_length
    )
    model = run.trainable()
    reference = None
    if not run.model.lora:
        reference = frozen_reference(run.policy, run.model).to(run.accelerate().device)
    scorer = CriticScorer(model, reference)
    # without gradients a forward of 2B sequences costs what a training pair batch costs
    batch = 2 * critic_cfg.train.batch_size
    attach_reference(scorer, train_data, pad_id, batch)
    if held_pairs:
        attach_reference(scorer, held_data, pad_id, batch)

    def loss_fn(m: torch.nn.Module, index: list[int]) -> tuple[torch.Tensor, dict[str, float]]:
        chosen, rejected = pair_scores(m, train_data, index, critic_cfg, pad_id)
        loss = bradley_terry_loss(chosen, rejected)
        return loss, {"pair_accuracy": float((chosen > rejected).float().mean())}

    eval_fn = (lambda m: pair_accuracy(m, held_data, critic_cfg, pad_id)) if held_pairs else None
    result, _ = run.fit(
        model,
        tokenizer,
        lengths=train_data.lengths,
        loss_fn=loss_fn,
        optim=critic_cfg.train,
        desc="critic",
        eval_fn=eval_fn,
    )
    evals = [h for h in result.history if "heldout_pair_accuracy" in h]
    return {
        "train_pairs": len(train_pairs),
        "heldout_pairs": len(held_pairs),
        "heldout_tasks": len({p.task_id for p in held_pairs}),
        "steps": result.steps,
        "resumed_from": result.resumed_from,
        "heldout_pair_accuracy": evals[-1]["heldout_pair_accuracy"] if evals else None,
        # the same number, named for what it is: held-out pairs come from tasks no training pair
        # (rollout or hard negative) has
        "task_disjoint_pair_accuracy": evals[-1]["heldout_pair_accuracy"] if evals else None,
        **hard,
        **window,
        "train_seconds": round(time.time() - started, 2),
        "history": result.history,
    }


SPLIT_FILE = "split.json"
"""The critic's task split, in its step folder: which tasks trained it, which were held out."""


def _write_split(
    out_dir: Path, train: Sequence[TrajectoryPair], held: Sequence[TrajectoryPair]
) -> None:
    """Record the split (and any hard negatives) so later evaluations can stay task-disjoint."""
    from training.sweet.trainer import process_state

    if not process_state().is_main_process:
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    split = {
        "train_tasks": sorted({p.task_id for p in train}),
        "heldout_tasks": sorted({p.task_id for p in held}),
    }
    (out_dir / SPLIT_FILE).write_text(json.dumps(split, indent=1))
    negatives = [p for p in train if p.rejected.meta.get("hard_negative")]
    if negatives:
        write_pairs(out_dir / "hard_negatives.jsonl", negatives)


def load_critic(policy: ModelRef, critic_dir: Path, model_cfg: ModelConfig) -> CriticScorer:
    """The trained critic and its frozen reference (the policy the critic started from)."""
    if (critic_dir / "adapter").is_dir():
        from peft import PeftModel

        base = load_base_model(policy, model_cfg)
        model = PeftModel.from_pretrained(base, str(critic_dir / "adapter"))
        model.eval()
        return CriticScorer(model)
    if (critic_dir / "model").is_dir():
        critic = load_base_model(ModelRef(critic_dir / "model"), model_cfg).eval()
        return CriticScorer(critic, frozen_reference(policy, model_cfg))
    raise FileNotFoundError(f"{critic_dir}: no trained critic (adapter/ or model/)")
