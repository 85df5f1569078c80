"""`duet repro minicolbench` end to end at micro sizes: table, resume, split hygiene, no leakage."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from training.colbench.environments import BackendEnvironment
from training.colbench.trajectories import load_trajectories
from training.minicolbench.config import load_repro_config
from training.minicolbench.expert import chat_prompt_text
from training.minicolbench.repro import METHOD_LABELS, run_repro

MICRO = {
    "seeds": [0],
    "tasks": {"train": 12, "validation": 4, "test": 6},
    "model": {
        "vocab_size": 400,
        "hidden_size": 64,
        "num_layers": 1,
        "num_heads": 2,
        "num_kv_heads": 1,
        "intermediate_size": 96,
        "context_length": 1024,
    },
    "warm_start": {"epochs": 2, "batch_size": 8},
    "rollouts": {"k": 2, "max_tokens": 48, "agent": "expert"},  # successes guaranteed
    "eval": {"k": 1},
    "budget": {"policy_steps": 2, "batch_size": 4},
    "methods": ["rft", "mtdpo", "sweet"],
    "critic_variants": ["sweet", "sweet_noprefix"],
    "critic_metrics": {"heldout_k": 2, "samples": 1, "mutants": 1, "hard_negatives": 1},
    "sweet": {
        "critic": {"train": {"epochs": 1, "batch_size": 4}},
        "candidates": {"n": 2, "max_tokens": 48, "fraction": 0.2},
    },
}


@pytest.fixture(scope="module")
def micro_run(tmp_path_factory) -> tuple[Path, dict, dict]:
    cfg = load_repro_config(quick=True, overrides=MICRO)
    out = tmp_path_factory.mktemp("repro")
    results = run_repro(out, cfg, progress=False)
    return out, cfg, results


def test_table_has_every_method_with_numbers_in_range(micro_run) -> None:
    out, cfg, results = micro_run
    table = (out / "table.md").read_text()
    for method in ["zero_shot", *cfg["methods"]]:
        assert METHOD_LABELS[method] in table
        test = results["methods"][method][0]["test"]
        assert 0.0 <= test["success"] <= 1.0 and 0.0 <= test["tests_passed"] <= 1.0
        assert test["episodes"] == cfg["tasks"]["test"] * cfg["eval"]["k"]
    for variant in cfg["critic_variants"]:
        report = results["critics"][variant][0]
        assert report["privileged"] is (variant != "sweet_noprefix")
        accuracy = report["task_disjoint_pair_accuracy"]
        assert accuracy is None or 0.0 <= accuracy <= 1.0
    assert "no privileged prefix (control)" in table
    assert (out / "minicolbench.png").stat().st_size > 1000
    assert re.search(r"\d+\.\d ± \d+\.\d", table)


def test_rerun_skips_every_finished_step(micro_run) -> None:
    out, cfg, first = micro_run
    again = run_repro(out, cfg, progress=False)
    assert set(again["steps_skipped"]) >= {"tasks", "expert", "warm_start", "rollouts", "heldout"}
    assert "seed0/sweet" in again["steps_skipped"] and "seed0/eval_rft" in again["steps_skipped"]
    same = json.loads(json.dumps(again["methods"])) == json.loads(json.dumps(first["methods"]))
    assert same  # the recorded numbers, read back


def test_heldout_tasks_never_train_or_select(micro_run) -> None:
    out, _, _ = micro_run
    ids = json.loads((out / "tasks" / "ids.json").read_text())
    train, validation, test = (set(ids[s]) for s in ("train", "validation", "test"))
    assert not (test & train) and not (test & validation) and not (train & validation)
    for path in (out / "expert" / "expert.jsonl", out / "rollouts" / "rollouts.jsonl"):
        assert {t.task.id for t in load_trajectories(path)} <= train
    for split in out.glob("seed*/*/run/critic/split.json"):
        recorded = json.loads(split.read_text())
        used = {i for key, value in recorded.items() if isinstance(value, list) for i in value}
        assert used and not (used & test)
    for candidates in out.glob("seed*/*/run/candidates/candidates.jsonl"):
        for line in candidates.read_text().splitlines():
            assert json.loads(line)["task"]["id"] in train
    # the tokenizer saw train texts only: no test ground truth in its corpus
    corpus = (out / "warm_start" / "base" / "tokenizer.json").read_text()
    assert corpus  # the vocabulary itself is not a corpus; the corpus check is in warm_start


def test_no_hidden_information_in_policy_prompts(micro_run) -> None:
    out, _, _ = micro_run
    system = BackendEnvironment().system_prompt()
    paths = [out / "rollouts" / "rollouts.jsonl", out / "heldout" / "heldout.jsonl"]
    paths += sorted(out.glob("seed*/eval_*/test.jsonl"))
    checked = 0
    for path in paths:
        for trajectory in load_trajectories(path):
            hidden = trajectory.task.ground_truth
            history = trajectory.dialogue_history
            for index, turn in enumerate(history):
                if turn.role != "assistant":
                    continue
                seen = [{"role": "system", "content": system}]
                seen += [{"role": t.role, "content": t.content} for t in history[:index]]
                # the prompt is exactly the visible chat: system prompt, request, replies
                assert turn.input == chat_prompt_text(seen)
                assert hidden not in turn.input
                body = hidden.split("\n", 1)[1]  # the function body (hidden constants)
                assert body.strip() not in turn.input
                checked += 1
    assert checked > 0


def test_tokenizer_corpus_is_train_only() -> None:
    from training.minicolbench.warm_start import split_tasks, tokenizer_corpus

    split = split_tasks(3, 12, 4, 6)
    corpus = "\n".join(tokenizer_corpus(split["train"], []))
    for task in split["test"] + split["validation"]:
        assert task.ground_truth not in corpus


def test_overrides_set_nested_keys_with_yaml_values() -> None:
    from training.minicolbench.config import parse_overrides

    cfg = load_repro_config(
        overrides=parse_overrides(["rollouts.temperature=0.5", "methods=[rft, sweet_hn]"])
    )
    assert cfg["rollouts"]["temperature"] == 0.5 and cfg["rollouts"]["k"] == 4
    assert cfg["methods"] == ["rft", "sweet_hn"]


def test_an_override_without_a_value_is_refused() -> None:
    from training.minicolbench.config import parse_overrides

    with pytest.raises(ValueError, match="KEY=VALUE"):
        parse_overrides(["rollouts.temperature"])


def test_only_the_hard_negative_variant_takes_the_expert_dialogues_as_sources(tmp_path) -> None:
    from training.minicolbench.repro import sweet_config

    cfg = load_repro_config()
    expert = tmp_path / "expert" / "expert.jsonl"
    assert sweet_config(cfg, 0, "sweet_hn", expert).critic.hard_negative_sources == str(expert)
    assert sweet_config(cfg, 0, "sweet_hn", expert).critic.hard_negatives > 0
    assert sweet_config(cfg, 0, "sweet", expert).critic.hard_negative_sources == ""
    assert sweet_config(cfg, 0, "sweet", expert).critic.hard_negatives == 0
