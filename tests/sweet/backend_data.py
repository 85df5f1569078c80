"""Small backend trajectories with real code, scored by the real sandbox (critic-quality tests).

Each task is a shipping-cost function with its own threshold, rate and flat fee. Per task: one
trajectory that answers with the ground truth (all tests pass) and one that answers with a wrong
flat fee (some tests fail), each after one clarifying question. Agent turns carry the exact
chat-formatted prompt, as rollouts record it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from training.colbench.tasks import Task
from training.colbench.trajectories import Trajectory, Turn

REQUEST = "I need a function for my shipping cost."
QUESTION = "What weight threshold, rate and flat fee do you use?"


def ground_truth(i: int, flat: int | None = None) -> str:
    threshold = 10 + 2 * i
    flat = 5 + i if flat is None else flat
    return (
        "def shipping_cost(weight):\n"
        f"    if weight >= {threshold}:\n"
        f"        return round(weight * {1.5 + 0.25 * i}, 2)\n"
        f"    return {flat}\n"
    )


def task(i: int) -> Task:
    threshold = 10 + 2 * i
    calls = [1, threshold - 1, threshold, threshold + 3, 2 * threshold]
    return Task(
        id=f"ship-{i:02d}",
        kind="backend",
        problem_description=REQUEST,
        ground_truth=ground_truth(i),
        test_cases={f"t{n}": f"shipping_cost({w})" for n, w in enumerate(calls)},
    )


def _prompt(tokenizer: Any, history: Sequence[Turn]) -> str:
    messages = [{"role": t.role, "content": t.content} for t in history]
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)


def answer_text(code: str) -> str:
    return f"I WANT TO ANSWER:\n```python\n{code}```\nThat should do it."


def trajectory(tokenizer: Any, t: Task, code: str) -> Trajectory:
    history = [Turn("user", REQUEST)]
    history.append(Turn("assistant", QUESTION, input=_prompt(tokenizer, history), output=QUESTION))
    history.append(Turn("user", "Heavy parcels pay per kg above a threshold, light ones a fee."))
    text = answer_text(code)
    history.append(Turn("assistant", text, input=_prompt(tokenizer, history), output=text))
    marker = text.index("I WANT TO ANSWER:") + len("I WANT TO ANSWER:")
    return Trajectory(t, history, answer=text[marker:])


def scored_trajectories(tokenizer: Any, num_tasks: int, sandbox: Any) -> list[Trajectory]:
    """Two trajectories per task (right answer, wrong flat fee) with sandbox rewards."""
    from training.colbench.evaluation.backend_scoring import score_backend_many

    out = []
    for i in range(num_tasks):
        t = task(i)
        out.append(trajectory(tokenizer, t, ground_truth(i)))
        out.append(trajectory(tokenizer, t, ground_truth(i, flat=99)))
    scores = score_backend_many([(x.answer or "", x.task) for x in out], sandbox)
    for x, score in zip(out, scores, strict=True):
        x.reward, x.success = score.reward, score.success
    return out
