"""ColBench environments: plain state machines over one episode.

``reset(task)`` returns the person's opening message; ``step(agent_text)`` records the agent's turn,
applies the protocol (:mod:`training.colbench.protocol`), asks the simulator for the person's reply
when the episode goes on, and returns a :class:`StepResult`. The dialogue so far is always available
as a :class:`~training.colbench.trajectories.Trajectory`.

``step`` is ``act`` (record the agent turn) followed by ``observe`` (record the person's reply). The
two halves are public so that a caller can supply the reply itself: a real person in a live
session, or a rollout loop that batches simulator calls over many episodes (:meth:`pending_query`).

The agent's prompt is built by :meth:`agent_messages` from the system prompt template, the opening
message and the dialogue. Hidden information (the ground truth and test cases) never enters it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from training.colbench import protocol
from training.colbench.prompts import render_prompt
from training.colbench.simulators.base import (
    BackendQuery,
    BackendSimulator,
    FrontendQuery,
    FrontendSimulator,
)
from training.colbench.tasks import Task
from training.colbench.trajectories import Trajectory, Turn
from training.llm.base import Message

#: ``meta.ended_by`` values: how an episode ended.
ENDED_BY_ANSWER = "answer"
"""The agent's turn contained the answer marker."""
ENDED_BY_TURN_LIMIT = "turn_limit"
"""The agent used its last allowed turn without the marker."""
ENDED_BY_CONTEXT_LIMIT = "context_limit"
"""The agent's next prompt did not fit the model's context window (see :meth:`end`)."""


class EpisodeStateError(RuntimeError):
    """The environment was driven out of order (step before reset, step after the end, ...)."""


@dataclass
class StepResult:
    observation: str | None
    """The person's reply, or ``None`` when the episode ended with this turn."""
    done: bool
    info: dict[str, Any] = field(default_factory=dict)


class ColBenchEnvironment(ABC):
    """One episode of one task kind. Reusable: ``reset`` starts a new episode."""

    kind: str = ""
    reply_limit: int = 0
    system_prompt_name: str = ""

    def __init__(
        self,
        simulator: BackendSimulator | FrontendSimulator | None = None,
        *,
        max_agent_turns: int = protocol.MAX_AGENT_TURNS,
        prompts_dir: Path | None = None,
    ):
        if max_agent_turns < 1:
            raise ValueError("max_agent_turns must be at least 1")
        self.simulator = simulator
        self.max_agent_turns = max_agent_turns
        self.prompts_dir = prompts_dir
        self._trajectory: Trajectory | None = None
        self._done = False
        self._awaiting_reply = False
        self._ended_by: str | None = None

    # -- state ---------------------------------------------------------------------------------

    @property
    def trajectory(self) -> Trajectory:
        if self._trajectory is None:
            raise EpisodeStateError("reset(task) must be called first")
        return self._trajectory

    @property
    def task(self) -> Task:
        return self.trajectory.task

    @property
    def done(self) -> bool:
        return self._done

    @property
    def agent_turns_taken(self) -> int:
        return len(self.trajectory.agent_turns)

    @property
    def awaiting_reply(self) -> bool:
        """The agent has acted and the person's reply has not been recorded yet."""
        return self._awaiting_reply

    def system_prompt(self) -> str:
        return render_prompt(
            self.system_prompt_name, self.prompts_dir, max_turns=self.max_agent_turns
        )

    def agent_messages(self) -> list[Message]:
        """The chat the agent sees now: system prompt, opening message, dialogue so far."""
        messages: list[Message] = [{"role": "system", "content": self.system_prompt()}]
        messages.extend(
            {"role": turn.role, "content": turn.content}
            for turn in self.trajectory.dialogue_history
        )
        return messages

    # -- transitions ---------------------------------------------------------------------------

    def reset(self, task: Task) -> str:
        """Start an episode on ``task``; returns the person's opening message."""
        if task.kind != self.kind:
            raise ValueError(f"{type(self).__name__} runs {self.kind} tasks, not {task.kind}")
        self._trajectory = Trajectory(
            task=task, dialogue_history=[Turn("user", task.problem_description)]
        )
        self._done = False
        self._awaiting_reply = False
        self._ended_by = None
        self._on_reset()
        return task.problem_description

    def act(
        self, agent_text: str, *, prompt: str | None = None, model: str | None = None
    ) -> protocol.AgentAction:
        """Record an agent turn (raw text, the exact prompt it was sampled from, the model name)."""
        if self._trajectory is None:
            raise EpisodeStateError("reset(task) must be called first")
        if self._done:
            raise EpisodeStateError("the episode is over; call reset(task) to start another")
        if self._awaiting_reply:
            raise EpisodeStateError("the person's reply to the previous turn is still missing")
        last_turn = self.agent_turns_taken + 1 >= self.max_agent_turns
        action = self._parse(agent_text, last_turn=last_turn)
        self._trajectory.dialogue_history.append(
            Turn("assistant", agent_text, input=prompt, output=agent_text, model=model)
        )
        self._on_action(action)
        if action.ends_episode:
            self._done = True
            self._ended_by = ENDED_BY_ANSWER if action.answered else ENDED_BY_TURN_LIMIT
            self._finish()
        else:
            self._awaiting_reply = True
            fixed = self._fixed_reply(action)
            if fixed is not None:
                self.observe(fixed)
        return action

    def end(self, reason: str) -> None:
        """End the episode before the agent's next turn, recording ``reason`` as ``ended_by``.

        For events outside the protocol, such as :data:`ENDED_BY_CONTEXT_LIMIT`: the answer is
        what the episode already has (backend: none; frontend: the last page shown, if any).
        """
        if self._trajectory is None:
            raise EpisodeStateError("reset(task) must be called first")
        if self._done:
            raise EpisodeStateError("the episode is over already")
        if self._awaiting_reply:
            raise EpisodeStateError("the person's reply to the previous turn is still missing")
        self._done = True
        self._ended_by = reason
        self._finish()

    def pending_query(self) -> BackendQuery | FrontendQuery | None:
        """What the simulator must answer now, or ``None`` if no simulated reply is needed."""
        if self._done or not self._awaiting_reply:
            return None
        return self._query()

    def observe(self, reply: str) -> str:
        """Record the person's reply (cut to the protocol's limit); returns what was recorded."""
        if not self._awaiting_reply:
            raise EpisodeStateError("no agent turn is waiting for a reply")
        text = protocol.truncate_reply(reply, self.reply_limit)
        self.trajectory.dialogue_history.append(Turn("user", text))
        self._awaiting_reply = False
        return text

    def step(
        self, agent_text: str, *, prompt: str | None = None, model: str | None = None
    ) -> StepResult:
        """One agent turn and, unless the episode ends, the simulated person's reply."""
        action = self.act(agent_text, prompt=prompt, model=model)
        info = self.info(action)
        if self._done:
            return StepResult(observation=None, done=True, info=info)
        query = self.pending_query()
        if query is not None:
            if self.simulator is None:
                raise EpisodeStateError(
                    "this environment has no simulator: record the reply with observe()"
                )
            self.observe(self.simulator.reply_many([query])[0])
        return StepResult(
            observation=self.trajectory.dialogue_history[-1].content, done=False, info=info
        )

    def info(self, action: protocol.AgentAction) -> dict[str, Any]:
        info: dict[str, Any] = {"agent_turn": self.agent_turns_taken}
        if self._done:
            info.update(ended_by=self._ended_by, answer=self.trajectory.answer)
        return info

    # -- kind-specific hooks -------------------------------------------------------------------

    def _on_reset(self) -> None:  # noqa: B027 - optional hook
        pass

    def _on_action(self, action: protocol.AgentAction) -> None:  # noqa: B027 - optional hook
        pass

    def _fixed_reply(self, action: protocol.AgentAction) -> str | None:
        """A reply that needs no simulator (frontend turn without a page)."""
        return None

    def _finish(self) -> None:
        self.trajectory.meta.update(ended_by=self._ended_by, agent_turns=self.agent_turns_taken)

    @abstractmethod
    def _parse(self, agent_text: str, *, last_turn: bool) -> protocol.AgentAction: ...

    @abstractmethod
    def _query(self) -> BackendQuery | FrontendQuery: ...


class BackendEnvironment(ColBenchEnvironment):
    """Backend programming: questions answered from the hidden function, then a code answer."""

    kind = "backend"
    reply_limit = protocol.BACKEND_REPLY_CHARS
    system_prompt_name = "backend_agent_system"

    def _parse(self, agent_text: str, *, last_turn: bool) -> protocol.AgentAction:
        return protocol.parse_backend_turn(agent_text, last_turn=last_turn)

    def _on_action(self, action: protocol.AgentAction) -> None:
        if action.ends_episode:
            self.trajectory.answer = action.answer

    def _query(self) -> BackendQuery:
        shown = self.trajectory.agent_turns[-1].content
        return BackendQuery(
            task=self.task, message=shown, dialogue=tuple(self.trajectory.dialogue_history)
        )


class FrontendEnvironment(ColBenchEnvironment):
    """Frontend design: each page shown is compared with the hidden page by the person."""

    kind = "frontend"
    reply_limit = protocol.FRONTEND_REPLY_CHARS
    system_prompt_name = "frontend_agent_system"

    def _on_reset(self) -> None:
        self._last_html: str | None = None

    def _parse(self, agent_text: str, *, last_turn: bool) -> protocol.AgentAction:
        return protocol.parse_frontend_turn(agent_text, last_turn=last_turn)

    def _on_action(self, action: protocol.AgentAction) -> None:
        if action.html is not None:
            self._last_html = action.html
        # The final answer is the last page shown so far (see protocol's module docstring).
        self.trajectory.answer = self._last_html

    def _fixed_reply(self, action: protocol.AgentAction) -> str | None:
        if action.html is None:
            return render_prompt("frontend_no_page_reply", self.prompts_dir)
        return None

    def _query(self) -> FrontendQuery:
        assert self._last_html is not None  # a turn without a page got the fixed reply
        return FrontendQuery(task=self.task, agent_html=self._last_html)


def make_environment(
    kind: str,
    simulator: BackendSimulator | FrontendSimulator | None = None,
    **kwargs: Any,
) -> ColBenchEnvironment:
    """The environment for a task kind."""
    if kind == "backend":
        return BackendEnvironment(simulator, **kwargs)
    if kind == "frontend":
        return FrontendEnvironment(simulator, **kwargs)
    raise ValueError(f"unknown task kind {kind!r}")
