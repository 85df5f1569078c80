"""Switching the active adapter mid-run: each agent turn records the adapter that produced it."""

import json
import subprocess
import sys

import pytest
from scripted_agent import one_torch_thread, shared_tiny_model

from training.colbench.rollouts import RolloutConfig, rollout
from training.colbench.simulators.backend_oracle import BackendOracleSimulator
from training.colbench.tasks import Task, write_tasks
from training.llm.pointer import AdapterPointerFile

TIP = (
    "def tip_amount(bill, service):\n"
    "    rates = {'poor': 0.05, 'ok': 0.12, 'great': 0.2}\n"
    "    return round(max(bill * rates.get(service, 0.12), 2.0), 2)"
)
TASKS = [
    Task(f"be-{i}", "backend", "I need a tip calculator.", TIP, {"t": "tip_amount(50, 'ok')"})
    for i in range(2)
]

_one_torch_thread = pytest.fixture(scope="module", autouse=True)(one_torch_thread)


@pytest.fixture(scope="module")
def model_with_two_adapters(tmp_path_factory):
    from training.llm.tiny_model import build_tiny_adapter

    base = shared_tiny_model(tmp_path_factory)
    root = tmp_path_factory.mktemp("adapters")
    adapters = {
        name: str(build_tiny_adapter(base, root / name, seed=seed))
        for name, seed in (("v1", 1), ("v2", 2))
    }
    return base, adapters


class SwitchAfterFirstRead(AdapterPointerFile):
    """A pointer file that another party rewrites right after the first agent call reads it."""

    def __init__(self, path, first: str, then: str):
        super().__init__(path)
        self.switch(first)
        self.then = then
        self.reads = 0

    def current(self):
        name = super().current()
        self.reads += 1
        if self.reads == 1:
            self.switch(self.then)
        return name


def test_pointer_file_is_reread_on_every_call(tmp_path):
    pointer = AdapterPointerFile(tmp_path / "active")
    assert pointer.current() is None
    pointer.switch("v1")
    assert pointer.current() == "v1"
    pointer.switch("v2")
    assert pointer.current() == "v2"
    pointer.switch(None)
    assert pointer.current() is None


def test_switching_the_active_adapter_mid_run_attributes_each_turn_to_its_adapter(
    model_with_two_adapters, tmp_path
):
    from training.llm.local import LocalLLM

    base, adapters = model_with_two_adapters
    agent = LocalLLM(base)
    for name, path in adapters.items():
        agent.load_adapter(name, path)
    pointer = SwitchAfterFirstRead(tmp_path / "active", first="v1", then="v2")
    config = RolloutConfig(k=1, max_tokens=6, seed=0)

    trajectories = rollout(
        TASKS, agent, {"backend": BackendOracleSimulator("bm25")}, config, adapter_pointer=pointer
    )

    for trajectory in trajectories:
        models = [turn.model for turn in trajectory.agent_turns]
        assert len(models) >= 2, "the episode must outlive the switch"
        assert models[0] == "v1"
        assert set(models[1:]) == {"v2"}


def test_simulate_cli_loads_adapters_and_follows_the_pointer_file(
    model_with_two_adapters, tmp_path
):
    base, adapters = model_with_two_adapters
    tasks = tmp_path / "tasks.jsonl"
    write_tasks(tasks, TASKS[:1])
    pointer = tmp_path / "active"
    pointer.write_text("v2\n")
    out = tmp_path / "rollouts.jsonl"
    command = [
        sys.executable, "-m", "training.cli", "simulate", "--tasks", str(tasks),
        "--agent", f"local:{base}", "--simulator", "oracle:bm25", "--max-tokens", "4",
        "--seed", "0", "--no-progress", "--out", str(out),
        "--load-adapter", f"v1={adapters['v1']}", "--load-adapter", f"v2={adapters['v2']}",
        "--active-adapter-file", str(pointer),
    ]  # fmt: skip
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=300, env={"OMP_NUM_THREADS": "1"}
    )
    assert result.returncode == 0, result.stderr
    row = json.loads(out.read_text().splitlines()[0])
    agent_turns = [turn for turn in row["dialogue_history"] if turn["role"] == "assistant"]
    assert agent_turns and {turn["model"] for turn in agent_turns} == {"v2"}


def test_simulate_cli_rejects_a_malformed_load_adapter(tmp_path):
    tasks = tmp_path / "tasks.jsonl"
    write_tasks(tasks, TASKS[:1])
    result = subprocess.run(
        [sys.executable, "-m", "training.cli", "simulate", "--tasks", str(tasks),
         "--load-adapter", "no-equals-sign", "--out", str(tmp_path / "o.jsonl")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--load-adapter: expected NAME=PATH" in result.stderr
