"""Translating HTTP failures of OpenAI-style servers into Duet's inference errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from training.llm.base import (
    BackendUnavailable,
    ContextLengthExceeded,
    LLMError,
    UnknownAdapter,
)

_CONTEXT_MARKERS = ("maximum context length", "context_length_exceeded", "context length")


def error_message(body: bytes | str) -> str:
    """The human part of an error body (``{"error": {"message": ...}}`` or a bare message)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return text.strip()[:500]
    if isinstance(data, dict):
        error = data.get("error", data)
        if isinstance(error, dict):
            return str(error.get("message") or error.get("detail") or error)
        return str(data.get("message") or data.get("detail") or error)
    return str(data)


def raise_for_status(response: httpx.Response, *, what: str, adapter: str | None = None) -> None:
    """Raise the matching :class:`LLMError` for a non-2xx response (body must be read)."""
    if response.is_success:
        return
    message = error_message(response.content)
    lowered = message.lower()
    status = response.status_code
    if any(marker in lowered for marker in _CONTEXT_MARKERS) or "input length" in lowered:
        raise ContextLengthExceeded(f"{what}: {message}")
    if adapter is not None and (status == 404 or "does not exist" in lowered):
        raise UnknownAdapter(f"{what}: adapter {adapter!r} is not loaded ({message})")
    if status in (502, 503, 504):
        raise BackendUnavailable(f"{what}: server answered {status}: {message}")
    raise LLMError(f"{what}: server answered {status}: {message}")


@contextmanager
def reachable(base_url: str) -> Iterator[None]:
    """Turn connection failures and timeouts into :class:`BackendUnavailable`."""
    try:
        yield
    except httpx.TimeoutException as error:
        raise BackendUnavailable(f"{base_url} did not answer in time: {error!r}") from error
    except httpx.TransportError as error:
        raise BackendUnavailable(f"cannot reach {base_url}: {error!r}") from error
