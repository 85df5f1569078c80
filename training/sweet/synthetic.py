"""A SYNTHETIC offline dataset for exercising the SWEET-RL pipeline on backend tasks.

An untrained (tiny) policy never passes a hidden test, so its own rollouts give no backend pairs.
This module writes trajectories with real, varied rewards instead: each episode asks one to three
clarifying questions drawn from a fixed bank (answered by the real simulator through the real
environment), then answers with the task's ground truth in which 0–2 hidden details were mutated
(:func:`training.colbench.mutation.mutate_details`), scored by the real sandbox. Every agent turn's
``input`` is the policy's chat-formatted protocol prompt, exactly as a rollout would record it.

The actions are NOT the policy's own: every trajectory is marked ``meta.source = "synthetic"``. The
data exercises the machinery (pairs, critic, candidates, ranking, DPO); it is not evidence that an
agent improves.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from training.colbench.environments import make_environment
from training.colbench.protocol import ANSWER_MARKER
from training.colbench.tasks import Task
from training.colbench.trajectories import Trajectory
from training.sweet.errors import TrainingDataError

QUESTION_BANK = (
    "What should the function be called, and which arguments should it take?",
    "What should it return when the input is empty or missing?",
    "Are there any thresholds, limits or cut-off values I need to use?",
    "Which exact numbers or rates should the calculation use?",
    "How should ties or equal values be handled?",
    "Should the result be rounded? If so, to how many decimal places?",
    "What should happen with values outside the normal range?",
    "Are there any special cases where the rule is different?",
    "What type should the function return: a number, a string, a list or a dictionary?",
    "Do you have a default value in mind when an option is not recognised?",
    "Is there a minimum or maximum the result must stay within?",
    "Which categories or labels should it distinguish, and what applies to each?",
)

SYNTHETIC_MODEL = "synthetic-offline"


def synthesize(
    tasks: Sequence[Task],
    policy: Any,
    simulator: Any,
    sandbox: Any,
    *,
    k: int = 4,
    seed: int = 0,
    max_mutations: int = 2,
) -> list[Trajectory]:
    """``k`` synthetic trajectories per backend task (frontend tasks are skipped).

    ``policy`` is a :class:`training.llm.base.LLM`; only its chat template is used, to record the
    exact prompt each agent turn would have received.
    """
    from training.colbench.evaluation.backend_scoring import score_backend_many
    from training.colbench.mutation import mutate_details

    backend = [t for t in tasks if t.kind == "backend"]
    if not backend:
        raise TrainingDataError(
            "synthetic data needs backend tasks (frontend tasks are not supported)"
        )
    trajectories: list[Trajectory] = []
    for task in backend:
        for index in range(k):
            rng = random.Random(f"synthetic-{seed}-{task.id}-{index}")
            env = make_environment("backend", simulator)
            env.reset(task)
            for question in rng.sample(QUESTION_BANK, rng.randint(1, 3)):
                prompt = policy.chat_prompt(env.agent_messages())
                env.step(question, prompt=prompt, model=SYNTHETIC_MODEL)
                if env.done:
                    break
            mutations = rng.randint(0, max_mutations)
            answer = mutate_details(task.ground_truth, rng, mutations)
            if not env.done:
                prompt = policy.chat_prompt(env.agent_messages())
                env.step(f"{ANSWER_MARKER}\n{answer}", prompt=prompt, model=SYNTHETIC_MODEL)
            trajectory = env.trajectory
            trajectory.meta.update(source="synthetic", rollout=index, mutations=mutations)
            trajectories.append(trajectory)
    scores = score_backend_many([(t.answer or "", t.task) for t in trajectories], sandbox)
    for trajectory, score in zip(trajectories, scores, strict=True):
        trajectory.reward = score.reward
        trajectory.success = score.success
    return trajectories
