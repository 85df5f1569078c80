"""How Duet starts vLLM's OpenAI server (used by `duet serve vllm`, the tests and docker)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence


def vllm_command(
    model: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8100,
    max_loras: int = 4,
    max_lora_rank: int = 16,
    cpu: bool = True,
    served_name: str | None = None,
    extra: Sequence[str] = (),
) -> list[str]:
    """The argv of a vLLM OpenAI server with LoRA enabled.

    The served model name defaults to the directory name, which is what a ``vllm:`` spec names.
    On CPU the weights run in float32 (bf16 on CPU is slow and makes log-probs disagree with the
    local engine); the model's own context length is kept.
    """
    command = [
        sys.executable,
        "-m",
        "vllm.entrypoints.openai.api_server",
        "--model",
        model,
        "--served-model-name",
        served_name or os.path.basename(os.path.normpath(model)),
        "--host",
        host,
        "--port",
        str(port),
        "--enable-lora",
        "--max-loras",
        str(max_loras),
        "--max-lora-rank",
        str(max_lora_rank),
    ]
    if cpu:
        command += ["--dtype", "float32"]
    return [*command, *extra]


def vllm_environment(*, cpu: bool, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for the server: offline, runtime LoRA updates on, small KV cache on CPU."""
    env = dict(os.environ if base is None else base)
    env["VLLM_ALLOW_RUNTIME_LORA_UPDATING"] = "True"
    env["HF_HUB_OFFLINE"] = "1"
    env.setdefault("VLLM_NO_USAGE_STATS", "1")
    env.setdefault("DO_NOT_TRACK", "1")
    if cpu:
        env["VLLM_TARGET_DEVICE"] = "cpu"
        env.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
    return env
