"""Run the expert and the lucky guesser through the real pipeline, and measure the task family.

Everything here uses the project's own pieces: episodes run in
:func:`training.colbench.rollouts.rollout` with the backend oracle simulator
(:class:`~training.colbench.simulators.backend_oracle.BackendOracleSimulator`, default embedding
retriever) and answers are scored in the code sandbox
(:func:`~training.colbench.evaluation.backend_scoring.score_backend_many`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from training.colbench.evaluation.rewards import BACKEND_METRIC
from training.colbench.rollouts import RolloutConfig, rollout
from training.colbench.simulators.base import BackendSimulator
from training.colbench.tasks import Task
from training.colbench.trajectories import Trajectory
from training.minicolbench.expert import (
    DEFAULT_NOISE,
    MISSING,
    Noise,
    ScriptedExpert,
    answer_text,
    guess_values,
    parse_reply,
)
from training.minicolbench.generate import task_family, task_values


def default_simulator() -> BackendSimulator:
    """The project's deterministic backend oracle (embedding retriever)."""
    from training.colbench.simulators.backend_oracle import BackendOracleSimulator

    return BackendOracleSimulator()


def _sandbox(sandbox: Any) -> tuple[Any, bool]:
    if sandbox is not None:
        return sandbox, False
    from training.colbench.evaluation.sandbox import Sandbox

    return Sandbox(), True


def score_answers(items: Sequence[tuple[str, Task]], sandbox: Any = None) -> list[Any]:
    """Sandbox scores (``BackendScore``) of ``(answer, task)`` pairs."""
    from training.colbench.evaluation.backend_scoring import score_backend_many

    box, owned = _sandbox(sandbox)
    try:
        return score_backend_many(items, box)
    finally:
        if owned:
            box.close()


def score_in_place(trajectories: Sequence[Trajectory], sandbox: Any = None) -> None:
    """Set ``reward``, ``success`` and ``meta.metric`` of backend trajectories (no answer: 0)."""
    answered = [t for t in trajectories if t.answer and t.answer.strip()]
    scores = score_answers([(t.answer or "", t.task) for t in answered], sandbox)
    by_id = {id(t): s for t, s in zip(answered, scores, strict=True)}
    for trajectory in trajectories:
        score = by_id.get(id(trajectory))
        trajectory.reward = score.reward if score else 0.0
        trajectory.success = score.success if score else False
        trajectory.meta["metric"] = BACKEND_METRIC


def run_expert(
    tasks: Sequence[Task],
    noise: Noise = DEFAULT_NOISE,
    *,
    seed: int = 0,
    k: int = 1,
    simulator: BackendSimulator | None = None,
    sandbox: Any = None,
    batch_size: int = 256,
    progress: bool = False,
) -> list[Trajectory]:
    """``k`` expert episodes per task (task order), through the real environment and oracle,
    scored in the sandbox. Each trajectory's ``meta`` adds ``family`` and ``noise``."""
    expert = ScriptedExpert(noise, seed=seed)
    simulators = {"backend": simulator or default_simulator()}
    config = RolloutConfig(k=k, seed=seed, batch_size=batch_size, temperature=1.0 if k > 1 else 0)
    trajectories = rollout(tasks, expert, simulators, config, progress=progress)
    score_in_place(trajectories, sandbox)
    for trajectory in trajectories:
        trajectory.meta.update(family=task_family(trajectory.task).name, noise=noise.label())
    return trajectories


# ------------------------------------------------------------------------------ lucky guesses


@dataclass
class Rate:
    """A success rate overall and per family."""

    successes: int = 0
    total: int = 0
    by_family: dict[str, list[int]] = field(default_factory=dict)  # family -> [successes, n]

    def add(self, family: str, success: bool) -> None:
        self.successes += int(success)
        self.total += 1
        counts = self.by_family.setdefault(family, [0, 0])
        counts[0] += int(success)
        counts[1] += 1

    @property
    def rate(self) -> float:
        return self.successes / self.total if self.total else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "rate": round(self.rate, 4),
            "successes": self.successes,
            "total": self.total,
            "by_family": {
                name: round(s / n, 4) if n else 0.0
                for name, (s, n) in sorted(self.by_family.items())
            },
        }


def lucky_answers(
    tasks: Sequence[Task], *, seed: int = 0, tries: int = 1
) -> list[tuple[str, Task]]:
    """For each task, ``tries`` answers given without asking: every detail guessed uniformly
    from its stated range (:attr:`Detail.values`)."""
    out = []
    for task in tasks:
        family = task_family(task)
        rng = random.Random(f"lucky:{seed}:{task.id}")
        out += [(answer_text(family, guess_values(family, rng)), task) for _ in range(tries)]
    return out


def expected_lucky_rate(tasks: Sequence[Task]) -> float:
    """The chance a uniform guess hits every detail exactly (a lower bound on the lucky rate:
    a wrong combination could still pass every test, which :func:`lucky_guess_rate` measures)."""
    chances = []
    for task in tasks:
        chance = 1.0
        for detail in task_family(task).details:
            chance /= len(detail.values)
        chances.append(chance)
    return sum(chances) / len(chances) if chances else 0.0


def lucky_guess_rate(
    tasks: Sequence[Task], *, seed: int = 0, tries: int = 1, sandbox: Any = None
) -> Rate:
    """Success rate of answering at once with guessed values, scored by the sandbox."""
    items = lucky_answers(tasks, seed=seed, tries=tries)
    rate = Rate()
    for (_, task), score in zip(items, score_answers(items, sandbox), strict=True):
        rate.add(task_family(task).name, score.success)
    return rate


def success_rate(trajectories: Iterable[Trajectory]) -> Rate:
    rate = Rate()
    for trajectory in trajectories:
        rate.add(task_family(trajectory.task).name, bool(trajectory.success))
    return rate


# ------------------------------------------------------------------------------ the oracle


def reveal_rate(tasks: Sequence[Task], simulator: BackendSimulator | None = None) -> Rate:
    """Per detail of each task: does the oracle's reply to the expert's question reveal the
    exact value? (One success per detail asked; ``by_family`` per family.)"""
    simulator = simulator or default_simulator()
    rate = Rate()
    for task in tasks:
        family = task_family(task)
        values = task_values(task)
        for detail in family.details:
            reply = simulator.reply(detail.question, task)
            value = parse_reply(family, detail, reply)
            rate.add(family.name, value is not MISSING and value == values[detail.name])
    return rate


# ------------------------------------------------------------------------------ dialogue size


def dialogue_text(trajectory: Trajectory) -> str:
    """The dialogue without the system prompt: request, questions, replies, answer."""
    return "\n".join(turn.content for turn in trajectory.dialogue_history)


def tokenizer_texts(tasks: Iterable[Task], trajectories: Iterable[Trajectory] = ()) -> list[str]:
    """Texts to train a tokenizer for MiniColBench on: the agent's system prompt, every family's
    request and questions, the tasks' ground truths and the dialogues given."""
    from training.colbench.environments import BackendEnvironment
    from training.minicolbench.expert import IRRELEVANT_QUESTIONS
    from training.minicolbench.families import FAMILIES

    texts = [BackendEnvironment().system_prompt(), *IRRELEVANT_QUESTIONS]
    for family in FAMILIES:
        texts.append(family.description)
        texts += [detail.question for detail in family.details]
    texts += [task.ground_truth for task in tasks]
    texts += [dialogue_text(t) for t in trajectories]
    return texts


DETAIL_VALUE_REPEATS = 4


def detail_value_texts(repeats: int = DETAIL_VALUE_REPEATS) -> list[str]:
    """Every value every family's details can take, as the oracle states it and as code assigns
    it, a few times each: the tokenizer then gives each value one token, whatever the split.

    Values are the families' domains (public, like the function bodies), so held-out tasks leak
    nothing through them: their combinations are new, their single values are not.
    """
    from training.minicolbench.families import FAMILIES, SIGNATURE

    texts = []
    for family in FAMILIES:
        for detail in family.details:
            if detail.name == SIGNATURE:
                continue
            for value in detail.values:
                texts += [f"{detail.name} is {value!r}.\n    {detail.name} = {value!r}"] * repeats
    return texts


def dialogue_stats(trajectories: Sequence[Trajectory], tokenizer: Any = None) -> dict[str, Any]:
    """Mean characters (and tokens, given a tokenizer) of the dialogues and of the last prompt
    (system prompt included: what the model's context must hold); mean agent turns."""
    n = len(trajectories) or 1
    texts = [dialogue_text(t) for t in trajectories]
    prompts = [t.agent_turns[-1].input or "" for t in trajectories if t.agent_turns]
    stats: dict[str, Any] = {
        "dialogue_chars": round(sum(map(len, texts)) / n, 1),
        "last_prompt_chars": round(sum(map(len, prompts)) / max(len(prompts), 1), 1),
        "agent_turns": round(sum(len(t.agent_turns) for t in trajectories) / n, 2),
    }
    if tokenizer is not None:
        count = lambda text: len(tokenizer(text, add_special_tokens=False)["input_ids"])  # noqa: E731
        stats["dialogue_tokens"] = round(sum(map(count, texts)) / n, 1)
        stats["last_prompt_tokens"] = round(sum(map(count, prompts)) / max(len(prompts), 1), 1)
    return stats
