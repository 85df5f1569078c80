"""Rejection fine-tuning selects what to imitate on continuous (frontend) and binary (backend)
rewards, and `duet train rft` trains on frontend data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from baseline_data import played

from training.baselines.rft import select_trajectories
from training.cli import main
from training.colbench.tasks import load_tasks
from training.colbench.trajectories import write_trajectories
from training.sweet.config import RFTConfig

DATA = Path(__file__).resolve().parents[2] / "data" / "colbench"
SIMILARITIES = {0: (0.42, 0.73, 0.61), 1: (0.2, 0.35)}  # frontend rewards: no success flag


@pytest.fixture(scope="module")
def frontend_tasks():
    return load_tasks(DATA / "frontend" / "train.jsonl")[:2]


def _frontend(tokenizer, tasks):
    rows = []
    for index, task in enumerate(tasks):
        for reward in SIMILARITIES[index]:
            exchanges = [("Which colours?", "Warm ones."), ("I WANT TO ANSWER: <p>hi</p>", "")]
            rows.append(played(tokenizer, task, exchanges, reward))
    return rows


def test_best_per_task_keeps_each_frontend_tasks_highest_similarity(tokenizer, frontend_tasks):
    chosen = select_trajectories(_frontend(tokenizer, frontend_tasks), RFTConfig())
    assert [(t.task.id, t.reward) for t in chosen] == [
        (frontend_tasks[0].id, 0.73),
        (frontend_tasks[1].id, 0.35),
    ]


def test_threshold_keeps_every_trajectory_at_least_min_reward(tokenizer, frontend_tasks):
    cfg = RFTConfig(select="threshold", min_reward=0.1 + 0.5)  # 0.6 up to float error
    chosen = select_trajectories(_frontend(tokenizer, frontend_tasks), cfg)
    assert sorted(t.reward for t in chosen) == [0.61, 0.73]


def test_a_recorded_failure_is_never_the_best_of_its_task(tokenizer):
    task = load_tasks(DATA / "backend" / "train.jsonl")[0]
    exchanges = [("I WANT TO ANSWER: def f(): pass", "")]
    failed = played(tokenizer, task, exchanges, 0.9, success=False)
    passed = played(tokenizer, task, exchanges, 1.0, success=True)
    assert select_trajectories([failed], RFTConfig()) == []
    assert select_trajectories([failed, passed], RFTConfig()) == [passed]


def _rft(tiny_model_dir, data: Path, out: Path, *flags: str) -> int:
    argv = ["train", "rft", "--data", str(data), "--policy", f"local:{tiny_model_dir}"]
    return main([*argv, "--out", str(out), "--set", "rft.train.max_steps=2", *flags])


def test_duet_train_rft_trains_on_frontend_data(
    tiny_model_dir, tokenizer, frontend_tasks, tmp_path
):
    data = tmp_path / "frontend.jsonl"
    write_trajectories(data, _frontend(tokenizer, frontend_tasks))
    out = tmp_path / "rft"
    assert _rft(tiny_model_dir, data, out) == 0
    assert (out / "adapter" / "adapter_config.json").is_file()
    metrics = json.loads((out / "metrics.json").read_text())
    assert (metrics["selected_trajectories"], metrics["tasks"]) == (2, 2)
    assert metrics["steps"] == 2


def test_rft_flags_select_by_threshold_and_say_when_nothing_qualifies(
    tiny_model_dir, tokenizer, frontend_tasks, tmp_path, capsys
):
    data = tmp_path / "frontend.jsonl"
    write_trajectories(data, _frontend(tokenizer, frontend_tasks))
    out = tmp_path / "rft"
    assert _rft(tiny_model_dir, data, out, "--select", "threshold", "--min-reward", "0.6") == 0
    assert json.loads((out / "metrics.json").read_text())["selected_trajectories"] == 2
    code = _rft(tiny_model_dir, data, tmp_path / "none", "--min-reward", "0.9")
    assert code == 2
    assert "none of 5 trajectories selected" in capsys.readouterr().err
