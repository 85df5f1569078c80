"""Is the backend a spec names usable? The checks the backends themselves make, without a request.

``probe_backend`` walks the same path as :func:`training.llm.spec.load_llm` up to (not including)
loading weights or generating: a local model's config and tokenizer files are parsed by the same
parsers transformers uses and its adapter by the adapter check the engine runs; a server is asked
for its model list by the very client class (same URL rules, same API-key variables) that agent
turns use. So a health page built on it cannot say "ok" while the real path would fail.
"""

from __future__ import annotations

import json
from pathlib import Path

from training.llm.adapters import check_adapter_dir
from training.llm.base import BackendUnavailable, InvalidAdapter, LLMError
from training.llm.spec import load_llm, parse_spec

BOOTSTRAP_HINT = "build it with `duet models bootstrap`"


class BackendNotReady(LLMError):
    """The backend works but is not ready to serve this spec yet: the local model has not been
    built, or the server is up without the model or adapter the spec names."""


def probe_backend(spec: str, *, timeout: float = 2.0) -> str:
    """Return a one-line description of a usable backend.

    Raises :class:`BackendNotReady` (nothing is broken, something is missing),
    :class:`BackendUnavailable` or :class:`InvalidAdapter` (the real path would fail), or
    :class:`~training.llm.spec.SpecError` for a malformed spec.
    """
    parsed = parse_spec(spec)
    if parsed.backend == "local":
        return _probe_local(Path(parsed.target), parsed.adapter)
    return _probe_server(spec, parsed.model, parsed.adapter, timeout)


def _probe_local(path: Path, adapter: str | None) -> str:
    """Read the files the local engine loads, with the parsers transformers uses for them
    (JSON configs; ``tokenizers`` for ``tokenizer.json``), without importing torch or
    transformers: a health check must answer in well under a second."""
    config_file = path / "config.json"
    if not config_file.is_file():
        raise BackendNotReady(f"no model at {path} yet; {BOOTSTRAP_HINT}")
    config = _json_object(config_file)
    model_type = config.get("model_type")
    if not isinstance(model_type, str) or not model_type:
        raise BackendUnavailable(f"{config_file} names no model_type: transformers cannot load it")
    tokenizer_file = path / "tokenizer.json"
    if tokenizer_file.is_file():
        from tokenizers import Tokenizer

        try:
            Tokenizer.from_file(str(tokenizer_file))
        except Exception as exc:  # the Rust library raises its own exception type
            raise BackendUnavailable(
                f"the tokenizer at {tokenizer_file} cannot be loaded: {_first_line(exc)}"
            ) from exc
    elif not any(path.glob("tokenizer*.model")):
        raise BackendNotReady(f"{path} has no tokenizer files; {BOOTSTRAP_HINT}")
    if (path / "tokenizer_config.json").is_file():
        _json_object(path / "tokenizer_config.json")
    detail = f"local {model_type} model at {path}"
    if adapter is not None:
        if not Path(adapter).is_dir():
            raise InvalidAdapter(f"adapter directory {adapter} is missing")
        check_adapter_dir(adapter)
        detail += f" with adapter {adapter}"
    return detail


def _json_object(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackendUnavailable(f"{path} cannot be read: {_first_line(exc)}") from exc
    if not isinstance(value, dict):
        raise BackendUnavailable(f"{path} is not a JSON object")
    return value


def _probe_server(spec: str, model: str, adapter: str | None, timeout: float) -> str:
    client = load_llm(spec, timeout=timeout, connect_timeout=timeout)
    base_url = client.base_url
    models_url = f"{base_url}/models" if base_url.endswith("/v1") else f"{base_url}/v1/models"
    try:
        entries = client.served_models()
    except LLMError as exc:
        raise type(exc)(f"{models_url}: {_first_line(exc)}") from exc
    except ValueError as exc:  # a body that is not the JSON model list
        raise BackendUnavailable(f"{models_url} did not return a model list") from exc
    finally:
        client.close()
    names = [str(entry.get("id")) for entry in entries if isinstance(entry, dict)]
    wanted = [name for name in (model, adapter) if name]
    missing = [name for name in wanted if name not in names]
    if missing:
        served = ", ".join(names[:6]) or "nothing"
        raise BackendNotReady(
            f"{base_url} is up but does not serve {', '.join(missing)} (serves {served})"
        )
    return f"{base_url} serves {' + '.join(wanted)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
