"""SWEET-RL's policy update: DPO on step-level pairs (prompt = the exact turn input)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from training.sweet.config import SweetConfig
from training.sweet.dpo import PreferenceExample, train_dpo
from training.sweet.model_loading import ModelRef, load_tokenizer
from training.sweet.sequences import prompt_completion_segments, tokenize_segments


def step_pair_examples(
    tokenizer: Any, rows: Iterable[dict[str, Any]], max_length: int
) -> list[PreferenceExample]:
    examples = []
    for row in rows:
        sides = []
        for side in ("chosen", "rejected"):
            segments = prompt_completion_segments(tokenizer, row["prompt"], row[side])
            sides.append([tokenize_segments(tokenizer, segments, max_length=max_length)])
        examples.append(PreferenceExample(*sides))
    return examples


def train_policy(
    rows: Iterable[dict[str, Any]],
    policy: ModelRef,
    config: SweetConfig,
    out_dir: Path,
    *,
    accelerator: Any = None,
) -> dict[str, Any]:
    tokenizer = load_tokenizer(policy)
    examples = step_pair_examples(tokenizer, rows, config.model.max_length)
    return train_dpo(
        examples,
        policy,
        config.model,
        config.policy,
        out_dir,
        seed=config.seed,
        accelerator=accelerator,
        desc="policy-dpo",
        tokenizer=tokenizer,
    )
