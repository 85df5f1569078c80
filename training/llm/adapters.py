"""Checks on peft LoRA adapter directories, shared by the backends that load them."""

from __future__ import annotations

import hashlib
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


def adapter_version_name(path: str) -> str:
    """A name that identifies one adapter version: the folder name plus a digest of its weights.

    Training runs all write their adapter to a folder called ``adapter``; naming a spec's adapter
    by the folder alone would attribute turns from different versions to the same name.
    """
    folder = Path(path)
    weights = next((folder / name for name in WEIGHT_FILES if (folder / name).is_file()), None)
    if weights is None:
        raise InvalidAdapter(f"{path} has no adapter weights (adapter_model.safetensors)")
    digest = hashlib.sha256()
    with open(weights, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return f"{folder.resolve().name}-{digest.hexdigest()[:8]}"
