"""The interfaces every simulated user implements.

A simulator only produces the person's reply text. The protocol rules around it (reply length
limits, when the episode ends, what the agent sees) live in :mod:`training.colbench.protocol` and
are applied by the environments, so every simulator obeys them the same way.

Replies may be requested one at a time (:meth:`reply`) or for many episodes at once
(:meth:`reply_many`); simulators backed by a batching LLM override ``reply_many`` so that a rollout
over many episodes makes one model call per round.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

from training.colbench.tasks import Task
from training.colbench.trajectories import Turn


@dataclass(frozen=True)
class BackendQuery:
    """One request to a backend simulator: the agent's latest message and the dialogue so far."""

    task: Task
    message: str
    """The text the agent showed the person in its latest turn."""
    dialogue: Sequence[Turn] = field(default_factory=tuple)
    """All turns so far, the agent's latest turn included."""


@dataclass(frozen=True)
class FrontendQuery:
    """One request to a frontend simulator: the ``<html>`` snippet the agent just showed."""

    task: Task
    agent_html: str


class BackendSimulator(ABC):
    """A person who wants a Python function and knows it only through the hidden ground truth."""

    #: a short label recorded in trajectory metadata (``oracle``, ``llm:<spec>``)
    name: str = "backend-simulator"

    @abstractmethod
    def reply(self, message: str, task: Task, dialogue: Sequence[Turn] = ()) -> str:
        """Answer the agent's ``message`` using only ``task.ground_truth``."""

    def reply_many(self, queries: Sequence[BackendQuery]) -> list[str]:
        """Answer several queries (one per episode); the default answers them one by one."""
        return [self.reply(q.message, q.task, q.dialogue) for q in queries]


class FrontendSimulator(ABC):
    """A person who wants a web page and compares what the agent shows with the page they want."""

    name: str = "frontend-simulator"

    @abstractmethod
    def reply(self, agent_html: str, task: Task) -> str:
        """Describe the main visible differences between ``agent_html`` and the hidden page."""

    def reply_many(self, queries: Sequence[FrontendQuery]) -> list[str]:
        return [self.reply(q.agent_html, q.task) for q in queries]

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (a browser, a model)."""
