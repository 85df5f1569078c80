"""Rank each turn's candidates by the critic's advantage.

advantage(a) = β · (mean log-prob of a under the critic − mean log-prob under the reference), where
the critic reads the privileged prefix and the dialogue so far. The reference is either
``paper``: the frozen model the critic started from, with the same privileged context, or
``sampling``: the policy's own sampling log-probs of ``a`` (no privileged information).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import torch

from training.colbench.tasks import task_from_row
from training.colbench.trajectories import Turn
from training.jsonl import JsonlError
from training.sweet.config import CriticConfig, RankConfig
from training.sweet.critic import critic_view
from training.sweet.scoring import CriticScorer
from training.sweet.sequences import CONTEXT, TokenSequence


def only_last_turn(seq: TokenSequence) -> TokenSequence:
    """Keep the last agent turn's label; earlier agent turns become context."""
    last = max(seq.turn_ids)
    return TokenSequence(
        seq.input_ids, [0 if t == last else CONTEXT for t in seq.turn_ids], seq.meta
    )


def candidate_sequence(
    tokenizer: Any, row: dict[str, Any], text: str, critic: CriticConfig, max_length: int
) -> TokenSequence:
    """The critic's view of the dialogue so far followed by the candidate, the only scored turn."""
    task, problems = task_from_row(row["task"], where=f"candidates[{row.get('key')}]")
    if task is None:
        raise JsonlError("\n".join(problems))
    history = [
        Turn(t["role"], t["content"], t.get("input"), t.get("output")) for t in row["history"]
    ]
    turns = [*history, Turn("assistant", text)]
    where = f"candidates row {row.get('key')}"
    return only_last_turn(critic_view(tokenizer, task, turns, critic, max_length, where=where))


def rank_rows(
    rows: Iterable[dict[str, Any]],
    scorer: CriticScorer,
    tokenizer: Any,
    rank: RankConfig,
    critic_cfg: CriticConfig,
    max_length: int,
) -> Iterator[dict[str, Any]]:
    """Yield each candidate row with ``advantage`` (and its parts) per candidate, best first.

    ``critic_cfg`` and ``max_length`` must be those the critic was trained with: they define what
    it reads (the privileged prefix, the truth's length) and its β.
    """
    pad_id = tokenizer.pad_token_id
    beta = critic_cfg.beta
    for row in rows:
        cands = row["candidates"]
        seqs = [
            candidate_sequence(tokenizer, row, c["text"], critic_cfg, max_length) for c in cands
        ]
        critic = scorer.critic(seqs, pad_id=pad_id, batch_size=rank.batch_size).mean
        if rank.reference == "paper":
            reference = scorer.reference(seqs, pad_id=pad_id, batch_size=rank.batch_size)
            ref_mean = reference.mean
        else:
            ref_mean = torch.tensor(
                [sum(c["token_logprobs"]) / max(len(c["token_logprobs"]), 1) for c in cands]
            )
        ranked = []
        scores = zip(cands, seqs, critic.tolist(), ref_mean.tolist(), strict=True)
        for cand, seq, c_lp, r_lp in scores:
            ranked.append(
                {
                    "text": cand["text"],
                    "advantage": beta * (c_lp - r_lp),
                    "critic_logprob": c_lp,
                    "reference_logprob": r_lp,
                    "dropped_turns": seq.meta.get("dropped_turns", 0),
                }
            )
        ranked.sort(key=lambda c: c["advantage"], reverse=True)
        yield {
            "key": row["key"],
            "task_id": row["task"].get("id"),
            "agent_turn": row["agent_turn"],
            "prompt": row["prompt"],
            "reference": rank.reference,
            "candidates": ranked,
        }
