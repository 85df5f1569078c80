"""Build the simulated users a command line names: ``oracle``, ``oracle:bm25`` or a model spec."""

from __future__ import annotations

from collections.abc import Iterable

from training.colbench.simulators.base import BackendSimulator, FrontendSimulator

ORACLE_SPECS = ("oracle", "oracle:bm25")


def make_simulators(
    spec: str, kinds: Iterable[str]
) -> dict[str, BackendSimulator | FrontendSimulator]:
    """One simulator per task kind in ``kinds``.

    ``oracle`` is the deterministic default (MiniLM retrieval for backend, page comparison for
    frontend); ``oracle:bm25`` swaps the backend retrieval for BM25. Anything else is a
    :mod:`training.llm` spec (``local:...``, ``vllm:...``, ``openai:...``) for the LLM simulators;
    one model serves both kinds.
    """
    kinds = sorted(set(kinds))
    simulators: dict[str, BackendSimulator | FrontendSimulator] = {}
    if spec in ORACLE_SPECS:
        if "backend" in kinds:
            from training.colbench.simulators.backend_oracle import BackendOracleSimulator

            retriever = "bm25" if spec == "oracle:bm25" else "embedding"
            simulators["backend"] = BackendOracleSimulator(retriever)
        if "frontend" in kinds:
            from training.colbench.simulators.frontend_oracle import FrontendOracleSimulator

            simulators["frontend"] = FrontendOracleSimulator()
        return simulators
    from training.colbench.simulators.llm import BackendLLMSimulator, FrontendLLMSimulator
    from training.llm.spec import load_llm

    llm = load_llm(spec)
    if "backend" in kinds:
        simulators["backend"] = BackendLLMSimulator(llm)
    if "frontend" in kinds:
        simulators["frontend"] = FrontendLLMSimulator(llm)
    return simulators
