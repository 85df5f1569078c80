"""Candidate actions: for a fraction of the agent turns in the offline data, sample N actions from
the policy with the exact prompt the agent saw (``turn.input``), keeping their token log-probs.

Rows are appended as each prompt batch finishes, so an interrupted run resumes without resampling
the turns already done.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from training.colbench.trajectories import Trajectory
from training.jsonl import read_jsonl
from training.sweet.config import CandidatesConfig
from training.sweet.errors import TrainingDataError
from training.sweet.sequences import action_text


@dataclass(frozen=True)
class TurnRef:
    """An agent turn of the offline data: trajectory index and index in its dialogue history."""

    trajectory: int
    position: int

    @property
    def key(self) -> str:
        return f"{self.trajectory}:{self.position}"


def agent_turn_refs(trajectories: Sequence[Trajectory]) -> list[TurnRef]:
    return [
        TurnRef(t, p)
        for t, trajectory in enumerate(trajectories)
        for p, turn in enumerate(trajectory.dialogue_history)
        if turn.role == "assistant" and turn.input
    ]


def select_turns(trajectories: Sequence[Trajectory], fraction: float, seed: int) -> list[TurnRef]:
    """A seeded sample of round(fraction × agent turns) turns (at least one), in data order."""
    refs = agent_turn_refs(trajectories)
    if not refs:
        raise TrainingDataError(
            "no agent turns with a recorded input prompt: cannot sample candidates"
        )
    count = max(1, round(fraction * len(refs)))
    chosen = random.Random(f"candidates-{seed}").sample(refs, count)
    return sorted(chosen, key=lambda r: (r.trajectory, r.position))


def candidate_row(
    ref: TurnRef, trajectory: Trajectory, completions: Sequence[Any]
) -> dict[str, Any]:
    turn = trajectory.dialogue_history[ref.position]
    agent_index = sum(
        1 for t in trajectory.dialogue_history[: ref.position] if t.role == "assistant"
    )
    return {
        "key": ref.key,
        "task": trajectory.task.to_row(),
        "history": [t.to_row() for t in trajectory.dialogue_history[: ref.position]],
        "agent_turn": agent_index,
        "prompt": turn.input,
        "original": action_text(turn),
        "trajectory_reward": trajectory.reward,
        "candidates": [
            {
                "text": c.text,
                "token_logprobs": list(c.token_logprobs),
                "token_ids": list(c.token_ids),
                "finish_reason": c.finish_reason,
            }
            for c in completions
        ],
    }


def sample_candidates(
    trajectories: Sequence[Trajectory],
    llm: Any,
    config: CandidatesConfig,
    *,
    seed: int,
    out_path: Path,
    adapter: str | None = None,
) -> Iterator[int]:
    """Append candidate rows to ``out_path`` (skipping turns already there); yields rows written."""
    from training.llm.base import SamplingParams

    done = set()
    if out_path.is_file():
        done = {row["key"] for row in read_jsonl(out_path, required=("key",))}
    todo = [r for r in select_turns(trajectories, config.fraction, seed) if r.key not in done]
    import json

    with open(out_path, "a", encoding="utf-8") as handle:
        for start in range(0, len(todo), config.prompt_batch):
            batch = todo[start : start + config.prompt_batch]
            prompts = [trajectories[r.trajectory].dialogue_history[r.position].input for r in batch]
            params = SamplingParams(
                n=config.n,
                temperature=config.temperature,
                top_p=config.top_p,
                max_tokens=config.max_tokens,
                seed=seed + start,
            )
            results = llm.generate(prompts, params, adapter=adapter)
            for ref, completions in zip(batch, results, strict=True):
                row = candidate_row(ref, trajectories[ref.trajectory], completions)
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            handle.flush()
            yield len(batch)
