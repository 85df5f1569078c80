"""Score many sequences without gradients: the critic, its frozen reference, or the policy.

The result is an :class:`~training.sweet.logprobs.AgentLogprobs` on the CPU, so a reference computed
once up front can be looked up by example index during training (the reference never changes, so
scoring it again every step would only double the cost).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

import torch

from training.sweet.batching import make_batches
from training.sweet.logprobs import AgentLogprobs, agent_logprobs, collate
from training.sweet.sequences import TokenSequence


def _uses_adapter(model: Any) -> bool:
    return hasattr(model, "disable_adapter") and hasattr(model, "peft_config")


@torch.no_grad()
def score_sequences(
    model: torch.nn.Module,
    sequences: Sequence[TokenSequence],
    *,
    pad_id: int,
    batch_size: int = 8,
    without_adapter: bool = False,
    desc: str | None = None,
) -> AgentLogprobs:
    """Agent-token log-prob reductions of every sequence (``without_adapter``: the base model)."""
    if without_adapter and not _uses_adapter(model):
        raise ValueError("without_adapter needs a peft model")
    was_training = model.training
    model.eval()
    n = len(sequences)
    max_turns = max((max(s.turn_ids, default=-1) + 1 for s in sequences), default=0)
    width = max(max_turns, 1)
    total = torch.zeros(n)
    count = torch.zeros(n)
    turn_total = torch.zeros(n, width)
    turn_count = torch.zeros(n, width)
    batches = make_batches([len(s) for s in sequences], batch_size, shuffle=False)
    context = model.disable_adapter() if without_adapter else nullcontext()
    from tqdm.auto import tqdm

    with context:
        for batch_index in tqdm(batches, desc=desc, disable=desc is None, leave=False):
            batch = collate([sequences[i] for i in batch_index], pad_id)
            lp = agent_logprobs(model, batch)
            idx = torch.tensor(batch_index)
            t = lp.turn_total.shape[1]
            total[idx] = lp.total.float().cpu()
            count[idx] = lp.count.float().cpu()
            turn_total[idx, :t] = lp.turn_total.float().cpu()
            turn_count[idx, :t] = lp.turn_count.float().cpu()
    model.train(was_training)
    return AgentLogprobs(total, count, turn_total, turn_count)


class CriticScorer:
    """A critic and its frozen reference: the same peft model with the adapter disabled (LoRA),
    or a separate frozen model (full fine-tune)."""

    def __init__(self, critic: torch.nn.Module, reference: torch.nn.Module | None = None):
        if reference is None and not _uses_adapter(critic):
            raise ValueError("a full fine-tuned critic needs a separate reference model")
        self.critic_model = critic
        self.reference_model = reference

    def critic(self, sequences: Sequence[TokenSequence], **kw: Any) -> AgentLogprobs:
        return score_sequences(self.critic_model, sequences, **kw)

    def reference(self, sequences: Sequence[TokenSequence], **kw: Any) -> AgentLogprobs:
        if self.reference_model is None:
            return score_sequences(self.critic_model, sequences, without_adapter=True, **kw)
        return score_sequences(self.reference_model, sequences, **kw)
