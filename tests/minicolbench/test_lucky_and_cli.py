from __future__ import annotations

import json

from training.cli import main
from training.colbench.tasks import load_tasks
from training.colbench.trajectories import load_trajectories
from training.minicolbench.generate import generate
from training.minicolbench.measure import expected_lucky_rate, lucky_guess_rate


def test_lucky_guessing_rarely_succeeds():
    tasks = [t.task for t in generate(11, 0, 60)]
    assert expected_lucky_rate(tasks) < 0.01
    assert lucky_guess_rate(tasks, tries=3).rate < 0.05


def test_the_cli_writes_official_files_that_the_projects_loaders_read_back(tmp_path, capsys):
    out = tmp_path / "mini"
    assert main(["minicolbench", "generate", "--seed", "2", "--train", "3", "--test", "12",
                 "--out", str(out)]) == 0  # fmt: skip
    train, test = load_tasks(out / "train.jsonl"), load_tasks(out / "test.jsonl")
    assert (len(train), len(test)) == (3, 12)
    assert set(json.loads((out / "test.jsonl").read_text().splitlines()[0])) >= {
        "problem_description", "ground_truth", "test_cases"
    }  # fmt: skip
    capsys.readouterr()
    trajectories = tmp_path / "expert.jsonl"
    assert main(["minicolbench", "expert", "--tasks", str(out / "test.jsonl"), "--noise", "none",
                 "--limit", "2", "--out", str(trajectories)]) == 0  # fmt: skip
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["success"]["rate"] == 1.0
    loaded = load_trajectories(trajectories)
    assert len(loaded) == 2 and all(t.reward == 1.0 and t.success for t in loaded)
    assert main(["minicolbench", "lucky", "--tasks", str(out / "test.jsonl")]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 12
