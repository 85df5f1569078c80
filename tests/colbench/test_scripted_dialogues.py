"""The scripted protocol-following agent (training/colbench/scripted_dialogues.py).

The backend episodes run through the real environment with the real oracle simulator (BM25
retrieval: no model to load); the frontend agent is checked on the oracle's own feedback sentences
so the tests stay fast and need no browser.
"""

from __future__ import annotations

import ast

import pytest

from training import paths
from training.colbench.evaluation.code_extraction import extract_code
from training.colbench.protocol import ANSWER_MARKER, shown_text
from training.colbench.protocol_checks import protocol_report, well_formed_page
from training.colbench.scripted_dialogues import (
    MAX_SECTIONS,
    PageSpec,
    apply_feedback,
    draft_page,
    frontend_turn,
    page_title,
    render_page,
    replay_scripted,
    run_scripted,
    template_chat_prompt,
)
from training.colbench.simulators.backend_oracle import BackendOracleSimulator
from training.colbench.tasks import load_tasks
from training.llm.tiny_model import BOS, CHAT_TEMPLATE

CHAT = template_chat_prompt(CHAT_TEMPLATE, BOS)


@pytest.fixture(scope="module")
def backend_trajectories():
    tasks = load_tasks(paths.bundled_tasks_dir() / "backend" / "train.jsonl")[:8]
    simulator = BackendOracleSimulator("bm25")
    return run_scripted(tasks, {"backend": simulator}, CHAT, per_task=2, seed=1)


def test_scripted_dialogues_never_put_hidden_information_in_the_prompt(backend_trajectories):
    for trajectory in backend_trajectories:
        hidden = [trajectory.task.ground_truth, *trajectory.task.test_cases.values()]
        for turn in trajectory.agent_turns:
            assert turn.input and not any(secret in turn.input for secret in hidden)


def test_scripted_backend_asks_before_answering(backend_trajectories):
    report = protocol_report(backend_trajectories)
    assert report["backend"]["asked_before_answer"] == 1.0


def test_scripted_backend_answers_parse_and_define_a_function(backend_trajectories):
    for trajectory in backend_trajectories:
        assert trajectory.agent_turns[-1].content.startswith(ANSWER_MARKER)
        tree = ast.parse(extract_code(trajectory.answer or ""))
        assert any(isinstance(node, ast.FunctionDef) for node in tree.body)


def test_scripted_backend_answer_uses_the_signature_the_person_gave(backend_trajectories):
    for trajectory in backend_trajectories:
        replies = " ".join(t.content for t in trajectory.dialogue_history[1:] if t.role == "user")
        if "The function is called " in replies:
            name = replies.split("The function is called ", 1)[1].split()[0]
            assert f"def {name}(" in (trajectory.answer or "")


def test_scripted_frontend_turns_carry_one_well_formed_page():
    description = "I own a coffee shop and want our menu online so people can check it."
    feedback = (
        "The background of my page is dark blue, not white. My page has no footer; yours has "
        "one. My page has three images (about 300×200 px each); yours has no images. My main "
        'heading says "Fresh coffee". The main part of my page is laid out in two columns side by '
        "side; yours has only one."
    )
    messages = [{"role": "system", "content": "s"}, {"role": "user", "content": description}]
    first = frontend_turn(messages, variant=0)
    messages += [{"role": "assistant", "content": first}, {"role": "user", "content": feedback}]
    second = frontend_turn(messages, variant=0)
    for turn in (first, second):
        assert well_formed_page(shown_text(turn))
    assert second.startswith(ANSWER_MARKER)


def test_scripted_frontend_variants_show_one_to_six_drafts_before_answering():
    """Six episodes of one task differ: variant v shows v + 1 drafts, then answers."""
    feedback = "The background of my page is dark blue, not white."
    for variant in range(6):
        messages = [{"role": "system", "content": "s"}, {"role": "user", "content": "A bakery."}]
        turns = []
        while not turns or not turns[-1].startswith(ANSWER_MARKER):
            turns.append(frontend_turn(messages, variant=variant))
            messages += [{"role": "assistant", "content": turns[-1]}]
            messages += [{"role": "user", "content": feedback}]
        assert len(turns) == variant + 2
        assert all(well_formed_page(shown_text(turn)) for turn in turns)


def test_scripted_frontend_refines_the_page_from_feedback():
    spec = draft_page("I own a coffee shop and want our menu online.")
    refined = apply_feedback(
        spec, 'The background of my page is dark blue, not white. My main heading says "Brew".'
    )
    page = render_page(refined)
    assert "bg-blue-800" in page and ">Brew</h1>" in page and "Menu" in page


def test_replaying_a_scripted_episode_with_its_own_messages_gives_the_same_turns(
    backend_trajectories,
):
    for trajectory in backend_trajectories:
        replies = [t.content for t in trajectory.dialogue_history[1:] if t.role == "user"]
        twin = replay_scripted(
            trajectory, CHAT, opening=trajectory.task.problem_description, replies=replies
        )
        assert twin is not None
        assert [t.to_row() for t in twin.dialogue_history] == [
            t.to_row() for t in trajectory.dialogue_history
        ]
        assert twin.answer == trajectory.answer


def test_replay_gives_none_when_the_new_episode_needs_more_replies(backend_trajectories):
    trajectory = backend_trajectories[0]
    assert (
        replay_scripted(trajectory, CHAT, opening=trajectory.task.problem_description, replies=[])
        is None
    )


def test_page_title_is_read_from_the_words_after_a_or_my():
    assert page_title("I want a landing page for my corner bakery.") == "Corner Bakery"
    assert page_title("Make something for the shop.") == "Welcome"


def test_a_page_asked_to_grow_every_turn_stops_at_distinct_numbered_sections():
    spec = PageSpec(title="Bakery", sections=["About"])
    for _ in range(8):
        spec = apply_feedback(spec, "My page is much longer than yours.")
    assert len(spec.sections) == MAX_SECTIONS
    assert len(set(spec.sections)) == MAX_SECTIONS
    assert spec.sections[1:] == [f"Section {n}" for n in range(2, MAX_SECTIONS + 1)]
