"""Where Duet keeps its files: models, renders, checkpoints, runs.

The root is ``DUET_DATA_DIR`` (default ``var/`` in the repository).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The data directory, created on first use. Relative values are taken from the repo root."""
    path = Path(os.environ.get("DUET_DATA_DIR", "var"))
    if not path.is_absolute():
        path = REPO_ROOT / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    return data_dir() / "models"


def default_agent_path() -> Path:
    """The tiny agent model built by ``duet models bootstrap``."""
    return models_dir() / "tiny-agent"


def bundled_tasks_dir() -> Path:
    return REPO_ROOT / "data" / "colbench"


def prompts_dir() -> Path:
    """Prompt templates; ``DUET_PROMPTS_DIR`` overrides the bundled ones."""
    return Path(os.environ.get("DUET_PROMPTS_DIR", REPO_ROOT / "prompts"))
