"""Per-sequence and per-turn log-probabilities of agent tokens, batched correctly.

Position ``p`` of the logits predicts token ``p + 1``, so the agent mask is shifted by one before it
selects log-probs, and the token count of a mean is the count of that *shifted* mask. Each row of a
padded batch is reduced on its own (sums over its own positions), so results do not depend on the
batch size or on what else is in the batch. Only the positions that predict an agent token are
sent through the LM head (``logits_to_keep``), which saves most of the logits memory.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from training.sweet.sequences import CONTEXT, TokenSequence


@dataclass
class Batch:
    input_ids: torch.Tensor  # [B, L]
    attention_mask: torch.Tensor  # [B, L]
    turn_ids: torch.Tensor  # [B, L], CONTEXT for context and padding
    num_turns: int

    def to(self, device: torch.device | str) -> Batch:
        return Batch(
            self.input_ids.to(device),
            self.attention_mask.to(device),
            self.turn_ids.to(device),
            self.num_turns,
        )

    @property
    def padded_tokens(self) -> int:
        return int(self.input_ids.numel())

    @property
    def real_tokens(self) -> int:
        return int(self.attention_mask.sum())


def collate(sequences: Sequence[TokenSequence], pad_id: int) -> Batch:
    """Right-pad sequences into one batch."""
    if not sequences:
        raise ValueError("cannot collate an empty batch")
    length = max(len(s) for s in sequences)
    ids = torch.full((len(sequences), length), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sequences), length), dtype=torch.long)
    turns = torch.full((len(sequences), length), CONTEXT, dtype=torch.long)
    for row, seq in enumerate(sequences):
        n = len(seq)
        ids[row, :n] = torch.tensor(seq.input_ids, dtype=torch.long)
        mask[row, :n] = 1
        turns[row, :n] = torch.tensor(seq.turn_ids, dtype=torch.long)
    num_turns = int(turns.max().item()) + 1 if (turns != CONTEXT).any() else 0
    return Batch(ids, mask, turns, num_turns)


@dataclass
class AgentLogprobs:
    """Reductions of agent-token log-probs, one row per sequence.

    The one table type for log-probs: a training forward returns it with gradients; a reference
    scored once up front (``scoring.score_sequences``) is kept as one on the CPU and looked up by
    example index with :meth:`take`.
    """

    total: torch.Tensor  # [B] sum of agent-token log-probs
    count: torch.Tensor  # [B] number of agent tokens (shifted mask)
    turn_total: torch.Tensor  # [B, T]
    turn_count: torch.Tensor  # [B, T]

    def __len__(self) -> int:
        return int(self.total.shape[0])

    @property
    def mean(self) -> torch.Tensor:
        return self.total / self.count.clamp(min=1)

    @property
    def turn_mean(self) -> torch.Tensor:
        return self.turn_total / self.turn_count.clamp(min=1)

    def detach(self) -> AgentLogprobs:
        return AgentLogprobs(*(t.detach() for t in self._parts()))

    def to(self, device: torch.device | str) -> AgentLogprobs:
        return AgentLogprobs(*(t.to(device) for t in self._parts()))

    def _parts(self) -> tuple[torch.Tensor, ...]:
        return self.total, self.count, self.turn_total, self.turn_count

    def rows(self, index: slice | torch.Tensor) -> AgentLogprobs:
        return AgentLogprobs(*(t[index] for t in self._parts()))

    def take(self, index: Sequence[int], num_turns: int) -> AgentLogprobs:
        """The rows ``index`` with exactly ``max(num_turns, 1)`` turn columns (zero-padded), so
        they line up with a batch's own log-probs."""
        rows = self.rows(torch.as_tensor(list(index), dtype=torch.long))
        width = max(num_turns, 1)

        def fit(table: torch.Tensor) -> torch.Tensor:
            if table.shape[1] >= width:
                return table[:, :width]
            pad = torch.zeros(table.shape[0], width - table.shape[1], dtype=table.dtype)
            return torch.cat([table, pad.to(table.device)], dim=1)

        return AgentLogprobs(rows.total, rows.count, fit(rows.turn_total), fit(rows.turn_count))

    @staticmethod
    def concat(tables: Sequence[AgentLogprobs]) -> AgentLogprobs:
        """Rows of every table in order (their turn columns must already match)."""
        return AgentLogprobs(
            *(torch.cat(parts) for parts in zip(*(t._parts() for t in tables), strict=True))
        )


def _accepts_logits_to_keep(model: torch.nn.Module) -> bool:
    inner = model
    for attr in ("module", "_orig_mod"):  # DDP/FSDP and torch.compile wrappers
        inner = getattr(inner, attr, inner)
    if hasattr(inner, "get_base_model"):
        inner = inner.get_base_model()
    return "logits_to_keep" in inspect.signature(inner.forward).parameters


def agent_logprobs(model: torch.nn.Module, batch: Batch) -> AgentLogprobs:
    """Teacher-forced log-probs of every agent token, reduced per sequence and per turn."""
    device = next(model.parameters()).device
    batch = batch.to(device)
    target_turns = batch.turn_ids[:, 1:]  # label of the token each position predicts
    predicts_agent = target_turns != CONTEXT
    keep = predicts_agent.any(dim=0).nonzero().squeeze(-1)  # positions needed by any row
    bsz = batch.input_ids.shape[0]
    if keep.numel() == 0:
        zeros = torch.zeros(bsz, device=device)
        empty = torch.zeros(bsz, max(batch.num_turns, 1), device=device)
        return AgentLogprobs(zeros, zeros.clone(), empty, empty.clone())
    kwargs = {"input_ids": batch.input_ids, "attention_mask": batch.attention_mask}
    if _accepts_logits_to_keep(model):
        logits = model(**kwargs, logits_to_keep=keep).logits
    else:
        logits = model(**kwargs).logits[:, keep]
    logits = logits.float()
    targets = batch.input_ids[:, 1:][:, keep]
    token_lp = logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1) - logits.logsumexp(-1)
    weight = predicts_agent[:, keep].to(token_lp.dtype)
    token_lp = token_lp * weight
    turns = target_turns[:, keep].clamp(min=0)
    num_turns = max(batch.num_turns, 1)
    turn_total = torch.zeros(bsz, num_turns, device=device, dtype=token_lp.dtype)
    turn_count = torch.zeros_like(turn_total)
    turn_total = turn_total.scatter_add(1, turns, token_lp)
    turn_count = turn_count.scatter_add(1, turns, weight)
    return AgentLogprobs(token_lp.sum(-1), weight.sum(-1), turn_total, turn_count)
