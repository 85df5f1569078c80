"""Hard negatives: one-detail mutants of successful TRAINING answers that fail the hidden tests."""

from __future__ import annotations

import difflib

import pytest
from backend_data import scored_trajectories

from training.colbench.evaluation.backend_scoring import score_backend_many
from training.colbench.evaluation.sandbox import Sandbox
from training.colbench.mutation import hidden_details
from training.sweet.config import load_config
from training.sweet.hard_negatives import code_span, critic_split
from training.sweet.pairs import split_by_task, succeeded, trajectory_pairs
from training.sweet.sequences import action_text

NUM_TASKS = 8


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(workers=2) as box:
        yield box


@pytest.fixture(scope="module")
def pairs(tokenizer, sandbox):
    return trajectory_pairs(scored_trajectories(tokenizer, NUM_TASKS, sandbox))


def _config(hard_negatives: int):
    return load_config(
        None, ["critic.heldout_fraction=0.25", f"critic.hard_negatives={hard_negatives}"]
    ).critic


def test_heldout_pairs_share_no_task_with_training_pairs(pairs, sandbox):
    train, held, _ = critic_split(pairs, _config(2), seed=0, sandbox=sandbox)
    assert held and train
    assert {p.task_id for p in train}.isdisjoint({p.task_id for p in held})


def test_hard_negatives_come_only_from_successful_training_answers_and_fail_hidden_tests(
    pairs, sandbox
):
    train, _, metrics = critic_split(pairs, _config(2), seed=0, sandbox=sandbox)
    negatives = [p for p in train if p.rejected.meta.get("hard_negative")]
    training_tasks = {p.task_id for p in train if not p.rejected.meta.get("hard_negative")}
    assert metrics["hard_negative_pairs"] == len(negatives) > 0
    assert all(succeeded(p.chosen) and p.task_id in training_tasks for p in negatives)
    rescored = score_backend_many(
        [(p.rejected.answer, p.rejected.task) for p in negatives], sandbox
    )
    assert not any(score.success for score in rescored)
    assert all(p.rejected.success is False for p in negatives)


def test_hard_negative_is_the_same_dialogue_with_one_detail_changed(pairs, sandbox):
    train, _, _ = critic_split(pairs, _config(2), seed=0, sandbox=sandbox)
    for pair in (p for p in train if p.rejected.meta.get("hard_negative")):
        real, fake = pair.chosen.dialogue_history, pair.rejected.dialogue_history
        assert [t.to_row() for t in real[:-1]] == [t.to_row() for t in fake[:-1]]
        before, after = action_text(real[-1]), action_text(fake[-1])
        changed = [line for line in difflib.ndiff([before], [after]) if line[:1] in "+-"]
        assert len(changed) == 2  # one line of text out, one in
        code_before = before[slice(*code_span(before))]
        code_after = after[slice(*code_span(after))]
        values = [
            (a.value, b.value)
            for a, b in zip(hidden_details(code_before), hidden_details(code_after), strict=True)
        ]
        assert sum(a != b for a, b in values) == 1


def test_hard_negatives_never_reach_the_heldout_split(pairs, sandbox):
    _, held, _ = critic_split(pairs, _config(3), seed=0, sandbox=sandbox)
    _, plain_held = split_by_task(pairs, 0.25, seed=0)
    assert held == plain_held
    assert not any(p.rejected.meta.get("hard_negative") for p in held)


def test_hard_negatives_off_by_default_leave_the_split_unchanged(pairs):
    config = load_config(None, ["critic.heldout_fraction=0.25"]).critic
    assert config.hard_negatives == 0
    train, held, metrics = critic_split(pairs, config, seed=0)
    assert (train, held, metrics) == (*split_by_task(pairs, 0.25, seed=0), {})


def test_extra_hard_negative_sources_add_pairs_but_skip_heldout_tasks(pairs, sandbox, tmp_path):
    from training.colbench.trajectories import write_trajectories

    sources = tmp_path / "expert.jsonl"
    write_trajectories(sources, [t for p in pairs for t in (p.chosen, p.rejected)])
    config = load_config(
        None,
        [
            "critic.heldout_fraction=0.25",
            "critic.hard_negatives=1",
            f"critic.hard_negative_sources={sources}",
        ],
    ).critic
    plain_train, _, _ = critic_split(pairs, _config(1), seed=0, sandbox=sandbox)
    train, held, metrics = critic_split(pairs, config, seed=0, sandbox=sandbox)
    held_tasks = {p.task_id for p in held}
    negatives = [p for p in train if p.rejected.meta.get("hard_negative")]
    assert metrics["hard_negative_source_file"] == str(sources)
    assert len(negatives) >= len([p for p in plain_train if p.rejected.meta.get("hard_negative")])
    assert not any(p.task_id in held_tasks for p in negatives)
