"""Clear errors from the HTTP backends when nothing (or the wrong thing) answers."""

from __future__ import annotations

import socket

import httpx
import pytest

from training.llm import BackendUnavailable, ContextLengthExceeded, LLMError, load_llm
from training.llm.http_errors import raise_for_status


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens


@pytest.mark.parametrize("backend", ["vllm", "openai"])
def test_unreachable_server_raises_backend_unavailable(backend, closed_port):
    llm = load_llm(f"{backend}:http://127.0.0.1:{closed_port}/v1/some-model")
    with pytest.raises(BackendUnavailable, match="cannot reach"):
        llm.generate(["hello"])


async def test_unreachable_server_raises_backend_unavailable_when_streaming(closed_port):
    llm = load_llm(f"vllm:http://127.0.0.1:{closed_port}/some-model")
    with pytest.raises(BackendUnavailable):
        async for _ in llm.stream("hello"):
            pass


def _response(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"message": message, "code": status}})


def test_context_length_errors_are_recognised_in_the_message():
    response = _response(400, "This model's maximum context length is 4096 tokens. However...")
    with pytest.raises(ContextLengthExceeded, match="4096"):
        raise_for_status(response, what="completion")


def test_other_server_errors_keep_the_servers_message():
    with pytest.raises(LLMError, match="temperature must be non-negative"):
        raise_for_status(_response(400, "temperature must be non-negative"), what="completion")
