"""Import task files into the database: all files validated first, then one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from training.colbench.tasks import Task as TaskRecord
from training.colbench.tasks import TaskFormatError, load_tasks
from webapp.trajectories.models import Task


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        return (
            f"{self.total} tasks: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )


def read_task_files(
    paths: Sequence[Path], *, kind: str | None = None, source: str = "duet"
) -> list[TaskRecord]:
    """Parse every file; raise one :class:`TaskFormatError` listing the defects of all of them.

    A task id that appears in two files is a defect too: importing both would silently keep
    whichever came last.
    """
    records: list[TaskRecord] = []
    problems: list[str] = []
    first_seen: dict[str, Path] = {}
    for path in paths:
        try:
            tasks = load_tasks(path, kind=kind, source=source)
        except TaskFormatError as exc:
            problems.extend(exc.problems)
            continue
        for task in tasks:
            if task.id in first_seen:
                problems.append(f"{path}:0: id: {task.id} is also in {first_seen[task.id]}")
                continue
            first_seen[task.id] = path
            records.append(task)
    if problems:
        raise TaskFormatError(problems)
    return records


def import_tasks(
    paths: Sequence[Path], *, kind: str | None = None, source: str = "duet"
) -> ImportReport:
    """Create or update tasks by id. Nothing is written unless every file is valid."""
    records = read_task_files(paths, kind=kind, source=source)
    report = ImportReport()
    with transaction.atomic():
        existing = Task.objects.select_for_update().in_bulk([r.id for r in records])
        for record in records:
            values = Task.fields_from_record(record)
            row = existing.get(record.id)
            if row is None:
                Task.objects.create(id=record.id, **values)
                report.created.append(record.id)
            elif any(getattr(row, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(row, name, value)
                row.save()
                report.updated.append(record.id)
            else:
                report.unchanged.append(record.id)
    return report


def bundled_task_files(root: Path) -> list[Path]:
    """``<root>/<kind>/{train,test}.jsonl`` files that exist, in a stable order."""
    return sorted(
        path for path in root.glob("*/*.jsonl") if path.is_file() and path.stem in {"train", "test"}
    )
