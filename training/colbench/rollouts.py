"""Roll out an agent against simulated users over many tasks, batching model calls.

All episodes advance in lock-step rounds. Each round makes one ``agent.generate`` call per batch of
live episodes (so a batching backend samples them together), then one ``reply_many`` call per
simulator for the episodes that need a reply. ``k`` rollouts per task are independent episodes;
with ``k > 1`` the agent samples at temperature 1.0 unless told otherwise (greedy for ``k = 1``).

Each trajectory's ``meta`` records the agent spec, the simulator, the rollout index, the sampling
settings and how the episode ended (``ended_by``: ``answer``, ``turn_limit``, or
``context_limit`` when the agent's next prompt would not fit its context window; that episode
ends there and the others go on). Runs with a seed are reproducible for the same inputs and
batch size (each round's call is seeded from the run seed and the round number).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from training.colbench.environments import (
    ENDED_BY_CONTEXT_LIMIT,
    ColBenchEnvironment,
    make_environment,
)
from training.colbench.simulators.base import BackendSimulator, FrontendSimulator
from training.colbench.tasks import Task
from training.colbench.trajectories import Trajectory
from training.llm.base import LLM, Completion, ContextLengthExceeded, SamplingParams
from training.llm.pointer import AdapterPointer, FixedAdapter

Simulators = Mapping[str, BackendSimulator | FrontendSimulator]


@dataclass(frozen=True)
class RolloutConfig:
    k: int = 1
    """Rollouts per task."""
    temperature: float | None = None
    """Agent sampling temperature; ``None``: 1.0 when ``k > 1``, else 0.0 (greedy)."""
    top_p: float = 1.0
    max_tokens: int = 512
    seed: int | None = None
    batch_size: int = 32
    """Episodes per agent ``generate`` call."""
    adapter: str | None = None
    """Agent adapter; ``None`` uses the backend's default (``local:PATH@ADAPTER``)."""

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError("k (rollouts per task) must be at least 1")
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")

    @property
    def agent_temperature(self) -> float:
        if self.temperature is not None:
            return self.temperature
        return 1.0 if self.k > 1 else 0.0


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _split_seed(seed: int | None, offset: int) -> int | None:
    """The seed for the part of a split call that starts at ``offset`` (0 keeps ``seed``)."""
    if seed is None or offset == 0:
        return seed
    digest = hashlib.sha256(f"{seed}/{offset}".encode()).digest()
    return int.from_bytes(digest[:4], "big") >> 1


def sample_turns(
    agent: LLM, prompts: Sequence[str], params: SamplingParams, adapter: str | None
) -> list[Completion | None]:
    """One completion per prompt, ``None`` for each prompt that does not fit the context window.

    Backends refuse a whole ``generate`` call when any one prompt is too long, so a refused call
    is split in halves and each half retried: the prompts that fit still share calls, and only
    the ones too long come back ``None``. The refusal comes before any decoding, so a split
    costs a few quick failed calls, not repeated work.
    """
    try:
        return [choices[0] for choices in agent.generate(prompts, params, adapter=adapter)]
    except ContextLengthExceeded:
        if len(prompts) == 1:
            return [None]
    middle = len(prompts) // 2
    right_params = replace(params, seed=_split_seed(params.seed, middle))
    return sample_turns(agent, prompts[:middle], params, adapter) + sample_turns(
        agent, prompts[middle:], right_params, adapter
    )


def run_episodes(
    envs: Sequence[ColBenchEnvironment],
    agent: LLM,
    config: RolloutConfig,
    *,
    on_finished: Callable[[Trajectory], None] | None = None,
    adapter_pointer: AdapterPointer | None = None,
) -> None:
    """Drive reset environments to the end; ``on_finished`` gets each episode as it ends.

    An episode whose next agent prompt does not fit the agent's context window ends there with
    ``ended_by = "context_limit"``; the other episodes go on. ``on_finished`` is called once per
    episode, after the round in which it ended (its trajectory is complete by then).

    ``adapter_pointer`` (default: ``config.adapter``, fixed) is read before every agent call, so
    moving it mid-run switches the adapter for the following turns; each turn records the adapter
    that produced it (``Turn.model``).
    """
    pointer = adapter_pointer or FixedAdapter(config.adapter)
    base = SamplingParams(
        n=1,
        temperature=config.agent_temperature,
        top_p=config.top_p,
        max_tokens=config.max_tokens,
    )
    round_index = 0
    while True:
        live = [env for env in envs if not env.done]
        if not live:
            return
        for batch in _chunks(live, config.batch_size):
            seed = None if config.seed is None else config.seed * 1_000_003 + round_index
            params = replace(base, seed=seed)
            prompts = [agent.chat_prompt(env.agent_messages()) for env in batch]
            completions = sample_turns(agent, prompts, params, pointer.current())
            for env, prompt, completion in zip(batch, prompts, completions, strict=True):
                if completion is None:
                    env.end(ENDED_BY_CONTEXT_LIMIT)
                else:
                    env.act(completion.text, prompt=prompt, model=completion.model or agent.spec)
            round_index += 1
        _answer_pending(live)
        if on_finished is not None:
            for env in live:
                if env.done:
                    on_finished(env.trajectory)


def _answer_pending(envs: Sequence[ColBenchEnvironment]) -> None:
    """One ``reply_many`` call per simulator for every episode waiting on a simulated reply."""
    groups: dict[int, list[tuple[ColBenchEnvironment, Any]]] = {}
    for env in envs:
        query = env.pending_query()
        if query is None:
            continue
        if env.simulator is None:
            raise RuntimeError(f"no simulator for {env.kind} task {env.task.id}")
        groups.setdefault(id(env.simulator), []).append((env, query))
    for items in groups.values():
        simulator = items[0][0].simulator
        replies = simulator.reply_many([query for _, query in items])
        for (env, _), reply in zip(items, replies, strict=True):
            env.observe(reply)


def start_episodes(
    tasks: Sequence[Task],
    agent: LLM,
    simulators: Simulators,
    config: RolloutConfig,
    *,
    skip: Collection[tuple[str, int]] = (),
) -> list[ColBenchEnvironment]:
    """Reset environments for ``config.k`` episodes per task, in task order.

    ``skip`` holds ``(task id, rollout index)`` pairs not to start (episodes already done).
    """
    envs: list[ColBenchEnvironment] = []
    for task in tasks:
        if task.kind not in simulators:
            raise ValueError(f"no simulator for {task.kind} tasks (task {task.id})")
        for index in range(config.k):
            if (task.id, index) in skip:
                continue
            env = make_environment(task.kind, simulators[task.kind])
            env.reset(task)
            env.trajectory.meta.update(
                agent=agent.spec,
                simulator=simulators[task.kind].name,
                rollout=index,
                temperature=config.agent_temperature,
                seed=config.seed,
            )
            envs.append(env)
    return envs


def rollout(
    tasks: Sequence[Task],
    agent: LLM,
    simulators: Simulators,
    config: RolloutConfig | None = None,
    *,
    progress: bool = False,
    adapter_pointer: AdapterPointer | None = None,
) -> list[Trajectory]:
    """``config.k`` episodes per task, in task order (task 0's k rollouts first).

    ``adapter_pointer`` lets the active adapter switch mid-run (see :func:`run_episodes`). For a
    long run that must survive a crash, see :mod:`training.colbench.rollout_file`.
    """
    config = config or RolloutConfig()
    envs = start_episodes(tasks, agent, simulators, config)
    if progress:
        from tqdm import tqdm

        with tqdm(total=len(envs), desc="episodes", unit="ep") as bar:
            run_episodes(
                envs,
                agent,
                config,
                on_finished=lambda _: bar.update(1),
                adapter_pointer=adapter_pointer,
            )
    else:
        run_episodes(envs, agent, config, adapter_pointer=adapter_pointer)
    return [env.trajectory for env in envs]
