"""The local engine's decode loop: batched sampling over ``model.forward`` with a KV cache.

For P prompts and N samples each, the prompts are left-padded and prefilled once (P rows), then the
KV cache, attention mask and last logits are repeated N times (P×N rows) and decoded together: the
prompt is never recomputed per sample, which is what makes best-of-N sampling cheap. Rows that
finish (EOS, stop string, token budget) are dropped from the batch, cache included, so the
remaining rows run at their own size.

The loop is model-agnostic: it calls ``forward(input_ids, attention_mask, position_ids, cache)``,
which the engine implements (it takes the model lock and picks the adapter), so other requests and
adapter loads can interleave between steps without changing this request's computation.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch

from training.llm.base import Completion
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


def run_decode(
    forward: Forward,
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
        rows = _decode_group(
            forward,
            [prompts[i] for i in group],
            [settings.max_tokens[i] for i in group],
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
    forward: Forward,
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
            text=IncrementalText(tokenizer, settings.stop),
        )
        for p in range(len(prompts))
        for s in range(n)
    ]
    ids, mask, positions = left_pad(prompts, pad_id, device)
    logits, cache = forward(ids, mask, positions, None)
    if n > 1:
        cache.batch_repeat_interleave(n)
        logits = logits.repeat_interleave(n, dim=0)
        mask = mask.repeat_interleave(n, dim=0)
        positions = positions.repeat_interleave(n, dim=0)
    active = [row for row in rows if row.budget > 0]
    for row in rows:
        if row.budget <= 0:
            row.finish_reason = "length"
    if len(active) < len(rows):
        keep = torch.tensor([i for i, r in enumerate(rows) if r.budget > 0], device=device)
        logits, mask, positions = logits[keep], mask[keep], positions[keep]
        if len(active):
            cache.batch_select_indices(keep)
    last_positions = positions[:, -1:]

    while active:
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
        still_running: list[int] = []
        for slot, row in enumerate(active):
            token = token_list[slot]
            row.token_ids.append(token)
            row.logprobs.append(logprob_list[slot])
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
            if row.finish_reason is None:
                still_running.append(slot)
        if not still_running:
            break
        if len(still_running) < len(active):
            keep = torch.tensor(still_running, device=device)
            cache.batch_select_indices(keep)
            tokens, mask, last_positions = tokens[keep], mask[keep], last_positions[keep]
            active = [active[slot] for slot in still_running]
        mask = torch.cat([mask, mask.new_ones((len(active), 1))], dim=1)
        last_positions = last_positions + 1
        logits, cache = forward(tokens.unsqueeze(-1), mask, last_positions, cache)
    return rows
