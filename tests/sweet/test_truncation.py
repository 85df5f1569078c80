"""Dialogues longer than the training window lose whole early turns, never the opening or the
scored turn; built from the bundled frontend ground-truth pages (a realistic long trajectory)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from training.colbench.tasks import load_tasks
from training.colbench.trajectories import Trajectory, Turn
from training.sweet.config import load_config
from training.sweet.critic import critic_view, train_critic
from training.sweet.pairs import TrajectoryPair
from training.sweet.policy import step_pair_examples
from training.sweet.ranking import candidate_sequence
from training.sweet.sequences import (
    CONTEXT,
    SequenceError,
    end_of_turn_text,
    policy_sequences,
)
from training.sweet.trainer import TrainingRun

FRONTEND = Path(__file__).resolve().parents[2] / "data" / "colbench" / "frontend" / "train.jsonl"
WINDOW = 4096  # the tiny model's context and the default model.max_length
CRITIC = load_config().critic
SYSTEM = "You are a collaborative web designer. Ask, show drafts, then answer with the page."


@pytest.fixture(scope="module")
def tasks():
    return load_tasks(FRONTEND)


def _long_dialogue(tokenizer, tasks, *, final: int = 3) -> tuple[Trajectory, list[str]]:
    """A question, two full-page drafts, then a full-page answer: ~4.8k tokens in the critic view,
    with each agent turn's exact (nested) prompt recorded as a rollout does."""
    task = tasks[0]
    actions = [
        "Which colours do you like?",
        tasks[1].ground_truth,
        tasks[2].ground_truth,
        "I WANT TO ANSWER: " + tasks[final].ground_truth,
    ]
    replies = ["Warm browns.", "Closer; a bigger hero.", "Almost; fix the footer.", ""]
    history = [Turn("user", task.problem_description)]
    for action, reply in zip(actions, replies, strict=True):
        messages = [{"role": "system", "content": SYSTEM}]
        messages += [{"role": t.role, "content": t.content} for t in history]
        prompt = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        history.append(Turn("assistant", action, input=prompt, output=action))
        history.append(Turn("user", reply))
    return Trajectory(task, history[:-1], answer=actions[-1], reward=0.5), actions


def _critic(tokenizer, trajectory, turns, max_length, where="test"):
    return critic_view(tokenizer, trajectory.task, turns, CRITIC, max_length, where=where)


def _turn_tokens(seq, turn):
    return [i for i, t in zip(seq.input_ids, seq.turn_ids, strict=True) if t == turn]


def test_long_critic_view_keeps_bos_and_the_whole_privileged_prefix(tokenizer, tasks):
    trajectory, _ = _long_dialogue(tokenizer, tasks)
    full = _critic(tokenizer, trajectory, trajectory.dialogue_history, None)
    assert len(full) > WINDOW
    seq = _critic(tokenizer, trajectory, trajectory.dialogue_history, WINDOW)
    assert len(seq) <= WINDOW
    text = tokenizer.decode(seq.input_ids)
    assert text.startswith(tokenizer.bos_token)
    assert trajectory.task.ground_truth in text
    assert trajectory.task.problem_description in text


def test_long_critic_view_drops_whole_early_turns_and_keeps_a_well_formed_dialogue(
    tokenizer, tasks
):
    trajectory, actions = _long_dialogue(tokenizer, tasks)
    turns = trajectory.dialogue_history
    full = _critic(tokenizer, trajectory, turns, None)
    seq = _critic(tokenizer, trajectory, turns, WINDOW)
    kept = sorted({t for t in seq.turn_ids if t != CONTEXT})
    dropped = seq.meta["dropped_turns"]
    assert dropped >= 1 and kept == list(range(dropped, len(actions)))  # the earliest go first
    for turn in kept:  # every kept turn is whole, token for token
        assert _turn_tokens(seq, turn) == _turn_tokens(full, turn)
    # what is left is the dialogue without the dropped exchanges (action + the reply to it)
    shorter = [turns[0], *turns[1 + 2 * dropped :]]
    assert seq.input_ids == _critic(tokenizer, trajectory, shorter, None).input_ids


def test_a_row_whose_opening_and_scored_turn_do_not_fit_is_an_error_naming_it(tokenizer, tasks):
    trajectory, _ = _long_dialogue(tokenizer, tasks)
    with pytest.raises(SequenceError, match=r"pair 7 \(chosen, task .*\).*model\.max_length=1024"):
        where = f"pair 7 (chosen, task {trajectory.task.id})"
        _critic(tokenizer, trajectory, trajectory.dialogue_history, 1024, where=where)


def test_the_candidate_being_ranked_is_never_cut(tokenizer, tasks):
    trajectory, actions = _long_dialogue(tokenizer, tasks)
    row = {
        "key": "0:7",
        "task": trajectory.task.to_row(),
        "history": [t.to_row() for t in trajectory.dialogue_history[:-1]],
    }
    seq = candidate_sequence(tokenizer, row, actions[-1], CRITIC, WINDOW)
    assert len(seq) <= WINDOW and seq.meta["dropped_turns"] >= 1
    eot = end_of_turn_text(tokenizer)  # the critic view shows the action stripped, then EOT
    expected = tokenizer(actions[-1].strip() + eot, add_special_tokens=False)
    assert _turn_tokens(seq, 0) == expected["input_ids"]
    assert trajectory.task.ground_truth in tokenizer.decode(seq.input_ids)


def test_long_policy_view_keeps_the_agent_system_prompt_and_the_last_action(tokenizer, tasks):
    trajectory, actions = _long_dialogue(tokenizer, tasks)
    window = 3000  # the agent's own view has no privileged prefix: ~3.5k tokens
    (seq,) = policy_sequences(tokenizer, trajectory.dialogue_history, max_length=window)
    text = tokenizer.decode(seq.input_ids)
    assert len(seq) <= window and seq.meta["dropped_turns"] >= 1
    assert text.startswith(trajectory.dialogue_history[1].input)  # the first prompt, whole
    last = tokenizer(actions[-1] + end_of_turn_text(tokenizer), add_special_tokens=False)
    assert _turn_tokens(seq, len(actions) - 1) == last["input_ids"]


def test_a_step_pair_longer_than_the_window_is_an_error_naming_it(tokenizer, tasks):
    trajectory, actions = _long_dialogue(tokenizer, tasks)
    row = {"key": "3:7", "prompt": trajectory.dialogue_history[-1].input}
    row |= {"chosen": actions[-1], "rejected": actions[1]}
    with pytest.raises(SequenceError, match=r"step pair 0 \(chosen, key 3:7\)"):
        step_pair_examples(tokenizer, [row], max_length=2048)


def test_critic_metrics_count_truncated_sequences_and_warn(tiny_ref, tokenizer, tasks, tmp_path):
    chosen, _ = _long_dialogue(tokenizer, tasks, final=3)
    rejected, _ = _long_dialogue(tokenizer, tasks, final=4)
    config = load_config(
        None, ["critic.heldout_fraction=0.0", "critic.train.max_steps=1", "model.lora_r=4"]
    )
    run = TrainingRun(tiny_ref, config.model, tmp_path / "critic", seed=config.seed)
    logger = logging.getLogger("training.sweet.sequences")
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        metrics = train_critic([TrajectoryPair(chosen, rejected)], config.critic, run)
    finally:
        logger.removeHandler(handler)
    assert metrics["truncated_sequences"] == 2
    assert metrics["dropped_turns"] >= 2
    assert any("critic: 2 of 2 sequences" in r.getMessage() for r in records)
