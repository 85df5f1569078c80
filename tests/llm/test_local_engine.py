"""The local engine (transformers + peft): sampling, streaming, scoring, adapters, concurrency."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
import torch

from training.llm import (
    BASE_MODEL,
    ContextLengthExceeded,
    InvalidAdapter,
    LLMError,
    SamplingParams,
    UnknownAdapter,
    load_llm,
)
from training.llm.adapters import adapter_version_name
from training.llm.tiny_model import build_tiny_adapter

MESSAGES = [
    {"role": "system", "content": "You write Python functions."},
    {"role": "user", "content": "Write a function that returns the sum of the even numbers."},
]


@pytest.fixture(scope="module")
def prompt(local_llm):
    return local_llm.chat_prompt(MESSAGES)


async def _collect(stream) -> list[str]:
    return [delta async for delta in stream]


def test_generate_returns_n_completions_per_prompt_with_token_logprobs(local_llm, prompt):
    results = local_llm.generate(
        [prompt, prompt + "def"], SamplingParams(n=3, max_tokens=12, seed=0)
    )
    assert [len(samples) for samples in results] == [3, 3]
    for completion in (c for samples in results for c in samples):
        assert len(completion.token_ids) == len(completion.token_logprobs) <= 12
        assert all(lp <= 0.0 for lp in completion.token_logprobs)
        assert completion.finish_reason in ("stop", "length")


def test_sampled_logprobs_are_the_raw_model_log_probs_of_the_sampled_tokens(local_llm, prompt):
    completion = local_llm.generate(
        [prompt], SamplingParams(max_tokens=10, temperature=0.7, top_p=0.9, seed=1)
    )[0][0]
    ids = torch.tensor([local_llm.encode(prompt) + completion.token_ids])
    with torch.no_grad():
        logits = local_llm._model(input_ids=ids).logits[0].float()
    steps = len(completion.token_ids)
    expected = torch.log_softmax(logits[-steps - 1 : -1], dim=-1)
    expected = expected.gather(-1, ids[0, -steps:].unsqueeze(-1)).squeeze(-1).tolist()
    assert completion.token_logprobs == pytest.approx(expected, abs=1e-4)


def test_score_ids_of_sampled_tokens_equal_their_sampled_logprobs(local_llm, prompt):
    completion = local_llm.generate([prompt], SamplingParams(max_tokens=10, seed=1))[0][0]
    scored = local_llm.score_ids(local_llm.encode(prompt), completion.token_ids)
    assert scored == pytest.approx(completion.token_logprobs, abs=1e-4)


def test_score_of_text_equals_score_ids_of_its_tokens(local_llm, prompt):
    continuation = "def sum_even(values):\n    return 0"
    ids = local_llm.encode(prompt + continuation)
    start = len(local_llm.encode(prompt))
    assert local_llm.encode(prompt) == ids[:start]  # the chat prompt ends on a token boundary
    assert local_llm.score(prompt, continuation) == local_llm.score_ids(ids[:start], ids[start:])


def test_same_seed_gives_same_samples_and_other_seeds_differ(local_llm, prompt):
    params = SamplingParams(n=4, max_tokens=16, seed=7)
    first = local_llm.generate([prompt], params)[0]
    again = local_llm.generate([prompt], params)[0]
    other = local_llm.generate([prompt], SamplingParams(n=4, max_tokens=16, seed=8))[0]
    assert [c.token_ids for c in first] == [c.token_ids for c in again]
    assert [c.token_ids for c in first] != [c.token_ids for c in other]
    assert len({tuple(c.token_ids) for c in first}) > 1  # n samples are not copies


def test_batched_greedy_decoding_matches_one_prompt_at_a_time(local_llm, prompt):
    prompts = [prompt, "<|bos|>short", prompt + "def add(a, b):"]
    params = SamplingParams(n=2, max_tokens=10, temperature=0.0)
    batched = local_llm.generate(prompts, params)
    for index, one in enumerate(prompts):
        solo = local_llm.generate([one], params)[0]
        for got, want in zip(batched[index], solo, strict=True):
            assert got.token_ids == want.token_ids
            assert got.token_logprobs == pytest.approx(want.token_logprobs, abs=1e-4)


def test_max_tokens_bounds_the_completion(local_llm, prompt):
    completion = local_llm.generate([prompt], SamplingParams(max_tokens=5, temperature=0.0))[0][0]
    assert len(completion.token_ids) == 5
    assert completion.finish_reason == "length"


def test_stop_string_ends_the_completion_and_is_not_returned(local_llm, prompt):
    free = local_llm.generate([prompt], SamplingParams(max_tokens=30, temperature=0.0))[0][0]
    stop = free.text[8:10]
    assert len(stop) == 2
    stopped = local_llm.generate(
        [prompt], SamplingParams(max_tokens=30, temperature=0.0, stop=[stop])
    )[0][0]
    assert stopped.finish_reason == "stop"
    assert stopped.text == free.text[: free.text.index(stop)]


def test_end_of_sequence_token_ends_the_completion(local_llm, prompt, monkeypatch):
    greedy = local_llm.generate([prompt], SamplingParams(max_tokens=3, temperature=0.0))[0][0]
    monkeypatch.setattr(local_llm, "eos_ids", {greedy.token_ids[1]})
    ended = local_llm.generate([prompt], SamplingParams(max_tokens=3, temperature=0.0))[0][0]
    assert ended.finish_reason == "stop"
    assert ended.token_ids == greedy.token_ids[:2]
    assert ended.text == local_llm.tokenizer.decode(greedy.token_ids[:1])


def test_prompt_over_the_context_window_is_refused(local_llm):
    too_long = "<|bos|>" + "word " * (local_llm.context_length + 10)
    with pytest.raises(ContextLengthExceeded, match="context window"):
        local_llm.generate([too_long], SamplingParams(max_tokens=4))
    with pytest.raises(ContextLengthExceeded):
        local_llm.score(too_long, " more")


def test_token_budget_is_clamped_to_the_room_left_in_the_window(local_llm):
    ids = [local_llm.tokenizer.bos_token_id] + [300] * (local_llm.context_length - 4)
    prompt = local_llm.tokenizer.decode(ids)
    assert len(local_llm.encode(prompt)) == local_llm.context_length - 3
    completion = local_llm.generate([prompt], SamplingParams(max_tokens=50, temperature=0.0))[0][0]
    assert len(completion.token_ids) == 3
    assert completion.finish_reason == "length"


async def test_stream_yields_the_same_text_as_generate(local_llm, prompt):
    params = SamplingParams(max_tokens=24, seed=3, stop=["\n\n"])
    deltas = await _collect(local_llm.stream(prompt, params))
    assert len(deltas) > 1
    assert "".join(deltas) == local_llm.generate([prompt], params)[0][0].text


async def test_stream_never_shows_a_stop_string(local_llm, prompt):
    free = local_llm.generate([prompt], SamplingParams(max_tokens=30, temperature=0.0))[0][0]
    stop = free.text[12:15]
    params = SamplingParams(max_tokens=30, temperature=0.0, stop=[stop])
    streamed = "".join(await _collect(local_llm.stream(prompt, params)))
    assert stop not in streamed
    assert streamed == free.text[: free.text.index(stop)]


async def test_closing_a_stream_early_stops_its_decode_thread(local_llm, prompt):
    stream = local_llm.stream(prompt, SamplingParams(max_tokens=2000, seed=0))
    await stream.__anext__()
    await stream.aclose()
    deadline = time.monotonic() + 5
    while any(t.name == "duet-local-stream" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "decode thread still running after aclose()"
        await asyncio.sleep(0.05)


def test_concurrent_requests_from_threads_equal_sequential_ones(local_llm, prompt):
    jobs = [(prompt, SamplingParams(n=2, max_tokens=12, seed=seed)) for seed in range(4)]
    sequential = [local_llm.generate([p], params)[0] for p, params in jobs]
    concurrent: dict[int, list] = {}

    def run(index: int) -> None:
        p, params = jobs[index]
        concurrent[index] = local_llm.generate([p], params)[0]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for index, want in enumerate(sequential):
        assert [c.token_ids for c in concurrent[index]] == [c.token_ids for c in want]


def test_score_of_an_empty_continuation_is_empty(local_llm, prompt):
    assert local_llm.score(prompt, "") == []


def test_score_counts_a_token_that_straddles_the_boundary_as_continuation(local_llm):
    prompt, continuation = "<|bos|>def sum_ev", "en(values):"
    whole = local_llm.encode(prompt + continuation)
    alone = local_llm.encode(prompt)
    shared = next(i for i, (a, b) in enumerate(zip(alone, whole, strict=False)) if a != b)
    assert len(local_llm.score(prompt, continuation)) == len(whole) - shared


# -- adapters -----------------------------------------------------------------------------------


@pytest.fixture
def fresh_llm(tiny_model_dir):
    from training.llm.local import LocalLLM

    return LocalLLM(tiny_model_dir)


def test_loaded_adapter_changes_outputs_and_base_stays_available(fresh_llm, adapter_dirs):
    prompt = fresh_llm.chat_prompt(MESSAGES)
    base = fresh_llm.score(prompt, "def f(x):")
    fresh_llm.load_adapter("alpha", str(adapter_dirs["alpha"]))
    assert fresh_llm.adapters() == ["alpha"]
    adapted = fresh_llm.score(prompt, "def f(x):", adapter="alpha")
    assert adapted != pytest.approx(base, abs=1e-3)
    assert fresh_llm.score(prompt, "def f(x):") == pytest.approx(base, abs=1e-6)
    completion = fresh_llm.generate([prompt], SamplingParams(max_tokens=2), adapter="alpha")
    assert completion[0][0].model == "alpha"


def test_several_adapters_stay_resident_and_are_chosen_per_request(fresh_llm, adapter_dirs):
    prompt = fresh_llm.chat_prompt(MESSAGES)
    fresh_llm.load_adapter("alpha", str(adapter_dirs["alpha"]))
    alpha = fresh_llm.score(prompt, "def f(x):", adapter="alpha")
    fresh_llm.load_adapter("beta", str(adapter_dirs["beta"]))
    assert fresh_llm.adapters() == ["alpha", "beta"]
    beta = fresh_llm.score(prompt, "def f(x):", adapter="beta")
    assert beta != pytest.approx(alpha, abs=1e-3)
    assert fresh_llm.score(prompt, "def f(x):", adapter="alpha") == pytest.approx(alpha, abs=1e-6)


def test_unknown_and_unloaded_adapters_raise_unknown_adapter(fresh_llm, adapter_dirs):
    prompt = fresh_llm.chat_prompt(MESSAGES)
    with pytest.raises(UnknownAdapter, match="nope"):
        fresh_llm.generate([prompt], adapter="nope")
    fresh_llm.load_adapter("alpha", str(adapter_dirs["alpha"]))
    fresh_llm.unload_adapter("alpha")
    assert fresh_llm.adapters() == []
    with pytest.raises(UnknownAdapter):
        fresh_llm.score(prompt, "x", adapter="alpha")
    with pytest.raises(UnknownAdapter):
        fresh_llm.unload_adapter("alpha")


def test_loading_the_same_name_twice_is_refused(fresh_llm, adapter_dirs):
    fresh_llm.load_adapter("alpha", str(adapter_dirs["alpha"]))
    with pytest.raises(LLMError, match="new name"):
        fresh_llm.load_adapter("alpha", str(adapter_dirs["beta"]))


def test_a_directory_without_an_adapter_is_refused_and_nothing_changes(
    fresh_llm, tiny_model_dir, tmp_path
):
    with pytest.raises(InvalidAdapter, match=r"adapter_config\.json"):
        fresh_llm.load_adapter("broken", str(tiny_model_dir))
    (tmp_path / "adapter_config.json").write_text("{not json")
    with pytest.raises(InvalidAdapter, match="not valid JSON"):
        fresh_llm.load_adapter("broken", str(tmp_path))
    assert fresh_llm.adapters() == []


def test_spec_adapter_is_the_default_and_base_model_is_still_reachable(
    tiny_model_dir, adapter_dirs
):
    llm = load_llm(f"local:{tiny_model_dir}@{adapter_dirs['alpha']}")
    prompt = llm.chat_prompt(MESSAGES)
    name = llm.default_adapter
    assert name == adapter_version_name(adapter_dirs["alpha"]) and name.startswith("alpha-")
    assert llm.score(prompt, "def") == pytest.approx(llm.score(prompt, "def", adapter=name))
    assert llm.score(prompt, "def", adapter=BASE_MODEL) != pytest.approx(
        llm.score(prompt, "def"), abs=1e-3
    )


def test_adapter_versions_in_same_named_folders_get_different_names(tiny_model_dir, tmp_path):
    first = build_tiny_adapter(tiny_model_dir, tmp_path / "run1" / "adapter", seed=1)
    second = build_tiny_adapter(tiny_model_dir, tmp_path / "run2" / "adapter", seed=2)
    assert adapter_version_name(str(first)) != adapter_version_name(str(second))
    assert adapter_version_name(str(first)).startswith("adapter-")


async def test_adapter_changes_mid_stream_do_not_change_the_running_request(
    fresh_llm, adapter_dirs, monkeypatch
):
    monkeypatch.setattr(fresh_llm, "eos_ids", {-1})  # random weights: run to max_tokens
    prompt = fresh_llm.chat_prompt(MESSAGES)
    fresh_llm.load_adapter("alpha", str(adapter_dirs["alpha"]))
    params = SamplingParams(max_tokens=400, seed=11)
    solo = fresh_llm.generate([prompt], params, adapter="alpha")[0][0]
    assert len(solo.token_ids) == 400  # long enough that the changes below land mid-stream

    deltas = []
    stream = fresh_llm.stream(prompt, params, adapter="alpha")
    deltas.append(await stream.__anext__())
    # mid-stream: load another adapter, use it, and unload the one the stream is using
    await asyncio.to_thread(fresh_llm.load_adapter, "beta", str(adapter_dirs["beta"]))
    await asyncio.to_thread(
        fresh_llm.generate, [prompt], SamplingParams(max_tokens=4), adapter="beta"
    )
    fresh_llm.unload_adapter("alpha")
    with pytest.raises(UnknownAdapter):
        fresh_llm.generate([prompt], params, adapter="alpha")
    assert any(t.name == "duet-local-stream" for t in threading.enumerate()), "stream ended early"
    deltas.extend([delta async for delta in stream])
    assert "".join(deltas) == solo.text
    assert fresh_llm.adapters() == ["beta"]


# -- the static-cache fast path ---------------------------------------------------------------


def test_fast_decode_path_matches_the_regular_forward(tiny_model_dir, local_llm, prompt):
    from training.llm.local import LocalLLM

    regular = LocalLLM(tiny_model_dir, fast_decode=False)
    assert local_llm._fast is not None and regular._fast is None
    prompts = [prompt, "<|bos|>short", prompt + "def add(a, b):"]
    params = SamplingParams(n=3, max_tokens=20, temperature=1.0, seed=4)
    for fast, slow in zip(
        local_llm.generate(prompts, params), regular.generate(prompts, params), strict=True
    ):
        for a, b in zip(fast, slow, strict=True):
            assert a.token_ids == b.token_ids
            assert a.token_logprobs == pytest.approx(b.token_logprobs, abs=1e-5)


def test_base_model_requests_ignore_resident_adapters(fresh_llm, adapter_dirs):
    prompt = fresh_llm.chat_prompt(MESSAGES)
    params = SamplingParams(n=2, max_tokens=16, seed=9)
    before = fresh_llm.generate([prompt], params)[0]
    fresh_llm.load_adapter("alpha", str(adapter_dirs["alpha"]))
    after = fresh_llm.generate([prompt], params)[0]
    adapted = fresh_llm.generate([prompt], params, adapter="alpha")[0]
    for got, want in zip(after, before, strict=True):
        assert got.token_ids == want.token_ids
        assert got.token_logprobs == pytest.approx(want.token_logprobs, abs=1e-6)
    assert adapted[0].token_logprobs != pytest.approx(before[0].token_logprobs, abs=1e-3)
