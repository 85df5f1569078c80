"""Batch order: length-bucketed (little padding) or plain shuffled, reproducible per epoch."""

from __future__ import annotations

import random
from collections.abc import Sequence


def make_batches(
    lengths: Sequence[int],
    batch_size: int,
    *,
    bucket_by_length: bool = True,
    seed: int = 0,
    epoch: int = 0,
    shuffle: bool = True,
) -> list[list[int]]:
    """Index batches for one epoch. The same (seed, epoch) always gives the same batches.

    Bucketing sorts examples by length (random tie order) so each batch holds similar lengths, then
    shuffles the order of the batches: the model still sees a random sequence of batches, but almost
    no padding.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    rng = random.Random(f"batches-{seed}-{epoch}")
    order = list(range(len(lengths)))
    if shuffle:
        rng.shuffle(order)
    if bucket_by_length:
        order.sort(key=lambda i: lengths[i])  # stable: ties keep their shuffled order
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    if shuffle and bucket_by_length:
        rng.shuffle(batches)
    return batches


def padding_stats(lengths: Sequence[int], batches: Sequence[Sequence[int]]) -> dict[str, float]:
    """Real tokens, padded tokens, and the fraction of the padded batch that is real."""
    real = sum(lengths[i] for b in batches for i in b)
    padded = sum(max(lengths[i] for i in b) * len(b) for b in batches if b)
    return {"real_tokens": real, "padded_tokens": padded, "efficiency": real / max(padded, 1)}
