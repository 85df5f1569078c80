"""Choosing the next token from logits: temperature, nucleus (top-p), greedy at temperature 0.

The log-prob reported for a token is that of the *raw* model distribution (log-softmax of the
unmodified logits), not of the temperature/top-p adjusted one. That is what vLLM reports by default
(``--logprobs-mode raw_logprobs``) and what RL code wants: the policy's probability of the action.
"""

from __future__ import annotations

import torch


def sample_next(
    logits: torch.Tensor,
    *,
    temperature: float,
    top_p: float,
    generator: torch.Generator | None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Sample one token per row of ``logits`` ([rows, vocab]); return (token ids, raw log-probs)."""
    logits = logits.float()
    logprobs = torch.log_softmax(logits, dim=-1)
    if temperature <= 0.0:
        tokens = logits.argmax(dim=-1)
    else:
        probs = torch.softmax(logits / temperature, dim=-1)
        if top_p < 1.0:
            probs = _nucleus(probs, top_p)
        tokens = torch.multinomial(probs, 1, generator=generator).squeeze(-1)
    return tokens, logprobs.gather(-1, tokens.unsqueeze(-1)).squeeze(-1)


def _nucleus(probs: torch.Tensor, top_p: float) -> torch.Tensor:
    """Zero all but the smallest set of most likely tokens whose mass reaches ``top_p``."""
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    mass_before = sorted_probs.cumsum(dim=-1) - sorted_probs
    sorted_probs = sorted_probs.masked_fill(mass_before >= top_p, 0.0)
    kept = torch.zeros_like(probs).scatter(-1, order, sorted_probs)
    return kept / kept.sum(dim=-1, keepdim=True)
