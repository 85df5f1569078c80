"""Fixtures shared across test packages."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory):
    """One tiny random-init Llama chat model with a BPE tokenizer trained on the project's own task
    text, built offline once per test session (tests/llm builds its own on a fixed corpus)."""
    from training.llm.tiny_model import build_tiny_model, project_texts

    return build_tiny_model(tmp_path_factory.mktemp("models") / "tiny", project_texts(), seed=0)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """No persistent connections in tests: sockets' database calls run in the event loop's thread
    pool (webapp.collab.consumers.in_thread), whose threads would otherwise still hold the test
    database when pytest-django drops it."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
