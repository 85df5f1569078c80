"""The SWEET-RL steps as functions over a run folder, each skipping itself when already complete.

Layout of a run folder (every step folder also holds config.yaml, inputs.json, metrics.json and,
for training steps, loss.png)::

    RUN/pairs/pairs.jsonl             1. trajectory pairs
    RUN/critic/adapter/               2. privileged critic (peft adapter; model/ for full FT)
    RUN/candidates/candidates.jsonl   3. N sampled actions for a fraction of the agent turns
    RUN/ranks/ranks.jsonl             4. candidates ranked by the critic's advantage
    RUN/step_pairs/step_pairs.jsonl   5. chosen/rejected pairs per turn
    RUN/policy/adapter/               6. the DPO-trained policy adapter
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from training.colbench.trajectories import load_trajectories
from training.jsonl import read_jsonl, write_jsonl
from training.sweet.config import SweetConfig
from training.sweet.runfolder import finish_step, is_done, start_step, train_in_step

STEPS = ("pairs", "critic", "candidates", "ranks", "step_pairs", "policy")


def _main_first():
    """Under ``accelerate launch``: the main process runs a data step first and marks it done; the
    other ranks enter afterwards and skip it. A single process just runs it."""
    from training.sweet.trainer import process_state

    return process_state().main_process_first()


def _log(message: str) -> None:
    print(f"[sweet] {message}", flush=True)


def _skip(step_dir: Path) -> bool:
    if is_done(step_dir):
        _log(f"{step_dir.name}: already complete, skipped")
        return True
    return False


def run_pairs(data: Path, out: Path, config: SweetConfig) -> Path:
    from training.sweet.pairs import trajectory_pairs, write_pairs

    path = out / "pairs.jsonl"
    if _skip(out):
        return path
    started = time.time()
    start_step(out, config, {"data": data})
    trajectories = load_trajectories(data)
    pairs = trajectory_pairs(trajectories, config.pairs)
    write_pairs(path, pairs)
    tasks = {t.task.id for t in trajectories}
    metrics = {
        "trajectories": len(trajectories),
        "tasks": len(tasks),
        "pairs": len(pairs),
        "tasks_with_pairs": len({p.task_id for p in pairs}),
    }
    finish_step(out, metrics, started=started)
    _log(f"pairs: {len(pairs)} from {len(trajectories)} trajectories over {len(tasks)} tasks")
    return path


def run_critic(pairs_path: Path, policy: str, out: Path, config: SweetConfig) -> Path:
    from training.sweet.critic import train_critic
    from training.sweet.pairs import load_pairs

    if _skip(out):
        return out

    def train(run: Any) -> dict[str, Any]:
        return {**train_critic(load_pairs(pairs_path), config.critic, run), "policy": policy}

    metrics = train_in_step(out, config, policy, {"pairs": pairs_path}, train)
    _log(f"critic: task-disjoint held-out pair accuracy {metrics['heldout_pair_accuracy']}")
    return out


def run_candidates(
    data: Path, policy: str, out: Path, config: SweetConfig, *, sampler: str | None = None
) -> Path:
    from tqdm.auto import tqdm

    from training.llm.spec import load_llm
    from training.sweet.candidates import sample_candidates, select_turns

    path = out / "candidates.jsonl"
    if _skip(out):
        return path
    started = time.time()
    start_step(out, config, {"data": data})
    trajectories = load_trajectories(data)
    total = len(select_turns(trajectories, config.candidates.fraction, config.seed))
    llm = load_llm(sampler or policy)
    partial = out / "candidates.partial.jsonl"
    try:
        with tqdm(total=total, desc="candidates", unit="turn") as bar:
            for written in sample_candidates(
                trajectories, llm, config.candidates, seed=config.seed, out_path=partial
            ):
                bar.update(written)
    finally:
        llm.close()
    partial.replace(path)
    rows = sum(1 for _ in read_jsonl(path))
    finish_step(
        out,
        {"turns": rows, "candidates_per_turn": config.candidates.n, "sampler": sampler or policy},
        started=started,
    )
    _log(f"candidates: {rows} turns x {config.candidates.n}")
    return path


def run_rank(
    candidates_path: Path, critic_dir: Path, policy: str, out: Path, config: SweetConfig
) -> Path:
    from tqdm.auto import tqdm

    from training.sweet.critic import load_critic
    from training.sweet.model_loading import load_tokenizer, parse_model_spec
    from training.sweet.ranking import rank_rows

    path = out / "ranks.jsonl"
    if _skip(out):
        return path
    started = time.time()
    ref = parse_model_spec(policy)
    start_step(out, config, {"candidates": candidates_path, "critic": critic_dir})
    scorer = load_critic(ref, critic_dir, config.model)
    tokenizer = load_tokenizer(ref)
    rows = list(read_jsonl(candidates_path, required=("key", "task", "history", "candidates")))
    ranking = rank_rows(
        rows, scorer, tokenizer, config.rank, config.critic, config.model.max_length
    )
    ranked = list(tqdm(ranking, total=len(rows), desc="rank"))
    write_jsonl(path, ranked)
    spreads = [r["candidates"][0]["advantage"] - r["candidates"][-1]["advantage"] for r in ranked]
    dropped = [c["dropped_turns"] for r in ranked for c in r["candidates"]]
    if any(dropped):
        logging.getLogger(__name__).warning(
            "ranks: %d critic views were longer than model.max_length=%d; %d early agent turns "
            "were dropped whole",
            sum(1 for d in dropped if d),
            config.model.max_length,
            sum(dropped),
        )
    finish_step(
        out,
        {
            "turns": len(ranked),
            "reference": config.rank.reference,
            "mean_advantage_spread": sum(spreads) / max(len(spreads), 1),
            "truncated_sequences": sum(1 for d in dropped if d),
            "dropped_turns": sum(dropped),
        },
        started=started,
    )
    return path


def run_step_pairs(ranks_path: Path, out: Path, config: SweetConfig) -> Path:
    from training.sweet.step_pairs import make_step_pairs

    path = out / "step_pairs.jsonl"
    if _skip(out):
        return path
    started = time.time()
    start_step(out, config, {"ranks": ranks_path})
    ranked = read_jsonl(ranks_path, required=("key", "prompt", "candidates"))
    count = write_jsonl(path, make_step_pairs(ranked, config.step_pairs.num_pairs, config.seed))
    finish_step(out, {"step_pairs": count}, started=started)
    _log(f"step pairs: {count}")
    return path


def run_policy(step_pairs_path: Path, policy: str, out: Path, config: SweetConfig) -> Path:
    from training.sweet.policy import train_policy

    if _skip(out):
        return out

    def train(run: Any) -> dict[str, Any]:
        rows = list(read_jsonl(step_pairs_path, required=("prompt", "chosen", "rejected")))
        return train_policy(rows, config.policy, run)

    metrics = train_in_step(out, config, policy, {"step_pairs": step_pairs_path}, train)
    _log(f"policy: adapter at {metrics['output']}")
    return out


def run_sweet(
    data: Path, policy: str, run: Path, config: SweetConfig, *, sampler: str | None = None
) -> dict[str, Any]:
    """Steps 1→6. Complete steps are skipped, so rerunning resumes an interrupted run."""
    started = time.time()
    with _main_first():
        pairs = run_pairs(data, run / "pairs", config)
    critic = run_critic(pairs, policy, run / "critic", config)  # training: every rank takes part
    with _main_first():
        candidates = run_candidates(data, policy, run / "candidates", config, sampler=sampler)
    with _main_first():
        ranks = run_rank(candidates, critic, policy, run / "ranks", config)
    with _main_first():
        step_pairs = run_step_pairs(ranks, run / "step_pairs", config)
    policy_dir = run_policy(step_pairs, policy, run / "policy", config)
    output = policy_dir / ("adapter" if config.model.lora else "model")
    summary = {"output": str(output), "seconds": round(time.time() - started, 1)}
    start_step(run, config, {"data": data})
    finish_step(run, summary)
    _log(f"done: {output}")
    return summary
