"""LLM-played users: prompts built from our templates, the real local engine, image handling."""

import base64

import pytest
from scripted_agent import one_torch_thread, shared_tiny_model

from training.colbench.prompts import PromptTemplateError, render_prompt
from training.colbench.simulators.base import BackendQuery
from training.colbench.simulators.llm import (
    BackendLLMSimulator,
    FrontendLLMSimulator,
    backend_messages,
    frontend_messages,
)
from training.colbench.tasks import Task
from training.colbench.trajectories import Turn
from training.llm.base import LLMError

TASK = Task(
    "be-1",
    "backend",
    "I want a function for library late fees.",
    "def library_late_fee(days_late):\n    return max(days_late - 3, 0) * 0.25\n",
    {"t": "library_late_fee(5)"},
)
DIALOGUE = (
    Turn("user", TASK.problem_description),
    Turn("assistant", "Is there a grace period?", input="p", output="Is there a grace period?"),
)

_one_torch_thread = pytest.fixture(scope="module", autouse=True)(one_torch_thread)


@pytest.fixture(scope="module")
def tiny_llm(tmp_path_factory):
    from training.llm.spec import load_llm

    llm = load_llm(f"local:{shared_tiny_model(tmp_path_factory)}")
    yield llm
    llm.close()


def test_backend_prompt_holds_hidden_function_in_system_and_latest_message_once():
    query = BackendQuery(task=TASK, message="Is there a grace period?", dialogue=DIALOGUE)
    system, user = backend_messages(query)
    assert system["role"] == "system" and TASK.ground_truth in system["content"]
    assert TASK.problem_description in system["content"]
    assert TASK.ground_truth not in user["content"]
    assert user["content"].count("Is there a grace period?") == 1
    assert f"Me: {TASK.problem_description}" in user["content"]


def test_backend_llm_simulator_answers_every_episode_with_the_local_engine(tiny_llm):
    simulator = BackendLLMSimulator(tiny_llm)
    queries = [
        BackendQuery(task=TASK, message="Is there a grace period?", dialogue=DIALOGUE),
        BackendQuery(task=TASK, message="What is the daily fee?", dialogue=DIALOGUE),
    ]
    replies = simulator.reply_many(queries)
    assert len(replies) == 2 and all(isinstance(r, str) for r in replies)
    assert replies == simulator.reply_many(queries)  # greedy: the same reply again
    assert simulator.name == f"llm:{tiny_llm.spec}"


def test_frontend_messages_carry_both_screenshots_as_png_data_urls():
    _, user = frontend_messages(b"\x89PNG-agent", b"\x89PNG-target")
    text, agent, target = user["content"]
    assert text["type"] == "text"
    assert agent["image_url"]["url"] == "data:image/png;base64," + base64.b64encode(
        b"\x89PNG-agent"
    ).decode("ascii")
    assert target["image_url"]["url"].endswith(base64.b64encode(b"\x89PNG-target").decode())


def test_frontend_llm_simulator_refuses_the_text_only_local_engine(tiny_llm):
    with pytest.raises(LLMError, match="vision model"):
        FrontendLLMSimulator(tiny_llm)


def test_prompts_dir_override_replaces_the_wording(tmp_path, monkeypatch):
    (tmp_path / "backend_unknown_reply.txt").write_text("No idea, sorry.\n")
    monkeypatch.setenv("DUET_PROMPTS_DIR", str(tmp_path))
    assert render_prompt("backend_unknown_reply") == "No idea, sorry."
    with pytest.raises(PromptTemplateError, match="not found"):
        render_prompt("backend_agent_system", max_turns=10)


def test_template_placeholder_without_a_value_is_a_clear_error():
    with pytest.raises(PromptTemplateError, match=r"\$max_turns"):
        render_prompt("backend_agent_system")
