"""Trajectories in the official ColBench JSONL format.

A row is ``{task, dialogue_history: [{role, content, input?, output?}], answer, reward}``.
Agent turns (role ``assistant``) carry ``input``, the exact formatted prompt the model
received, and ``output``, its raw text. Duet may add ``success`` and ``meta`` at the top
level and ``model`` (the model or adapter that produced an agent turn) on a turn; readers
of the official format ignore them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from training.colbench.tasks import Task, TaskFormatError, task_from_row
from training.jsonl import iter_jsonl, write_jsonl

Role = Literal["user", "assistant"]


@dataclass
class Turn:
    role: Role
    content: str
    input: str | None = None
    output: str | None = None
    model: str | None = None

    def to_row(self) -> dict[str, Any]:
        row: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.input is not None:
            row["input"] = self.input
        if self.output is not None:
            row["output"] = self.output
        if self.model is not None:
            row["model"] = self.model
        return row


@dataclass
class Trajectory:
    task: Task
    dialogue_history: list[Turn] = field(default_factory=list)
    answer: str | None = None
    reward: float | None = None
    success: bool | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def agent_turns(self) -> list[Turn]:
        return [turn for turn in self.dialogue_history if turn.role == "assistant"]

    def to_row(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "task": self.task.to_row(),
            "dialogue_history": [turn.to_row() for turn in self.dialogue_history],
            "answer": self.answer,
            "reward": self.reward,
        }
        if self.success is not None:
            row["success"] = self.success
        if self.meta:
            row["meta"] = self.meta
        return row


def trajectory_from_row(row: Any, *, where: str) -> tuple[Trajectory | None, list[str]]:
    if not isinstance(row, dict):
        return None, [f"{where}: row: expected a JSON object"]
    problems: list[str] = []
    task, task_problems = task_from_row(row.get("task"), where=where)
    problems.extend(p.replace(f"{where}: ", f"{where}: task.", 1) for p in task_problems)
    history = row.get("dialogue_history")
    turns: list[Turn] = []
    if not isinstance(history, list) or not history:
        problems.append(f"{where}: dialogue_history: must be a non-empty list")
    else:
        for index, item in enumerate(history):
            at = f"{where}: dialogue_history[{index}]"
            if not isinstance(item, dict):
                problems.append(f"{at}: expected an object")
                continue
            role, content = item.get("role"), item.get("content")
            if role not in ("user", "assistant"):
                problems.append(f"{at}.role: must be 'user' or 'assistant', got {role!r}")
                continue
            if not isinstance(content, str):
                problems.append(f"{at}.content: must be a string")
                continue
            for key in ("input", "output", "model"):
                if item.get(key) is not None and not isinstance(item[key], str):
                    problems.append(f"{at}.{key}: must be a string")
            turns.append(
                Turn(role, content, item.get("input"), item.get("output"), item.get("model"))
            )
    answer = row.get("answer")
    if answer is not None and not isinstance(answer, str):
        problems.append(f"{where}: answer: must be a string or null")
    reward = row.get("reward")
    if reward is not None and (isinstance(reward, bool) or not isinstance(reward, (int, float))):
        problems.append(f"{where}: reward: must be a number or null")
    if problems or task is None:
        return None, problems
    meta = row.get("meta") if isinstance(row.get("meta"), dict) else {}
    return Trajectory(
        task=task,
        dialogue_history=turns,
        answer=answer,
        reward=None if reward is None else float(reward),
        success=row.get("success") if isinstance(row.get("success"), bool) else None,
        meta=meta,
    ), []


def load_trajectory_rows(path: str | Path) -> list[tuple[dict[str, Any], Trajectory]]:
    """Each row of a trajectory file as read, with its parsed trajectory, in file order.

    For writers that must give a row back with every field they do not own kept as it was (a
    :class:`Trajectory` holds only the fields Duet knows). All-or-nothing like
    :func:`load_trajectories`.
    """
    path = Path(path)
    if not path.is_file():
        raise TaskFormatError([f"{path}:0: file: not found"])
    out: list[tuple[dict[str, Any], Trajectory]] = []
    problems: list[str] = []
    for number, row, error in iter_jsonl(path):
        where = f"{path}:{number}"
        if error:
            problems.append(f"{where}: row: {error}")
            continue
        trajectory, row_problems = trajectory_from_row(row, where=where)
        problems.extend(row_problems)
        if trajectory is not None:
            out.append((row, trajectory))
    if problems:
        raise TaskFormatError(problems)
    return out


def load_trajectories(path: str | Path) -> list[Trajectory]:
    """Load a trajectory file. All-or-nothing; raises :class:`TaskFormatError` on any defect."""
    return [trajectory for _, trajectory in load_trajectory_rows(path)]


def write_trajectories(path: str | Path, trajectories: Iterable[Trajectory]) -> int:
    """Write trajectories as JSONL (atomically). Returns the number written."""
    return write_jsonl(path, (trajectory.to_row() for trajectory in trajectories))
