"""Rollouts written to a trajectory file as each episode ends, so that a rerun resumes.

A long ``duet simulate`` (or a web or worker job running the same code) must not lose finished
episodes to a crash or a Ctrl-C. :class:`ResumableRollout` appends each episode to the output
file the moment it ends (:class:`~training.jsonl.JsonlAppender`: one durable line per episode,
a torn last line dropped on reopening). Run again with the same output file, it skips the
episodes the file already holds, identified by task id and rollout index.

While a run is going, the file is in the order episodes ended. When the run completes, the file
is rewritten (atomically) in task order, task 0's rollouts first, so that "the first k rollouts
of a task" means the same as after an uninterrupted run; rows the run does not own (other tasks,
fields Duet does not know) are kept as they were, after the run's own rows.

Resumed episodes run in other batches than they would have in one go, so with a seed and a
temperature above zero their samples differ from an uninterrupted run's (greedy runs match).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from training.colbench.rollouts import RolloutConfig, Simulators, run_episodes, start_episodes
from training.colbench.tasks import Task
from training.colbench.trajectories import Trajectory, load_trajectory_rows
from training.jsonl import JsonlAppender, write_jsonl
from training.llm.base import LLM
from training.llm.pointer import AdapterPointer

EpisodeKey = tuple[str, int]

#: ``meta`` fields that must agree between the episodes already in a file and a rerun's.
RUN_SETTINGS: tuple[str, ...] = ("agent", "simulator", "temperature", "seed")


class ResumeMismatch(ValueError):
    """The output file holds episodes of this run's tasks made with other settings."""


def episode_key(trajectory: Trajectory) -> EpisodeKey:
    """What identifies an episode within a run: the task id and the rollout index."""
    return trajectory.task.id, int(trajectory.meta.get("rollout", 0))


@dataclass
class RolloutFileSummary:
    """What a run did; ``ended_by`` counts every episode of the run, skipped ones included."""

    path: Path
    episodes: int
    written: int
    skipped: int
    agent_turns: int
    ended_by: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "out": str(self.path),
            "episodes": self.episodes,
            "written": self.written,
            "skipped": self.skipped,
            "agent_turns": self.agent_turns,
            "ended_by": dict(self.ended_by),
        }


class ResumableRollout:
    """``config.k`` episodes per task, appended to ``path`` as they end; see the module docs.

    Construction reads ``path`` (if it exists) and decides which episodes remain: check
    :attr:`skipped` before calling :meth:`run`. Raises :class:`ResumeMismatch` when the file's
    episodes of these tasks were made with another agent, simulator, temperature or seed, and
    :class:`~training.colbench.tasks.TaskFormatError` when the file is not a trajectory file.
    """

    def __init__(
        self,
        path: str | Path,
        tasks: Sequence[Task],
        agent: LLM,
        simulators: Simulators,
        config: RolloutConfig | None = None,
    ) -> None:
        self.path = Path(path)
        self.tasks = list(tasks)
        self.agent = agent
        self.simulators = simulators
        self.config = config or RolloutConfig()
        self.keys: list[EpisodeKey] = [
            (task.id, index) for task in self.tasks for index in range(self.config.k)
        ]
        self._existing = _read_existing(self.path)
        wanted = set(self.keys)
        self._done: dict[EpisodeKey, Trajectory] = {}
        for _, trajectory in self._existing:
            key = episode_key(trajectory)
            if key in wanted and key not in self._done:
                self._check_settings(trajectory)
                self._done[key] = trajectory
        self._new: list[tuple[dict[str, Any], Trajectory]] = []

    @property
    def skipped(self) -> int:
        """Episodes of this run already in the file (not run again)."""
        return len(self._done)

    @property
    def pending(self) -> int:
        """Episodes still to run."""
        return len(self.keys) - len(self._done) - len(self._new)

    @property
    def written(self) -> int:
        """Episodes this object has appended to the file so far."""
        return len(self._new)

    def run(
        self, *, progress: bool = False, adapter_pointer: AdapterPointer | None = None
    ) -> RolloutFileSummary:
        """Run the remaining episodes, appending each as it ends; then put the file in order.

        An exception (or Ctrl-C) leaves every episode that ended before it in the file.
        """
        envs = start_episodes(
            self.tasks, self.agent, self.simulators, self.config, skip=self._done.keys()
        )
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(self.keys), initial=self.skipped, desc="episodes", unit="ep")
        try:
            with JsonlAppender(self.path) as appender:

                def finished(trajectory: Trajectory) -> None:
                    row = trajectory.to_row()
                    appender.write(row)
                    self._new.append((row, trajectory))
                    if bar is not None:
                        bar.update(1)

                run_episodes(
                    envs,
                    self.agent,
                    self.config,
                    on_finished=finished,
                    adapter_pointer=adapter_pointer,
                )
        finally:
            if bar is not None:
                bar.close()
        self._write_in_task_order()
        return self.summary()

    def summary(self) -> RolloutFileSummary:
        trajectories = list(self._done.values()) + [t for _, t in self._new]
        ended_by = Counter(str(t.meta.get("ended_by")) for t in trajectories)
        return RolloutFileSummary(
            path=self.path,
            episodes=len(trajectories),
            written=self.written,
            skipped=self.skipped,
            agent_turns=sum(len(t.agent_turns) for t in trajectories),
            ended_by=dict(sorted(ended_by.items())),
        )

    def _check_settings(self, trajectory: Trajectory) -> None:
        kind = trajectory.task.kind
        simulator = self.simulators.get(kind)
        expected = {
            "agent": self.agent.spec,
            "simulator": simulator.name if simulator is not None else None,
            "temperature": self.config.agent_temperature,
            "seed": self.config.seed,
        }
        for name in RUN_SETTINGS:
            found = trajectory.meta.get(name)
            if found != expected[name]:
                task_id, index = episode_key(trajectory)
                raise ResumeMismatch(
                    f"{self.path} already holds rollout {index} of task {task_id} made with "
                    f"{name} {found!r}, not {expected[name]!r}: rerun with the same settings "
                    "to resume, or write to another file"
                )

    def _write_in_task_order(self) -> None:
        """Rewrite the file: this run's episodes in task order, then every other row as it was."""
        rows = self._existing + self._new
        first: dict[EpisodeKey, int] = {}
        wanted = set(self.keys)
        for position, (_, trajectory) in enumerate(rows):
            key = episode_key(trajectory)
            if key in wanted:
                first.setdefault(key, position)
        own = [rows[first[key]][0] for key in self.keys if key in first]
        chosen = set(first.values())
        others = [row for position, (row, _) in enumerate(rows) if position not in chosen]
        write_jsonl(self.path, own + others)


def _read_existing(path: Path) -> list[tuple[dict[str, Any], Trajectory]]:
    if not path.is_file():
        return []
    # a torn last line is an episode that did not finish writing: not an error
    JsonlAppender(path).close()
    return load_trajectory_rows(path)
