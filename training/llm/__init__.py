"""One inference interface with local (transformers + peft), vLLM and OpenAI-compatible backends."""

from training.llm.base import (
    BASE_MODEL,
    LLM,
    BackendUnavailable,
    Completion,
    ContextLengthExceeded,
    InvalidAdapter,
    LLMError,
    SamplingParams,
    UnknownAdapter,
)
from training.llm.spec import load_llm, parse_spec

__all__ = [
    "BASE_MODEL",
    "LLM",
    "BackendUnavailable",
    "Completion",
    "ContextLengthExceeded",
    "InvalidAdapter",
    "LLMError",
    "SamplingParams",
    "UnknownAdapter",
    "load_llm",
    "parse_spec",
]
