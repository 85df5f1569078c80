"""Critic-guided best-of-N at inference: a DIAGNOSTIC, not a deployable agent.

At every agent turn the policy samples N actions and the trained critic picks the one with the
highest advantage. The critic reads the hidden ground truth, so this agent USES PRIVILEGED
INFORMATION no real deployment has: its score bounds what the critic's ranking can deliver, it is
not a result to compare with agents that play fair. Outputs are labelled accordingly.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from training.colbench.environments import make_environment
from training.colbench.tasks import load_tasks
from training.colbench.trajectories import write_trajectories
from training.sweet.config import SweetConfig

WARNING = (
    "critic-guided best-of-N USES PRIVILEGED INFORMATION (the hidden ground truth): diagnostic only"
)


def run_best_of_n(
    tasks_path: Path,
    policy: str,
    critic_dir: Path,
    out: Path,
    config: SweetConfig,
    *,
    n: int = 4,
    simulator: str = "oracle",
    limit: int = 0,
) -> dict[str, Any]:
    from training.colbench.evaluation.rewards import score_trajectories, summarize
    from training.colbench.simulators.factory import make_simulators
    from training.llm.base import SamplingParams
    from training.llm.spec import load_llm
    from training.sweet.critic import load_critic
    from training.sweet.model_loading import load_tokenizer, parse_model_spec
    from training.sweet.ranking import rank_rows

    print(f"WARNING: {WARNING}", flush=True)
    started = time.time()
    tasks = load_tasks(tasks_path)[: limit or None]
    ref = parse_model_spec(policy)
    scorer = load_critic(ref, critic_dir, config.model)
    tokenizer = load_tokenizer(ref)
    llm = load_llm(policy)
    sims = make_simulators(simulator, {t.kind for t in tasks})
    params = SamplingParams(
        n=n,
        temperature=config.candidates.temperature,
        top_p=config.candidates.top_p,
        max_tokens=config.candidates.max_tokens,
    )
    trajectories = []
    try:
        for task in tasks:
            env = make_environment(task.kind, sims[task.kind])
            env.reset(task)
            while not env.done:
                prompt = llm.chat_prompt(env.agent_messages())
                completions = llm.generate([prompt], params)[0]
                row = {
                    "key": task.id,
                    "task": task.to_row(),
                    "history": [t.to_row() for t in env.trajectory.dialogue_history],
                    "agent_turn": env.agent_turns_taken,
                    "prompt": prompt,
                    "candidates": [
                        {"text": c.text, "token_logprobs": c.token_logprobs} for c in completions
                    ],
                }
                ranked = rank_rows(
                    [row], scorer, tokenizer, config.rank, config.critic, config.model.max_length
                )
                best = next(ranked)["candidates"][0]
                env.step(best["text"], prompt=prompt, model=f"{policy}+critic-best-of-{n}")
            trajectory = env.trajectory
            trajectory.meta.update(
                best_of_n=n, privileged_information=True, diagnostic=WARNING, critic=str(critic_dir)
            )
            trajectories.append(trajectory)
    finally:
        llm.close()
    score_trajectories(trajectories)  # sets reward and success in place
    write_trajectories(out, trajectories)
    summary = {
        "warning": WARNING,
        "out": str(out),
        "n": n,
        "summary": summarize(trajectories),
        "seconds": round(time.time() - started, 1),
    }
    out.with_suffix(".summary.json").write_text(json.dumps(summary, indent=2, default=str))
    return summary
