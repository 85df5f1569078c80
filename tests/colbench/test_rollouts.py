"""Rollouts: k episodes per task, batched agent calls, sampling settings, both kinds end to end."""

import pytest
from scripted_agent import (
    ScriptedAgent,
    WindowedAgent,
    agent_turns_in,
    ask_then_answer,
    one_torch_thread,
    shared_tiny_model,
)

from training.colbench.environments import BackendEnvironment
from training.colbench.rollouts import RolloutConfig, rollout
from training.colbench.simulators.backend_oracle import BackendOracleSimulator
from training.colbench.tasks import Task

TIP = (
    "def tip_amount(bill, service):\n"
    "    rates = {'poor': 0.05, 'ok': 0.12, 'great': 0.2}\n"
    "    tip = bill * rates.get(service, 0.12)\n"
    "    return round(max(tip, 2.0), 2)"
)
BACKEND_TASKS = [
    Task(f"be-{i}", "backend", "I need a tip calculator.", TIP, {"t": "tip_amount(50, 'ok')"})
    for i in range(3)
]
FRONTEND = Task(
    "fe-1",
    "frontend",
    "I want a page for my bakery.",
    "<html><head></head><body class='bg-pink-100'><h1 class='text-4xl'>Rose Bakery</h1>"
    "<p>Fresh bread daily.</p></body></html>",
)

_one_torch_thread = pytest.fixture(scope="module", autouse=True)(one_torch_thread)


@pytest.fixture(scope="module")
def bm25_oracle():
    return BackendOracleSimulator("bm25")


def test_k_rollouts_per_task_come_in_task_order_with_their_index(bm25_oracle):
    agent = ScriptedAgent(lambda prompt: "I WANT TO ANSWER: def tip_amount(b, s): return 2.0")
    trajectories = rollout(BACKEND_TASKS, agent, {"backend": bm25_oracle}, RolloutConfig(k=2))
    assert [(t.task.id, t.meta["rollout"]) for t in trajectories] == [
        ("be-0", 0), ("be-0", 1), ("be-1", 0), ("be-1", 1), ("be-2", 0), ("be-2", 1)
    ]  # fmt: skip
    assert all(t.meta["simulator"] == "oracle:bm25" for t in trajectories)


def test_agent_generations_are_batched_across_episodes(bm25_oracle):
    agent = ScriptedAgent(ask_then_answer("What tip for great service?", "I WANT TO ANSWER: x"))
    rollout(BACKEND_TASKS, agent, {"backend": bm25_oracle}, RolloutConfig(k=2, batch_size=4))
    assert [len(prompts) for prompts, _ in agent.calls] == [4, 2, 4, 2]


def test_temperature_is_one_for_best_of_n_and_greedy_for_a_single_rollout(bm25_oracle):
    answer = "I WANT TO ANSWER: def tip_amount(b, s): return 2.0"
    agent = ScriptedAgent(lambda prompt: answer)
    rollout(BACKEND_TASKS[:1], agent, {"backend": bm25_oracle}, RolloutConfig(k=3, seed=7))
    rollout(BACKEND_TASKS[:1], agent, {"backend": bm25_oracle}, RolloutConfig(k=1))
    (_, best_of_n), (_, single) = agent.calls
    assert best_of_n.temperature == 1.0 and best_of_n.seed is not None
    assert single.temperature == 0.0


def test_a_task_kind_without_a_simulator_is_refused(bm25_oracle):
    with pytest.raises(ValueError, match="no simulator for frontend"):
        rollout([FRONTEND], ScriptedAgent(str), {"backend": bm25_oracle})


def test_backend_episode_with_the_oracle_runs_end_to_end():
    answer = "I WANT TO ANSWER:\n" + TIP.replace("tip = ", "tip_value = ").replace(
        "max(tip,", "max(tip_value,"
    )
    agent = ScriptedAgent(ask_then_answer("Is there a minimum tip?", answer))
    (trajectory,) = rollout(BACKEND_TASKS[:1], agent, {"backend": BackendOracleSimulator()})
    roles = [turn.role for turn in trajectory.dialogue_history]
    assert roles == ["user", "assistant", "user", "assistant"]
    assert "minimum of 2.0" in trajectory.dialogue_history[2].content
    assert trajectory.answer == answer.removeprefix("I WANT TO ANSWER:")
    assert trajectory.meta["ended_by"] == "answer" and trajectory.meta["simulator"] == "oracle"


@pytest.mark.browser
def test_frontend_episode_with_the_oracle_runs_end_to_end():
    from training.colbench.simulators.frontend_oracle import FrontendOracleSimulator

    draft = "<html><body class='bg-blue-900'><p>Bakery</p></body></html>"
    final = FRONTEND.ground_truth

    def respond(prompt: str) -> str:
        if agent_turns_in(prompt) == 0:
            return f"A first idea.\nOUTPUT: How is this? {draft}"
        return f"OUTPUT: I WANT TO ANSWER: {final}"

    simulator = FrontendOracleSimulator()
    (trajectory,) = rollout([FRONTEND], ScriptedAgent(respond), {"frontend": simulator})
    reply = trajectory.dialogue_history[2]
    assert reply.role == "user" and 0 < len(reply.content) <= 1000
    assert trajectory.answer == final
    assert trajectory.meta["ended_by"] == "answer"


# ------------------------------------------------------------------------- context window

LONG_QUESTION = "Could you tell me more about the tip? " * 60  # ~2,300 characters
ANSWER = "I WANT TO ANSWER: def tip_amount(b, s): return 2.0"
CHATTY = Task("be-chatty", "backend", "I need a tip calculator, please.", TIP, {"t": "tip(1)"})


def _first_prompt_length(agent: ScriptedAgent, task: Task) -> int:
    env = BackendEnvironment()
    env.reset(task)
    return len(agent.chat_prompt(env.agent_messages()))


def _chatty_or_brief(prompt: str) -> str:
    """The chatty task's agent keeps asking long questions; the others ask once, then answer."""
    if "please." in prompt:
        return LONG_QUESTION
    return "Is there a minimum tip?" if agent_turns_in(prompt) == 0 else ANSWER


def _windowed_agent() -> WindowedAgent:
    probe = ScriptedAgent(str)
    first = max(_first_prompt_length(probe, task) for task in [CHATTY, *BACKEND_TASKS])
    # room for a short question and the person's reply (<= 400 characters), not a long question
    return WindowedAgent(_chatty_or_brief, window=first + 1_000)


def test_an_episode_whose_next_prompt_does_not_fit_ends_with_context_limit(bm25_oracle):
    agent = _windowed_agent()
    chatty, *_ = rollout([CHATTY, *BACKEND_TASKS], agent, {"backend": bm25_oracle})
    assert chatty.meta["ended_by"] == "context_limit"
    assert [turn.content for turn in chatty.agent_turns] == [LONG_QUESTION]
    assert chatty.answer is None


def test_a_context_overflow_leaves_the_other_episodes_of_the_batch_unaffected(bm25_oracle):
    agent = _windowed_agent()
    _, *others = rollout([CHATTY, *BACKEND_TASKS], agent, {"backend": bm25_oracle})
    assert [t.meta["ended_by"] for t in others] == ["answer"] * 3
    assert all(t.answer == ANSWER.removeprefix("I WANT TO ANSWER:") for t in others)
    assert all(len(t.agent_turns) == 2 for t in others)


def test_a_refused_batch_is_split_so_the_prompts_that_fit_still_share_calls(bm25_oracle):
    agent = _windowed_agent()
    rollout([CHATTY, *BACKEND_TASKS], agent, {"backend": bm25_oracle}, RolloutConfig(seed=3))
    # round 1: all four in one call; round 2: [chatty, be-0] refused, [chatty] refused,
    # then [be-0] and [be-1, be-2] answered in two calls rather than three
    assert [len(prompts) for prompts, _ in agent.calls] == [4, 1, 2]
    assert agent.refused == 3
    seeds = [params.seed for _, params in agent.calls[1:]]
    assert len(set(seeds)) == 2, "the halves of a split call must not share a seed"


def test_the_local_backend_context_window_ends_only_the_episode_too_long_for_it(
    tmp_path_factory, bm25_oracle
):
    from training.llm.local import LocalLLM

    agent = LocalLLM(shared_tiny_model(tmp_path_factory), device="cpu")
    too_long = Task(
        "be-long", "backend", "I need a tip calculator. " * 1_500, TIP, {"t": "tip_amount(1, 'ok')"}
    )
    config = RolloutConfig(max_tokens=4, seed=0)
    long_one, short_one = rollout(
        [too_long, BACKEND_TASKS[0]], agent, {"backend": bm25_oracle}, config
    )
    assert len(agent.encode(too_long.problem_description)) > agent.context_length
    assert long_one.meta["ended_by"] == "context_limit" and long_one.agent_turns == []
    assert short_one.meta["ended_by"] in {"answer", "turn_limit"}
    assert short_one.agent_turns
