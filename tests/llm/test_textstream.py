"""Token-by-token text: complete characters only, stop strings cut and never streamed."""

from __future__ import annotations

import pytest
from transformers import AutoTokenizer

from training.llm.sampling import sample_next
from training.llm.textstream import IncrementalText


@pytest.fixture(scope="module")
def tokenizer(tiny_model_dir):
    return AutoTokenizer.from_pretrained(tiny_model_dir)


def _feed(text: IncrementalText, ids: list[int]) -> list[str]:
    deltas = []
    for token in ids:
        text.add(token)
        deltas.append(text.take_delta(final=False))
        if text.stopped:
            break
    text.finish()
    deltas.append(text.take_delta(final=True))
    return [d for d in deltas if d]


def test_multibyte_characters_are_released_whole(tokenizer):
    ids = tokenizer("数据 ok 🙂", add_special_tokens=False)["input_ids"]
    text = IncrementalText(tokenizer)
    deltas = _feed(text, ids)
    assert "".join(deltas) == "数据 ok 🙂"
    assert all("\ufffd" not in delta for delta in deltas)


def test_stop_string_cuts_the_text_and_is_never_streamed(tokenizer):
    ids = tokenizer("answer = 42\nEND of it", add_special_tokens=False)["input_ids"]
    text = IncrementalText(tokenizer, stop=["\nEND"])
    deltas = _feed(text, ids)
    assert text.stopped
    assert text.text == "answer = 42"
    assert "".join(deltas) == "answer = 42"


def test_lazy_text_decodes_once_at_the_end(tokenizer):
    ids = tokenizer("def f(x): return x", add_special_tokens=False)["input_ids"]
    text = IncrementalText(tokenizer, lazy=True)
    for token in ids:
        text.add(token)
    assert text.text == ""
    text.finish()
    assert text.text == "def f(x): return x"


def test_top_p_keeps_only_the_nucleus():
    import torch

    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    generator = torch.Generator().manual_seed(0)
    drawn = {
        sample_next(logits, temperature=1.0, top_p=0.7, generator=generator)[0].item()
        for _ in range(200)
    }
    assert drawn == {0, 1}


def test_temperature_zero_is_greedy_and_logprobs_are_raw():
    import torch

    logits = torch.tensor([[1.0, 3.0, 2.0]])
    token, logprob = sample_next(logits, temperature=0.0, top_p=1.0, generator=None)
    assert token.item() == 1
    assert logprob.item() == pytest.approx(torch.log_softmax(logits, -1)[0, 1].item())
