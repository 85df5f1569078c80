"""SWEET-RL's policy update: DPO on step-level pairs (prompt = the exact turn input)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from training.sweet.config import DPOConfig
from training.sweet.dpo import PreferenceExample, train_dpo
from training.sweet.model_loading import load_tokenizer
from training.sweet.sequences import prompt_completion_segments, tokenize_segments
from training.sweet.trainer import TrainingRun


def step_pair_examples(
    tokenizer: Any, rows: Iterable[dict[str, Any]], max_length: int
) -> list[PreferenceExample]:
    examples = []
    for index, row in enumerate(rows):
        sides = []
        for side in ("chosen", "rejected"):
            segments = prompt_completion_segments(tokenizer, row["prompt"], row[side])
            where = f"step pair {index} ({side}, key {row.get('key')})"
            sides.append(
                [tokenize_segments(tokenizer, segments, max_length=max_length, where=where)]
            )
        examples.append(PreferenceExample(*sides))
    return examples


def train_policy(
    rows: Iterable[dict[str, Any]], dpo_cfg: DPOConfig, run: TrainingRun
) -> dict[str, Any]:
    """DPO of the policy on step pairs; the adapter goes to ``run.out_dir/adapter``."""
    tokenizer = load_tokenizer(run.policy)
    examples = step_pair_examples(tokenizer, rows, run.model.max_length)
    return train_dpo(examples, dpo_cfg, run, tokenizer=tokenizer, desc="policy-dpo")
