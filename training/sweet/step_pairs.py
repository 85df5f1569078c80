"""Step-level preference pairs: per ranked turn, chosen from the upper half, rejected from the
lower half of the candidates (seeded, distinct pairs, no ties, duplicate texts merged)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from typing import Any


def step_pairs_for_turn(row: dict[str, Any], num_pairs: int, rng: random.Random) -> list[dict]:
    seen: set[str] = set()
    ranked = []
    for cand in sorted(row["candidates"], key=lambda c: c["advantage"], reverse=True):
        if cand["text"] not in seen:  # a repeated sample would pair with itself
            seen.add(cand["text"])
            ranked.append(cand)
    if len(ranked) < 2:
        return []
    half = len(ranked) // 2
    upper, lower = ranked[:half], ranked[half:]
    combos = [(c, r) for c in upper for r in lower if c["advantage"] > r["advantage"]]
    picks = rng.sample(combos, min(num_pairs, len(combos)))
    return [
        {
            "key": row["key"],
            "task_id": row.get("task_id"),
            "agent_turn": row.get("agent_turn"),
            "prompt": row["prompt"],
            "chosen": c["text"],
            "rejected": r["text"],
            "chosen_advantage": c["advantage"],
            "rejected_advantage": r["advantage"],
        }
        for c, r in picks
    ]


def make_step_pairs(
    ranked_rows: Iterable[dict[str, Any]], num_pairs: int, seed: int
) -> Iterator[dict[str, Any]]:
    for row in ranked_rows:
        rng = random.Random(f"step-pairs-{seed}-{row['key']}")
        yield from step_pairs_for_turn(row, num_pairs, rng)
