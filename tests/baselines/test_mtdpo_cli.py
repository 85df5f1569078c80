"""`duet train mtdpo` end to end on the tiny model with real backend tasks."""

from __future__ import annotations

import json
from pathlib import Path

from baseline_data import played

from training.cli import main
from training.colbench.tasks import load_tasks
from training.colbench.trajectories import write_trajectories

BACKEND = Path(__file__).resolve().parents[2] / "data" / "colbench" / "backend" / "train.jsonl"


def test_train_mtdpo_writes_an_adapter_from_trajectory_pairs(tiny_model_dir, tokenizer, tmp_path):
    rows = []
    for task in load_tasks(BACKEND)[:2]:
        for reward in (1.0, 0.4, 0.0):
            exchanges = [("Which inputs?", "Two numbers."), (f"I WANT TO ANSWER: {reward}", "")]
            rows.append(played(tokenizer, task, exchanges, reward, success=reward == 1.0))
    data = tmp_path / "rollouts.jsonl"
    write_trajectories(data, rows)
    out = tmp_path / "mtdpo"
    argv = ["train", "mtdpo", "--data", str(data), "--policy", f"local:{tiny_model_dir}"]
    argv += ["--out", str(out), "--set", "mtdpo.train.max_steps=2"]
    assert main(argv) == 0
    assert (out / "adapter" / "adapter_config.json").is_file()
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["trajectory_pairs"] == 4  # per task, the success against each worse one
    assert metrics["steps"] == 2
