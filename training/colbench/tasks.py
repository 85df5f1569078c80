"""ColBench tasks and their official JSONL format.

Official backend rows are ``{problem_description, ground_truth, test_cases}``; frontend rows are
``{problem_description, ground_truth}`` where the ground truth is a whole HTML page. Duet's bundled
files add optional ``id``, ``split`` and ``source`` keys; official files load without them.

A file holds tasks of one kind, and the kind of a file is decided once for the whole file
(:func:`file_kind`): an explicit kind (``duet validate-tasks --kind``, importers) first; else the
file's directory when it is named ``backend`` or ``frontend`` (Duet's ``data/colbench/<kind>/``
layout); else the kind most of its rows have, each row's declared ``kind`` or, for official rows
that declare none, backend when it has ``test_cases`` (a tie goes to the first row's kind). Every
row is then read as a task of that kind: a row declaring the other kind, or missing a field the
kind needs, is a problem naming the field (``file:line: test_cases: missing (backend file)``).

Loading is all-or-nothing: every malformed row is reported as ``file:line: field: reason`` and
nothing is returned unless the whole file is valid (:func:`read_task_file` is the form that keeps
the valid rows beside the problems, for validators).
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


def row_kind(row: dict[str, Any]) -> str:
    """The kind a row has on its own: its declared ``kind``, else its shape (official rows)."""
    declared = row.get("kind")
    return declared if declared in TASK_KINDS else _infer_kind(row)


def file_kind(path: Path, rows: Iterable[Any], kind: str | None = None) -> tuple[str, str]:
    """The kind of a task file and what decided it (``"given"``, ``"directory"`` or ``"rows"``).

    See the module docstring for the rule; ``rows`` are the decoded rows (non-objects ignored).
    """
    if kind is not None:
        if kind not in TASK_KINDS:
            raise ValueError(f"unknown task kind {kind!r}")
        return kind, "given"
    if path.parent.name in TASK_KINDS:
        return path.parent.name, "directory"
    kinds = [row_kind(row) for row in rows if isinstance(row, dict)]
    if not kinds:
        return TASK_KINDS[0], "rows"
    counts = {name: kinds.count(name) for name in TASK_KINDS}
    best = max(counts.values())
    tied = {name for name, count in counts.items() if count == best}
    return (kinds[0] if kinds[0] in tied else min(tied)), "rows"


def _test_case_problems(row: dict[str, Any], kind: str, where: str, note: str) -> list[str]:
    """``test_cases`` of a row read as a ``kind`` task; ``note`` ends "missing"-style problems."""
    if kind == "frontend":
        if row.get("test_cases"):
            return [f"{where}: test_cases: frontend tasks carry no test cases{note}"]
        return []
    if "test_cases" not in row:
        return [f"{where}: test_cases: missing{note}"]
    test_cases = row["test_cases"]
    if not isinstance(test_cases, dict) or not test_cases:
        return [f"{where}: test_cases: must be a non-empty object of name -> call"]
    return [
        f"{where}: test_cases.{name}: call must be a non-empty string"
        for name, call in test_cases.items()
        if not isinstance(call, str) or not call.strip()
    ]


def task_from_row(
    row: Any,
    *,
    where: str,
    default_split: str = "train",
    source: str = "duet",
    kind: str | None = None,
) -> tuple[Task | None, list[str]]:
    """Validate one decoded row. Returns the task, or ``None`` and the problems found.

    ``kind`` is the kind of the file the row is in (see :func:`file_kind`): the row is read as a
    task of that kind. Without it (a task embedded in a trajectory) the row's own kind counts.
    """
    if not isinstance(row, dict):
        return None, [f"{where}: row: expected a JSON object, got {type(row).__name__}"]
    problems: list[str] = []
    declared = row.get("kind")
    if declared is not None and declared not in TASK_KINDS:
        problems.append(f"{where}: kind: must be one of {', '.join(TASK_KINDS)}, got {declared!r}")
    elif kind is not None and declared is not None and declared != kind:
        problems.append(f"{where}: kind: {declared} row in a {kind} file")
    task_kind = kind or row_kind(row)
    for key in ("problem_description", "ground_truth"):
        value = row.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: {key}: missing or not a non-empty string")
    note = f" ({kind} file)" if kind is not None else ""
    problems.extend(_test_case_problems(row, task_kind, where, note))
    for key in ("id", "split", "source"):
        if key in row and not isinstance(row[key], str):
            problems.append(f"{where}: {key}: must be a string")
    if problems:
        return None, problems
    task = Task(
        id=row.get("id") or task_id_for(row["problem_description"], row["ground_truth"]),
        kind=task_kind,
        problem_description=row["problem_description"],
        ground_truth=row["ground_truth"],
        test_cases=dict(row.get("test_cases") or {}) if task_kind == "backend" else {},
        split=row.get("split") or default_split,
        source=row.get("source") or source,
    )
    return task, []


def _default_split(path: Path) -> str:
    stem = path.name.split(".")[0]
    return stem if stem in {"train", "test", "validation", "dev"} else "train"


@dataclass
class TaskFile:
    """A task file as read: its kind, the valid tasks with their line numbers, every problem."""

    path: Path
    kind: str
    kind_from: str
    """What decided the kind: ``"given"``, ``"directory"`` or ``"rows"`` (see :func:`file_kind`)."""
    tasks: list[tuple[int, Task]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_task_file(path: str | Path, *, kind: str | None = None, source: str = "duet") -> TaskFile:
    """Read a task file, keeping the valid rows and every problem (nothing raised for content).

    ``kind`` overrides the file's kind (see :func:`file_kind`). A missing or empty file is a
    ``file:0`` problem.
    """
    path = Path(path)
    if not path.is_file():
        missing = [f"{path}:0: file: not found"]
        return TaskFile(path, kind or TASK_KINDS[0], "given" if kind else "rows", [], missing)
    lines = list(iter_jsonl(path))
    the_kind, kind_from = file_kind(path, (row for _, row, error in lines if not error), kind)
    result = TaskFile(path, the_kind, kind_from)
    split = _default_split(path)
    seen: dict[str, int] = {}
    for number, row, error in lines:
        where = f"{path}:{number}"
        if error:
            result.problems.append(f"{where}: row: {error}")
            continue
        task, row_problems = task_from_row(
            row, where=where, default_split=split, source=source, kind=the_kind
        )
        result.problems.extend(row_problems)
        if task is None:
            continue
        if task.id in seen:
            result.problems.append(f"{where}: id: duplicate of line {seen[task.id]} ({task.id})")
            continue
        seen[task.id] = number
        result.tasks.append((number, task))
    if not lines:
        result.problems.append(f"{path}:0: file: contains no tasks")
    return result


def load_tasks(path: str | Path, *, kind: str | None = None, source: str = "duet") -> list[Task]:
    """Load a task file (official or Duet JSONL). Raises :class:`TaskFormatError` on any defect.

    ``kind`` (backend or frontend) overrides the file's own kind; see the module docstring.
    """
    read = read_task_file(path, kind=kind, source=source)
    if read.problems:
        raise TaskFormatError(read.problems)
    return [task for _, task in read.tasks]


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
