"""``manage.py load_tasks``: idempotent by task id, all-or-nothing, hidden fields kept."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from webapp.trajectories.models import Task

pytestmark = pytest.mark.django_db


def backend_row(task_id: str, **overrides) -> dict:
    row = {
        "id": task_id,
        "problem_description": f"Write a function for {task_id}.",
        "ground_truth": "def f(x):\n    return x * 2\n",
        "test_cases": {"t1": "f(1)", "t2": "f(2)"},
    }
    row.update(overrides)
    return row


def write_jsonl(path: Path, rows: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def load(*paths: Path, **options) -> str:
    out = io.StringIO()
    call_command("load_tasks", *map(str, paths), stdout=out, **options)
    return out.getvalue()


def test_loads_tasks_with_their_hidden_fields(tmp_path):
    path = write_jsonl(tmp_path / "backend" / "train.jsonl", [backend_row("b-1")])
    load(path)
    task = Task.objects.get(id="b-1")
    assert task.kind == "backend"
    assert task.split == "train"
    assert task.ground_truth.startswith("def f(x)")
    assert task.test_cases == {"t1": "f(1)", "t2": "f(2)"}
    assert task.to_record().to_row() == {
        **backend_row("b-1"), "kind": "backend", "split": "train", "source": "duet"
    }  # fmt: skip


def test_loading_the_same_file_twice_changes_nothing(tmp_path):
    path = write_jsonl(tmp_path / "train.jsonl", [backend_row("b-1"), backend_row("b-2")])
    assert "2 created" in load(path)
    assert "0 created, 0 updated, 2 unchanged" in load(path)
    assert Task.objects.count() == 2


def test_a_changed_row_updates_the_task_with_the_same_id(tmp_path):
    path = write_jsonl(tmp_path / "train.jsonl", [backend_row("b-1")])
    load(path)
    write_jsonl(path, [backend_row("b-1", problem_description="Now clearer.")])
    assert "1 updated" in load(path)
    assert Task.objects.get(id="b-1").problem_description == "Now clearer."


def test_official_rows_without_ids_get_stable_ids(tmp_path):
    row = {k: v for k, v in backend_row("x").items() if k != "id"}
    path = write_jsonl(tmp_path / "test.jsonl", [row])
    load(path, source="official")
    load(path, source="official")
    task = Task.objects.get()
    assert task.id.startswith("t-")
    assert (task.split, task.source) == ("test", "official")


def test_one_bad_row_in_any_file_imports_nothing(tmp_path):
    good = write_jsonl(tmp_path / "a" / "train.jsonl", [backend_row("ok-1")])
    bad = write_jsonl(
        tmp_path / "b" / "train.jsonl",
        [backend_row("ok-2"), "{not json", backend_row("bad", test_cases={})],
    )
    with pytest.raises(CommandError) as caught:
        load(good, bad)
    message = str(caught.value)
    assert message.startswith("nothing imported; 2 problem(s):")
    assert f"{bad}:2: row: invalid JSON" in message
    assert f"{bad}:3: test_cases:" in message
    assert Task.objects.count() == 0


def test_the_same_id_in_two_files_is_refused(tmp_path):
    first = write_jsonl(tmp_path / "a" / "train.jsonl", [backend_row("dup")])
    second = write_jsonl(tmp_path / "b" / "train.jsonl", [backend_row("dup")])
    with pytest.raises(CommandError, match="dup is also in"):
        load(first, second)
    assert Task.objects.count() == 0


def test_kind_filter_rejects_other_kinds(tmp_path):
    path = write_jsonl(tmp_path / "train.jsonl", [backend_row("b-1")])
    with pytest.raises(CommandError, match=r"test_cases: .* \(frontend file\)"):
        load(path, kind="frontend")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="file: not found"):
        load(tmp_path / "nope.jsonl")


def test_bundled_sets_load_when_present():
    from training.paths import bundled_tasks_dir
    from webapp.trajectories.importing import bundled_task_files

    files = bundled_task_files(bundled_tasks_dir())
    if not files:
        pytest.skip("no bundled task files yet")
    out = load(bundled=True)
    assert f"loaded {len(files)} file(s)" in out
    assert set(Task.objects.values_list("kind", flat=True)) <= {"backend", "frontend"}
    assert Task.objects.filter(split="test").exists()
