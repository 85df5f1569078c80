"""The tokenizer of the shared tiny model (tests/conftest.py) and small trajectory files for the
baselines' commands, in the official format with the exact prompts an episode records."""

from __future__ import annotations

import pytest
import torch

torch.set_num_threads(1)  # 2 shared cores: one thread per test process is fastest


@pytest.fixture(scope="session")
def tokenizer(tiny_model_dir):
    from training.sweet.model_loading import load_tokenizer, parse_model_spec

    return load_tokenizer(parse_model_spec(f"local:{tiny_model_dir}"))
