"""Rollouts appended to their file as episodes end: an interrupted run keeps them; a rerun
resumes."""

import json

import pytest
from scripted_agent import ScriptedAgent, WindowedAgent, agent_turns_in

from training.colbench.environments import BackendEnvironment
from training.colbench.rollout_file import ResumableRollout, ResumeMismatch
from training.colbench.rollouts import RolloutConfig
from training.colbench.simulators.backend_oracle import BackendOracleSimulator
from training.colbench.tasks import Task
from training.colbench.trajectories import load_trajectories

TIP = "def tip_amount(bill):\n    return round(max(bill * 0.12, 2.0), 2)"
ANSWER = "I WANT TO ANSWER: def tip_amount(bill): return 2.0"
# Task be-i's agent answers on its turn i + 1, so episodes end one per round.
TASKS = [
    Task(f"be-{i}", "backend", f"I need a tip tool (answer on turn {i + 1}).", TIP, {"t": "f()"})
    for i in range(3)
]


def answer_on_the_named_turn(prompt: str) -> str:
    for task_number in range(len(TASKS)):
        if f"(answer on turn {task_number + 1})" in prompt:
            return ANSWER if agent_turns_in(prompt) >= task_number else "Any minimum tip?"
    raise AssertionError("unknown task")


class InterruptedAgent(ScriptedAgent):
    """Behaves like a Ctrl-C arriving during its ``calls_before_interrupt + 1``-th call."""

    def __init__(self, calls_before_interrupt: int):
        super().__init__(answer_on_the_named_turn)
        self.left = calls_before_interrupt

    def generate(self, prompts, params=None, *, adapter=None):
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        return super().generate(prompts, params, adapter=adapter)


@pytest.fixture(scope="module")
def simulators():
    return {"backend": BackendOracleSimulator("bm25")}


def keys_in(path) -> list[tuple[str, int]]:
    return [(t.task.id, t.meta["rollout"]) for t in load_trajectories(path)]


def interrupted_run(path, simulators, *, calls: int, k: int = 1) -> None:
    run = ResumableRollout(path, TASKS, InterruptedAgent(calls), simulators, RolloutConfig(k=k))
    with pytest.raises(KeyboardInterrupt):
        run.run()


def test_an_interrupted_run_keeps_every_episode_that_ended_before_the_interrupt(
    tmp_path, simulators
):
    out = tmp_path / "sim.jsonl"
    interrupted_run(out, simulators, calls=2, k=2)
    assert keys_in(out) == [("be-0", 0), ("be-0", 1), ("be-1", 0), ("be-1", 1)]


def test_a_rerun_skips_the_episodes_in_the_file_and_runs_only_the_rest(tmp_path, simulators):
    out = tmp_path / "sim.jsonl"
    interrupted_run(out, simulators, calls=2)
    agent = ScriptedAgent(answer_on_the_named_turn)
    run = ResumableRollout(out, TASKS, agent, simulators, RolloutConfig())
    assert run.skipped == 2 and run.pending == 1
    summary = run.run()
    assert (summary.skipped, summary.written, summary.episodes) == (2, 1, 3)
    assert all("(answer on turn 3)" in p for prompts, _ in agent.calls for p in prompts)


def test_a_resumed_file_holds_each_episode_once_in_task_order(tmp_path, simulators):
    out = tmp_path / "sim.jsonl"
    interrupted_run(out, simulators, calls=1, k=2)  # be-0's two rollouts end first
    ResumableRollout(
        out, TASKS, ScriptedAgent(answer_on_the_named_turn), simulators, RolloutConfig(k=2)
    ).run()
    assert keys_in(out) == [(task.id, index) for task in TASKS for index in (0, 1)]


def test_a_torn_last_line_is_dropped_and_its_episode_runs_again(tmp_path, simulators):
    out = tmp_path / "sim.jsonl"
    interrupted_run(out, simulators, calls=2)
    lines = out.read_text().splitlines(keepends=True)
    out.write_text(lines[0] + lines[1][: len(lines[1]) // 2])  # killed while writing be-1
    run = ResumableRollout(
        out, TASKS, ScriptedAgent(answer_on_the_named_turn), simulators, RolloutConfig()
    )
    assert run.skipped == 1
    run.run()
    assert keys_in(out) == [("be-0", 0), ("be-1", 0), ("be-2", 0)]


def test_a_rerun_with_another_seed_is_refused_before_running(tmp_path, simulators):
    out = tmp_path / "sim.jsonl"
    interrupted_run(out, simulators, calls=1)
    before = out.read_bytes()
    agent = ScriptedAgent(answer_on_the_named_turn)
    with pytest.raises(ResumeMismatch, match="seed"):
        ResumableRollout(out, TASKS, agent, simulators, RolloutConfig(seed=5))
    assert out.read_bytes() == before and agent.calls == []


def test_rows_the_run_does_not_own_are_kept_after_its_own(tmp_path, simulators):
    out = tmp_path / "sim.jsonl"
    interrupted_run(out, simulators, calls=1)
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    foreign = dict(row, task=dict(row["task"], id="other-task"), note="kept")
    with out.open("a") as handle:
        handle.write(json.dumps(foreign) + "\n")
    agent = ScriptedAgent(answer_on_the_named_turn)
    ResumableRollout(out, TASKS, agent, simulators, RolloutConfig()).run()
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["task"]["id"] for r in rows] == ["be-0", "be-1", "be-2", "other-task"]
    assert rows[-1] == foreign


def test_the_summary_counts_every_episode_of_the_run_by_how_it_ended(tmp_path, simulators):
    out = tmp_path / "sim.jsonl"
    interrupted_run(out, simulators, calls=1)  # be-0 answered

    def respond(prompt: str) -> str:
        if "(answer on turn 2)" in prompt:
            return "Tell me everything about tips. " * 100  # its next prompt will not fit
        return "What about rounding?"  # be-2 asks until the turn limit

    env = BackendEnvironment()
    env.reset(TASKS[2])
    first = len(ScriptedAgent(str).chat_prompt(env.agent_messages()))
    # ten short questions and replies (<= 400 characters each) fit; two long questions do not
    agent = WindowedAgent(respond, window=first + 5_000, name="scripted-agent")
    config = RolloutConfig()
    summary = ResumableRollout(out, TASKS, agent, simulators, config).run()
    assert summary.ended_by == {"answer": 1, "context_limit": 1, "turn_limit": 1}
    assert [t.meta["ended_by"] for t in load_trajectories(out)] == [
        "answer",
        "context_limit",
        "turn_limit",
    ]
