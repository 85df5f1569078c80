"""ColBench tasks and their official JSONL format.

Official backend rows are ``{problem_description, ground_truth, test_cases}``; frontend rows are
``{problem_description, ground_truth}`` where the ground truth is a whole HTML page. Duet's bundled
files add optional ``id``, ``split`` and ``source`` keys; official files load without them.

Loading is all-or-nothing: every malformed row is reported as ``file:line: field: reason`` and
nothing is returned unless the whole file is valid.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from training.jsonl import iter_jsonl, write_jsonl

TaskKind = Literal["backend", "frontend"]
TASK_KINDS: tuple[str, ...] = ("backend", "frontend")


@dataclass(frozen=True)
class Task:
    """One collaborative task. ``ground_truth`` and ``test_cases`` are hidden from the agent."""

    id: str
    kind: TaskKind
    problem_description: str
    ground_truth: str
    test_cases: dict[str, str] = field(default_factory=dict)
    split: str = "train"
    source: str = "duet"

    def to_row(self, *, with_meta: bool = True) -> dict[str, Any]:
        """The official JSONL row; ``with_meta`` adds Duet's ``id``/``split``/``source`` keys."""
        row: dict[str, Any] = {
            "problem_description": self.problem_description,
            "ground_truth": self.ground_truth,
        }
        if self.kind == "backend":
            row["test_cases"] = dict(self.test_cases)
        if with_meta:
            row.update(id=self.id, kind=self.kind, split=self.split, source=self.source)
        return row


class TaskFormatError(ValueError):
    """A malformed file. ``problems`` holds one ``file:line: field: reason`` string per defect."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:20]
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__("\n".join(shown) + more)


def task_id_for(problem_description: str, ground_truth: str) -> str:
    """A stable id for rows that carry none (official files)."""
    digest = hashlib.sha1(f"{problem_description}\0{ground_truth}".encode()).hexdigest()
    return f"t-{digest[:12]}"


def _infer_kind(row: dict[str, Any]) -> str:
    if "test_cases" in row:
        return "backend"
    return "frontend"


def task_from_row(
    row: Any, *, where: str, default_split: str = "train", source: str = "duet"
) -> tuple[Task | None, list[str]]:
    """Validate one decoded row. Returns the task, or ``None`` and the problems found."""
    if not isinstance(row, dict):
        return None, [f"{where}: row: expected a JSON object, got {type(row).__name__}"]
    problems: list[str] = []
    kind = row.get("kind") or _infer_kind(row)
    if kind not in TASK_KINDS:
        problems.append(f"{where}: kind: must be one of {', '.join(TASK_KINDS)}, got {kind!r}")
    for key in ("problem_description", "ground_truth"):
        value = row.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: {key}: missing or not a non-empty string")
    test_cases = row.get("test_cases", {})
    if kind == "backend":
        if not isinstance(test_cases, dict) or not test_cases:
            problems.append(f"{where}: test_cases: must be a non-empty object of name -> call")
        else:
            for name, call in test_cases.items():
                if not isinstance(call, str) or not call.strip():
                    problems.append(f"{where}: test_cases.{name}: call must be a non-empty string")
    elif test_cases:
        problems.append(f"{where}: test_cases: frontend tasks carry no test cases")
    for key in ("id", "split", "source"):
        if key in row and not isinstance(row[key], str):
            problems.append(f"{where}: {key}: must be a string")
    if problems:
        return None, problems
    task = Task(
        id=row.get("id") or task_id_for(row["problem_description"], row["ground_truth"]),
        kind=kind,
        problem_description=row["problem_description"],
        ground_truth=row["ground_truth"],
        test_cases=dict(test_cases) if kind == "backend" else {},
        split=row.get("split") or default_split,
        source=row.get("source") or source,
    )
    return task, []


def _default_split(path: Path) -> str:
    stem = path.name.split(".")[0]
    return stem if stem in {"train", "test", "validation", "dev"} else "train"


def load_tasks(path: str | Path, *, kind: str | None = None, source: str = "duet") -> list[Task]:
    """Load a task file (official or Duet JSONL). Raises :class:`TaskFormatError` on any defect."""
    path = Path(path)
    if not path.is_file():
        raise TaskFormatError([f"{path}:0: file: not found"])
    split = _default_split(path)
    tasks: list[Task] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, row, error in iter_jsonl(path):
        where = f"{path}:{number}"
        if error:
            problems.append(f"{where}: row: {error}")
            continue
        task, row_problems = task_from_row(row, where=where, default_split=split, source=source)
        problems.extend(row_problems)
        if task is None:
            continue
        if kind is not None and task.kind != kind:
            problems.append(f"{where}: kind: expected {kind} task, got {task.kind}")
            continue
        if task.id in seen:
            problems.append(f"{where}: id: duplicate of line {seen[task.id]} ({task.id})")
            continue
        seen[task.id] = number
        tasks.append(task)
    if problems:
        raise TaskFormatError(problems)
    if not tasks:
        raise TaskFormatError([f"{path}:0: file: contains no tasks"])
    return tasks


def write_tasks(path: str | Path, tasks: Iterable[Task], *, with_meta: bool = True) -> int:
    """Write tasks as JSONL (atomically). Returns the number written."""
    return write_jsonl(path, (task.to_row(with_meta=with_meta) for task in tasks))


def write_task_splits(tasks: Iterable[Task], out_dir: str | Path, *, kind: str) -> dict[str, int]:
    """Write ``<split>.jsonl`` under ``out_dir`` for each split present; returns rows per split.

    Each file is loaded back with :func:`load_tasks`, so a set that the loader would reject fails
    here, at build time, rather than when a user imports it.
    """
    tasks = list(tasks)
    out_dir = Path(out_dir)
    counts: dict[str, int] = {}
    for split in sorted({task.split for task in tasks}):
        path = out_dir / f"{split}.jsonl"
        counts[split] = write_tasks(path, [task for task in tasks if task.split == split])
        load_tasks(path, kind=kind)
    return counts
