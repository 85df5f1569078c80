"""The local engine's decode loop: batched sampling over ``model.forward`` with a KV cache.

For P prompts and N samples each, the prompts are left-padded and prefilled once (P rows), then the
KV cache, attention mask and last logits are repeated N times (P×N rows) and decoded together: the
prompt is never recomputed per sample, which is what makes best-of-N sampling cheap. Rows that
finish (EOS, stop string, token budget) are dropped from the batch, cache included, so the
remaining rows run at their own size.

The loop is model-agnostic: it drives a :class:`Decoder` (prefill, step, keep rows). Two exist:
:class:`ForwardDecoder` calls the model's regular forward with a growing cache (any architecture,
peft adapters), :class:`StaticLlamaDecoder` runs :mod:`training.llm.fast_llama`'s step over a
preallocated cache (Llama base model). The engine hands in callables that take the model lock, so
other requests and adapter loads interleave between steps without changing this request's result.
Finished rows stay in the batch (their samples are ignored) until at least half are finished;
then the batch is compacted, which copies the cache, so it is not done for every finished row.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import torch

from training.llm.base import Completion
from training.llm.fast_llama import FastLlama
from training.llm.sampling import sample_next
from training.llm.textstream import IncrementalText

#: forward(input_ids, attention_mask, position_ids, cache) -> (last-position logits, cache)
Forward = Callable[[torch.Tensor, torch.Tensor, torch.Tensor, object], tuple[torch.Tensor, object]]
#: on_delta(row, text): row = prompt_index * n + sample_index
DeltaCallback = Callable[[int, str], None]


class Cancelled(Exception):
    """The caller stopped waiting (a stream was closed); the loop gave up early."""


@dataclass
class DecodeSettings:
    n: int
    temperature: float
    top_p: float
    max_tokens: Sequence[int]
    """Token budget per prompt (already clamped to the context window)."""
    stop: Sequence[str] = ()
    seed: int | None = None
    max_rows: int = 256
    """Upper bound on rows decoded together; more prompts are taken in successive groups."""


@dataclass
class _Row:
    index: int
    budget: int
    text: IncrementalText
    token_ids: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    finish_reason: str | None = None


def left_pad(
    prompts: Sequence[Sequence[int]], pad_id: int, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Input ids, attention mask and position ids for a left-padded batch."""
    width = max(len(p) for p in prompts)
    ids = torch.full((len(prompts), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(prompts), width), dtype=torch.long)
    for row, prompt in enumerate(prompts):
        if prompt:
            ids[row, width - len(prompt) :] = torch.tensor(prompt, dtype=torch.long)
            mask[row, width - len(prompt) :] = 1
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    return ids.to(device), mask.to(device), positions.to(device)


class Decoder(Protocol):
    def prefill(
        self, ids: torch.Tensor, mask: torch.Tensor, positions: torch.Tensor, n: int
    ) -> torch.Tensor:
        """Run the prompts; return last-position logits repeated ``n`` times per prompt."""

    def step(self, tokens: torch.Tensor) -> torch.Tensor:
        """Feed one token per row; return the next logits."""

    def keep(self, slots: torch.Tensor) -> None:
        """Drop every row not listed in ``slots``."""


class ForwardDecoder:
    """Decoding through the model's own forward and a growing ``DynamicCache``."""

    def __init__(self, forward: Forward) -> None:
        self._forward = forward
        self._cache = None
        self._mask: torch.Tensor | None = None
        self._last: torch.Tensor | None = None

    def prefill(self, ids, mask, positions, n):
        logits, cache = self._forward(ids, mask, positions, None)
        if n > 1:
            cache.batch_repeat_interleave(n)
            logits = logits.repeat_interleave(n, dim=0)
            mask = mask.repeat_interleave(n, dim=0)
            positions = positions.repeat_interleave(n, dim=0)
        self._cache, self._mask, self._last = cache, mask, positions[:, -1:]
        return logits

    def step(self, tokens):
        self._mask = torch.cat([self._mask, self._mask.new_ones((len(tokens), 1))], dim=1)
        self._last = self._last + 1
        logits, self._cache = self._forward(tokens[:, None], self._mask, self._last, self._cache)
        return logits

    def keep(self, slots):
        self._cache.batch_select_indices(slots)
        self._mask, self._last = self._mask[slots], self._last[slots]


class StaticLlamaDecoder:
    """Prefill through the forward, then :class:`FastLlama` steps over a static cache."""

    def __init__(self, fast: FastLlama, forward: Forward, lock, capacity_extra: int) -> None:
        self._fast = fast
        self._forward = forward
        self._lock = lock
        self._extra = capacity_extra

    def prefill(self, ids, mask, positions, n):
        logits, cache = self._forward(ids, mask, positions, None)
        prompts, width = ids.shape
        rows = prompts * n
        self._capacity = width + self._extra
        reference = cache.layers[0].keys
        self._keys, self._values = self._fast.new_cache(
            rows, self._capacity, reference.device, reference.dtype
        )
        for index, layer in enumerate(cache.layers):
            self._keys[index][:, :, :width] = layer.keys.repeat_interleave(n, dim=0)
            self._values[index][:, :, :width] = layer.values.repeat_interleave(n, dim=0)
        self._mask = torch.zeros((rows, self._capacity), dtype=torch.bool, device=ids.device)
        self._mask[:, :width] = mask.repeat_interleave(n, dim=0).bool()
        self._positions = positions[:, -1].repeat_interleave(n, dim=0)
        self._slot = width
        return logits.repeat_interleave(n, dim=0)

    def step(self, tokens):
        self._positions = self._positions + 1
        self._mask[:, self._slot] = True
        with self._lock:
            logits = self._fast.step(
                tokens, self._positions, self._keys, self._values, self._mask, self._slot
            )
        self._slot += 1
        return logits

    def keep(self, slots):
        self._keys = [k[slots] for k in self._keys]
        self._values = [v[slots] for v in self._values]
        self._mask, self._positions = self._mask[slots], self._positions[slots]


#: make_decoder(budget): a fresh decoder for a group whose longest token budget is ``budget``
DecoderFactory = Callable[[int], Decoder]


def run_decode(
    make_decoder: DecoderFactory,
    prompts: Sequence[Sequence[int]],
    settings: DecodeSettings,
    *,
    tokenizer,
    eos_ids: set[int],
    pad_id: int,
    device: torch.device,
    model_name: str,
    on_delta: DeltaCallback | None = None,
    cancel: threading.Event | None = None,
) -> list[list[Completion]]:
    """Sample ``settings.n`` completions for each prompt; ``result[i][j]`` is prompt i's j-th."""
    generator = torch.Generator(device=device)
    if settings.seed is None:
        generator.seed()
    else:
        generator.manual_seed(settings.seed)
    per_group = max(1, settings.max_rows // settings.n)
    results: list[list[Completion]] = []
    for start in range(0, len(prompts), per_group):
        group = range(start, min(start + per_group, len(prompts)))
        budgets = [settings.max_tokens[i] for i in group]
        rows = _decode_group(
            make_decoder(max(budgets)),
            [prompts[i] for i in group],
            budgets,
            first_index=start,
            settings=settings,
            generator=generator,
            tokenizer=tokenizer,
            eos_ids=eos_ids,
            pad_id=pad_id,
            device=device,
            on_delta=on_delta,
            cancel=cancel,
        )
        for offset in range(len(group)):
            group_rows = rows[offset * settings.n : (offset + 1) * settings.n]
            results.append([_completion(row, model_name) for row in group_rows])
    return results


def _completion(row: _Row, model_name: str) -> Completion:
    return Completion(
        text=row.text.text,
        token_logprobs=row.logprobs,
        token_ids=row.token_ids,
        finish_reason=row.finish_reason or "length",
        model=model_name,
    )


def _decode_group(
    decoder: Decoder,
    prompts: list[Sequence[int]],
    budgets: list[int],
    *,
    first_index: int,
    settings: DecodeSettings,
    generator: torch.Generator,
    tokenizer,
    eos_ids: set[int],
    pad_id: int,
    device: torch.device,
    on_delta: DeltaCallback | None,
    cancel: threading.Event | None,
) -> list[_Row]:
    n = settings.n
    rows = [
        _Row(
            index=(first_index + p) * n + s,
            budget=budgets[p],
            text=IncrementalText(tokenizer, settings.stop, lazy=on_delta is None),
        )
        for p in range(len(prompts))
        for s in range(n)
    ]
    for row in rows:
        if row.budget <= 0:
            row.finish_reason = "length"
    if all(row.finish_reason for row in rows):
        return rows
    ids, mask, positions = left_pad(prompts, pad_id, device)
    logits = decoder.prefill(ids, mask, positions, n)
    batch: list[_Row | None] = [None if row.finish_reason else row for row in rows]

    while True:
        if cancel is not None and cancel.is_set():
            raise Cancelled
        tokens, logprobs = sample_next(
            logits,
            temperature=settings.temperature,
            top_p=settings.top_p,
            generator=generator,
        )
        token_list = tokens.tolist()
        logprob_list = logprobs.tolist()
        for slot, row in enumerate(batch):
            if row is None:
                continue  # finished earlier, still in the batch until the next compaction
            _advance(row, token_list[slot], logprob_list[slot], eos_ids, on_delta)
            if row.finish_reason is not None:
                batch[slot] = None
        live = [slot for slot, row in enumerate(batch) if row is not None]
        if not live:
            return rows
        if len(live) <= len(batch) // 2:
            keep = torch.tensor(live, device=device)
            decoder.keep(keep)
            tokens = tokens[keep]
            batch = [batch[slot] for slot in live]
        logits = decoder.step(tokens)


def _advance(
    row: _Row, token: int, logprob: float, eos_ids: set[int], on_delta: DeltaCallback | None
) -> None:
    row.token_ids.append(token)
    row.logprobs.append(logprob)
    if token in eos_ids:
        row.finish_reason = "stop"
    else:
        row.text.add(token)
        if row.text.stopped:
            row.finish_reason = "stop"
        elif len(row.token_ids) >= row.budget:
            row.finish_reason = "length"
    if row.finish_reason is not None:
        row.text.finish()
    if on_delta is not None:
        delta = row.text.take_delta(final=row.finish_reason is not None)
        if delta:
            on_delta(row.index, delta)
