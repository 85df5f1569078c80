"""The vLLM backend: HTTP to vLLM's OpenAI server (spec ``vllm:http://HOST:PORT/MODEL[@ADAPTER]``).

Endpoints used:

- ``POST /v1/completions``: sampling (``logprobs=0`` + ``return_token_ids`` give each sampled
  token's id and raw log-prob), streaming (``stream=true``, server-sent events) and scoring
  (``prompt_logprobs=0`` with ``max_tokens=1`` on the token ids of prompt + continuation).
- ``POST /tokenize``: the server's tokenization for ``score``'s boundary and for ``chat_prompt``
  (``messages`` in, chat-formatted token ids out), ``POST /detokenize`` to turn those into text.
- ``POST /v1/load_lora_adapter`` / ``/v1/unload_lora_adapter`` (the server must run with
  ``VLLM_ALLOW_RUNTIME_LORA_UPDATING=True``, as ``duet serve vllm`` does), ``GET /v1/models``.

A request picks an adapter by sending its name as ``model``; the base model is the served name.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import AsyncIterator, Sequence

import httpx

from training.llm.adapters import check_adapter_dir
from training.llm.base import (
    BASE_MODEL,
    LLM,
    BackendUnavailable,
    Completion,
    InvalidAdapter,
    LLMError,
    Message,
    SamplingParams,
    UnknownAdapter,
)
from training.llm.http_errors import error_message, raise_for_status, reachable
from training.llm.tokens import continuation_start


class VLLMClient(LLM):
    """A model served by vLLM; adapters are vLLM's runtime-loaded LoRA modules."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        default_adapter: str | None = None,
        spec: str | None = None,
        timeout: float = 600.0,
        connect_timeout: float = 5.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.spec = spec or f"vllm:{self.base_url}/{model}"
        self._default_adapter = default_adapter
        self._timeout = httpx.Timeout(timeout, connect=connect_timeout)
        self._http = httpx.Client(base_url=self.base_url, timeout=self._timeout)

    # -- plumbing ------------------------------------------------------------------------------

    def _post(self, path: str, body: dict, *, what: str, adapter: str | None = None) -> dict:
        with reachable(self.base_url):
            response = self._http.post(path, json=body)
        raise_for_status(response, what=what, adapter=adapter)
        return response.json()

    def _model_for(self, adapter: str | None) -> tuple[str, str | None]:
        """(the ``model`` field to send, the adapter name or None for the base model)."""
        name = self._default_adapter if adapter is None else adapter
        if name is None or name == BASE_MODEL:
            return self.model, None
        return name, name

    def health(self) -> bool:
        """True when the server answers ``/health`` with 200."""
        try:
            return self._http.get("/health", timeout=5.0).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self, timeout: float = 300.0, interval: float = 1.0) -> None:
        """Block until ``/health`` answers, or raise :class:`BackendUnavailable`."""
        deadline = time.monotonic() + timeout
        while not self.health():
            if time.monotonic() > deadline:
                raise BackendUnavailable(f"{self.base_url} not healthy after {timeout:.0f} s")
            time.sleep(interval)

    @property
    def default_adapter(self) -> str | None:
        return self._default_adapter

    def close(self) -> None:
        self._http.close()

    # -- prompts -------------------------------------------------------------------------------

    def chat_prompt(
        self, messages: Sequence[Message], *, add_generation_prompt: bool = True
    ) -> str:
        """The served model's chat template applied by the server itself."""
        tokens = self._post(
            "/tokenize",
            {
                "model": self.model,
                "messages": list(messages),
                "add_generation_prompt": add_generation_prompt,
                "add_special_tokens": False,
            },
            what="chat template",
        )["tokens"]
        return self.detokenize(tokens)

    def tokenize(self, text: str) -> list[int]:
        body = {"model": self.model, "prompt": text, "add_special_tokens": False}
        return self._post("/tokenize", body, what="tokenize")["tokens"]

    def detokenize(self, tokens: list[int]) -> str:
        body = {"model": self.model, "tokens": tokens}
        return self._post("/detokenize", body, what="detokenize")["prompt"]

    # -- sampling ------------------------------------------------------------------------------

    def _completion_body(self, prompt, params: SamplingParams, model: str) -> dict:
        body = {
            "model": model,
            "prompt": prompt,
            "n": params.n,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "max_tokens": params.max_tokens,
            "stop": list(params.stop),
            "logprobs": 0,
            "return_token_ids": True,
            "add_special_tokens": False,
        }
        if params.seed is not None:
            body["seed"] = params.seed
        return body

    def generate(
        self,
        prompts: Sequence[str],
        params: SamplingParams | None = None,
        *,
        adapter: str | None = None,
    ) -> list[list[Completion]]:
        params = params or SamplingParams()
        if not prompts:
            return []
        model, adapter_name = self._model_for(adapter)
        data = self._post(
            "/v1/completions",
            self._completion_body(list(prompts), params, model),
            what="completion",
            adapter=adapter_name,
        )
        choices = sorted(data["choices"], key=lambda choice: choice["index"])
        if len(choices) != len(prompts) * params.n:
            raise LLMError(f"expected {len(prompts) * params.n} choices, got {len(choices)}")
        completions = [_completion(choice, data.get("model", model)) for choice in choices]
        return [completions[i * params.n : (i + 1) * params.n] for i in range(len(prompts))]

    async def stream(
        self,
        prompt: str,
        params: SamplingParams | None = None,
        *,
        adapter: str | None = None,
    ) -> AsyncIterator[str]:
        params = params or SamplingParams()
        model, adapter_name = self._model_for(adapter)
        body = self._completion_body(prompt, params, model) | {"n": 1, "stream": True}
        async with httpx.AsyncClient(base_url=self.base_url, timeout=self._timeout) as client:
            with reachable(self.base_url):
                async with client.stream("POST", "/v1/completions", json=body) as response:
                    if not response.is_success:
                        await response.aread()
                        raise_for_status(response, what="stream", adapter=adapter_name)
                    async for line in response.aiter_lines():
                        event = _sse_data(line)
                        if event is None:
                            continue
                        if event == "[DONE]":
                            return
                        payload = json.loads(event)
                        if "error" in payload:
                            raise LLMError(f"stream: {error_message(event)}")
                        for choice in payload.get("choices", []):
                            if choice.get("text"):
                                yield choice["text"]

    # -- scoring -------------------------------------------------------------------------------

    def score(self, prompt: str, continuation: str, *, adapter: str | None = None) -> list[float]:
        """Per-token log-probs of ``continuation`` after ``prompt`` via ``prompt_logprobs``.

        The same tokens as the local engine are scored (see
        :func:`training.llm.tokens.continuation_start`), using the server's tokenizer.
        """
        full = self.tokenize(prompt + continuation)
        start = continuation_start(self.tokenize(prompt), full)
        if start == len(full):
            return []
        model, adapter_name = self._model_for(adapter)
        data = self._post(
            "/v1/completions",
            {"model": model, "prompt": full, "max_tokens": 1, "prompt_logprobs": 0},
            what="score",
            adapter=adapter_name,
        )
        per_position = data["choices"][0]["prompt_logprobs"]
        scores = []
        for position in range(start, len(full)):
            entry = per_position[position][str(full[position])]
            scores.append(float(entry["logprob"]))
        return scores

    # -- adapters ------------------------------------------------------------------------------

    def load_adapter(self, name: str, path: str) -> None:
        """Load a LoRA into the server. ``path`` is the server's path (checked here if visible)."""
        if os.path.exists(path):
            check_adapter_dir(path)
        with reachable(self.base_url):
            response = self._http.post(
                "/v1/load_lora_adapter", json={"lora_name": name, "lora_path": path}
            )
        if response.status_code == 400 and "already" in response.text.lower():
            raise LLMError(f"an adapter named {name!r} is already loaded; use a new name")
        if response.status_code in (400, 404, 422):
            raise InvalidAdapter(f"vLLM refused adapter {path}: {error_message(response.content)}")
        raise_for_status(response, what="load adapter")

    def unload_adapter(self, name: str) -> None:
        with reachable(self.base_url):
            response = self._http.post("/v1/unload_lora_adapter", json={"lora_name": name})
        if response.status_code in (400, 404):
            raise UnknownAdapter(f"no adapter named {name!r} is loaded: {response.text[:200]}")
        raise_for_status(response, what="unload adapter")

    def served_models(self) -> list[dict]:
        """The server's ``/v1/models`` entries (the base model and every loaded adapter)."""
        with reachable(self.base_url):
            response = self._http.get("/v1/models")
        raise_for_status(response, what="list models")
        return list(response.json().get("data", []))

    def adapters(self) -> list[str]:
        return sorted(entry["id"] for entry in self.served_models() if entry.get("parent"))


def _completion(choice: dict, model: str) -> Completion:
    logprobs = choice.get("logprobs") or {}
    return Completion(
        text=choice.get("text") or "",
        token_logprobs=[float(x) for x in logprobs.get("token_logprobs") or []],
        token_ids=list(choice.get("token_ids") or []),
        finish_reason=choice.get("finish_reason") or "length",
        model=model,
    )


def _sse_data(line: str) -> str | None:
    """The payload of a server-sent-events ``data:`` line, else None."""
    if not line.startswith("data:"):
        return None
    return line[5:].strip()
