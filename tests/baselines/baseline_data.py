"""Build trajectories whose agent turns carry the exact chat-formatted prompt, as rollouts do."""

from __future__ import annotations

from typing import Any

from training.colbench.tasks import Task
from training.colbench.trajectories import Trajectory, Turn

SYSTEM = "You are a collaborative agent. Ask short questions, then answer."


def played(
    tokenizer: Any, task: Task, exchanges: list[tuple[str, str]], reward: float, **fields: Any
) -> Trajectory:
    """``exchanges``: (agent action, person's reply) in order; the last reply is not recorded."""
    history = [Turn("user", task.problem_description)]
    for action, reply in exchanges:
        messages = [{"role": "system", "content": SYSTEM}]
        messages += [{"role": t.role, "content": t.content} for t in history]
        prompt = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        history.append(Turn("assistant", action, input=prompt, output=action))
        history.append(Turn("user", reply))
    return Trajectory(task, history[:-1], answer=exchanges[-1][0], reward=reward, **fields)
