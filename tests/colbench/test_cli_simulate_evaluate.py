"""`duet simulate` and `duet evaluate`, run in-process through the real CLI entry point."""

import json
from pathlib import Path

import pytest
from scripted_agent import one_torch_thread, shared_tiny_model

from training.cli import main
from training.colbench.trajectories import load_trajectories

EXAMPLES = Path("/work/shared/examples")
HERE = Path(__file__).parent / "examples"
TASK_FILE = next(p / "backend_task.jsonl" for p in (HERE, EXAMPLES) if p.is_dir())
TRAJECTORY_FILE = TASK_FILE.with_name("backend_trajectory.jsonl")

_one_torch_thread = pytest.fixture(scope="module", autouse=True)(one_torch_thread)


def _last_json(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def _rows_with_answers(answers: list[str | None]) -> list[dict]:
    row = json.loads(TRAJECTORY_FILE.read_text())
    rows = []
    for answer in answers:
        copy = dict(row, answer=answer, reward=None)
        rows.append(copy)
    return rows


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_simulate_with_the_tiny_local_model_then_evaluate(tmp_path, tmp_path_factory, capsys):
    pytest.importorskip("training.llm.tiny_model")
    model = shared_tiny_model(tmp_path_factory)
    out = tmp_path / "rollouts.jsonl"
    code = main([
        "simulate", "--tasks", str(TASK_FILE), "--agent", f"local:{model}",
        "--simulator", "oracle", "--best-of-n", "2", "--seed", "0", "--max-tokens", "8",
        "--out", str(out),
    ])  # fmt: skip
    assert code == 0
    summary = _last_json(capsys)
    assert summary["episodes"] == 2 and summary["tasks"] == 1
    trajectories = load_trajectories(out)
    assert [t.meta["rollout"] for t in trajectories] == [0, 1]
    for trajectory in trajectories:
        assert trajectory.meta["temperature"] == 1.0
        assert trajectory.dialogue_history[0].content == trajectory.task.problem_description
        for turn in trajectory.agent_turns:
            assert turn.input.startswith("<|bos|><|turn|>system\n")
            assert turn.input.endswith("<|turn|>assistant\n")
            assert turn.output == turn.content and turn.model
        assert trajectory.answer is not None
    scored = tmp_path / "scored.jsonl"
    assert main(["evaluate", str(out), "--out", str(scored)]) == 0
    summary = _last_json(capsys)
    assert summary["n"] == 2 and summary["kind"] == "backend"
    assert summary["best_of_k"]["k"] == 2
    assert all(t.reward is not None and t.success is not None for t in load_trajectories(scored))


def test_simulate_rerun_with_the_same_out_skips_the_finished_episodes_and_says_so(
    tmp_path, tmp_path_factory, capsys
):
    pytest.importorskip("training.llm.tiny_model")
    model = shared_tiny_model(tmp_path_factory)
    out = tmp_path / "rollouts.jsonl"
    command = [
        "simulate", "--tasks", str(TASK_FILE), "--agent", f"local:{model}", "--best-of-n", "2",
        "--seed", "0", "--max-tokens", "4", "--no-progress", "--out", str(out),
    ]  # fmt: skip
    assert main(command) == 0
    first = _last_json(capsys)
    rows = out.read_text()
    assert main(command) == 0
    captured = capsys.readouterr()
    again = json.loads(captured.out.strip().splitlines()[-1])
    assert "resuming: 2 of 2 episodes are already in" in captured.err
    assert (again["written"], again["skipped"], again["episodes"]) == (0, 2, 2)
    assert again["ended_by"] == first["ended_by"] and sum(first["ended_by"].values()) == 2
    assert out.read_text() == rows


def test_evaluate_scores_backend_answers_and_prints_the_summary_last(tmp_path, capsys):
    right = json.loads(TRAJECTORY_FILE.read_text())["answer"]
    wrong = "def tip_amount(bill, service):\n    return round(bill * 0.15, 2)"
    source = _write_jsonl(tmp_path / "in.jsonl", _rows_with_answers([wrong, right, None]))
    out = tmp_path / "out.jsonl"
    assert main(["evaluate", str(source), "--out", str(out), "--k", "1"]) == 0
    summary = _last_json(capsys)
    scored = load_trajectories(out)
    assert [t.success for t in scored] == [False, True, False]
    assert scored[1].reward == 1.0 and scored[2].reward == 0.0
    assert 0.0 <= scored[0].reward < 1.0
    assert summary["n"] == 3 and summary["kind"] == "backend"
    assert summary["metric"] == "tests-passed"
    assert summary["success_rate"] == pytest.approx(1 / 3)
    assert summary["tests_passed"] == pytest.approx((scored[0].reward + 1.0) / 3)
    assert summary["best_of_k"] == {
        "k": 1, "tasks": 1, "reward": scored[0].reward, "tasks_with_fewer": 0, "success_rate": 0.0
    }  # fmt: skip
    assert main(["evaluate", str(source), "--out", str(out), "--k", "2"]) == 0
    best_of_2 = _last_json(capsys)["best_of_k"]
    assert best_of_2["success_rate"] == 1.0 and best_of_2["reward"] == 1.0


def _user_row() -> dict:
    """The shared example as a user's file might carry it: fields Duet does not know, here and
    there, with ``reward`` in the middle of the keys."""
    row = json.loads(TRAJECTORY_FILE.read_text())
    turns = row["dialogue_history"]
    return {
        "id": "case-007",
        "task": {"case_name": "tips", **row["task"], "difficulty": 3},
        "dialogue_history": [dict(turn, timestamp=f"t{i}") for i, turn in enumerate(turns)],
        "reward": None,
        "answer": row["answer"],
        "success": None,
        "metadata": {"annotator": "ana", "batch": [1, 2]},
        "meta": {"seed": 11},
    }  # fmt: skip


def _evaluated(tmp_path, row: dict) -> dict:
    source = _write_jsonl(tmp_path / "in.jsonl", [row])
    out = tmp_path / "out.jsonl"
    assert main(["evaluate", str(source), "--out", str(out)]) == 0
    (written,) = [json.loads(line) for line in out.read_text().splitlines()]
    return written


def test_evaluate_keeps_the_top_level_fields_it_does_not_own_in_place(tmp_path):
    row = _user_row()
    written = _evaluated(tmp_path, row)
    assert list(written) == list(row)
    assert {k: v for k, v in written.items() if k not in ("reward", "success", "meta")} == {
        k: v for k, v in row.items() if k not in ("reward", "success", "meta")
    }
    assert (written["reward"], written["success"]) == (1.0, True)
    assert written["meta"] == {"seed": 11, "metric": "tests-passed"}


def test_evaluate_keeps_extra_fields_of_dialogue_turns_and_of_the_task(tmp_path):
    row = _user_row()
    written = _evaluated(tmp_path, row)
    assert written["dialogue_history"] == row["dialogue_history"]
    assert written["task"] == row["task"]
    assert list(written["task"]) == list(row["task"])


def test_evaluate_rejects_a_malformed_file_and_writes_nothing(tmp_path, capsys):
    rows = _rows_with_answers(["def f(): pass"])
    rows.append({"task": rows[0]["task"], "answer": "x", "reward": None})
    source = _write_jsonl(tmp_path / "bad.jsonl", rows)
    out = tmp_path / "out.jsonl"
    assert main(["evaluate", str(source), "--out", str(out)]) == 2
    assert f"{source}:2: dialogue_history: must be a non-empty list" in capsys.readouterr().err
    assert not out.exists()


def test_simulate_rejects_a_malformed_task_file(tmp_path, capsys):
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text('{"problem_description": "x", "ground_truth": "def f(): pass", '
                     '"test_cases": {}}\n')  # fmt: skip
    out = tmp_path / "out.jsonl"
    assert main(["simulate", "--tasks", str(tasks), "--out", str(out)]) == 2
    assert f"{tasks}:1: test_cases:" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.browser
def test_evaluate_scores_frontend_pages_by_similarity(tmp_path, capsys):
    page = (
        "<html><head></head><body class='bg-yellow-100'><h1 class='text-3xl'>Corner Cafe</h1>"
        "<p class='text-gray-700'>Open daily.</p></body></html>"
    )
    task = {"problem_description": "A page for my cafe.", "ground_truth": page}
    row = {"task": task, "dialogue_history": [{"role": "user", "content": "A page."}]}
    rows = [dict(row, answer=page, reward=None), dict(row, answer=None, reward=None)]
    source = _write_jsonl(tmp_path / "fe.jsonl", rows)
    out = tmp_path / "out.jsonl"
    assert main(["evaluate", str(source), "--out", str(out)]) == 0
    summary = _last_json(capsys)
    same, missing = load_trajectories(out)
    assert same.reward == pytest.approx(1.0, abs=1e-6) and missing.reward == 0.0
    assert summary["kind"] == "frontend" and summary["metric"] == same.meta["metric"]
    assert summary["similarity"] == pytest.approx(0.5, abs=1e-6)
    assert summary["best_of_k"]["reward"] == pytest.approx(1.0, abs=1e-6)
