"""Simulated users for ColBench episodes: LLM-backed simulators and deterministic oracles.

``base`` defines the two interfaces (backend: answers questions from the hidden function; frontend:
compares the agent's page with the hidden page). Implementations: ``backend_oracle`` (embedding
retrieval over the ground truth, no LLM), ``frontend_oracle`` (image comparison, no LLM) and
``llm`` (any :class:`training.llm.LLM` driven by the prompt templates in ``prompts/``).
"""
