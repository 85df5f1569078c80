"""DPO over groups of sequences, shared by SWEET-RL's step-level policy update and the multi-turn
DPO baseline.

An example's log-prob is the sum over all agent tokens of all its sequences: a step pair has one
sequence per side (prompt + candidate), a multi-turn trajectory has one per run of nested prompts.
The reference log-probs come from the policy *before* the update and are computed once, up front.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from training.sweet.config import DPOConfig
from training.sweet.errors import TrainingDataError
from training.sweet.logprobs import AgentLogprobs, agent_logprobs, collate
from training.sweet.losses import dpo_loss
from training.sweet.scoring import score_sequences
from training.sweet.sequences import TokenSequence, window_report
from training.sweet.trainer import TrainingRun


@dataclass
class PreferenceExample:
    chosen: list[TokenSequence]
    rejected: list[TokenSequence]

    @property
    def length(self) -> int:
        return max(sum(len(s) for s in self.chosen), sum(len(s) for s in self.rejected))


def grouped_logprobs(
    model: torch.nn.Module, groups: Sequence[Sequence[TokenSequence]], pad_id: int
) -> AgentLogprobs:
    """One forward over every sequence of every group; totals and counts summed per group."""
    flat = [seq for group in groups for seq in group]
    owner = torch.tensor([g for g, group in enumerate(groups) for _ in group], dtype=torch.long)
    lp = agent_logprobs(model, collate(flat, pad_id))
    owner = owner.to(lp.total.device)
    total = torch.zeros(len(groups), device=lp.total.device, dtype=lp.total.dtype)
    count = torch.zeros_like(total)
    total = total.index_add(0, owner, lp.total)
    count = count.index_add(0, owner, lp.count)
    empty = torch.zeros(len(groups), 1, device=total.device)
    return AgentLogprobs(total, count, empty, empty.clone())


def reference_totals(
    model: torch.nn.Module,
    examples: Sequence[PreferenceExample],
    pad_id: int,
    batch_size: int,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Summed agent-token log-probs of each example's chosen and rejected side, before training."""

    def side(name: str) -> torch.Tensor:
        flat, owner = [], []
        for index, example in enumerate(examples):
            for seq in getattr(example, name):
                flat.append(seq)
                owner.append(index)
        table = score_sequences(model, flat, pad_id=pad_id, batch_size=batch_size)
        out = torch.zeros(len(examples))
        return out.index_add(0, torch.tensor(owner, dtype=torch.long), table.total)

    return side("chosen"), side("rejected")


def train_dpo(
    examples: Sequence[PreferenceExample],
    dpo_cfg: DPOConfig,
    run: TrainingRun,
    *,
    tokenizer: Any,
    desc: str = "dpo",
) -> dict[str, Any]:
    """Train LoRA (or all weights) on preference examples; save ``adapter/`` or ``model/``."""
    started = time.time()
    if not examples:
        raise TrainingDataError(f"{desc}: no preference pairs to train on")
    pad_id = tokenizer.pad_token_id
    every = [seq for e in examples for seq in (*e.chosen, *e.rejected)]
    window = window_report(every, desc, run.model.max_length)
    model = run.trainable(continue_adapter=True)
    ref_chosen, ref_rejected = reference_totals(
        model, examples, pad_id, max(2, dpo_cfg.train.batch_size * 2)
    )

    def loss_fn(m: torch.nn.Module, index: list[int]) -> tuple[torch.Tensor, dict[str, float]]:
        groups = [examples[i].chosen for i in index] + [examples[i].rejected for i in index]
        lp = grouped_logprobs(m, groups, pad_id)
        b = len(index)
        device = lp.total.device
        terms = dpo_loss(
            lp.rows(slice(0, b)),
            lp.rows(slice(b, 2 * b)),
            ref_chosen[index].to(device),
            ref_rejected[index].to(device),
            beta=dpo_cfg.beta,
            nll_coef=dpo_cfg.nll_coef,
        )
        return terms.loss, {
            "dpo_loss": float(terms.dpo.detach()),
            "nll": float(terms.nll.detach()),
            "margin": float(terms.margin.mean()),
            "reward_accuracy": float((terms.margin > 0).float().mean()),
        }

    lengths = [e.length for e in examples]
    result, target = run.fit(
        model, tokenizer, lengths=lengths, loss_fn=loss_fn, optim=dpo_cfg.train, desc=desc
    )
    train_steps = [h for h in result.history if "margin" in h]
    return {
        "examples": len(examples),
        "steps": result.steps,
        "resumed_from": result.resumed_from,
        "first_margin": train_steps[0]["margin"] if train_steps else None,
        "last_margin": train_steps[-1]["margin"] if train_steps else None,
        **window,
        "output": str(target),
        "train_seconds": round(time.time() - started, 2),
        "history": result.history,
    }
