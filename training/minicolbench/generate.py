"""Generate MiniColBench task sets, deterministically from a seed.

Each family's detail combinations are numbered (:meth:`Family.combination`); per family, one
seeded sample without replacement is drawn and its first part becomes the test split, the rest
the train split, so no detail combination is in both. Families named in ``holdout_families``
go to the test split only (held-out families; report them apart, see :func:`split_families`).
Every task is an official ColBench backend row with Duet's ``id``/``split``/``source`` keys:
``id`` is ``mcb-<split>-<family>-<number>`` and ``source`` is ``minicolbench``.
"""

from __future__ import annotations

import ast
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from training.colbench.mutation import hidden_details, mutate_at
from training.colbench.tasks import Task, write_task_splits
from training.colbench.validation import BackendRules
from training.minicolbench.families import (
    FAMILIES,
    SIGNATURE,
    Family,
    TestsNotFound,
    choose_tests,
    family_for_description,
    family_named,
    test_call,
)

SOURCE = "minicolbench"
MIN_MUTATION_DETAILS = BackendRules().min_details_that_matter


@dataclass(frozen=True)
class MiniTask:
    """A generated task with what produced it (the family and its detail values)."""

    task: Task
    family: Family
    values: dict[str, Any]


def _run(source: str, calls: dict[str, str]) -> list[Any]:
    """Outputs of ``calls`` against ``source`` (our own generated code, or a mutant of it)."""
    namespace: dict[str, Any] = {}
    try:
        exec(compile(source, "<minicolbench>", "exec"), namespace)
    except Exception:
        return [_FAILED] * len(calls)
    out = []
    for call in calls.values():
        try:
            out.append(eval(call, dict(namespace)))
        except Exception:
            out.append(_FAILED)
    return out


_FAILED = object()


def mutation_details_that_matter(source: str, calls: dict[str, str]) -> int:
    """How many of the validator's single-detail mutants (:mod:`training.colbench.mutation`,
    with the validator's own seeds) change some test output; validation needs two."""
    truth = _run(source, calls)
    count = 0
    for detail in hidden_details(source):
        mutant = _run(mutate_at(source, [detail.index], random.Random(detail.index)), calls)
        if any(m is _FAILED or m != t for m, t in zip(mutant, truth, strict=True)):
            count += 1
    return count


def make_task(
    family: Family, values: dict[str, Any], *, task_id: str, split: str, rng: random.Random
) -> Task:
    """One official backend task for ``family`` with these detail values.

    Raises :class:`TestsNotFound` when no 10 candidate inputs tell every wrong value apart, or
    when fewer than :data:`MIN_MUTATION_DETAILS` of the validator's mutants change a test."""
    tests = choose_tests(family, values, rng)
    calls = {f"test{i + 1}": test_call(family, values, a) for i, a in enumerate(tests)}
    source = family.source(values)
    if mutation_details_that_matter(source, calls) < MIN_MUTATION_DETAILS:
        raise TestsNotFound(f"{task_id}: the validator's mutants would not change the tests")
    return Task(
        id=task_id,
        kind="backend",
        problem_description=family.description,
        ground_truth=source,
        test_cases=calls,
        split=split,
        source=SOURCE,
    )


def _shares(total: int, families: Sequence[Family]) -> dict[str, int]:
    """``total`` spread as evenly as possible over ``families`` (first families get the rest)."""
    base, rest = divmod(total, len(families)) if families else (0, 0)
    return {f.name: base + (1 if i < rest else 0) for i, f in enumerate(families)}


def generate(
    seed: int,
    n_train: int,
    n_test: int,
    *,
    families: Sequence[str] | None = None,
    holdout_families: Sequence[str] = (),
) -> list[MiniTask]:
    """``n_train`` train and ``n_test`` test tasks, spread evenly over the families.

    ``families`` restricts the set (default: all of :data:`FAMILIES`); ``holdout_families`` are
    used for test tasks only, and take their even share of ``n_test`` like the others. The same
    arguments always give the same tasks, in the same order (train first, then test).
    """
    chosen = [family_named(n) for n in families] if families else list(FAMILIES)
    for name in holdout_families:
        if family_named(name) not in chosen:
            raise ValueError(f"held-out family {name!r} is not among the families generated")
    train_families = [f for f in chosen if f.name not in holdout_families]
    train_share = _shares(n_train, train_families)
    test_share = _shares(n_test, chosen)
    out: dict[str, list[MiniTask]] = {"train": [], "test": []}
    for family in chosen:
        rng = random.Random(f"minicolbench:{seed}:{family.name}")
        wanted = {"test": test_share[family.name], "train": train_share.get(family.name, 0)}
        need = wanted["test"] + wanted["train"]
        if need > family.space_size:
            raise ValueError(
                f"family {family.name} has {family.space_size} detail combinations; "
                f"{need} tasks asked of it"
            )
        order = rng.sample(range(family.space_size), family.space_size)
        made = {"test": 0, "train": 0}
        position = 0
        for split in ("test", "train"):
            while made[split] < wanted[split]:
                if position >= len(order):
                    raise ValueError(f"family {family.name}: ran out of usable combinations")
                values = family.combination(order[position])
                position += 1
                task_id = f"mcb-{split}-{family.name}-{made[split]:05d}"
                try:
                    task = make_task(family, values, task_id=task_id, split=split, rng=rng)
                except TestsNotFound:
                    continue  # no 10 tests tell this combination's details apart: skip it
                out[split].append(MiniTask(task, family, values))
                made[split] += 1
    return out["train"] + out["test"]


def write_splits(tasks: Iterable[MiniTask | Task], out_dir: str | Path) -> dict[str, Path]:
    """Write ``train.jsonl`` and ``test.jsonl`` (official rows) under ``out_dir``; each file
    is read back with the project's loader. Returns the path of each split written."""
    plain = [t.task if isinstance(t, MiniTask) else t for t in tasks]
    counts = write_task_splits(plain, out_dir, kind="backend")
    return {split: Path(out_dir) / f"{split}.jsonl" for split in counts}


# ------------------------------------------------------------------------------ reading back


def task_family(task: Task) -> Family:
    """The family of a MiniColBench task (from its public description)."""
    family = family_for_description(task.problem_description)
    if family is None:
        raise ValueError(f"task {task.id} is not a MiniColBench task")
    return family


def task_values(task: Task) -> dict[str, Any]:
    """The hidden detail values of a MiniColBench task, read from its ground truth."""
    family = task_family(task)
    function = ast.parse(task.ground_truth).body[0]
    assert isinstance(function, ast.FunctionDef)
    names = set(family.detail_names)
    constants = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in function.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id in names
    }
    values: dict[str, Any] = {}
    for detail in family.details:
        if detail.name == SIGNATURE:
            values[SIGNATURE] = (function.name, tuple(a.arg for a in function.args.args))
        else:
            values[detail.name] = constants[detail.name]
    return values


def split_families(tasks: Iterable[Task]) -> dict[str, set[str]]:
    """Which families each split holds: a test family absent from train is held out."""
    found: dict[str, set[str]] = {}
    for task in tasks:
        found.setdefault(task.split, set()).add(task_family(task).name)
    return found
