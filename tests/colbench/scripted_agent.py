"""A scripted agent for environment and rollout tests: a real :class:`LLM` whose replies come from
a function of the prompt. It stands in for the AGENT only; environments, simulators and scoring
under test are the real ones."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence

from training.llm.base import (
    LLM,
    Completion,
    ContextLengthExceeded,
    LLMError,
    Message,
    SamplingParams,
)


class ScriptedAgent(LLM):
    """``respond(prompt)`` decides each reply. Records every generate call (prompts, params)."""

    def __init__(self, respond: Callable[[str], str], name: str = "scripted-agent"):
        self.respond = respond
        self.spec = f"scripted:{name}"
        self.name = name
        self.calls: list[tuple[list[str], SamplingParams]] = []

    def chat_prompt(self, messages: Sequence[Message], *, add_generation_prompt: bool = True):
        text = "".join(f"<|{m['role']}|>\n{m['content']}\n" for m in messages)
        return text + ("<|assistant|>\n" if add_generation_prompt else "")

    def generate(self, prompts, params=None, *, adapter=None) -> list[list[Completion]]:
        params = params or SamplingParams()
        self.calls.append((list(prompts), params))
        return [
            [Completion(text=self.respond(p), model=self.name) for _ in range(params.n)]
            for p in prompts
        ]

    async def stream(self, prompt, params=None, *, adapter=None) -> AsyncIterator[str]:
        yield self.respond(prompt)

    def score(self, prompt: str, continuation: str, *, adapter=None) -> list[float]:
        raise LLMError("a scripted agent has no probabilities")

    def load_adapter(self, name: str, path: str) -> None:
        raise LLMError("a scripted agent has no adapters")

    def unload_adapter(self, name: str) -> None:
        raise LLMError("a scripted agent has no adapters")

    def adapters(self) -> list[str]:
        return []


class WindowedAgent(ScriptedAgent):
    """A scripted agent with a context window of ``window`` characters. Like every backend, it
    refuses a whole ``generate`` call when any one prompt does not fit; refused calls are not
    recorded in ``calls``."""

    def __init__(self, respond: Callable[[str], str], window: int, name: str = "windowed"):
        super().__init__(respond, name)
        self.window = window
        self.refused = 0

    def generate(self, prompts, params=None, *, adapter=None) -> list[list[Completion]]:
        longest = max((len(p) for p in prompts), default=0)
        if longest > self.window:
            self.refused += 1
            raise ContextLengthExceeded(f"prompt is {longest} chars; the window is {self.window}")
        return super().generate(prompts, params, adapter=adapter)


def agent_turns_in(prompt: str) -> int:
    """How many agent turns a ScriptedAgent prompt already holds."""
    return prompt.count("<|assistant|>\n") - 1


def ask_then_answer(question: str, answer: str) -> Callable[[str], str]:
    """First turn: ``question``; every later turn: ``answer``."""
    return lambda prompt: question if agent_turns_in(prompt) == 0 else answer


def shared_tiny_model(tmp_path_factory) -> str:
    """A tiny random-init chat model built once per test session (several modules use it)."""
    from training.llm.tiny_model import SEED_TEXT, build_tiny_model

    path = tmp_path_factory.getbasetemp() / "colbench-tiny-agent"
    if not (path / "config.json").is_file():
        corpus = [SEED_TEXT, "What is the fee per day? Is there a cap? I don't know."] * 3
        build_tiny_model(path, corpus, seed=0)
    return str(path)


def one_torch_thread():
    """Generator for a fixture: small models gain nothing from intra-op threads, and on a busy
    2-core box the threads only contend (MiniLM calibration: 43 s by default, 6 s with one)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
