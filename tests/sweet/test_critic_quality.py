"""Critic quality on held-out tasks: the arithmetic, the control's view, a real tiny critic."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest
from backend_data import REQUEST, answer_text, ground_truth, scored_trajectories, task

from training.cli import main
from training.colbench.evaluation.sandbox import Sandbox
from training.colbench.trajectories import Turn, write_trajectories
from training.sweet.config import load_config
from training.sweet.critic import SPLIT_FILE, critic_view, train_critic
from training.sweet.critic_quality import (
    advantage_outcome_correlation,
    critic_quality,
    decision_points,
    label_candidates,
    ranks_correct_first,
)
from training.sweet.pairs import trajectory_pairs
from training.sweet.ranking import candidate_sequence
from training.sweet.trainer import TrainingRun

NUM_TASKS = 8
TRAINING = [
    "critic.heldout_fraction=0.25",
    "critic.hard_negatives=1",
    "critic.train.batch_size=2",
    "critic.train.lr=5e-3",
    "critic.train.max_steps=2",
    "critic.train.checkpoint_every=0",
    "candidates.max_tokens=8",
]


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(workers=2) as box:
        yield box


@pytest.fixture(scope="module")
def data(tokenizer, sandbox):
    return scored_trajectories(tokenizer, NUM_TASKS, sandbox)


@pytest.fixture(scope="module")
def trained_critic(tiny_ref, data, tmp_path_factory):
    """A tiny critic trained for two steps (hard negatives on) in a step-like folder."""
    from training.sweet.config import dump_config

    config = load_config(None, TRAINING)
    out = tmp_path_factory.mktemp("critic")
    dump_config(config, out / "config.yaml")
    run = TrainingRun(tiny_ref, config.model, out, seed=config.seed)
    metrics = train_critic(trajectory_pairs(data), config.critic, run)
    return out, metrics


def test_unprivileged_critic_view_contains_no_hidden_information(tokenizer):
    t = dataclasses.replace(task(0), ground_truth=ground_truth(0).replace("shipping", "hidden_xq"))
    turns = [Turn("user", REQUEST), Turn("assistant", "Which rate?")]
    config = load_config(None, ["critic.privileged=false"]).critic
    privileged = load_config(None).critic

    def text(seq):
        return tokenizer.decode(seq.input_ids)

    assert "hidden_xq" in text(critic_view(tokenizer, t, turns, privileged, None, where="t"))
    assert "REVIEWER CONTEXT" in text(critic_view(tokenizer, t, turns, privileged, None, where="t"))
    blind = text(critic_view(tokenizer, t, turns, config, None, where="t"))
    row = {"key": "k", "task": t.to_row(), "history": [turns[0].to_row()]}
    blind_candidate = text(candidate_sequence(tokenizer, row, "Which rate?", config, 4096))
    for view in (blind, blind_candidate):
        assert "hidden_xq" not in view and "REVIEWER CONTEXT" not in view
        assert REQUEST in view


def test_ranks_correct_first_counts_only_points_with_a_correct_candidate():
    correct = [[True, False], [False, False, False], [True, True]]
    advantages = [[0.5, 0.1], [3.0, 2.0, 1.0], [0.0, 1.0]]
    result = ranks_correct_first(correct, advantages)
    assert result["decision_points"] == 3
    assert result["decision_points_with_correct"] == 2
    assert result["ranks_correct_first"] == 1.0
    assert result["chance_correct_first"] == pytest.approx((0.5 + 1.0) / 2)
    assert (result["decision_points_mixed"], result["ranks_correct_first_mixed"]) == (1, 1.0)


def test_scorer_preferring_correct_candidates_gets_one_and_reversed_gets_zero(data, sandbox):
    rows = decision_points(data, mutants=3)
    labels = label_candidates(rows, sandbox)
    right = {answer_text(ground_truth(i)) for i in range(NUM_TASKS)}
    flat = [
        (c["text"], ok)
        for row, oks in zip(rows, labels, strict=True)
        for c, ok in zip(row["candidates"], oks, strict=True)
    ]
    assert all(ok for text, ok in flat if text in right)

    def fake(sign):  # deterministic stand-in for the critic: only the arithmetic is under test
        return [[sign * float(ok) for ok in oks] for oks in labels]

    assert ranks_correct_first(labels, fake(1.0))["ranks_correct_first"] == 1.0
    reversed_ = ranks_correct_first(labels, fake(-1.0))
    assert reversed_["ranks_correct_first"] == 0.0
    assert reversed_["decision_points_with_correct"] == NUM_TASKS  # one right answer per task
    assert 0.0 < reversed_["chance_correct_first"] < 1.0


def test_correlation_is_computed_against_rewards():
    rewards = [1.0, 0.2, 0.6, 0.0]
    tasks = ["a", "a", "b", "b"]
    same = advantage_outcome_correlation(rewards, rewards, rewards, tasks)
    flipped = [-r for r in rewards]
    opposite = advantage_outcome_correlation(flipped, [0.0, 1.0, 0.0, 1.0], rewards, tasks)
    assert same["final_advantage_pearson"] == pytest.approx(1.0)
    assert same["final_advantage_spearman"] == pytest.approx(1.0)
    assert same["final_advantage_pearson_within_task"] == pytest.approx(1.0)
    assert opposite["final_advantage_pearson"] == pytest.approx(-1.0)
    assert opposite["mean_advantage_spearman"] < 0


def test_trained_critic_records_a_task_disjoint_split(trained_critic):
    out, metrics = trained_critic
    split = json.loads((out / SPLIT_FILE).read_text())
    assert split["heldout_tasks"] and set(split["train_tasks"]).isdisjoint(split["heldout_tasks"])
    assert metrics["task_disjoint_pair_accuracy"] == metrics["heldout_pair_accuracy"]
    assert metrics["hard_negative_pairs"] > 0


def test_real_tiny_critic_quality_is_in_range_and_from_real_scores(
    trained_critic, tiny_ref, data, sandbox
):
    from training.llm.spec import load_llm

    out, _ = trained_critic
    heldout = set(json.loads((out / SPLIT_FILE).read_text())["heldout_tasks"])
    sampler = load_llm(tiny_ref.spec)
    try:
        report = critic_quality(
            out,
            data,
            policy=tiny_ref.spec,
            sampler=sampler,
            samples=2,
            mutants=2,
            sandbox=sandbox,
            details=True,
        )
    finally:
        sampler.close()
    # only the held-out tasks are measured: the folder's split.json drops the training tasks
    assert report["tasks"] == len(heldout)
    assert report["excluded_trajectories"] == len(data) - 2 * len(heldout)
    for key in ("task_disjoint_pair_accuracy", "hard_negative_pair_accuracy"):
        assert 0.0 <= report[key] <= 1.0
    assert 0.0 <= report["ranks_correct_first"] <= 1.0
    assert 0.0 < report["chance_correct_first"] < 1.0
    advantages = [a for point in report["points"] for a in point["advantages"]]
    assert all(math.isfinite(a) for a in advantages) and len(set(advantages)) > 1
    recomputed = ranks_correct_first(
        [p["correct"] for p in report["points"]], [p["advantages"] for p in report["points"]]
    )
    assert recomputed["ranks_correct_first"] == report["ranks_correct_first"]
    assert {"sampled": 2 * len(report["points"])}.items() <= report["candidates_by_source"].items()
    detail = report["trajectories_detail"]
    assert sorted(d["reward"] for d in detail) == sorted(
        t.reward for t in data if t.task.id in heldout
    )
    assert -1.0 <= report["final_advantage_pearson"] <= 1.0


def test_critic_quality_command_prints_the_report(trained_critic, tiny_ref, data, tmp_path, capsys):
    out, _ = trained_critic
    path = tmp_path / "heldout.jsonl"
    write_trajectories(path, data)
    argv = ["critic-quality", "--critic", str(out), "--data", str(path)]
    assert main([*argv, "--policy", tiny_ref.spec, "--samples", "0", "--mutants", "1"]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["candidates_by_source"]["sampled"] == 0
    assert report["privileged"] is True and report["decision_points"] > 0
