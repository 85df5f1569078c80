"""`duet train sweet` end to end on the tiny model, and clear errors for bad input."""

from __future__ import annotations

import json

from training.cli import main
from training.colbench.tasks import Task
from training.colbench.trajectories import Trajectory, Turn, write_trajectories

TINY_RUN = [
    "critic.train.epochs=1",
    "critic.train.batch_size=2",
    "critic.heldout_fraction=0.34",
    "candidates.fraction=0.5",
    "candidates.n=4",
    "candidates.max_tokens=6",
    "policy.train.batch_size=4",
]


def _dataset(path, tokenizer):
    rows = []
    for t in range(3):
        task = Task(
            id=f"task-{t}",
            kind="backend",
            problem_description=f"Write f{t}.",
            ground_truth=f"def f{t}(x):\n    return x + {t}",
            test_cases={"a": f"f{t}(1)"},
        )
        for k, reward in enumerate((1.0, 0.4, 0.0)):
            history = [Turn("user", task.problem_description)]
            for text in ("Which argument?", f"I WANT TO ANSWER: def f{t}(x): return x + {k}"):
                messages = [{"role": h.role, "content": h.content} for h in history]
                prompt = tokenizer.apply_chat_template(
                    messages, tokenize=False, add_generation_prompt=True
                )
                history.append(Turn("assistant", text, input=prompt, output=text))
                history.append(Turn("user", "It takes x."))
            rows.append(Trajectory(task, history[:-1], answer="...", reward=reward))
    write_trajectories(path, rows)


def test_train_sweet_writes_a_loadable_adapter_and_resumes_by_skipping(
    tiny_model_dir, tokenizer, tmp_path, capsys
):
    data = tmp_path / "rollouts.jsonl"
    _dataset(data, tokenizer)
    run = tmp_path / "run"
    argv = ["train", "sweet", "--data", str(data), "--policy", f"local:{tiny_model_dir}"]
    argv += ["--out", str(run)]
    for item in TINY_RUN:
        argv += ["--set", item]
    assert main(argv) == 0
    adapter = run / "policy" / "adapter"
    assert (adapter / "adapter_config.json").is_file()
    for step in ("pairs", "critic", "candidates", "ranks", "step_pairs", "policy"):
        assert (run / step / "done.json").is_file()
        assert (run / step / "config.yaml").is_file()
        assert "sha256" in next(iter(json.loads((run / step / "inputs.json").read_text()).values()))
    assert (run / "critic" / "loss.png").is_file() and (run / "policy" / "loss.png").is_file()
    pairs = json.loads((run / "pairs" / "metrics.json").read_text())["pairs"]
    assert pairs == 6  # three tasks, best (1.0) against 0.4 and 0.0 each
    capsys.readouterr()
    assert main(argv) == 0
    assert capsys.readouterr().out.count("already complete, skipped") == 6

    from training.llm.spec import load_llm

    llm = load_llm(f"local:{tiny_model_dir}@{adapter}")
    try:
        from training.llm.base import SamplingParams

        out = llm.generate(["<|bos|>"], SamplingParams(max_tokens=2, seed=0))
        assert out[0][0].model
    finally:
        llm.close()


def test_missing_data_file_is_a_clear_error(tmp_path, capsys):
    code = main(["sweet", "pairs", "--data", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path)])
    assert code == 2
    assert "nope.jsonl:0: file: not found" in capsys.readouterr().err


def test_server_policy_spec_is_rejected_for_training(tmp_path, capsys):
    (tmp_path / "pairs.jsonl").write_text("")
    code = main(
        [
            "sweet",
            "critic",
            "--pairs",
            str(tmp_path / "pairs.jsonl"),
            "--policy",
            "vllm:http://localhost:8000/m",
            "--out",
            str(tmp_path / "c"),
        ]
    )
    assert code == 2
    assert "training needs local weights" in capsys.readouterr().err
