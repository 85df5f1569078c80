"""Environments as state machines: reset/step, the protocol's endings, what the agent sees."""

import pytest
from scripted_agent import ScriptedAgent, ask_then_answer

from training.colbench.environments import (
    ENDED_BY_CONTEXT_LIMIT,
    BackendEnvironment,
    EpisodeStateError,
    FrontendEnvironment,
)
from training.colbench.rollouts import rollout
from training.colbench.simulators.backend_oracle import BackendOracleSimulator
from training.colbench.tasks import Task

GROUND_TRUTH = (
    "def library_late_fee(days_late, is_child):\n"
    "    if days_late <= 3:\n"
    "        return 0.0\n"
    "    fee = (days_late - 3) * 0.25\n"
    "    if is_child:\n"
    "        fee = fee / 2\n"
    "    return round(min(fee, 10.0), 2)\n"
)
BACKEND = Task(
    id="be-1",
    kind="backend",
    problem_description="I want a function for library late fees.",
    ground_truth=GROUND_TRUTH,
    test_cases={"t1": "library_late_fee(10, False)", "t2": "library_late_fee(2, True)"},
)
FRONTEND = Task(
    id="fe-1",
    kind="frontend",
    problem_description="I want a landing page for my bakery.",
    ground_truth="<html><body class='bg-pink-100'><h1>Secret Bakery</h1></body></html>",
)


@pytest.fixture(scope="module")
def bm25_oracle():
    return BackendOracleSimulator("bm25")


def test_reset_returns_the_vague_request_as_the_first_user_turn(bm25_oracle):
    env = BackendEnvironment(bm25_oracle)
    assert env.reset(BACKEND) == BACKEND.problem_description
    turns = env.trajectory.dialogue_history
    assert [(t.role, t.content) for t in turns] == [("user", BACKEND.problem_description)]


def test_step_with_a_question_returns_the_simulated_reply(bm25_oracle):
    env = BackendEnvironment(bm25_oracle)
    env.reset(BACKEND)
    result = env.step("Do children pay a different fee?")
    assert not result.done
    assert "is_child" in result.observation
    assert env.trajectory.dialogue_history[-1].content == result.observation


def test_answer_marker_ends_the_episode_and_sets_the_answer(bm25_oracle):
    env = BackendEnvironment(bm25_oracle)
    env.reset(BACKEND)
    result = env.step("I WANT TO ANSWER:\ndef library_late_fee(d, c):\n    return 0")
    assert result.done and result.observation is None
    assert result.info["ended_by"] == "answer"
    assert env.trajectory.answer == "\ndef library_late_fee(d, c):\n    return 0"
    assert env.trajectory.meta["agent_turns"] == 1


def test_episode_stops_after_ten_agent_turns_taking_the_last_as_is(bm25_oracle):
    env = BackendEnvironment(bm25_oracle)
    env.reset(BACKEND)
    for turn in range(1, 11):
        result = env.step(f"question number {turn}?")
    assert result.done and result.info["ended_by"] == "turn_limit"
    assert env.trajectory.answer == "question number 10?"
    assert len(env.trajectory.agent_turns) == 10
    assert len(env.trajectory.dialogue_history) == 20  # opening + 10 agent + 9 replies


def test_step_after_the_end_is_refused(bm25_oracle):
    env = BackendEnvironment(bm25_oracle)
    env.reset(BACKEND)
    env.step("I WANT TO ANSWER: def f(): pass")
    with pytest.raises(EpisodeStateError, match="over"):
        env.step("one more")


def test_step_before_reset_is_refused(bm25_oracle):
    with pytest.raises(EpisodeStateError, match="reset"):
        BackendEnvironment(bm25_oracle).step("hello?")


def test_a_second_agent_turn_before_the_reply_is_refused():
    env = BackendEnvironment()  # a live session: the person answers through observe()
    env.reset(BACKEND)
    env.act("What is the daily fee?")
    with pytest.raises(EpisodeStateError, match="reply"):
        env.act("And the cap?")
    env.observe("25 cents a day.")
    env.act("And the cap?")


def test_backend_replies_are_cut_at_400_characters():
    env = BackendEnvironment()
    env.reset(BACKEND)
    env.act("Tell me everything?")
    assert env.observe("y" * 900) == "y" * 400


def test_frontend_replies_are_cut_at_1000_characters():
    env = FrontendEnvironment()
    env.reset(FRONTEND)
    env.act("OUTPUT: <html><body>draft</body></html>")
    assert env.observe("z" * 1500) == "z" * 1000


def test_environment_rejects_a_task_of_the_other_kind():
    with pytest.raises(ValueError, match="backend"):
        BackendEnvironment().reset(FRONTEND)


def test_agent_turn_records_exact_prompt_raw_output_and_model(bm25_oracle):
    agent = ScriptedAgent(ask_then_answer("Is there a cap?", "I WANT TO ANSWER: def f(): pass"))
    (trajectory,) = rollout([BACKEND], agent, {"backend": bm25_oracle})
    first, second = trajectory.agent_turns
    assert first.input == agent.calls[0][0][0]
    assert second.input == agent.calls[1][0][0]
    assert first.output == first.content == "Is there a cap?"
    assert first.model == "scripted-agent"
    # the second prompt is the chat-formatted system prompt + the whole dialogue so far
    env = BackendEnvironment()
    env.reset(BACKEND)
    env.act("Is there a cap?")
    env.observe(trajectory.dialogue_history[2].content)
    assert second.input == agent.chat_prompt(env.agent_messages())


def test_hidden_information_never_reaches_the_agent_prompt(bm25_oracle):
    agent = ScriptedAgent(lambda prompt: "What is the fee per day? Is there a cap?")
    (trajectory,) = rollout([BACKEND], agent, {"backend": bm25_oracle})
    assert len(trajectory.agent_turns) == 10
    for turn in trajectory.agent_turns:
        assert GROUND_TRUTH not in turn.input
        assert "def library_late_fee" not in turn.input
        for call in BACKEND.test_cases.values():
            assert call not in turn.input


def test_frontend_turn_without_a_page_gets_the_fixed_reply_and_no_simulator_call():
    env = FrontendEnvironment()  # no simulator: would raise if one were needed
    env.reset(FRONTEND)
    result = env.step("What colours do you like?")
    assert not result.done
    assert "<html>" in result.observation
    assert env.pending_query() is None


def test_frontend_final_answer_is_the_last_page_shown():
    env = FrontendEnvironment()
    env.reset(FRONTEND)
    env.act("OUTPUT: <html><body>first</body></html>")
    assert env.pending_query().agent_html == "<html><body>first</body></html>"
    env.observe("Make it pink.")
    env.act("OUTPUT: <html><body class='bg-pink-100'>second</body></html>")
    env.observe("Better.")
    env.act("I WANT TO ANSWER: that's my final design.")
    assert env.done
    assert env.trajectory.answer == "<html><body class='bg-pink-100'>second</body></html>"


def test_frontend_simulator_is_asked_about_the_shown_page_only():
    env = FrontendEnvironment()
    env.reset(FRONTEND)
    env.act("notes <html><body>hidden draft</body></html> OUTPUT: <html><body>shown</body></html>")
    assert env.pending_query().agent_html == "<html><body>shown</body></html>"


def test_ending_for_the_context_limit_records_the_reason_and_no_backend_answer(bm25_oracle):
    env = BackendEnvironment(bm25_oracle)
    env.reset(BACKEND)
    env.step("Do children pay a different fee?")
    env.end(ENDED_BY_CONTEXT_LIMIT)
    assert env.done and env.trajectory.answer is None
    assert env.trajectory.meta == {"ended_by": "context_limit", "agent_turns": 1}
    with pytest.raises(EpisodeStateError):
        env.act("I WANT TO ANSWER: def library_late_fee(d, c): return 0.0")


def test_ending_for_the_context_limit_keeps_the_last_frontend_page_as_the_answer():
    env = FrontendEnvironment()
    env.reset(FRONTEND)
    env.act("OUTPUT: <html><body>draft</body></html>")
    env.observe("Make it pink.")
    env.end(ENDED_BY_CONTEXT_LIMIT)
    assert env.trajectory.answer == "<html><body>draft</body></html>"
    assert env.trajectory.meta["ended_by"] == "context_limit"


def test_ending_while_a_reply_is_owed_is_refused():
    env = FrontendEnvironment()
    env.reset(FRONTEND)
    env.act("OUTPUT: <html><body>draft</body></html>")
    with pytest.raises(EpisodeStateError, match="reply"):
        env.end(ENDED_BY_CONTEXT_LIMIT)
