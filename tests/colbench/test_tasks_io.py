"""Task and trajectory files load exactly, name every bad row, and never half-load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training.colbench.tasks import (
    Task,
    TaskFormatError,
    load_tasks,
    read_task_file,
    task_id_for,
    write_task_splits,
    write_tasks,
)
from training.colbench.trajectories import (
    Trajectory,
    Turn,
    load_trajectories,
    write_trajectories,
)

# Copies of the official-format examples shared by the whole team (one row each).
EXAMPLES = Path(__file__).resolve().parent / "examples"
REPO_EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "colbench" / "backend"

BACKEND_ROW = {
    "problem_description": "I want a python function that rounds prices.",
    "ground_truth": "def price(x):\n    return round(x, 1)",
    "test_cases": {"test1": "price(1.25)", "test2": "price(3)"},
}
FRONTEND_ROW = {
    "problem_description": "I want a landing page for my bakery.",
    "ground_truth": "<html><head></head><body class='p-4'>Bread</body></html>",
}


def write_lines(path: Path, rows: list[object]) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def example(name: str) -> Path:
    return EXAMPLES / name


def problems_of(path: Path, loader=load_tasks) -> list[str]:
    with pytest.raises(TaskFormatError) as caught:
        loader(path)
    return caught.value.problems


# ---------------------------------------------------------------------------------- tasks


def test_official_backend_row_loads_with_a_stable_id_and_split_from_file_name(tmp_path):
    path = write_lines(tmp_path / "test.jsonl", [BACKEND_ROW])
    (task,) = load_tasks(path)
    assert task.kind == "backend"
    assert task.split == "test"
    assert task.id == task_id_for(BACKEND_ROW["problem_description"], BACKEND_ROW["ground_truth"])
    assert task.test_cases == BACKEND_ROW["test_cases"]
    assert load_tasks(path)[0].id == task.id


def test_row_without_test_cases_is_a_frontend_task(tmp_path):
    (task,) = load_tasks(write_lines(tmp_path / "pages.jsonl", [FRONTEND_ROW]))
    assert task.kind == "frontend"
    assert task.test_cases == {}


def test_missing_ground_truth_is_reported_with_file_line_and_field(tmp_path):
    row = dict(BACKEND_ROW, ground_truth="  ")
    path = write_lines(tmp_path / "train.jsonl", [BACKEND_ROW | {"id": "a"}, row])
    assert problems_of(path) == [
        f"{path}:2: ground_truth: missing or not a non-empty string",
    ]


def test_invalid_json_line_is_reported_with_its_line_number(tmp_path):
    path = write_lines(tmp_path / "train.jsonl", [BACKEND_ROW, "{not json"])
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:2: row: invalid JSON")


def test_blank_lines_are_skipped_but_counted_in_line_numbers(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_text("\n" + json.dumps(BACKEND_ROW) + "\n\n" + json.dumps([1]) + "\n")
    assert problems_of(path) == [f"{path}:4: row: expected a JSON object, got list"]


def test_one_bad_row_loads_nothing_and_every_defect_is_listed(tmp_path):
    rows = [
        BACKEND_ROW,
        dict(BACKEND_ROW, test_cases={}),
        dict(BACKEND_ROW, test_cases={"test1": ""}, id=7),
    ]
    path = write_lines(tmp_path / "train.jsonl", rows)
    assert problems_of(path) == [
        f"{path}:2: test_cases: must be a non-empty object of name -> call",
        f"{path}:3: test_cases.test1: call must be a non-empty string",
        f"{path}:3: id: must be a string",
    ]


def test_duplicate_ids_name_the_first_line(tmp_path):
    rows = [BACKEND_ROW | {"id": "x"}, dict(BACKEND_ROW, problem_description="other", id="x")]
    path = write_lines(tmp_path / "train.jsonl", rows)
    assert problems_of(path) == [f"{path}:2: id: duplicate of line 1 (x)"]


def test_frontend_row_with_test_cases_is_rejected(tmp_path):
    row = dict(FRONTEND_ROW, kind="frontend", test_cases={"t": "f()"})
    path = write_lines(tmp_path / "train.jsonl", [row])
    assert problems_of(path) == [
        f"{path}:1: test_cases: frontend tasks carry no test cases (frontend file)"
    ]


def test_a_given_kind_reads_every_row_as_that_kind(tmp_path):
    path = write_lines(tmp_path / "train.jsonl", [FRONTEND_ROW])
    with pytest.raises(TaskFormatError) as caught:
        load_tasks(path, kind="backend")
    assert caught.value.problems == [f"{path}:1: test_cases: missing (backend file)"]


# ------------------------------------------------------------------------------ file kind


def test_a_row_without_test_cases_in_a_backend_directory_is_missing_them(tmp_path):
    (tmp_path / "backend").mkdir()
    path = write_lines(tmp_path / "backend" / "test.jsonl", [BACKEND_ROW, FRONTEND_ROW])
    assert problems_of(path) == [f"{path}:2: test_cases: missing (backend file)"]


def test_a_row_with_test_cases_in_a_frontend_directory_is_a_problem(tmp_path):
    (tmp_path / "frontend").mkdir()
    path = write_lines(tmp_path / "frontend" / "test.jsonl", [FRONTEND_ROW, BACKEND_ROW])
    assert problems_of(path) == [
        f"{path}:2: test_cases: frontend tasks carry no test cases (frontend file)"
    ]


def test_outside_a_kind_directory_most_rows_decide_the_kind(tmp_path):
    other = dict(BACKEND_ROW, problem_description="I want a function that rounds down.")
    path = write_lines(tmp_path / "official.jsonl", [BACKEND_ROW, FRONTEND_ROW, other])
    assert problems_of(path) == [f"{path}:2: test_cases: missing (backend file)"]


def test_a_tie_between_kinds_goes_to_the_first_rows_kind(tmp_path):
    path = write_lines(tmp_path / "official.jsonl", [FRONTEND_ROW, BACKEND_ROW])
    assert problems_of(path) == [
        f"{path}:2: test_cases: frontend tasks carry no test cases (frontend file)"
    ]


def test_a_row_declaring_the_other_kind_is_a_problem_naming_kind(tmp_path):
    (tmp_path / "backend").mkdir()
    row = dict(BACKEND_ROW, kind="frontend", test_cases={})
    path = write_lines(tmp_path / "backend" / "train.jsonl", [BACKEND_ROW, row])
    assert problems_of(path) == [
        f"{path}:2: kind: frontend row in a backend file",
        f"{path}:2: test_cases: must be a non-empty object of name -> call",
    ]


def test_every_row_missing_a_field_of_the_file_kind_is_reported(tmp_path):
    rows = [BACKEND_ROW, *(dict(FRONTEND_ROW, problem_description=f"p{i}") for i in range(3))]
    path = write_lines(tmp_path / "official.jsonl", rows)
    assert problems_of(path, lambda p: load_tasks(p, kind="backend")) == [
        f"{path}:{line}: test_cases: missing (backend file)" for line in (2, 3, 4)
    ]


def test_read_task_file_keeps_the_valid_rows_with_their_lines_beside_the_problems(tmp_path):
    (tmp_path / "backend").mkdir()
    path = write_lines(tmp_path / "backend" / "train.jsonl", ["", FRONTEND_ROW, BACKEND_ROW])
    read = read_task_file(path)
    assert (read.kind, read.kind_from) == ("backend", "directory")
    assert [(line, task.kind) for line, task in read.tasks] == [(3, "backend")]
    assert read.problems == [f"{path}:2: test_cases: missing (backend file)"]


def test_missing_and_empty_files_are_errors(tmp_path):
    assert problems_of(tmp_path / "nope.jsonl") == [f"{tmp_path / 'nope.jsonl'}:0: file: not found"]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    assert problems_of(empty) == [f"{empty}:0: file: contains no tasks"]


def test_shared_backend_example_round_trips_unchanged(tmp_path):
    source = example("backend_task.jsonl")
    tasks = load_tasks(source)
    out = tmp_path / "out.jsonl"
    write_tasks(out, tasks, with_meta=False)
    original = [json.loads(line) for line in source.read_text().splitlines() if line.strip()]
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert written == original
    assert load_tasks(out) == tasks


def test_written_meta_keys_survive_a_round_trip(tmp_path):
    task = Task("be-x-1", "backend", "desc", "def f():\n    return 1", {"t1": "f()"}, "test", "me")
    path = tmp_path / "tasks.jsonl"
    assert write_tasks(path, [task]) == 1
    assert load_tasks(path) == [task]
    assert not list(tmp_path.glob("*.tmp"))


def test_bundled_backend_files_load_with_their_ids_and_splits():
    for split, count in (("train", 100), ("test", 20)):
        tasks = load_tasks(REPO_EXAMPLES / f"{split}.jsonl", kind="backend")
        assert len(tasks) == count
        assert {task.split for task in tasks} == {split}
        assert all(task.id.startswith(f"be-{split}-") for task in tasks)
        assert all(len(task.test_cases) == 10 for task in tasks)


# ---------------------------------------------------------------------------------- trajectories


def test_shared_trajectory_example_round_trips_unchanged(tmp_path):
    source = example("backend_trajectory.jsonl")
    (trajectory,) = load_trajectories(source)
    assert [turn.role for turn in trajectory.dialogue_history] == [
        "user",
        "assistant",
        "user",
        "assistant",
    ]
    assert all(turn.input and turn.output for turn in trajectory.agent_turns)
    out = tmp_path / "out.jsonl"
    write_trajectories(out, [trajectory])
    original = json.loads(source.read_text().splitlines()[0])
    written = json.loads(out.read_text().splitlines()[0])
    # Duet adds its id/kind/split/source keys to the embedded task; everything else is identical.
    assert {k: v for k, v in written["task"].items() if k in original["task"]} == original["task"]
    assert {k: v for k, v in written.items() if k != "task"} == {
        k: v for k, v in original.items() if k != "task"
    }
    assert load_trajectories(out) == [trajectory]


def test_duet_extras_on_trajectories_round_trip(tmp_path):
    task = Task("t1", "backend", "desc", "def f():\n    return 1", {"t1": "f()"})
    trajectory = Trajectory(
        task,
        [Turn("user", "hi"), Turn("assistant", "I WANT TO ANSWER: x", "prompt", "raw", "v3")],
        answer="x",
        reward=0.5,
        success=False,
        meta={"seed": 3},
    )
    path = tmp_path / "t.jsonl"
    write_trajectories(path, [trajectory])
    assert load_trajectories(path) == [trajectory]


def test_malformed_trajectory_rows_name_file_line_and_field(tmp_path):
    good = json.loads(example("backend_trajectory.jsonl").read_text().splitlines()[0])
    bad_role = json.loads(json.dumps(good))
    bad_role["dialogue_history"][1]["role"] = "agent"
    bad_reward = dict(good, reward="high")
    bad_task = dict(good, task=dict(good["task"], ground_truth=""))
    no_history = dict(good, dialogue_history=[])
    path = write_lines(tmp_path / "t.jsonl", [good, bad_role, bad_reward, bad_task, no_history])
    assert problems_of(path, load_trajectories) == [
        f"{path}:2: dialogue_history[1].role: must be 'user' or 'assistant', got 'agent'",
        f"{path}:3: reward: must be a number or null",
        f"{path}:4: task.ground_truth: missing or not a non-empty string",
        f"{path}:5: dialogue_history: must be a non-empty list",
    ]


def test_trajectory_turn_with_non_string_input_is_rejected(tmp_path):
    good = json.loads(example("backend_trajectory.jsonl").read_text().splitlines()[0])
    good["dialogue_history"][1]["input"] = ["not", "a", "string"]
    path = write_lines(tmp_path / "t.jsonl", [good])
    assert problems_of(path, load_trajectories) == [
        f"{path}:1: dialogue_history[1].input: must be a string"
    ]


def test_write_task_splits_writes_one_reloadable_file_per_split(tmp_path):
    tasks = [
        Task("a", "backend", "I want f.", "def f():\n    return 1", {"t": "f()"}, split="train"),
        Task("b", "backend", "I want g.", "def g():\n    return 2", {"t": "g()"}, split="test"),
        Task("c", "backend", "I want h.", "def h():\n    return 3", {"t": "h()"}, split="train"),
    ]
    counts = write_task_splits(tasks, tmp_path, kind="backend")
    assert counts == {"test": 1, "train": 2}
    assert [t.id for t in load_tasks(tmp_path / "train.jsonl")] == ["a", "c"]
    assert [t.id for t in load_tasks(tmp_path / "test.jsonl")] == ["b"]
