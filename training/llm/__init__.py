"""One inference interface with local (transformers + peft), vLLM and OpenAI-compatible backends."""

from training.llm.base import (
    LLM,
    BackendUnavailable,
    Completion,
    ContextLengthExceeded,
    LLMError,
    SamplingParams,
    UnknownAdapter,
)

__all__ = [
    "LLM",
    "BackendUnavailable",
    "Completion",
    "ContextLengthExceeded",
    "LLMError",
    "SamplingParams",
    "UnknownAdapter",
]
