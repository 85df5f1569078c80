"""Small MiniColBench task sets shared by the tests (generation is cheap, the oracle is not)."""

from __future__ import annotations

import pytest

from training.minicolbench.generate import MiniTask, generate


@pytest.fixture(scope="session")
def one_per_family() -> list[MiniTask]:
    """One test-split task of every family."""
    return [t for t in generate(7, 0, 12) if t.task.split == "test"]


@pytest.fixture(scope="session")
def oracle():
    """The project's backend oracle with its default (embedding) retriever."""
    from training.colbench.simulators.backend_oracle import BackendOracleSimulator

    return BackendOracleSimulator()
