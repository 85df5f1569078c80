"""The one inference interface every part of Duet calls a model through.

Backends (``local``, ``vllm``, ``openai``) implement :class:`LLM`. Prompts are plain strings
already formatted with the model's chat template (see :meth:`LLM.chat_prompt`), so the exact text an
agent saw can be stored with each turn and replayed later for candidate sampling and scoring.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any


class LLMError(RuntimeError):
    """Base class for inference errors."""


class BackendUnavailable(LLMError):
    """The server cannot be reached or the model cannot be loaded."""


class UnknownAdapter(LLMError):
    """A request named an adapter that is not loaded."""


class ContextLengthExceeded(LLMError):
    """Prompt plus requested tokens do not fit the model's context window."""


class InvalidAdapter(LLMError):
    """An adapter directory is missing, malformed, or does not fit the base model."""


#: Pass as ``adapter=`` to run the base model even when the spec names a default adapter.
BASE_MODEL = "__base__"


@dataclass
class Completion:
    """One sampled continuation."""

    text: str
    token_logprobs: list[float] = field(default_factory=list)
    token_ids: list[int] = field(default_factory=list)
    finish_reason: str = "stop"
    model: str = ""
    """The base model or adapter name that produced this text."""


@dataclass
class SamplingParams:
    n: int = 1
    temperature: float = 1.0
    top_p: float = 1.0
    max_tokens: int = 256
    stop: Sequence[str] = ()
    seed: int | None = None


#: ``{"role": ..., "content": ...}``; content is a string or OpenAI-style content parts
#: (``[{"type": "text", "text": ...}, {"type": "image_url", "image_url": {"url": ...}}]``).
Message = dict[str, Any]


class LLM(ABC):
    """A chat model with optional LoRA adapters."""

    #: the spec string this backend was built from
    spec: str = ""

    @abstractmethod
    def chat_prompt(
        self, messages: Sequence[Message], *, add_generation_prompt: bool = True
    ) -> str:
        """Format messages with the model tokenizer's chat template."""

    @abstractmethod
    def generate(
        self,
        prompts: Sequence[str],
        params: SamplingParams | None = None,
        *,
        adapter: str | None = None,
    ) -> list[list[Completion]]:
        """Sample ``params.n`` completions for each prompt: ``result[i][j]`` is prompt i's j-th."""

    @abstractmethod
    def stream(
        self,
        prompt: str,
        params: SamplingParams | None = None,
        *,
        adapter: str | None = None,
    ) -> AsyncIterator[str]:
        """Stream one completion as text deltas."""

    @abstractmethod
    def score(self, prompt: str, continuation: str, *, adapter: str | None = None) -> list[float]:
        """Per-token log-probs of ``continuation`` given ``prompt`` (teacher forcing)."""

    @abstractmethod
    def load_adapter(self, name: str, path: str) -> None:
        """Make a peft LoRA adapter available under ``name``."""

    @abstractmethod
    def unload_adapter(self, name: str) -> None:
        """Remove an adapter; requests naming it afterwards raise :class:`UnknownAdapter`."""

    @abstractmethod
    def adapters(self) -> list[str]:
        """Names of the adapters currently loaded."""

    @property
    def default_adapter(self) -> str | None:
        """The adapter used when a request names none (from ``...@ADAPTER`` in the spec)."""
        return None

    def complete_chat(
        self, messages: Sequence[Message], params: SamplingParams | None = None
    ) -> Completion:
        """Convenience: format ``messages`` and sample one completion."""
        prompt = self.chat_prompt(messages)
        return self.generate([prompt], params or SamplingParams())[0][0]

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (threads, HTTP clients)."""
