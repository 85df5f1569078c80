"""Build data/colbench/backend/{train,test}.jsonl from the authoring modules in this folder.

Every ``backend_*.py`` module here defines ``TASKS``: a list of ``{id, request, ground_truth,
tests}`` dicts (see README.md). Rows are sorted by id, the split comes from the id prefix
(``be-train-`` / ``be-test-``), and the files are written through ``write_tasks`` so they use the
same serialisation as every other Duet task file. The built files are then re-read with
``load_tasks`` so a malformed row fails the build, not a later training run.

Run from anywhere: ``.venv/bin/python data/colbench/authoring/build.py [--out DIR]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

AUTHORING_DIR = Path(__file__).resolve().parent
REPO_ROOT = AUTHORING_DIR.parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from training.colbench.tasks import Task, write_task_splits  # noqa: E402

SPLIT_PREFIXES = {"be-train-": "train", "be-test-": "test"}
REQUIRED_KEYS = ("id", "request", "ground_truth", "tests")


class AuthoringError(ValueError):
    """An authoring entry that cannot become a task row."""


def _load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"duet_authoring_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise AuthoringError(f"{path}: cannot import")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def split_for(task_id: str) -> str:
    for prefix, split in SPLIT_PREFIXES.items():
        if task_id.startswith(prefix):
            return split
    raise AuthoringError(f"id {task_id!r}: must start with one of {', '.join(SPLIT_PREFIXES)}")


def task_from_entry(entry: dict[str, Any], *, origin: str) -> Task:
    """Turn one authoring dict into a backend :class:`Task` (tests named test1..testN)."""
    missing = [key for key in REQUIRED_KEYS if key not in entry]
    if missing:
        raise AuthoringError(f"{origin}: missing {', '.join(missing)}")
    tests = entry["tests"]
    if not isinstance(tests, list) or not all(isinstance(call, str) for call in tests):
        raise AuthoringError(f"{origin} {entry['id']}: tests must be a list of call strings")
    return Task(
        id=entry["id"],
        kind="backend",
        problem_description=" ".join(entry["request"].split()),
        ground_truth=textwrap.dedent(entry["ground_truth"]).strip("\n"),
        test_cases={f"test{number}": call for number, call in enumerate(tests, start=1)},
        split=split_for(entry["id"]),
        source="duet",
    )


def collect_tasks(authoring_dir: Path = AUTHORING_DIR) -> list[Task]:
    """All backend tasks of every ``backend_*.py`` module, sorted by id; ids must be unique."""
    tasks: list[Task] = []
    origins: dict[str, str] = {}
    for path in sorted(authoring_dir.glob("backend_*.py")):
        module = _load_module(path)
        entries = getattr(module, "TASKS", None)
        if not isinstance(entries, list):
            raise AuthoringError(f"{path}: must define TASKS as a list")
        for index, entry in enumerate(entries):
            task = task_from_entry(entry, origin=f"{path.name}[{index}]")
            if task.id in origins:
                raise AuthoringError(f"{path.name}: id {task.id} also in {origins[task.id]}")
            origins[task.id] = path.name
            tasks.append(task)
    return sorted(tasks, key=lambda task: task.id)


def build(out_dir: Path) -> dict[str, int]:
    """Write one JSONL file per split under ``out_dir``; returns rows written per split."""
    return write_task_splits(collect_tasks(), out_dir, kind="backend")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO_ROOT / "data" / "colbench" / "backend",
        help="output folder (default: data/colbench/backend)",
    )
    args = parser.parse_args(argv)
    try:
        counts = build(args.out)
    except AuthoringError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for split, count in counts.items():
        print(f"{args.out / (split + '.jsonl')}: {count} tasks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
