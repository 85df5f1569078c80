"""Spec strings: one line of configuration that says which model to talk to and how.

Grammar (see docs/inference.md)::

    local:PATH[@ADAPTER_PATH]              transformers + peft in this process
    vllm:http://HOST:PORT/MODEL[@ADAPTER]  a vLLM OpenAI server; ADAPTER = a loaded LoRA's name
    openai:BASE_URL/MODEL                  any OpenAI-compatible chat API (key from env)

The text after the *last* ``@`` is the default adapter (only where one is allowed). For ``vllm``
the model is the whole URL path (model names may hold ``/``); for ``openai`` it is what follows
``/v1/``, or else the last path segment, and the rest is the API's base URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from training.llm.base import LLM

BACKENDS = ("local", "vllm", "openai")


class SpecError(ValueError):
    """A spec string that does not follow the grammar above."""


@dataclass(frozen=True)
class Spec:
    backend: str
    target: str
    """local: the model directory; vllm/openai: the server's base URL (no trailing slash)."""
    model: str = ""
    """vllm/openai: the model name the server knows."""
    adapter: str | None = None
    """local: an adapter directory; vllm: a loaded adapter's name."""


def parse_spec(spec: str) -> Spec:
    """Split a spec string; raise :class:`SpecError` naming the problem and the grammar."""
    backend, colon, rest = spec.partition(":")
    if not colon or backend not in BACKENDS or not rest:
        raise SpecError(
            f"bad model spec {spec!r}: expected local:PATH[@ADAPTER_PATH], "
            "vllm:http://HOST:PORT/MODEL[@ADAPTER] or openai:BASE_URL/MODEL"
        )
    adapter = None
    if backend in ("local", "vllm") and "@" in rest:
        rest, _, adapter = rest.rpartition("@")
        if not rest or not adapter:
            raise SpecError(f"bad model spec {spec!r}: empty path or adapter around '@'")
    if backend == "local":
        return Spec(backend, rest, adapter=adapter)
    base_url, model = _split_url(rest, backend)
    if not model or "://" not in base_url:
        raise SpecError(
            f"bad model spec {spec!r}: expected {backend}:http(s)://HOST[:PORT][/PATH]/MODEL"
        )
    return Spec(backend, base_url, model=model, adapter=adapter)


def _split_url(rest: str, backend: str) -> tuple[str, str]:
    """Server URL and model name; model names may contain ``/`` (``org/model``).

    vllm: the model is the whole path after ``HOST:PORT/`` (a leading ``v1/`` is dropped).
    openai: the model is what follows ``/v1/`` if present, else the last path segment.
    """
    scheme, sep, remainder = rest.partition("://")
    if not sep:
        return rest, ""
    host, _, path = remainder.partition("/")
    origin = f"{scheme}://{host}"
    if backend == "vllm":
        path = path.removeprefix("v1/")
        return origin, path.strip("/")
    if "/v1/" in f"/{path}":
        prefix, _, model = f"/{path}".partition("/v1/")
        return f"{origin}{prefix}/v1", model.strip("/")
    base, _, model = path.rstrip("/").rpartition("/")
    return (f"{origin}/{base}" if base else origin), model


def load_llm(spec: str, **options) -> LLM:
    """Build the backend a spec string names. ``options`` go to the backend's constructor."""
    parsed = parse_spec(spec)
    if parsed.backend == "local":
        from training.llm.local import LocalLLM

        return LocalLLM(parsed.target, adapter_path=parsed.adapter, spec=spec, **options)
    if parsed.backend == "vllm":
        from training.llm.vllm_client import VLLMClient

        return VLLMClient(
            parsed.target, parsed.model, default_adapter=parsed.adapter, spec=spec, **options
        )
    from training.llm.openai_client import OpenAIClient

    return OpenAIClient(parsed.target, parsed.model, spec=spec, **options)
