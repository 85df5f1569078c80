"""Checks on peft LoRA adapter directories, shared by the backends that load them."""

from __future__ import annotations

import json
from pathlib import Path

from training.llm.base import InvalidAdapter

WEIGHT_FILES = ("adapter_model.safetensors", "adapter_model.bin")


def check_adapter_dir(path: str) -> dict:
    """Refuse obviously wrong adapter directories before touching a model; return the config."""
    config_file = Path(path) / "adapter_config.json"
    if not config_file.is_file():
        raise InvalidAdapter(f"{path} is not a peft adapter (no adapter_config.json)")
    try:
        config = json.loads(config_file.read_text())
    except json.JSONDecodeError as error:
        raise InvalidAdapter(f"{config_file} is not valid JSON: {error}") from error
    if not isinstance(config, dict) or config.get("peft_type") != "LORA":
        kind = config.get("peft_type") if isinstance(config, dict) else None
        raise InvalidAdapter(f"{path} is a {kind} adapter; only LoRA is supported")
    if not any((Path(path) / name).is_file() for name in WEIGHT_FILES):
        raise InvalidAdapter(f"{path} has no adapter weights (adapter_model.safetensors)")
    return config
