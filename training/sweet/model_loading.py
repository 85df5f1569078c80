"""Load tokenizers and trainable models (LoRA via peft, or full fine-tune) from a policy spec."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from training.sweet.config import ModelConfig

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


class ModelSpecError(ValueError):
    """A policy spec that does not name local weights training can load."""


@dataclass(frozen=True)
class ModelRef:
    """Local weights: a base checkpoint folder and an optional peft adapter folder on top."""

    path: Path
    adapter: Path | None = None

    @property
    def spec(self) -> str:
        return f"local:{self.path}" + (f"@{self.adapter}" if self.adapter else "")


def parse_model_spec(spec: str) -> ModelRef:
    """``local:PATH[@ADAPTER]`` or a bare folder. Training needs weights on disk, not a server."""
    body = spec
    if ":" in spec.split("@", 1)[0] and not Path(spec).exists():
        scheme, body = spec.split(":", 1)
        if scheme != "local":
            raise ModelSpecError(
                f"{spec}: training needs local weights (local:PATH[@ADAPTER]), "
                f"not a {scheme} backend"
            )
    path, _, adapter = body.partition("@")
    ref = ModelRef(Path(path), Path(adapter) if adapter else None)
    if not (ref.path / "config.json").is_file():
        raise ModelSpecError(f"{spec}: {ref.path} is not a model folder (no config.json)")
    if ref.adapter is not None and not (ref.adapter / "adapter_config.json").is_file():
        raise ModelSpecError(f"{spec}: {ref.adapter} is not a peft adapter folder")
    return ref


def load_tokenizer(ref: ModelRef) -> Any:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(ref.path))
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    if not getattr(tokenizer, "chat_template", None):
        raise ModelSpecError(f"{ref.path}: tokenizer has no chat template")
    return tokenizer


def load_base_model(ref: ModelRef, cfg: ModelConfig, *, merge_adapter: bool = True) -> Any:
    """The base checkpoint, with the spec's adapter merged in (the policy as it is now)."""
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(
        str(ref.path), dtype=DTYPES[cfg.dtype], attn_implementation=cfg.attn_implementation
    )
    if ref.adapter is not None and merge_adapter:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(ref.adapter)).merge_and_unload()
    return model


def load_trainable(
    ref: ModelRef, cfg: ModelConfig, *, continue_adapter: bool = False, seed: int = 0
) -> Any:
    """A model to train. LoRA: a fresh adapter on the (merged) policy, or the spec's adapter
    continued when ``continue_adapter``; full fine-tune: all weights trainable. A fresh adapter's
    random init is drawn from ``seed``, so the same config always starts from the same weights."""
    from peft import PeftModel

    if cfg.lora and continue_adapter and ref.adapter is not None:
        base = load_base_model(ref, cfg, merge_adapter=False)
        model = PeftModel.from_pretrained(base, str(ref.adapter), is_trainable=True)
    else:
        model = load_base_model(ref, cfg)
        if cfg.lora:
            model = apply_lora(model, cfg, seed=seed)
    return training_mode(model, cfg)


def training_mode(model: Any, cfg: ModelConfig) -> Any:
    """Gradient checkpointing, no KV cache, and ``torch.compile`` as the config asks."""
    if cfg.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        if cfg.lora:
            model.enable_input_require_grads()
    model.config.use_cache = False
    if cfg.compile:  # in place: the module keeps its type (peft helpers, saving) but runs compiled
        model.compile(dynamic=True)
    return model


def apply_lora(model: Any, cfg: ModelConfig, *, seed: int = 0) -> Any:
    """Wrap ``model`` with a fresh LoRA adapter; its random init is drawn from ``seed``."""
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(
        r=cfg.lora_r,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
        target_modules=list(cfg.target_modules),
        task_type="CAUSAL_LM",
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return get_peft_model(model, lora)


def frozen_reference(ref: ModelRef, cfg: ModelConfig) -> Any:
    """A separate frozen copy (used for full fine-tunes; LoRA disables its adapter instead)."""
    model = load_base_model(ref, cfg)
    model.eval()
    for param in model.parameters():
        param.requires_grad_(False)
    return model


def trainable_parameters(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {n: p for n, p in model.named_parameters() if p.requires_grad}
