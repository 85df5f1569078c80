"""Any OpenAI-compatible chat API (spec ``openai:BASE_URL/MODEL``), e.g. for the LLM simulator.

Chat APIs take messages, not formatted text, and their templates are not ours to apply. So
``chat_prompt`` here returns a *message envelope*: the messages as JSON behind the marker
``duet-messages:``; ``generate`` and ``stream`` unpack it and send the messages unchanged (OpenAI
content-part lists with ``image_url`` parts included, for the frontend simulator). A plain string
prompt is sent as one user message. The API key comes from ``DUET_OPENAI_API_KEY`` or
``OPENAI_API_KEY`` (none is sent if neither is set, for local servers). Scoring given text and
adapters are not available through a chat API; those calls raise.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Sequence

import httpx

from training.llm.base import (
    BASE_MODEL,
    LLM,
    Completion,
    LLMError,
    Message,
    SamplingParams,
    UnknownAdapter,
)
from training.llm.http_errors import error_message, raise_for_status, reachable

ENVELOPE = "duet-messages:"
KEY_VARIABLES = ("DUET_OPENAI_API_KEY", "OPENAI_API_KEY")


def pack_messages(messages: Sequence[Message]) -> str:
    return ENVELOPE + json.dumps(list(messages), ensure_ascii=False)


def unpack_messages(prompt: str) -> list[Message]:
    """The messages inside an envelope, or the prompt as a single user message."""
    if prompt.startswith(ENVELOPE):
        messages = json.loads(prompt[len(ENVELOPE) :])
        if not isinstance(messages, list):
            raise LLMError("malformed message envelope: expected a JSON list of messages")
        return messages
    return [{"role": "user", "content": prompt}]


def chat_request(
    model: str, messages: list[Message], params: SamplingParams, *, logprobs: bool
) -> dict:
    """The JSON body of ``POST /chat/completions``."""
    body: dict = {
        "model": model,
        "messages": messages,
        "n": params.n,
        "temperature": params.temperature,
        "top_p": params.top_p,
        "max_tokens": params.max_tokens,
    }
    if params.stop:
        body["stop"] = list(params.stop)
    if params.seed is not None:
        body["seed"] = params.seed
    if logprobs:
        body["logprobs"] = True
    return body


class OpenAIClient(LLM):
    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        logprobs: bool = True,
        spec: str | None = None,
        timeout: float = 300.0,
        connect_timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.spec = spec or f"openai:{self.base_url}/{model}"
        self.logprobs = logprobs
        key = api_key or next((os.environ[v] for v in KEY_VARIABLES if os.environ.get(v)), None)
        self._headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._timeout = httpx.Timeout(timeout, connect=connect_timeout)
        self._http = httpx.Client(
            base_url=self.base_url, headers=self._headers, timeout=self._timeout
        )

    def close(self) -> None:
        self._http.close()

    def chat_prompt(
        self, messages: Sequence[Message], *, add_generation_prompt: bool = True
    ) -> str:
        return pack_messages(messages)

    def _check_adapter(self, adapter: str | None) -> None:
        if adapter not in (None, BASE_MODEL):
            raise UnknownAdapter(f"{self.spec} has no adapters (asked for {adapter!r})")

    def generate(
        self,
        prompts: Sequence[str],
        params: SamplingParams | None = None,
        *,
        adapter: str | None = None,
    ) -> list[list[Completion]]:
        params = params or SamplingParams()
        self._check_adapter(adapter)
        results = []
        for prompt in prompts:
            body = chat_request(self.model, unpack_messages(prompt), params, logprobs=self.logprobs)
            with reachable(self.base_url):
                response = self._http.post("/chat/completions", json=body)
            raise_for_status(response, what="chat completion")
            data = response.json()
            choices = sorted(data["choices"], key=lambda choice: choice["index"])
            results.append([_completion(c, data.get("model", self.model)) for c in choices])
        return results

    async def stream(
        self,
        prompt: str,
        params: SamplingParams | None = None,
        *,
        adapter: str | None = None,
    ) -> AsyncIterator[str]:
        params = params or SamplingParams()
        self._check_adapter(adapter)
        body = chat_request(self.model, unpack_messages(prompt), params, logprobs=False)
        body |= {"n": 1, "stream": True}
        async with httpx.AsyncClient(
            base_url=self.base_url, headers=self._headers, timeout=self._timeout
        ) as client:
            with reachable(self.base_url):
                async with client.stream("POST", "/chat/completions", json=body) as response:
                    if not response.is_success:
                        await response.aread()
                        raise_for_status(response, what="chat stream")
                    async for line in response.aiter_lines():
                        if not line.startswith("data:"):
                            continue
                        event = line[5:].strip()
                        if event == "[DONE]":
                            return
                        payload = json.loads(event)
                        if "error" in payload:
                            raise LLMError(f"chat stream: {error_message(event)}")
                        for choice in payload.get("choices", []):
                            text = (choice.get("delta") or {}).get("content")
                            if text:
                                yield text

    def score(self, prompt: str, continuation: str, *, adapter: str | None = None) -> list[float]:
        raise LLMError(f"{self.spec}: a chat API cannot score given text; use local or vllm")

    def load_adapter(self, name: str, path: str) -> None:
        raise LLMError(f"{self.spec}: adapters cannot be loaded into an OpenAI-compatible API")

    def unload_adapter(self, name: str) -> None:
        raise UnknownAdapter(f"{self.spec} has no adapters (asked to unload {name!r})")

    def adapters(self) -> list[str]:
        return []

    def served_models(self) -> list[dict]:
        """The API's ``/models`` entries, asked with this client's own credentials."""
        with reachable(self.base_url):
            response = self._http.get("/models")
        raise_for_status(response, what="list models")
        return list(response.json().get("data", []))


def _completion(choice: dict, model: str) -> Completion:
    content = (choice.get("message") or {}).get("content") or ""
    logprobs = (choice.get("logprobs") or {}).get("content") or []
    return Completion(
        text=content,
        token_logprobs=[float(item["logprob"]) for item in logprobs],
        finish_reason=choice.get("finish_reason") or "stop",
        model=model,
    )
