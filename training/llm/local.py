"""The local engine: transformers + peft in this process (spec ``local:PATH[@ADAPTER_PATH]``).

Concurrency model. Every request runs its own decode loop (:mod:`training.llm.decode`) with its own
KV cache and random generator; the model itself is shared and guarded by one lock that is taken per
forward step. Requests therefore interleave step by step (a long stream does not block a short
request), and adapter loads/unloads happen between steps.

Adapters. Several peft LoRA adapters stay resident in one ``PeftModel``. No request relies on the
"active adapter" global: each forward passes peft's per-row ``adapter_names`` (``"__base__"`` for
the base model), fixed when the request starts. So loading or switching adapters never changes a
request already running. Unloading hides the name at once (new requests get
:class:`UnknownAdapter`) but frees the weights only after the last request using them finishes.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
import warnings
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import torch

from training.llm.adapters import adapter_version_name, check_adapter_dir
from training.llm.base import (
    BASE_MODEL,
    LLM,
    BackendUnavailable,
    Completion,
    ContextLengthExceeded,
    InvalidAdapter,
    LLMError,
    Message,
    SamplingParams,
    UnknownAdapter,
)
from training.llm.decode import (
    Cancelled,
    DecoderFactory,
    DecodeSettings,
    ForwardDecoder,
    StaticLlamaDecoder,
    run_decode,
)
from training.llm.fast_llama import FastLlama
from training.llm.tokens import continuation_start

_PEFT_BASE = "__base__"  # peft's name for "no adapter" in a mixed batch


@dataclass
class _Adapter:
    name: str
    key: str
    """The name inside peft: unique per load, so a re-used public name never aliases old weights."""
    path: str
    users: int = 0
    unloaded: bool = False


class LocalLLM(LLM):
    """A Hugging Face causal LM (and LoRA adapters) run in this process, on CPU or CUDA."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        adapter_path: str | os.PathLike[str] | None = None,
        device: str | None = None,
        dtype: torch.dtype | None = None,
        max_rows: int = 256,
        fast_decode: bool = True,
        spec: str | None = None,
    ) -> None:
        """``fast_decode``: use :mod:`training.llm.fast_llama` for base-model requests on Llama
        models (False: always the regular forward, e.g. to compare)."""
        from transformers import AutoModelForCausalLM, AutoTokenizer

        path = Path(path)
        if not (path / "config.json").is_file():
            raise BackendUnavailable(
                f"no model at {path} (no config.json); build the default one with "
                "`duet models bootstrap`"
            )
        device_ = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        dtype = dtype or (torch.bfloat16 if device_.type == "cuda" else torch.float32)
        self._setup(
            AutoModelForCausalLM.from_pretrained(path, dtype=dtype).to(device_),
            AutoTokenizer.from_pretrained(path),
            name=path.name,
            spec=spec or f"local:{path}",
            max_rows=max_rows,
            fast_decode=fast_decode,
        )
        self.path = path
        if adapter_path is not None:
            name = adapter_version_name(str(adapter_path))
            self.load_adapter(name, str(adapter_path))
            self._default_adapter = name

    @classmethod
    def from_model(
        cls,
        model,
        tokenizer,
        *,
        name: str = "model",
        max_rows: int = 256,
        fast_decode: bool = True,
    ) -> LocalLLM:
        """Serve a model already in memory (on its current device and dtype), e.g. a policy
        being trained, or the benchmark's random-init model."""
        llm = cls.__new__(cls)
        llm._setup(
            model,
            tokenizer,
            name=name,
            spec=f"local:<in-memory {name}>",
            max_rows=max_rows,
            fast_decode=fast_decode,
        )
        llm.path = None
        return llm

    def _setup(
        self, model, tokenizer, *, name: str, spec: str, max_rows: int, fast_decode: bool
    ) -> None:
        self._model = model.eval()
        # captured before any adapter wraps the projections (see fast_llama's docstring)
        self._fast = FastLlama.capture(model) if fast_decode else None
        self.tokenizer = tokenizer
        self.device = next(model.parameters()).device
        self.dtype = next(model.parameters()).dtype
        self.model_name = name
        self.spec = spec
        self.max_rows = max_rows
        self.context_length = int(getattr(model.config, "max_position_embeddings", 0) or 1 << 30)
        self.eos_ids = _eos_ids(model, tokenizer)
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        self._model_lock = threading.Lock()
        self._registry_lock = threading.Lock()
        self._adapters: dict[str, _Adapter] = {}
        self._keys = itertools.count()
        self._default_adapter: str | None = None
        self._has_lora_layers = False

    # -- prompts -------------------------------------------------------------------------------

    def chat_prompt(
        self, messages: Sequence[Message], *, add_generation_prompt: bool = True
    ) -> str:
        return self.tokenizer.apply_chat_template(
            list(messages), tokenize=False, add_generation_prompt=add_generation_prompt
        )

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` as the model sees it (the chat template already holds BOS)."""
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    @property
    def default_adapter(self) -> str | None:
        return self._default_adapter

    # -- sampling ------------------------------------------------------------------------------

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
        prompt_ids = [self._prompt_ids(p) for p in prompts]
        settings = self._settings(prompt_ids, params)
        with self._using(adapter) as entry:
            return run_decode(
                self._decoders_for(entry),
                prompt_ids,
                settings,
                tokenizer=self.tokenizer,
                eos_ids=self.eos_ids,
                pad_id=self.pad_id,
                device=self.device,
                model_name=entry.name if entry else self.model_name,
            )

    async def stream(
        self,
        prompt: str,
        params: SamplingParams | None = None,
        *,
        adapter: str | None = None,
    ) -> AsyncIterator[str]:
        """Yield text deltas of one completion as they are sampled (the loop runs in a thread)."""
        params = replace(params or SamplingParams(), n=1)
        prompt_ids = [self._prompt_ids(prompt)]
        settings = self._settings(prompt_ids, params)
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[object] = asyncio.Queue()
        cancel = threading.Event()
        done = object()
        lease = self._using(adapter)
        entry = lease.__enter__()  # resolve the adapter now: unknown names fail before a thread

        def post(item: object) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the event loop is gone: nobody is listening any more
                cancel.set()

        def work() -> None:
            try:
                run_decode(
                    self._decoders_for(entry),
                    prompt_ids,
                    settings,
                    tokenizer=self.tokenizer,
                    eos_ids=self.eos_ids,
                    pad_id=self.pad_id,
                    device=self.device,
                    model_name=entry.name if entry else self.model_name,
                    on_delta=lambda _row, text: post(text),
                    cancel=cancel,
                )
            except Cancelled:
                pass
            except BaseException as error:  # handed to the consumer, re-raised there
                post(_Failure(error))
            finally:
                lease.__exit__(None, None, None)
                post(done)

        threading.Thread(target=work, name="duet-local-stream", daemon=True).start()
        try:
            while True:
                item = await queue.get()
                if item is done:
                    return
                if isinstance(item, _Failure):
                    raise item.error
                yield item  # type: ignore[misc]
        finally:
            cancel.set()

    # -- scoring -------------------------------------------------------------------------------

    def score(self, prompt: str, continuation: str, *, adapter: str | None = None) -> list[float]:
        """Per-token log-probs of ``continuation`` after ``prompt``.

        Scored tokens: see :func:`training.llm.tokens.continuation_start`.
        """
        full = self.encode(prompt + continuation)
        start = continuation_start(self.encode(prompt), full)
        return self.score_ids(full[:start], full[start:], adapter=adapter)

    def score_ids(
        self, prompt_ids: list[int], continuation_ids: list[int], *, adapter: str | None = None
    ) -> list[float]:
        """Per-token log-probs of ``continuation_ids`` after ``prompt_ids`` (no tokenization)."""
        if not continuation_ids:
            return []
        if not prompt_ids:
            raise LLMError("cannot score without at least one prompt token")
        full = list(prompt_ids) + list(continuation_ids)
        if len(full) > self.context_length:
            raise ContextLengthExceeded(
                f"prompt + continuation is {len(full)} tokens; the context window is "
                f"{self.context_length}"
            )
        ids = torch.tensor([full], device=self.device)
        with self._using(adapter) as entry, self._model_lock, torch.inference_mode():
            logits = self._model(input_ids=ids, **self._adapter_kwargs(entry, 1)).logits[0]
        start = len(prompt_ids)
        logprobs = torch.log_softmax(logits[start - 1 : -1].float(), dim=-1)
        targets = ids[0, start:].unsqueeze(-1)
        return logprobs.gather(-1, targets).squeeze(-1).tolist()

    # -- adapters ------------------------------------------------------------------------------

    def load_adapter(self, name: str, path: str) -> None:
        from peft import PeftModel

        check_adapter_dir(path)
        with self._registry_lock:
            if name in self._adapters or name == BASE_MODEL:
                raise LLMError(
                    f"an adapter named {name!r} is already loaded; use a new name per version"
                )
            key = f"duet{next(self._keys)}"
            with self._model_lock:
                try:
                    if self._has_lora_layers:
                        self._model.load_adapter(path, adapter_name=key, is_trainable=False)
                    else:
                        self._model = PeftModel.from_pretrained(
                            self._model, path, adapter_name=key, is_trainable=False
                        )
                except Exception as error:
                    raise InvalidAdapter(f"cannot load adapter {path}: {error}") from error
                self._has_lora_layers = True
                self._model.to(self.device).eval()
            self._adapters[name] = _Adapter(name=name, key=key, path=str(path))

    def unload_adapter(self, name: str) -> None:
        with self._registry_lock:
            entry = self._adapters.pop(name, None)
            if entry is None:
                raise UnknownAdapter(f"no adapter named {name!r} is loaded")
            entry.unloaded = True
            if name == self._default_adapter:
                self._default_adapter = None
            if entry.users == 0:
                self._delete(entry)

    def adapters(self) -> list[str]:
        with self._registry_lock:
            return sorted(self._adapters)

    # -- internals -----------------------------------------------------------------------------

    def _prompt_ids(self, prompt: str) -> list[int]:
        ids = self.encode(prompt)
        if not ids:
            raise LLMError("empty prompt")
        if len(ids) >= self.context_length:
            raise ContextLengthExceeded(
                f"prompt is {len(ids)} tokens; the context window is {self.context_length} "
                "and at least one token must be generated"
            )
        return ids

    def _settings(self, prompt_ids: list[list[int]], params: SamplingParams) -> DecodeSettings:
        if params.n < 1 or params.max_tokens < 0:
            raise ValueError(f"need n >= 1 and max_tokens >= 0, got {params}")
        return DecodeSettings(
            n=params.n,
            temperature=params.temperature,
            top_p=params.top_p,
            max_tokens=[min(params.max_tokens, self.context_length - len(p)) for p in prompt_ids],
            stop=tuple(params.stop),
            seed=params.seed,
            max_rows=self.max_rows,
        )

    def _using(self, adapter: str | None) -> _AdapterLease:
        return _AdapterLease(self, adapter)

    def _resolve(self, adapter: str | None) -> _Adapter | None:
        name = self._default_adapter if adapter is None else adapter
        if name is None or name == BASE_MODEL:
            return None
        with self._registry_lock:
            entry = self._adapters.get(name)
            if entry is None:
                raise UnknownAdapter(
                    f"no adapter named {name!r} is loaded (loaded: {sorted(self._adapters)})"
                )
            entry.users += 1
            return entry

    def _release(self, entry: _Adapter | None) -> None:
        if entry is None:
            return
        with self._registry_lock:
            entry.users -= 1
            if entry.unloaded and entry.users == 0:
                self._delete(entry)

    def _delete(self, entry: _Adapter) -> None:
        with self._model_lock, warnings.catch_warnings():
            # peft warns that the "active" adapter moved; Duet never relies on the active one
            warnings.filterwarnings("ignore", message="Adapter .* was active")
            self._model.delete_adapter(entry.key)

    def _adapter_kwargs(self, entry: _Adapter | None, rows: int) -> dict:
        """peft's per-row adapter choice; read under the model lock (the model may get wrapped)."""
        if not self._has_lora_layers:
            return {}
        return {"adapter_names": [entry.key if entry else _PEFT_BASE] * rows}

    def _decoders_for(self, entry: _Adapter | None) -> DecoderFactory:
        """Base-model requests on Llama take the static-cache fast path; the rest the forward."""
        forward = self._forward_for(entry)
        if entry is None and self._fast is not None:
            fast = self._fast
            return lambda budget: StaticLlamaDecoder(fast, forward, self._model_lock, budget)
        return lambda budget: ForwardDecoder(forward)

    def _forward_for(self, entry: _Adapter | None):
        def forward(ids, mask, positions, cache):
            with self._model_lock, torch.inference_mode():
                out = self._model(
                    input_ids=ids,
                    attention_mask=mask,
                    position_ids=positions,
                    past_key_values=cache,
                    use_cache=True,
                    logits_to_keep=1,
                    **self._adapter_kwargs(entry, ids.shape[0]),
                )
            return out.logits[:, -1, :], out.past_key_values

        return forward


class _AdapterLease:
    """Context manager: resolve an adapter name and keep its weights alive while in use."""

    def __init__(self, llm: LocalLLM, adapter: str | None) -> None:
        self._llm = llm
        self._adapter = adapter
        self._entry: _Adapter | None = None

    def __enter__(self) -> _Adapter | None:
        self._entry = self._llm._resolve(self._adapter)
        return self._entry

    def __exit__(self, *exc: object) -> None:
        self._llm._release(self._entry)
        self._entry = None


@dataclass
class _Failure:
    error: BaseException


def _eos_ids(model, tokenizer) -> set[int]:
    ids: set[int] = set()
    configured = getattr(model.generation_config, "eos_token_id", None)
    if isinstance(configured, int):
        ids.add(configured)
    elif configured:
        ids.update(configured)
    if tokenizer.eos_token_id is not None:
        ids.add(tokenizer.eos_token_id)
    if not ids:
        raise BackendUnavailable("the model defines no end-of-sequence token")
    return ids
